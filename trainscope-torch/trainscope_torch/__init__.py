"""Trainscope for PyTorch: ``watch(model, logdir, optimizer)`` logs a network's insides as
Trainscope's DJL listener does (gradient norms and zeros, update ratios, weight, gradient and
activation histograms, dead units, inputs, batch fingerprints, the learning rate, the model's
graph), in TensorBoard event files with Trainscope's tag vocabulary and metadata, so that
``trainscope serve`` and ``trainscope doctor`` read a PyTorch run as they read a DJL one.

    from trainscope_torch import watch
    w = watch(model, "runs/exp1", optimizer)
    for x, y in batches:
        ...
        w.log_step(loss=loss)
    w.close()
"""

from .events import EventWriter
from .watch import LOGGED, Watch, watch

__all__ = ["watch", "Watch", "EventWriter", "LOGGED"]
__version__ = "0.1.0"
