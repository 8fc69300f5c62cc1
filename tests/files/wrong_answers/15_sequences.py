"""Typical wrong answers to exercises/15_sequences.ipynb, each with the hint its check must give.

``tests/test_corpus.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a function as
a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""

import numpy as np

# --- make_windows: off-by-one windows, the target inside the window, the horizon forgotten


@wrong("make_windows", "one window short")
def make_windows(series, window, horizon=1):
    count = len(series) - window - horizon  # one too few: the last window is lost
    X = np.array([series[start:start + window] for start in range(count)])
    return X, series[window + horizon - 1:window + horizon - 1 + count]


@wrong("make_windows", "window's own LAST value")
def make_windows(series, window, horizon=1):
    count = len(series) - window - horizon + 1
    X = np.array([series[start:start + window] for start in range(count)])
    y = np.array([series[start + window - 1] for start in range(count)])  # the end of the window itself
    return X, y


@wrong("make_windows", "the horizon is ignored")
def make_windows(series, window, horizon=1):
    X = np.array([series[start:start + window] for start in range(len(series) - window)])
    return X, series[window:]  # right for horizon=1 only


@wrong("make_windows", "asks for the value")
def make_windows(series, window, horizon=1):
    count = len(series) - window - horizon + 1
    X = np.array([series[start:start + window] for start in range(count)])
    return X, series[window:window + count]  # the next value, whatever the horizon


@wrong("make_windows", "each row holds its target too")
def make_windows(series, window, horizon=1):
    count = len(series) - window - horizon + 1
    rows = np.array([series[start:start + window + horizon] for start in range(count)])
    return rows, rows[:, -1]  # the target is the last column, still in the input


@wrong("make_windows", "it looks transposed")
def make_windows(series, window, horizon=1):
    count = len(series) - window - horizon + 1
    X = np.column_stack([series[start:start + window] for start in range(count)])  # one COLUMN per window
    return X, series[window + horizon - 1:]


@wrong("make_windows", "each window reversed")
def make_windows(series, window, horizon=1):
    count = len(series) - window - horizon + 1
    X = np.array([series[start:start + window][::-1] for start in range(count)])  # newest first
    return X, series[window + horizon - 1:]


# --- split_by_time: shuffling, the test set from the start, overlapping slices


@wrong("split_by_time", "shuffled")
def split_by_time(X, y, n_val, n_test):
    order = np.random.default_rng(0).permutation(len(X))  # "shuffle first, then split"
    X, y = X[order], y[order]
    a, b = len(X) - n_val - n_test, len(X) - n_test
    return (X[:a], y[:a]), (X[a:b], y[a:b]), (X[b:], y[b:])


@wrong("split_by_time", "shuffled")
def split_by_time(X, y, n_val, n_test):
    from sklearn.model_selection import train_test_split

    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=n_test)  # shuffle=True by default
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=n_val)
    return (X_train, y_train), (X_val, y_val), (X_test, y_test)


@wrong("split_by_time", "FIRST")
def split_by_time(X, y, n_val, n_test):
    return ((X[n_test + n_val:], y[n_test + n_val:]), (X[n_test:n_test + n_val], y[n_test:n_test + n_val]),
            (X[:n_test], y[:n_test]))


@wrong("split_by_time", "in two parts")
def split_by_time(X, y, n_val, n_test):
    a, b = len(X) - n_val - n_test, len(X) - n_test
    return (X[:a + 1], y[:a + 1]), (X[a:b], y[a:b]), (X[b:], y[b:])  # a + 1: one example twice


@wrong("split_by_time", "swapped")
def split_by_time(X, y, n_val, n_test):
    a, b = len(X) - n_val - n_test, len(X) - n_val  # the test part cut at n_val
    return (X[:a], y[:a]), (X[a:b], y[a:b]), (X[b:], y[b:])


@wrong("split_by_time", "no longer pairs")
def split_by_time(X, y, n_val, n_test):
    a, b = len(X) - n_val - n_test, len(X) - n_test
    rng = np.random.default_rng(1)
    return ((X[:a][rng.permutation(a)], y[:a][rng.permutation(a)]),  # each shuffled on its own
            (X[a:b], y[a:b]), (X[b:], y[b:]))


@wrong("split_by_time", "after the test part")
def split_by_time(X, y, n_val, n_test):
    a, b = len(X) - n_val - n_test, len(X) - n_val
    return (X[:a], y[:a]), (X[b:], y[b:]), (X[a:b], y[a:b])  # validation last


# --- scale_with_training_only: statistics from the wrong data, the wrong formula


@wrong("scale_with_training_only", "over all three parts")
def scale_with_training_only(train, val, test):
    everything = np.concatenate([train.ravel(), val.ravel(), test.ravel()])
    mean, std = everything.mean(), everything.std()
    return (train - mean) / std, (val - mean) / std, (test - mean) / std


@wrong("scale_with_training_only", "OWN mean")
def scale_with_training_only(train, val, test):
    return tuple((part - part.mean()) / part.std() for part in (train, val, test))


@wrong("scale_with_training_only", "one mean and one standard deviation per column")
def scale_with_training_only(train, val, test):
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(train)  # per column
    return scaler.transform(train), scaler.transform(val), scaler.transform(test)


@wrong("scale_with_training_only", "min-max")
def scale_with_training_only(train, val, test):
    low, high = train.min(), train.max()
    return tuple((part - low) / (high - low) for part in (train, val, test))


@wrong("scale_with_training_only", "nothing was divided")
def scale_with_training_only(train, val, test):
    mean = train.mean()
    return train - mean, val - mean, test - mean


@wrong("scale_with_training_only", "variance")
def scale_with_training_only(train, val, test):
    mean, variance = train.mean(), train.var()
    return (train - mean) / variance, (val - mean) / variance, (test - mean) / variance


@wrong("scale_with_training_only", "in place")
def scale_with_training_only(train, val, test):
    mean, std = train.mean(), train.std()
    for part in (train, val, test):
        part -= mean  # changes the caller's arrays
        part /= std
    return train, val, test


@wrong("scale_with_training_only", "include the validation part")
def scale_with_training_only(train, val, test):
    seen = np.concatenate([train.ravel(), val.ravel()])  # "everything but the test set"
    mean, std = seen.mean(), seen.std()
    return (train - mean) / std, (val - mean) / std, (test - mean) / std


# --- fit_ar: no intercept, the wrong order, not least squares


@wrong("fit_ar", "there is no intercept")
def fit_ar(X, y):
    return np.linalg.lstsq(X, y, rcond=None)[0]


@wrong("fit_ar", "the intercept is last")
def fit_ar(X, y):
    design = np.column_stack([X, np.ones(len(X))])
    return np.linalg.lstsq(design, y, rcond=None)[0]


@wrong("fit_ar", "reverse order")
def fit_ar(X, y):
    design = np.column_stack([np.ones(len(X)), X[:, ::-1]])  # newest value first
    return np.linalg.lstsq(design, y, rcond=None)[0]


@wrong("fit_ar", "the intercept is 0")
def fit_ar(X, y):
    return np.concatenate([[0.0], np.linalg.lstsq(X, y, rcond=None)[0]])


@wrong("fit_ar", "the intercept is the mean of y")
def fit_ar(X, y):
    intercept = y.mean()
    return np.concatenate([[intercept], np.linalg.lstsq(X, y - intercept, rcond=None)[0]])


@wrong("fit_ar", "not the least-squares weights")
def fit_ar(X, y):
    design = np.column_stack([np.ones(len(X)), X])
    return np.linalg.solve(design.T @ design + 1.0 * np.eye(design.shape[1]), design.T @ y)  # ridge


@wrong("fit_ar", "not the least-squares weights")
def fit_ar(X, y):
    design = np.column_stack([np.ones(len(X)), X])
    weights = np.zeros(design.shape[1])
    for step in range(200):  # gradient descent, stopped early
        weights -= 1e-4 * design.T @ (design @ weights - y) / len(y)
    return weights


# --- build_conv1d_forecaster: padding that reads the future, no dilation, the wrong head or compile


@wrong("build_conv1d_forecaster", "the future a forecaster never has")
def build_conv1d_forecaster(window):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(window, 1))]
                             + [layers.Conv1D(16, 3, padding="same", dilation_rate=d, activation="relu")
                                for d in (1, 2, 4)]
                             + [layers.Cropping1D((window - 1, 0)), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    return model


@wrong("build_conv1d_forecaster", "dilations 1, 2, 4")
def build_conv1d_forecaster(window):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(window, 1))]
                             + [layers.Conv1D(16, 3, padding="causal", activation="relu") for _ in range(3)]
                             + [layers.Cropping1D((window - 1, 0)), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    return model


@wrong("build_conv1d_forecaster", "without Cropping1D")
def build_conv1d_forecaster(window):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(window, 1))]
                             + [layers.Conv1D(16, 3, padding="causal", dilation_rate=d, activation="relu")
                                for d in (1, 2, 4)]
                             + [layers.Flatten(), layers.Dense(1)])  # every step's outputs
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    return model


@wrong("build_conv1d_forecaster", "lesson's window of 12 only")
def build_conv1d_forecaster(window):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(window, 1))]
                             + [layers.Conv1D(16, 3, padding="causal", dilation_rate=d, activation="relu")
                                for d in (1, 2, 4)]
                             + [layers.Cropping1D((11, 0)), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    return model


@wrong("build_conv1d_forecaster", "the other way round")
def build_conv1d_forecaster(window):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(window, 1))]
                             + [layers.Conv1D(16, 3, padding="causal", dilation_rate=d, activation="relu")
                                for d in (1, 2, 4)]
                             + [layers.Cropping1D((window - 1, 0)), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mae", metrics=["mse"])
    return model


@wrong("build_conv1d_forecaster", "accuracy counts forecasts EQUAL")
def build_conv1d_forecaster(window):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(window, 1))]
                             + [layers.Conv1D(16, 3, padding="causal", dilation_rate=d, activation="relu")
                                for d in (1, 2, 4)]
                             + [layers.Cropping1D((window - 1, 0)), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["accuracy"])
    return model


@wrong("build_conv1d_forecaster", "can be negative")
def build_conv1d_forecaster(window):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(window, 1))]
                             + [layers.Conv1D(16, 3, padding="causal", dilation_rate=d, activation="relu")
                                for d in (1, 2, 4)]
                             + [layers.Cropping1D((window - 1, 0)), layers.Flatten(),
                                layers.Dense(1, activation="relu")])  # sunspots are never negative, but scaled ones are
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    return model


@wrong("build_conv1d_forecaster", "Start from keras.Input(shape=(window, 1))")
def build_conv1d_forecaster(window):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(window,))]  # no features axis
                             + [layers.Conv1D(16, 3, padding="causal", dilation_rate=d, activation="relu")
                                for d in (1, 2, 4)]
                             + [layers.Cropping1D((window - 1, 0)), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    return model


@wrong("build_conv1d_forecaster", "not compiled")
def build_conv1d_forecaster(window):
    import keras
    from keras import layers

    return keras.Sequential([keras.Input(shape=(window, 1))]
                            + [layers.Conv1D(16, 3, padding="causal", dilation_rate=d, activation="relu")
                               for d in (1, 2, 4)]
                            + [layers.Cropping1D((window - 1, 0)), layers.Flatten(), layers.Dense(1)])
