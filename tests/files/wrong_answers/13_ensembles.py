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


# --- average_probabilities: what is divided by what, aliasing


@wrong("average_probabilities", "number of classes")
def average_probabilities(member_probs):
    stack = np.stack(member_probs)
    return stack.sum(axis=0) / stack.shape[2]  # divided by k, not by the number of members


@wrong("average_probabilities", "changed its input")
def average_probabilities(member_probs):
    total = member_probs[0]  # the first member's own array, not a copy
    for probs in member_probs[1:]:
        total += probs
    return total / len(member_probs)


@wrong("average_probabilities", "first two members")
def average_probabilities(member_probs):
    return (member_probs[0] + member_probs[1]) / 2  # written for the two members of the example


@wrong("average_probabilities", "not averaged")
def average_probabilities(member_probs):
    return np.stack(member_probs)


@wrong("average_probabilities", "multiplies")
def average_probabilities(member_probs):
    product = np.prod(member_probs, axis=0)  # a product of experts, renormalised
    return product / product.sum(axis=1, keepdims=True)


# --- majority_vote: types, ties, in place


@wrong("majority_vote", "integer array")
def majority_vote(member_labels, num_classes):
    winners = np.zeros(member_labels.shape[1])  # float64 labels
    for i, column in enumerate(member_labels.T):
        winners[i] = np.bincount(column, minlength=num_classes).argmax()
    return winners


@wrong("majority_vote", "changed its input")
def majority_vote(member_labels, num_classes):
    member_labels.sort(axis=0)  # sorts the caller's array: lowest labels first in every column
    return np.array([Counter(column.tolist()).most_common(1)[0][0] for column in member_labels.T])


@wrong("majority_vote", "averages the label numbers")
def majority_vote(member_labels, num_classes):
    return np.round(member_labels.mean(axis=0)).astype(int)


@wrong("majority_vote", "only where the votes tie")
def majority_vote(member_labels, num_classes):
    rng = np.random.default_rng(0)
    counts = np.stack([np.sum(member_labels == c, axis=0) for c in range(num_classes)], axis=1)
    return np.array([rng.choice(np.flatnonzero(row == row.max())) for row in counts])  # a tie: pick any


# --- member_and_ensemble_accuracy: error rates, other ways to combine, fixed class count


@wrong("member_and_ensemble_accuracy", "error rates")
def member_and_ensemble_accuracy(member_probs, y):
    members = np.array([np.mean(probs.argmax(axis=1) != y) for probs in member_probs])
    return members, float(np.mean(np.mean(member_probs, axis=0).argmax(axis=1) == y))


@wrong("member_and_ensemble_accuracy", "most confident member")
def member_and_ensemble_accuracy(member_probs, y):
    members = np.array([np.mean(probs.argmax(axis=1) == y) for probs in member_probs])
    confident = np.max(member_probs, axis=0)  # each class's highest probability over the members
    return members, float(np.mean(confident.argmax(axis=1) == y))


@wrong("member_and_ensemble_accuracy", "multiplies")
def member_and_ensemble_accuracy(member_probs, y):
    members = np.array([np.mean(probs.argmax(axis=1) == y) for probs in member_probs])
    log_sum = np.sum(np.log(member_probs), axis=0)
    return members, float(np.mean(log_sum.argmax(axis=1) == y))


@wrong("member_and_ensemble_accuracy", "changed its input")
def member_and_ensemble_accuracy(member_probs, y):
    members = np.array([np.mean(probs.argmax(axis=1) == y) for probs in member_probs])
    total = member_probs[0]
    for probs in member_probs[1:]:
        total += probs  # adds into the first member's array
    return members, float(np.mean(total.argmax(axis=1) == y))


# --- disagreement_matrix: diagonal, symmetry, what is averaged


@wrong("disagreement_matrix", "diagonal")
def disagreement_matrix(member_labels):
    m = len(member_labels)
    D = np.ones((m, m))
    for i in range(m):
        for j in range(m):
            if i != j:
                D[i, j] = np.mean(member_labels[i] != member_labels[j])
    return D


@wrong("disagreement_matrix", "symmetric")
def disagreement_matrix(member_labels):
    m = len(member_labels)
    D = np.zeros((m, m))
    for i in range(m):
        for j in range(i + 1, m):  # each pair once: the lower triangle stays 0
            D[i, j] = np.mean(member_labels[i] != member_labels[j])
    return D


@wrong("disagreement_matrix", "averaged over the members")
def disagreement_matrix(member_labels):
    return (member_labels[:, None, :] != member_labels[None, :, :]).mean(axis=0)


@wrong("disagreement_matrix", "number of members")
def disagreement_matrix(member_labels):
    differ = member_labels[:, None, :] != member_labels[None, :, :]
    return differ.sum(axis=2) / len(member_labels)


# --- choose_ensemble_size: >= at the boundary, relative tolerance, greedy, types


@wrong("choose_ensemble_size", "at least")
def choose_ensemble_size(val_accuracy, tolerance):
    val_accuracy = np.asarray(val_accuracy)
    return int(np.argmax(val_accuracy > val_accuracy.max() - tolerance)) + 1  # > drops the size exactly at the bound


@wrong("choose_ensemble_size", "relative")
def choose_ensemble_size(val_accuracy, tolerance):
    best = max(val_accuracy)
    return next(i + 1 for i, a in enumerate(val_accuracy) if a >= best * (1 - tolerance))


@wrong("choose_ensemble_size", "stops at the first small step")
def choose_ensemble_size(val_accuracy, tolerance):
    for i in range(len(val_accuracy) - 1):
        if val_accuracy[i + 1] - val_accuracy[i] < tolerance:  # "adding a member no longer pays"
            return i + 1
    return len(val_accuracy)


@wrong("choose_ensemble_size", "LAST")
def choose_ensemble_size(val_accuracy, tolerance):
    final = val_accuracy[-1]  # the full ensemble as the reference
    return next(i + 1 for i, a in enumerate(val_accuracy) if a >= final - tolerance)


@wrong("choose_ensemble_size", "a float")
def choose_ensemble_size(val_accuracy, tolerance):
    sizes = np.linspace(1, len(val_accuracy), len(val_accuracy))  # 1.0, 2.0, ...
    good = np.asarray(val_accuracy) >= max(val_accuracy) - tolerance
    return sizes[good][0]


y_val = np.arange(200) % 10  # the notebook's own validation labels, a global


@wrong("member_and_ensemble_accuracy", "reads the global array")
def member_and_ensemble_accuracy(member_probs, y):
    members = np.array([np.mean(probs.argmax(axis=1) == y) for probs in member_probs])
    averaged = np.mean(member_probs, axis=0)
    return members, float(np.mean(averaged.argmax(axis=1) == y_val[:len(averaged)]))  # not the y passed in
