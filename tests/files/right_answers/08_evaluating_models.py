"""Correct answers to exercises/08_evaluating_models.ipynb written differently from the solutions.

``tests/test_exercises.py`` runs this file with ``right`` defined: ``@right(task)`` registers a function
whose check must pass on every seed.
"""

import numpy as np


@right("binary_scores")
def binary_scores(y_true, y_pred):
    tp = fp = fn = 0
    for truth, answer in zip(y_true, y_pred):  # a plain loop, Python ints
        tp += truth == 1 and answer == 1
        fp += truth == 0 and answer == 1
        fn += truth == 1 and answer == 0
    precision = tp / (tp + fp) if tp + fp > 0 else 0.0
    recall = tp / (tp + fn) if tp + fn > 0 else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp > 0 else 0.0  # the same F1, from the counts
    return {"precision": precision, "recall": recall, "f1": f1}


@right("binary_scores")
def binary_scores(y_true, y_pred):
    from sklearn.metrics import f1_score, precision_score, recall_score
    return {"precision": precision_score(y_true, y_pred, zero_division=0),
            "recall": recall_score(y_true, y_pred, zero_division=0),
            "f1": f1_score(y_true, y_pred, zero_division=0)}


@right("balanced_accuracy")
def balanced_accuracy(y_true, y_pred):
    from sklearn.metrics import balanced_accuracy_score
    return balanced_accuracy_score(y_true, y_pred)


@right("balanced_accuracy")
def balanced_accuracy(y_true, y_pred):
    classes, index = np.unique(y_true, return_inverse=True)
    found = np.bincount(index, weights=(y_pred == y_true), minlength=len(classes))
    return float(np.mean(found / np.bincount(index)))


@right("balanced_accuracy")
def balanced_accuracy(y_true, y_pred):
    recalls = [np.mean(y_pred[y_true == c] == c) if np.any(y_true == c) else np.nan
               for c in range(max(y_true.max(), y_pred.max()) + 1)]
    return float(np.nanmean(recalls))  # labels with no true example are left out


@right("confusion_counts")
def confusion_counts(y_true, y_pred, num_classes):
    counts = np.bincount(y_true * num_classes + y_pred, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


@right("confusion_counts")
def confusion_counts(y_true, y_pred, num_classes):
    from sklearn.metrics import confusion_matrix
    return confusion_matrix(y_true, y_pred, labels=list(range(num_classes)))


@right("confusion_counts")
def confusion_counts(y_true, y_pred, num_classes):
    return [[int(np.sum((y_true == i) & (y_pred == j))) for j in range(num_classes)] for i in range(num_classes)]


@right("threshold_for_recall")
def threshold_for_recall(y_val, scores, target_recall):
    order = np.argsort(-scores, kind="stable")  # every example, highest score first
    found = np.cumsum(y_val[order] == 1) / np.sum(y_val == 1)
    return scores[order][np.argmax(found >= target_recall)]


@right("threshold_for_recall")
def threshold_for_recall(y_val, scores, target_recall):
    for t in np.unique(scores)[::-1]:  # every distinct score, from the highest
        if np.mean(scores[y_val == 1] >= t) >= target_recall:
            return float(t)


@right("threshold_for_recall")
def threshold_for_recall(y_val, scores, target_recall):
    from sklearn.metrics import roc_curve
    _, tpr, thresholds = roc_curve(y_val, scores)
    return thresholds[np.argmax(tpr >= target_recall)]


@right("auc_by_pairs")
def auc_by_pairs(y_true, scores):
    from sklearn.metrics import roc_auc_score
    return roc_auc_score(y_true, scores)


@right("auc_by_pairs")
def auc_by_pairs(y_true, scores):
    from scipy.stats import rankdata
    ranks = rankdata(scores)  # tied scores share their average rank
    positives, negatives = np.sum(y_true == 1), np.sum(y_true == 0)
    return float((ranks[y_true == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


@right("auc_by_pairs")
def auc_by_pairs(y_true, scores):
    total = 0.0
    positives = [s for s, y in zip(scores, y_true) if y == 1]
    negatives = [s for s, y in zip(scores, y_true) if y == 0]
    for p in positives:
        for n in negatives:
            total += 1.0 if p > n else 0.5 if p == n else 0.0
    return total / (len(positives) * len(negatives))


@right("choose_and_report")
def choose_and_report(val_accuracy, test_accuracy):
    ranked = sorted(val_accuracy.items(), key=lambda item: item[1], reverse=True)
    name = ranked[0][0]
    return [name, test_accuracy[name]]


@right("choose_and_report")
def choose_and_report(val_accuracy, test_accuracy):
    best_name, best = None, -1.0
    for name, accuracy in val_accuracy.items():
        if accuracy > best:
            best_name, best = name, accuracy
    return best_name, float(test_accuracy[best_name])
