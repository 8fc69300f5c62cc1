"""Typical wrong answers to exercises/08_evaluating_models.ipynb, each with the hint its check must give.

``tests/test_exercises.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a
function as a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""

import numpy as np


def _counts(y_true, y_pred):
    tp = np.sum((y_pred == 1) & (y_true == 1))
    fp = np.sum((y_pred == 1) & (y_true == 0))
    fn = np.sum((y_pred == 0) & (y_true == 1))
    return tp, fp, fn


@wrong("binary_scores", "this is the recall")
def binary_scores(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    precision = tp / (tp + fn) if tp + fn else 0.0  # precision and recall swapped
    recall = tp / (tp + fp) if tp + fp else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


@wrong("binary_scores", "0 / 0 is NaN")
def binary_scores(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    precision, recall = tp / (tp + fp), tp / (tp + fn)  # NumPy integers: 0 / 0 gives nan with a warning
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall)}


@wrong("binary_scores", "harmonic mean")
def binary_scores(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": precision, "recall": recall, "f1": (precision + recall) / 2}


@wrong("balanced_accuracy", "plain accuracy")
def balanced_accuracy(y_true, y_pred):
    return float(np.mean(y_true == y_pred))


@wrong("balanced_accuracy", "one-vs-rest accuracy")
def balanced_accuracy(y_true, y_pred):
    classes = np.unique(y_true)
    return float(np.mean([np.mean((y_pred == c) == (y_true == c)) for c in classes]))


@wrong("balanced_accuracy", "mean per-class precision")
def balanced_accuracy(y_true, y_pred):
    classes = np.unique(y_true)
    return float(np.mean([np.mean(y_true[y_pred == c] == c) for c in classes]))


@wrong("confusion_counts", "rows and columns are swapped")
def confusion_counts(y_true, y_pred, num_classes):
    counts = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(counts, (y_pred, y_true), 1)
    return counts


@wrong("confusion_counts", "counted at most once")
def confusion_counts(y_true, y_pred, num_classes):
    counts = np.zeros((num_classes, num_classes), dtype=int)
    counts[y_true, y_pred] += 1  # repeated index pairs are written once
    return counts


@wrong("confusion_counts", "never occurs")
def confusion_counts(y_true, y_pred, num_classes):
    k = max(y_true.max(), y_pred.max()) + 1  # the classes that happen to occur
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def _positive_scores(y_val, scores):
    return np.sort(scores[y_val == 1])[::-1]


@wrong("threshold_for_recall", "HIGHEST threshold")
def threshold_for_recall(y_val, scores, target_recall):
    for t in np.sort(scores):  # scans upwards: the FIRST threshold that reaches the target is the lowest
        if np.mean(scores[y_val == 1] >= t) >= target_recall:
            return t


@wrong("threshold_for_recall", "HIGHEST threshold")
def threshold_for_recall(y_val, scores, target_recall):
    return scores[y_val == 1].min()  # recall 1: always reaches the target, with every false alarm


@wrong("threshold_for_recall", "too high")
def threshold_for_recall(y_val, scores, target_recall):
    positive_scores = _positive_scores(y_val, scores)
    recalls = np.arange(1, len(positive_scores) + 1) / len(positive_scores)
    return positive_scores[np.argmax(recalls >= target_recall) - 1]  # one positive short


@wrong("auc_by_pairs", "ties are left out")
def auc_by_pairs(y_true, scores):
    return float(np.mean(scores[y_true == 1][:, None] > scores[y_true == 0][None, :]))


@wrong("auc_by_pairs", "NEGATIVE example scores higher")
def auc_by_pairs(y_true, scores):
    positive, negative = scores[y_true == 1], scores[y_true == 0]
    return float(np.mean((negative[:, None] > positive[None, :]) + 0.5 * (negative[:, None] == positive[None, :])))


@wrong("choose_and_report", "best TEST accuracy")
def choose_and_report(val_accuracy, test_accuracy):
    name = max(test_accuracy, key=test_accuracy.get)
    return name, test_accuracy[name]


@wrong("choose_and_report", "is the validation accuracy")
def choose_and_report(val_accuracy, test_accuracy):
    name = max(val_accuracy, key=val_accuracy.get)
    return name, val_accuracy[name]
