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


# --- binary_scores: undefined ratios, the F1 formula, what counts as a true positive


@wrong("binary_scores", "TP + FN = 0")
def binary_scores(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn)  # guarded only where the lesson showed it: no positive at all gives 0 / 0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


@wrong("binary_scores", "call it 0")
def binary_scores(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    precision = tp / (tp + fp) if tp + fp else 1.0  # "no false alarms, so perfectly precise"
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


@wrong("binary_scores", "precision + recall = 0")
def binary_scores(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall)  # TP = 0 makes both 0: 0 / 0
    return {"precision": precision, "recall": recall, "f1": f1}


@wrong("binary_scores", "the factor 2")
def binary_scores(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


@wrong("binary_scores", "every example where y_pred equals y_true")
def binary_scores(y_true, y_pred):
    tp = np.sum(y_pred == y_true)  # counts the true negatives as well
    fp = np.sum((y_pred == 1) & (y_true == 0))
    fn = np.sum((y_pred == 0) & (y_true == 1))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


# --- balanced_accuracy: which classes to average over


@wrong("balanced_accuracy", "classes the model predicts")
def balanced_accuracy(y_true, y_pred):
    classes = np.unique(y_pred)  # a class the model never predicts drops out
    return float(np.mean([np.mean(y_pred[y_true == c] == c) if np.any(y_true == c) else 0.0 for c in classes]))


@wrong("balanced_accuracy", "absent from y_true")
def balanced_accuracy(y_true, y_pred):
    classes = np.union1d(y_true, y_pred)  # a predicted class with no true example gets a recall of 0
    return float(np.mean([np.mean(y_pred[y_true == c] == c) if np.any(y_true == c) else 0.0 for c in classes]))


@wrong("balanced_accuracy", "not numbered 0, 1, 2")
def balanced_accuracy(y_true, y_pred):
    num_classes = len(np.unique(y_true))
    recalls = [np.mean(y_pred[y_true == c] == c) for c in range(num_classes)]  # assumes labels 0 .. k-1
    return float(np.mean(recalls))


@wrong("balanced_accuracy", "not numbered 0, 1, 2")
def balanced_accuracy(y_true, y_pred):
    size = y_true.max() + 1
    found = np.bincount(y_true[y_pred == y_true], minlength=size)
    total = np.bincount(y_true, minlength=size)
    return float(np.mean(found / np.maximum(total, 1)))  # labels with no example count as recall 0


@wrong("balanced_accuracy", "changed its input")
def balanced_accuracy(y_true, y_pred):
    y_pred[y_pred != y_true] = -1  # mark the mistakes, in the caller's array
    return float(np.mean([np.mean(y_pred[y_true == c] == c) for c in np.unique(y_true)]))


# --- confusion_counts: label positions, integer counts


@wrong("confusion_counts", "integer array")
def confusion_counts(y_true, y_pred, num_classes):
    counts = np.zeros((num_classes, num_classes))  # float64 counts
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


@wrong("confusion_counts", "integer array")
def confusion_counts(y_true, y_pred, num_classes):
    counts, _, _ = np.histogram2d(y_true, y_pred, bins=num_classes, range=[[0, num_classes], [0, num_classes]])
    return counts


@wrong("confusion_counts", "use the label itself as the index")
def confusion_counts(y_true, y_pred, num_classes):
    labels = np.unique(np.concatenate([y_true, y_pred]))  # the labels that occur, in order
    position = {label: i for i, label in enumerate(labels)}
    counts = np.zeros((num_classes, num_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        counts[position[t], position[p]] += 1
    return counts


@wrong("confusion_counts", "never occurs")
def confusion_counts(y_true, y_pred, num_classes):
    from sklearn.metrics import confusion_matrix
    return confusion_matrix(y_true, y_pred)  # only the labels that occur


@wrong("confusion_counts", "divided by its sum")
def confusion_counts(y_true, y_pred, num_classes):
    counts = np.zeros((num_classes, num_classes))
    np.add.at(counts, (y_true, y_pred), 1)
    return counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)


# --- threshold_for_recall: rounding the count, > for >=, interpolation, in place


@wrong("threshold_for_recall", "rounds DOWN")
def threshold_for_recall(y_val, scores, target_recall):
    positive_scores = _positive_scores(y_val, scores)
    needed = int(target_recall * len(positive_scores))  # 0.9 * 47 = 42.3 -> 42 positives: one short
    return positive_scores[needed - 1]


@wrong("threshold_for_recall", "scores > t")
def threshold_for_recall(y_val, scores, target_recall):
    positive_scores = _positive_scores(y_val, scores)
    for t in positive_scores:
        if np.mean(positive_scores > t) >= target_recall:  # the detector's rule is >=
            return t


@wrong("threshold_for_recall", "np.quantile")
def threshold_for_recall(y_val, scores, target_recall):
    return float(np.quantile(scores[y_val == 1], 1 - target_recall))


@wrong("threshold_for_recall", "changed its input")
def threshold_for_recall(y_val, scores, target_recall):
    order = np.argsort(-scores)
    scores[:] = scores[order]  # sorted in place, labels alongside: the caller's arrays are reordered
    y_val[:] = y_val[order]
    recall = np.cumsum(y_val) / y_val.sum()
    return scores[np.argmax(recall >= target_recall)]


@wrong("threshold_for_recall", "position")
def threshold_for_recall(y_val, scores, target_recall):
    positive_scores = _positive_scores(y_val, scores)
    recalls = np.arange(1, len(positive_scores) + 1) / len(positive_scores)
    return np.argmax(recalls >= target_recall)  # the index, not the score at it


# --- auc_by_pairs: ties, what is compared with what


@wrong("auc_by_pairs", "ties count as whole wins")
def auc_by_pairs(y_true, scores):
    return float(np.mean(scores[y_true == 1][:, None] >= scores[y_true == 0][None, :]))


@wrong("auc_by_pairs", "average rank")
def auc_by_pairs(y_true, scores):
    ranks = np.argsort(np.argsort(scores)) + 1  # tied scores get different ranks
    positives, negatives = np.sum(y_true == 1), np.sum(y_true == 0)
    return float((ranks[y_true == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


@wrong("auc_by_pairs", "mean score of the negatives")
def auc_by_pairs(y_true, scores):
    return float(np.mean(scores[y_true == 1] > scores[y_true == 0].mean()))


@wrong("auc_by_pairs", "every positive with every negative")
def auc_by_pairs(y_true, scores):
    positive, negative = scores[y_true == 1], scores[y_true == 0]
    pairs = min(len(positive), len(negative))
    positive, negative = positive[:pairs], negative[:pairs]  # the i-th positive with the i-th negative only
    return float(np.mean((positive > negative) + 0.5 * (positive == negative)))


@wrong("auc_by_pairs", "changed its input")
def auc_by_pairs(y_true, scores):
    from scipy.stats import rankdata
    order = np.argsort(scores, kind="stable")
    labels = y_true[order]
    sorted_scores = scores
    sorted_scores.sort()  # the same array as the caller's: sorted in place
    ranks = rankdata(sorted_scores)
    positives, negatives = np.sum(labels == 1), np.sum(labels == 0)
    return float((ranks[labels == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


# --- choose_and_report: max over a dict, direction, which figure


@wrong("choose_and_report", "compares the NAMES")
def choose_and_report(val_accuracy, test_accuracy):
    name = max(val_accuracy)  # the largest key: the last name in alphabetical order
    return name, test_accuracy[name]


@wrong("choose_and_report", "LOWEST validation accuracy")
def choose_and_report(val_accuracy, test_accuracy):
    name = sorted(val_accuracy, key=val_accuracy.get)[0]  # ascending: the first is the worst
    return name, test_accuracy[name]


@wrong("choose_and_report", "best test accuracy of any model")
def choose_and_report(val_accuracy, test_accuracy):
    name = max(val_accuracy, key=val_accuracy.get)
    return name, max(test_accuracy.values())
