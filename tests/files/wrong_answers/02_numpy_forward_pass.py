"""Typical wrong answers to exercises/02_numpy_forward_pass.ipynb, each with the hint its check must give.

``tests/test_exercises.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a
function as a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""

import numpy as np


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


@wrong("dense_forward", "without the bias")
def dense_forward(X, W, b):
    return X @ W


@wrong("dense_forward", "each SAMPLE got its own bias")
def dense_forward(X, W, b):
    return X @ W + b.reshape(-1, 1)


@wrong("dense_forward", "the batch stays on the first axis")
def dense_forward(X, W, b):
    return W.T @ X.T + b.reshape(-1, 1)


@wrong("softmax", "np.exp overflows")
def softmax(Z):
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


@wrong("softmax", "each row's own maximum")
def softmax(Z):
    E = np.exp(Z - Z.max())
    return E / E.sum(axis=1, keepdims=True)


@wrong("softmax", "wrong axis")
def softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


@wrong("softmax", "keepdims=True")
def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1)  # (batch, k) / (batch,): broadcasts without an error only when batch == k


@wrong("init_dense", "gives without a scale")
def init_dense(n_inputs, n_units, activation, rng):
    return rng.normal(size=(n_inputs, n_units)), np.zeros(n_units)


@wrong("init_dense", "that is the He scale")
def init_dense(n_inputs, n_units, activation, rng):
    return rng.normal(0.0, np.sqrt(2.0 / n_inputs), size=(n_inputs, n_units)), np.zeros(n_units)


@wrong("init_dense", "is He's VARIANCE")
def init_dense(n_inputs, n_units, activation, rng):
    scale = 2.0 / n_inputs if activation == "relu" else np.sqrt(2.0 / (n_inputs + n_units))
    return rng.normal(0.0, scale, size=(n_inputs, n_units)), np.zeros(n_units)


@wrong("init_dense", "not np.random")
def init_dense(n_inputs, n_units, activation, rng):
    scale = np.sqrt(2.0 / n_inputs) if activation == "relu" else np.sqrt(2.0 / (n_inputs + n_units))
    return np.random.normal(0.0, scale, size=(n_inputs, n_units)), np.zeros(n_units)


@wrong("init_dense", "equal weights")
def init_dense(n_inputs, n_units, activation, rng):
    return np.full((n_inputs, n_units), 0.05), np.zeros(n_units)


@wrong("forward", "no ReLU between the layers")
def forward(X, params):
    A = X
    for W, b in params[:-1]:
        A = A @ W + b
    W, b = params[-1]
    return _softmax(A @ W + b)


@wrong("forward", "ReLU was applied to the last layer too")
def forward(X, params):
    A = X
    for W, b in params:
        A = np.maximum(A @ W + b, 0.0)
    return _softmax(A)


@wrong("forward", "logits")
def forward(X, params):
    A = X
    for W, b in params[:-1]:
        A = np.maximum(A @ W + b, 0.0)
    W, b = params[-1]
    return A @ W + b


@wrong("count_parameters", "weights only")
def count_parameters(layer_sizes):
    return sum(n_in * n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))


@wrong("count_parameters", "(n_in + 1) x (n_out + 1)")
def count_parameters(layer_sizes):
    return sum((n_in + 1) * (n_out + 1) for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))
