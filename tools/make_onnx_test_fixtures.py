#!/usr/bin/python3
"""Writes small ONNX files exported by PyTorch, used as real-exporter fixtures by the Java tests.

Run with Debian's python3 (python3-torch, python3-onnx) from the repository root:
    /usr/bin/python3 tools/make_onnx_test_fixtures.py
It writes java/src/test/resources/io/bocomp/model/onnx/torch_*.onnx. Weights are seeded; the files
are committed, so the tests never need Python.
"""
import os

import torch
import torch.nn as nn

OUT = "java/src/test/resources/io/bocomp/model/onnx"


class TinyCnn(nn.Module):
    """Conv-BN-ReLU x2, max pool, Dropout, x.view(x.size(0), -1), Linear-BN1d-ReLU, Linear."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.drop = nn.Dropout(0.25)
        self.fc1 = nn.Linear(8 * 4 * 4, 16)
        self.bn3 = nn.BatchNorm1d(16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.pool(torch.nn.functional.relu6(self.bn2(self.conv2(x))))
        x = self.drop(x)
        x = x.view(x.size(0), -1)
        x = torch.relu(self.bn3(self.fc1(x)))
        return self.fc2(x)


def main():
    torch.manual_seed(0)
    net = TinyCnn()
    # give the BNs non-trivial running statistics
    with torch.no_grad():
        for bn in (net.bn1, net.bn2, net.bn3):
            bn.running_mean.uniform_(-0.2, 0.2)
            bn.running_var.uniform_(0.5, 1.5)
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.2, 0.2)
    net.eval()
    x = torch.randn(2, 1, 8, 8)
    os.makedirs(OUT, exist_ok=True)
    common = dict(input_names=["input"], output_names=["logits"],
                  dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    torch.onnx.export(net, x, f"{OUT}/torch_tiny_cnn_opset13.onnx", opset_version=13,
                      **common)
    # old style: weights also listed as graph inputs, opset 9 (Unsqueeze axes as attribute)
    torch.onnx.export(net, x, f"{OUT}/torch_tiny_cnn_opset9_weights_as_inputs.onnx",
                      opset_version=9, keep_initializers_as_inputs=True,
                      **common)


if __name__ == "__main__":
    main()
