"""Correct answers to exercises/03_training_from_scratch.ipynb written differently from the solutions.

``tests/test_exercises.py`` runs this file with ``right`` defined: ``@right(task)`` registers a function whose
check must pass on every seed. The notebook's given cell (softmax, init_params, forward) is repeated here, as
the learner's namespace has it; ``train_moons`` uses the last ``minibatches``, ``backward`` and ``sgd_step``
defined in this file, as a notebook uses the last cell run.
"""

import math

import numpy as np

EPS = 1e-12


def softmax(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def init_params(n_inputs, n_hidden, n_classes, rng):
    return {"W1": rng.normal(0, np.sqrt(2 / n_inputs), size=(n_inputs, n_hidden)), "b1": np.zeros(n_hidden),
            "W2": rng.normal(0, np.sqrt(1 / n_hidden), size=(n_hidden, n_classes)), "b2": np.zeros(n_classes)}


def forward(params, X):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.maximum(Z1, 0)
    P = softmax(A1 @ params["W2"] + params["b2"])
    return P, {"X": X, "Z1": Z1, "A1": A1, "P": P}


def one_hot(labels, num_classes):
    return np.eye(num_classes)[labels]


# --------------------------------------------------------------------------------------------------------
# cross_entropy


@right("cross_entropy")
def cross_entropy(P, y):
    total = 0.0
    for i, label in enumerate(y):  # a loop, with math.log and max() as the clip
        total -= math.log(max(P[i, label], EPS))
    return total / len(y)


@right("cross_entropy")
def cross_entropy(P, y):
    Y = one_hot(y, P.shape[1])  # the one-hot form of the lesson: sum over classes, mean over samples
    return -np.sum(Y * np.log(np.clip(P, EPS, 1.0))) / len(y)


@right("cross_entropy")
def cross_entropy(P, y):
    p_true = np.take_along_axis(P, y[:, None], axis=1)[:, 0]
    return float(-np.log(np.maximum(p_true, EPS)).mean())


@right("cross_entropy")
def cross_entropy(P, y):
    return -np.mean(np.log(P[np.arange(len(y)), y] + EPS))  # adding EPS instead of clipping: the same to 1e-12


# --------------------------------------------------------------------------------------------------------
# backward


@right("backward")
def backward(params, cache, Y):
    X, A1, P = cache["X"], cache["A1"], cache["P"]
    dZ2 = (P - Y) / len(X)
    dZ1 = np.where(A1 > 0, dZ2 @ params["W2"].T, 0.0)  # the mask from A1: ReLU's output is > 0 where Z1 is
    ones = np.ones(len(X))
    return {"W1": X.T @ dZ1, "b1": ones @ dZ1, "W2": A1.T @ dZ2, "b2": ones @ dZ2}


@right("backward")
def backward(params, cache, Y):
    X, Z1, A1, P = cache["X"], cache["Z1"], cache["A1"], cache["P"]
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    for x, z1, a1, p, target in zip(X, Z1, A1, P, Y):  # one sample at a time, averaged at the end
        dz2 = p - target
        dz1 = (params["W2"] @ dz2) * (z1 > 0)
        grads["W2"] += np.outer(a1, dz2)
        grads["b2"] += dz2
        grads["W1"] += np.outer(x, dz1)
        grads["b1"] += dz1
    return {name: grad / len(X) for name, grad in grads.items()}


@right("backward")
def backward(params, cache, Y):
    X, Z1, A1, P = cache["X"], cache["Z1"], cache["A1"], cache["P"]
    dZ2 = (P - Y) / X.shape[0]
    dZ1 = np.einsum("bk,hk->bh", dZ2, params["W2"]) * (Z1 >= 0)  # >= or >: no Z1 is exactly 0
    return {"W2": np.einsum("bh,bk->hk", A1, dZ2), "b2": dZ2.sum(0),
            "W1": np.einsum("bd,bh->dh", X, dZ1), "b1": dZ1.sum(0)}


# --------------------------------------------------------------------------------------------------------
# gradient_check


@right("gradient_check")
def gradient_check(compute_loss, params, grads, h=1e-5):
    errors = {}
    for name, array in params.items():
        flat = array.reshape(-1)  # a view: nudging flat nudges params[name]
        numeric = np.zeros(flat.size)
        for i in range(flat.size):
            flat[i] += h  # += and -= rather than saving the value: back to within rounding
            plus = compute_loss()
            flat[i] -= 2 * h
            minus = compute_loss()
            flat[i] += h
            numeric[i] = (plus - minus) / (2 * h)
        a, b = grads[name].ravel(), numeric
        errors[name] = float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))
    return errors


@right("gradient_check")
def gradient_check(compute_loss, params, grads, h=1e-6):
    errors = {}
    for name in params:
        original = params[name]
        numeric = np.zeros_like(original)
        for index in np.ndindex(original.shape):
            for sign in (1, -1):  # a nudged copy put into the dict, the original array put back afterwards
                nudged = original.copy()
                nudged[index] += sign * h
                params[name] = nudged
                numeric[index] += sign * compute_loss() / (2 * h)
            params[name] = original
        errors[name] = np.linalg.norm(grads[name] - numeric) / max(
            np.linalg.norm(grads[name]) + np.linalg.norm(numeric), 1e-12)
    return errors


# --------------------------------------------------------------------------------------------------------
# sgd_step


@right("sgd_step")
def sgd_step(params, grads, learning_rate):
    for name in params:
        params[name] = params[name] - learning_rate * grads[name]  # new arrays, stored in the caller's dict


@right("sgd_step")
def sgd_step(params, grads, learning_rate):
    params.update({name: value - learning_rate * grads[name] for name, value in params.items()})
    return params


@right("sgd_step")
def sgd_step(params, grads, learning_rate):
    for name, grad in grads.items():
        np.subtract(params[name], learning_rate * grad, out=params[name])


# --------------------------------------------------------------------------------------------------------
# minibatches


@right("minibatches")
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):  # a generator
        batch = order[start:start + batch_size]
        yield X[batch], y[batch]


@right("minibatches")
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    X_shuffled, y_shuffled = X[order], y[order]  # new arrays; the caller's stay as they were
    count = math.ceil(len(X) / batch_size)
    return [(X_shuffled[b * batch_size:(b + 1) * batch_size], y_shuffled[b * batch_size:(b + 1) * batch_size])
            for b in range(count)]


@right("minibatches")
def minibatches(X, y, batch_size, rng):
    order = rng.permuted(np.arange(len(X)))
    return [(X[part], y[part]) for part in np.array_split(order, range(batch_size, len(X), batch_size))]


# --------------------------------------------------------------------------------------------------------
# train_moons (with the last minibatches, backward and sgd_step above)


@right("train_moons")
def train_moons(X, y, rng):
    params = init_params(2, 16, 2, rng)
    Y = one_hot(y, 2)  # one-hot once, sliced with the same order as X
    for epoch in range(100):
        order = rng.permutation(len(X))
        for start in range(0, len(X), 16):
            batch = order[start:start + 16]
            P, cache = forward(params, X[batch])
            sgd_step(params, backward(params, cache, Y[batch]), 0.5)
    return params


@right("train_moons")
def train_moons(X, y, rng):
    params = init_params(2, 32, 2, rng)  # wider, larger batches, more epochs
    for epoch in range(150):
        for X_batch, y_batch in minibatches(X, y, 32, rng):
            P, cache = forward(params, X_batch)
            sgd_step(params, backward(params, cache, one_hot(y_batch, 2)), learning_rate=0.5)
    return params
