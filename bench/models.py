# SPDX-License-Identifier: Apache-2.0
"""The benchmark models, built the same way (same seed, same random
weights) by the exporter and by the PyTorch timer."""
import torch
import torch.nn as nn

# name: (builder, input shape per batch element)
def _mlp():
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512),
                         nn.ReLU(), nn.Linear(512, 10))

def _cnn():
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(),
                         nn.Linear(128, 10))

def _resnet18():
    import torchvision
    return torchvision.models.resnet18()

def _mobilenet_v2():
    import torchvision
    return torchvision.models.mobilenet_v2()

def _transformer():
    return nn.TransformerEncoderLayer(d_model=256, nhead=4,
                                      dim_feedforward=1024, dropout=0.0,
                                      batch_first=True)

MODELS = {
    "mlp": (_mlp, (784,)),
    "cnn": (_cnn, (1, 28, 28)),
    "resnet18": (_resnet18, (3, 224, 224)),
    "mobilenet_v2": (_mobilenet_v2, (3, 224, 224)),
    "transformer": (_transformer, (128, 256)),
}

def build(name):
    torch.manual_seed(0)
    builder, shape = MODELS[name]
    model = builder().eval()
    # Random, not zero, batch-norm statistics, so folding them is tested.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
    return model, shape
