# SPDX-License-Identifier: Apache-2.0
"""Compares kiln-keras-inspect --snake-case with Keras's to_snake_case.

Usage: snake_case_check.py KILN_KERAS_INSPECT
"""

import random
import re
import subprocess
import sys


def to_snake_case(name):
    # keras/src/utils/naming.py
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def main():
    rng = random.Random(22)
    pieces = ["Conv", "2D", "ReLU", "LSTM", "Dense", "A", "a", "Ab", "aB",
              "X1", "_", "-", " ", "9", "Op", "TF", "GRUCell", "xY", "Zz"]
    names = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
             for _ in range(2000)]
    got = subprocess.run([sys.argv[1], "--snake-case"] + names,
                         capture_output=True, text=True,
                         check=True).stdout.splitlines()
    bad = [(n, g, to_snake_case(n)) for n, g in zip(names, got)
           if g != to_snake_case(n)]
    if len(got) != len(names) or bad:
        print("mismatches (name, kiln, keras):", bad[:20])
        sys.exit(1)
    print("ok: %d names agree" % len(names))


if __name__ == "__main__":
    main()
