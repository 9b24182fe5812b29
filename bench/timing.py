# SPDX-License-Identifier: Apache-2.0
"""The one timing rule of the Python timers: 3 warm-up calls, then at
least MIN_REPS calls and at least 0.5 s, the median in ms."""
import time

def median_ms(fn, min_reps):
    for _ in range(3):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or time.perf_counter() - start < 0.5:
        s = time.perf_counter()
        fn()
        times.append(time.perf_counter() - s)
        if len(times) >= 10000:
            break
    times.sort()
    return times[len(times) // 2] * 1e3
