"""Correct answers to exercises/01_neurons.ipynb written differently from the solution: each must pass.

``tests/test_exercises.py`` runs this file with ``right`` defined: ``@right(task)`` registers a function as a
correct answer to ``task`` whose check must pass on every seed.
"""

import math

import numpy as np


@right("weighted_sum")
def weighted_sum(x, w, b):
    total = b
    for x_i, w_i in zip(x, w):  # a loop instead of np.dot
        total += x_i * w_i
    return total


@right("weighted_sum")
def weighted_sum(x, w, b):
    return np.sum(x * w) + b  # a NumPy float


@right("sigmoid")
def sigmoid(z):
    return 0.5 * (1 + np.tanh(z / 2))  # the same function, written with tanh


@right("sigmoid")
def sigmoid(z):
    return np.exp(-np.logaddexp(0, -z))  # 1 / (1 + e^-z) computed in log space: no overflow for any z


@right("relu")
def relu(z):
    return np.where(z > 0, z, 0.0)


@right("relu")
def relu(z):
    return (z + np.abs(z)) / 2


@right("relu")
def relu(z):
    return np.clip(z, 0, None)


@right("and_gate")
def and_gate():
    return [0.5, 0.5], -0.75  # a list and another threshold between 1 and 2 times the weight


@right("and_gate")
def and_gate():
    return np.array([1.0, 1.0]), -2.0  # (1, 1) gives exactly 0, and the step fires at z >= 0 (lesson 01)


@right("and_gate")
def and_gate():
    return np.array([0.5, 0.5]), -1.0  # lesson 01's own AND neuron


@right("xor_network")
def xor_network(X):
    def step(z):
        return (z > 0).astype(float)
    W1 = np.array([[1.0, 1.0],
                   [1.0, 1.0]])  # column 0: OR, column 1: AND
    b1 = np.array([-0.5, -1.5])
    hidden = step(X @ W1 + b1)
    return step(hidden @ np.array([1.0, -1.0]) - 0.5)  # OR and not AND


@right("xor_network")
def xor_network(X):
    def neuron(x, w, b):
        return 1 if np.dot(w, x) + b > 0 else 0
    outputs = []
    for x in X:  # one row at a time
        h1 = neuron(x, [1, 1], -0.5)   # OR
        h2 = neuron(x, [-1, -1], 1.5)  # NAND
        outputs.append(neuron([h1, h2], [1, 1], -1.5))
    return np.array(outputs)  # ints


@right("softmax")
def softmax(z):
    shifted = z - np.max(z)
    return np.exp(shifted - np.log(np.sum(np.exp(shifted))))  # log-sum-exp


@right("softmax")
def softmax(z):
    top = max(z)
    exps = [math.exp(value - top) for value in z]  # plain Python
    total = sum(exps)
    return np.array([e / total for e in exps])
