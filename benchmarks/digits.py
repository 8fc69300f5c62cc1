"""Digits (25% stratified test split, random_state=42): baselines, the from-scratch network, its Keras twin,
the course's CNN and its best model; accuracy and training time over 3 seeds; then (not in quick mode) the
paired contest of the best model and the tuned SVM over 10 splits (``best_model.contest``)."""

import statistics
import time

import numpy as np

SEEDS = (0, 1, 2)
HIDDEN, EPOCHS, BATCH, LEARNING_RATE = 128, 30, 32, 0.1
SVM_GRID = {"C": [1, 3, 10, 30], "gamma": [0.1, 0.2, 0.3, 0.45, 0.6]}


def split():
    from sklearn.model_selection import train_test_split

    from course_lib.data import load_digits

    digits = load_digits()
    return train_test_split(digits.images, digits.target, test_size=0.25, stratify=digits.target, random_state=42)


def logistic_regression(x_train, y_train, x_test, seed):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(max_iter=3000).fit(x_train.reshape(len(x_train), -1), y_train)
    return model.predict(x_test.reshape(len(x_test), -1))


def svm_tuned(x_train, y_train, x_test, seed):
    """An RBF SVM with C and gamma chosen by 5-fold cross-validation on the training part only."""
    from .best_model import tuned_svm

    return tuned_svm(x_train, y_train).predict(x_test.reshape(len(x_test), -1))


def numpy_network(x_train, y_train, x_test, seed):
    """64 -> 128 ReLU -> 10 softmax, He initialization, mini-batch SGD on cross-entropy, written out by hand."""
    rng = np.random.default_rng(seed)
    X, Xt = x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)
    W1 = rng.normal(0, np.sqrt(2 / 64), (64, HIDDEN))
    b1 = np.zeros(HIDDEN)
    W2 = rng.normal(0, np.sqrt(2 / HIDDEN), (HIDDEN, 10))
    b2 = np.zeros(10)
    for _ in range(EPOCHS):
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH):
            batch = order[start:start + BATCH]
            x, y = X[batch], y_train[batch]
            z1 = x @ W1 + b1                                   # (B, 64) @ (64, H) -> (B, H)
            a1 = np.maximum(z1, 0)
            z2 = a1 @ W2 + b2                                  # (B, H) @ (H, 10) -> (B, 10)
            p = np.exp(z2 - z2.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            dz2 = p.copy()
            dz2[np.arange(len(y)), y] -= 1
            dz2 /= len(y)
            dW2, db2 = a1.T @ dz2, dz2.sum(axis=0)
            dz1 = (dz2 @ W2.T) * (z1 > 0)
            dW1, db1 = x.T @ dz1, dz1.sum(axis=0)
            W1 -= LEARNING_RATE * dW1
            b1 -= LEARNING_RATE * db1
            W2 -= LEARNING_RATE * dW2
            b2 -= LEARNING_RATE * db2
    return np.argmax(np.maximum(Xt @ W1 + b1, 0) @ W2 + b2, axis=1)


def keras_network(x_train, y_train, x_test, seed):
    """The same network, initialization, optimizer, batch size and epochs, in Keras."""
    from course_lib.env import import_keras

    keras, _ = import_keras()
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(64,)),
                              keras.layers.Dense(HIDDEN, activation="relu", kernel_initializer="he_normal"),
                              keras.layers.Dense(10, activation="softmax", kernel_initializer="he_normal")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE), loss="sparse_categorical_crossentropy")
    model.fit(x_train.reshape(len(x_train), -1), y_train, epochs=EPOCHS, batch_size=BATCH, verbose=0)
    return model.predict(x_test.reshape(len(x_test), -1), verbose=0).argmax(axis=1)


def course_cnn(x_train, y_train, x_test, seed):
    """Lesson 07's digits CNN (two conv-pool blocks, softmax head), trained longer on the larger split."""
    from course_lib.env import import_keras

    keras, _ = import_keras()
    layers = keras.layers
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003), loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
    return model.predict(x_test, verbose=0).argmax(axis=1)


def best_model(x_train, y_train, x_test, seed):
    """Lesson 13's best model: see best_model.py."""
    from .best_model import predict_best

    return predict_best(x_train, y_train, x_test, seed)


MODELS = {"logistic regression": logistic_regression, "RBF SVM (tuned)": svm_tuned,
          "NumPy network (from scratch)": numpy_network, "Keras network (its twin)": keras_network,
          "course CNN (lesson 07)": course_cnn, "best course model (lesson 13)": best_model}


def run(quick=False) -> dict:
    x_train, x_test, y_train, y_test = split()
    seeds = SEEDS[:1] if quick else SEEDS
    names = ["logistic regression", "NumPy network (from scratch)"] if quick else list(MODELS)
    rows = []
    for name in names:
        accuracies, seconds = [], []
        for seed in seeds:
            start = time.perf_counter()
            predicted = MODELS[name](x_train, y_train, x_test, seed)
            seconds.append(time.perf_counter() - start)
            accuracies.append(float(np.mean(predicted == y_test)))
        row = {"model": name, "accuracy_mean": round(statistics.mean(accuracies), 4),
               "accuracy_min": round(min(accuracies), 4), "accuracies": [round(a, 4) for a in accuracies],
               "train_seconds_median": round(statistics.median(seconds), 2)}
        rows.append(row)
        print(f"  {name:<32} {row['accuracy_mean']:.2%} (min {row['accuracy_min']:.2%})  "
              f"{row['train_seconds_median']:.1f} s", flush=True)
    by_name = {row["model"]: row for row in rows}
    met = {}
    if {"NumPy network (from scratch)", "Keras network (its twin)"} <= by_name.keys():
        gap = by_name["NumPy network (from scratch)"]["accuracy_mean"] - by_name["Keras network (its twin)"]["accuracy_mean"]
        met["numpy_within_1_point_of_keras"] = abs(gap) <= 0.01
    if {"best course model (lesson 13)", "RBF SVM (tuned)"} <= by_name.keys():
        best = by_name["best course model (lesson 13)"]
        met["best_at_least_99.3"] = best["accuracy_mean"] >= 0.993
        met["best_ahead_of_svm"] = best["accuracy_mean"] > by_name["RBF SVM (tuned)"]["accuracy_mean"]
    results = {"test_size": len(y_test), "seeds": list(seeds), "rows": rows, "met": met}
    if not quick:  # the paired contest over 10 splits (5 to 10 minutes on 2 cores): see best_model.py
        from . import best_model

        results["contest"] = best_model.contest()
        met["best_ahead_of_svm_over_10_splits"] = results["contest"]["summary"]["best_ahead_of_svm_on_mean"]
    return results
