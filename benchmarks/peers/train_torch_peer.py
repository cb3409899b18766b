#!/usr/bin/python3
"""PyTorch peer of bocomp's CPU fine-tuning (io.bocomp.train): training throughput in images/s.

Builds a trainable torch nn.Module from an ONNX file (initializers become nn.Parameters) after the
same preparation bocomp's TrainingGraph does: every BatchNormalization that directly follows a Conv
is folded into that Conv (w' = w * g / sqrt(var + eps), b' = (b - mean) * g / sqrt(var + eps) + beta),
Dropout and Identity are removed. It then runs bocomp's distillation step on Fashion-MNIST training
images, mini-batch by mini-batch:

    loss = alpha * T^2 * KL(softmax(t/T) || softmax(s/T)) + (1 - alpha) * CE(s, y)   (batch means)
    zero_grad; forward; loss; backward; SGD(lr 0.01, momentum 0.9) step

where t are teacher logits of the ORIGINAL model (--reference), computed once before any timing.

Timed: --repeats runs of --steps consecutive steps each (after --warmup untimed steps), one clock
reading around each run; each step includes gathering its mini-batch from the preloaded float
tensors (as bocomp's does). Printed: one JSON line per run, a JSON summary (min / median / max
images/s), and the loss going down.

    /usr/bin/python3 benchmarks/peers/train_torch_peer.py --check
    /usr/bin/python3 benchmarks/peers/train_torch_peer.py --model models/fashion-cnn.onnx \
        --batch 64 --threads 2 --warmup 10 --steps 30 --repeats 5 [--channels-last]

Supported ops: Conv, Gemm (transA = 0), MatMul, Relu, MaxPool, AveragePool, GlobalAveragePool,
Flatten, Reshape (constant shape), Add/Sub/Mul/Div, BatchNormalization (unfolded: fixed statistics,
trainable scale and shift), Identity, Dropout, Constant. Trained, as in bocomp: Conv/Gemm/MatMul
weights and biases, BN scale and shift, and an initializer operand of Add/Sub/Mul/Div downstream
of a trained layer. bocomp keeps the zeros of a pruned model frozen at zero; this peer does so
only with --keep-zeros (gradient masked before the SGD step), and by default trains them.
"""
import os
import sys

# Must precede "import torch": libgomp reads it at start-up. With the default active spin-wait,
# 2 OpenMP threads on 2 shared cores burn CPU and run several times slower (tools/train_default.py).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from onnx import numpy_helper  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tools"))
import make_sample  # noqa: E402

DATA_DIR = "/usr/share/datasets/fashion-mnist"


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pads2d(attrs, where):
    if attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise NotImplementedError(f"{where}: auto_pad")
    pads = list(attrs.get("pads", [0, 0, 0, 0]))
    if len(pads) != 4 or pads[0] != pads[2] or pads[1] != pads[3]:
        raise NotImplementedError(f"{where}: only symmetric 2-D pads, got {pads}")
    return pads[0], pads[1]


# ----------------------------------------------------------------------------- graph preparation

def prepare(path, fold=True):
    """Loads an ONNX file and returns (nodes, consts, input name, output name) ready for training:
    Constant nodes evaluated, Dropout/Identity removed, BN after Conv folded into the Conv (unless
    fold is False: then every BN stays a BatchNormalization, as --check's second opinion needs).

    nodes: list of (op, inputs, output, attrs, node name) in graph order, only those the first
    output needs; consts: name -> float64/int64 numpy array (the initializers, folded ones replaced).
    """
    model = onnx.load(path)
    g = model.graph
    consts = {t.name: numpy_helper.to_array(t).copy() for t in g.initializer}
    inputs = [i.name for i in g.input if i.name not in consts]
    if len(inputs) != 1:
        raise ValueError(f"{path}: expected one non-initializer input, found {inputs}")
    output = g.output[0].name
    alias = {}
    nodes = []
    for n in g.node:
        a = _attrs(n)
        ins = [alias.get(i, i) for i in n.input]
        if n.op_type == "Constant":
            consts[n.output[0]] = numpy_helper.to_array(a["value"]).copy()
        elif n.op_type in ("Dropout", "Identity"):
            alias[n.output[0]] = ins[0]  # bocomp fine-tunes without dropout
        else:
            nodes.append([n.op_type, ins, n.output[0], a, n.name or n.output[0]])
    if output in alias:
        raise NotImplementedError(f"{path}: graph output '{output}' comes straight from a Dropout")

    consumers = {}
    for op, ins, out, a, name in nodes:
        for i in ins:
            consumers.setdefault(i, []).append(out)
    producer = {out: k for k, (_, _, out, _, _) in enumerate(nodes)}
    folded = set()
    for k, (op, ins, out, a, name) in enumerate(nodes):
        if op != "BatchNormalization" or not fold:
            continue
        src = producer.get(ins[0])
        if src is None or nodes[src][0] != "Conv" or consumers.get(ins[0]) != [out] \
                or ins[0] == output:
            continue
        if a.get("training_mode", 0):
            raise NotImplementedError(f"{name}: BatchNormalization training_mode=1")
        conv = nodes[src]
        w_name = conv[1][1]
        gamma, beta, mean, var = (consts[i].astype(np.float64) for i in ins[1:5])
        scale = gamma / np.sqrt(var + float(a.get("epsilon", 1e-5)))
        w = consts[w_name].astype(np.float64)
        b = consts[conv[1][2]].astype(np.float64) if len(conv[1]) > 2 and conv[1][2] \
            else np.zeros(w.shape[0])
        fw, fb = conv[2] + "::folded_weight", conv[2] + "::folded_bias"
        consts[fw] = (w * scale.reshape(-1, 1, 1, 1)).astype(np.float32)
        consts[fb] = ((b - mean) * scale + beta).astype(np.float32)
        conv[1] = [conv[1][0], fw, fb]
        conv[2] = out  # the Conv now writes the BN's output directly
        folded.add(k)
    nodes = [n for k, n in enumerate(nodes) if k not in folded]

    want, keep = {output}, []
    for n in reversed(nodes):
        if n[2] in want:
            keep.append(n)
            want.update(i for i in n[1] if i)
    keep.reverse()
    return keep, consts, inputs[0], output, len(folded)


# ----------------------------------------------------------------------------- trainable module

class OnnxTrainModule(nn.Module):
    """The prepared ONNX graph as a torch module: trained initializers are nn.Parameters, the
    statistics of unfolded BNs are buffers, reshape targets are Python lists."""

    TRAIN_SLOTS = {"Conv": (1, 2), "Gemm": (1, 2), "BatchNormalization": (1, 2)}

    def __init__(self, path, fold=True):
        super().__init__()
        nodes, consts, self.input_name, self.output_name, self.folded = prepare(path, fold)
        self.params = nn.ParameterDict()
        self.fixed = {}
        self.key = {}  # ONNX value name -> ParameterDict / buffer key
        requires = {self.input_name: False}
        self.steps = []
        for op, ins, out, a, name in nodes:
            act = [i for i in ins if i and i not in consts]
            downstream = any(requires.get(i, False) for i in act)
            trained = set(self.TRAIN_SLOTS.get(op, ()))
            if op == "MatMul":
                trained = {k for k, i in enumerate(ins) if i in consts}
            elif op in ("Add", "Sub", "Mul", "Div") and downstream:
                trained = {k for k, i in enumerate(ins) if i in consts}
            for k, i in enumerate(ins):
                if not i or i not in consts or i in self.key:
                    continue
                arr = consts[i]
                if k in trained:
                    self.key[i] = f"p{len(self.params)}"
                    self.params[self.key[i]] = nn.Parameter(torch.from_numpy(arr.astype(np.float32)))
                elif arr.dtype.kind == "f":
                    self.key[i] = f"b{len(self.fixed)}"
                    self.register_buffer(self.key[i], torch.from_numpy(arr.astype(np.float32)))
                    self.fixed[i] = self.key[i]
                else:
                    self.key[i] = None  # integer constant (reshape target): read from consts
            requires[out] = downstream or bool(trained)
            self._check(op, ins, a, name, consts)
            self.steps.append((op, ins, out, a, name))
        self.int_consts = {k: [int(v) for v in np.asarray(arr).reshape(-1)]
                           for k, arr in consts.items() if arr.dtype.kind in "iu"}

    @staticmethod
    def _check(op, ins, a, name, consts):
        if op in ("Conv", "MaxPool", "AveragePool"):
            _pads2d(a, name)
        if op == "Gemm" and a.get("transA", 0):
            raise NotImplementedError(f"{name}: Gemm transA=1")
        if op == "Reshape" and ins[1] not in consts:
            raise NotImplementedError(f"{name}: Reshape with a computed shape")
        if op == "BatchNormalization" and a.get("training_mode", 0):
            raise NotImplementedError(f"{name}: BatchNormalization training_mode=1")
        if op not in ("Conv", "Gemm", "MatMul", "Relu", "MaxPool", "AveragePool", "GlobalAveragePool",
                      "Flatten", "Reshape", "Add", "Sub", "Mul", "Div", "BatchNormalization"):
            raise NotImplementedError(f"{name}: op {op}")

    def _get(self, env, name):
        if not name:
            return None
        k = self.key.get(name, "?")
        if k == "?":
            return env[name]
        if k is None:
            return self.int_consts[name]
        return self.params[k] if k.startswith("p") else getattr(self, k)

    def forward(self, x):
        env = {self.input_name: x}
        for op, ins, out, a, name in self.steps:
            v = [self._get(env, i) for i in ins]
            if op == "Conv":
                ph, pw = _pads2d(a, name)
                y = F.conv2d(v[0], v[1], v[2] if len(v) > 2 else None,
                             stride=tuple(a.get("strides", [1, 1])), padding=(ph, pw),
                             dilation=tuple(a.get("dilations", [1, 1])), groups=a.get("group", 1))
            elif op == "Gemm":
                b = v[1].t() if a.get("transB", 0) else v[1]
                alpha, beta = a.get("alpha", 1.0), a.get("beta", 1.0)
                c = v[2] if len(v) > 2 else None
                if c is not None and alpha == 1.0 and beta == 1.0:
                    y = torch.addmm(c, v[0], b) if c.dim() <= 2 else v[0] @ b + c
                else:
                    y = alpha * (v[0] @ b) if alpha != 1.0 else v[0] @ b
                    if c is not None:
                        y = y + beta * c
            elif op == "MatMul":
                y = v[0] @ v[1]
            elif op == "Relu":
                y = F.relu(v[0])
            elif op in ("MaxPool", "AveragePool"):
                ph, pw = _pads2d(a, name)
                k = tuple(a["kernel_shape"])
                s = tuple(a.get("strides", [1, 1]))
                ceil = bool(a.get("ceil_mode", 0))
                if op == "MaxPool":
                    y = F.max_pool2d(v[0], k, s, (ph, pw), dilation=tuple(a.get("dilations", [1, 1])),
                                     ceil_mode=ceil)
                else:
                    y = F.avg_pool2d(v[0], k, s, (ph, pw), ceil_mode=ceil,
                                     count_include_pad=bool(a.get("count_include_pad", 0)))
            elif op == "GlobalAveragePool":
                y = v[0].mean(dim=(2, 3), keepdim=True)
            elif op == "Flatten":
                axis = a.get("axis", 1)
                y = v[0].reshape(int(np.prod(v[0].shape[:axis])), -1)
            elif op == "Reshape":
                shape = [v[0].shape[i] if s == 0 else s for i, s in enumerate(v[1])]
                y = v[0].reshape(shape)
            elif op == "Add":
                y = v[0] + v[1]
            elif op == "Sub":
                y = v[0] - v[1]
            elif op == "Mul":
                y = v[0] * v[1]
            elif op == "Div":
                y = v[0] / v[1]
            elif op == "BatchNormalization":
                y = F.batch_norm(v[0], v[3], v[4], v[1], v[2], training=False,
                                 eps=a.get("epsilon", 1e-5))
            else:
                raise NotImplementedError(f"{name}: op {op}")
            env[out] = y
        return env[self.output_name]


# ----------------------------------------------------------------------------- data and training

def load_train(data_dir):
    images, labels = make_sample.load_split(data_dir, "train")
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1).contiguous()
    return x, torch.from_numpy(labels.astype(np.int64))


def batch_order(n, batch, count, seed):
    """count mini-batches of indices over seeded shuffled epochs (a new permutation per epoch,
    the last partial batch of an epoch dropped)."""
    rng = np.random.default_rng(seed)
    per_epoch = n // batch
    out = []
    while len(out) < count:
        perm = rng.permutation(n)
        out.extend(torch.from_numpy(perm[i * batch:(i + 1) * batch].copy()) for i in range(per_epoch))
    return out[:count]


def _num(v, digits=4):
    """A float for JSON: rounded, or None (null) when not finite, so strict parsers accept it."""
    return round(float(v), digits) if np.isfinite(v) else None


def distill_loss(s, t, y, temperature, alpha):
    kd = F.kl_div(F.log_softmax(s / temperature, dim=1), F.log_softmax(t / temperature, dim=1),
                  reduction="batchmean", log_target=True) * (temperature * temperature)
    return alpha * kd + (1.0 - alpha) * F.cross_entropy(s, y)


def check(args):
    import onnx_torch_eval
    x, _ = load_train(args.data_dir)
    x = x[:16]
    try:
        ref = onnx_torch_eval.OnnxTorchModel(args.model)(x)
        reference = "tools/onnx_torch_eval.py"
    except NotImplementedError as e:
        # The inference interpreter lacks some ops (AveragePool, GlobalAveragePool): then this
        # checks only the preparation (BN folding, Dropout removal) against the unprepared graph.
        print(f"onnx_torch_eval.py cannot run this model ({e}); comparing with this peer's module"
              " without BN folding instead", flush=True)
        with torch.no_grad():
            ref = OnnxTrainModule(args.model, fold=False).eval()(x)
        reference = "unfolded module"
    m = OnnxTrainModule(args.model)
    m.eval()
    ok = True
    for fmt in ("contiguous", "channels_last"):
        mm = m.to(memory_format=torch.channels_last) if fmt == "channels_last" else m
        xx = x.contiguous(memory_format=torch.channels_last) if fmt == "channels_last" else x
        with torch.no_grad():
            got = mm(xx)
        diff = float((got - ref).abs().max())
        print(json.dumps({"check": args.model, "reference": reference, "memory_format": fmt, "images": 16,
                          "bn_folded": m.folded, "max_abs_diff": diff,
                          "ref_max_abs": float(ref.abs().max())}), flush=True)
        ok &= diff < 1e-3
    # gradients reach every parameter
    m = OnnxTrainModule(args.model)
    F.cross_entropy(m(x), torch.zeros(16, dtype=torch.int64)).backward()
    missing = [k for k, p in m.params.items() if p.grad is None]
    print(json.dumps({"params": len(m.params), "without_grad": missing}), flush=True)
    assert ok, "forward differs from the ONNX interpreter by >= 1e-3"
    assert not missing, f"parameters without gradient: {missing}"
    print("check OK")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=os.path.join(REPO, "models/fashion-cnn.onnx"))
    ap.add_argument("--reference", default=os.path.join(REPO, "models/fashion-cnn.onnx"),
                    help="the original model: the teacher")
    ap.add_argument("--data-dir", default=DATA_DIR)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--temperature", type=float, default=4.0)
    ap.add_argument("--alpha", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep-zeros", action="store_true",
                    help="as bocomp does for pruned models: zero entries of weight matrices/kernels get"
                         " no gradient and stay zero (off by default)")
    ap.add_argument("--channels-last", action="store_true", help="NHWC activations and conv weights")
    ap.add_argument("--check", action="store_true",
                    help="compare the module's forward with tools/onnx_torch_eval.py on 16 images, then exit")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.check:
        check(args)
        return 0

    x_all, y_all = load_train(args.data_dir)
    count = args.warmup + args.steps * args.repeats
    order = batch_order(len(y_all), args.batch, count, args.seed)
    # Teacher logits for the images this run touches (bocomp does all N once; excluded from timing
    # either way), with the original model under no_grad.
    used = torch.unique(torch.cat(order))
    teacher_model = OnnxTrainModule(args.reference).eval()
    t0 = time.perf_counter()
    with torch.no_grad():
        chunks = [teacher_model(x_all[used[i:i + 500]]) for i in range(0, len(used), 500)]
    t_logits = torch.cat(chunks)
    teacher = torch.zeros(len(y_all), t_logits.shape[1])
    teacher[used] = t_logits
    teacher_s = time.perf_counter() - t0
    del teacher_model

    model = OnnxTrainModule(args.model).train()
    fmt = torch.channels_last if args.channels_last else torch.contiguous_format
    model = model.to(memory_format=fmt)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    n_params = sum(p.numel() for p in model.parameters())
    n_zero = sum(int((p == 0).sum()) for p in model.parameters())
    # bocomp's frozen zeros: rank >= 2 parameters only, masked before the optimizer sees the gradient
    masks = [(p, (p != 0).to(p.dtype)) for p in model.parameters()
             if args.keep_zeros and p.dim() >= 2 and bool((p == 0).any())]

    losses = []

    def step(idx):
        xb = x_all[idx]
        if args.channels_last:
            xb = xb.contiguous(memory_format=torch.channels_last)
        opt.zero_grad(set_to_none=True)
        loss = distill_loss(model(xb), teacher[idx], y_all[idx], args.temperature, args.alpha)
        loss.backward()
        for p, mask in masks:
            p.grad.mul_(mask)
        opt.step()
        losses.append(loss.item())

    k = 0
    for _ in range(args.warmup):
        step(order[k])
        k += 1
    rates = []
    for r in range(args.repeats):
        t0 = time.perf_counter()
        for _ in range(args.steps):
            step(order[k])
            k += 1
        sec = time.perf_counter() - t0
        rates.append(args.steps * args.batch / sec)
        print(json.dumps({"repeat": r, "steps": args.steps, "seconds": round(sec, 4),
                          "images_per_s": round(rates[-1], 1),
                          "mean_loss": _num(statistics.fmean(losses[-args.steps:]))}), flush=True)
    head = losses[:min(10, len(losses))]
    tail = losses[-min(10, len(losses)):]
    print(f"loss: first step {losses[0]:.4f}, last step {losses[-1]:.4f}; mean of first {len(head)}"
          f" {statistics.fmean(head):.4f}, of last {len(tail)} {statistics.fmean(tail):.4f}", flush=True)
    print(json.dumps({
        "summary": "train_torch_peer", "model": args.model, "reference": args.reference,
        "batch": args.batch, "threads": args.threads, "torch": torch.__version__,
        "mkldnn": torch.backends.mkldnn.is_available(), "python": platform.python_version(),
        "memory_format": "channels_last" if args.channels_last else "contiguous",
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "warmup": args.warmup, "steps": args.steps, "repeats": args.repeats,
        "params": n_params, "zero_params": n_zero, "keep_zeros": args.keep_zeros, "bn_folded": model.folded,
        "teacher_images": int(len(used)), "teacher_seconds": round(teacher_s, 2),
        "images_per_s": [round(r, 1) for r in rates],
        "min": round(min(rates), 1), "median": round(statistics.median(rates), 1),
        "max": round(max(rates), 1),
        "first_loss": _num(losses[0]), "final_loss": _num(losses[-1]),
        "first_nonfinite_step": next((i + 1 for i, v in enumerate(losses) if not np.isfinite(v)), None)}),
        flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
