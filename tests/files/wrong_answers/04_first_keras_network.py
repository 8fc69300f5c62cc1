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


# --------------------------------------------------------------------------------------------------------
# Added for issue 14: mistakes the first checks let through or named wrongly.


@wrong("build_model", "keras.Input(shape=(n_inputs,)) already is the input layer")
def build_model(n_inputs, hidden_units, n_classes):
    keras = _keras()
    model = keras.Sequential([keras.Input(shape=(n_inputs,)),
                              keras.layers.Dense(n_inputs, activation="relu")])  # an "input layer" of its own
    for units in hidden_units:
        model.add(keras.layers.Dense(units, activation="relu"))
    model.add(keras.layers.Dense(n_classes, activation="softmax"))
    return model


@wrong("build_model", "one hidden layer per entry of hidden_units")
def build_model(n_inputs, hidden_units, n_classes):
    keras = _keras()
    model = keras.Sequential([keras.Input(shape=(n_inputs,))])
    for i in range(len(hidden_units) - 1):  # off by one: the last hidden layer is missing
        model.add(keras.layers.Dense(hidden_units[i], activation="relu"))
    model.add(keras.layers.Dense(n_classes, activation="softmax"))
    return model


@wrong("build_model", "one unit per class, two for two classes")
def build_model(n_inputs, hidden_units, n_classes):
    keras = _keras()
    model = keras.Sequential([keras.Input(shape=(n_inputs,))])
    for units in hidden_units:
        model.add(keras.layers.Dense(units, activation="relu"))
    if n_classes == 2:  # binary: one sigmoid unit, as in logistic regression
        model.add(keras.layers.Dense(1, activation="sigmoid"))
    else:
        model.add(keras.layers.Dense(n_classes, activation="softmax"))
    return model


@wrong("build_model", "already applies 'relu'")
def build_model(n_inputs, hidden_units, n_classes):
    keras = _keras()
    model = keras.Sequential([keras.Input(shape=(n_inputs,))])
    for units in hidden_units:
        model.add(keras.layers.Dense(units, activation="relu"))
    model.add(keras.layers.Dense(n_classes, activation="relu"))  # copied from the hidden layers
    model.add(keras.layers.Softmax())
    return model


@wrong("build_model", "the hidden layers use 'relu'")
def build_model(n_inputs, hidden_units, n_classes):
    keras = _keras()
    model = keras.Sequential([keras.Input(shape=(n_inputs,))])
    for units in hidden_units:
        model.add(keras.layers.Dense(units, activation="sigmoid"))
    model.add(keras.layers.Dense(n_classes, activation="softmax"))
    return model


@wrong("build_model", "kernel_regularizer")
def build_model(n_inputs, hidden_units, n_classes):
    keras = _keras()
    model = keras.Sequential([keras.Input(shape=(n_inputs,))])
    for units in hidden_units:
        model.add(keras.layers.Dense(units, activation="relu", kernel_regularizer=keras.regularizers.l2(1e-4)))
    model.add(keras.layers.Dense(n_classes, activation="softmax"))
    return model


@wrong("build_model", "Dropout")
def build_model(n_inputs, hidden_units, n_classes):
    keras = _keras()
    model = keras.Sequential([keras.Input(shape=(n_inputs,))])
    for units in hidden_units:
        model.add(keras.layers.Dense(units, activation="relu"))
        model.add(keras.layers.Dropout(0.2))
    model.add(keras.layers.Dense(n_classes, activation="softmax"))
    return model


@wrong("choose_loss", "class numbers 0 and 1")
def choose_loss(y):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1 or np.isin(y, [0, 1]).all():  # "only zeros and ones: one-hot"
        return "categorical_crossentropy"
    return "sparse_categorical_crossentropy"


@wrong("choose_loss", "the loss's name as a string")
def choose_loss(y):
    keras = _keras()
    if np.ndim(y) == 2 and np.shape(y)[1] > 1:
        return keras.losses.CategoricalCrossentropy()
    return keras.losses.SparseCategoricalCrossentropy()


@wrong("choose_loss", "changed its input `y` in place")
def choose_loss(y):
    if y.ndim == 2 and y.shape[1] == 1:
        y.shape = (len(y),)  # flatten the column (in place: the caller's array changes shape)
    return "categorical_crossentropy" if y.ndim == 2 else "sparse_categorical_crossentropy"


@wrong("choose_loss", "labels of shape (n,) go with")
def choose_loss(y):
    y = np.asarray(y)
    return "categorical_crossentropy" if y.shape[-1] > 1 else "sparse_categorical_crossentropy"  # [-1], not [1]


@wrong("compile_model", "applies it a second time")
def compile_model(model, y, learning_rate):
    keras = _keras()
    if np.ndim(y) == 2 and np.shape(y)[1] > 1:
        loss = keras.losses.CategoricalCrossentropy(from_logits=True)
    else:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=loss, metrics=["accuracy"])
    return model


@wrong("compile_model", "counts predictions that EQUAL their labels")
def compile_model(model, y, learning_rate):
    keras = _keras()
    loss = "categorical_crossentropy" if np.ndim(y) == 2 and np.shape(y)[1] > 1 else "sparse_categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=loss,
                  metrics=[keras.metrics.Accuracy()])
    return model


@wrong("compile_model", "asks for keras.optimizers.Adam")
def compile_model(model, y, learning_rate):
    keras = _keras()
    loss = "categorical_crossentropy" if np.ndim(y) == 2 and np.shape(y)[1] > 1 else "sparse_categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.AdamW(learning_rate=learning_rate), loss=loss, metrics=["accuracy"])
    return model


@wrong("compile_model", "model.compile(...) returns None")
def compile_model(model, y, learning_rate):
    keras = _keras()
    loss = "categorical_crossentropy" if np.ndim(y) == 2 and np.shape(y)[1] > 1 else "sparse_categorical_crossentropy"
    return model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=loss,
                         metrics=["accuracy"])


@wrong("compile_model", "keras.metrics.CategoricalAccuracy()")
def compile_model(model, y, learning_rate):
    keras = _keras()
    loss = "categorical_crossentropy" if np.ndim(y) == 2 and np.shape(y)[1] > 1 else "sparse_categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=loss,
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])  # right for class numbers only
    return model


@wrong("compile_model", "holds one class NUMBER per example")
def compile_model(model, y, learning_rate):
    keras = _keras()
    loss = "categorical_crossentropy" if np.ndim(y) == 2 else "sparse_categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=loss, metrics=["accuracy"])
    return model


@wrong("compile_model", "compile the model you were given")
def compile_model(model, y, learning_rate):
    keras = _keras()
    model = keras.models.clone_model(model)  # "to leave the caller's model alone"
    loss = "categorical_crossentropy" if np.ndim(y) == 2 and np.shape(y)[1] > 1 else "sparse_categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=loss, metrics=["accuracy"])
    return model


def _digits_model(keras, output_activation="softmax"):
    return keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(10, activation=output_activation)])


@wrong("train_digits", "called course_lib.data.load_digits() itself")
def train_digits(X_train, y_train):
    keras = _keras()
    from course_lib.data import load_digits

    images, labels = load_digits(return_X_y=True)  # all 1,797 digits: the held-out ones too
    model = _digits_model(keras)
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="sparse_categorical_crossentropy")
    model.fit(images.reshape(len(images), -1), labels, epochs=10, verbose=0)
    return model


@wrong("train_digits", "called sklearn.datasets.load_digits() itself")
def train_digits(X_train, y_train):
    keras = _keras()
    from sklearn.datasets import load_digits

    digits = load_digits()
    model = _digits_model(keras)
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="sparse_categorical_crossentropy")
    model.fit(digits.data / 16.0, digits.target, epochs=10, verbose=0)
    return model


@wrong("train_digits", "gives raw scores (logits)")
def train_digits(X_train, y_train):
    keras = _keras()
    model = _digits_model(keras, output_activation=None)  # logits, as in many tutorials
    model.compile(optimizer=keras.optimizers.Adam(0.005),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=10, batch_size=32, verbose=0)
    return model


@wrong("train_digits", "applies it a second time")
def train_digits(X_train, y_train):
    keras = _keras()
    model = _digits_model(keras)
    model.compile(optimizer=keras.optimizers.Adam(0.005),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=10, batch_size=32, verbose=0)
    return model


@wrong("train_digits", "counts predictions that EQUAL their labels")
def train_digits(X_train, y_train):
    keras = _keras()
    model = _digits_model(keras)
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="sparse_categorical_crossentropy",
                  metrics=[keras.metrics.Accuracy()])
    model.fit(X_train, y_train, epochs=10, batch_size=32, verbose=0)
    return model


@wrong("train_digits", "a cross-entropy")
def train_digits(X_train, y_train):
    keras = _keras()
    model = _digits_model(keras)
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="mean_squared_error", metrics=["accuracy"])
    model.fit(X_train, keras.utils.to_categorical(y_train, 10), epochs=10, batch_size=32, verbose=0)
    return model


@wrong("train_digits", "changed its input `X_train` in place")
def train_digits(X_train, y_train):
    keras = _keras()
    X_train -= X_train.mean(axis=0)  # centre the pixels, in the caller's array
    model = _digits_model(keras)
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="sparse_categorical_crossentropy")
    model.fit(X_train, y_train, epochs=3, batch_size=32, verbose=0)
    return model


@wrong("train_digits", "its pixels already lie in [0, 1]")
def train_digits(X_train, y_train):
    keras = _keras()
    X_train = X_train / 16.0  # "digits pixels run from 0 to 16" (the raw scikit-learn set; these are scaled)
    model = _digits_model(keras)
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="sparse_categorical_crossentropy")
    model.fit(X_train, y_train, epochs=10, batch_size=32, verbose=0)
    return model


@wrong("train_digits", "its pixels already lie in [0, 1]")
def train_digits(X_train, y_train):
    keras = _keras()
    X_centred = X_train - X_train.mean()  # centred for training; predict will see the digits uncentred
    model = _digits_model(keras)
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="sparse_categorical_crossentropy")
    model.fit(X_centred, y_train, epochs=10, batch_size=32, verbose=0)
    return model  # often clears 90% all the same: luck


@wrong("diagnose", "counts a rise of more than 10%")
def diagnose(history):
    val_loss = history["val_loss"]
    if val_loss[-1] > min(val_loss):  # any rise at all
        return "overfitting"
    return "underfitting" if history["accuracy"][-1] < 0.9 else "good fit"


@wrong("diagnose", "the TRAINING accuracy")
def diagnose(history):
    val_loss = np.asarray(history["val_loss"])
    if val_loss[-1] > 1.1 * val_loss.min():
        return "overfitting"
    return "underfitting" if history["val_accuracy"][-1] < 0.9 else "good fit"  # validation, not training


@wrong("diagnose", "That is overfitting")
def diagnose(history):
    val_loss = np.asarray(history["val_loss"])
    if val_loss[-1] > 1.5 * val_loss.min():  # waits for a big rise
        return "overfitting"
    return "underfitting" if history["accuracy"][-1] < 0.9 else "good fit"


@wrong("diagnose", "That is underfitting")
def diagnose(history):
    val_loss = np.asarray(history["val_loss"])
    if val_loss[-1] > 1.1 * val_loss.min():
        return "overfitting"
    return "underfitting" if history["loss"][-1] > 1.0 else "good fit"  # a loss threshold, not the accuracy


@wrong("early_stopping_epochs", "strictly lower")
def early_stopping_epochs(val_loss, patience):
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, value in enumerate(val_loss, start=1):
        if value <= best:  # a tie counts as an improvement
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return len(val_loss), best_epoch


@wrong("early_stopping_epochs", "min_delta")
def early_stopping_epochs(val_loss, patience):
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, value in enumerate(val_loss, start=1):
        if value < best - 1e-3:  # "a real improvement"
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return len(val_loss), best_epoch


@wrong("early_stopping_epochs", "start counting again")
def early_stopping_epochs(val_loss, patience):
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, value in enumerate(val_loss, start=1):
        if value < best:
            best, best_epoch = value, epoch  # the count is never reset
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return len(val_loss), best_epoch


@wrong("early_stopping_epochs", "restore_best_weights=True")
def early_stopping_epochs(val_loss, patience):
    best, waited = np.inf, 0
    for epoch, value in enumerate(val_loss, start=1):
        if value < best:
            best, waited = value, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, epoch  # the weights of the last epoch run
    return len(val_loss), len(val_loss)


@wrong("early_stopping_epochs", "best epoch + patience")
def early_stopping_epochs(val_loss, patience):
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, value in enumerate(val_loss, start=1):
        if value < best:
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited > patience:  # one epoch too many
                return epoch, best_epoch
    return len(val_loss), best_epoch


@wrong("early_stopping_epochs", "not the previous epoch")
def early_stopping_epochs(val_loss, patience):
    best_epoch, waited = 1, 0
    for epoch in range(2, len(val_loss) + 1):
        if val_loss[epoch - 1] < val_loss[epoch - 2]:  # better than the epoch before
            waited = 0
            if val_loss[epoch - 1] < val_loss[best_epoch - 1]:
                best_epoch = epoch
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return len(val_loss), best_epoch
