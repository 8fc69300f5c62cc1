"""Typical wrong answers to exercises/09_regularization_and_tuning.ipynb, each with the hint its check must give.

``tests/test_exercises.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a
function as a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""

import numpy as np


def _kernels(weights):
    return [w for w in weights if np.ndim(w) == 2]


# --------------------------------------------------------------------------------------------------------
# weight_penalty


@wrong("weight_penalty", "it includes the biases")
def weight_penalty(weights, l1=0.0, l2=0.0):
    return float(sum(l1 * np.abs(w).sum() + l2 * (w ** 2).sum() for w in weights))


@wrong("weight_penalty", "the penalty is the SUM")
def weight_penalty(weights, l1=0.0, l2=0.0):
    return float(sum(l1 * np.abs(w).mean() + l2 * (w ** 2).mean() for w in _kernels(weights)))


@wrong("weight_penalty", "SQUARES each weight")
def weight_penalty(weights, l1=0.0, l2=0.0):
    return float(sum((l1 + l2) * np.abs(w).sum() for w in _kernels(weights)))


@wrong("weight_penalty", "without the 1/2")
def weight_penalty(weights, l1=0.0, l2=0.0):
    return float(sum(l1 * np.abs(w).sum() + l2 / 2 * (w ** 2).sum() for w in _kernels(weights)))


@wrong("weight_penalty", "SQUARED norm")
def weight_penalty(weights, l1=0.0, l2=0.0):
    return float(sum(l1 * np.abs(w).sum() + l2 * np.linalg.norm(w) for w in _kernels(weights)))


@wrong("weight_penalty", "the strengths are missing")
def weight_penalty(weights, l1=0.0, l2=0.0):
    return float(sum(np.abs(w).sum() + (w ** 2).sum() for w in _kernels(weights)))  # no lambda at all


@wrong("weight_penalty", "l1 and l2 are swapped")
def weight_penalty(weights, l1=0.0, l2=0.0):
    return float(sum(l2 * np.abs(w).sum() + l1 * (w ** 2).sum() for w in _kernels(weights)))


@wrong("weight_penalty", "squares the SUM")
def weight_penalty(weights, l1=0.0, l2=0.0):
    return float(sum(l1 * np.abs(w).sum() + l2 * w.sum() ** 2 for w in _kernels(weights)))


@wrong("weight_penalty", "largest column sum")
def weight_penalty(weights, l1=0.0, l2=0.0):
    return float(sum(l1 * np.linalg.norm(w, 1) + l2 * np.linalg.norm(w) ** 2 for w in _kernels(weights)))


@wrong("weight_penalty", "only the first kernel")
def weight_penalty(weights, l1=0.0, l2=0.0):
    for w in _kernels(weights):
        return float(l1 * np.abs(w).sum() + l2 * (w ** 2).sum())  # returns inside the loop


@wrong("weight_penalty", "changed its input `weights` in place")
def weight_penalty(weights, l1=0.0, l2=0.0):
    del weights[1::2]  # drops the biases from the caller's list
    return float(sum(l1 * np.abs(w).sum() + l2 * (w ** 2).sum() for w in weights))


@wrong("weight_penalty", "changed its input `weights[0]` in place")
def weight_penalty(weights, l1=0.0, l2=0.0):
    total = 0.0
    for w in _kernels(weights):
        total += l2 * (w ** 2).sum()
        total += l1 * np.abs(w, out=w).sum()  # out=w overwrites the caller's kernel with |w|
    return float(total)


# --------------------------------------------------------------------------------------------------------
# dropout_forward


@wrong("dropout_forward", "the kept values are unchanged")
def dropout_forward(x, rate, rng, training=True):
    if not training:
        return x
    return x * (rng.random(x.shape) >= rate)


@wrong("dropout_forward", "about 1 - rate")
def dropout_forward(x, rate, rng, training=True):
    if not training:
        return x
    return x * (rng.random(x.shape) < rate) / (1 - rate)


@wrong("dropout_forward", "non-inverted dropout")
def dropout_forward(x, rate, rng, training=True):
    if not training:
        return x * (1 - rate)
    return x * (rng.random(x.shape) >= rate) / (1 - rate)


@wrong("dropout_forward", "not from np.random")
def dropout_forward(x, rate, rng, training=True):
    if not training:
        return x
    return x * (np.random.random(x.shape) >= rate) / (1 - rate)


@wrong("dropout_forward", "same columns in every row")
def dropout_forward(x, rate, rng, training=True):
    if not training:
        return x
    return x * (rng.random(x.shape[-1]) >= rate) / (1 - rate)


@wrong("dropout_forward", "changed its input `x` in place")
def dropout_forward(x, rate, rng, training=True):
    if training:
        x[rng.random(x.shape) < rate] = 0.0
        x /= 1 - rate
    return x


@wrong("dropout_forward", "dropout is switched off")
def dropout_forward(x, rate, rng, training=True):
    return x * (rng.random(x.shape) >= rate) / (1 - rate)


@wrong("dropout_forward", "x can have any shape")
def dropout_forward(x, rate, rng, training=True):
    if not training:
        return x
    keep = rng.random((x.shape[0], x.shape[1])) >= rate  # a matrix only
    return x * keep / (1 - rate)


@wrong("dropout_forward", "dropped whole rows")
def dropout_forward(x, rate, rng, training=True):
    if not training:
        return x
    return x * (rng.random((len(x),) + (1,) * (x.ndim - 1)) >= rate) / (1 - rate)


@wrong("dropout_forward", "divided by rate")
def dropout_forward(x, rate, rng, training=True):
    if not training:
        return x
    return x * (rng.random(x.shape) >= rate) / rate


@wrong("dropout_forward", "multiplied by (1 - rate)")
def dropout_forward(x, rate, rng, training=True):
    if not training:
        return x
    return x * (rng.random(x.shape) >= rate) * (1 - rate)


@wrong("dropout_forward", "a generator of your own with a fixed seed")
def dropout_forward(x, rate, rng, training=True):
    if not training:
        return x
    return x * (np.random.default_rng(0).random(x.shape) >= rate) / (1 - rate)


@wrong("dropout_forward", "each value is dropped independently with probability rate")
def dropout_forward(x, rate, rng, training=True):
    if not training:
        return x
    return x * rng.integers(0, 2, size=x.shape) / (1 - rate)  # a coin flip: drops half, whatever the rate


# --------------------------------------------------------------------------------------------------------
# build_regularized_model


def _model(n_inputs, hidden_units, n_classes, *, block, output):
    """A Sequential model: the layers ``block(units)`` for each hidden layer, then ``output``."""
    import keras

    model = keras.Sequential([keras.Input(shape=(n_inputs,))])
    for units in hidden_units:
        for layer in block(units):
            model.add(layer)
    model.add(output)
    return model


@wrong("build_regularized_model", "with the ReLU inside the Dense layers")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras
    from keras import layers

    return _model(n_inputs, hidden_units, n_classes, block=lambda units: [
        layers.Dense(units, activation="relu", kernel_regularizer=keras.regularizers.L2(l2)),
        layers.BatchNormalization(momentum=0.9), layers.Dropout(dropout_rate)],
        output=layers.Dense(n_classes, activation="softmax", kernel_regularizer=keras.regularizers.L2(l2)))


@wrong("build_regularized_model", "Layer 2 is Dropout, expected BatchNormalization")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras
    from keras import layers

    return _model(n_inputs, hidden_units, n_classes, block=lambda units: [
        layers.Dense(units, kernel_regularizer=keras.regularizers.L2(l2)), layers.Dropout(dropout_rate),
        layers.BatchNormalization(momentum=0.9), layers.Activation("relu")],
        output=layers.Dense(n_classes, activation="softmax", kernel_regularizer=keras.regularizers.L2(l2)))


@wrong("build_regularized_model", "the output layer too")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras
    from keras import layers

    return _model(n_inputs, hidden_units, n_classes, block=lambda units: [
        layers.Dense(units, kernel_regularizer=keras.regularizers.L2(l2)), layers.BatchNormalization(momentum=0.9),
        layers.Activation("relu"), layers.Dropout(dropout_rate)],
        output=layers.Dense(n_classes, activation="softmax"))


@wrong("build_regularized_model", "the default of the string 'l2'")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    from keras import layers

    return _model(n_inputs, hidden_units, n_classes, block=lambda units: [
        layers.Dense(units, kernel_regularizer="l2"), layers.BatchNormalization(momentum=0.9),
        layers.Activation("relu"), layers.Dropout(dropout_rate)],
        output=layers.Dense(n_classes, activation="softmax", kernel_regularizer="l2"))


@wrong("build_regularized_model", "L1 penalizes")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras
    from keras import layers

    return _model(n_inputs, hidden_units, n_classes, block=lambda units: [
        layers.Dense(units, kernel_regularizer=keras.regularizers.L1(l2)), layers.BatchNormalization(momentum=0.9),
        layers.Activation("relu"), layers.Dropout(dropout_rate)],
        output=layers.Dense(n_classes, activation="softmax", kernel_regularizer=keras.regularizers.L1(l2)))


@wrong("build_regularized_model", "that is Keras's default")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras
    from keras import layers

    return _model(n_inputs, hidden_units, n_classes, block=lambda units: [
        layers.Dense(units, kernel_regularizer=keras.regularizers.L2(l2)), layers.BatchNormalization(),
        layers.Activation("relu"), layers.Dropout(dropout_rate)],
        output=layers.Dense(n_classes, activation="softmax", kernel_regularizer=keras.regularizers.L2(l2)))


@wrong("build_regularized_model", "have no biases (use_bias=False)")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras
    from keras import layers

    return _model(n_inputs, hidden_units, n_classes, block=lambda units: [
        layers.Dense(units, use_bias=False, kernel_regularizer=keras.regularizers.L2(l2)),
        layers.BatchNormalization(momentum=0.9), layers.Activation("relu"), layers.Dropout(dropout_rate)],
        output=layers.Dense(n_classes, activation="softmax", kernel_regularizer=keras.regularizers.L2(l2)))


def _regularized(n_inputs, hidden_units, n_classes, l2, dropout_rate, **dense_settings):
    """The specification's model, with ``dense_settings`` added to every Dense layer."""
    import keras
    from keras import layers

    def dense(units, **settings):
        return layers.Dense(units, kernel_regularizer=keras.regularizers.L2(l2), **settings, **dense_settings)

    return _model(n_inputs, hidden_units, n_classes, block=lambda units: [
        dense(units), layers.BatchNormalization(momentum=0.9), layers.Activation("relu"),
        layers.Dropout(dropout_rate)], output=dense(n_classes, activation="softmax"))


@wrong("build_regularized_model", "bias_regularizer, which the specification does not ask for")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras

    return _regularized(n_inputs, hidden_units, n_classes, l2, dropout_rate,
                        bias_regularizer=keras.regularizers.L2(l2))


@wrong("build_regularized_model", "activity_regularizer, which the specification does not ask for")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras

    return _regularized(n_inputs, hidden_units, n_classes, l2, dropout_rate,
                        activity_regularizer=keras.regularizers.L2(l2))


@wrong("build_regularized_model", "gamma_regularizer, which the specification does not ask for")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras
    from keras import layers

    penalty = keras.regularizers.L2(l2)
    return _model(n_inputs, hidden_units, n_classes, block=lambda units: [
        layers.Dense(units, kernel_regularizer=penalty),
        layers.BatchNormalization(momentum=0.9, gamma_regularizer=penalty),  # "regularize everything"
        layers.Activation("relu"), layers.Dropout(dropout_rate)],
        output=layers.Dense(n_classes, activation="softmax", kernel_regularizer=penalty))


@wrong("build_regularized_model", "has activation 'relu'; it should have none")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras
    from keras import layers

    return _model(n_inputs, hidden_units, n_classes, block=lambda units: [
        layers.Dense(units, activation="relu", kernel_regularizer=keras.regularizers.L2(l2)),
        layers.BatchNormalization(momentum=0.9), layers.Activation("relu"), layers.Dropout(dropout_rate)],
        output=layers.Dense(n_classes, activation="softmax", kernel_regularizer=keras.regularizers.L2(l2)))


@wrong("build_regularized_model", "gives raw scores (logits)")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras
    from keras import layers

    return _model(n_inputs, hidden_units, n_classes, block=lambda units: [
        layers.Dense(units, kernel_regularizer=keras.regularizers.L2(l2)), layers.BatchNormalization(momentum=0.9),
        layers.Activation("relu"), layers.Dropout(dropout_rate)],
        output=layers.Dense(n_classes, kernel_regularizer=keras.regularizers.L2(l2)))  # no softmax


@wrong("build_regularized_model", "Are l2 and dropout_rate swapped?")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    return _regularized(n_inputs, hidden_units, n_classes, dropout_rate, l2)  # arguments in the wrong order


@wrong("build_regularized_model", "the loss has from_logits=True")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras

    model = _regularized(n_inputs, hidden_units, n_classes, l2, dropout_rate)
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


@wrong("build_regularized_model", "keras.metrics.Accuracy() counts predictions")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras

    model = _regularized(n_inputs, hidden_units, n_classes, l2, dropout_rate)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=[keras.metrics.Accuracy()])
    return model


# --------------------------------------------------------------------------------------------------------
# fit_with_early_stopping


@wrong("fit_with_early_stopping", "restore_best_weights=True")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    import keras

    early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience)
    return model.fit(X_train, y_train, epochs=max_epochs, validation_data=(X_val, y_val),
                     callbacks=[early_stopping], verbose=0)


@wrong("fit_with_early_stopping", "monitor='loss' would watch the training loss")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    import keras

    early_stopping = keras.callbacks.EarlyStopping(monitor="loss", patience=patience, restore_best_weights=True)
    return model.fit(X_train, y_train, epochs=max_epochs, validation_data=(X_val, y_val),
                     callbacks=[early_stopping], verbose=0)


@wrong("fit_with_early_stopping", "pass validation_data=(X_val, y_val)")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    import keras

    early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    return model.fit(X_train, y_train, epochs=max_epochs, callbacks=[early_stopping], verbose=0)


@wrong("fit_with_early_stopping", "(Keras's default, when patience is left out)")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    import keras

    early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", restore_best_weights=True)  # patience 0
    return model.fit(X_train, y_train, epochs=max_epochs, validation_data=(X_val, y_val),
                     callbacks=[early_stopping], verbose=0)


def _early_stopping(**settings):
    import keras

    return keras.callbacks.EarlyStopping(**{"monitor": "val_loss", "restore_best_weights": True, **settings})


@wrong("fit_with_early_stopping", "itself. Use only the arrays the check passes in")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    from course_lib.data import load_digits

    X, y = load_digits(return_X_y=True)  # all 1,797 digits: the check's held-out ones too
    X = X.reshape(len(X), -1)
    return model.fit(X[:1500], y[:1500], epochs=max_epochs, validation_data=(X[1500:], y[1500:]),
                     callbacks=[_early_stopping(patience=patience)], verbose=0)


@wrong("fit_with_early_stopping", "X_train and X_val together")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    X_all, y_all = np.concatenate([X_train, X_val]), np.concatenate([y_train, y_val])
    return model.fit(X_all, y_all, epochs=max_epochs, validation_data=(X_val, y_val),
                     callbacks=[_early_stopping(patience=patience)], verbose=0)


@wrong("fit_with_early_stopping", "trained on the validation set")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    return model.fit(X_val, y_val, epochs=max_epochs, validation_data=(X_train, y_train),
                     callbacks=[_early_stopping(patience=patience)], verbose=0)


@wrong("fit_with_early_stopping", "validation_split")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    return model.fit(X_train, y_train, epochs=max_epochs, validation_split=0.2,
                     callbacks=[_early_stopping(patience=patience)], verbose=0)


@wrong("fit_with_early_stopping", "min_delta")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    return model.fit(X_train, y_train, epochs=max_epochs, validation_data=(X_val, y_val),
                     callbacks=[_early_stopping(patience=patience, min_delta=0.01)], verbose=0)


@wrong("fit_with_early_stopping", "monitor 'val_loss'")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    return model.fit(X_train, y_train, epochs=max_epochs, validation_data=(X_val, y_val),
                     callbacks=[_early_stopping(monitor="val_accuracy", patience=patience)], verbose=0)


@wrong("fit_with_early_stopping", "epochs=max_epochs")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    return model.fit(X_train, y_train, epochs=100, validation_data=(X_val, y_val),  # early stopping ends it anyway?
                     callbacks=[_early_stopping(patience=patience)], verbose=0)


@wrong("fit_with_early_stopping", "changed its input `X_train` in place")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    X_train -= X_train.mean(axis=0)  # centres the caller's array
    return model.fit(X_train, y_train, epochs=max_epochs, validation_data=(X_val, y_val),
                     callbacks=[_early_stopping(patience=patience)], verbose=0)


@wrong("fit_with_early_stopping", "trained another model")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    import keras

    copy = keras.models.clone_model(model)  # new weights; the caller's model is never trained
    copy.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return copy.fit(X_train, y_train, epochs=max_epochs, validation_data=(X_val, y_val),
                    callbacks=[_early_stopping(patience=patience)], verbose=0)


@wrong("fit_with_early_stopping", "mode='max'")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    return model.fit(X_train, y_train, epochs=max_epochs, validation_data=(X_val, y_val),
                     callbacks=[_early_stopping(patience=patience, mode="max")], verbose=0)


# --------------------------------------------------------------------------------------------------------
# make_random_search


@wrong("make_random_search", "only when its name has the prefix")
def make_random_search(classifier, n_iter):
    from scipy.stats import loguniform, uniform
    from sklearn.model_selection import RandomizedSearchCV

    return RandomizedSearchCV(classifier, {"dropout_rate": uniform(0.0, 0.5), "learning_rate": loguniform(1e-4, 1e-1),
                                           "batch_size": [16, 32, 64]}, n_iter=n_iter, cv=3, random_state=0)


@wrong("make_random_search", "loc to loc + SCALE")
def make_random_search(classifier, n_iter):
    from scipy.stats import loguniform, uniform
    from sklearn.model_selection import RandomizedSearchCV

    return RandomizedSearchCV(classifier, {"model__dropout_rate": uniform(0.1, 0.5),
                                           "optimizer__learning_rate": loguniform(1e-4, 1e-1),
                                           "batch_size": [16, 32, 64]}, n_iter=n_iter, cv=3, random_state=0)


@wrong("make_random_search", "Use scipy.stats.loguniform(1e-4, 1e-1)")
def make_random_search(classifier, n_iter):
    from scipy.stats import uniform
    from sklearn.model_selection import RandomizedSearchCV

    return RandomizedSearchCV(classifier, {"model__dropout_rate": uniform(0.0, 0.5),
                                           "optimizer__learning_rate": uniform(1e-4, 1e-1 - 1e-4),
                                           "batch_size": [16, 32, 64]}, n_iter=n_iter, cv=3, random_state=0)


@wrong("make_random_search", "a RandomizedSearchCV draws n_iter combinations")
def make_random_search(classifier, n_iter):
    from sklearn.model_selection import GridSearchCV

    return GridSearchCV(classifier, {"model__dropout_rate": [0.0, 0.25, 0.5],
                                     "optimizer__learning_rate": [1e-4, 1e-3, 1e-2, 1e-1],
                                     "batch_size": [16, 32, 64]}, cv=3)


def _search(classifier, n_iter, *, distributions=None, **settings):
    from scipy.stats import loguniform, uniform
    from sklearn.model_selection import RandomizedSearchCV

    distributions = {"model__dropout_rate": uniform(0.0, 0.5), "optimizer__learning_rate": loguniform(1e-4, 1e-1),
                     "batch_size": [16, 32, 64], **(distributions or {})}
    return RandomizedSearchCV(classifier, distributions, **{"n_iter": n_iter, "cv": 3, "random_state": 0, **settings})


@wrong("make_random_search", "pass n_iter=n_iter")
def make_random_search(classifier, n_iter):
    return _search(classifier, 10)  # the default, whatever was asked


@wrong("make_random_search", "scikit-learn's default, 5-fold")
def make_random_search(classifier, n_iter):
    return _search(classifier, n_iter, cv=None)


@wrong("make_random_search", "uses cv=5")
def make_random_search(classifier, n_iter):
    return _search(classifier, n_iter, cv=5)


@wrong("make_random_search", "pass random_state=0")
def make_random_search(classifier, n_iter):
    return _search(classifier, n_iter, random_state=None)


@wrong("make_random_search", "a list allows only those few values")
def make_random_search(classifier, n_iter):
    return _search(classifier, n_iter, distributions={"model__dropout_rate": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]})


@wrong("make_random_search", "expected the list [16, 32, 64]")
def make_random_search(classifier, n_iter):
    from scipy.stats import randint

    return _search(classifier, n_iter, distributions={"batch_size": randint(16, 65)})


@wrong("make_random_search", "shuffles the folds differently on every run")
def make_random_search(classifier, n_iter):
    from sklearn.model_selection import StratifiedKFold

    return _search(classifier, n_iter, cv=StratifiedKFold(3, shuffle=True))


@wrong("make_random_search", "searches over another estimator")
def make_random_search(classifier, n_iter):
    from scikeras.wrappers import KerasClassifier

    fresh = KerasClassifier(model=classifier.model, loss="sparse_categorical_crossentropy", optimizer="sgd",
                            verbose=0)  # loses the given settings
    return _search(fresh, n_iter)


# --------------------------------------------------------------------------------------------------------
# best_params


@wrong("best_params", "best TRAINING score")
def best_params(cv_results):
    return cv_results["params"][int(np.argmax(cv_results["mean_train_score"]))]


@wrong("best_params", "the LOWEST mean test score")
def best_params(cv_results):
    return cv_results["params"][int(np.argmax(cv_results["rank_test_score"]))]  # rank 1 is the best, not the largest


@wrong("best_params", "the dict cv_results['params'][i]")
def best_params(cv_results):
    return int(np.argmax(cv_results["mean_test_score"]))


@wrong("best_params", "keeps the first")
def best_params(cv_results):
    order = sorted(range(len(cv_results["params"])), key=lambda i: cv_results["mean_test_score"][i])
    return cv_results["params"][order[-1]]  # the last of a tie


@wrong("best_params", "keeps the first")
def best_params(cv_results):
    best = 0
    for i, score in enumerate(cv_results["mean_test_score"]):
        if score >= cv_results["mean_test_score"][best]:  # >= moves on to a later tie
            best = i
    return cv_results["params"][best]


@wrong("best_params", "the LOWEST mean test score")
def best_params(cv_results):
    return cv_results["params"][int(np.argmin(cv_results["mean_test_score"]))]  # as if it were a loss


@wrong("best_params", "best on the first fold alone")
def best_params(cv_results):
    return cv_results["params"][int(np.argmax(cv_results["split0_test_score"]))]


@wrong("best_params", "smallest spread over the folds")
def best_params(cv_results):
    return cv_results["params"][int(np.argmin(cv_results["std_test_score"]))]
