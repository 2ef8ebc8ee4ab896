#!/usr/bin/python3
"""Generates labelled real PyTorch training runs, healthy and faulty, logged in three layouts.

    nice -n 19 /usr/bin/python3 benchmarks/training-runs/generate.py --set dev --out DIR
    nice -n 19 /usr/bin/python3 benchmarks/training-runs/generate.py --set heldout --out DIR

See README.md beside this file. Each run is trained in its own process (two for a resumed or
restarted run); the event files are written by tbevents.py, which mimics
torch.utils.tensorboard.SummaryWriter (styles L and P) and the TF2 Keras TensorBoard callback's
writer (style K). After each run the parent process reads the files back, measures the run, checks
its label against the rules of ../shared/data/training-runs/README.md ("How the labels were
checked", adapted to style P) and, when the check fails, runs the spec's next fallback setting.
"""

import argparse
import copy
import gzip
import json
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tbevents as tb  # noqa: E402

DEFAULT_MNIST = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data",
                                              "mnist-10k"))
SEED_BASE = {"dev": 61000, "heldout": 73000}
SEED_STRIDE = {"dev": 19, "heldout": 23}
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


# =============================================================================================
# data

def load_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return data[4 + 4 * ndim:], dims


def load_dataset(spec, mnist_dir):
    """(x_train, y_train, x_val, y_val, input_range, input_desc) as torch tensors; images are
    N x 1 x H x W floats."""
    import numpy as np
    import torch
    name = spec["dataset"]
    raw = spec.get("input") == "raw"
    if name in ("mnist", "mnist14"):
        img, dims = load_idx(os.path.join(mnist_dir, "images-idx3-ubyte.gz"))
        lab, _ = load_idx(os.path.join(mnist_dir, "labels-idx1-ubyte.gz"))
        if dims[0] != 10000 or dims[1:] != (28, 28):
            raise SystemExit(f"unexpected MNIST dimensions {dims}")
        x = np.frombuffer(img, dtype=np.uint8).reshape(10000, 1, 28, 28).astype(np.float32)
        y = np.frombuffer(lab, dtype=np.uint8).astype(np.int64)
        if name == "mnist14":
            x = x.reshape(10000, 1, 14, 2, 14, 2).mean(axis=(3, 5))
        if raw:
            desc = "raw pixels 0..255" + (" (2x2 means)" if name == "mnist14" else "")
        else:
            x = (x / 255.0 - MNIST_MEAN) / MNIST_STD
            desc = "x/255, then (x-0.1307)/0.3081" + (" after 2x2 mean pooling"
                                                      if name == "mnist14" else "")
        xtr, ytr, xva, yva = x[:8000], y[:8000], x[8000:], y[8000:]
    elif name == "digits8":
        from sklearn.datasets import load_digits
        d = load_digits()
        perm = np.random.RandomState(0).permutation(len(d.target))
        x = d.images[perm].astype(np.float32).reshape(-1, 1, 8, 8)
        y = d.target[perm].astype(np.int64)
        xtr, ytr, xva, yva = x[:1437], y[:1437], x[1437:], y[1437:]
        if raw:
            desc = "raw values 0..16"
        else:
            xtr = xtr / 16.0
            xva = xva / 16.0
            m, s = float(xtr.mean()), float(xtr.std())
            xtr = (xtr - m) / s
            xva = (xva - m) / s
            desc = f"x/16, standardised with the training split's mean {m:.4f} and std {s:.4f}"
    else:
        raise SystemExit(f"unknown dataset {name}")
    n = spec.get("train_samples")
    if n:
        xtr, ytr = xtr[:n], ytr[:n]
    rng = [float(min(xtr.min(), xva.min())), float(max(xtr.max(), xva.max()))]
    return (torch.from_numpy(np.ascontiguousarray(xtr)), torch.from_numpy(ytr.copy()),
            torch.from_numpy(np.ascontiguousarray(xva)), torch.from_numpy(yva.copy()), rng, desc)


# =============================================================================================
# models

def build_model(spec, in_shape):
    """A torch module with `.capture` (dict or None: pre/post activations per hidden layer),
    `.act_names` (the hidden layers, in order), `.weight_params` (Linear/Conv weights in order).

    Styles K and L: an nn.Sequential kept as `self.model` (names model.<i>.weight); style P: a
    hand-written module with attributes fc1, fc2, ..., conv1, ..., bn1, ... as users write."""
    import torch
    from torch import nn

    m = spec["model"]
    acts = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
    c, h, w = in_shape
    blocks = []  # (user name, [modules before the activation], activation or None, extra)
    if m["kind"] == "mlp":
        sizes = [c * h * w] + list(m["hidden"])
        for i in range(len(m["hidden"])):
            pre = [nn.Linear(sizes[i], sizes[i + 1])]
            if m.get("bn"):
                pre.append(nn.BatchNorm1d(sizes[i + 1]))
            blocks.append(("fc%d" % (i + 1), pre, acts[m["act"]](), m.get("dropout", 0.0)))
        out = nn.Linear(sizes[-1], 10)
    elif m["kind"] == "cnn":
        ch = [c] + list(m["channels"])
        hh, ww = h, w
        for i in range(len(m["channels"])):
            blocks.append(("conv%d" % (i + 1), [nn.Conv2d(ch[i], ch[i + 1], 3, padding=1)],
                           acts[m.get("act", "relu")](), "pool"))
            hh, ww = hh // 2, ww // 2
        flat = ch[-1] * hh * ww
        if m.get("fc_hidden"):
            blocks.append(("fc1", [nn.Linear(flat, m["fc_hidden"])], acts[m.get("act", "relu")](),
                           m.get("dropout", 0.0)))
            flat = m["fc_hidden"]
        out = nn.Linear(flat, 10)
    else:
        raise SystemExit(f"unknown model kind {m['kind']}")

    class Net(nn.Module):
        def __init__(self, user_names):
            super().__init__()
            self.capture = None
            self.user = user_names
            self._blocks = []
            if user_names:
                for name, pre, act, extra in blocks:
                    num = "".join(ch for ch in name if ch.isdigit())
                    setattr(self, name, pre[0])
                    if len(pre) > 1:
                        setattr(self, "bn" + num, pre[1])
                    if extra == "pool":
                        extra_m = nn.MaxPool2d(2)
                    elif extra:
                        extra_m = nn.Dropout(extra)
                        setattr(self, "drop" + num, extra_m)
                    else:
                        extra_m = None
                    self._blocks.append((name, pre, act, extra_m))
                self.out = out
                self.act_names = [b[0] for b in blocks]
            else:
                seq = []
                names = []
                for name, pre, act, extra in blocks:
                    if name == "fc1" and m["kind"] == "cnn" or (name == "fc1" and
                                                                m["kind"] == "mlp"):
                        seq.append(nn.Flatten())
                    seq.extend(pre)
                    seq.append(act)
                    names.append("model.%d" % (len(seq) - 1))
                    if extra == "pool":
                        seq.append(nn.MaxPool2d(2))
                    elif extra:
                        seq.append(nn.Dropout(extra))
                if m["kind"] == "cnn" and not m.get("fc_hidden"):
                    seq.append(nn.Flatten())
                seq.append(out)
                self.model = nn.Sequential(*seq)
                self.act_names = names
                idx = 0
                for i, mod in enumerate(self.model):
                    if isinstance(mod, (nn.ReLU, nn.Tanh, nn.Sigmoid)):
                        mod.register_forward_hook(self._hook(names[idx]))
                        idx += 1

        def _hook(self, name):
            def hook(mod, inp, outp):
                if self.capture is not None:
                    self.capture[name] = (inp[0].detach(), outp.detach())
            return hook

        def forward(self, x):
            if not self.user:
                return self.model(x)
            for name, pre, act, extra in self._blocks:
                if name.startswith("fc") and x.dim() > 2:
                    x = torch.flatten(x, 1)
                z = x
                for mod in pre:
                    z = mod(z)
                a = act(z)
                if self.capture is not None:
                    self.capture[name] = (z.detach(), a.detach())
                x = extra(a) if extra is not None else a
            if x.dim() > 2:
                x = torch.flatten(x, 1)
            return self.out(x)

    net = Net(spec["style"] == "P")
    net.weight_params = [(n, p) for n, p in net.named_parameters()
                         if n.endswith("weight") and p.dim() >= 2]
    return net


def keras_names(net):
    """Keras layer/weight names for the parameters of a Sequential net, in Keras's order
    (dense/kernel_0, dense/bias_0, batch_normalization/gamma_0, ...), with the torch tensor
    (and buffer) that holds each, kernels transposed to Keras's layout."""
    from torch import nn
    counts = {}
    out = []

    def layer_name(base):
        k = counts.get(base, 0)
        counts[base] = k + 1
        return base if k == 0 else "%s_%d" % (base, k)

    for mod in net.model:
        if isinstance(mod, nn.Linear):
            ln = layer_name("dense")
            out.append((ln + "/kernel_0", lambda m=mod: m.weight.detach().t()))
            out.append((ln + "/bias_0", lambda m=mod: m.bias.detach()))
        elif isinstance(mod, nn.Conv2d):
            ln = layer_name("conv2d")
            out.append((ln + "/kernel_0", lambda m=mod: m.weight.detach().permute(2, 3, 1, 0)))
            out.append((ln + "/bias_0", lambda m=mod: m.bias.detach()))
        elif isinstance(mod, nn.BatchNorm1d):
            ln = layer_name("batch_normalization")
            out.append((ln + "/gamma_0", lambda m=mod: m.weight.detach()))
            out.append((ln + "/beta_0", lambda m=mod: m.bias.detach()))
            out.append((ln + "/moving_mean_0", lambda m=mod: m.running_mean.detach()))
            out.append((ln + "/moving_variance_0", lambda m=mod: m.running_var.detach()))
    return out


def init_model(net, spec):
    import torch
    from torch import nn
    init = spec.get("init", "default")
    layers = [mod for mod in net.modules() if isinstance(mod, (nn.Linear, nn.Conv2d))]
    with torch.no_grad():
        if init == "default" and spec["style"] == "K" or init == "glorot":
            for mod in layers:
                nn.init.xavier_uniform_(mod.weight)
                nn.init.zeros_(mod.bias)
            return "glorot-uniform kernels, zero biases" + (
                " (Keras's default)" if spec["style"] == "K" else " (Xavier)")
        if init == "default":
            return "PyTorch default (kaiming_uniform a=sqrt(5), uniform biases)"
        kind = init["kind"]
        if kind == "normal":
            which = layers if init.get("all", True) else layers[:-1]
            for mod in which:
                nn.init.normal_(mod.weight, 0.0, init["std"])
                nn.init.zeros_(mod.bias)
            return "weights N(0, %g^2)%s, biases 0" % (
                init["std"], "" if init.get("all", True) else " in hidden layers")
        if kind == "zero":
            for mod in layers:
                nn.init.zeros_(mod.weight)
                nn.init.zeros_(mod.bias)
            return "all weights and biases 0"
        if kind == "bias":
            if spec["style"] == "K":
                for mod in layers:
                    nn.init.xavier_uniform_(mod.weight)
                    nn.init.zeros_(mod.bias)
            for mod in layers[:-1]:
                nn.init.constant_(mod.bias, init["value"])
            return ("%s, hidden biases set to %g" %
                    ("glorot-uniform kernels" if spec["style"] == "K" else "PyTorch default",
                     init["value"]))
    raise SystemExit(f"unknown init {init}")


def make_optimizer(params, o):
    import torch
    name = o["name"]
    if name == "SGD":
        return torch.optim.SGD(params, lr=o["lr"], momentum=o.get("momentum", 0.0),
                               weight_decay=o.get("wd", 0.0), nesterov=o.get("nesterov", False))
    if name == "Adam":
        return torch.optim.Adam(params, lr=o["lr"], weight_decay=o.get("wd", 0.0))
    if name == "AdamW":
        return torch.optim.AdamW(params, lr=o["lr"], weight_decay=o.get("wd", 0.01))
    if name == "RMSprop":
        return torch.optim.RMSprop(params, lr=o["lr"], momentum=o.get("momentum", 0.0))
    raise SystemExit(f"unknown optimizer {name}")


def describe_optimizer(o):
    s = "%s lr %g" % (o["name"], o["lr"])
    if o.get("momentum"):
        s += ", momentum %g" % o["momentum"]
    if o.get("nesterov"):
        s += " (Nesterov)"
    if o.get("wd"):
        s += ", weight decay %g" % o["wd"]
    return s


def lr_at(spec, step, epoch, total_steps):
    base = spec["optimizer"]["lr"]
    s = spec.get("schedule")
    if not s:
        return base
    if s["kind"] == "warmup_cosine":
        w = s["warmup"]
        if step < w:
            return base * (step + 1) / w
        return 0.5 * base * (1 + math.cos(math.pi * (step - w) / max(1, total_steps - 1 - w)))
    if s["kind"] == "warmup_linear":
        w = s["warmup"]
        if step < w:
            return base * (step + 1) / w
        return base * max(0.0, (total_steps - step) / max(1, total_steps - w))
    if s["kind"] == "step":
        return base * s["gamma"] ** sum(1 for e in s["milestones"] if epoch >= e)
    if s["kind"] == "exp":
        return base * s["gamma"] ** epoch
    raise SystemExit(f"unknown schedule {s}")


def describe_schedule(s):
    if not s:
        return None
    if s["kind"] == "warmup_cosine":
        return "linear warm-up over %d steps, then cosine to 0" % s["warmup"]
    if s["kind"] == "warmup_linear":
        return "linear warm-up over %d steps, then linear decay to 0" % s["warmup"]
    if s["kind"] == "step":
        return "x%g at epochs %s" % (s["gamma"], ", ".join(map(str, s["milestones"])))
    if s["kind"] == "exp":
        return "x%g every epoch" % s["gamma"]
    return json.dumps(s)


# =============================================================================================
# measurements in the training process

def capture_probe(net, probe):
    """{hidden layer: (pre-activation, post-activation)} of the probe batch, in eval mode."""
    import torch
    was = net.training
    net.eval()
    net.capture = {}
    with torch.no_grad():
        net(probe)
    cap = net.capture
    net.capture = None
    net.train(was)
    return cap


def probe_stats(net, probe, spec):
    """Per hidden layer on the probe batch (eval mode): pre_std, pre_absmax, post_min, post_max,
    dead_unit_frac (units/channels that are 0 for every probe input and position), zero_frac,
    sat_frac (|tanh| > 0.99, sigmoid outside 0.01..0.99), unit_spread (mean over inputs of the std
    across units of the post-activation)."""
    cap = capture_probe(net, probe)
    act = spec["model"].get("act", "relu")
    out = {}
    for name in net.act_names:
        pre, post = cap[name]
        st = {"pre_std": float(pre.std()), "pre_absmax": float(pre.abs().max()),
              "post_min": float(post.min()), "post_max": float(post.max())}
        if post.dim() == 4:
            per_unit = post.permute(1, 0, 2, 3).reshape(post.shape[1], -1)
            spread = post.mean(dim=(2, 3)).std(dim=1)
        else:
            per_unit = post.t()
            spread = post.std(dim=1)
        if act == "relu":
            st["dead_unit_frac"] = float((per_unit.abs().max(dim=1).values == 0).float().mean())
            st["zero_frac"] = float((post == 0).float().mean())
        if act == "tanh":
            st["sat_frac"] = float((post.abs() > 0.99).float().mean())
        if act == "sigmoid":
            st["sat_frac"] = float(((post < 0.01) | (post > 0.99)).float().mean())
        st["unit_spread"] = float(spread.mean())
        out[name] = {k: sig(v) for k, v in st.items()}
    return out


def distinct_rows(weight):
    import numpy as np
    w = weight.detach().reshape(weight.shape[0], -1).double().numpy()
    scale = float(np.abs(w).max())
    if scale == 0.0:
        return 1
    return int(len(np.unique(np.round(w / scale, 5), axis=0)))


def sig(x, n=4):
    """x rounded to n significant digits; NaN/inf -> None."""
    if x is None:
        return None
    x = float(x)
    if not math.isfinite(x):
        return None
    if x == 0:
        return 0.0
    return float("%.*g" % (n, x))


def evaluate(net, x, y, ls=0.0):
    import torch
    import torch.nn.functional as F
    was = net.training
    net.eval()
    tot_loss = 0.0
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            out = net(x[i:i + 1000])
            tot_loss += float(F.cross_entropy(out, y[i:i + 1000], reduction="sum",
                                              label_smoothing=ls))
            correct += int((out.argmax(1) == y[i:i + 1000]).sum())
    net.train(was)
    return tot_loss / len(x), correct / len(x)


# =============================================================================================
# loggers: one per style

class KerasLogger:
    """tf.keras.callbacks.TensorBoard(histogram_freq=hf, update_freq=uf, write_graph=False):
    train/ and validation/ writers, batch_* running means every uf batches, epoch_* per epoch,
    weight histograms every hf epochs. `keras` = "2.3" (tags dense/kernel_0, one-bucket
    histograms of constant tensors) or "2.12" (dense/kernel_0/histogram, 30 buckets always,
    evaluation_*_vs_iterations in validation/)."""

    def __init__(self, run_dir, spec, net, ctx):
        lg = spec["logging"]
        self.uf = lg.get("update_freq", 10)
        self.hf = lg.get("histogram_freq", 1)
        self.new = lg.get("keras", "2.12") != "2.3"
        self.log_lr = lg.get("log_lr", False)
        self.clock = tb.Clock()
        self.train_w = tb.KerasSummaryWriter(os.path.join(run_dir, "train"), self.clock)
        self.val_w = None
        self.run_dir = run_dir
        self.weights = keras_names(net)
        self.ep_loss = 0.0
        self.ep_acc = 0.0
        self.ep_n = 0
        self.skipped = 0

    def after_backward(self, step, net):
        pass

    def step_end(self, step, epoch, loss, acc, n, lr, xb):
        self.ep_loss += loss * n
        self.ep_acc += acc * n
        self.ep_n += n
        done = step + 1
        if self.uf != "epoch" and done % self.uf == 0:
            self.train_w.scalar("batch_loss", self.ep_loss / self.ep_n, done)
            self.train_w.scalar("batch_accuracy", self.ep_acc / self.ep_n, done)
        self.last_lr = lr

    def epoch_end(self, epoch, step, net, val_loss, val_acc, train_loss, train_acc):
        # on_epoch_end: train scalars, validation scalars, then weight histograms
        self.train_w.scalar("epoch_loss", self.ep_loss / max(1, self.ep_n), epoch)
        self.train_w.scalar("epoch_accuracy", self.ep_acc / max(1, self.ep_n), epoch)
        if self.log_lr:
            self.train_w.scalar("epoch_learning_rate", self.last_lr, epoch)
        if self.val_w is None:
            self.val_w = tb.KerasSummaryWriter(os.path.join(self.run_dir, "validation"),
                                               self.clock)
        if self.new:
            self.val_w.scalar("evaluation_loss_vs_iterations", val_loss, step + 1)
            self.val_w.scalar("evaluation_accuracy_vs_iterations", val_acc, step + 1)
        self.val_w.scalar("epoch_loss", val_loss, epoch)
        self.val_w.scalar("epoch_accuracy", val_acc, epoch)
        if self.hf and epoch % self.hf == 0:
            import numpy as np
            for name, get in self.weights:
                values = get().numpy()
                if not np.all(np.isfinite(values)):
                    # tf.summary.histogram would write NaN edges; TerminateOnNaN stopped the
                    # runs with NaN before their weights were logged, but keep the rule
                    self.skipped += 1
                    continue
                if self.new:
                    self.train_w.histogram(name + "/histogram", values, epoch)
                else:
                    self.train_w.histogram_v23(name, values, epoch)
        self.ep_loss = self.ep_acc = 0.0
        self.ep_n = 0

    def end(self, final_val_acc):
        pass

    def close(self):
        self.train_w.close()
        if self.val_w:
            self.val_w.close()

    def files(self):
        return [self.train_w.file.path] + ([self.val_w.file.path] if self.val_w else [])


class TorchWriterLogger:
    """A logger that writes through one TorchSummaryWriter `self.w`."""

    def close(self):
        self.w.close()

    @property
    def skipped(self):
        return self.w.histograms_skipped_nonfinite

    def files(self):
        return self.w.all_files()


class LightningLogger(TorchWriterLogger):
    """A LightningModule logging as in ../shared/data/training-runs (style L) through
    TensorBoardLogger: hp_metric -1 and the hparams block first, train_loss_step / lr-<Opt> /
    epoch every `log_every` steps, grad_2.0_norm/* every `grad_every` steps, epoch-end val and
    train_*_epoch, parameter (and activation) histograms at epoch ends."""

    def __init__(self, run_dir, spec, net, ctx):
        lg = spec["logging"]
        self.log_every = lg.get("log_every", 10)
        self.grad_every = lg.get("grad_every", 25)
        self.hist_every = lg.get("hist_every_epochs", 1)
        self.acts = lg.get("activation_histograms", False)
        self.clock = tb.Clock()
        self.w = tb.TorchSummaryWriter(run_dir, self.clock)
        self.net = net
        self.probe = ctx["probe"]
        self.opt_name = spec["optimizer"]["name"]
        self.ep_loss = self.ep_acc = 0.0
        self.ep_n = 0
        self.rng = random.Random(spec["seed"])
        if ctx["session"] == 0:
            self.w.add_scalar("hp_metric", -1, 0)
            hp = {"lr": spec["optimizer"]["lr"], "batch_size": spec["batch_size"],
                  "optimizer": self.opt_name}
            hp.update(lg.get("extra_hparams", {}))
            for s in tb.torch_hparams(hp, {"hp_metric": -1}, shuffle=self.rng):
                self.w.add_summary_bytes(s)

    def after_backward(self, step, net):
        if step % self.grad_every:
            return
        import torch
        norms = []
        for n, p in net.named_parameters():
            if p.grad is None:
                continue
            g = float(p.grad.detach().norm(2))
            norms.append(g)
            self.w.add_scalar("grad_2.0_norm/" + n, g, step)
        self.w.add_scalar("grad_2.0_norm_total", float(torch.tensor(norms).norm(2)), step)

    def step_end(self, step, epoch, loss, acc, n, lr, xb):
        self.ep_loss += loss * n
        self.ep_acc += acc * n
        self.ep_n += n
        if (step + 1) % self.log_every == 0:
            self.w.add_scalar("lr-" + self.opt_name, lr, step)
            self.w.add_scalar("train_loss_step", loss, step)
            self.w.add_scalar("epoch", epoch, step)

    def epoch_end(self, epoch, step, net, val_loss, val_acc, train_loss, train_acc):
        self.w.add_scalar("val_loss", val_loss, step)
        self.w.add_scalar("val_acc", val_acc, step)
        self.w.add_scalar("epoch", epoch, step)
        self.w.add_scalar("train_loss_epoch", self.ep_loss / max(1, self.ep_n), step)
        self.w.add_scalar("train_acc_epoch", self.ep_acc / max(1, self.ep_n), step)
        self.w.add_scalar("epoch", epoch, step)
        if (epoch + 1) % self.hist_every == 0 or self.hist_every == 1:
            for n, p in net.named_parameters():
                self.w.add_histogram(n, p.detach().numpy(), step)
            if self.acts:
                cap = capture_probe(net, self.probe)
                for name in net.act_names:
                    self.w.add_histogram("activations/" + name, cap[name][1].numpy(), step)
        self.ep_loss = self.ep_acc = 0.0
        self.ep_n = 0
        self.last_step = step

    def end(self, final_val_acc):
        self.w.add_scalar("hp_metric", final_val_acc, self.last_step)



P_LOSS_TAGS = {
    # name: (train loss per step, val loss, val accuracy, train loss per epoch)
    "Loss/": ("Loss/train", "Loss/val", "Accuracy/val", "Loss/train_epoch"),
    "train/": ("train/loss", "val/loss", "val/accuracy", "train/epoch_loss"),
    "loss/": ("loss/train", "loss/val", "accuracy/val", "loss/train_epoch"),
    "flat": ("train_loss", "val_loss", "val_acc", "epoch_train_loss"),
}


class PlainLogger(TorchWriterLogger):
    """A hand-written PyTorch loop with a SummaryWriter (style P). Options (spec["logging"]):
    tags (P_LOSS_TAGS key), log_every, hist_every (parameter/gradient/activation/input
    histograms), grads ("dot": <param>.grad, "slash": <param>/grad, None), grad_norms (bool:
    grad_norm/<param> every grad_norm_every steps),
    activations (bool), images (tag or None), input_hist (bool), lr_tag ("lr", "LearningRate" or
    None), val_step ("global" or "epoch"), epoch_only (bool: only per-epoch scalars),
    train_acc (bool), hparams_subrun (bool: add_hparams at the end)."""

    def __init__(self, run_dir, spec, net, ctx):
        self.lg = lg = spec["logging"]
        self.tags = P_LOSS_TAGS[lg.get("tags", "Loss/")]
        self.log_every = lg.get("log_every", 1)
        self.hist_every = lg.get("hist_every", 50)
        self.clock = tb.Clock()
        self.w = tb.TorchSummaryWriter(run_dir, self.clock, purge_step=ctx.get("purge_step"))
        self.probe = ctx["probe"]
        self.spec = spec
        self.ep_loss = 0.0
        self.ep_n = 0
        self.ep_acc = 0.0
        self.denorm = ctx["denorm"]
        if lg.get("images") and ctx["session"] == 0 and not lg.get("epoch_only"):
            self.w.add_images(lg["images"], self.denorm(ctx["sample_images"]), 0)

    def _hist_step(self, step):
        return not self.lg.get("epoch_only") and step % self.hist_every == 0

    def after_backward(self, step, net):
        lg = self.lg
        if lg.get("epoch_only"):
            return
        if lg.get("grad_norms") and step % lg.get("grad_norm_every", 10) == 0:
            for n, p in net.named_parameters():
                if p.grad is not None:
                    self.w.add_scalar("grad_norm/" + n, float(p.grad.detach().norm(2)), step)
        if self._hist_step(step):
            for n, p in net.named_parameters():
                self.w.add_histogram(n, p.detach().numpy(), step)
                if lg.get("grads") and p.grad is not None:
                    sep = "." if lg["grads"] == "dot" else "/"
                    self.w.add_histogram(n + sep + "grad", p.grad.detach().numpy(), step)

    def step_end(self, step, epoch, loss, acc, n, lr, xb):
        import torch
        lg = self.lg
        self.ep_loss += loss * n
        self.ep_acc += acc * n
        self.ep_n += n
        if lg.get("epoch_only"):
            return
        if step % self.log_every == 0 or not math.isfinite(loss):
            self.w.add_scalar(self.tags[0], loss, step)
            if lg.get("lr_tag"):
                self.w.add_scalar(lg["lr_tag"], lr, step)
        if self._hist_step(step):
            if lg.get("input_hist"):
                self.w.add_histogram("input/batch", xb.numpy(), step)
            if lg.get("activations"):
                self.net_probe(step)

    def net_probe(self, step):
        cap = capture_probe(self.net, self.probe)
        for name in self.net.act_names:
            self.w.add_histogram("activations/%s/pre" % name, cap[name][0].numpy(), step)
            self.w.add_histogram("activations/%s/post" % name, cap[name][1].numpy(), step)

    def epoch_end(self, epoch, step, net, val_loss, val_acc, train_loss, train_acc):
        lg = self.lg
        vstep = epoch if lg.get("val_step") == "epoch" else step
        if lg.get("epoch_only") or lg.get("epoch_train_loss"):
            self.w.add_scalar(self.tags[3], self.ep_loss / max(1, self.ep_n), vstep)
        if lg.get("train_acc"):
            self.w.add_scalar(self.tags[2].replace("val", "train"),
                              self.ep_acc / max(1, self.ep_n), vstep)
        self.w.add_scalar(self.tags[1], val_loss, vstep)
        self.w.add_scalar(self.tags[2], val_acc, vstep)
        if lg.get("epoch_only") and lg.get("lr_tag"):
            self.w.add_scalar(lg["lr_tag"], self.last_lr, vstep)
        self.ep_loss = self.ep_acc = 0.0
        self.ep_n = 0

    def end(self, final_val_acc):
        if self.lg.get("hparams_subrun"):
            o = self.spec["optimizer"]
            self.w.add_hparams({"lr": o["lr"], "batch_size": self.spec["batch_size"],
                                "optimizer": o["name"]},
                               {"hparam/accuracy": final_val_acc}, shuffle=self.rng)



# =============================================================================================
# training (one process = one session)

def train_session(spec, run_dir, session, ckpt_dir, mnist_dir):
    import numpy as np
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)
    seed = spec["seed"]
    t0 = time.time()
    xtr, ytr, xva, yva, in_range, in_desc = load_dataset(spec, mnist_dir)
    if spec.get("labels") == "shuffled":
        ytr = torch.from_numpy(np.random.RandomState(seed).permutation(ytr.numpy()))
    if spec.get("order") == "sorted":
        idx = torch.from_numpy(np.argsort(ytr.numpy(), kind="stable"))
        xtr, ytr = xtr[idx], ytr[idx]
    torch.manual_seed(seed)
    net = build_model(spec, tuple(xtr.shape[1:]))
    init_desc = init_model(net, spec)
    opt = make_optimizer(net.parameters(), spec["optimizer"])
    bs = spec["batch_size"]
    n_train = len(xtr)
    steps_per_epoch = (n_train + bs - 1) // bs
    epochs = spec["epochs"]
    total_steps = steps_per_epoch * epochs
    ls = spec.get("label_smoothing", 0.0)
    probe = xva[:256]
    sess = spec.get("sessions") or {"kind": "single"}
    start_epoch, stop_epoch, stop_batch = 0, epochs, None
    purge_step = None
    if sess["kind"] == "resume":
        if session == 0:
            stop_epoch = sess["split_epoch"]
        else:
            start_epoch = sess["split_epoch"]
    elif sess["kind"] == "restart":
        if session == 0:
            stop_epoch = sess["die_epoch"] + 1
            stop_batch = sess["die_batch"]
        else:
            start_epoch = sess["ckpt_epoch"] + 1
            if sess.get("purge"):
                purge_step = start_epoch * steps_per_epoch
    if start_epoch > 0:
        state = torch.load(os.path.join(ckpt_dir, "epoch%d.pt" % (start_epoch - 1)))
        net.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])

    if spec["dataset"] == "digits8":
        denorm = lambda x: (x - x.min()) / (x.max() - x.min())  # noqa: E731
    elif spec.get("input") == "raw":
        denorm = lambda x: x  # noqa: E731  (what the user passes: raw 0..255 floats)
    else:
        denorm = lambda x: x * MNIST_STD + MNIST_MEAN  # noqa: E731
    ctx = {"probe": probe, "session": session, "purge_step": purge_step,
           "sample_images": xtr[:16], "denorm": denorm}
    logger = {"K": KerasLogger, "L": LightningLogger, "P": PlainLogger}[spec["style"]](
        run_dir, spec, net, ctx)
    logger.net = net
    logger.rng = random.Random(seed * 7 + session)
    logger.last_lr = spec["optimizer"]["lr"]

    m = {"train_loss_epoch": [], "train_acc_epoch": [], "val_loss_epoch": [],
         "val_acc_epoch": [], "weight_grad_norms": [], "step0_weight_grad_norms": None,
         "first_nonfinite_train_loss_step": None, "stopped": None, "input_range":
         [sig(in_range[0]), sig(in_range[1])], "input_desc": in_desc, "init_desc": init_desc,
         "steps_per_epoch": steps_per_epoch, "train_samples": n_train}
    if session == 0:
        m["probe_init"] = probe_stats(net, probe, spec)
    gen = torch.Generator().manual_seed(100 * seed + session)
    first_batch = None
    step = start_epoch * steps_per_epoch
    nan_stop = False
    for epoch in range(start_epoch, stop_epoch):
        if spec.get("order") == "sorted":
            perm = torch.arange(n_train)
        else:
            perm = torch.randperm(n_train, generator=gen)
        ep_loss = ep_acc = 0.0
        ep_n = 0
        for b in range(steps_per_epoch):
            if stop_batch is not None and epoch == stop_epoch - 1 and b == stop_batch:
                m["stopped"] = "crash"
                break
            idx = perm[b * bs:(b + 1) * bs]
            if spec.get("order") == "repeat-first":
                if first_batch is None:
                    first_batch = idx
                idx = first_batch
            xb, yb = xtr[idx], ytr[idx]
            lr = lr_at(spec, step, epoch, total_steps)
            for g in opt.param_groups:
                g["lr"] = lr
            out = net(xb)
            loss = F.cross_entropy(out, yb, label_smoothing=ls)
            opt.zero_grad()
            loss.backward()
            if step % 25 == 0:
                norms = [float(p.grad.norm(2)) for _, p in net.weight_params]
                m["weight_grad_norms"].append([step] + [sig(x) for x in norms])
                if m["step0_weight_grad_norms"] is None:
                    m["step0_weight_grad_norms"] = [sig(x) for x in norms]
            logger.after_backward(step, net)
            opt.step()
            lval = float(loss)
            acc = float((out.argmax(1) == yb).float().mean())
            ep_loss += lval * len(idx)
            ep_acc += acc * len(idx)
            ep_n += len(idx)
            logger.step_end(step, epoch, lval, acc, len(idx), lr, xb)
            logger.last_lr = lr
            step += 1
            if not math.isfinite(lval):
                if m["first_nonfinite_train_loss_step"] is None:
                    m["first_nonfinite_train_loss_step"] = step - 1
                if spec["style"] in ("K", "P"):
                    # Keras: TerminateOnNaN; P: the user's `if not math.isfinite(loss): break`
                    nan_stop = True
                    m["stopped"] = "nan"
                    break
        if m["stopped"] == "crash":
            break
        vl, va = evaluate(net, xva, yva, ls)
        m["train_loss_epoch"].append(sig(ep_loss / max(1, ep_n)))
        m["train_acc_epoch"].append(sig(ep_acc / max(1, ep_n)))
        m["val_loss_epoch"].append(sig(vl))
        m["val_acc_epoch"].append(sig(va))
        logger.epoch_end(epoch, step - 1, net, vl, va, ep_loss / max(1, ep_n),
                         ep_acc / max(1, ep_n))
        if session == 0 and epoch == start_epoch:
            m["probe_epoch0"] = probe_stats(net, probe, spec)
        if sess["kind"] in ("resume", "restart"):
            torch.save({"model": net.state_dict(), "opt": opt.state_dict()},
                       os.path.join(ckpt_dir, "epoch%d.pt" % epoch))
        if nan_stop:
            break
        if spec["style"] == "L" and not math.isfinite(vl):
            m["stopped"] = "nan"  # EarlyStopping(check_finite=True)
            break
    m["last_epoch"] = epoch
    m["steps_done"] = step
    if m["stopped"] != "crash":
        logger.end(m["val_acc_epoch"][-1] if m["val_acc_epoch"] else float("nan"))
    logger.close()
    m["histograms_skipped_nonfinite"] = logger.skipped
    m["probe_final"] = probe_stats(net, probe, spec)
    m["distinct_weight_rows_at_end"] = {n: distinct_rows(p) for n, p in net.weight_params}
    tl, ta = evaluate(net, xtr, ytr)
    vl, va = evaluate(net, xva, yva)
    m["end_of_run_full_eval"] = {"train_loss": sig(tl), "train_acc": sig(ta),
                                 "val_loss": sig(vl), "val_acc": sig(va)}
    m["train_seconds"] = round(time.time() - t0, 1)
    m["act_names"] = net.act_names
    m["weight_names"] = [n for n, _ in net.weight_params]
    m["files"] = logger.files()
    m["pid"] = os.getpid()
    return m


# =============================================================================================
# reading runs back and checking labels

def read_run(run_dir):
    """Every event file under run_dir, decoded: {relative path: [events]}."""
    out = {}
    for root, _, files in os.walk(run_dir):
        for f in sorted(files):
            if ".tfevents." in f:
                p = os.path.join(root, f)
                out[os.path.relpath(p, os.path.dirname(run_dir))] = tb.read_events(p)
    return out


def series(files, tag, folder=None):
    """[(step, value)] of a scalar tag in file order (all files of the folder, by name)."""
    pts = []
    for path in sorted(files):
        if folder is not None and os.path.basename(os.path.dirname(path)) != folder:
            continue
        for ev in files[path]:
            for v in ev["values"]:
                if v["tag"] == tag:
                    x = tb.scalar_of(v)
                    if x is not None:
                        pts.append((ev["step"], x))
    return pts


def hist_stats(files, tag):
    """[(step, min, max, std)] of a histogram tag (HistogramProto or TF2 tensor)."""
    import numpy as np
    out = []
    for path in sorted(files):
        for ev in files[path]:
            for v in ev["values"]:
                if v["tag"] != tag:
                    continue
                if v.get("kind") == "histo":
                    h = v["value"]
                    n = h["num"] or 1
                    var = max(0.0, h["sum_squares"] / n - (h["sum"] / n) ** 2)
                    out.append((ev["step"], h["min"], h["max"], math.sqrt(var)))
                elif v.get("kind") == "tensor" and v["value"]["dtype"] == tb.DT_DOUBLE:
                    a = np.asarray(v["value"]["values"]).reshape(-1, 3)
                    c = a[:, 2]
                    mid = (a[:, 0] + a[:, 1]) / 2
                    n = c.sum() or 1
                    mean = (c * mid).sum() / n
                    out.append((ev["step"], float(a[:, 0].min()), float(a[:, 1].max()),
                                float(math.sqrt(max(0.0, (c * (mid - mean) ** 2).sum() / n)))))
    return out


def tag_sets(files):
    sc, hi, im, hp = set(), set(), set(), set()
    for path in files:
        for ev in files[path]:
            for v in ev["values"]:
                k = v.get("kind")
                if k == "image":
                    im.add(v["tag"])
                elif k == "hparams":
                    hp.add(v["tag"])
                elif k == "histo" or (k == "tensor" and v["plugin"] == "histograms"):
                    hi.add(v["tag"])
                elif tb.scalar_of(v) is not None:
                    sc.add(v["tag"])
    return sorted(sc), sorted(hi), sorted(im), sorted(hp)


def fin(x):
    return x is not None and math.isfinite(x)


def train_loss_tags(spec):
    if spec["style"] == "K":
        return ("batch_loss", "train") if spec["logging"].get("update_freq", 10) != "epoch" \
            else ("epoch_loss", "train")
    if spec["style"] == "L":
        return ("train_loss_step", None)
    t = P_LOSS_TAGS[spec["logging"].get("tags", "Loss/")]
    return (t[3], None) if spec["logging"].get("epoch_only") else (t[0], None)


def val_tags(spec):
    if spec["style"] == "K":
        return ("epoch_loss", "epoch_accuracy", "validation")
    if spec["style"] == "L":
        return ("val_loss", "val_acc", None)
    t = P_LOSS_TAGS[spec["logging"].get("tags", "Loss/")]
    return (t[1], t[2], None)


def measure_logs(spec, files, proc):
    """The label's log-derived `measured` values."""
    import numpy as np
    me = {}
    sc, hi, im, hp = tag_sets(files)
    me["tags_scalars"], me["tags_histograms"], me["tags_images"] = sc, hi, im
    me["hparams_tags"] = hp
    me["n_event_files"] = len(files)
    ltag, lfolder = train_loss_tags(spec)
    tl = series(files, ltag, lfolder)
    finite = [p for p in tl if fin(p[1])]
    me["train_loss_tag"] = ltag
    me["logged_train_loss_points"] = len(tl)
    if tl:
        me["logged_train_loss_first"] = [tl[0][0], sig(tl[0][1])]
        me["logged_train_loss_last"] = [tl[-1][0], sig(tl[-1][1])]
    if finite:
        mx = max(finite, key=lambda p: p[1])
        me["logged_train_loss_max_finite"] = [mx[0], sig(mx[1])]
        me["logged_train_loss_min"] = sig(min(p[1] for p in finite))
    me["nonfinite_logged_loss"] = any(not fin(p[1]) for p in tl)
    vl_tag, va_tag, vfolder = val_tags(spec)
    vl = series(files, vl_tag, vfolder)
    va = series(files, va_tag, vfolder)
    me["val_loss_logged"] = [sig(p[1]) for p in vl]
    me["val_acc_logged"] = [sig(p[1]) for p in va]
    me["val_steps"] = [p[0] for p in vl]
    fv = [p[1] for p in vl if fin(p[1])]
    if fv:
        me["val_loss_min"] = sig(min(fv))
        me["val_loss_final_over_min"] = sig(vl[-1][1] / min(fv)) if fin(vl[-1][1]) else None
    me["final_val_acc"] = sig(va[-1][1]) if va else None
    # the last epoch's logged training losses: max/min (saw-tooth of unshuffled data)
    spe = proc["steps_per_epoch"]
    if tl and spec["style"] != "K":
        last_ep_start = (proc["steps_done"] - 1) // spe * spe
        last = [p[1] for p in tl if p[0] >= last_ep_start and fin(p[1])]
        if len(last) >= 2 and min(last) > 0:
            me["last_epoch_loss_max_over_min"] = sig(max(last) / min(last))
    # gradient norms in the logs
    if spec["style"] == "L":
        tot = series(files, "grad_2.0_norm_total")
        if tot:
            me["grad_norm_total_step0"] = sig(tot[0][1])
            fin_tot = [p[1] for p in tot if fin(p[1])]
            me["grad_norm_total_max_finite"] = sig(max(fin_tot)) if fin_tot else None
        gtags = [t for t in sc if t.startswith("grad_2.0_norm/") and t.endswith("weight")]
    elif spec["style"] == "P":
        gtags = [t for t in sc if t.startswith("grad_norm/") and t.endswith("weight")]
        if gtags:
            s0 = [series(files, t)[0][1] for t in gtags]
            me["grad_norm_step0_max"] = sig(max(s0))
    else:
        gtags = []
    if len(gtags) >= 2:
        order = [n for n, _ in proc_weight_names(proc)]
        gtags.sort(key=lambda t: order.index(t.split("/", 1)[1]) if t.split("/", 1)[1] in order
                   else 0)
        a = dict(series(files, gtags[0]))
        b = dict(series(files, gtags[-1]))
        ratios = [a[s] / b[s] for s in a if s in b and fin(a[s]) and fin(b[s]) and b[s] > 0]
        if ratios:
            me["grad_norm_ratio_first_last_weight_median"] = sig(float(np.median(ratios)))
            me["grad_norm_layers"] = [gtags[0], gtags[-1]]
    first = ("activations/%s/post" if spec["style"] == "P" else "activations/%s") % \
        proc["act_names"][0]
    if first in hi:
        hs = hist_stats(files, first)
        me["first_activation_hist"] = first
        me["first_activation_hist_max_first_last"] = [sig(hs[0][2]), sig(hs[-1][2])]
    if spec["style"] == "K":
        kern = "conv2d/kernel_0" if spec["model"]["kind"] == "cnn" else "dense/kernel_0"
        wtag = next((t for t in (kern, kern + "/histogram") if t in hi), None)
    else:
        wtag = proc["weight_names"][0] if proc["weight_names"][0] in hi else None
    if wtag:
        hs = hist_stats(files, wtag)
        me["first_layer_weight_hist"] = wtag
        me["first_layer_weight_std_first_last"] = [sig(hs[0][3]), sig(hs[-1][3])]
    me["n_histogram_events"] = sum(1 for p in files for ev in files[p] for v in ev["values"]
                                   if v.get("kind") == "histo" or v.get("plugin") ==
                                   "histograms")
    if spec["style"] == "L":
        me["hp_metric"] = [[s, sig(v)] for s, v in series(files, "hp_metric")]
    if spec["style"] == "K":
        eacc = series(files, "epoch_accuracy", "train")
        if eacc and va:
            me["last_epoch_train_acc_minus_val_acc"] = sig(eacc[-1][1] - va[-1][1])
    return me


def proc_weight_names(proc):
    return [(n, None) for n in proc["weight_names"]]


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else 0.5 * (xs[len(xs) // 2 - 1] + xs[len(xs) // 2])


def check(spec, me, proc):
    """(passed, evidence {what, value}, reasons) by the rules of the shared corpus README."""
    f = spec["fault"]
    ds = spec["dataset"]
    acc = me.get("final_val_acc")
    tl_first = (me.get("logged_train_loss_first") or [None, None])[1]
    tl_max = (me.get("logged_train_loss_max_finite") or [None, None])[1]
    fails = []
    ev = None

    def need(cond, text):
        if not cond:
            fails.append(text)

    probe = proc["probe_final"]
    first_layer = next(iter(probe.values()))
    relu_layers = [s for s in probe.values() if "dead_unit_frac" in s]
    if relu_layers:
        dead = median([s["dead_unit_frac"] or 0.0 for s in relu_layers])
        dead_max = max(s["dead_unit_frac"] or 0.0 for s in relu_layers)
    else:
        dead = dead_max = 0.0
    sat_max = max([s.get("sat_frac") or 0.0 for s in probe.values()] + [0.0])
    wg = proc["weight_grad_norms"]
    ratios = [r[1] / r[-1] for r in wg if fin(r[1]) and fin(r[-1]) and r[-1] and r[-1] > 0]
    grad_ratio = median(ratios) if ratios else None
    proc["weight_grad_norm_first_over_last_layer_median"] = sig(grad_ratio)

    if f == "healthy":
        need(acc is not None and acc >= (0.85 if ds == "digits8" else 0.90),
             f"val acc {acc} below {0.85 if ds == 'digits8' else 0.90}")
        need(not me["nonfinite_logged_loss"], "a non-finite logged loss")
        r = me.get("val_loss_final_over_min")
        need(r is not None and r <= 1.06, f"final/min validation loss {r} > 1.06")
        need(tl_first is not None and tl_max is not None and tl_max <= 1.5 * tl_first,
             f"largest logged training loss {tl_max} > 1.5 x first {tl_first}")
        need(dead_max < 0.25, f"dead units {dead_max} >= 0.25")
        need(sat_max < 0.5, f"saturated units {sat_max} >= 0.5")
        if spec.get("variant") == "heavy-dropout":
            tle = proc["train_loss_epoch"]
            vle = proc["val_loss_epoch"]
            need(all(a > b for a, b in zip(tle, vle)),
                 "epoch training loss not above validation loss in every epoch")
        ev = {"what": "final_val_acc", "value": acc}
    elif f == "lr-high":
        need(me["nonfinite_logged_loss"] or (tl_max is not None and tl_max >= 5 * math.log(10)),
             f"largest logged training loss {tl_max} < 11.5 and none non-finite")
        ev = {"what": "largest finite logged training loss (%s)" % me["train_loss_tag"],
              "value": tl_max}
    elif f == "lr-low":
        tle = proc["train_loss_epoch"]
        drop = (tle[0] - tle[-1]) / tle[0]
        proc["train_loss_relative_drop"] = sig(drop)
        need(drop < 0.05, f"epoch training loss fell by {drop:.3f} >= 0.05")
        need(acc is not None and acc < 0.3, f"val acc {acc} >= 0.3")
        ev = {"what": "relative drop of the epoch training loss, first to last epoch",
              "value": sig(drop)}
    elif f == "no-normalize":
        need(proc["input_range"][1] >= 255 or ds == "digits8" and proc["input_range"][1] >= 16,
             "inputs do not reach 255")
        amax = (me.get("first_activation_hist_max_first_last") or [None])[0]
        if amax is not None:
            ev = {"what": "largest value of %s in its first histogram" %
                  me["first_activation_hist"], "value": amax}
        elif spec["style"] == "L" and me.get("grad_norm_total_step0") is not None:
            ev = {"what": "grad_2.0_norm_total at step 0", "value": me["grad_norm_total_step0"]}
        else:
            ev = {"what": "first logged training loss (%s)" % me["train_loss_tag"],
                  "value": tl_first}
        need(ev["value"] is not None and ev["value"] >= 100, f"evidence {ev['value']} < 100")
    elif f == "dead-relu":
        need(dead >= 0.9, f"dead fraction {dead} < 0.9")
        ev = {"what": "dead fraction of hidden ReLU units on the probe batch at the end "
                      "(median over layers; measured in the process)", "value": sig(dead)}
    elif f == "vanishing":
        need(grad_ratio is not None and grad_ratio < 1e-3,
             f"first/last weight-gradient ratio {grad_ratio} >= 1e-3")
        lr = me.get("grad_norm_ratio_first_last_weight_median")
        ev = ({"what": "median of %s / %s" % tuple(me["grad_norm_layers"]), "value": lr}
              if lr is not None else
              {"what": "median first/last layer weight-gradient norm (measured in the process)",
               "value": sig(grad_ratio)})
    elif f == "exploding":
        need(me["nonfinite_logged_loss"] or proc["first_nonfinite_train_loss_step"] is not None,
             "no NaN")
        if spec["style"] == "L" and me.get("grad_norm_total_step0") is not None:
            ev = {"what": "grad_2.0_norm_total at step 0", "value": me["grad_norm_total_step0"]}
        elif me.get("grad_norm_step0_max") is not None:
            ev = {"what": "largest grad_norm/* at step 0", "value": me["grad_norm_step0_max"]}
        else:
            ev = {"what": "first logged training loss (%s)" % me["train_loss_tag"],
                  "value": tl_first if fin(tl_first) else tl_max}
        need(ev["value"] is not None and ev["value"] >= 50, f"evidence {ev['value']} < 50")
    elif f == "overfit":
        r = me.get("val_loss_final_over_min")
        tacc = proc["end_of_run_full_eval"]["train_acc"]
        need(r is not None and r >= 1.3, f"final/min validation loss {r} < 1.3")
        need(tacc >= 0.99, f"training accuracy {tacc} < 0.99")
        need(acc is not None and tacc - acc >= 0.05, f"train-val accuracy gap {tacc - acc} < 0.05")
        ev = {"what": "final / minimum validation loss", "value": r}
    elif f == "repeat-batch":
        last = (me.get("logged_train_loss_last") or [None, None])[1]
        need(last is not None and last < 0.01, f"last logged training loss {last} >= 0.01")
        need(acc is not None and acc < 0.8, f"val acc {acc} >= 0.8")
        ev = {"what": "last logged training loss (%s)" % me["train_loss_tag"], "value": last}
    elif f == "saturated":
        s = first_layer.get("sat_frac") or 0.0
        need(s >= 0.8, f"first-layer saturated fraction {s} < 0.8")
        ev = {"what": "share of first-layer tanh outputs beyond +-0.99 at the end (probe batch)",
              "value": s}
    elif f == "shuffled-labels":
        need(acc is not None and acc < 0.15, f"val acc {acc} >= 0.15")
        ev = {"what": "final_val_acc", "value": acc}
    elif f == "unshuffled":
        need(acc is not None and acc < 0.5, f"val acc {acc} >= 0.5")
        if spec["style"] == "K":
            gap = me.get("last_epoch_train_acc_minus_val_acc")
            need(gap is not None and gap >= 0.3, f"train-val accuracy gap {gap} < 0.3")
            ev = {"what": "last epoch_accuracy (train/) minus validation accuracy",
                  "value": gap}
        else:
            r = me.get("last_epoch_loss_max_over_min")
            need(r is not None and r >= 10, f"last-epoch loss max/min {r} < 10")
            ev = {"what": "max/min of the logged training losses in the last epoch",
                  "value": r}
    elif f == "zero-init":
        rows = next(iter(proc["distinct_weight_rows_at_end"].values()))
        need(rows <= 16, f"{rows} distinct first-layer rows > 16")
        ev = {"what": "distinct rows of the first weight matrix at the end", "value": rows}
    else:
        raise SystemExit(f"unknown fault {f}")
    if f != "healthy" and f not in ("lr-high", "exploding"):
        need(not me["nonfinite_logged_loss"], "a non-finite logged loss in a run whose fault "
                                               "is not about divergence")
    return not fails, ev, fails


# =============================================================================================
# specs

def mlp(hidden, act="relu", **kw):
    d = {"kind": "mlp", "hidden": list(hidden), "act": act}
    d.update(kw)
    return d


def cnn(channels, **kw):
    d = {"kind": "cnn", "channels": list(channels)}
    d.update(kw)
    return d


def sgd(lr, momentum=0.0, **kw):
    d = {"name": "SGD", "lr": lr, "momentum": momentum}
    d.update(kw)
    return d


def adam(lr, **kw):
    d = {"name": "Adam", "lr": lr}
    d.update(kw)
    return d


def describe_model(spec):
    m = spec["model"]
    din = {"mnist": 784, "mnist14": 196, "digits8": 64}[spec["dataset"]]
    if m["kind"] == "mlp":
        h = m["hidden"]
        if len(h) > 2 and len(set(h)) == 1:
            mid = "%dx%d" % (h[0], len(h))
        else:
            mid = "-".join(map(str, h))
        s = "MLP %d-%s-10" % (din, mid)
        extras = []
        if m["act"] != "relu":
            extras.append(m["act"])
        if m.get("bn"):
            extras.append("batch norm")
        if m.get("dropout"):
            extras.append("dropout %g" % m["dropout"])
        return s + (" (%s)" % ", ".join(extras) if extras else "")
    s = "CNN " + ", ".join("conv3x3(->%d)-%s-maxpool2" % (c, m.get("act", "relu"))
                           for c in m["channels"])
    if m.get("fc_hidden"):
        s += ", Linear(->%d)-%s" % (m["fc_hidden"], m.get("act", "relu"))
        if m.get("dropout"):
            s += ", dropout %g" % m["dropout"]
    return s + ", Linear(->10)"


def P(**kw):
    d = {"tags": "Loss/", "log_every": 1, "hist_every": 100, "grads": "dot", "grad_norms": True,
         "grad_norm_every": 10,
         "activations": True, "images": "input/images", "input_hist": True, "lr_tag": "lr"}
    d.update(kw)
    return d


def K(**kw):
    d = {"update_freq": 10, "histogram_freq": 1, "keras": "2.12", "log_lr": False}
    d.update(kw)
    return d


def Lg(**kw):
    d = {"log_every": 10, "grad_every": 25, "hist_every_epochs": 1,
         "activation_histograms": False}
    d.update(kw)
    return d


def run(fault, style, variant=None, **kw):
    d = {"fault": fault, "style": style, "variant": variant, "dataset": "mnist",
         "input": "normalized", "labels": "true", "order": "shuffle", "init": "default",
         "label_smoothing": 0.0, "train_samples": None, "schedule": None, "sessions": None,
         "fallbacks": []}
    d.update(kw)
    d["extra"] = fault in ("shuffled-labels", "unshuffled", "zero-init")
    return d


def dev_specs():
    """Development set: style P only. Every fault once (four twice) and 14 healthy runs."""
    S = []
    # faults
    S.append(run("lr-high", "P", model=mlp([256, 128]), optimizer=sgd(0.5, 0.9), batch_size=64,
                 epochs=1, logging=P(tags="Loss/")))
    S.append(run("lr-high", "P", model=cnn([8, 16]), optimizer=adam(0.08), batch_size=50,
                 epochs=1, logging=P(tags="train/", grads="slash", activations=False,
                                     lr_tag="LearningRate")))
    S.append(run("lr-low", "P", model=mlp([400, 100]), optimizer=sgd(1e-5, 0.9), batch_size=32,
                 epochs=2, logging=P(tags="loss/", log_every=10)))
    S.append(run("no-normalize", "P", model=mlp([300]), input="raw", optimizer=sgd(1e-4),
                 batch_size=64, epochs=3, logging=P(tags="flat")))
    S.append(run("dead-relu", "P", model=mlp([512, 256]), init={"kind": "bias", "value": -5},
                 optimizer=sgd(0.05, 0.9), batch_size=64, epochs=2, logging=P(tags="Loss/")))
    S.append(run("dead-relu", "P", model=cnn([8, 16], fc_hidden=64),
                 init={"kind": "bias", "value": -4}, optimizer=adam(1e-3), batch_size=64,
                 epochs=2, logging=P(tags="train/", grads=None, log_every=5)))
    S.append(run("vanishing", "P", model=mlp([128] * 8, "sigmoid"), optimizer=sgd(0.1),
                 batch_size=32, epochs=2, logging=P(tags="Loss/", log_every=5)))
    S.append(run("exploding", "P", model=mlp([400, 400, 400]),
                 init={"kind": "normal", "std": 0.15}, optimizer=sgd(0.05), batch_size=100,
                 epochs=2, logging=P(tags="flat", grads="slash"),
                 # pilot: std 0.15 spiked (grad norm 125) but recovered without NaN
                 fallbacks=[{"init": {"kind": "normal", "std": 0.2}}]))
    S.append(run("exploding", "P", model=mlp([256] * 4),
                 init={"kind": "normal", "std": 0.18}, optimizer=sgd(0.03, 0.9), batch_size=128,
                 epochs=2, logging=P(tags="loss/", activations=False)))
    S.append(run("overfit", "P", model=mlp([800]), train_samples=250, optimizer=adam(1e-3),
                 batch_size=25, epochs=70, logging=P(tags="Loss/", log_every=10,
                                                      hist_every=200)))
    S.append(run("overfit", "P", dataset="digits8", model=mlp([512, 512]), train_samples=50,
                 optimizer=adam(2e-3), batch_size=10, epochs=150,
                 logging=P(tags="train/", log_every=10, hist_every=250, images=None,
                           train_acc=True)))
    S.append(run("repeat-batch", "P", model=mlp([300, 100]), order="repeat-first",
                 optimizer=sgd(0.03, 0.9), batch_size=128, epochs=3, logging=P(tags="Loss/")))
    S.append(run("saturated", "P", model=mlp([400, 200], "tanh"),
                 init={"kind": "normal", "std": 1.2}, optimizer=sgd(0.01), batch_size=32,
                 epochs=2, logging=P(tags="loss/", log_every=10)))
    S.append(run("shuffled-labels", "P", model=mlp([512, 512]), labels="shuffled",
                 optimizer=adam(1e-3), batch_size=100, epochs=15,
                 logging=P(tags="Loss/", log_every=10, hist_every=200, activations=False)))
    S.append(run("unshuffled", "P", model=mlp([200]), order="sorted", optimizer=sgd(0.02),
                 batch_size=50, epochs=3, logging=P(tags="flat")))
    S.append(run("zero-init", "P", model=mlp([100, 50], "sigmoid"), init={"kind": "zero"},
                 optimizer=sgd(0.1, 0.9), batch_size=100, epochs=5, logging=P(tags="train/")))
    # healthy
    S.append(run("healthy", "P", "warm-up", model=mlp([300, 100]), optimizer=sgd(0.08, 0.9),
                 schedule={"kind": "warmup_cosine", "warmup": 150}, batch_size=100, epochs=6,
                 logging=P(tags="Loss/")))
    S.append(run("healthy", "P", "step-decay", model=mlp([512, 128]), optimizer=sgd(0.08, 0.9),
                 schedule={"kind": "step", "milestones": [2, 4], "gamma": 0.2}, batch_size=128,
                 epochs=6, logging=P(tags="train/", lr_tag="LearningRate")))
    S.append(run("healthy", "P", "label-smoothing", model=mlp([300, 100]), optimizer=adam(1e-3),
                 label_smoothing=0.1, batch_size=100, epochs=5, logging=P(tags="loss/")))
    S.append(run("healthy", "P", "heavy-dropout", model=mlp([600, 600], dropout=0.65),
                 optimizer=adam(5e-4), batch_size=100, epochs=6,
                 logging=P(tags="Loss/", epoch_train_loss=True)))
    S.append(run("healthy", "P", "small-data", model=mlp([400], dropout=0.3), train_samples=2500,
                 optimizer=adam(1e-3, wd=5e-5), batch_size=50, epochs=8,
                 logging=P(tags="flat", train_acc=True)))
    S.append(run("healthy", "P", "deep-bn", model=mlp([100] * 6, bn=True),
                 optimizer=sgd(0.03, 0.9), batch_size=128, epochs=4, logging=P(tags="Loss/")))
    S.append(run("healthy", "P", "tanh-xavier", model=mlp([400, 200], "tanh"), init="glorot",
                 optimizer=sgd(0.01, 0.9), batch_size=32, epochs=3, logging=P(tags="train/",
                                                                               log_every=10)))
    S.append(run("healthy", "P", "large-batch", model=mlp([300, 100]), optimizer=adam(4e-3),
                 batch_size=800, epochs=8, logging=P(tags="loss/", hist_every=10)))
    S.append(run("healthy", "P", "adam-default", model=mlp([512, 128]), optimizer=adam(1e-3),
                 batch_size=128, epochs=4, logging=P(tags="Loss/", hparams_subrun=True)))
    S.append(run("healthy", "P", "sgd-momentum", model=mlp([256, 256]), optimizer=sgd(0.03, 0.9),
                 batch_size=100, epochs=5, logging=P(tags="flat", grads=None)))
    S.append(run("healthy", "P", "cnn", model=cnn([8, 16]), optimizer=sgd(0.02, 0.9),
                 batch_size=32, epochs=3, logging=P(tags="Loss/", log_every=10),
                 # pilot: validation loss final/min 1.15 after 3 epochs, 1.126 after 2
                 fallbacks=[{"epochs": 2},
                            {"optimizer": sgd(0.01, 0.9), "batch_size": 64, "epochs": 3}]))
    S.append(run("healthy", "P", "resumed", model=mlp([200, 100]), optimizer=adam(5e-4),
                 batch_size=128, epochs=8, sessions={"kind": "resume", "split_epoch": 4},
                 logging=P(tags="train/")))
    S.append(run("healthy", "P", "restarted", model=mlp([200]), optimizer=sgd(0.03, 0.9),
                 batch_size=100, epochs=7,
                 sessions={"kind": "restart", "die_epoch": 3, "die_batch": 50, "ckpt_epoch": 1,
                           "purge": False},
                 logging=P(tags="Loss/", log_every=10)))
    S.append(run("healthy", "P", "epoch-only", model=mlp([300, 100]), optimizer=sgd(0.02, 0.9),
                 batch_size=32, epochs=4, logging=P(tags="Loss/", epoch_only=True),
                 # pilot: validation loss final/min 1.098 after 4 epochs
                 fallbacks=[{"epochs": 3}]))
    return S


def heldout_specs():
    """Held-out set: every fault once per style (K, L, P) and 18 healthy runs (6 per style)."""
    S = []
    # ---- style K (Keras callback layout; Keras-like defaults: glorot kernels, zero biases)
    S.append(run("lr-high", "K", model=mlp([400, 200]), optimizer=sgd(0.3, 0.9), batch_size=64,
                 epochs=1, logging=K(keras="2.3")))
    S.append(run("lr-low", "K", model=mlp([256, 64]), optimizer=adam(3e-7), batch_size=64,
                 epochs=2, logging=K()))
    S.append(run("no-normalize", "K", dataset="mnist14", model=mlp([256]), input="raw",
                 optimizer=adam(3e-4), batch_size=32, epochs=3, logging=K(keras="2.3"),
                 # pilot: first batch_loss (running mean of 10 batches) only 70.6, then 84.5
                 # and 91.6 with the first two fallbacks; 14x14 inputs give first losses
                 # below 100 whatever the width (glorot scales with it)
                 fallbacks=[{"optimizer": {"lr": 1e-4}},
                            {"dataset": "mnist", "optimizer": {"lr": 1e-4}},
                            {"dataset": "mnist", "model": {"hidden": [512]},
                             "optimizer": {"lr": 3e-5}}]))
    S.append(run("dead-relu", "K", model=mlp([300, 300]), init={"kind": "bias", "value": -3},
                 optimizer=sgd(0.05, 0.9), batch_size=100, epochs=2, logging=K(log_lr=True),
                 # pilot: with glorot kernels, bias -3 left 35% of the first layer's units alive
                 # (median dead fraction 0.83)
                 fallbacks=[{"init": {"value": -5}}]))
    S.append(run("vanishing", "K", model=mlp([64] * 10, "sigmoid"), optimizer=sgd(0.05, 0.9),
                 batch_size=64, epochs=2, logging=K()))
    S.append(run("exploding", "K", model=mlp([512, 256, 128]),
                 init={"kind": "normal", "std": 0.25}, optimizer=sgd(0.04), batch_size=64,
                 epochs=2, logging=K(keras="2.3"),
                 # pilot: NaN at the 9th batch, before the first batch_loss (step 10): no finite
                 # logged loss to show the explosion; smaller weights recovered without NaN;
                 # so the first setting with update_freq=5 (a log before the NaN)
                 fallbacks=[{"init": {"std": 0.2}},
                            {"init": {"std": 0.18}, "optimizer": {"lr": 0.03}},
                            {"logging": {"update_freq": 5}}]))
    S.append(run("overfit", "K", dataset="mnist14", model=mlp([600]), train_samples=200,
                 optimizer=adam(2e-3), batch_size=20, epochs=80,
                 logging=K(histogram_freq=10, update_freq=20),
                 # pilot: validation loss final/min 1.287 after 80 epochs
                 fallbacks=[{"epochs": 120}]))
    S.append(run("repeat-batch", "K", model=cnn([6, 12]), order="repeat-first",
                 optimizer=adam(1e-3), batch_size=64, epochs=3, logging=K()))
    S.append(run("saturated", "K", model=mlp([256, 256], "tanh"),
                 init={"kind": "normal", "std": 0.9}, optimizer=sgd(0.01, 0.9), batch_size=64,
                 epochs=2, logging=K(keras="2.3")))
    S.append(run("shuffled-labels", "K", dataset="digits8", model=mlp([384, 384]),
                 labels="shuffled", optimizer=adam(2e-3), batch_size=32, epochs=70,
                 logging=K(histogram_freq=10, update_freq=20)))
    S.append(run("unshuffled", "K", dataset="mnist14", model=mlp([256, 64]), order="sorted",
                 optimizer=sgd(0.05), batch_size=100, epochs=4, logging=K()))
    S.append(run("zero-init", "K", model=mlp([128, 64], "sigmoid"), init={"kind": "zero"},
                 optimizer=sgd(0.2, 0.9), batch_size=128, epochs=4, logging=K(keras="2.3")))
    S.append(run("healthy", "K", "warm-up", model=mlp([256, 128]), optimizer=adam(2e-3),
                 schedule={"kind": "warmup_linear", "warmup": 200}, batch_size=64, epochs=4,
                 logging=K(log_lr=True)))
    S.append(run("healthy", "K", "small-data", model=mlp([512], dropout=0.4),
                 train_samples=2000, optimizer=adam(1e-3), batch_size=40, epochs=10,
                 logging=K(keras="2.3")))
    S.append(run("healthy", "K", "tanh-xavier", dataset="mnist14", model=mlp([300, 150], "tanh"),
                 optimizer=sgd(0.02, 0.9), batch_size=50, epochs=4, logging=K()))
    S.append(run("healthy", "K", "restarted", model=mlp([300]), optimizer=sgd(0.05, 0.9),
                 batch_size=128, epochs=6,
                 sessions={"kind": "restart", "die_epoch": 3, "die_batch": 30, "ckpt_epoch": 1},
                 logging=K()))
    S.append(run("healthy", "K", "epoch-only", dataset="digits8", model=mlp([128, 64]),
                 optimizer=sgd(0.03, 0.9), batch_size=16, epochs=10,
                 logging=K(update_freq="epoch", keras="2.3")))
    S.append(run("healthy", "K", "cnn", model=cnn([12, 24]), optimizer=adam(1e-3),
                 batch_size=64, epochs=2, logging=K(log_lr=True)))
    # ---- style L (Lightning layout; PyTorch default init)
    S.append(run("lr-high", "L", model=mlp([256, 256]), optimizer=adam(0.1), batch_size=100,
                 epochs=1, logging=Lg(),
                 # pilot: the surge came and went within the first 10 steps (largest logged
                 # loss 2.54) and left every ReLU dead
                 fallbacks=[{"optimizer": sgd(0.5, 0.9)}]))
    S.append(run("lr-low", "L", model=cnn([8, 16]), optimizer=sgd(5e-6, 0.9), batch_size=64,
                 epochs=2, logging=Lg(log_every=20)))
    S.append(run("no-normalize", "L", model=mlp([400, 100]), input="raw",
                 optimizer=sgd(5e-5, 0.9), batch_size=64, epochs=3,
                 logging=Lg(activation_histograms=True)))
    S.append(run("dead-relu", "L", dataset="mnist14", model=mlp([256, 128, 64]),
                 init={"kind": "bias", "value": -5}, optimizer=adam(1e-3), batch_size=64,
                 epochs=2, logging=Lg(activation_histograms=True)))
    S.append(run("vanishing", "L", model=mlp([96] * 9, "sigmoid"), optimizer=sgd(0.05),
                 batch_size=64, epochs=2, logging=Lg()))
    S.append(run("exploding", "L", model=mlp([384, 384, 384, 384]),
                 init={"kind": "normal", "std": 0.13}, optimizer=sgd(0.05), batch_size=64,
                 epochs=1, logging=Lg(grad_every=10)))
    S.append(run("overfit", "L", dataset="digits8", model=mlp([256, 256]), train_samples=60,
                 optimizer=adam(3e-3), batch_size=12, epochs=120,
                 logging=Lg(hist_every_epochs=10)))
    S.append(run("repeat-batch", "L", model=mlp([512, 256]), order="repeat-first",
                 optimizer=sgd(0.05, 0.9), batch_size=100, epochs=3, logging=Lg()))
    S.append(run("saturated", "L", dataset="mnist14", model=mlp([256, 256], "tanh"),
                 init={"kind": "normal", "std": 1.8}, optimizer=sgd(0.01, 0.9), batch_size=32,
                 epochs=2, logging=Lg(activation_histograms=True)))
    S.append(run("shuffled-labels", "L", model=mlp([1024]), labels="shuffled",
                 optimizer=adam(1e-3), batch_size=128, epochs=20,
                 logging=Lg(log_every=20, grad_every=50, hist_every_epochs=4)))
    S.append(run("unshuffled", "L", model=mlp([300, 100]), order="sorted", optimizer=sgd(0.03),
                 batch_size=64, epochs=3, logging=Lg(log_every=5)))
    S.append(run("zero-init", "L", dataset="digits8", model=mlp([48, 24], "sigmoid"),
                 init={"kind": "zero"}, optimizer=sgd(0.1, 0.9), batch_size=32, epochs=25,
                 logging=Lg(hist_every_epochs=5)))
    S.append(run("healthy", "L", "step-decay", model=cnn([8, 16]), optimizer=sgd(0.05, 0.9),
                 schedule={"kind": "step", "milestones": [1, 2], "gamma": 0.3}, batch_size=64,
                 epochs=3, logging=Lg(activation_histograms=True)))
    S.append(run("healthy", "L", "heavy-dropout", model=mlp([800, 400], dropout=0.6),
                 optimizer=adam(5e-4), batch_size=128, epochs=6, logging=Lg()))
    S.append(run("healthy", "L", "large-batch", model=mlp([400, 200]), optimizer=adam(5e-3),
                 batch_size=1000, epochs=8, logging=Lg(log_every=2, grad_every=4)))
    S.append(run("healthy", "L", "resumed", model=mlp([256, 128]), optimizer=sgd(0.05, 0.9),
                 batch_size=64, epochs=6, sessions={"kind": "resume", "split_epoch": 3},
                 logging=Lg()))
    S.append(run("healthy", "L", "label-smoothing", model=mlp([512]), optimizer=adam(1e-3),
                 label_smoothing=0.15, batch_size=64, epochs=4,
                 logging=Lg(activation_histograms=True)))
    S.append(run("healthy", "L", "deep-bn", dataset="mnist14", model=mlp([128] * 7, bn=True),
                 optimizer=adam(2e-3), batch_size=100, epochs=4, logging=Lg()))
    # ---- style P (hand-written loop with SummaryWriter)
    S.append(run("lr-high", "P", model=mlp([512, 128]), optimizer=sgd(1.0), batch_size=32,
                 epochs=1, logging=P(tags="train/", lr_tag="LearningRate")))
    S.append(run("lr-low", "P", dataset="mnist14", model=mlp([128, 64]),
                 optimizer={"name": "RMSprop", "lr": 2e-7}, batch_size=50, epochs=2,
                 logging=P(tags="flat", activations=False)))
    S.append(run("no-normalize", "P", model=cnn([8, 16]), input="raw", optimizer=adam(1e-4),
                 batch_size=64, epochs=2, logging=P(tags="loss/", log_every=10)))
    S.append(run("dead-relu", "P", model=mlp([384, 192]), init={"kind": "bias", "value": -6},
                 optimizer=sgd(0.01, 0.9), batch_size=128, epochs=2,
                 logging=P(tags="Loss/", grads="slash")))
    S.append(run("vanishing", "P", model=mlp([128] * 10, "tanh"),
                 init={"kind": "normal", "std": 0.02}, optimizer=sgd(0.05, 0.9), batch_size=64,
                 epochs=2, logging=P(tags="train/")))
    S.append(run("exploding", "P", dataset="mnist14", model=mlp([256, 256, 256]),
                 init={"kind": "normal", "std": 0.3}, optimizer=sgd(0.02, 0.9), batch_size=50,
                 epochs=1, logging=P(tags="Loss/", activations=False),
                 # pilot: losses up to 1,420 but every ReLU died before a NaN
                 fallbacks=[{"init": {"std": 0.5}},
                            {"init": {"std": 0.5}, "optimizer": {"lr": 0.05}}]))
    S.append(run("overfit", "P", model=mlp([1200]), train_samples=400, optimizer=adam(1e-3),
                 batch_size=40, epochs=70,
                 logging=P(tags="loss/", log_every=10, hist_every=300, val_step="epoch")))
    S.append(run("repeat-batch", "P", dataset="mnist14", model=mlp([200, 100]),
                 order="repeat-first", optimizer=adam(2e-3), batch_size=64, epochs=3,
                 logging=P(tags="flat", grads=None)))
    S.append(run("saturated", "P", model=mlp([512, 128], "tanh"),
                 init={"kind": "normal", "std": 1.0}, optimizer=sgd(0.005, 0.9),
                 batch_size=64, epochs=2, logging=P(tags="Loss/", log_every=5)))
    S.append(run("shuffled-labels", "P", dataset="mnist14", model=mlp([512, 512]),
                 labels="shuffled", optimizer=adam(2e-3), batch_size=64, epochs=20,
                 logging=P(tags="train/", log_every=20, hist_every=500, activations=False)))
    S.append(run("unshuffled", "P", model=cnn([8, 16]), order="sorted", optimizer=sgd(0.01),
                 batch_size=50, epochs=2, logging=P(tags="Loss/", log_every=2)))
    S.append(run("zero-init", "P", model=mlp([200, 100], "sigmoid"), init={"kind": "zero"},
                 optimizer=sgd(0.2, 0.9), batch_size=64, epochs=4,
                 logging=P(tags="loss/", grads="slash")))
    S.append(run("healthy", "P", "sgd-momentum", model=mlp([400, 200]),
                 optimizer=sgd(0.02, 0.9, nesterov=True), batch_size=64, epochs=4,
                 logging=P(tags="Loss/", hparams_subrun=True)))
    S.append(run("healthy", "P", "adam-default", dataset="mnist14", model=mlp([256, 128]),
                 optimizer={"name": "AdamW", "lr": 1e-3, "wd": 0.01}, batch_size=64, epochs=5,
                 logging=P(tags="train/", activations=False, val_step="epoch")))
    S.append(run("healthy", "P", "cnn", model=cnn([16, 32], fc_hidden=64),
                 optimizer=adam(1e-3), batch_size=64, epochs=2,
                 logging=P(tags="loss/", log_every=10, grads="slash"),
                 # pilot: 44% of the 64 hidden fc1 units dead at the end
                 fallbacks=[{"model": {"fc_hidden": None}}]))
    S.append(run("healthy", "P", "resumed", model=mlp([300, 150]), optimizer=adam(1e-3),
                 batch_size=64, epochs=6, sessions={"kind": "resume", "split_epoch": 2},
                 logging=P(tags="flat", log_every=10)))
    S.append(run("healthy", "P", "restarted", model=mlp([256]), optimizer=sgd(0.05, 0.9),
                 batch_size=64, epochs=5,
                 sessions={"kind": "restart", "die_epoch": 3, "die_batch": 40, "ckpt_epoch": 1,
                           "purge": True},
                 logging=P(tags="Loss/", log_every=10),
                 # pilot: validation loss final/min 1.105 (noisy at lr 0.05)
                 fallbacks=[{"optimizer": {"lr": 0.02}}]))
    S.append(run("healthy", "P", "warm-up", dataset="digits8", model=mlp([256, 128]),
                 optimizer=sgd(0.05, 0.9), schedule={"kind": "warmup_cosine", "warmup": 100},
                 batch_size=32, epochs=12, logging=P(tags="train/", images=None, log_every=5)))
    return S


def spec_list(set_name):
    specs = dev_specs() if set_name == "dev" else heldout_specs()
    # run names in a shuffled order, so that a folder name says nothing about its fault
    order = list(range(len(specs)))
    random.Random("training-runs-" + set_name).shuffle(order)
    base, stride = SEED_BASE[set_name], SEED_STRIDE[set_name]
    out = []
    for n, i in enumerate(order, start=1):
        s = copy.deepcopy(specs[i])
        s["name"] = "run_%02d" % n
        s["seed"] = base + stride * n
        out.append(s)
    return out


def apply(spec, overrides):
    s = copy.deepcopy(spec)
    for k, v in overrides.items():
        if isinstance(v, dict) and isinstance(s.get(k), dict):
            s[k].update(v)
        else:
            s[k] = v
    return s


# =============================================================================================
# driver

def run_worker(args):
    spec = json.loads(open(args.worker).read())
    m = train_session(spec, spec["run_dir"], args.session, spec["ckpt_dir"], spec["mnist_dir"])
    with open(args.worker + ".out%d" % args.session, "w") as f:
        json.dump(m, f)


def train_run(spec, out_dir, mnist_dir):
    run_dir = os.path.join(out_dir, spec["name"])
    if os.path.exists(run_dir):
        shutil.rmtree(run_dir)
    os.makedirs(run_dir)
    tmp = tempfile.mkdtemp(prefix="trainruns-")
    try:
        s = dict(spec, run_dir=run_dir, ckpt_dir=tmp, mnist_dir=mnist_dir)
        sp = os.path.join(tmp, "spec.json")
        with open(sp, "w") as f:
            json.dump(s, f)
        n_sessions = 1 if not spec.get("sessions") else 2
        procs = []
        for session in range(n_sessions):
            if session:
                time.sleep(2.0)  # the second process starts later, as a real resume would
            r = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", sp,
                                "--session", str(session)], capture_output=True, text=True)
            if r.returncode != 0:
                raise SystemExit(f"{spec['name']}: training failed:\n{r.stderr[-3000:]}")
            with open(sp + ".out%d" % session) as f:
                procs.append(json.load(f))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return run_dir, procs


def merge_sessions(procs):
    """One process record from one or two sessions."""
    m = dict(procs[-1])
    if len(procs) > 1:
        a = procs[0]
        keep = (procs[1]["last_epoch"] + 1) - len(procs[1]["val_loss_epoch"])
        for k in ("train_loss_epoch", "train_acc_epoch", "val_loss_epoch", "val_acc_epoch"):
            m[k] = a[k][:keep] + procs[1][k]
        m["weight_grad_norms"] = a["weight_grad_norms"] + procs[1]["weight_grad_norms"]
        m["step0_weight_grad_norms"] = a["step0_weight_grad_norms"]
        m["probe_init"] = a.get("probe_init")
        m["probe_epoch0"] = a.get("probe_epoch0")
        m["stopped"] = [a["stopped"], procs[1]["stopped"]]
        m["train_seconds"] = [a["train_seconds"], procs[1]["train_seconds"]]
        m["first_nonfinite_train_loss_step"] = (a["first_nonfinite_train_loss_step"] or
                                                procs[1]["first_nonfinite_train_loss_step"])
        m["histograms_skipped_nonfinite"] = (a["histograms_skipped_nonfinite"] +
                                             procs[1]["histograms_skipped_nonfinite"])
    else:
        m["stopped"] = [m["stopped"]]
    return m


def make_label(spec, run_dir, out_dir, procs, attempts):
    files = read_run(run_dir)
    proc = merge_sessions(procs)
    me = measure_logs(spec, files, proc)
    ok, ev, fails = check(spec, me, proc)
    measured = dict(me)
    for k in ("input_range", "first_nonfinite_train_loss_step", "stopped",
              "histograms_skipped_nonfinite", "train_seconds", "train_loss_epoch",
              "train_acc_epoch", "val_loss_epoch", "val_acc_epoch", "end_of_run_full_eval",
              "step0_weight_grad_norms", "weight_grad_norm_first_over_last_layer_median",
              "distinct_weight_rows_at_end", "steps_per_epoch", "train_loss_relative_drop"):
        if k in proc:
            measured[k] = proc[k]
    measured["probe_activation_stats"] = {"init": proc.get("probe_init"),
                                          "epoch0": proc.get("probe_epoch0"),
                                          "final": proc["probe_final"]}
    measured["steps"] = proc["steps_done"]
    acc = me.get("final_val_acc")
    lg = spec["logging"]
    label = {
        "fault": spec["fault"],
        "extra": spec["extra"],
        "tag_style": spec["style"],
        "dataset": spec["dataset"],
        "model": describe_model(spec),
        "variant": spec.get("variant"),
        "notes": None,
        "final_val_acc": acc,
        "evidence": ev,
        "optimizer": describe_optimizer(spec["optimizer"]),
        "lr_schedule": describe_schedule(spec.get("schedule")),
        "loss": "cross-entropy" + (", label smoothing %g" % spec["label_smoothing"]
                                   if spec.get("label_smoothing") else ""),
        "init": proc["init_desc"],
        "batch_size": spec["batch_size"],
        "epochs_planned": spec["epochs"],
        "steps": proc["steps_done"],
        "train_samples": proc["train_samples"],
        "input": proc["input_desc"],
        "training_labels": "randomly permuted" if spec.get("labels") == "shuffled" else "true",
        "data_order": {"shuffle": "reshuffled every epoch",
                       "sorted": "sorted by label, never shuffled",
                       "repeat-first": "the first mini-batch at every step"}[spec["order"]],
        "activation_histograms": bool(lg.get("activation_histograms") or
                                      (spec["style"] == "P" and lg.get("activations")
                                       and not lg.get("epoch_only"))),
        "keras_update_freq": lg.get("update_freq") if spec["style"] == "K" else None,
        "logging": lg,
        "sessions": 1 if not spec.get("sessions") else 2,
        "session_plan": spec.get("sessions"),
        "seed": spec["seed"],
        "event_files": [{"path": p, "bytes": os.path.getsize(os.path.join(out_dir, p))}
                        for p in sorted(files)],
        "check": {"passed": ok, "failures": fails},
        "attempts": attempts,
        "measured": measured,
    }
    label["notes"] = notes_for(spec, label, me, proc)
    return label, ok


def notes_for(spec, label, me, proc):
    what = {
        "healthy": "healthy (%s)" % spec.get("variant"),
        "lr-high": "learning rate far too high",
        "lr-low": "learning rate far too low",
        "no-normalize": "inputs not normalised (raw values)",
        "dead-relu": "hidden biases initialised very negative: ReLUs dead from the start",
        "vanishing": "deep saturating net: the first layers' gradients vanish",
        "exploding": "weights initialised far too large, no normalisation: activations and "
                     "gradients explode",
        "overfit": "tiny training subset trained for many epochs without regularisation",
        "repeat-batch": "the same mini-batch at every step",
        "saturated": "tanh net with weights initialised far too large: units saturated",
        "shuffled-labels": "training labels randomly permuted",
        "unshuffled": "training set sorted by label and never shuffled",
        "zero-init": "every weight and bias initialised to 0",
    }[spec["fault"]]
    parts = ["%s; %s, %s, batch %d, %d epochs planned." % (
        what, label["model"], label["optimizer"], spec["batch_size"], spec["epochs"])]
    obs = []
    vl = proc["val_loss_epoch"]
    obs.append("val acc %s after %d epoch(s)" % (label["final_val_acc"], len(vl)))
    if vl:
        obs.append("val loss %s -> %s" % (vl[0], vl[-1]))
    if me.get("val_loss_final_over_min") is not None:
        obs.append("final/min %s" % me["val_loss_final_over_min"])
    if me.get("logged_train_loss_first"):
        obs.append("first logged training loss %s at step %s" % (
            me["logged_train_loss_first"][1], me["logged_train_loss_first"][0]))
    if proc["first_nonfinite_train_loss_step"] is not None:
        obs.append("first non-finite training loss at step %d" %
                   proc["first_nonfinite_train_loss_step"])
    ev = label["evidence"]
    if ev:
        obs.append("%s = %s" % (ev["what"], ev["value"]))
    return " ".join(parts) + " Observed: " + "; ".join(obs) + "."


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", choices=["dev", "heldout"])
    ap.add_argument("--out", help="output directory (created; runs in it are replaced)")
    ap.add_argument("--mnist", default=DEFAULT_MNIST, help="folder with the MNIST IDX files")
    ap.add_argument("--only", help="comma-separated run names to (re)generate")
    ap.add_argument("--seed-base", type=int,
                    help="first seed (default: 61000 for dev, 73000 for heldout)")
    ap.add_argument("--list", action="store_true", help="print the specs and exit")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--session", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return run_worker(args)
    if not args.set:
        ap.error("--set is required")
    if args.seed_base is not None:
        SEED_BASE[args.set] = args.seed_base
    specs = spec_list(args.set)
    if args.list:
        for s in specs:
            print(s["name"], s["seed"], s["style"], s["fault"], s.get("variant") or "",
                  describe_model(s), describe_optimizer(s["optimizer"]))
        return
    if not args.out:
        ap.error("--out is required")
    for f in ("images-idx3-ubyte.gz", "labels-idx1-ubyte.gz"):
        if not os.path.isfile(os.path.join(args.mnist, f)):
            ap.error(f"{os.path.join(args.mnist, f)} not found (use --mnist)")
    os.makedirs(args.out, exist_ok=True)
    labels_path = os.path.join(args.out, "labels.json")
    labels = {}
    if os.path.exists(labels_path):
        with open(labels_path) as f:
            labels = json.load(f)
    only = set(args.only.split(",")) if args.only else None
    unknown = sorted((only or set()) - {s["name"] for s in specs})
    if unknown:
        ap.error("no such run in the %s set: %s" % (args.set, ", ".join(unknown)))
    t_start = time.time()
    for spec in specs:
        if only and spec["name"] not in only:
            continue
        attempts = []
        tries = [{}] + spec.get("fallbacks", [])
        for i, over in enumerate(tries):
            s = apply(spec, over)
            t0 = time.time()
            run_dir, procs = train_run(s, args.out, args.mnist)
            label, ok = make_label(s, run_dir, args.out, procs, attempts)
            print("%s %s %-16s %-14s %s acc=%s ev=%s %.1fs%s" % (
                s["name"], s["style"], s["fault"], s.get("variant") or "", "ok " if ok else
                "FAIL", label["final_val_acc"], label["evidence"] and label["evidence"]["value"],
                time.time() - t0, "" if ok else " " + "; ".join(label["check"]["failures"])),
                flush=True)
            if ok or i == len(tries) - 1:
                break
            attempts.append({"overrides": over, "failures": label["check"]["failures"]})
        labels[spec["name"]] = label
        with open(labels_path, "w") as f:
            json.dump(dict(sorted(labels.items())), f, indent=1, allow_nan=False)
    failed = [k for k, v in labels.items() if not v["check"]["passed"]]
    print("done in %.0f s; %d runs, %d failing their check%s" % (
        time.time() - t_start, len(labels), len(failed),
        (": " + ", ".join(sorted(failed))) if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
