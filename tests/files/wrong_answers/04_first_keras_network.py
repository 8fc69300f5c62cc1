"""Typical wrong answers to exercises/04_first_keras_network.ipynb, each with the hint its check must give.

``tests/test_exercises.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a
function as a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""

import numpy as np


def _keras():
    import course_lib

    course_lib.env.quiet_tensorflow()
    import keras

    return keras


@wrong("build_model", "should be 'softmax'")
def build_model(n_inputs, hidden_units, n_classes):
    keras = _keras()
    layers = [keras.layers.Dense(units, activation="relu") for units in hidden_units]
    return keras.Sequential([keras.Input(shape=(n_inputs,)), *layers, keras.layers.Dense(n_classes)])


@wrong("build_model", "keras.Input(shape=")
def build_model(n_inputs, hidden_units, n_classes):
    keras = _keras()
    layers = [keras.layers.Dense(units, activation="relu") for units in hidden_units]
    return keras.Sequential([*layers, keras.layers.Dense(n_classes, activation="softmax")])


@wrong("build_model", "collapse into one linear map")
def build_model(n_inputs, hidden_units, n_classes):
    keras = _keras()
    layers = [keras.layers.Dense(units) for units in hidden_units]
    return keras.Sequential([keras.Input(shape=(n_inputs,)), *layers,
                             keras.layers.Dense(n_classes, activation="softmax")])


@wrong("choose_loss", "holds one class NUMBER per example")
def choose_loss(y):
    return "categorical_crossentropy" if np.ndim(y) == 2 else "sparse_categorical_crossentropy"


@wrong("choose_loss", "return exactly")
def choose_loss(y):
    return "sparse" if np.ndim(y) == 1 else "categorical"


@wrong("choose_loss", "the dtype does not matter")
def choose_loss(y):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1 or y.dtype.kind == "f":
        return "categorical_crossentropy"
    return "sparse_categorical_crossentropy"


@wrong("compile_model", "that is Adam's default")
def compile_model(model, y, learning_rate):
    loss = "categorical_crossentropy" if np.ndim(y) == 2 else "sparse_categorical_crossentropy"
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    return model


@wrong("compile_model", "but y holds integer labels")
def compile_model(model, y, learning_rate):
    keras = _keras()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


@wrong("compile_model", "asks for keras.optimizers.Adam")
def compile_model(model, y, learning_rate):
    keras = _keras()
    loss = "categorical_crossentropy" if np.ndim(y) == 2 else "sparse_categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss=loss, metrics=["accuracy"])
    return model


@wrong("compile_model", "metrics=['accuracy']")
def compile_model(model, y, learning_rate):
    keras = _keras()
    loss = "categorical_crossentropy" if np.ndim(y) == 2 else "sparse_categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=loss)
    return model


@wrong("train_digits", "did you forget to `return model`")
def train_digits(X_train, y_train):
    keras = _keras()
    model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")


@wrong("train_digits", "about chance")
def train_digits(X_train, y_train):
    keras = _keras()
    model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model  # never trained


@wrong("train_digits", "the target is 90%")
def train_digits(X_train, y_train):
    keras = _keras()
    model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="sparse_categorical_crossentropy")
    model.fit(X_train, y_train, epochs=2, batch_size=32, verbose=0)  # far too little training
    return model


@wrong("diagnose", "That is overfitting")
def diagnose(history):
    return "good fit" if history["accuracy"][-1] > 0.9 else "underfitting"  # never looks at validation


@wrong("diagnose", "That is underfitting")
def diagnose(history):
    val_loss = history["val_loss"]
    return "overfitting" if val_loss[-1] > 1.1 * min(val_loss) else "good fit"


@wrong("diagnose", "return exactly one of")
def diagnose(history):
    return "overfit"


@wrong("diagnose", "A small, steady gap")
def diagnose(history):
    if history["accuracy"][-1] < 0.9:
        return "underfitting"
    return "overfitting" if history["val_loss"][-1] > history["loss"][-1] else "good fit"


@wrong("early_stopping_epochs", "count epochs from 1")
def early_stopping_epochs(val_loss, patience):
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, value in enumerate(val_loss):
        if value < best:
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return len(val_loss) - 1, best_epoch


@wrong("early_stopping_epochs", "never sees the epochs after it stopped")
def early_stopping_epochs(val_loss, patience):
    best = int(np.argmin(val_loss)) + 1
    return min(best + patience, len(val_loss)), best


@wrong("early_stopping_epochs", "The patience is how many")
def early_stopping_epochs(val_loss, patience):
    for epoch in range(1, len(val_loss)):
        if val_loss[epoch] >= val_loss[epoch - 1]:
            return epoch + 1, epoch
    return len(val_loss), len(val_loss)
