"""Keras models as plain data, for judges that never import TensorFlow."""

from __future__ import annotations

import numpy as np

from .plain import Fail, to_plain

__all__ = ["describe_model"]


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
            described[key] = to_plain(config[key] if not isinstance(config[key], tuple) else list(config[key]))
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


def describe_model(model) -> dict:
    """A Keras model as plain data: layers, shapes, parameter counts, ``trainable`` flags, loss, metrics, optimizer.

    The loss and metrics are given by name however they were passed to ``compile`` (a string, a function or
    an object): ``"sparse_categorical_crossentropy"``, ``["accuracy"]``.

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
        optimizer = model.optimizer
        described["optimizer"] = {"class": type(optimizer).__name__,
                                  "learning_rate": float(np.asarray(optimizer.learning_rate))}
    return described
