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


# --------------------------------------------------------------------------------------------------------
# Added for issue 14: mistakes the first checks let through, or gave the wrong hint for.


def _relu(Z):
    return np.maximum(Z, 0.0)


@wrong("dense_forward", "No activation")
def dense_forward(X, W, b):
    return np.maximum(X @ W + b, 0.0)  # ReLU, though the task asks for the layer's Z only


@wrong("dense_forward", "changed its input `b` in place")
def dense_forward(X, W, b):
    b.shape = (1, -1)  # "make b a row" in place: the caller's b is now (1, n_units)
    return X @ W + b


@wrong("dense_forward", "inner sizes")
def dense_forward(X, W, b):
    return X @ W.T + b


@wrong("softmax", "minimum")
def softmax(Z):
    E = np.exp(Z - Z.min(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


@wrong("softmax", "mean")
def softmax(Z):
    E = np.exp(Z - Z.mean(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


@wrong("softmax", "changed its input `Z` in place")
def softmax(Z):
    Z -= Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


@wrong("softmax", "maxima were subtracted without keepdims=True")
def softmax(Z):
    E = np.exp(Z - Z.max(axis=1))  # (batch, k) - (batch,): lines up with the columns
    return E / E.sum(axis=1, keepdims=True)


@wrong("init_dense", "uniform")
def init_dense(n_inputs, n_units, activation, rng):
    scale = np.sqrt(2.0 / n_inputs) if activation == "relu" else np.sqrt(2.0 / (n_inputs + n_units))
    limit = np.sqrt(3.0) * scale  # a uniform distribution with the right standard deviation, but not a normal one
    return rng.uniform(-limit, limit, size=(n_inputs, n_units)), np.zeros(n_units)


@wrong("init_dense", "number of UNITS")
def init_dense(n_inputs, n_units, activation, rng):
    scale = np.sqrt(2.0 / n_inputs) if activation == "relu" else np.sqrt(2.0 / n_units)  # He with the fan-out
    return rng.normal(0.0, scale, size=(n_inputs, n_units)), np.zeros(n_units)


@wrong("init_dense", "different seeds")
def init_dense(n_inputs, n_units, activation, rng):
    rng = np.random.default_rng(0)  # a fresh generator with a fixed seed, instead of the one given
    scale = np.sqrt(2.0 / n_inputs) if activation == "relu" else np.sqrt(2.0 / (n_inputs + n_units))
    return rng.normal(0.0, scale, size=(n_inputs, n_units)), np.zeros(n_units)


@wrong("init_dense", "LeCun")
def init_dense(n_inputs, n_units, activation, rng):
    return rng.normal(0.0, np.sqrt(1.0 / n_inputs), size=(n_inputs, n_units)), np.zeros(n_units)


@wrong("init_dense", "it looks transposed")
def init_dense(n_inputs, n_units, activation, rng):
    scale = np.sqrt(2.0 / n_inputs) if activation == "relu" else np.sqrt(2.0 / (n_inputs + n_units))
    return rng.normal(0.0, scale, size=(n_units, n_inputs)), np.zeros(n_units)


@wrong("forward", "changed its input `params` in place")
def forward(X, params):
    W_out, b_out = params.pop()  # takes the output layer off the caller's list
    A = X
    for W, b in params:
        A = _relu(A @ W + b)
    return _softmax(A @ W_out + b_out)


@wrong("forward", "loop over the (W, b) pairs")
def forward(X, params):
    (W1, b1), (W2, b2) = params
    return _softmax(_relu(X @ W1 + b1) @ W2 + b2)


@wrong("forward", "ReLU was applied to the inputs X")
def forward(X, params):
    A = X
    for W, b in params[:-1]:
        A = _relu(A) @ W + b  # ReLU before each layer instead of after it
    W, b = params[-1]
    return _softmax(_relu(A) @ W + b)


@wrong("forward", "COLUMNS")
def forward(X, params):
    A = X
    for W, b in params[:-1]:
        A = _relu(A @ W + b)
    W, b = params[-1]
    Z = A @ W + b
    E = np.exp(Z - Z.max(axis=0))
    return E / E.sum(axis=0)


@wrong("forward", "sigmoid")
def forward(X, params):
    A = X
    for W, b in params[:-1]:
        A = 1 / (1 + np.exp(-(A @ W + b)))
    W, b = params[-1]
    return _softmax(A @ W + b)


@wrong("forward", "in order")
def forward(X, params):
    A = X
    for W, b in params[1:]:  # off by one: the first layer is skipped
        A = _relu(A @ W + b)
    return _softmax(A)


@wrong("count_parameters", "expected an int")
def count_parameters(layer_sizes):
    sizes = np.array(layer_sizes, dtype=float)
    return np.sum(sizes[:-1] * sizes[1:] + sizes[1:])  # a NumPy float


@wrong("count_parameters", "expected an int")
def count_parameters(layer_sizes):
    total = 0.0
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        total += n_in * n_out + n_out
    return total


@wrong("count_parameters", "gives the input a bias")
def count_parameters(layer_sizes):
    return sum(layer_sizes) + sum(n_in * n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))


@wrong("count_parameters", "counted per INPUT")
def count_parameters(layer_sizes):
    return sum(n_in * n_out + n_in for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))


@wrong("count_parameters", "the lesson's network")
def count_parameters(layer_sizes):
    return 64 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10


@wrong("count_parameters", "last layer")
def count_parameters(layer_sizes):
    return sum(layer_sizes[i] * layer_sizes[i + 1] + layer_sizes[i + 1] for i in range(len(layer_sizes) - 2))


@wrong("count_parameters", "changed its input `layer_sizes` in place")
def count_parameters(layer_sizes):
    n_in = layer_sizes.pop(0)  # the caller's list loses its first size
    total = 0
    for n_out in layer_sizes:
        total += n_in * n_out + n_out
        n_in = n_out
    return total
