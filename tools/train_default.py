#!/usr/bin/python3
"""Trains bocomp's embedded default model (VGG-style CNN on Fashion-MNIST) and exports ONNX.

    /usr/bin/python3 tools/train_default.py --out models/

regenerates every committed artifact in --out:
  fashion-cnn.onnx                 the model (input "input" float32 [N,1,28,28] = pixel/255,
                                   output "logits" float32 [N,10], dynamic batch)
  fashion-sample-images.idx.gz     2,000-image class-stratified t10k sample (see make_sample.py)
  fashion-sample-labels.idx.gz

Needs Debian's python3-torch (1.13), python3-onnx (1.12), numpy, and the
dataset-fashion-mnist package (IDX files under /usr/share/datasets/fashion-mnist).
CPU only, torch.set_num_threads(2), fixed seed, deterministic algorithms.
"""
import os

# Must precede "import torch" (libgomp reads it at start-up). With the default active
# spin-wait, 2 OpenMP threads on 2 cores shared with other jobs burn ~3x the CPU and run
# several times slower; passive waiting does not change any result, only the scheduling.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import math  # noqa: E402
import platform
import sys
import tempfile
import time
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_sample  # noqa: E402
# torch 1.13 exporter noise: the PRESERVE/constant-folding advice only concerns models in
# training mode (ours is in eval mode), and g.op() in a custom symbolic is the documented way.
warnings.filterwarnings("ignore", message=".*constant folding be turned off.*")
warnings.filterwarnings("ignore", message=".*_graph_op' is deprecated.*")
import onnx_torch_eval  # noqa: E402

ONNX_NAME = "fashion-cnn.onnx"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


# ----------------------------------------------------------------------------- model

class _InferenceDropout(torch.autograd.Function):
    """Identity at inference; exported as an ONNX Dropout node (ratio input, no training_mode).

    torch's exporter drops nn.Dropout entirely in eval mode; bocomp's importer is meant
    to see (and remove) a Dropout node, so we emit one explicitly.
    """

    @staticmethod
    def forward(ctx, x, p):
        return x

    @staticmethod
    def symbolic(g, x, p):
        ratio = g.op("Constant", value_t=torch.tensor(p, dtype=torch.float32))
        return g.op("Dropout", x, ratio)


class KeepDropout(nn.Dropout):
    def forward(self, x):
        if not self.training and torch.onnx.is_in_onnx_export():
            return _InferenceDropout.apply(x, float(self.p))
        return super().forward(x)


def conv_bn_relu(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class FashionCNN(nn.Module):
    """conv-bn-relu x2, pool, x2, pool, x1, pool -> 128x3x3 -> FC 1152-512-256-10.

    Inputs are raw [0,1] pixels; there is no input normalisation (conv1 is followed by
    BatchNorm, which absorbs the input scale/shift; zero padding = black background).
    """

    def __init__(self, dropout=0.3):
        super().__init__()
        self.features = nn.Sequential(
            *conv_bn_relu(1, 32), *conv_bn_relu(32, 32), nn.MaxPool2d(2),
            *conv_bn_relu(32, 64), *conv_bn_relu(64, 64), nn.MaxPool2d(2),
            *conv_bn_relu(64, 128), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            KeepDropout(dropout), nn.Linear(128 * 3 * 3, 512), nn.ReLU(inplace=True),
            KeepDropout(dropout), nn.Linear(512, 256), nn.ReLU(inplace=True),
            nn.Linear(256, 10),
        )
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.Linear):
                nn.init.kaiming_uniform_(m.weight, a=math.sqrt(5))  # torch default, explicit
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.classifier(self.features(x))


def layer_table(model):
    """Per-layer params and MACs for one 28x28 image (BN/ReLU/pool: params only, no MACs)."""
    rows, x = [], torch.zeros(1, 1, 28, 28)
    model = model.eval()
    with torch.no_grad():
        for name, m in list(model.features.named_children()) + \
                [("classifier." + n, c) for n, c in model.classifier.named_children()]:
            name = name if name.startswith("classifier.") else "features." + name
            y = m(x)
            params = sum(p.numel() for p in m.parameters()) + sum(b.numel() for b in m.buffers()
                                                                    if b.dtype.is_floating_point)
            macs = 0
            if isinstance(m, nn.Conv2d):
                macs = y.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
                desc = f"Conv {m.kernel_size[0]}x{m.kernel_size[1]} {m.in_channels}->{m.out_channels} pad {m.padding[0]}"
            elif isinstance(m, nn.Linear):
                macs = m.in_features * m.out_features
                desc = f"Gemm {m.in_features}->{m.out_features}"
            elif isinstance(m, nn.BatchNorm2d):
                desc = f"BatchNorm {m.num_features}"
            elif isinstance(m, nn.MaxPool2d):
                desc = "MaxPool 2x2"
            elif isinstance(m, nn.Dropout):
                desc = f"Dropout p={m.p}"
            else:
                desc = type(m).__name__
            rows.append((name, desc, tuple(y.shape[1:]), params, macs))
            x = y
    return rows


def print_layer_table(rows):
    print("| layer | op | output | params (incl. BN stats) | MACs/image |")
    print("|---|---|---|---:|---:|")
    for name, desc, shape, params, macs in rows:
        if params or macs or "Pool" in desc or "Flatten" in desc:
            print(f"| {name} | {desc} | {'x'.join(map(str, shape))} | {params:,} | {macs:,} |")
    conv_p = sum(r[3] for r in rows if r[1].startswith(("Conv", "BatchNorm")))
    fc_p = sum(r[3] for r in rows if r[1].startswith("Gemm"))
    conv_m = sum(r[4] for r in rows if r[1].startswith("Conv"))
    fc_m = sum(r[4] for r in rows if r[1].startswith("Gemm"))
    print(f"| **total** | conv+BN {conv_p:,} params / {conv_m:,} MACs; FC {fc_p:,} params / {fc_m:,} MACs "
          f"| | {conv_p + fc_p:,} | {conv_m + fc_m:,} |")


# ----------------------------------------------------------------------------- data

def to_tensor(images_u8):
    return torch.from_numpy(images_u8.astype(np.float32) / 255.0).unsqueeze(1)


def augment(x, gen, pad):
    """Random crop (zero padding `pad`) + horizontal flip, per sample, driven by `gen`."""
    n = x.shape[0]
    if pad > 0:
        xp = F.pad(x[:, 0], (pad, pad, pad, pad))
        oy = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
        ox = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
        ar = torch.arange(28)
        rows = (oy[:, None] + ar)[:, :, None]
        cols = (ox[:, None] + ar)[:, None, :]
        x = xp[torch.arange(n)[:, None, None], rows, cols].unsqueeze(1)
    flip = torch.rand(n, generator=gen) < 0.5
    return torch.where(flip[:, None, None, None], x.flip(-1), x)


@torch.no_grad()
def evaluate(model, x, y, batch=1000):
    model.eval()
    correct, logits = 0, []
    for i in range(0, len(x), batch):
        out = model(x[i:i + batch].contiguous(memory_format=torch.channels_last))
        logits.append(out)
        correct += int((out.argmax(1) == y[i:i + batch]).sum())
    return correct / len(x), torch.cat(logits)


# ----------------------------------------------------------------------------- export

def constants_to_initializers(m):
    """Moves Constant nodes (the Dropout ratios) into graph initializers, so the graph holds
    only Conv/BatchNormalization/Relu/MaxPool/Flatten/Dropout/Gemm nodes."""
    keep = []
    for n in m.graph.node:
        if n.op_type == "Constant" and len(n.attribute) == 1 and n.attribute[0].name == "value":
            t = onnx.TensorProto()
            t.CopyFrom(n.attribute[0].t)
            t.name = n.output[0]
            m.graph.initializer.append(t)
        else:
            keep.append(n)
    del m.graph.node[:]
    m.graph.node.extend(keep)


def export_onnx(model, path, metadata, doc):
    model = model.eval().to(memory_format=torch.contiguous_format)
    dummy = torch.zeros(2, 1, 28, 28)
    with tempfile.TemporaryDirectory() as td:
        tmp = os.path.join(td, "m.onnx")
        # PRESERVE (model is in eval mode) = inference export WITHOUT the eval peephole
        # pass that would fuse BatchNormalization into Conv: bocomp does that itself.
        torch.onnx.export(model, dummy, tmp, opset_version=13, input_names=["input"],
                          output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                          do_constant_folding=True, training=torch.onnx.TrainingMode.PRESERVE)
        m = onnx.load(tmp)
    constants_to_initializers(m)
    m.doc_string = doc
    m.graph.doc_string = doc
    del m.metadata_props[:]
    for k, v in metadata.items():
        p = m.metadata_props.add()
        p.key, p.value = k, str(v)
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, path)
    return m


# ----------------------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="models/")
    ap.add_argument("--data-dir", default=make_sample.DEFAULT_DATA_DIR)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=0.1, help="OneCycle peak LR (SGD, nesterov momentum 0.9)")
    ap.add_argument("--weight-decay", type=float, default=5e-4)
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--crop-pad", type=int, default=2, help="random-crop zero padding (0 = off)")
    ap.add_argument("--label-smoothing", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-batches", type=int, default=0, help="timing probe: stop each epoch after N batches")
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    try:
        torch.use_deterministic_algorithms(True)
        det = "on"
    except Exception as e:  # pragma: no cover
        det = f"unavailable ({e})"
    print(f"python {platform.python_version()} torch {torch.__version__} onnx {onnx.__version__} "
          f"numpy {np.__version__}; threads {torch.get_num_threads()}; deterministic algorithms {det}")
    print("args:", vars(args))

    t_all = time.time()
    tr_i, tr_l = make_sample.load_split(args.data_dir, "train")
    te_i, te_l = make_sample.load_split(args.data_dir, "t10k")
    xtr, ytr = to_tensor(tr_i), torch.from_numpy(tr_l.astype(np.int64))
    xte, yte = to_tensor(te_i), torch.from_numpy(te_l.astype(np.int64))
    print(f"data: train {tuple(xtr.shape)}, test {tuple(xte.shape)} (pixel/255, no normalisation)")

    model = FashionCNN(args.dropout)
    rows = layer_table(model)
    model = model.to(memory_format=torch.channels_last)  # ~25% faster on CPU (mkldnn)
    print_layer_table(rows)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"trainable parameters: {n_params:,}")

    decay = [p for n, p in model.named_parameters() if p.dim() > 1]
    no_decay = [p for n, p in model.named_parameters() if p.dim() <= 1]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": args.weight_decay},
                           {"params": no_decay, "weight_decay": 0.0}],
                          lr=args.lr, momentum=0.9, nesterov=True)
    steps_per_epoch = math.ceil(len(xtr) / args.batch_size)
    if args.max_batches:
        steps_per_epoch = min(steps_per_epoch, args.max_batches)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, epochs=args.epochs,
                                                steps_per_epoch=steps_per_epoch, pct_start=0.25)
    crit = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    gen = torch.Generator().manual_seed(args.seed)

    train_time = 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0 = time.time()
        perm = torch.randperm(len(xtr), generator=gen)
        loss_sum, n_seen, correct = 0.0, 0, 0
        for step in range(steps_per_epoch):
            idx = perm[step * args.batch_size:(step + 1) * args.batch_size]
            xb = augment(xtr[idx], gen, args.crop_pad).contiguous(memory_format=torch.channels_last)
            yb = ytr[idx]
            out = model(xb)
            loss = crit(out, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += float(loss) * len(idx)
            n_seen += len(idx)
            correct += int((out.argmax(1) == yb).sum())
        t_ep = time.time() - t0
        train_time += t_ep
        acc, _ = evaluate(model, xte, yte)
        print(f"epoch {epoch:2d}/{args.epochs}  train {t_ep:6.1f}s  loss {loss_sum / n_seen:.4f}  "
              f"train-acc(aug) {correct / n_seen:.4f}  test-top1 {acc:.4f}  lr {sched.get_last_lr()[0]:.5f}",
              flush=True)
    print(f"training time {train_time:.1f}s ({train_time / args.epochs:.1f}s/epoch)")

    # ---- final evaluation with the torch module
    acc_torch, logits_torch = evaluate(model, xte, yte)
    sample_idx = make_sample.sample_indices(te_l)
    acc_torch_sample = float((logits_torch[sample_idx].argmax(1) == yte[sample_idx]).float().mean())
    print(f"torch module top-1: t10k {acc_torch:.4f}, sample {acc_torch_sample:.4f}")

    # ---- artifacts
    os.makedirs(args.out, exist_ok=True)
    make_sample.make_sample(args.data_dir, args.out)
    onnx_path = os.path.join(args.out, ONNX_NAME)
    recipe = (f"SGD nesterov momentum 0.9, OneCycle peak lr {args.lr} (pct_start 0.25), "
              f"{args.epochs} epochs, batch {args.batch_size}, weight decay {args.weight_decay} "
              f"(conv/linear weights only), dropout {args.dropout}, label smoothing {args.label_smoothing}, "
              f"augmentation: random crop pad {args.crop_pad} + horizontal flip, seed {args.seed}, "
              f"{args.threads} CPU threads, torch {torch.__version__}")
    arch = ("conv3x3(1->32)-BN-ReLU, conv3x3(32->32)-BN-ReLU, maxpool2, conv3x3(32->64)-BN-ReLU, "
            "conv3x3(64->64)-BN-ReLU, maxpool2, conv3x3(64->128)-BN-ReLU, maxpool2, flatten(1152), "
            f"dropout {args.dropout}, FC 1152->512-ReLU, dropout {args.dropout}, FC 512->256-ReLU, FC 256->10")

    # Export once to measure the ONNX file's own accuracy, then re-export with it in the metadata.
    tmp_meta = {"test_top1": "pending"}
    with tempfile.TemporaryDirectory() as td:
        probe_path = os.path.join(td, "probe.onnx")
        export_onnx(model, probe_path, tmp_meta, "")
        probe = onnx_torch_eval.OnnxTorchModel(probe_path)
        logits_onnx = onnx_torch_eval.predict(probe, te_i)
    acc_onnx = onnx_torch_eval.accuracy(logits_onnx, te_l)
    acc_onnx_sample = onnx_torch_eval.accuracy(logits_onnx[sample_idx], te_l[sample_idx])
    max_diff = float((logits_onnx - logits_torch).abs().max())
    agree = float((logits_onnx.argmax(1) == logits_torch.argmax(1)).float().mean())

    metadata = {
        "test_top1": f"{acc_onnx:.4f}",
        "test_set": "Fashion-MNIST t10k, 10000 images",
        "sample_top1": f"{acc_onnx_sample:.4f}",
        "sample_set": f"{make_sample.SAMPLE_IMAGES} (2000 t10k images, 200/class, seed {make_sample.SAMPLE_SEED})",
        "dataset": "Fashion-MNIST (Debian dataset-fashion-mnist), full 60000-image training set",
        "input": "float32 [N,1,28,28], pixel/255 in [0,1], no mean/std normalisation",
        "output": "float32 [N,10] raw logits (no softmax)",
        "classes": ",".join(CLASSES),
        "architecture": arch,
        "params": str(n_params),
        "train_script": "tools/train_default.py",
        "train_command": "/usr/bin/python3 tools/train_default.py --out models/",
        "train_recipe": recipe,
    }
    doc = (f"bocomp default model: VGG-style CNN for Fashion-MNIST, {n_params} params, "
           f"t10k top-1 {acc_onnx:.4f}. Trained by tools/train_default.py: {recipe}.")
    m = export_onnx(model, onnx_path, metadata, doc)

    # ---- verification of the committed file
    final = onnx_torch_eval.OnnxTorchModel(onnx_path)
    logits_final = onnx_torch_eval.predict(final, te_i)
    assert torch.equal(logits_final, logits_onnx), "re-export changed the graph numerics"
    ops = [n.op_type for n in m.graph.node]
    counts = {op: ops.count(op) for op in dict.fromkeys(ops)}
    print(f"wrote {onnx_path}  {os.path.getsize(onnx_path):,} bytes  opset "
          f"{[(o.domain or 'ai.onnx', o.version) for o in m.opset_import]}  ir_version {m.ir_version}")
    print("onnx.checker: OK (full_check)")
    print("graph op types (in order):", " ".join(ops))
    print("graph op counts:", counts)
    flat = "Flatten node" if "Flatten" in ops else ("Shape/Gather/Unsqueeze/Concat/Reshape subgraph"
                                                    if "Reshape" in ops else "none")
    print("flatten exported as:", flat)
    print("initializers:", ", ".join(f"{t.name}{list(t.dims)}" for t in m.graph.initializer))
    print(f"graph inputs: {[(i.name, [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim]) for i in m.graph.input]}"
          f"  outputs: {[(o.name, [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim]) for o in m.graph.output]}")
    print(f"ONNX vs torch on t10k: max |logit diff| {max_diff:.3e}, argmax agreement {agree:.4f} "
          f"(ONNX run by tools/onnx_torch_eval.py, an independent torch-op interpreter of the file; "
          f"onnx 1.12 has no reference evaluator)")
    print(f"RESULT exported ONNX top-1: t10k (10000) {acc_onnx:.4f}   sample (2000) {acc_onnx_sample:.4f}")
    print(f"RESULT params {n_params:,}; train time {train_time:.1f}s over {args.epochs} epochs "
          f"({train_time / args.epochs:.1f}s/epoch); total wall {time.time() - t_all:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
