"""Correct answers to exercises/02_numpy_forward_pass.ipynb written differently from the solution: each must pass.

``tests/test_exercises.py`` runs this file with ``right`` defined: ``@right(task)`` registers a function as a
correct answer to ``task`` whose check must pass on every seed.
"""

import functools

import numpy as np


@right("dense_forward")
def dense_forward(X, W, b):
    return np.einsum("bi,iu->bu", X, W) + b[np.newaxis, :]


@right("dense_forward")
def dense_forward(X, W, b):
    return np.array([x @ W + b for x in X])  # one sample at a time


@right("dense_forward")
def dense_forward(X, W, b):
    return (W.T @ X.T).T + b


@right("softmax")
def softmax(Z):
    rows = []
    for z in Z:  # one row at a time
        e = np.exp(z - z.max())
        rows.append(e / e.sum())
    return np.array(rows)


@right("softmax")
def softmax(Z):
    M = np.max(Z, axis=1)[:, None]
    log_sums = M + np.log(np.exp(Z - M).sum(axis=1, keepdims=True))
    return np.exp(Z - log_sums)  # log-sum-exp


@right("softmax")
def softmax(Z):
    E = np.exp(Z.T - Z.max(axis=1))  # transposed: the row maxima line up with the columns of Z.T
    return (E / E.sum(axis=0)).T


@right("init_dense")
def init_dense(n_inputs, n_units, activation, rng):
    scales = {"relu": np.sqrt(2.0 / n_inputs), "tanh": np.sqrt(2.0 / (n_inputs + n_units))}
    W = scales[activation] * rng.standard_normal((n_inputs, n_units))  # standard normal, then scaled
    return W, np.zeros(n_units)


@right("init_dense")
def init_dense(n_inputs, n_units, activation, rng):
    variance = 2.0 / n_inputs if activation == "relu" else 2.0 / (n_inputs + n_units)
    W = rng.normal(size=(n_inputs, n_units)) * np.sqrt(variance)
    return W, np.zeros((n_units,))


@right("forward")
def forward(X, params):
    A = X
    for number, (W, b) in enumerate(params):
        Z = A @ W + b
        if number < len(params) - 1:
            A = np.maximum(Z, 0)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


@right("forward")
def forward(X, params):
    def hidden(A, layer):
        W, b = layer
        return np.maximum(A @ W + b, 0.0)
    A = functools.reduce(hidden, params[:-1], X)
    W, b = params[-1]
    Z = A @ W + b
    Z = Z - Z.max(axis=1, keepdims=True)
    return np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)


@right("count_parameters")
def count_parameters(layer_sizes):
    sizes = np.array(layer_sizes)
    return np.dot(sizes[:-1], sizes[1:]) + sizes[1:].sum()  # a NumPy int


@right("count_parameters")
def count_parameters(layer_sizes):
    total = 0
    for i in range(1, len(layer_sizes)):
        total += (layer_sizes[i - 1] + 1) * layer_sizes[i]  # weights and biases of layer i at once
    return total
