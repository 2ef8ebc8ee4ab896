"""``watch(model, logdir)``: what Trainscope's DJL listener logs, for a PyTorch model.

When it reads what
------------------
A *step* is one optimizer step when ``optimizer`` is given (its ``step`` is wrapped: the
gradients are read after every ``backward()`` of the step and before the update, the weights
before and after it), otherwise one ``backward()`` pass that reaches the model's parameters (read
when the autograd engine has finished it). Steps are counted from 0. The training batch is what
the model's ``forward`` receives while it is in training mode with gradients enabled (its tensor
arguments; the labels are not seen). The probe batch is the first ``probe_size`` samples of the
first training batch, unless given.

Every ``scalars_every`` steps (1): per parameter the gradient's L2 norm and fraction of exact
zeros, the update/weight ratio ``||w_after - w_before|| / ||w_before||`` of the step, the learning
rate (of the optimizer's first parameter group), steps per second and the batch's fingerprint.
Every ``histograms_every`` steps (50), and after the last step: weight, bias and gradient
histograms, the input histogram, and the probe batch run through the model in evaluation mode:
each layer's output before (``pre``) and after (``post``) the activation module applied to it,
its mean and std, and for a ReLU the fraction of dead units. Every ``images_every`` steps (200):
the first ``images_per_grid`` samples of the batch as pictures. Once, at the first forward pass:
the module tree as a graph. :meth:`Watch.log_step` logs the loss and metrics.

Training is unchanged
---------------------
Everything is read under ``torch.no_grad()``. The probe pass sets every module's ``training`` flag
to False (dropout off, batch norm on its running statistics, which it does not update), saves and
restores the random number generators' states and then the flags as they were. Hooks only read.
A seeded training gives bit for bit the same weights with and without ``watch``.

Layers and activations
----------------------
A layer is a module that owns trainable parameters (``parameters(recurse=False)``), named by its
qualified name; layers are ordered as the first forward pass calls them. Its activation is the
first activation that receives the layer's output tensor itself in a probe pass: a module
(``nn.ReLU``, ``nn.Sigmoid``... see ``ACTIVATIONS``) or a function (``F.relu(self.fc1(x))``,
``torch.sigmoid``, ``x.tanh()``... see ``FUNCTIONAL``; seen through a ``TorchFunctionMode``).
"""

import collections
import contextlib
import time

import torch

from . import _graph
from . import images as pictures
from . import stats
from . import tags as T
from .events import EventWriter
from ._graph import tensors as _tensors
from .sinks import adapt

#: Activation modules, by class name in lower case, and those that output exact zeros for a unit that does not fire.
ACTIVATIONS = frozenset(("relu", "relu6", "sigmoid", "tanh", "softplus", "softsign", "leakyrelu", "elu", "selu",
                         "celu", "gelu", "silu", "mish", "hardtanh", "hardsigmoid", "hardswish", "logsigmoid",
                         "tanhshrink"))
RELU_LIKE = frozenset(("relu", "relu6"))

#: What can be left out with ``skip``.
LOGGED = ("metrics", "learning_rate", "speed", "weights", "gradients", "updates", "activations", "inputs",
          "fingerprints", "graph")

SPEED_WINDOW = 20


class _Layer:
    __slots__ = ("name", "module", "params", "activation", "type")

    def __init__(self, name, module):
        self.name = name
        self.module = module
        self.params = []
        self.activation = None
        self.type = type(module).__name__

    def relu_like(self):
        return self.activation in RELU_LIKE


class _Param:
    __slots__ = ("layer", "name", "tensor", "tag")

    def __init__(self, layer, name, tensor):
        self.layer = layer
        self.name = name
        self.tensor = tensor
        self.tag = T.param(layer.name, name)


def _map_tensors(x, fn):
    """``x`` with ``fn`` applied to each tensor in it (nested tuples, lists and dicts kept as they are)."""
    if torch.is_tensor(x):
        return fn(x)
    if isinstance(x, tuple):
        return tuple(_map_tensors(v, fn) for v in x)
    if isinstance(x, list):
        return [_map_tensors(v, fn) for v in x]
    if isinstance(x, dict):
        return {k: _map_tensors(v, fn) for k, v in x.items()}
    return x


#: Activation functions a probe pass sees through a TorchFunctionMode, by their names, as the activation names.
FUNCTIONAL = {"relu": "relu", "relu_": "relu", "relu6": "relu6", "sigmoid": "sigmoid", "sigmoid_": "sigmoid",
              "tanh": "tanh", "tanh_": "tanh", "gelu": "gelu", "silu": "silu", "elu": "elu", "elu_": "elu",
              "selu": "selu", "celu": "celu", "leaky_relu": "leakyrelu", "leaky_relu_": "leakyrelu",
              "softplus": "softplus", "softsign": "softsign", "mish": "mish", "hardtanh": "hardtanh",
              "hardswish": "hardswish", "hardsigmoid": "hardsigmoid", "logsigmoid": "logsigmoid"}

_Mode = getattr(torch.overrides, "TorchFunctionMode", None)


class _FunctionalActivations(_Mode or object):
    """Tells ``seen(name, input, output)`` of each activation function called while it is entered
    (``F.relu(x)``, ``torch.sigmoid(x)``, ``x.tanh()``...); it changes no result."""

    def __init__(self, seen):
        super().__init__()
        self.seen = seen

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        name = FUNCTIONAL.get(getattr(func, "__name__", ""))
        if name is not None and args and torch.is_tensor(args[0]):
            self.seen(name, args[0], out)
        return out


def _functional_activations(seen):
    """A context in which activation functions are seen, where PyTorch has TorchFunctionMode (1.13 does)."""
    return _FunctionalActivations(seen) if _Mode is not None else contextlib.nullcontext()


class _Hook:
    """A hook that calls a method of a watch. A copy of the model (``copy.deepcopy``, pickling) gets
    an inert one: the watch logs the model it was given, not its copies."""

    __slots__ = ("method",)

    def __init__(self, method):
        self.method = method

    def __call__(self, *args):
        return None if self.method is None else self.method(*args)

    def __deepcopy__(self, memo):
        return _Hook(None)

    def __reduce__(self):
        return _Hook, (None,)


def _activation_name(module):
    name = type(module).__name__.lower()
    return name if name in ACTIVATIONS and not any(True for _ in module.parameters(recurse=False)) else None


def _require_every(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("%s must be a positive integer, was %r" % (name, value))
    return value


class Watch:
    """What :func:`watch` returns: logs a model's training until :meth:`close`."""

    def __init__(self, model, sink, owns_sink, optimizer, scalars_every, histograms_every, images_every, probe,
                 probe_size, skip, input_mean, input_std, images_per_grid):
        self.model = model
        self.writer = sink
        self._owns = owns_sink
        self.optimizer = optimizer
        self.scalars_every = scalars_every
        self.histograms_every = histograms_every
        self.images_every = images_every
        self._on = set(LOGGED) - set(skip)
        self._probe_size = probe_size
        # the probe as the model's arguments: (args, kwargs), tensors copied
        if probe is None:
            self._probe = None
        else:
            args = probe if isinstance(probe, tuple) else (probe,)
            self._probe = (_map_tensors(args, lambda t: t.detach().clone()), {})
        self._input_mean = input_mean
        self._input_std = input_std
        self._images_per_grid = images_per_grid
        self._steps = 0
        self._forward_step = 0
        self._layers = None
        self._params = None
        self._described = set()
        self._metric_tags = {}
        self._before = None
        self._pending_update = -1
        self._times = collections.deque(maxlen=SPEED_WINDOW + 1)
        self._paused = False
        self._batch = None
        self._in_probe = False
        self._closed = False
        self._handles = []
        self._structure_hooks = []
        self._backward_queued = False
        try:  # PyTorch 2 hands the keyword arguments to a hook that asks for them
            self._handles.append(model.register_forward_pre_hook(_Hook(self._on_forward), with_kwargs=True))
        except TypeError:
            self._handles.append(model.register_forward_pre_hook(_Hook(self._on_forward)))
        self._watch_structure()
        if optimizer is not None:
            self._wrap(optimizer)
        else:
            for p in model.parameters():
                if p.requires_grad:
                    self._handles.append(p.register_hook(_Hook(self._on_grad)))
        self._describe_globals()

    # ---- public ----

    @property
    def steps(self):
        """The number of training steps seen so far."""
        return self._steps

    def log_step(self, loss=None, metrics=None, step=None, split="train"):
        """Logs the loss (``train/loss``) and metrics (``train/<name>``; ``val/...`` with ``split="val"``,
        for example after a validation pass) at ``step``: by default the step of the last training
        forward pass. Training values follow the scalar cadence; validation values are always
        logged. Numbers or one-element tensors."""
        if self._closed:
            raise ValueError("this watch is closed")
        if split not in ("train", "val"):
            raise ValueError("split must be 'train' or 'val', was %r" % (split,))
        if step is None:
            step = self._forward_step if split == "train" else self._steps
        elif isinstance(step, bool) or not isinstance(step, int) or step < 0:
            raise ValueError("step must be an integer >= 0, was %r" % (step,))
        if "metrics" not in self._on or (split == "train" and step % self.scalars_every != 0):
            return
        values = []
        if loss is not None:
            values.append(("loss", loss))
        if metrics is not None:
            if not isinstance(metrics, dict):
                raise ValueError("metrics must be a dict of name to number, was %r" % (type(metrics).__name__,))
            values.extend(metrics.items())
        checked = []
        for name, v in values:
            if not isinstance(name, str) or not name:
                raise ValueError("metric names must be non-empty strings, was %r" % (name,))
            if torch.is_tensor(v):
                if v.numel() != 1:
                    raise ValueError("%s must be a number or a one-element tensor, had shape %s"
                                     % (name, tuple(v.shape)))
                v = v.detach().item()
            elif isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ValueError("%s must be a number or a one-element tensor, was %r" % (name, v))
            checked.append((name, float(v)))
        with self.writer.batch():
            for name, v in checked:
                tag = self._metric_tags.get((split, name))
                if tag is None:
                    tag = T.metric(split, "loss" if name == "loss" else T.metric_name(name))
                    self._metric_tags[(split, name)] = tag
                    self._describe_metric(tag, name, split)
                self.writer.scalar(tag, v, step)

    def close(self):
        """Logs the last step's update and the weights and activations after it, removes the hooks,
        restores the optimizer's ``step`` and closes (or, when it was given, flushes) the writer."""
        if self._closed:
            return
        try:
            if self._layers is not None and self._steps > 0:
                with torch.no_grad(), self.writer.batch():
                    self._resolve_update()
                    last = self._steps - 1
                    if last % self.histograms_every != 0:
                        if "weights" in self._on:
                            for p in self._params:
                                self._hist(T.values(p.layer.name, p.name), p.tensor, self._steps)
                        if "activations" in self._on:
                            self._run_probe(self._steps)
        finally:
            self._closed = True
            for h in self._handles + self._structure_hooks:
                h.remove()
            self._handles = []
            self._structure_hooks = []
            if self.optimizer is not None:
                self._unwrap(self.optimizer)
            if self._owns:
                self.writer.close()
            else:
                self.writer.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- the forward pass ----

    def _on_forward(self, module, args, kwargs=None):
        if self._in_probe or self._closed:
            return
        if not (module.training and torch.is_grad_enabled()):
            self._paused = True  # a validation pass: not training time
            return
        s = self._steps
        self._forward_step = s
        inputs = _tensors((args, kwargs), [])
        if self._probe is None and inputs:
            k = self._probe_size
            self._probe = _map_tensors((args, kwargs or {}),
                                       lambda t: t.detach()[:k].clone() if t.dim() > 0 else t.detach().clone())
        if self._batch is None or self._batch[0] != s:
            self._batch = [s, [], None, None]  # step, fingerprints, input histogram, input picture
        batch = self._batch
        with torch.no_grad():
            if "fingerprints" in self._on and s % self.scalars_every == 0:
                batch[1].append(stats.fingerprint(inputs))
            first = inputs[0] if inputs else None
            if first is not None and "inputs" in self._on and batch[2] is None:
                if s % self.histograms_every == 0:
                    batch[2] = first.detach()
                if s % self.images_every == 0:
                    batch[3] = self._picture(first)

    def _picture(self, batch):
        imgs = pictures.as_images(batch)
        if imgs is None:
            return None
        k = min(imgs.shape[0], self._images_per_grid)
        return pictures.grid(pictures.to_uint8(imgs[:k], self._input_mean, self._input_std))

    # ---- structure: the first forward pass ----

    def _watch_structure(self):
        rec = _graph.Recorder(self.model, _activation_name)
        self._recorder = rec
        for name, m in self.model.named_modules():
            self._structure_hooks.append(m.register_forward_pre_hook(_Hook(rec.pre_hook(name))))
            self._structure_hooks.append(m.register_forward_hook(_Hook(rec.post_hook(name))))
        self._structure_hooks.append(self.model.register_forward_hook(_Hook(self._structure_done)))

    def _structure_done(self, module, args, output):
        for h in self._structure_hooks:
            h.remove()
        self._structure_hooks = []
        rec = self._recorder
        self._recorder = None
        self._build_layers(rec.call_order, rec.activations)
        if "graph" in self._on:
            self.writer.graph(_graph.graph_def(rec, {id(l.module): l.name for l in self._layers}))

    def _build_layers(self, call_order, activations):
        modules = dict(self.model.named_modules())
        order = [n for n in call_order if n in modules]
        order += [n for n in modules if n not in set(order)]
        seen = set()
        layers = []
        for name in order:
            m = modules[name]
            own = [(n, p) for n, p in m.named_parameters(recurse=False) if p.requires_grad and id(p) not in seen]
            if not own:
                continue
            layer = _Layer(name or type(m).__name__, m)
            for n, p in own:
                seen.add(id(p))
                layer.params.append(_Param(layer, n, p))
            layer.activation = activations.get(name)
            layers.append(layer)
        self._layers = layers
        self._params = [p for l in layers for p in l.params]
        self._describe_layers()

    def _ensure_layers(self):
        if self._layers is None:
            self._build_layers([], {})

    # ---- steps ----

    def _wrap(self, optimizer):
        inner = optimizer.step
        watch = self

        def step(opt, *args, **kwargs):
            if watch._closed:
                return inner(*args, **kwargs)
            watch._step_begin()
            result = inner(*args, **kwargs)
            with torch.no_grad(), watch.writer.batch():
                watch._resolve_update()
            return result

        # A bound method, so that an LR scheduler made later can wrap it as it wraps the original
        # (it takes __self__ and __func__); a closed watch's step only passes the call on.
        step._trainscope_watch = self
        # an LR scheduler made before looks for the mark its own wrapper left: ours calls that wrapper
        step._with_counter = getattr(inner, "_with_counter", False)
        self._had_step = optimizer.__dict__.get("step")
        self._step_func = step
        optimizer.step = step.__get__(optimizer, type(optimizer))

    def _unwrap(self, optimizer):
        current = optimizer.__dict__.get("step")
        if getattr(current, "__func__", None) is self._step_func:
            if self._had_step is None:
                del optimizer.step
            else:
                optimizer.step = self._had_step

    def _on_grad(self, grad):
        if not self._backward_queued and not self._closed:
            self._backward_queued = True
            torch.autograd.Variable._execution_engine.queue_callback(self._backward_done)
        return None

    def _backward_done(self):
        self._backward_queued = False
        if not self._closed:
            self._step_begin()

    def _step_begin(self):
        """Step s: after its backward passes, before the optimizer's update."""
        s = self._steps
        self._steps += 1
        self._ensure_layers()
        scalars = s % self.scalars_every == 0
        histograms = s % self.histograms_every == 0
        images = s % self.images_every == 0
        with torch.no_grad(), self.writer.batch():
            if self.optimizer is None:
                self._resolve_update()  # the previous step's update is done by now
            if scalars and self.optimizer is not None and "learning_rate" in self._on:
                groups = self.optimizer.param_groups
                if groups and "lr" in groups[0]:
                    lr = groups[0]["lr"]
                    self.writer.scalar(T.LEARNING_RATE, float(lr.item() if torch.is_tensor(lr) else lr), s)
            if "speed" in self._on:
                self._speed(s, scalars)
            batch = self._batch if self._batch is not None and self._batch[0] == s else None
            if scalars and batch is not None and batch[1]:
                fp = batch[1][0] if len(batch[1]) == 1 else stats.fingerprint(
                    [torch.tensor(batch[1], dtype=torch.int64)])  # several forward passes in one step
                self.writer.scalar(T.INPUTS_FINGERPRINT, float(fp), s)
            self._parameters(s, scalars, histograms)
            if batch is not None:
                if batch[2] is not None and batch[2].numel() > 0:
                    self.writer.histogram(T.INPUTS_HISTOGRAM, batch[2], s)
                if batch[3] is not None:
                    self.writer.image(T.INPUTS_TRAIN, batch[3], s)
            if histograms and "activations" in self._on:
                self._run_probe(s)

    def _speed(self, s, scalars):
        now = time.perf_counter()
        if self._paused:
            self._times.clear()
            self._paused = False
        self._times.append(now)
        if scalars and len(self._times) >= 2:
            seconds = self._times[-1] - self._times[0]
            if seconds > 0:
                self.writer.scalar(T.STEPS_PER_SEC, (len(self._times) - 1) / seconds, s)

    # ---- parameters ----

    def _parameters(self, s, scalars, histograms):
        if not self._params:
            return
        gradients = "gradients" in self._on
        if gradients and scalars:
            present = [p for p in self._params if p.tensor.grad is not None and p.tensor.grad.layout == torch.strided]
            grads = [p.tensor.grad for p in present]
            for p, n, z in zip(present, *stats.norms_and_zero_fractions(grads)):
                self.writer.scalar(T.grad_norm(p.tag), n, s)
                self.writer.scalar(T.grad_zero_fraction(p.tag), z, s)
        if histograms:
            for p in self._params:
                if "weights" in self._on:
                    self._hist(T.values(p.layer.name, p.name), p.tensor, s)
                if gradients and p.tensor.grad is not None and p.tensor.grad.layout == torch.strided:
                    self._hist(T.grad(p.tag), p.tensor.grad, s)
        if "updates" in self._on and scalars:
            self._before = [p.tensor.detach().clone() for p in self._params]
            self._pending_update = s

    def _resolve_update(self):
        """Logs the update/weight ratios of the pending step from the weights as they are now."""
        if self._pending_update < 0 or self._before is None:
            return
        now = [p.tensor.detach() for p in self._params]
        try:
            diffs = list(torch._foreach_sub(now, self._before))
        except (AttributeError, RuntimeError):
            diffs = [a - b for a, b in zip(now, self._before)]
        k = len(diffs)
        both = stats.norms(diffs + self._before)
        s = self._pending_update
        for p, d, b in zip(self._params, both[:k], both[k:]):
            # a parameter that is all zero (a bias at its start) has no ratio: logging one would be infinite
            if b:
                self.writer.scalar(T.update_ratio(p.tag), d / b, s)
        self._pending_update = -1
        self._before = None

    def _hist(self, tag, tensor, s):
        if tensor.numel() > 0:
            self.writer.histogram(tag, tensor.detach(), s)

    # ---- the probe batch ----

    def _run_probe(self, s):
        """Runs the probe batch through the model in evaluation mode and logs each layer's output
        before and after its activation (a module, or a function PyTorch lets a TorchFunctionMode
        see) as they were when each was made."""
        if self._probe is None or not self._layers:
            return
        model = self.model
        by_module = {}
        for l in self._layers:
            by_module.setdefault(id(l.module), l)
        outputs = {}  # id of a layer's output -> (tensor, layer), to pair activations by identity
        pre = {}  # layer name -> a copy of its output
        post = {}  # layer name -> (activation name, a copy of the activation's output)
        hooks = []

        def layer_hook(module, inp, out):
            layer = by_module.get(id(module))
            y = _tensors(out, [])
            if layer is None or layer.name in pre or not y:
                return
            pre[layer.name] = y[0].detach().clone()
            outputs[id(y[0])] = (y[0], layer)

        def activated(name, x, y):
            hit = outputs.get(id(x))
            if hit is not None and hit[0] is x and hit[1].name not in post and torch.is_tensor(y):
                post[hit[1].name] = (name, y.detach().clone())

        def activation_hook(module, inp, out):
            x = _tensors(inp, [])
            if x:
                activated(_activation_name(module), x[0], out)

        for m in model.modules():
            if id(m) in by_module:
                hooks.append(m.register_forward_hook(layer_hook))
            elif _activation_name(m) is not None:
                hooks.append(m.register_forward_hook(activation_hook))
        flags = [(m, m.training) for m in model.modules()]
        rng = torch.get_rng_state()
        cuda_rng = torch.cuda.get_rng_state_all() if torch.cuda.is_available() and torch.cuda.is_initialized() else None
        self._in_probe = True
        try:
            for m, _ in flags:
                m.training = False
            with torch.no_grad(), _functional_activations(activated):
                model(*self._probe[0], **self._probe[1])
        finally:
            self._in_probe = False
            for m, f in flags:
                m.training = f
            torch.set_rng_state(rng)
            if cuda_rng is not None:
                torch.cuda.set_rng_state_all(cuda_rng)
            for h in hooks:
                h.remove()
        outputs.clear()
        for layer in self._layers:
            y = pre.get(layer.name)
            if y is None:
                continue
            act = post.get(layer.name)
            if act is not None and layer.activation is None:
                layer.activation = act[0]  # a function only a probe pass sees
            self._describe_activations(layer)
            self._hist(T.pre_activations(layer.name), y, s)
            if act is not None:
                self._hist(T.post_activations(layer.name), act[1], s)
                y = act[1]
            mean, std = stats.mean_std(y)
            self.writer.scalar(T.activation_mean(layer.name), mean, s)
            self.writer.scalar(T.activation_std(layer.name), std, s)
            if act is not None and act[0] in RELU_LIKE and y.dim() >= 2:
                self.writer.scalar(T.dead_units(layer.name), stats.dead_unit_fraction(y), s)

    # ---- descriptions ----

    def _describe(self, tag, display, sentence, role, split=None, layer=None, param=None):
        if tag in self._described:
            return
        self._described.add(tag)
        self.writer.describe(tag, display, T.description(sentence, role, split, layer, param))

    def _describe_metric(self, tag, name, split):
        is_loss = name == "loss"
        val = split == "val"
        what = "loss" if is_loss else name
        sentence = ("The " + what + " over the validation set, after each validation pass." if val
                    else "The " + what + " of each training batch, as the optimizer saw it.")
        display = ("validation " if val else "training ") + what
        role = "loss" if is_loss else "accuracy" if "accuracy" in T.metric_name(name) else "metric"
        self._describe(tag, display, sentence, role, split)

    def _describe_globals(self):
        if self.optimizer is not None and "learning_rate" in self._on:
            self._describe(T.LEARNING_RATE, "learning rate", "The learning rate the optimizer used at each step.",
                           "learning_rate", "train")
        if "speed" in self._on:
            self._describe(T.STEPS_PER_SEC, "steps per second",
                           "Training steps per second, over the last %d steps (validation passes excluded)."
                           % SPEED_WINDOW, "steps_per_sec", "train")
        if "fingerprints" in self._on:
            self._describe(T.INPUTS_FINGERPRINT, "batch fingerprint",
                           "A 24-bit hash of each training batch's inputs, exact as a float32: the same value at"
                           " two steps means the same batch.", "batch_fingerprint", "train")
        if "inputs" in self._on:
            self._describe(T.INPUTS_TRAIN, "training samples",
                           "The first samples of a training batch, with the input normalisation undone.",
                           "input_images", "train")
            self._describe(T.INPUTS_HISTOGRAM, "input values",
                           "The values of a training batch's inputs, as the network sees them (after preprocessing).",
                           "inputs", "train")

    def _describe_layers(self):
        on = self._on
        for l in self._layers:
            for p in l.params:
                of = "%s's %s (%s)" % (l.name, p.name, l.type)
                if "weights" in on:
                    bias = p.name == "bias"
                    self._describe(T.values(l.name, p.name), ("biases " if bias else "weights ") + p.tag,
                                   "The values of " + of + ".", "biases" if bias else "weights", None, l.name, p.name)
                if "gradients" in on:
                    self._describe(T.grad_norm(p.tag), "gradient norm " + p.tag,
                                   "The L2 norm of the gradient of " + of + ", after backward and before the"
                                   " optimizer's step.", "grad_norm", "train", l.name, p.name)
                    self._describe(T.grad_zero_fraction(p.tag), "zero gradients " + p.tag,
                                   "The fraction of the gradient of " + of + " that is exactly 0.",
                                   "grad_zero_fraction", "train", l.name, p.name)
                    self._describe(T.grad(p.tag), "gradient " + p.tag, "The gradient of " + of + ".",
                                   "gradients", "train", l.name, p.name)
                if "updates" in on:
                    self._describe(T.update_ratio(p.tag), "update/weight ratio " + p.tag,
                                   "||w after - w before|| / ||w before|| of " + of + " for the optimizer's step:"
                                   " how much one update changes the weights (about 1e-3 is the usual rule of"
                                   " thumb).", "update_ratio", "train", l.name, p.name)

    def _describe_activations(self, l):
        """The activation tags of a layer, once its activation (if any) is known: at the first probe pass."""
        if "activations" not in self._on:
            return
        act = l.activation
        self._describe(T.pre_activations(l.name), "pre-activations " + l.name,
                       "The output of %s (%s)%s for the probe batch."
                       % (l.name, l.type, " before its " + act if act else ""),
                       "pre_activations", None, l.name)
        if act:
            self._describe(T.post_activations(l.name), "post-activations " + l.name,
                           "The output of %s after its %s, for the probe batch." % (l.name, act),
                           "activations", None, l.name)
        output = "after its " + act if act else "(no activation follows it)"
        self._describe(T.activation_mean(l.name), "activation mean " + l.name,
                       "The mean of %s's output %s over the probe batch." % (l.name, output),
                       "activation_mean", None, l.name)
        self._describe(T.activation_std(l.name), "activation std " + l.name,
                       "The standard deviation of %s's output %s over the probe batch." % (l.name, output),
                       "activation_std", None, l.name)
        if l.relu_like():
            units = "channels" if isinstance(l.module, torch.nn.modules.conv._ConvNd) else "neurons"
            self._describe(T.dead_units(l.name), "dead units " + l.name,
                           "The fraction of %s's units (%s) whose %s output is 0 for every sample of the"
                           " probe batch." % (l.name, units, act), "dead_units", None, l.name)


def watch(model, logdir_or_writer, optimizer=None, *, scalars_every=1, histograms_every=50, images_every=200,
          probe=None, probe_size=32, skip=(), input_mean=None, input_std=None, images_per_grid=16):
    """Logs ``model``'s insides while it trains, with the tags and metadata of Trainscope's DJL
    listener (see :mod:`trainscope_torch.tags`), until the returned :class:`Watch` is closed.

    ``logdir_or_writer``: a directory (a new event file is written there by
    :class:`~trainscope_torch.events.EventWriter`), an ``EventWriter``, or a writer with
    ``add_scalar``/``add_histogram``... such as ``torch.utils.tensorboard.SummaryWriter`` or
    tensorboardX's (see :mod:`trainscope_torch.sinks`). ``optimizer``: the model's optimizer, whose
    ``step`` marks the steps and whose learning rate is logged; without it a step is a backward
    pass. ``probe``: the batch whose activations are logged, as the model takes it (a tensor, or
    a tuple of the model's positional arguments); by default the first ``probe_size`` samples
    of the first training batch. ``skip``: any of ``LOGGED``. ``input_mean``, ``input_std``: the normalisation applied to
    the inputs, undone for the input pictures (by default each picture maps its own [min, max]).
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError("model must be a torch.nn.Module, was %s" % type(model).__name__)
    if optimizer is not None and not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError("optimizer must be a torch.optim.Optimizer, was %s" % type(optimizer).__name__)
    other = getattr(getattr(optimizer, "step", None), "_trainscope_watch", None)
    if other is not None and not other._closed:
        raise ValueError("this optimizer is watched already; close that watch first")
    _require_every(scalars_every, "scalars_every")
    _require_every(histograms_every, "histograms_every")
    _require_every(images_every, "images_every")
    _require_every(probe_size, "probe_size")
    _require_every(images_per_grid, "images_per_grid")
    if isinstance(skip, str):
        skip = (skip,)
    unknown = [s for s in skip if s not in LOGGED]
    if unknown:
        raise ValueError("skip names %r; known: %s" % (unknown, ", ".join(LOGGED)))
    if (input_mean is None) != (input_std is None):
        raise ValueError("input_mean and input_std go together; one was given without the other")
    if probe is not None and not _tensors(probe, []):
        raise ValueError("probe must be a tensor or a tuple of tensors, was %r" % type(probe).__name__)
    if isinstance(logdir_or_writer, (str, bytes)) or hasattr(logdir_or_writer, "__fspath__"):
        sink, owns = EventWriter(logdir_or_writer), True
    else:
        sink, owns = adapt(logdir_or_writer), False
    return Watch(model, sink, owns, optimizer, scalars_every, histograms_every, images_every, probe, probe_size,
                 tuple(skip), input_mean, input_std, images_per_grid)
