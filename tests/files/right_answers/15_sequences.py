"""Correct answers to exercises/15_sequences.ipynb written differently from the solutions.

``tests/test_corpus.py`` runs this file with ``right`` defined: ``@right(task)`` registers a function whose
check must pass on every seed.
"""

import numpy as np


@right("make_windows")
def make_windows(series, window, horizon=1):
    from numpy.lib.stride_tricks import sliding_window_view

    count = len(series) - window - horizon + 1
    return sliding_window_view(series, window)[:count], series[window + horizon - 1:]


@right("make_windows")
def make_windows(series, window, horizon=1):
    starts = np.arange(len(series) - window - horizon + 1)
    X = series[starts[:, None] + np.arange(window)]  # (count, 1) + (window,) -> (count, window) indices
    return X, series[starts + window + horizon - 1]


@right("make_windows")
def make_windows(series, window, horizon=1):
    inputs, targets = [], []
    for end in range(window, len(series) - horizon + 1):  # the window is series[end - window:end]
        inputs.append(list(series[end - window:end]))
        targets.append(series[end + horizon - 1])
    return np.array(inputs), np.array(targets)


@right("split_by_time")
def split_by_time(X, y, n_val, n_test):
    cuts = [len(X) - n_val - n_test, len(X) - n_test]
    X_train, X_val, X_test = np.split(X, cuts)
    y_train, y_val, y_test = np.split(y, cuts)
    return (X_train, y_train), (X_val, y_val), (X_test, y_test)


@right("split_by_time")
def split_by_time(X, y, n_val, n_test):
    from sklearn.model_selection import train_test_split

    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=n_test, shuffle=False)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=n_val, shuffle=False)
    return [[X_train, y_train], [X_val, y_val], [X_test, y_test]]


@right("split_by_time")
def split_by_time(X, y, n_val, n_test):
    n_train = len(X) - n_val - n_test
    parts = []
    for start, stop in ((0, n_train), (n_train, n_train + n_val), (n_train + n_val, len(X))):
        parts.append((X[start:stop].copy(), y[start:stop].copy()))
    return tuple(parts)


@right("scale_with_training_only")
def scale_with_training_only(train, val, test):
    mean, std = train.mean(), train.std(ddof=1)  # the sample standard deviation: accepted too
    return [(part - mean) / std for part in (train, val, test)]


@right("scale_with_training_only")
def scale_with_training_only(train, val, test):
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(train.reshape(-1, 1))  # one column: all training values together
    return tuple(scaler.transform(part.reshape(-1, 1)).reshape(part.shape) for part in (train, val, test))


@right("scale_with_training_only")
def scale_with_training_only(train, val, test):
    train, val, test = train.copy(), val.copy(), test.copy()  # our own arrays: scaling them in place is safe
    mean, std = train.mean(), train.std()
    for part in (train, val, test):
        part -= mean
        part /= std
    return train, val, test


@right("fit_ar")
def fit_ar(X, y):
    design = np.hstack([np.ones((len(X), 1)), X])
    return np.linalg.solve(design.T @ design, design.T @ y)  # the normal equations


@right("fit_ar")
def fit_ar(X, y):
    return np.linalg.pinv(np.column_stack([np.ones(len(X)), X])) @ y


@right("fit_ar")
def fit_ar(X, y):
    from sklearn.linear_model import LinearRegression

    fitted = LinearRegression().fit(X, y)
    return np.concatenate([[fitted.intercept_], fitted.coef_])


@right("fit_ar")
def fit_ar(X, y):
    # Centre first: the weights of the centred problem, and the intercept that puts the means back.
    X_mean, y_mean = X.mean(axis=0), y.mean()
    weights = np.linalg.lstsq(X - X_mean, y - y_mean, rcond=None)[0]
    return np.r_[y_mean - X_mean @ weights, weights]


@right("build_conv1d_forecaster")
def build_conv1d_forecaster(window):
    import keras
    from keras import layers

    inputs = keras.Input(shape=(window, 1))
    x = inputs
    for dilation in (1, 2, 4):
        x = layers.Conv1D(filters=16, kernel_size=(3,), padding="causal", dilation_rate=(dilation,),
                          activation="relu")(x)
    x = layers.Flatten()(layers.Cropping1D(cropping=(window - 1, 0))(x))
    model = keras.Model(inputs, layers.Dense(1)(x))  # the functional API
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.MeanSquaredError(),
                  metrics=[keras.metrics.MeanAbsoluteError()])
    return model


@right("build_conv1d_forecaster")
def build_conv1d_forecaster(window):
    import keras
    from keras import layers

    model = keras.Sequential()
    model.add(keras.Input(shape=(window, 1)))
    for dilation in (1, 2, 4):
        model.add(layers.Conv1D(16, 3, padding="causal", dilation_rate=dilation, activation="relu"))
    model.add(layers.Cropping1D((window - 1, 0)))
    model.add(layers.Flatten())
    model.add(layers.Dense(1, activation="linear"))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="mean_squared_error",
                  metrics=["mean_absolute_error"])
    return model
