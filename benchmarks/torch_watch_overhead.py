#!/usr/bin/env python3
"""One training for torch-watch-overhead.sh: the demo's CNN (5x5 convolution with 16 filters, ReLU,
max-pool; 5x5 with 32, ReLU, max-pool; dropout 0.25; dense 10) with Adam at 1e-3 on MNIST digits,
batches of 64, a validation pass after each epoch, on the CPU; with ``--mode watch`` under
``trainscope_torch.watch`` at its default cadences (and ``log_step`` for the loss and accuracy),
with ``--mode plain`` without it. Prints the training time (the epochs' loops, validation
included; start-up and data loading excluded), the process's CPU time over it, and a hash of the final weights, which must be the
same in both modes.

    /usr/bin/python3 benchmarks/torch_watch_overhead.py --mode watch --logdir DIR [--epochs 3] [--threads N]
        [--account]     # also the CPU time spent inside the watch's code: a figure a loaded machine disturbs less
"""

import argparse
import gzip
import hashlib
import os
import struct
import sys
import time

import torch
from torch import nn
from torch.nn import functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "trainscope-torch"))
MNIST = os.path.join(REPO, "trainscope-demo", "src", "main", "resources", "dev", "trainscope", "djl", "mnist-10k")


def load(n):
    with gzip.open(os.path.join(MNIST, "images-idx3-ubyte.gz")) as f:
        _, count, rows, cols = struct.unpack(">IIII", f.read(16))
        x = torch.frombuffer(bytearray(f.read(n * rows * cols)), dtype=torch.uint8)
    with gzip.open(os.path.join(MNIST, "labels-idx1-ubyte.gz")) as f:
        f.read(8)
        y = torch.frombuffer(bytearray(f.read(n)), dtype=torch.uint8)
    x = (x.reshape(n, 1, rows, cols).float() / 255.0 - 0.1307) / 0.3081
    return x, y.long()


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(32 * 7 * 7, 10))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=("watch", "plain"), required=True)
    ap.add_argument("--logdir", required=True)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--train", type=int, default=8000)
    ap.add_argument("--val", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0 keeps PyTorch's default")
    ap.add_argument("--account", action="store_true",
                    help="with --mode watch: also print the main thread's CPU time inside the watch's code")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    x, y = load(args.train + args.val)
    xt, yt, xv, yv = x[:args.train], y[:args.train], x[args.train:], y[args.train:]
    model = cnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    w = None
    spent = [0.0]
    if args.mode == "watch":
        from trainscope_torch import watch
        if args.account:
            account(spent)
        w = watch(model, args.logdir, opt, input_mean=0.1307, input_std=0.3081)
    batch = 64
    steps = 0
    start = time.perf_counter()
    cpu = time.process_time()
    thread = time.thread_time()
    for _ in range(args.epochs):
        model.train()
        order = torch.randperm(len(xt))
        for i in range(0, len(xt) - batch + 1, batch):
            idx = order[i:i + batch]
            xb, yb = xt[idx], yt[idx]
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            steps += 1
            if w is not None:
                w.log_step(loss=loss, metrics={"accuracy": (out.argmax(1) == yb).float().mean()})
        model.eval()
        with torch.no_grad():
            out = torch.cat([model(xv[i:i + 500]) for i in range(0, len(xv), 500)])
            val_loss = F.cross_entropy(out, yv).item()
            val_acc = (out.argmax(1) == yv).float().mean().item()
        if w is not None:
            w.log_step(loss=val_loss, metrics={"accuracy": val_acc}, split="val")
    if w is not None:
        w.close()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    thread = time.thread_time() - thread
    h = hashlib.sha256()
    for t in model.state_dict().values():
        h.update(t.numpy().tobytes())
    print("trained %d steps in %.3f s (CPU %.3f s), validation accuracy %.4f, weights %s"
          % (steps, seconds, cpu, val_acc, h.hexdigest()[:16]))
    if args.account:
        print("the watch's own code: %.3f s of the main thread's %.3f s CPU (%.1f %%), %.2f ms a step"
              % (spent[0], thread, 100 * spent[0] / thread, 1000 * spent[0] / steps))


def account(spent):
    """Adds the main thread's CPU time inside the watch's entry points (its hooks, its wrapper of the
    optimizer's step, log_step and close) to spent[0]."""
    watch_module = sys.modules["trainscope_torch.watch"]
    depth = [0]

    def timed(f):
        def g(*a, **k):
            if depth[0]:
                return f(*a, **k)
            depth[0] += 1
            t = time.thread_time()
            try:
                return f(*a, **k)
            finally:
                depth[0] -= 1
                spent[0] += time.thread_time() - t
        return g

    for name in ("_on_forward", "_structure_done", "_step_begin", "_resolve_update", "log_step", "close"):
        setattr(watch_module.Watch, name, timed(getattr(watch_module.Watch, name)))


if __name__ == "__main__":
    main()
