"""Keras models as plain data, for judges that never import TensorFlow."""

from __future__ import annotations

import numpy as np

from .plain import Fail, to_plain

__all__ = ["describe_model", "weights_digest"]


def weights_digest(layer_or_model) -> str | None:
    """A short fingerprint of the current weight values of a layer or model (``None`` before it is built).

    Two objects with the same digest hold the same numbers in the same order: a judge compares the digest
    of the model a learner returned with that of the weights it was given (``clone_model`` keeps the
    architecture but draws new weights; ``load_weights`` into the wrong model leaves them fresh).
    """
    import hashlib

    weights = getattr(layer_or_model, "weights", None)
    if not weights:
        return None
    digest = hashlib.sha256()
    for weight in weights:
        values = np.ascontiguousarray(np.asarray(weight), dtype=np.float32)
        digest.update(str(values.shape).encode())
        digest.update(values.tobytes())
    return digest.hexdigest()[:16]


def _numeric_config(config: dict) -> dict:
    """The number, bool and string settings of a Keras object's config (nested objects left out)."""
    return {key: value for key, value in config.items()
            if type(value) in (bool, int, float, str) and key not in ("name", "dtype")}


def _layer_config(layer):
    config = layer.get_config()
    described = {"class": type(layer).__name__, "name": layer.name, "trainable": bool(layer.trainable)}
    try:
        described["params"] = int(layer.count_params())
    except ValueError:  # not built
        described["params"] = None
    try:
        described["output_shape"] = list(layer.output.shape)
    except (AttributeError, ValueError):
        described["output_shape"] = None
    for key in ("units", "filters", "kernel_size", "strides", "padding", "pool_size", "rate", "use_bias",
                "factor", "height_factor", "width_factor", "mode", "axis", "target_shape"):
        if key in config:
            value = config[key]  # a tuple, or a Keras TrackedList (LayerNormalization's axis): a plain list
            described[key] = to_plain(list(value) if isinstance(value, (tuple, list)) else value)
    initializer = config.get("kernel_initializer")
    if isinstance(initializer, dict):
        described["kernel_initializer"] = str(initializer.get("class_name"))
    described["weights"] = weights_digest(layer) if layer.built else None
    activation = config.get("activation")
    if activation is not None:
        described["activation"] = activation if isinstance(activation, str) else str(activation.get("config", activation))
    for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
        regularizer = getattr(layer, key, None)
        if regularizer is not None:
            reg_config = {k: float(v) for k, v in regularizer.get_config().items() if isinstance(v, (int, float))}
            described[key] = {"class": type(regularizer).__name__, **reg_config}
    if hasattr(layer, "layers"):  # a nested model used as a layer (a pretrained base)
        described["layers"] = [_layer_config(inner) for inner in layer.layers]
    return described


def _compiled_name(item):
    """``"sparse_categorical_crossentropy"`` for a loss or metric given by name, function or object."""
    if isinstance(item, str) or item is None:
        return item
    if isinstance(item, dict):
        config = item.get("config")
        if isinstance(config, str):  # a function, e.g. keras.losses.categorical_crossentropy
            return config
        if isinstance(config, dict) and isinstance(config.get("name"), str):
            return config["name"]
        return str(item.get("class_name"))
    return getattr(item, "name", getattr(item, "__name__", type(item).__name__))


def _compiled_detail(item) -> dict:
    """``{"name", "class", ...settings}`` for a loss or metric: the class is ``None`` when given by name.

    The class and settings are what names hide: ``keras.metrics.Accuracy()`` is also called "accuracy" but
    compares labels for equality; ``SparseCategoricalCrossentropy(from_logits=True)`` keeps the loss's name.
    """
    detail = {"name": _compiled_name(item), "class": None}
    if isinstance(item, dict) and isinstance(item.get("config"), dict):
        detail["class"] = str(item.get("class_name"))
        detail.update(_numeric_config(item["config"]))
    elif isinstance(item, dict):  # a function: keras serializes it as {"class_name": "function", "config": name}
        detail["class"] = "function"
    elif item is not None and not isinstance(item, str):
        detail["class"] = type(item).__name__
        if hasattr(item, "get_config"):
            detail.update(_numeric_config(item.get_config() or {}))
    if detail["name"] is not None and "crossentropy" in str(detail["name"]):
        detail.setdefault("from_logits", False)  # the default of every cross-entropy, by name or by class
    return detail


def describe_model(model) -> dict:
    """A Keras model as plain data: layers, shapes, parameter counts, ``trainable`` flags, loss, metrics, optimizer.

    The loss and metrics are given by name however they were passed to ``compile`` (a string, a function or
    an object): ``"sparse_categorical_crossentropy"``, ``["accuracy"]``; ``"loss_detail"`` and
    ``"metrics_detail"`` add each one's class (``None`` when given as a string) and settings such as
    ``from_logits``. The optimizer comes with its class and every number setting (``learning_rate``,
    ``momentum``, ``weight_decay`` …). Each layer carries its activation, regularizers, initializer,
    ``trainable`` flag and a digest of its weights (:func:`weights_digest`).

    Runs in the learner's kernel (``collect``); judges read the dict in any process without TensorFlow.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise Fail(f"expected a keras.Model, got a {type(model).__module__}.{type(model).__qualname__}"
                   + (": did you forget to `return model`?" if model is None else ""))
    described = {
        "class": type(model).__name__,
        "layers": [_layer_config(layer) for layer in model.layers],
        "built": bool(model.built),
        "compiled": bool(getattr(model, "compiled", False)),
    }
    try:
        described["input_shape"] = list(model.inputs[0].shape)
        described["output_shape"] = list(model.outputs[0].shape)
    except (AttributeError, IndexError, TypeError, ValueError):
        described["input_shape"] = described["output_shape"] = None
    if model.built:
        described["params"] = int(model.count_params())
        described["trainable_params"] = int(sum(np.prod(w.shape) for w in model.trainable_weights))
        described["non_trainable_params"] = int(sum(np.prod(w.shape) for w in model.non_trainable_weights))
    if described["compiled"]:
        config = model.get_compile_config() or {}
        described["loss"] = _compiled_name(config.get("loss"))
        described["metrics"] = [_compiled_name(metric) for metric in config.get("metrics") or []]
        described["loss_detail"] = _compiled_detail(config.get("loss"))
        described["metrics_detail"] = [_compiled_detail(metric) for metric in config.get("metrics") or []]
        optimizer = model.optimizer
        settings = _numeric_config(optimizer.get_config())
        settings.pop("learning_rate", None)  # a schedule is a dict there; the current value is read below
        described["optimizer"] = {"class": type(optimizer).__name__,
                                  "learning_rate": float(np.asarray(optimizer.learning_rate)), **settings}
    return described
