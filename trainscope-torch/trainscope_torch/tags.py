"""The tags :func:`trainscope_torch.watch` writes: those of Trainscope's DJL listener
(``trainscope-djl``'s ``TagNames``), with PyTorch's names for layers and parameters.

``<layer>`` is a module that owns trainable parameters, named by its qualified name in the model
(``fc1``, ``features.0``, ``layer1.0.conv1``; the model itself, when it owns parameters, by its
class name). ``<param>`` is one of them: the layer's name for its ``weight``, ``<layer>/bias``
for its bias and ``<layer>/<name>`` for any other. Tags:

============================================  =========  =====================
tag                                           kind       role
============================================  =========  =====================
``train/loss``, ``val/loss``                  scalar     loss
``train/<metric>``, ``val/<metric>``          scalar     accuracy, or metric
``train/lr``                                  scalar     learning_rate
``train/steps_per_sec``                       scalar     steps_per_sec
``grad_norm/<param>``                         scalar     grad_norm
``grad_zero_fraction/<param>``                scalar     grad_zero_fraction
``update_ratio/<param>``                      scalar     update_ratio
``grad/<param>``                              histogram  gradients
``weights/<layer>``, ``weights/<layer>/<n>``  histogram  weights
``biases/<layer>``                            histogram  biases
``activations/<layer>/pre``                   histogram  pre_activations
``activations/<layer>/post``                  histogram  activations
``dead_units/<layer>``                        scalar     dead_units
``activation_mean/<layer>``                   scalar     activation_mean
``activation_std/<layer>``                    scalar     activation_std
``inputs/train``                              image      input_images
``inputs/histogram``                          histogram  inputs
``inputs/fingerprint``                        scalar     batch_fingerprint
============================================  =========  =====================

Each tag's first value carries a display name and a description whose last line, after a blank
line, is for programs::

    role: <role>[, split: train|val][, layer: <layer>][, param: <name>]
"""

TRAIN_LOSS = "train/loss"
VAL_LOSS = "val/loss"
LEARNING_RATE = "train/lr"
STEPS_PER_SEC = "train/steps_per_sec"
INPUTS_TRAIN = "inputs/train"
INPUTS_HISTOGRAM = "inputs/histogram"
INPUTS_FINGERPRINT = "inputs/fingerprint"


def param(layer, name):
    return layer if name == "weight" else layer + "/" + name


def values(layer, name):
    if name == "weight":
        return "weights/" + layer
    if name == "bias":
        return "biases/" + layer
    return "weights/" + layer + "/" + name


def grad_norm(p):
    return "grad_norm/" + p


def grad(p):
    return "grad/" + p


def grad_zero_fraction(p):
    return "grad_zero_fraction/" + p


def update_ratio(p):
    return "update_ratio/" + p


def pre_activations(layer):
    return "activations/" + layer + "/pre"


def post_activations(layer):
    return "activations/" + layer + "/post"


def dead_units(layer):
    return "dead_units/" + layer


def activation_mean(layer):
    return "activation_mean/" + layer


def activation_std(layer):
    return "activation_std/" + layer


def metric(split, name):
    return split + "/" + name


def metric_name(name):
    """A metric's name in tags, as the DJL listener names evaluators: snake case (``Accuracy`` is
    ``accuracy``, ``TopKAccuracy`` is ``top_k_accuracy``); characters other than letters, digits,
    '_', '-' and '.' become '_'."""
    out = []
    for i, c in enumerate(name):
        if c.isupper():
            if i > 0 and (name[i - 1].islower() or name[i - 1].isdigit()
                          or (name[i - 1].isupper() and i + 1 < len(name) and name[i + 1].islower())):
                out.append("_")
            out.append(c.lower())
        elif c.isalnum() or c in "_-.":
            out.append(c)
        else:
            out.append("_")
    return "".join(out) or "metric"


def machine_line(role, split=None, layer=None, param_name=None):
    """The description's last line: ``role: <role>[, split: ..][, layer: ..][, param: ..]``."""
    s = "role: " + role
    if split is not None:
        s += ", split: " + split
    if layer is not None:
        s += ", layer: " + layer
    if param_name is not None:
        s += ", param: " + param_name
    return s


def description(sentence, role, split=None, layer=None, param_name=None):
    """The sentence, a blank line, the machine line."""
    return sentence + "\n\n" + machine_line(role, split, layer, param_name)
