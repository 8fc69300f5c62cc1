"""Correct answers to exercises/13_ensembles.ipynb written differently from the solutions.

``tests/test_exercises.py`` runs this file with ``right`` defined: ``@right(task)`` registers a function
whose check must pass on every seed.
"""

from collections import Counter

import numpy as np


@right("average_probabilities")
def average_probabilities(member_probs):
    return sum(member_probs) / len(member_probs)  # Python's sum starts from 0: a new array


@right("average_probabilities")
def average_probabilities(member_probs):
    total = np.zeros_like(member_probs[0])
    for probs in member_probs:
        total += probs  # adds into our own array, not a member's
    return total / len(member_probs)


@right("majority_vote")
def majority_vote(member_labels, num_classes):
    from scipy.stats import mode
    return mode(member_labels, axis=0, keepdims=False).mode  # the smallest of the most common values


@right("majority_vote")
def majority_vote(member_labels, num_classes):
    # Counter keeps the order it first met each label: sorted, the lowest tied label comes first.
    return np.array([Counter(sorted(column.tolist())).most_common(1)[0][0] for column in member_labels.T])


@right("majority_vote")
def majority_vote(member_labels, num_classes):
    winners = []
    for column in member_labels.T:
        values, counts = np.unique(column, return_counts=True)  # values sorted: argmax takes the lowest on a tie
        winners.append(int(values[np.argmax(counts)]))
    return winners


@right("member_and_ensemble_accuracy")
def member_and_ensemble_accuracy(member_probs, y):
    stack = np.stack(member_probs)                       # (m, n, k)
    member_accuracies = (stack.argmax(axis=2) == y).mean(axis=1)
    ensemble_accuracy = np.mean(stack.sum(axis=0).argmax(axis=1) == y)  # the sum has the same argmax as the mean
    return member_accuracies, ensemble_accuracy


@right("member_and_ensemble_accuracy")
def member_and_ensemble_accuracy(member_probs, y):
    member_accuracies = [float(np.mean(np.argmax(p, axis=1) == y)) for p in member_probs]  # a list
    return member_accuracies, float(np.mean(np.argmax(np.mean(member_probs, axis=0), axis=1) == y))


@right("disagreement_matrix")
def disagreement_matrix(member_labels):
    m, n = member_labels.shape
    D = np.zeros((m, m))
    for i in range(m):
        for j in range(i + 1, m):
            D[i, j] = D[j, i] = np.sum(member_labels[i] != member_labels[j]) / n
    return D


@right("disagreement_matrix")
def disagreement_matrix(member_labels):
    return 1 - (member_labels[:, None, :] == member_labels[None, :, :]).mean(axis=2)


@right("choose_ensemble_size")
def choose_ensemble_size(val_accuracy, tolerance):
    best = max(val_accuracy)
    for size, accuracy in enumerate(val_accuracy, start=1):
        if best - accuracy <= tolerance:
            return size


@right("choose_ensemble_size")
def choose_ensemble_size(val_accuracy, tolerance):
    accuracy = np.array(val_accuracy)
    return int(np.flatnonzero(accuracy + tolerance >= accuracy.max())[0] + 1)
