"""Typical wrong answers to exercises/11_transfer_learning.ipynb, each with the hint its check must give."""

import numpy as np

from course_lib.env import import_keras

keras, _ = import_keras()


@wrong("freeze", "still trainable")
def freeze(base):
    base.layers[0].trainable = False  # only the first layer
    return base


@wrong("freeze", "forget to `return")
def freeze(base):
    base.trainable = False  # forgot to return it


@wrong("freeze", "base.trainable is still True")
def freeze(base):
    for layer in base.layers:
        layer.trainable = False  # every layer, but not the base itself
    return base


@wrong("freeze", "BatchNormalization layers (['norm3']) are frozen too")
def freeze(base):
    for layer in base.layers:  # "BatchNormalization must keep adapting"
        layer.trainable = isinstance(layer, keras.layers.BatchNormalization)
    return base


@wrong("freeze", "still trainable")
def freeze(base):
    base.trainable == False  # a comparison, not an assignment: nothing changes
    return base


@wrong("freeze", "clone_model")
def freeze(base):
    frozen = keras.models.clone_model(base)  # a copy, to leave the caller's base alone
    frozen.trainable = False
    return frozen


@wrong("freeze", "return it itself")
def freeze(base):
    base.trainable = False
    return keras.Sequential([keras.Input(shape=(16, 16, 1)), base])  # wrapped in a new model


def _head_model(base, n_classes, *head):
    return keras.Sequential([keras.Input(shape=(16, 16, 1)), base,
                             *(head or [keras.layers.Dense(n_classes, activation="softmax")])])


@wrong("transfer_model", "base must stay frozen")
def transfer_model(base, n_classes):
    for layer in base.layers:
        layer.trainable = True  # fine-tunes everything from the start
    model = _head_model(base, n_classes)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


@wrong("transfer_model", "need 'sparse_categorical_crossentropy'")
def transfer_model(base, n_classes):
    model = _head_model(base, n_classes)
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    return model


@wrong("transfer_model", "activation='softmax'")
def transfer_model(base, n_classes):
    model = _head_model(base, n_classes, keras.layers.Dense(n_classes))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


@wrong("transfer_model", "clone_model")
def transfer_model(base, n_classes):
    copy = keras.models.clone_model(base)  # leave the caller's base alone
    copy.trainable = False
    model = _head_model(copy, n_classes)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@wrong("transfer_model", "from_logits=True")
def transfer_model(base, n_classes):
    model = _head_model(base, n_classes)
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


@wrong("transfer_model", "keras.metrics.Accuracy() counts")
def transfer_model(base, n_classes):
    model = _head_model(base, n_classes)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=[keras.metrics.Accuracy()])
    return model


@wrong("transfer_model", "BatchNormalization layers (['norm3']) above all")
def transfer_model(base, n_classes):
    base.get_layer("norm3").trainable = True  # let BN adapt to the new images
    model = _head_model(base, n_classes)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


@wrong("transfer_model", "the task asks for Adam")
def transfer_model(base, n_classes):
    model = _head_model(base, n_classes)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="sparse_categorical_crossentropy")
    return model


@wrong("transfer_model", "softmax twice")
def transfer_model(base, n_classes):
    model = _head_model(base, n_classes, keras.layers.Dense(n_classes, activation="softmax"), keras.layers.Softmax())
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def _recompile(model, learning_rate, **settings):
    model.compile(**{"optimizer": keras.optimizers.Adam(learning_rate=learning_rate),
                     "loss": "sparse_categorical_crossentropy", **settings})
    return model


@wrong("unfreeze_top", "first layers")
def unfreeze_top(model, n_layers, learning_rate):
    base = model.layers[0]
    base.trainable = True
    for layer in base.layers[n_layers:]:
        layer.trainable = False
    return _recompile(model, learning_rate)


@wrong("unfreeze_top", "still 0.001")
def unfreeze_top(model, n_layers, learning_rate):
    base = model.layers[0]
    base.trainable = True
    for layer in base.layers[:-n_layers]:
        layer.trainable = False
    base.get_layer("norm3").trainable = False
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


@wrong("unfreeze_top", "needs `base.trainable = True` first")
def unfreeze_top(model, n_layers, learning_rate):
    for layer in model.layers[0].layers[-n_layers:]:
        if not isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = True  # inside a frozen model this does nothing
    return _recompile(model, learning_rate)


@wrong("unfreeze_top", "are BatchNormalization layers: they stay frozen")
def unfreeze_top(model, n_layers, learning_rate):
    base = model.layers[0]
    base.trainable = True
    for layer in base.layers[:-n_layers]:
        layer.trainable = False  # the recipe, without the BatchNormalization rule
    return _recompile(model, learning_rate)


@wrong("unfreeze_top", "compile was not called after changing `trainable`")
def unfreeze_top(model, n_layers, learning_rate):
    base = model.layers[0]
    base.trainable = True
    for layer in base.layers[:-n_layers]:
        layer.trainable = False
    base.get_layer("norm3").trainable = False
    model.optimizer.learning_rate.assign(learning_rate)  # the low rate, without recompiling
    return model


@wrong("unfreeze_top", "compile was called before the last change")
def unfreeze_top(model, n_layers, learning_rate):
    _recompile(model, learning_rate)  # compile first ...
    base = model.layers[0]
    base.trainable = True  # ... then change what trains
    for layer in base.layers[:-n_layers]:
        layer.trainable = False
    base.get_layer("norm3").trainable = False
    return model


@wrong("unfreeze_top", "clone_model")
def unfreeze_top(model, n_layers, learning_rate):
    model = keras.models.clone_model(model)  # work on a copy
    base = model.layers[0]
    base.trainable = True
    for layer in base.layers[:-n_layers]:
        layer.trainable = False
    base.get_layer("norm3").trainable = False
    return _recompile(model, learning_rate)


@wrong("unfreeze_top", "recompile with keras.optimizers.Adam(learning_rate=learning_rate)")
def unfreeze_top(model, n_layers, learning_rate):
    base = model.layers[0]
    base.trainable = True
    for layer in base.layers[:-n_layers]:
        layer.trainable = False
    base.get_layer("norm3").trainable = False
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="sparse_categorical_crossentropy")
    return model


@wrong("unfreeze_top", "the head must stay trainable")
def unfreeze_top(model, n_layers, learning_rate):
    for layer in model.layers:
        layer.trainable = False  # freeze everything first ...
    base = model.layers[0]
    base.trainable = True
    for layer in base.layers[:-n_layers]:  # ... then unfreeze the top of the base
        layer.trainable = False
    base.get_layer("norm3").trainable = False
    return _recompile(model, learning_rate)


@wrong("unfreeze_top", "expected ['conv")
def unfreeze_top(model, n_layers, learning_rate):
    base = model.layers[0]
    base.trainable = True
    for layer in base.layers[:-3]:  # the top three, as in the lesson
        layer.trainable = False
    base.get_layer("norm3").trainable = False
    return _recompile(model, learning_rate)


@wrong("trainable_fraction", "fraction of trainable layers")
def trainable_fraction(param_counts, trainable_flags):
    return float(np.mean(trainable_flags))


@wrong("trainable_fraction", "frozen fraction")
def trainable_fraction(param_counts, trainable_flags):
    counts = np.asarray(param_counts, float)
    return float(counts[~np.asarray(trainable_flags)].sum() / counts.sum())


@wrong("trainable_fraction", "rounded to 2 decimals")
def trainable_fraction(param_counts, trainable_flags):
    trainable = sum(count for count, flag in zip(param_counts, trainable_flags) if flag)
    return round(trainable / sum(param_counts), 2)


@wrong("trainable_fraction", "percentage")
def trainable_fraction(param_counts, trainable_flags):
    trainable = sum(count for count, flag in zip(param_counts, trainable_flags) if flag)
    return 100 * trainable / sum(param_counts)


@wrong("trainable_fraction", "divides by the non-trainable parameters")
def trainable_fraction(param_counts, trainable_flags):
    trainable = sum(count for count, flag in zip(param_counts, trainable_flags) if flag)
    frozen = sum(count for count, flag in zip(param_counts, trainable_flags) if not flag)
    return trainable / frozen if frozen else 1.0  # "trainable to non-trainable", as summary() lists them


@wrong("trainable_fraction", "whole-number division")
def trainable_fraction(param_counts, trainable_flags):
    trainable = sum(count for count, flag in zip(param_counts, trainable_flags) if flag)
    return trainable // sum(param_counts)


@wrong("trainable_fraction", "those with weights")
def trainable_fraction(param_counts, trainable_flags):
    with_weights = [flag for count, flag in zip(param_counts, trainable_flags) if count > 0]
    return sum(with_weights) / len(with_weights)
