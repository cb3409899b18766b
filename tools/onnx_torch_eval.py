#!/usr/bin/python3
"""Runs an exported ONNX file with a tiny, independent interpreter built on torch ops.

onnx 1.12 (Debian) has no onnx.reference evaluator and onnxruntime is not installed,
so this walks the ONNX graph node by node (initializers read with
onnx.numpy_helper, attributes read from the protobuf) and executes each op with
torch.nn.functional. It does NOT use the PyTorch module that produced the file,
so it checks the file itself: weights, attributes, wiring, the flatten pattern.

Supported ops: the ones the default model uses (Conv, BatchNormalization, Relu,
MaxPool, Flatten, Dropout, Gemm, MatMul, Add, Sub, Mul, Div, Reshape, Shape,
Gather, Unsqueeze, Concat, Constant, Identity).

    /usr/bin/python3 tools/onnx_torch_eval.py models/fashion-cnn.onnx

prints top-1 accuracy on the full t10k set and on the committed 2,000-image sample.
"""
import os
import sys

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch; see train_default.py

import argparse  # noqa: E402

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_sample  # noqa: E402


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pads2d(attrs, kernel):
    pads = list(attrs.get("pads", [0] * 4))
    if attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise NotImplementedError("auto_pad")
    if pads[0] != pads[2] or pads[1] != pads[3]:
        raise NotImplementedError(f"asymmetric pads {pads}")
    return pads[0], pads[1]


class OnnxTorchModel:
    def __init__(self, path):
        self.model = onnx.load(path)
        g = self.model.graph
        self.init = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in g.initializer}
        self.inputs = [i.name for i in g.input if i.name not in self.init]
        self.outputs = [o.name for o in g.output]
        self.nodes = list(g.node)

    def op_types(self):
        return [n.op_type for n in self.nodes]

    @torch.no_grad()
    def __call__(self, x):
        env = dict(self.init)
        env[self.inputs[0]] = x
        for n in self.nodes:
            a = _attrs(n)
            ins = [env[i] if i else None for i in n.input]
            op = n.op_type
            if op == "Conv":
                w = ins[0 + 1]
                ph, pw = _pads2d(a, w.shape[2:])
                out = F.conv2d(ins[0], w, ins[2] if len(ins) > 2 else None,
                               stride=tuple(a.get("strides", [1, 1])), padding=(ph, pw),
                               dilation=tuple(a.get("dilations", [1, 1])), groups=a.get("group", 1))
            elif op == "BatchNormalization":
                if a.get("training_mode", 0):
                    raise NotImplementedError("BatchNormalization training_mode=1")
                out = F.batch_norm(ins[0], ins[3], ins[4], ins[1], ins[2], training=False,
                                   eps=a.get("epsilon", 1e-5))
            elif op == "Relu":
                out = F.relu(ins[0])
            elif op == "MaxPool":
                ph, pw = _pads2d(a, a["kernel_shape"])
                if a.get("ceil_mode", 0):
                    raise NotImplementedError("ceil_mode")
                out = F.max_pool2d(ins[0], tuple(a["kernel_shape"]),
                                   stride=tuple(a.get("strides", a["kernel_shape"])), padding=(ph, pw))
            elif op == "Flatten":
                axis = a.get("axis", 1)
                out = ins[0].reshape(int(np.prod(ins[0].shape[:axis])), -1)
            elif op in ("Dropout", "Identity"):
                if op == "Dropout" and len(ins) > 2 and ins[2] is not None and bool(ins[2]):
                    raise NotImplementedError("Dropout training_mode=true")
                out = ins[0]
            elif op == "Gemm":
                A, B = ins[0], ins[1]
                if a.get("transA", 0):
                    A = A.t()
                if a.get("transB", 0):
                    B = B.t()
                out = a.get("alpha", 1.0) * (A @ B)
                if len(ins) > 2 and ins[2] is not None:
                    out = out + a.get("beta", 1.0) * ins[2]
            elif op == "MatMul":
                out = ins[0] @ ins[1]
            elif op in ("Add", "Sub", "Mul", "Div"):
                out = {"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": torch.div}[op](ins[0], ins[1])
            elif op == "Constant":
                out = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
            elif op == "Shape":
                out = torch.tensor(list(ins[0].shape), dtype=torch.int64)
            elif op == "Gather":
                out = torch.index_select(ins[0], a.get("axis", 0), ins[1].reshape(-1).long())
                if ins[1].dim() == 0:
                    out = out.squeeze(a.get("axis", 0))
            elif op == "Unsqueeze":
                out = ins[0]
                for ax in sorted(ins[1].tolist()):
                    out = out.unsqueeze(ax)
            elif op == "Concat":
                out = torch.cat(ins, dim=a["axis"])
            elif op == "Reshape":
                shape = [int(s) for s in ins[1].tolist()]
                shape = [ins[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
                out = ins[0].reshape(shape)
            else:
                raise NotImplementedError(f"op {op}")
            env[n.output[0]] = out
        return env[self.outputs[0]]


def to_input(images_u8):
    """uint8 [N,28,28] -> float32 [N,1,28,28] in [0,1] (the model's input contract)."""
    return torch.from_numpy(images_u8.astype(np.float32) / 255.0).unsqueeze(1)


@torch.no_grad()
def predict(fn, images_u8, batch=1000):
    outs = []
    for i in range(0, len(images_u8), batch):
        outs.append(fn(to_input(images_u8[i:i + batch])))
    return torch.cat(outs)


def accuracy(logits, labels):
    return float((logits.argmax(1).numpy() == labels).mean())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("onnx", nargs="?", default="models/fashion-cnn.onnx")
    ap.add_argument("--data-dir", default=make_sample.DEFAULT_DATA_DIR)
    ap.add_argument("--sample-dir", default="models/")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    m = OnnxTorchModel(args.onnx)
    print("op types:", sorted(set(m.op_types())))
    print("metadata:", {p.key: p.value for p in m.model.metadata_props})
    ti, tl = make_sample.load_split(args.data_dir, "t10k")
    print(f"ONNX (torch-op interpreter) top-1 on t10k (10000): {accuracy(predict(m, ti), tl):.4f}")
    si = make_sample.read_idx(os.path.join(args.sample_dir, make_sample.SAMPLE_IMAGES))
    sl = make_sample.read_idx(os.path.join(args.sample_dir, make_sample.SAMPLE_LABELS))
    print(f"ONNX (torch-op interpreter) top-1 on sample ({len(sl)}): {accuracy(predict(m, si), sl):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
