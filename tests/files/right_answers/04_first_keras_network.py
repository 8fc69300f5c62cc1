"""Correct answers to exercises/04_first_keras_network.ipynb written differently from the solutions.

``tests/test_exercises.py`` runs this file with ``right`` defined: ``@right(task)`` registers a function
that the check of ``task`` must pass on every seed.
"""

import numpy as np


def _keras():
    import course_lib

    course_lib.env.quiet_tensorflow()
    import keras

    return keras


@right("build_model")
def build_model(n_inputs, hidden_units, n_classes):
    keras = _keras()
    layers = [keras.layers.Dense(units, activation="relu") for units in hidden_units]
    # "a softmax output" written as its own layer after a plain Dense
    return keras.Sequential([keras.Input(shape=(n_inputs,)), *layers, keras.layers.Dense(n_classes),
                             keras.layers.Softmax()])


@right("build_model")
def build_model(n_inputs, hidden_units, n_classes):
    keras = _keras()
    model = keras.Sequential()
    model.add(keras.Input(shape=(n_inputs,)))
    for units in hidden_units:
        model.add(keras.layers.Dense(units))
        model.add(keras.layers.ReLU())  # the activation as a layer of its own
    model.add(keras.layers.Dense(n_classes))
    model.add(keras.layers.Activation("softmax"))
    return model


@right("choose_loss")
def choose_loss(y):
    shape = np.shape(y)
    if len(shape) == 1 or shape[1] == 1:  # a class number per example
        return "sparse_categorical_crossentropy"
    return "categorical_crossentropy"


@right("choose_loss")
def choose_loss(y):
    return "categorical_crossentropy" if np.squeeze(y).ndim == 2 else "sparse_categorical_crossentropy"


@right("compile_model")
def compile_model(model, y, learning_rate):
    keras = _keras()
    one_hot = np.ndim(y) == 2 and np.shape(y)[1] > 1
    loss = keras.losses.CategoricalCrossentropy() if one_hot else keras.losses.SparseCategoricalCrossentropy()
    metric = keras.metrics.CategoricalAccuracy() if one_hot else keras.metrics.SparseCategoricalAccuracy()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, metrics=[metric])
    return model


@right("compile_model")
def compile_model(model, y, learning_rate):
    keras = _keras()
    one_hot = np.ndim(y) == 2 and np.shape(y)[1] > 1
    loss = keras.losses.categorical_crossentropy if one_hot else keras.losses.sparse_categorical_crossentropy
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=loss, metrics=["acc"])
    return model


@right("train_digits")
def train_digits(X_train, y_train):
    keras = _keras()
    inputs = keras.Input(shape=(64,))
    hidden = keras.layers.Dense(64, activation="relu")(inputs)
    outputs = keras.layers.Softmax()(keras.layers.Dense(10)(hidden))  # a functional model, softmax as a layer
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(X_train, keras.utils.to_categorical(y_train, 10), epochs=10, batch_size=32, verbose=0)
    return model


@right("train_digits")
def train_digits(X_train, y_train):
    keras = _keras()
    model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005),
                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=10, batch_size=32, validation_split=0.1, verbose=0)
    return model


@right("diagnose")
def diagnose(history):
    val_loss = history["val_loss"]
    turned_up = (val_loss[-1] - min(val_loss)) / min(val_loss) > 0.10
    if turned_up:
        return "overfitting"
    return "good fit" if history["accuracy"][-1] >= 0.9 else "underfitting"


@right("early_stopping_epochs")
def early_stopping_epochs(val_loss, patience):
    best_epoch = 1
    for epoch in range(2, len(val_loss) + 1):
        if val_loss[epoch - 1] < val_loss[best_epoch - 1]:
            best_epoch = epoch
        elif epoch - best_epoch >= patience:  # patience epochs in a row since the best
            return epoch, best_epoch
    return len(val_loss), best_epoch


@right("early_stopping_epochs")
def early_stopping_epochs(val_loss, patience):
    epoch, best_epoch, since_best = 0, 0, 0
    while epoch < len(val_loss):
        epoch += 1
        if best_epoch == 0 or val_loss[epoch - 1] < val_loss[best_epoch - 1]:
            best_epoch, since_best = epoch, 0
        else:
            since_best += 1
        if since_best == patience:
            break
    return epoch, best_epoch
