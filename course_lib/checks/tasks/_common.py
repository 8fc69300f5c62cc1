"""What the task modules share: references, input helpers, message pieces and model-description readers.

Everything here is small and trusted (NumPy only; the digits come from :mod:`course_lib.data`). The hint a
learner reads stays in the task module, next to the judge that gives it.
"""

from __future__ import annotations

import functools

import numpy as np

from ..answers import ANY, ListOf, Record

__all__ = ["MODEL", "candidates", "compiled_layers", "digits", "distinct_sizes", "forgot_return",
           "reference_relu", "reference_softmax", "shape_text", "type_name"]


# --------------------------------------------------------------------------------------------------------
# Trusted references


def reference_relu(Z):
    """``max(Z, 0)`` element by element."""
    return np.maximum(Z, 0.0)


def reference_softmax(Z, axis=-1):
    """A numerically safe softmax along ``axis`` (the largest value is subtracted first)."""
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)


@functools.lru_cache(maxsize=1)
def digits():
    """scikit-learn's 1,797 digits as read-only ``(images (1797, 8, 8, 1) float, target (1797,) int)``."""
    from ...data import load_digits

    images, target = load_digits(return_X_y=True)
    images.setflags(write=False)
    target.setflags(write=False)
    return images, target


# --------------------------------------------------------------------------------------------------------
# Inputs


def distinct_sizes(rng, count, low, high):
    """``count`` different whole numbers from ``low`` to ``high - 1``, so that swapped sizes show."""
    return [int(n) for n in rng.choice(np.arange(low, high), size=count, replace=False)]


def candidates(*pairs):
    """The ``(value, hint)`` pairs whose wrong value can be computed for these shapes (others broadcast-fail)."""
    kept = []
    for compute, hint in pairs:
        try:
            with np.errstate(all="ignore"):
                kept.append((compute(), hint))
        except ValueError:
            pass
    return kept


# --------------------------------------------------------------------------------------------------------
# Message pieces


def shape_text(shape):
    """``(3,)``, ``(None, 8, 8, 16)``: a shape as Python prints a tuple, ``None`` for the batch axis."""
    shape = tuple(shape)
    return "(" + ", ".join("None" if n is None else str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def forgot_return(value, what="it") -> str:
    """``": did you forget to `return` it?"`` when ``value`` is ``None``, else ``""``."""
    return f": did you forget to `return` {what}?" if value is None else ""


def type_name(value) -> str:
    """``None: did you forget to `return`?`` for ``None``, else ``a list``, ``a dict``…, for messages."""
    return "None: did you forget to `return`?" if value is None else f"a {type(value).__name__}"


# --------------------------------------------------------------------------------------------------------
# Keras models, as described by course_lib.checks.describe_model

#: The structure :func:`course_lib.checks.describe_model` gives; judges read the rest themselves.
MODEL = Record({"class": ANY, "layers": ListOf(Record({"class": ANY, "name": ANY}, extra=True)), "built": ANY,
                "compiled": ANY}, extra=True)


def compiled_layers(model: dict) -> list[dict]:
    """The layers of a described model without its ``InputLayer`` (functional models list one)."""
    return [layer for layer in model["layers"] if layer.get("class") != "InputLayer"]
