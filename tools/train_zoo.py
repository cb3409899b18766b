#!/usr/bin/python3
"""Trains the Fashion-MNIST model zoo for bocomp's results of record (docs/results.md): four
families besides the embedded default model, each small enough to train in minutes on 2 cores.

    /usr/bin/python3 tools/train_zoo.py --out models/zoo [--only NAME] [--epochs E]

  resnet.onnx       a ResNet-style net (3 stages of 2 BasicBlocks, 16/32/64 channels), its
                    BatchNormalization nodes kept in the file (bocomp folds them at import)
  mobilenet.onnx    MobileNetV2-style: inverted residuals (1x1 expand, 3x3 depthwise, 1x1
                    project), ReLU6
  vgg_wide.onnx     VGG-style with large FC layers (Ma et al.'s VGG-16 shape in miniature:
                    4 conv blocks, then 1024-1024-10 fully connected)
  vit.onnx          a small ViT: 4x4 patches, 4 encoder blocks of width 64, 4 heads, MLP 128

Same data, recipe knobs and export conventions as tools/train_default.py (input "input" float32
[N,1,28,28] = pixel/255, output "logits" [N,10], dynamic batch, opset 17); fixed seeds,
torch.set_num_threads(2). Prints each model's test top-1 on the 10,000 Fashion-MNIST test images.
"""
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_sample  # noqa: E402


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                       nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return F.relu(y + (x if self.short is None else self.short(x)))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16),
                                  nn.ReLU())
        blocks, cin = [], 16
        for cout, stride in [(16, 1), (16, 1), (32, 2), (32, 1), (64, 2), (64, 1)]:
            blocks.append(BasicBlock(cin, cout, stride))
            cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        mid = cin * expand
        self.use_res = stride == 1 and cin == cout
        self.body = nn.Sequential(
            nn.Conv2d(cin, mid, 1, bias=False), nn.BatchNorm2d(mid), nn.ReLU6(),
            nn.Conv2d(mid, mid, 3, stride, 1, groups=mid, bias=False), nn.BatchNorm2d(mid),
            nn.ReLU6(),
            nn.Conv2d(mid, cout, 1, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.body(x)
        return x + y if self.use_res else y


class MobileNet(nn.Module):
    def __init__(self):
        super().__init__()
        layers = [nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6()]
        cin = 16
        for cout, stride, expand in [(16, 1, 1), (24, 2, 4), (24, 1, 4), (32, 2, 4), (32, 1, 4),
                                     (64, 1, 4), (64, 1, 4)]:
            layers.append(InvertedResidual(cin, cout, stride, expand))
            cin = cout
        layers += [nn.Conv2d(cin, 256, 1, bias=False), nn.BatchNorm2d(256), nn.ReLU6()]
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(256, 10)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1))


class VggWide(nn.Module):
    def __init__(self):
        super().__init__()

        def block(cin, cout):
            return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                    nn.ReLU()]
        self.features = nn.Sequential(*block(1, 32), *block(32, 32), nn.MaxPool2d(2),
                                      *block(32, 64), *block(64, 64), nn.MaxPool2d(2),
                                      *block(64, 128), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Linear(128 * 3 * 3, 1024), nn.ReLU(), nn.Dropout(0.3),
                                        nn.Linear(1024, 1024), nn.ReLU(), nn.Dropout(0.3),
                                        nn.Linear(1024, 10))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class Vit(nn.Module):
    def __init__(self, dim=64, depth=4, heads=4, mlp=128):
        super().__init__()
        self.patch = nn.Conv2d(1, dim, 4, 4)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.randn(1, 50, dim) * 0.02)
        layer = nn.TransformerEncoderLayer(dim, heads, mlp, dropout=0.1, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, 10)

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], 1) + self.pos
        return self.head(self.norm(self.encoder(x))[:, 0])


MODELS = {"resnet": (ResNet, 6, 0.1), "mobilenet": (MobileNet, 6, 0.1),
          "vgg_wide": (VggWide, 6, 0.05), "vit": (Vit, 5, 1e-3)}


def load(data_dir):
    xs, ys = make_sample.load_split(data_dir, "train")
    xt, yt = make_sample.load_split(data_dir, "t10k")
    f = lambda a: torch.from_numpy(a.astype(np.float32) / 255.0).unsqueeze(1)  # noqa: E731
    return f(xs), torch.from_numpy(ys.astype(np.int64)), f(xt), torch.from_numpy(
        yt.astype(np.int64))


def top1(model, x, y):
    model.eval()
    with torch.no_grad():
        return sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
                   for i in range(0, len(x), 1000)) / len(x)


def train(name, data, epochs, seed=0):
    cls, default_epochs, lr = MODELS[name]
    epochs = epochs or default_epochs
    torch.manual_seed(seed)
    model = cls()
    xs, ys, xt, yt = data
    adam = name == "vit"
    opt = (torch.optim.AdamW(model.parameters(), lr, weight_decay=0.05) if adam
           else torch.optim.SGD(model.parameters(), lr, momentum=0.9, weight_decay=5e-4,
                                nesterov=True))
    steps = epochs * (len(xs) // 128)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=steps)
    gen = torch.Generator().manual_seed(seed)
    t0 = time.time()
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(xs), generator=gen)
        for i in range(0, len(xs) - 127, 128):
            idx = perm[i:i + 128]
            xb = xs[idx]
            flip = torch.rand(len(idx), generator=gen) < 0.5
            xb = torch.where(flip.view(-1, 1, 1, 1), xb.flip(3), xb)
            loss = F.cross_entropy(model(xb), ys[idx], label_smoothing=0.1)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        print(f"{name} epoch {epoch + 1}/{epochs}: loss {loss.item():.3f}, test top-1 "
              f"{top1(model, xt, yt):.4f} ({time.time() - t0:.0f} s)", flush=True)
    return model.eval()


def export(model, path, name):
    x = torch.zeros(1, 1, 28, 28)
    kwargs = {}
    if name == "resnet":
        kwargs["training"] = torch.onnx.TrainingMode.PRESERVE  # keep BatchNormalization nodes
        kwargs["do_constant_folding"] = False
    torch.onnx.export(model, x, path, opset_version=17, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"},
                                                             "logits": {0: "batch"}}, **kwargs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="models/zoo")
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--only", default=None)
    ap.add_argument("--epochs", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(2)
    os.makedirs(a.out, exist_ok=True)
    data = load(a.data)
    for name in MODELS:
        if a.only and name != a.only:
            continue
        model = train(name, data, a.epochs)
        path = os.path.join(a.out, name + ".onnx")
        export(model, path, name)
        params = sum(p.numel() for p in model.parameters())
        print(f"{name}: {params} parameters, test top-1 {top1(model, data[2], data[3]):.4f}, "
              f"{os.path.getsize(path)} bytes -> {path}", flush=True)


if __name__ == "__main__":
    main()
