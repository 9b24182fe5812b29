// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// The mask: SplitMix64 of key + linear position, key = SplitMix64 twice of
// the seed (no offset); kept when the top 32 bits are >= ceil(rate * 2^32).
// noise_shape 1 in dimension 1 shares the mask along it (position index 0).
// NUMPY: u = np.uint64
// NUMPY: xs = lambda v, s: v ^ (v >> u(s))
// NUMPY: mix = lambda z: xs(xs(xs(z + u(0x9E3779B97F4A7C15), 30) * u(0xBF58476D1CE4E5B9), 27) * u(0x94D049BB133111EB), 31)
// NUMPY: key = mix(mix(np.array([5], np.uint64)))
// NUMPY: pos = (np.arange(x.shape[0], dtype=np.uint64)[:, None, None] * u(16) * u(8) + np.arange(8, dtype=np.uint64)[None, None, :]) + np.zeros((1, 16, 1), np.uint64)
// NUMPY: keep = (mix(key + pos) >> u(32)) >= u(1288490189)
// NUMPY: y = np.where(keep, x / 0.7, 0)
func.func @f(%x: tensor<?x16x8xf32> {kiln.name = "x"}) -> (tensor<?x16x8xf32> {kiln.name = "y"}) {
  %r = kiln.dropout %x {rate = 0.3 : f64, seed = 5 : i64, training = true, noise_shape = array<i64: 4, 1, 8>}
      : (tensor<?x16x8xf32>) -> tensor<?x16x8xf32>
  return %r : tensor<?x16x8xf32>
}
