"""Correct answers to exercises/09_regularization_and_tuning.ipynb written differently from the solutions.

``tests/test_exercises.py`` runs this file with ``right`` defined: ``@right(task)`` registers a function whose
check must pass on every seed.
"""

import numpy as np

# --------------------------------------------------------------------------------------------------------
# weight_penalty


@right("weight_penalty")
def weight_penalty(weights, l1=0.0, l2=0.0):
    total = 0.0
    for kernel in weights[0::2]:  # the list alternates kernel, bias, kernel, bias, ...
        for value in kernel.ravel():
            total += l1 * abs(value) + l2 * value * value
    return total


@right("weight_penalty")
def weight_penalty(weights, l1=0.0, l2=0.0):
    kernels = [W for W in weights if W.ndim > 1]
    return (l1 * sum(np.linalg.norm(W.ravel(), 1) for W in kernels)
            + l2 * sum(np.linalg.norm(W) ** 2 for W in kernels))  # the Frobenius norm, squared


@right("weight_penalty")
def weight_penalty(weights, l1=0.0, l2=0.0):
    flat = np.concatenate([W.ravel() for W in weights if len(W.shape) == 2])
    return l1 * np.abs(flat).sum() + l2 * flat @ flat  # a NumPy float


# --------------------------------------------------------------------------------------------------------
# dropout_forward


@right("dropout_forward")
def dropout_forward(x, rate, rng, training=True):
    if training is False:
        return x.copy()
    mask = (rng.random(x.size) > rate).reshape(x.shape)  # > instead of >=, drawn flat then reshaped
    return np.where(mask, x / (1 - rate), 0.0)


@right("dropout_forward")
def dropout_forward(x, rate, rng, training=True):
    if not training:
        return x
    out = np.array(x, dtype=float)  # a copy, changed in place
    out[rng.uniform(0.0, 1.0, size=x.shape) < rate] = 0.0
    out /= 1.0 - rate
    return out


@right("dropout_forward")
def dropout_forward(x, rate, rng, training=True):
    if training:
        keep = rng.binomial(1, 1.0 - rate, size=x.shape)  # another draw of the same distribution
        return x * keep / (1.0 - rate)
    return x


# --------------------------------------------------------------------------------------------------------
# build_regularized_model


@right("build_regularized_model")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras
    from keras import layers

    inputs = keras.Input(shape=(n_inputs,))  # the functional API
    z = inputs
    for units in hidden_units:
        z = layers.Dense(units, kernel_regularizer=keras.regularizers.l2(l2))(z)
        z = layers.BatchNormalization(momentum=0.9)(z)
        z = layers.Activation(keras.activations.relu)(z)
        z = layers.Dropout(dropout_rate)(z)
    outputs = layers.Dense(n_classes, activation="softmax", kernel_regularizer=keras.regularizers.l2(l2))(z)
    return keras.Model(inputs, outputs)


@right("build_regularized_model")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(n_inputs,))])
    for units in hidden_units:
        model.add(layers.Dense(units, kernel_regularizer=keras.regularizers.L1L2(l2=l2)))
        model.add(layers.BatchNormalization(momentum=0.9))
        model.add(layers.ReLU())
        model.add(layers.Dropout(rate=dropout_rate))
    model.add(layers.Dense(n_classes, kernel_regularizer=keras.regularizers.L1L2(l1=0.0, l2=l2)))
    model.add(layers.Softmax())  # softmax as a layer of its own
    return model


@right("build_regularized_model")
def build_regularized_model(n_inputs, hidden_units, n_classes, l2, dropout_rate):
    import keras
    from keras import layers

    def penalty():
        return keras.regularizers.L2(l2)

    blocks = [[layers.Dense(units, kernel_regularizer=penalty()), layers.BatchNormalization(momentum=0.9),
               layers.Activation("relu"), layers.Dropout(dropout_rate)] for units in hidden_units]
    model = keras.Sequential([keras.Input(shape=(n_inputs,)), *[layer for block in blocks for layer in block],
                              layers.Dense(n_classes, kernel_regularizer=penalty()),
                              layers.Activation("softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # harmless
    return model


# --------------------------------------------------------------------------------------------------------
# fit_with_early_stopping


@right("fit_with_early_stopping")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    from keras.callbacks import EarlyStopping

    stop = EarlyStopping(patience=patience, restore_best_weights=True, mode="min")  # monitor: val_loss by default
    history = model.fit(X_train.astype("float32"), y_train, batch_size=32, epochs=max_epochs,
                        validation_data=(X_val, y_val), callbacks=[stop], verbose=0)
    return history.history  # the dict is accepted too


@right("fit_with_early_stopping")
def fit_with_early_stopping(model, X_train, y_train, X_val, y_val, patience, max_epochs):
    import keras

    callbacks = [keras.callbacks.EarlyStopping("val_loss", 0, patience, restore_best_weights=True),
                 keras.callbacks.TerminateOnNaN()]
    # fit(x, y, batch_size, epochs, verbose, callbacks, validation_split, validation_data), all by position
    return model.fit(X_train, y_train, None, max_epochs, 0, callbacks, 0.0, (X_val, y_val))


# --------------------------------------------------------------------------------------------------------
# make_random_search


@right("make_random_search")
def make_random_search(classifier, n_iter):
    from scipy.stats import loguniform, uniform
    from sklearn.model_selection import RandomizedSearchCV, StratifiedKFold

    return RandomizedSearchCV(estimator=classifier, n_iter=n_iter, cv=StratifiedKFold(n_splits=3), random_state=0,
                              param_distributions={"model__dropout_rate": uniform(loc=0, scale=0.5),
                                                   "optimizer__learning_rate": loguniform(a=0.0001, b=0.1),
                                                   "fit__batch_size": (16, 32, 64)})


@right("make_random_search")
def make_random_search(classifier, n_iter):
    from scipy.stats import reciprocal, uniform  # reciprocal is loguniform under its old name
    from sklearn.model_selection import RandomizedSearchCV

    return RandomizedSearchCV(classifier, {"batch_size": np.array([16, 32, 64]),
                                           "optimizer__learning_rate": reciprocal(1e-4, 1e-1),
                                           "model__dropout_rate": uniform(0, 0.5)},
                              n_iter=n_iter, cv=3, random_state=0, n_jobs=1)


# --------------------------------------------------------------------------------------------------------
# best_params


@right("best_params")
def best_params(cv_results):
    return cv_results["params"][int(np.argmin(cv_results["rank_test_score"]))]  # rank 1, the first of a tie


@right("best_params")
def best_params(cv_results):
    scores = cv_results["mean_test_score"]
    return cv_results["params"][max(range(len(scores)), key=lambda i: scores[i])]  # max keeps the first


@right("best_params")
def best_params(cv_results):
    best = 0
    for i, score in enumerate(cv_results["mean_test_score"]):
        if score > cv_results["mean_test_score"][best]:  # strictly better: a later tie does not win
            best = i
    return dict(cv_results["params"][best])
