// SPDX-License-Identifier: Apache-2.0
// Median ms of ONNX Runtime (CPU, all graph optimizations):
// node time_ort.js ORT_MODULE_DIR MODEL.onnx X.npy THREADS MIN_REPS OUT.npy
const [ortDir, model, xfile, threads, reps, out] = process.argv.slice(2);
const ort = require(ortDir);
const fs = require('fs');

function loadNpy(path) {
  const b = fs.readFileSync(path);
  const headerLength = b.readUInt16LE(8);
  const header = b.slice(10, 10 + headerLength).toString();
  const shape = header.match(/\((.*?)\)/)[1].split(',')
                    .filter(s => s.trim()).map(Number);
  const d = b.slice(10 + headerLength);
  return [new Float32Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.length)), shape];
}

function saveNpy(path, data, shape) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length == 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64) header += ' ';
  header += '\n';
  const h = Buffer.alloc(10);
  h.write('\x93NUMPY', 0, 'latin1'); h[6] = 1; h[7] = 0; h.writeUInt16LE(header.length, 8);
  fs.writeFileSync(path, Buffer.concat([h, Buffer.from(header, 'latin1'),
                                        Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

(async () => {
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: +threads, interOpNumThreads: 1,
    graphOptimizationLevel: 'all', executionMode: 'sequential'});
  const [x, shape] = loadNpy(xfile);
  const feeds = {x: new ort.Tensor('float32', x, shape)};
  let result;
  for (let i = 0; i < 3; i++) result = await session.run(feeds);
  saveNpy(out, result.y.data, result.y.dims);
  const times = [];
  const start = process.hrtime.bigint();
  while (times.length < +reps || Number(process.hrtime.bigint() - start) < 5e8) {
    const a = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - a) / 1e6);
    if (times.length >= 10000) break;
  }
  times.sort((a, b) => a - b);
  console.log(times[Math.floor(times.length / 2)].toFixed(4));
})();
