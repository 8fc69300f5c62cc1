"""What the task modules share: references, input helpers, message pieces and model-description readers.

Everything here is small and trusted (NumPy only; the digits come from :mod:`course_lib.data`). The hint a
learner reads stays in the task module, next to the judge that gives it.
"""

from __future__ import annotations

import contextlib
import functools

import numpy as np

from ..answers import ANY, ListOf, Record
from ..plain import is_plain_array

__all__ = ["MODEL", "candidates", "compile_problem", "compiled_layers", "digits", "distinct_sizes", "forgot_return",
           "is_integer_data", "output_activation", "recorded_fits", "reference_relu", "reference_softmax", "shape_text",
           "softmax_twice", "type_name", "watching"]


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


def is_integer_data(data) -> bool:
    """Whether plain ``data`` holds whole-number types: an int array, or (nested) lists of ints.

    Counts and labels must be ints: ``np.zeros`` or ``np.histogram2d`` give float counts, which print as
    ``3.0`` and break ``range(n)`` and indexing on the learner's next line.
    """
    if is_plain_array(data):
        return str(data["__ndarray__"]).startswith(("int", "uint"))
    if type(data) is list:
        return all(is_integer_data(item) for item in data)
    return type(data) is int


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


def output_activation(model: dict) -> str | None:
    """The activation the model's outputs leave through, however it was written.

    ``Dense(10, activation="softmax")``, ``Dense(10)`` followed by ``layers.Softmax()`` or by
    ``layers.Activation("softmax")`` all give ``"softmax"``; a last Dense without one gives ``"linear"``.
    Layers that do not change what the outputs mean (``Dropout``, ``Flatten``, ``Reshape``) are looked through.
    """
    for layer in reversed(compiled_layers(model)):
        kind = layer.get("class")
        if kind in ("Dropout", "Flatten", "Reshape", "GaussianNoise", "ActivityRegularization"):
            continue
        if kind == "Softmax":
            return "softmax"
        if kind == "ReLU":
            return "relu"
        return layer.get("activation", "linear") or "linear"
    return None


def softmax_twice(model: dict) -> bool:
    """Whether the outputs go through softmax twice: ``Dense(k, activation="softmax")`` then ``Softmax()``."""
    count = 0
    for layer in reversed(compiled_layers(model)):
        kind = layer.get("class")
        if kind in ("Dropout", "Flatten", "Reshape"):
            continue
        if kind == "Softmax" or layer.get("activation") == "softmax":
            count += 1
            if kind in ("Softmax", "Activation"):
                continue
        break
    return count > 1


def compile_problem(model: dict, *, labels: str = "integer") -> str | None:
    """What is wrong with a described model's loss and metric settings that their names hide, or ``None``.

    ``labels`` is ``"integer"`` (class numbers) or ``"one-hot"``. The output layer (softmax, sigmoid, or
    none: raw logits) is read with :func:`output_activation`. Catches a cross-entropy whose ``from_logits``
    disagrees with the output layer, and ``keras.metrics.Accuracy()``, which is also named "accuracy" but
    counts predictions EQUAL to their labels, so it scores class probabilities near 0.
    """
    loss = model.get("loss_detail") or {}
    from_logits = loss.get("from_logits")
    activation = output_activation(model)
    if from_logits is True and activation in ("softmax", "sigmoid"):
        return (f"the loss has from_logits=True, but the output layer already applies {activation}: the loss "
                f"applies it a second time, which flattens the gradients and slows or stalls training. Keep the "
                f"{activation} output and the default from_logits=False.")
    if from_logits is False and activation in ("linear", None):
        return ("the output layer gives raw scores (logits: no softmax), but the loss expects probabilities "
                "(from_logits=False). Give the output layer activation='softmax' (or pass from_logits=True).")
    for metric in model.get("metrics_detail") or []:
        if metric.get("class") == "Accuracy":
            right = "SparseCategoricalAccuracy()" if labels == "integer" else "CategoricalAccuracy()"
            return ("keras.metrics.Accuracy() counts predictions that EQUAL their labels; the model outputs "
                    f"probabilities, so it reports about 0. Pass metrics=['accuracy'] (Keras then picks the "
                    f"accuracy that fits the loss) or keras.metrics.{right}.")
    return None


# --------------------------------------------------------------------------------------------------------
# Training, watched from the collect (in the learner's kernel)


@contextlib.contextmanager
def watching(owner, name, before):
    """While the block runs, call ``before(instance, *args, **kwargs)`` ahead of every ``owner.name(...)``.

    ``owner`` is a class (``keras.Model``) and ``name`` one of its methods (``"fit"``, ``"compile"``); ``before``
    records what it sees, or raises to stop the call (a model the judge would refuse need not train). The
    method is put back however the block ends::

        compiled = []
        with watching(keras.Model, "compile", lambda model, *args, **kwargs: compiled.append(id(model))):
            model = answer(model=base)
    """
    original = getattr(owner, name)

    @functools.wraps(original)
    def method(instance, *args, **kwargs):
        before(instance, *args, **kwargs)
        return original(instance, *args, **kwargs)

    setattr(owner, name, method)
    try:
        yield
    finally:
        setattr(owner, name, original)


@contextlib.contextmanager
def recorded_fits():
    """Record every ``keras.Model.fit`` call made inside the block, as a list of plain dicts.

    Each entry gives ``samples`` (rows of ``x``, or ``None`` for a dataset or generator), ``validation``
    (``"data"``, ``"split"`` or ``None``), ``epochs``, ``batch_size`` and the ids of the arrays passed as
    ``x`` (``x_id``), so a collect can tell training on the given training set from training on it plus the
    validation set, or on validation data alone::

        with recorded_fits() as fits:
            model = answer(X_train=X_train, y_train=y_train, X_val=X_val, y_val=y_val)
    """
    import keras

    fits = []

    def record(model, x=None, y=None, *args, **kwargs):
        names = ("batch_size", "epochs", "verbose", "callbacks", "validation_split", "validation_data")
        settings = dict(zip(names, args))
        settings.update(kwargs)
        validation = ("data" if settings.get("validation_data") is not None
                      else "split" if settings.get("validation_split") else None)
        fits.append({"samples": int(len(x)) if hasattr(x, "__len__") and hasattr(x, "shape") else None,
                     "validation": validation, "epochs": settings.get("epochs", 1),
                     "batch_size": settings.get("batch_size"), "x_id": id(x)})

    with watching(keras.Model, "fit", record):
        yield fits
