"""Typical wrong answers to exercises/03_training_from_scratch.ipynb, each with the hint its check must give.

``tests/test_exercises.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a
function as a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""

import numpy as np


def _one_hot(y, k):
    return np.eye(k)[y]


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _forward(params, X):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.maximum(Z1, 0)
    P = _softmax(A1 @ params["W2"] + params["b2"])
    return P, {"X": X, "Z1": Z1, "A1": A1, "P": P}


def _backward(params, cache, Y):
    X, Z1, A1, P = cache["X"], cache["Z1"], cache["A1"], cache["P"]
    dZ2 = (P - Y) / len(X)
    dZ1 = (dZ2 @ params["W2"].T) * (Z1 > 0)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


@wrong("cross_entropy", "Clip the probabilities")
def cross_entropy(P, y):
    return -np.mean(np.log(P[np.arange(len(y)), y]))


@wrong("cross_entropy", "P[np.arange(n), y]")
def cross_entropy(P, y):
    return -np.mean(np.log(np.clip(P[:, y], 1e-12, 1.0)))


@wrong("cross_entropy", "it is the SUM")
def cross_entropy(P, y):
    return -np.sum(np.log(np.clip(P[np.arange(len(y)), y], 1e-12, 1.0)))


@wrong("backward", "dZ1 = dA1 * (Z1 > 0)")
def backward(params, cache, Y):
    X, A1, P = cache["X"], cache["A1"], cache["P"]
    dZ2 = (P - Y) / len(X)
    dZ1 = dZ2 @ params["W2"].T  # the ReLU mask is missing
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


@wrong("backward", "MEAN over the batch")
def backward(params, cache, Y):
    X, Z1, A1, P = cache["X"], cache["Z1"], cache["A1"], cache["P"]
    dZ2 = P - Y  # no division by the batch size
    dZ1 = (dZ2 @ params["W2"].T) * (Z1 > 0)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


@wrong("backward", "a gradient always has its parameter's shape")
def backward(params, cache, Y):
    X, Z1, A1, P = cache["X"], cache["Z1"], cache["A1"], cache["P"]
    dZ2 = (P - Y) / len(X)
    dZ1 = (dZ2 @ params["W2"].T) * (Z1 > 0)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=1)}  # wrong axis


@wrong("backward", "opposite sign")
def backward(params, cache, Y):
    X, Z1, A1, P = cache["X"], cache["Z1"], cache["A1"], cache["P"]
    dZ2 = (Y - P) / len(X)
    dZ1 = (dZ2 @ params["W2"].T) * (Z1 > 0)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


def _numeric(compute_loss, array, h, central=True):
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + h
        plus = compute_loss()
        array[index] = original - h if central else original
        minus = compute_loss()
        array[index] = original
        grad[index] = (plus - minus) / ((2 if central else 1) * h)
    return grad


def _relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12)


@wrong("gradient_check", "use the central difference")
def gradient_check(compute_loss, params, grads, h=1e-5):
    return {name: _relative_error(grads[name], _numeric(compute_loss, params[name], h, central=False))
            for name in params}


@wrong("gradient_check", "put every nudged number back")
def gradient_check(compute_loss, params, grads, h=1e-5):
    errors = {}
    for name, array in params.items():
        numeric = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            array[index] += h
            plus = compute_loss()
            array[index] -= 2 * h  # and never put back: the array ends h below where it started
            numeric[index] = (plus - compute_loss()) / (2 * h)
        errors[name] = _relative_error(grads[name], numeric)
    return errors


@wrong("gradient_check", "Check the formula")
def gradient_check(compute_loss, params, grads, h=1e-5):
    return {name: float(np.max(np.abs(grads[name] - _numeric(compute_loss, params[name], h))
                               / (np.abs(grads[name]) + 1e-12)))
            for name in params}


@wrong("sgd_step", "went UP the gradient")
def sgd_step(params, grads, learning_rate):
    for name in params:
        params[name] += learning_rate * grads[name]


@wrong("sgd_step", "params did not change")
def sgd_step(params, grads, learning_rate):
    params = {name: params[name] - learning_rate * grads[name] for name in params}
    return params


@wrong("minibatches", "the last")
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]])
            for i in range(0, len(X) - batch_size + 1, batch_size)]


@wrong("minibatches", "Draw ONE permutation")
def minibatches(X, y, batch_size, rng):
    X, y = X[rng.permutation(len(X))], y[rng.permutation(len(y))]
    return [(X[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(X), batch_size)]


@wrong("minibatches", "without replacement")
def minibatches(X, y, batch_size, rng):
    order = rng.integers(0, len(X), size=len(X))
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]]) for i in range(0, len(X), batch_size)]


@wrong("minibatches", "original order")
def minibatches(X, y, batch_size, rng):
    return [(X[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(X), batch_size)]


@wrong("train_moons", "move downhill")
def train_moons(X, y, rng):
    params = {"W1": rng.normal(0, 1.0, size=(2, 16)), "b1": np.zeros(16),
              "W2": rng.normal(0, 0.25, size=(16, 2)), "b2": np.zeros(2)}
    for epoch in range(20):
        for start in range(0, len(X), 16):
            P, cache = _forward(params, X[start:start + 16])
            grads = _backward(params, cache, _one_hot(y[start:start + 16], 2))
            for name in params:
                params[name] += 0.5 * grads[name]  # uphill
    return params


@wrong("train_moons", "the target is 90%")
def train_moons(X, y, rng):
    params = {"W1": rng.normal(0, 1.0, size=(2, 16)), "b1": np.zeros(16),
              "W2": rng.normal(0, 0.25, size=(16, 2)), "b2": np.zeros(2)}
    for epoch in range(3):  # far too short
        for start in range(0, len(X), 16):
            P, cache = _forward(params, X[start:start + 16])
            grads = _backward(params, cache, _one_hot(y[start:start + 16], 2))
            for name in params:
                params[name] -= 0.1 * grads[name]
    return params


@wrong("train_moons", "did you forget to `return params`")
def train_moons(X, y, rng):
    params = {"W1": rng.normal(0, 1.0, size=(2, 16)), "b1": np.zeros(16),
              "W2": rng.normal(0, 0.25, size=(16, 2)), "b2": np.zeros(2)}
