"""Correct answers to exercises/11_transfer_learning.ipynb written differently from the solutions: each must pass."""

import numpy as np

from course_lib.env import import_keras

keras, _ = import_keras()


@right("freeze")
def freeze(base):
    for layer in base.layers:  # every layer, then the base itself
        layer.trainable = False
    base.trainable = False
    return base


@right("transfer_model")
def transfer_model(base, n_classes):
    inputs = keras.Input(shape=(16, 16, 1))  # the functional API, as in the lesson
    features = base(inputs, training=False)
    x = keras.layers.Dense(n_classes)(features)
    outputs = keras.layers.Softmax()(x)  # a softmax output, written as its own layer
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model


@right("transfer_model")
def transfer_model(base, n_classes):
    model = keras.Sequential([keras.Input(shape=(16, 16, 1)), base, keras.layers.Dropout(0.2),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="sparse_categorical_crossentropy")
    return model


@right("unfreeze_top")
def unfreeze_top(model, n_layers, learning_rate):
    base = model.layers[0]
    base.trainable = True
    top = {layer.name for layer in base.layers[-n_layers:]}
    for layer in base.layers:  # one pass: the top layers train, except BatchNormalization
        layer.trainable = layer.name in top and not isinstance(layer, keras.layers.BatchNormalization)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=["accuracy"])
    return model


@right("unfreeze_top")
def unfreeze_top(model, n_layers, learning_rate):
    base = model.layers[0]
    base.trainable = True
    for index, layer in enumerate(base.layers):  # weightless layers may stay frozen: nothing to train there
        in_top = index >= len(base.layers) - n_layers
        layer.trainable = in_top and bool(layer.trainable_weights) and "norm" not in layer.name
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")  # compile first, then set the rate
    model.optimizer.learning_rate = learning_rate
    return model


@right("trainable_fraction")
def trainable_fraction(param_counts, trainable_flags):
    trainable = total = 0
    for count, flag in zip(param_counts, trainable_flags):
        total += count
        if flag:
            trainable += count
    return trainable / total


@right("trainable_fraction")
def trainable_fraction(param_counts, trainable_flags):
    return np.dot(param_counts, trainable_flags) / np.sum(param_counts)  # a NumPy float is a number
