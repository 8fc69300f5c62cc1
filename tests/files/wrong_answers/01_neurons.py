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
