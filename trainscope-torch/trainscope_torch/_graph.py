"""The module tree as a TensorFlow GraphDef, as the DJL listener's ``BlockGraph`` writes a block
tree, so that Trainscope's Graph tab (and TensorBoard's) shows the network with the layer names of
the tags.

It is recorded from the first forward pass through hooks that only look: one node per leaf
module (a module without children) that the pass called, named by its path from the root
(``Net/features/0``: the root's class name, then the qualified name with '/' for '.'), so that
every container is a name scope; a container that owns parameters gets one more node,
``<path>/params``. Then ``input`` (``Placeholder``, the shapes of the model's tensor arguments) and
``output`` (``Identity``, fed by what the model returned); leaf modules the pass did not call come
last, unconnected.

Edges follow the tensors: a node is fed by the node whose output tensor it received, or, when a
tensor was made by a function between modules (``x.view(...)``, ``F.relu``), by the node that ran
last before it: a best effort that is exact for chains of modules. A module returning several
tensors feeds ``node``, ``node:1``...

Attributes as in ``BlockGraph``: ``_output_shapes`` (of the first call, for the training batch),
``param_count`` (the trainable elements the module owns), ``layer`` (the layer's name in the tags,
on a layer's node), ``param:<name>`` (``[16, 1, 5, 5]``) for each trainable parameter and
``state:<name>`` for the others and for buffers (batch norm's running mean).
"""

import torch

from . import _proto as proto

INPUT = "input"
OUTPUT = "output"


def tensors(x, out):
    """The tensors in ``x`` (nested tuples, lists and dicts), in order, appended to ``out``."""
    if torch.is_tensor(x):
        out.append(x)
    elif isinstance(x, (list, tuple)):
        for v in x:
            tensors(v, out)
    elif isinstance(x, dict):
        for v in x.values():
            tensors(v, out)
    return out


def _owns_trainable(module):
    return any(p.requires_grad for p in module.parameters(recurse=False))


class _Node:
    __slots__ = ("path", "module", "name", "inputs", "shapes")

    def __init__(self, path, module, name, inputs, shapes):
        self.path = path
        self.module = module
        self.name = name
        self.inputs = inputs
        self.shapes = shapes


class Recorder:
    """Hooks for one forward pass: call order, activation modules fed by layers, nodes and edges."""

    def __init__(self, model, is_activation):
        self.model = model
        self.root = type(model).__name__
        self.is_activation = is_activation
        self.call_order = []
        self.activations = {}
        self.nodes = []
        self.input_shapes = []
        self.output_refs = []
        self._called = set()
        self._producers = {}  # id(tensor) -> (tensor, ref, module name)
        self._pending = {}
        self._last_ref = None
        self._done = False

    def path(self, name):
        return self.root + ("/" + name.replace(".", "/") if name else "")

    def _ref(self, t):
        p = self._producers.get(id(t))
        if p is not None and p[0] is t:
            return p
        return None

    def pre_hook(self, name):
        def hook(module, args):
            if self._done:
                return
            inputs = tensors(args, [])
            if name == "":
                if not self.input_shapes:
                    self.input_shapes = [tuple(t.shape) for t in inputs]
                    for t in inputs:
                        self._producers.setdefault(id(t), (t, INPUT, None))
            first = name not in self._called
            if first:
                self._called.add(name)
                self.call_order.append(name)
            leaf = not any(True for _ in module.children())
            act = self.is_activation(module)
            if act is not None and inputs:
                p = self._ref(inputs[0])
                if p is not None and p[2] is not None and p[2] not in self.activations:
                    self.activations[p[2]] = act
            if not first or not (leaf or _owns_trainable(module) or any(True for _ in module.parameters(False))):
                return
            refs = []
            for t in inputs:
                p = self._ref(t)
                r = p[1] if p is not None else (self._last_ref or INPUT)
                if r not in refs:
                    refs.append(r)
            if leaf:
                self._pending[name] = refs
            else:
                self.nodes.append(_Node(self.path(name) + "/params", module, name, refs, None))
        return hook

    def post_hook(self, name):
        def hook(module, args, output):
            if self._done:
                return
            refs = self._pending.pop(name, None)
            if refs is not None:
                outs = tensors(output, [])
                path = self.path(name)
                self.nodes.append(_Node(path, module, name, refs, [tuple(t.shape) for t in outs]))
                layer = name if _owns_trainable(module) else None
                for i, t in enumerate(outs):
                    self._producers.setdefault(id(t), (t, path if i == 0 else "%s:%d" % (path, i), layer))
                self._last_ref = path
            elif _owns_trainable(module):
                # a container that is a layer: its output is the layer's (unless a child already made it)
                for i, t in enumerate(tensors(output, [])):
                    self._producers.setdefault(id(t), (t, self._last_ref or INPUT, name))
            if name == "":
                refs = []
                for t in tensors(output, []):
                    p = self._ref(t)
                    r = p[1] if p is not None else (self._last_ref or INPUT)
                    if r not in refs:
                        refs.append(r)
                self.output_refs = refs
                self._done = True
                self._producers.clear()
        return hook


def _shape_text(shape):
    return "[" + ", ".join(str(d) for d in shape) + "]"


def graph_def(rec, layer_names):
    """The GraphDef bytes; ``layer_names``: the layer name of each layer module, by ``id``."""
    nodes = [proto.node_def(INPUT, "Placeholder", [], [("_output_shapes", proto.attr_shapes(rec.input_shapes))]
                            if rec.input_shapes else [])]
    seen = set()
    listed = list(rec.nodes)
    called = {n.name for n in listed}
    for name, m in rec.model.named_modules():
        if name not in called and not any(True for _ in m.children()):
            listed.append(_Node(rec.path(name), m, name, [], None))
    for n in listed:
        if n.path in seen:
            continue
        seen.add(n.path)
        attrs = []
        if n.shapes:
            attrs.append(("_output_shapes", proto.attr_shapes(n.shapes)))
        m = n.module
        trainable = [(k, p) for k, p in m.named_parameters(recurse=False) if p.requires_grad]
        attrs.append(("param_count", proto.attr_int(sum(p.numel() for _, p in trainable))))
        layer = layer_names.get(id(m))
        if layer is not None:
            attrs.append(("layer", proto.attr_str(layer)))
        for k, p in m.named_parameters(recurse=False):
            attrs.append((("param:" if p.requires_grad else "state:") + k, proto.attr_str(_shape_text(p.shape))))
        for k, b in m.named_buffers(recurse=False):
            attrs.append(("state:" + k, proto.attr_str(_shape_text(b.shape))))
        nodes.append(proto.node_def(n.path, type(m).__name__, n.inputs, attrs))
    nodes.append(proto.node_def(OUTPUT, "Identity", rec.output_refs or [INPUT], []))
    return proto.graph_def(nodes)
