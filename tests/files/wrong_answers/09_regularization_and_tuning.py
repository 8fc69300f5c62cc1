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


@wrong("dropout_forward", "changed the array x")
def dropout_forward(x, rate, rng, training=True):
    if training:
        x[rng.random(x.shape) < rate] = 0.0
        x /= 1 - rate
    return x


@wrong("dropout_forward", "dropout is switched off")
def dropout_forward(x, rate, rng, training=True):
    return x * (rng.random(x.shape) >= rate) / (1 - rate)


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


@wrong("fit_with_early_stopping", "behaves like patience=1")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    import keras

    early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", restore_best_weights=True)  # patience 0
    return model.fit(X_train, y_train, epochs=max_epochs, validation_data=(X_val, y_val),
                     callbacks=[early_stopping], verbose=0)


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
