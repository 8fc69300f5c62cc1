"""Typical wrong answers to exercises/13_ensembles.ipynb, each with the hint its check must give.

``tests/test_exercises.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a
function as a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""

from collections import Counter

import numpy as np


@wrong("average_probabilities", "averaged over the examples")
def average_probabilities(member_probs):
    return np.mean(member_probs, axis=1)


@wrong("average_probabilities", "divide by the number of members")
def average_probabilities(member_probs):
    return np.sum(member_probs, axis=0)


@wrong("average_probabilities", "averages the members' one-hot LABELS")
def average_probabilities(member_probs):
    stack = np.asarray(member_probs)
    return np.mean(np.eye(stack.shape[2])[stack.argmax(axis=2)], axis=0)


@wrong("majority_vote", "collections.Counter.most_common")
def majority_vote(member_labels, num_classes):
    return np.array([Counter(column.tolist()).most_common(1)[0][0] for column in member_labels.T])


@wrong("majority_vote", "HIGHEST tied label")
def majority_vote(member_labels, num_classes):
    counts = np.stack([np.sum(member_labels == c, axis=0) for c in range(num_classes)], axis=1)
    return np.array([np.flatnonzero(row == row.max())[-1] for row in counts])


@wrong("majority_vote", "one label per MEMBER")
def majority_vote(member_labels, num_classes):
    return np.array([np.bincount(row, minlength=num_classes).argmax() for row in member_labels])


@wrong("member_and_ensemble_accuracy", "average of the accuracies")
def member_and_ensemble_accuracy(member_probs, y):
    members = np.array([np.mean(probs.argmax(axis=1) == y) for probs in member_probs])
    return members, float(members.mean())


@wrong("member_and_ensemble_accuracy", "majority vote of the members' labels")
def member_and_ensemble_accuracy(member_probs, y):
    labels = np.array([probs.argmax(axis=1) for probs in member_probs])
    members = (labels == y).mean(axis=1)
    vote = np.array([np.bincount(column, minlength=10).argmax() for column in labels.T])
    return members, float(np.mean(vote == y))


@wrong("member_and_ensemble_accuracy", "one value per EXAMPLE")
def member_and_ensemble_accuracy(member_probs, y):
    labels = np.array([probs.argmax(axis=1) for probs in member_probs])
    return (labels == y).mean(axis=0), float(np.mean(np.mean(member_probs, axis=0).argmax(axis=1) == y))


@wrong("disagreement_matrix", "AGREE")
def disagreement_matrix(member_labels):
    return (member_labels[:, None, :] == member_labels[None, :, :]).mean(axis=2)


@wrong("disagreement_matrix", "divide by the number of examples")
def disagreement_matrix(member_labels):
    return (member_labels[:, None, :] != member_labels[None, :, :]).sum(axis=2)


@wrong("disagreement_matrix", "compares EXAMPLES")
def disagreement_matrix(member_labels):
    return (member_labels.T[:, None, :] != member_labels.T[None, :, :]).mean(axis=2)


@wrong("choose_ensemble_size", "the size with the best validation accuracy")
def choose_ensemble_size(val_accuracy, tolerance):
    return int(np.argmax(val_accuracy)) + 1


@wrong("choose_ensemble_size", "the INDEX of the answer")
def choose_ensemble_size(val_accuracy, tolerance):
    val_accuracy = np.asarray(val_accuracy)
    return int(np.argmax(val_accuracy >= val_accuracy.max() - tolerance))
