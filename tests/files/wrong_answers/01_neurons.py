"""Typical wrong answers to exercises/01_neurons.ipynb, each with the hint its check must give.

``tests/test_exercises.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a
function as a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""

import numpy as np


@wrong("weighted_sum", "without the bias")
def weighted_sum(x, w, b):
    return float(x @ w)


@wrong("weighted_sum", "multiplied by their weights")
def weighted_sum(x, w, b):
    return float((x + w).sum() + b)


@wrong("sigmoid", "e^(-z)")
def sigmoid(z):
    return 1 / (1 + np.exp(z))


@wrong("relu", "np.maximum")
def relu(z):
    return max(np.max(z), 0.0) + 0 * np.asarray(z)


@wrong("relu", "keeps the shape")
def relu(z):
    return [max(value, 0.0) for value in np.ravel(z)]


@wrong("and_gate", "computes OR")
def and_gate():
    return np.array([1.0, 1.0]), -0.5


@wrong("and_gate", "pair (w, b)")
def and_gate():
    return np.array([1.0, 1.0, -1.5])


@wrong("xor_network", "exactly one input")
def xor_network(X):
    return (X.sum(axis=1) > 0).astype(float)  # OR, not XOR


@wrong("softmax", "Subtract z.max()")
def softmax(z):
    return np.exp(z) / np.exp(z).sum()


@wrong("softmax", "divides z by its sum")
def softmax(z):
    return z / z.sum()


# --------------------------------------------------------------------------------------------------------
# Added for issue 14: mistakes the first checks let through, or gave the wrong hint for.

import math


def _step(z):
    return (np.asarray(z) > 0).astype(float)


@wrong("weighted_sum", "the bias is subtracted")
def weighted_sum(x, w, b):
    return float(x @ w - b)


@wrong("weighted_sum", "only the first 3 inputs")
def weighted_sum(x, w, b):
    return x[0] * w[0] + x[1] * w[1] + x[2] * w[2] + b  # written for the three inputs of the lesson's example


@wrong("weighted_sum", "the bias was added to every product")
def weighted_sum(x, w, b):
    return float(np.sum(x * w + b))


@wrong("weighted_sum", "averages the products")
def weighted_sum(x, w, b):
    return float(np.mean(x * w) + b)


@wrong("weighted_sum", "changed its input `x` in place")
def weighted_sum(x, w, b):
    x *= w
    return float(x.sum() + b)


@wrong("sigmoid", "this is tanh")
def sigmoid(z):
    return np.tanh(z)


@wrong("sigmoid", "1 - sigmoid(z)")
def sigmoid(z):
    return np.exp(-z) / (1 + np.exp(-z))


@wrong("sigmoid", "math.exp")
def sigmoid(z):
    return 1 / (1 + math.exp(-z))


@wrong("sigmoid", "a loop over z")
def sigmoid(z):
    return np.array([1 / (1 + math.exp(-value)) for value in z])  # fine for a 1-D z only


@wrong("sigmoid", "changed its input `z` in place")
def sigmoid(z):
    z = np.asarray(z)
    z *= -1
    return 1 / (1 + np.exp(z))


@wrong("relu", "(abs)")
def relu(z):
    return np.abs(z)


@wrong("relu", "changed its input `z` in place")
def relu(z):
    z = np.asarray(z)
    z[z < 0] = 0
    return z


@wrong("relu", "Python's max")
def relu(z):
    return max(z, 0)


@wrong("relu", "a step")
def relu(z):
    return (np.asarray(z) > 0).astype(float)


@wrong("relu", "leaky ReLU")
def relu(z):
    return np.maximum(z, 0.01 * np.asarray(z))


@wrong("and_gate", "computes NAND")
def and_gate():
    return np.array([-1.0, -1.0]), 1.5


@wrong("and_gate", "the step neuron fires at 0")
def and_gate():
    return np.array([1.0, 1.0]), -1.0  # (0, 1) gives w · x + b = 0, and lesson 01's step fires at z >= 0: OR


@wrong("and_gate", "the bias first")
def and_gate():
    return -1.5, np.array([1.0, 1.0])


@wrong("and_gate", "truth table")
def and_gate():
    return np.array([0.0, 0.0, 0.0, 1.0])


@wrong("xor_network", "same values whatever the order")
def xor_network(X):
    return np.array([0.0, 1.0, 1.0, 0.0])  # the table for (0,0), (0,1), (1,0), (1,1), whatever X holds


@wrong("xor_network", "computes AND")
def xor_network(X):
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])  # OR and AND in the hidden layer ...
    b1 = np.array([-0.5, -1.5])
    hidden = _step(X @ W1 + b1)
    return _step(hidden @ np.array([1.0, 1.0]) - 1.5)  # ... then AND: AND of OR and AND is AND


@wrong("xor_network", "one output per row")
def xor_network(X):
    W1 = np.array([[1.0, -1.0], [1.0, -1.0]])
    b1 = np.array([-0.5, 1.5])
    hidden = _step(X @ W1 + b1)
    W2 = np.array([[1.0], [1.0]])  # (2, 1): the output is a column (4, 1)
    return _step(hidden @ W2 - 1.5)


@wrong("xor_network", "step neurons")
def xor_network(X):
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))
    W1 = np.array([[5.0, -5.0], [5.0, -5.0]])
    b1 = np.array([-2.5, 7.5])
    return sigmoid(sigmoid(X @ W1 + b1) @ np.array([5.0, 5.0]) - 7.5)


@wrong("xor_network", "changed its input `X` in place")
def xor_network(X):
    X -= 0.5  # centre the inputs on 0 ...
    W1 = np.array([[1.0, -1.0], [1.0, -1.0]])
    b1 = np.array([0.5, 0.5])
    hidden = _step(X @ W1 + b1)
    return _step(hidden @ np.array([1.0, 1.0]) - 1.5)


@wrong("xor_network", "computes NAND")
def xor_network(X):
    def step(z):
        return (z >= 0).astype(float)  # fires at exactly 0 too, so the OR neuron fires on (0, 0)
    W1 = np.array([[1.0, -1.0], [1.0, -1.0]])
    b1 = np.array([0.0, 1.5])
    return step(step(X @ W1 + b1) @ np.array([1.0, 1.0]) - 1.5)


@wrong("softmax", "the smallest score")
def softmax(z):
    exps = np.exp(z - np.min(z))
    return exps / exps.sum()


@wrong("softmax", "the mean score")
def softmax(z):
    exps = np.exp(z - np.mean(z))
    return exps / exps.sum()


@wrong("softmax", "changed its input `z` in place")
def softmax(z):
    z -= np.max(z)
    return np.exp(z) / np.exp(z).sum()


@wrong("softmax", "every exponential")
def softmax(z):
    if np.max(z) > 100:  # shift only when the scores are large
        z = z - np.max(z)
    return np.exp(z) / np.exp(z).sum()


@wrong("softmax", "sums to")
def softmax(z):
    exps = np.exp(z - np.max(z))
    return exps / exps.max()


@wrong("sigmoid", "inf / (1 + inf) is NaN")
def sigmoid(z):
    E = np.exp(z)
    return E / (1 + E)  # the same function on paper; NaN for z above 709
