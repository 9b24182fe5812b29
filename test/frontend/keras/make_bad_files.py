# SPDX-License-Identifier: Apache-2.0
"""Writes broken Keras files for bad-files.test.

Usage: make_bad_files.py CORPUS_DIR OUTPUT_DIR
"""

import io
import os
import random
import sys
import zipfile

import h5py


def main():
    corpus, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)

    def read(name):
        with open(os.path.join(corpus, name), "rb") as fh:
            return bytearray(fh.read())

    def write(name, data):
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(data)

    h5 = read("marvin__gru_model.h5")
    write("trunc.h5", h5[:1000])
    write("empty.h5", b"")
    write("random.bin", bytes(random.Random(7).randrange(256)
                              for _ in range(5000)))

    keras = read("krishna__unet_model.keras")
    flipped = bytearray(keras)
    flipped[len(flipped) // 2] ^= 0xFF
    write("flipped.keras", flipped)
    write("trunc.keras", keras[:len(keras) // 2])

    text = read("jaafar__sentiment_lstm_model_architecture.json")
    write("trunc.json", text[:len(text) // 2])
    write("notmodel.json", b'{"weights": [1, 2]}\n')

    # The 8-byte size of the global-heap object that holds model_config,
    # made huge: Debian's libhdf5 1.10 copies that many bytes and crashes.
    crash = read("dl4j__ReLU_2_model.h5")
    crash[2133] = 200
    write("heapsize.h5", crash)

    # A valid HDF5 file that is no Keras file.
    with h5py.File(os.path.join(out, "plain.h5"), "w") as f:
        f["x"] = [1, 2, 3]

    # A .keras archive without weights.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("metadata.json", '{"keras_version": "3.9.2"}')
        z.writestr("config.json",
                   zipfile.ZipFile(os.path.join(
                       corpus, "houjou__text_classifier.keras")).read(
                           "config.json"))
    write("noweights.keras", buffer.getvalue())


if __name__ == "__main__":
    main()
