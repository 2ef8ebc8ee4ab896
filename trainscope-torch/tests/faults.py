"""Trains a small network on MNIST digits with a known fault, watched by trainscope_torch, for the
end-to-end test (trainscope-server's TorchWatchBrowserTest) and by hand:

    /usr/bin/python3 faults.py LOGDIR vanishing|dead-relu [--steps N]

vanishing: a 10-layer sigmoid MLP (784 -> 32 x 9 -> 10) with plain SGD, whose gradients fade toward
the input. dead-relu: a ReLU MLP (784 -> 64 -> 64 -> 64 -> 10) whose hidden biases start at -4, so
that its ReLUs never fire. Layers are fc1, fc2... (and act1, act2... their activation modules); the
run is LOGDIR/<fault>. Seeded; a few seconds of CPU.
"""

import argparse
import collections
import os
import sys

import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import mnist  # noqa: E402
from trainscope_torch import watch  # noqa: E402


def mlp(widths, activation):
    layers = collections.OrderedDict()
    for i in range(len(widths) - 1):
        layers["fc%d" % (i + 1)] = nn.Linear(widths[i], widths[i + 1])
        if i < len(widths) - 2:
            layers["act%d" % (i + 1)] = activation()
    return nn.Sequential(layers)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("logdir")
    ap.add_argument("fault", choices=("vanishing", "dead-relu"))
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--samples", type=int, default=512)
    args = ap.parse_args()
    torch.manual_seed(1)
    torch.set_num_threads(1)
    x, y = mnist(args.samples)
    x = x.reshape(len(x), -1)
    if args.fault == "vanishing":
        model = mlp([784] + [32] * 9 + [10], nn.Sigmoid)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
    else:
        model = mlp([784, 64, 64, 64, 10], nn.ReLU)
        with torch.no_grad():
            for name in ("fc1", "fc2", "fc3"):
                getattr(model, name).bias.fill_(-4.0)
        opt = torch.optim.SGD(model.parameters(), lr=0.05)
    w = watch(model, os.path.join(args.logdir, args.fault), opt)
    batch = 32
    for step in range(args.steps):
        i = (step * batch) % (len(x) - batch + 1)
        xb, yb = x[i:i + batch], y[i:i + batch]
        out = model(xb)
        loss = F.cross_entropy(out, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        w.log_step(loss=loss, metrics={"accuracy": (out.argmax(1) == yb).float().mean()})
    w.close()


if __name__ == "__main__":
    main()
