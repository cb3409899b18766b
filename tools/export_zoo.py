#!/usr/bin/python3
"""Exports small torchvision-style classifiers, a YOLO-style detector with a segmentation head, and
a ViT-tiny to ONNX, as real-exporter fixtures for bocomp's parity tests (ONNX Runtime is the
reference there). Weights are random (seeded): only the graphs matter. Widths and depths are cut
so that each file stays small (under 1 MB); the op patterns are the ones the full-size exports
use. (ResNet-18 is left out: its smallest torchvision export is 45 MB; the Java-built
TestNets.resnet18Shaped has its topology.)

Run from the repository root with Debian's python3 (python3-torch 1.13, python3-torchvision 0.14):
    /usr/bin/python3 tools/export_zoo.py [--out java/src/test/resources/io/bocomp/zoo]
"""
import argparse
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models import efficientnet as tv_eff
from torchvision.models import regnet as tv_regnet
from torchvision.models.vision_transformer import VisionTransformer


class TinyYolo(nn.Module):
    """YOLOv5-style: Focus slicing, Conv-BN-SiLU, C3-like residuals, SPPF max pools, nearest
    upsampling with Concat (FPN), a detect head (Sigmoid, grid decode with Pow/Mul/Add, view and
    permute), and a segmentation head (bilinear upsampling, align_corners=False)."""

    def __init__(self, nc=3, na=2):
        super().__init__()
        self.nc, self.na = nc, na

        def cbs(i, o, k=3, s=1):
            return nn.Sequential(nn.Conv2d(i, o, k, s, k // 2, bias=False), nn.BatchNorm2d(o),
                                 nn.SiLU())
        self.stem = cbs(12, 16)
        self.down1 = cbs(16, 32, 3, 2)
        self.res1 = nn.Sequential(cbs(32, 16, 1), cbs(16, 32))
        self.down2 = cbs(32, 48, 3, 2)
        self.sppf_in = cbs(48, 24, 1)
        self.sppf_out = cbs(96, 48, 1)
        self.lat = cbs(48, 32, 1)
        self.fuse = cbs(64, 32)
        self.head_small = nn.Conv2d(32, na * (5 + nc), 1)
        self.head_large = nn.Conv2d(48, na * (5 + nc), 1)
        self.seg = nn.Conv2d(32, 4, 1)
        self.register_buffer("anchors", torch.tensor([[10., 13.], [16., 30.]]))

    def decode(self, p, stride):
        b, _, h, w = p.shape
        p = p.view(b, self.na, 5 + self.nc, h, w).permute(0, 1, 3, 4, 2).sigmoid()
        ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32),
                                torch.arange(w, dtype=torch.float32), indexing="ij")
        grid = torch.stack((xs, ys), 2).view(1, 1, h, w, 2)
        xy = (p[..., 0:2] * 2 - 0.5 + grid) * stride
        wh = (p[..., 2:4] * 2) ** 2 * self.anchors.view(1, self.na, 1, 1, 2)
        return torch.cat((xy, wh, p[..., 4:]), -1).view(b, -1, 5 + self.nc)

    def forward(self, x):
        x = torch.cat([x[..., ::2, ::2], x[..., 1::2, ::2], x[..., ::2, 1::2], x[..., 1::2, 1::2]],
                      1)
        x = self.stem(x)
        c1 = self.down1(x)
        c1 = c1 + self.res1(c1)
        c2 = self.down2(c1)
        s = self.sppf_in(c2)
        y1 = F.max_pool2d(s, 5, 1, 2)
        y2 = F.max_pool2d(y1, 5, 1, 2)
        y3 = F.max_pool2d(y2, 5, 1, 2)
        c2 = self.sppf_out(torch.cat([s, y1, y2, y3], 1))
        up = F.interpolate(self.lat(c2), scale_factor=2.0, mode="nearest")
        f = self.fuse(torch.cat([up, c1], 1))
        det = torch.cat([self.decode(self.head_small(f), 4.0),
                         self.decode(self.head_large(c2), 8.0)], 1)
        seg = F.interpolate(self.seg(f), size=x.shape[-2:], mode="bilinear", align_corners=False)
        return det, seg


def models():
    torch.manual_seed(0)
    m = {}
    m["mobilenet_v2"] = (torchvision.models.mobilenet_v2(width_mult=0.25, num_classes=10),
                         (1, 3, 64, 64))
    from torchvision.models import mobilenetv3 as tv_mv3
    setting, _ = tv_mv3._mobilenet_v3_conf("mobilenet_v3_small", width_mult=0.5,
                                            reduced_tail=True)
    m["mobilenet_v3_small"] = (tv_mv3.MobileNetV3(setting, last_channel=128, num_classes=10),
                               (1, 3, 64, 64))
    settings, last = tv_eff._efficientnet_conf("efficientnet_b0", width_mult=0.25,
                                               depth_mult=0.34)
    m["efficientnet_b0"] = (tv_eff.EfficientNet(settings, 0.2, last_channel=last, num_classes=10),
                            (1, 3, 64, 64))
    m["densenet"] = (torchvision.models.DenseNet(growth_rate=8, block_config=(2, 2, 2),
                                                 num_init_features=16, num_classes=10),
                     (1, 3, 64, 64))
    m["shufflenet_v2"] = (torchvision.models.ShuffleNetV2([2, 2, 2], [12, 24, 48, 96, 256],
                                                          num_classes=10), (1, 3, 64, 64))
    block = tv_regnet.BlockParams.from_init_params(depth=6, w_0=16, w_a=8.0, w_m=2.0,
                                                   group_width=8, se_ratio=0.25)
    m["regnet_y"] = (tv_regnet.RegNet(block, num_classes=10), (1, 3, 64, 64))
    m["vit_tiny"] = (VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=3,
                                       hidden_dim=96, mlp_dim=192, num_classes=10),
                     (1, 3, 32, 32))
    m["yolo_seg"] = (TinyYolo(), (1, 3, 64, 64))
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="java/src/test/resources/io/bocomp/zoo")
    ap.add_argument("--only", default=None)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    todo = [(name, model, shape, 17) for name, (model, shape) in models().items()]
    # older exporters' forms: LayerNormalization decomposed (opset 13), Resize-11 and Squeeze/
    # Unsqueeze/Split attributes (opset 11)
    extra = models()
    todo.append(("vit_tiny_opset13", extra["vit_tiny"][0], extra["vit_tiny"][1], 13))
    todo.append(("yolo_seg_opset11", extra["yolo_seg"][0], extra["yolo_seg"][1], 11))
    for name, model, shape, opset in todo:
        if a.only and name != a.only:
            continue
        model.eval()
        torch.manual_seed(1)
        x = torch.randn(*shape)
        path = os.path.join(a.out, name + ".onnx")
        outs = ["output"] if not name.startswith("yolo_seg") else ["detections", "segmentation"]
        dyn = {"input": {0: "batch"}}
        for o in outs:
            dyn[o] = {0: "batch"}
        torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"],
                          output_names=outs, dynamic_axes=dyn, do_constant_folding=True)
        params = sum(p.numel() for p in model.parameters())
        print(f"{name}: {params} params, {os.path.getsize(path)} bytes -> {path}")


if __name__ == "__main__":
    main()
