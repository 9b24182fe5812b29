// SPDX-License-Identifier: Apache-2.0
// The runtime owns the library contract: a library whose description has
// another version than this Kiln's is refused, naming both versions, before
// anything of it runs. A file that is not a Kiln library is refused too.
// RUN: rm -rf %t && mkdir -p %t
// RUN: cc -shared -fPIC -DKILN_OTHER_VERSION=2 -o %t/libother.so %S/Inputs/other-version.c
// RUN: /usr/bin/python3 -c "import numpy as np; np.save('%t/x.npy', np.zeros((2, 3), np.float32))"
// RUN: not kiln run %t/libother.so --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=NEWER
// NEWER: kiln run: '{{.*}}libother.so': the model description is version 2; this runtime reads version 1 (rebuild the library with this Kiln)
// RUN: cc -shared -fPIC -DKILN_OTHER_VERSION=0 -o %t/libother.so %S/Inputs/other-version.c
// RUN: not kiln run %t/libother.so --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=OLDER
// OLDER: kiln run: '{{.*}}libother.so': the model description is version 0; this runtime reads version 1
// RUN: not kiln run %t/libother.so --name wrong --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=NAME
// NAME: kiln run: '{{.*}}libother.so' is not a Kiln model library named 'wrong' (use --name)

// The library this Kiln builds from this file is accepted.
// RUN: kiln compile %s -o %t --name ok
// RUN: kiln run %t/libok.so --input %t/x.npy | FileCheck %s --check-prefix=OK
// OK: output 'output0': f32 [2, 3]
// `kiln describe` prints what the runtime reads of the description.
// RUN: kiln describe %t/libok.so | FileCheck %s --check-prefix=DESCRIBE
// DESCRIBE: "name": "ok",
// DESCRIBE: "description_version": 1,
// DESCRIBE: "inputs": [
// DESCRIBE: "name": "input0",
// DESCRIBE-NEXT: "dtype": "f32",
// DESCRIBE-NEXT: "dims": [
// DESCRIBE-NEXT: -1,
// DESCRIBE-NEXT: 3
// DESCRIBE: "outputs": [
// RUN: not kiln describe %t/libother.so 2>&1 | FileCheck %s --check-prefix=DESCRIBE-OTHER
// DESCRIBE-OTHER: kiln describe: '{{.*}}libother.so': the model description is version 0; this runtime reads version 1
func.func @ok(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %y = kiln.relu %x : tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
