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


@wrong("transfer_model", "base must stay frozen")
def transfer_model(base, n_classes):
    for layer in base.layers:
        layer.trainable = True  # fine-tunes everything from the start
    model = keras.Sequential([keras.Input(shape=(16, 16, 1)), base, keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


@wrong("transfer_model", "need 'sparse_categorical_crossentropy'")
def transfer_model(base, n_classes):
    model = keras.Sequential([keras.Input(shape=(16, 16, 1)), base, keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    return model


@wrong("transfer_model", "activation='softmax'")
def transfer_model(base, n_classes):
    model = keras.Sequential([keras.Input(shape=(16, 16, 1)), base, keras.layers.Dense(n_classes)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


@wrong("unfreeze_top", "first layers")
def unfreeze_top(model, n_layers, learning_rate):
    base = model.layers[0]
    base.trainable = True
    for layer in base.layers[n_layers:]:
        layer.trainable = False
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="sparse_categorical_crossentropy")
    return model


@wrong("unfreeze_top", "still 0.001")
def unfreeze_top(model, n_layers, learning_rate):
    base = model.layers[0]
    base.trainable = True
    for layer in base.layers[:-n_layers]:
        layer.trainable = False
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


@wrong("unfreeze_top", "needs `base.trainable = True` first")
def unfreeze_top(model, n_layers, learning_rate):
    for layer in model.layers[0].layers[-n_layers:]:
        layer.trainable = True  # inside a frozen model this does nothing
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="sparse_categorical_crossentropy")
    return model


@wrong("trainable_fraction", "fraction of trainable layers")
def trainable_fraction(param_counts, trainable_flags):
    return float(np.mean(trainable_flags))


@wrong("trainable_fraction", "frozen fraction")
def trainable_fraction(param_counts, trainable_flags):
    counts = np.asarray(param_counts, float)
    return float(counts[~np.asarray(trainable_flags)].sum() / counts.sum())
