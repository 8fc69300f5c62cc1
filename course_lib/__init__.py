"""course_lib: the helper library of the *Neural Networks in Python* course.

Modules, one concern each:

- :mod:`course_lib.env`: :func:`setup` seeds everything, quiets TensorFlow and reports versions.
- :mod:`course_lib.data`: synthetic shapes, the digits, photos and image files and folders, normalization,
  resizing, splits, one-hot labels.
- :mod:`course_lib.plots`: activation functions, decision boundaries, training curves, image grids,
  confusion matrices, misclassified images, convolution filters and feature maps.
- :mod:`course_lib.widgets`: the neuron, activation-function and kernel explorers (ipywidgets).

``import course_lib`` imports NumPy only; TensorFlow, scikit-learn, Pillow, Matplotlib and ipywidgets
are imported inside the functions that need them.
"""

from . import data, env, plots, widgets
from .env import setup

__version__ = "0.1.0"
__all__ = ["data", "env", "plots", "setup", "widgets"]
