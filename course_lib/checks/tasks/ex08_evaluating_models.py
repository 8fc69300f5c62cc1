"""Graded tasks of ``exercises/08_evaluating_models.ipynb``: metrics by hand, thresholds, AUC, test-set discipline.

Each judge's docstring states, clause by clause, what a correct answer must satisfy; each task's inputs hold a
case for every clause (undefined ratios, labels that are not ``0 .. k-1``, classes that never occur, tied
scores), so that an answer which ignores one of them fails on every seed.
"""

import math

import numpy as np

from .. import (Array, Cases, Exercise, Fail, Items, Number, Record, Text, call_each_case, expect_array, expect_close,
               expect_number)
from ..plain import is_plain_array
from ._common import is_integer_data

EXERCISE = Exercise("08_evaluating_models", "Evaluating models")
task = EXERCISE.task


def _counts(y_true, y_pred):
    """TP, FP, FN, TN of 0/1 arrays."""
    y_true, y_pred = np.asarray(y_true, dtype=bool), np.asarray(y_pred, dtype=bool)
    return (int(np.sum(y_pred & y_true)), int(np.sum(y_pred & ~y_true)), int(np.sum(~y_pred & y_true)),
            int(np.sum(~y_pred & ~y_true)))


def _ratio(a, b):
    return a / b if b else 0.0


def _classes_text(classes):
    """``class 3`` or ``classes 2 and 5`` or ``classes 1, 2 and 5``."""
    classes = [str(int(c)) for c in classes]
    if len(classes) == 1:
        return f"class {classes[0]}"
    return f"classes {', '.join(classes[:-1])} and {classes[-1]}"


# --------------------------------------------------------------------------------------------------------
# Task 1: precision, recall and F1


def _scores_inputs(rng):
    while True:
        n = int(rng.integers(40, 81))
        y_true = (rng.random(n) < 0.3).astype(int)
        y_pred = np.where(rng.random(n) < rng.uniform(0.12, 0.3), 1 - y_true, y_true)
        tp, fp, fn, tn = _counts(y_true, y_pred)
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        accuracy = (tp + tn) / n
        if min(tp, fp, fn) > 0 and abs(precision - recall) > 0.05 and min(abs(precision - accuracy),
                                                                            abs(recall - accuracy)) > 0.02:
            break
    silent_true = (rng.random(n) < 0.3).astype(int)
    silent_true[0] = 1
    no_positives = (rng.random(n) < 0.2).astype(int)
    no_positives[:2] = 1
    return {"cases": [{"y_true": y_true, "y_pred": y_pred},
                      {"y_true": silent_true, "y_pred": np.zeros(n, dtype=int)},     # never says "yes"
                      {"y_true": np.zeros(n, dtype=int), "y_pred": no_positives}]}  # nothing to find


SCORES = Record({"precision": Number(), "recall": Number(), "f1": Number()})  # the dict binary_scores returns


@task("binary_scores", points=2, inputs=_scores_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, SCORES))
def judge_binary_scores(data, inputs):
    """A correct answer, on every case:

    - ``precision = TP / (TP + FP)``, ``recall = TP / (TP + FN)``, ``F1 = 2 P R / (P + R)`` (case 1);
    - each is 0 where its denominator is 0: a model that never says "yes" (case 2: TP + FP = 0, and
      P + R = 0 for the F1), data with no positive example (case 3: TP + FN = 0);
    - leaves ``y_true`` and ``y_pred`` unchanged (the framework's guard).
    """
    for case, got in zip(inputs["cases"], data):
        tp, fp, fn, tn = _counts(case["y_true"], case["y_pred"])
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        f1 = _ratio(2 * precision * recall, precision + recall)
        accuracy = (tp + tn) / (tp + fp + fn + tn)
        what = "binary_scores(y_true, y_pred)"
        if tp + fp == 0:
            what += " for a model that never says 'yes'"
        elif tp + fn == 0:
            what += " for data with no positive example"
        undefined = {"precision": ("with no 'yes' answers TP + FP = 0", tp + fp == 0),
                     "recall": ("with no positive example TP + FN = 0", tp + fn == 0),
                     "f1": ("TP = 0 makes precision and recall both 0, so precision + recall = 0", tp == 0)}
        values = {}
        for key in ("precision", "recall", "f1"):
            values[key] = expect_number(got[key], f"the {key} of {what}", finite=False)
            reason, is_undefined = undefined[key]
            if math.isnan(values[key]):
                raise Fail(f"the {key} of {what} is NaN: {reason}, and 0 / 0 is NaN. Use the lesson's convention "
                           f"(scikit-learn's zero_division=0): call it 0.")
            if is_undefined and values[key] == 1 and key != "f1":
                raise Fail(f"the {key} of {what} is 1: {reason}, so the {key} is 0 / 0, which the lesson's "
                           f"convention (scikit-learn's zero_division=0) calls 0, not 1: call it 0.")
        agreements = tp + tn  # a TP that counts every example where the answers agree
        expect_close(values["precision"], precision, f"the precision of {what}", hints=[
            (recall, "this is the recall, TP / (TP + FN). Precision is TP / (TP + FP): of the 'yes' answers, the "
                     "share that is right."),
            (accuracy, "this is the accuracy, (TP + TN) / n. Precision is TP / (TP + FP)."),
            (_ratio(agreements, agreements + fp), "your TP counts every example where y_pred equals y_true, the "
                                                  "true negatives too; a true positive is y_pred == 1 AND "
                                                  "y_true == 1."),
        ])
        expect_close(values["recall"], recall, f"the recall of {what}", hints=[
            (precision, "this is the precision, TP / (TP + FP). Recall is TP / (TP + FN): of the real 'yes' "
                        "cases, the share that is found."),
            (_ratio(tn, tn + fp), "this is the share of the negatives answered 'no' (TN / (TN + FP)); recall is "
                                  "about the positives, TP / (TP + FN)."),
            (_ratio(agreements, agreements + fn), "your TP counts every example where y_pred equals y_true, the "
                                                  "true negatives too; a true positive is y_pred == 1 AND "
                                                  "y_true == 1."),
        ])
        expect_close(values["f1"], f1, f"the F1 of {what}", hints=[
            ((precision + recall) / 2, "this is the plain mean of precision and recall; F1 is their harmonic mean, "
                                       "2 * precision * recall / (precision + recall)."),
            (f1 / 2, "this is half the F1: the factor 2 is missing from 2 * precision * recall / (precision + "
                     "recall)."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 2: balanced accuracy


def _recalls(y_true, y_pred, classes):
    """The recall of each class, 0 for a class with no example in ``y_true``."""
    return np.array([np.mean(y_pred[y_true == c] == c) if np.any(y_true == c) else 0.0 for c in classes])


def _balanced_zero_based(rng):
    """Labels 0 .. k-1; class 0 is 70% of the data and nearly always right, so accuracy flatters."""
    k = int(rng.integers(3, 5))
    while True:
        n = int(rng.integers(80, 141))
        share = np.r_[0.7, np.full(k - 1, 0.3 / (k - 1))]
        y_true = rng.choice(k, size=n, p=share)
        right = rng.random(n) < np.where(y_true == 0, 0.97, rng.uniform(0.3, 0.6))
        y_pred = np.where(right, y_true, rng.choice(k, size=n))
        recalls = [np.mean(y_pred[y_true == c] == c) for c in range(k) if np.any(y_true == c)]
        if np.bincount(y_true, minlength=k).min() >= 3 and np.mean(y_pred == y_true) - np.mean(recalls) > 0.05:
            return {"y_true": y_true, "y_pred": y_pred}


def _balanced_other_labels(rng):
    """Labels that are not 0 .. k-1; one true class is never predicted, two predicted labels never occur."""
    while True:
        labels = np.sort(rng.choice(np.arange(2, 20), size=int(rng.integers(5, 7)), replace=False))
        true_classes, extra = labels[:-2], labels[-2:]         # ``extra``: predicted, never true
        missed = true_classes[int(rng.integers(0, len(true_classes)))]  # a true class never predicted
        n = int(rng.integers(60, 101))
        y_true = rng.choice(true_classes, size=n, p=np.r_[0.55, np.full(len(true_classes) - 1,
                                                                          0.45 / (len(true_classes) - 1))])
        right = rng.random(n) < 0.75
        y_pred = np.where(right, y_true, rng.choice(labels, size=n))
        y_pred = np.where(y_pred == missed, rng.choice(extra, size=n), y_pred)
        y_pred[rng.choice(n, size=2, replace=False)] = extra
        if np.bincount(np.searchsorted(true_classes, y_true), minlength=len(true_classes)).min() < 3:
            continue
        want = _recalls(y_true, y_pred, true_classes).mean()
        wrong = [_recalls(y_true, y_pred, np.unique(y_pred)).mean(), _recalls(y_true, y_pred, labels).mean(),
                 _recalls(y_true, y_pred, range(len(true_classes))).mean(),
                 _recalls(y_true, y_pred, range(true_classes.max() + 1)).mean(), np.mean(y_true == y_pred)]
        values = np.sort([want, *wrong])
        if np.min(np.diff(values)) > 0.005:  # each slip gives its own value, so each hint names its own cause
            return {"y_true": y_true, "y_pred": y_pred}


def _balanced_inputs(rng):
    return {"cases": [_balanced_zero_based(rng), _balanced_other_labels(rng)]}


@task("balanced_accuracy", points=2, inputs=_balanced_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Number()))
def judge_balanced_accuracy(data, inputs):
    """A correct answer, on every case:

    - is the mean, over the classes that occur in ``y_true``, of each class's recall (the share of its true
      examples predicted as it), so a big class counts no more than a small one (case 1: 70% class 0);
    - averages over those classes whatever their numbers (case 2: labels such as 3, 7, 12, not 0 .. k-1),
      including a class never predicted (recall 0), and excluding a class that is predicted but never occurs;
    - leaves ``y_true`` and ``y_pred`` unchanged (the framework's guard).
    """
    for case, got in zip(inputs["cases"], data):
        y_true, y_pred = case["y_true"], case["y_pred"]
        classes = np.unique(y_true)
        recall = _recalls(y_true, y_pred, classes)
        what = f"balanced_accuracy(y_true, y_pred) for the classes {', '.join(map(str, classes))}"
        value = expect_number(got, what, finite=False)
        if math.isnan(value):
            raise Fail(f"{what} is NaN: some class you averaged over has no example in y_true, so its recall is "
                       f"0 / 0. The labels are not numbered 0, 1, 2, … here: average over the classes that "
                       f"occur in y_true, np.unique(y_true).")
        precision = np.array([np.mean(y_true[y_pred == c] == c) if np.any(y_pred == c) else 0.0 for c in classes])
        one_vs_rest = np.array([np.mean((y_pred == c) == (y_true == c)) for c in classes])
        predicted = np.unique(y_pred)
        never_true = np.setdiff1d(predicted, classes)
        never_predicted = np.setdiff1d(classes, predicted)
        hints = [
            (np.mean(y_pred == y_true), "this is the plain accuracy, which the big class dominates. Balanced "
                                        "accuracy is the mean of the per-class RECALLS: every class counts the "
                                        "same."),
            (precision.mean(), "this is the mean per-class precision; balanced accuracy averages the recalls, "
                               "TP / (TP + FN) of each class."),
            (one_vs_rest.mean(), "this averages each class's one-vs-rest accuracy, (TP + TN) / n, which the many "
                                 "true negatives inflate; average the recalls instead."),
            (recall[0], f"this is the recall of class {classes[0]} only; average the recalls of all classes."),
        ]
        if len(never_predicted):
            hints.append((_recalls(y_true, y_pred, predicted).mean(),
                          f"it averages over the classes the model predicts (np.unique(y_pred)), so a class of "
                          f"y_true that is never predicted ({_classes_text(never_predicted)}) drops out with its "
                          f"recall of 0; average over the classes of y_true."))
        if len(never_true):
            hints.append((_recalls(y_true, y_pred, np.union1d(classes, predicted)).mean(),
                          f"it also averages over {_classes_text(never_true)}, predicted by the model but absent "
                          f"from y_true (no example, so no recall); average over the classes of y_true only."))
        counting = ("the labels are not numbered 0, 1, 2, … here: it averages over class numbers counted from 0, "
                    "some of which have no example. Average over the classes that occur in y_true, "
                    "np.unique(y_true).")
        hints += [(_recalls(y_true, y_pred, range(len(classes))).mean(), counting),
                  (_recalls(y_true, y_pred, range(int(classes.max()) + 1)).mean(), counting)]
        expect_close(value, recall.mean(), what, hints=hints)


# --------------------------------------------------------------------------------------------------------
# Task 3: confusion matrix


def _confusion(y_true, y_pred, k):
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def _confusion_last_missing(rng):
    """Labels from 0 .. k-2: the last class never occurs and is never predicted."""
    k = int(rng.integers(4, 7))
    while True:
        n = int(rng.integers(60, 121))
        y_true = rng.integers(0, k - 1, size=n)
        noise = rng.random(n) < 0.3
        y_pred = np.where(noise, rng.integers(0, k - 1, size=n), y_true)
        counts = _confusion(y_true, y_pred, k)
        if not np.array_equal(counts, counts.T):
            return {"y_true": y_true, "y_pred": y_pred, "num_classes": k}


def _confusion_gap(rng):
    """A class in the middle never occurs; another occurs but is never predicted."""
    k = int(rng.integers(5, 8))
    gap = int(rng.integers(1, k - 2))                         # never true, never predicted
    present = np.setdiff1d(np.arange(k), [gap])
    unpredicted = int(rng.choice(np.setdiff1d(present, [0])))  # true now and then, never predicted
    while True:
        n = int(rng.integers(60, 121))
        y_true = rng.choice(present, size=n)
        noise = rng.random(n) < 0.35
        y_pred = np.where(noise, rng.choice(present, size=n), y_true)
        y_pred = np.where(y_pred == unpredicted, (unpredicted + 1 + (unpredicted + 1 == gap)) % k, y_pred)
        counts = _confusion(y_true, y_pred, k)
        if np.all(counts.sum(axis=1)[present] > 0) and not np.array_equal(counts, counts.T):
            return {"y_true": y_true, "y_pred": y_pred, "num_classes": k}


def _confusion_inputs(rng):
    return {"cases": [_confusion_last_missing(rng), _confusion_gap(rng)]}


# Any 2-D array: the judge names the missing-class slip itself.
@task("confusion_counts", points=2, inputs=_confusion_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array(ndim=2)))
def judge_confusion_counts(data, inputs):
    """A correct answer, on every case:

    - has shape ``(num_classes, num_classes)``, with a row and a column for every class, also for classes that
      never occur (case 1: the last class; case 2: a class in the middle, and one that is never predicted);
    - holds at ``[i, j]`` the number of examples of TRUE class ``i`` PREDICTED as ``j``: the label itself is the
      index, and repeated pairs add up;
    - is an integer array (counts), not floats;
    - leaves ``y_true`` and ``y_pred`` unchanged (the framework's guard).
    """
    for case, got in zip(inputs["cases"], data):
        y_true, y_pred, k = case["y_true"], case["y_pred"], case["num_classes"]
        what = f"confusion_counts(y_true, y_pred, num_classes={k})"
        counts = expect_array(got, what)
        absent = np.setdiff1d(np.arange(k), np.union1d(y_true, y_pred))
        if counts.shape != (k, k):
            hint = ""
            if counts.shape[0] == counts.shape[1] == k - len(absent) and len(absent):
                verb = "never occurs" if len(absent) == 1 else "never occur"
                hint = (f": {_classes_text(absent)} {verb} in these labels, but the matrix still needs a row and a "
                        f"column for each class: make it num_classes x num_classes.")
            raise Fail(f"{what} has shape {counts.shape}, expected ({k}, {k}){hint}")
        want = _confusion(y_true, y_pred, k)
        rows = want.sum(axis=1, keepdims=True)
        occurring = np.union1d(y_true, y_pred)
        position = np.searchsorted(occurring, np.arange(k))  # where each label lands among those that occur
        shifted = _confusion(position[y_true], position[y_pred], k)
        expect_close(counts, want, what, hints=[
            (want.T, "rows and columns are swapped: row i must be the TRUE class i, column j the PREDICTED class "
                     "j."),
            ((want > 0).astype(int), "each (true, predicted) pair is counted at most once. `counts[y_true, "
                                     "y_pred] += 1` does not add up repeated pairs; use np.add.at(counts, "
                                     "(y_true, y_pred), 1) or a loop."),
            (np.divide(want, rows, out=np.zeros((k, k)), where=rows > 0), "each row is divided by its sum; return "
                                                                          "the raw counts."),
            (shifted, f"the counts sit in the wrong rows and columns: {_classes_text(absent)} never "
                      f"occur{'s' if len(absent) == 1 else ''}, and your answer numbers the labels by their "
                      f"position among those that do, which shifts the later classes. Class i belongs in row i "
                      f"and column i: use the label itself as the index."),
        ])
        if not is_integer_data(got):
            dtype = got["__ndarray__"] if is_plain_array(got) else "float"
            raise Fail(f"{what} has the right counts, but as {dtype}: return an integer array, as the task asks "
                       f"(counts are whole numbers; `np.zeros(shape)` makes floats: pass dtype=int, or convert "
                       f"with .astype(int)).")


# --------------------------------------------------------------------------------------------------------
# Task 4: a threshold for a recall target


def _threshold_case(rng, n, target, decimals):
    y_val = (rng.random(n) < rng.uniform(0.15, 0.3)).astype(int)
    y_val[:3] = 1
    scores = np.where(y_val == 1, rng.beta(4, 2, size=n), rng.beta(2, 4, size=n)).round(decimals)
    return {"y_val": y_val, "scores": scores, "target_recall": target}


def _best_threshold(y, scores, target):
    """The reference: walk down the positives' scores until the recall reaches the target."""
    positives = np.sort(scores[y == 1])[::-1]
    recalls = np.arange(1, len(positives) + 1) / len(positives)   # recall when the first k positives say "yes"
    return positives[np.argmax(recalls >= target)]


def _floor_threshold(y, scores, target):
    """The slip of counting ``int(target * P)`` positives, which rounds the number needed down."""
    positives = np.sort(scores[y == 1])[::-1]
    needed = int(target * len(positives))
    return positives[needed - 1] if needed >= 1 else math.inf


def _strict_threshold(y, scores, target):
    """The slip of counting a positive as found only when its score is strictly above ``t``."""
    positives = np.sort(scores[y == 1])[::-1]
    return next((t for t in positives if np.mean(positives > t) >= target), -math.inf)


def _quantile_threshold(y, scores, target):
    return float(np.quantile(scores[y == 1], 1 - target))


def _threshold_message(case, t):
    """What is wrong with the threshold ``t`` for ``case``, naming the likely slip, or ``None`` if it is right."""
    y, scores, target = case["y_val"], case["scores"], case["target_recall"]
    what = f"threshold_for_recall(y_val, scores, {target})"
    if t > scores.max() and t >= 1 and t == int(t):
        return (f"{what} gave {t:g}, above every score (they lie between 0 and 1): it looks like a position in "
                f"the sorted scores, not a score. Return the score at that position.")
    tp, fp, fn, _ = _counts(y, scores >= t)
    best = _best_threshold(y, scores, target)
    _, best_fp, _, _ = _counts(y, scores >= best)
    positives = tp + fn
    recall = tp / positives
    if recall >= target and fp <= best_fp:
        return None
    if math.isclose(t, _quantile_threshold(y, scores, target), rel_tol=1e-9, abs_tol=1e-12) and not np.any(scores == t):
        return (f"{what} gave {t:.6g}, np.quantile of the positives' scores: it interpolates between two scores "
                f"and counts positions from the low end, so its recall is {recall:.3f} where the target is "
                f"{target}, with {fp} false alarms. Walk down the positives' scores instead, from the highest, "
                f"until k / {positives} reaches the target.")
    needed = math.ceil(target * positives - 1e-9)
    if recall < target and t == _floor_threshold(y, scores, target):
        return (f"at t = {t:.6g} only {tp} of {positives} positives say 'yes': recall {recall:.3f}, below the "
                f"target {target}, so the threshold is too high by one positive; the target needs {needed}. If you "
                f"counted int(target_recall * P) = int({target * positives:.4g}) positives, that rounds DOWN: "
                f"compare the recall k / P with the target instead. (If you took np.argmax(recalls >= target) "
                f"- 1: the argmax is already the index of the first threshold that reaches it.)")
    if recall < target:
        short = f", {needed - tp} positive{'s' if needed - tp > 1 else ''} short of the {needed} it needs"
        return (f"at t = {t:.6g} the recall is {recall:.3f} ({tp} of {positives} positives), below the target "
                f"{target}: the threshold is too high{short}. The answers are `scores >= t`, so the threshold may "
                f"equal the lowest score that must still count as 'yes'.")
    if t == _strict_threshold(y, scores, target) and t != scores[y == 1].min():
        return (f"at t = {t:.6g} the recall is {recall:.3f}, with {fp} false alarms, where t = {best:.6g} reaches "
                f"the target with only {best_fp}. Your answer counts a positive as found when scores > t, but the "
                f"detector says 'yes' when scores >= t: a positive whose score equals t is found already, so "
                f"t = {best:.6g} is enough.")
    return (f"at t = {t:.6g} the recall is {recall:.3f}, which meets the target, but with {fp} false alarms, where "
            f"t = {best:.6g} reaches it with only {best_fp}. Lower thresholds only add false alarms: return the "
            f"HIGHEST threshold whose recall reaches the target.")


#: Slips the inputs must expose, each with its own hint (the first failing case names it), none by luck.
_THRESHOLD_SLIPS = ((_floor_threshold, "rounds DOWN"), (_strict_threshold, "scores > t"),
                    (_quantile_threshold, "np.quantile"))


def _first_threshold_message(cases, slip):
    """The judge's message for the answer ``slip`` gives on ``cases`` ("" if it passes them all)."""
    messages = (_threshold_message(case, slip(case["y_val"], case["scores"], case["target_recall"])) for case in cases)
    return next((message for message in messages if message), "")


def _threshold_inputs(rng):
    for _ in range(1000):  # a few tries are enough; a bound turns a broken judge into an error, not a hang
        cases = [_threshold_case(rng, int(rng.integers(150, 301)), float(rng.choice([0.8, 0.85, 0.9, 0.95])), 6),
                 _threshold_case(rng, int(rng.integers(150, 301)), float(rng.choice([0.8, 0.9])), 2),  # many ties
                 _threshold_case(rng, int(rng.integers(60, 121)), 0.9, 3)]
        if all(fragment in _first_threshold_message(cases, slip) for slip, fragment in _THRESHOLD_SLIPS):
            return {"cases": cases}
    raise RuntimeError("threshold_for_recall: no inputs on which every slip shows; is the judge broken?")


@task("threshold_for_recall", points=3, inputs=_threshold_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Number()))
def judge_threshold_for_recall(data, inputs):
    """A correct answer, on every case:

    - is a threshold ``t`` whose recall with the rule ``scores >= t`` (a score equal to ``t`` says "yes") is at
      least ``target_recall``: the number of positives needed is rounded UP;
    - has no more false alarms than the highest such threshold, which is one of the positives' scores (any
      threshold that adds only positives passes, as the first point past the target of sklearn's
      ``roc_curve`` can: it drops points in between);
    - holds with tied scores (case 2 rounds them to 2 decimals) and for several targets and sizes;
    - leaves ``y_val`` and ``scores`` unchanged (the framework's guard).
    """
    for case, got in zip(inputs["cases"], data):
        t = expect_number(got, f"threshold_for_recall(y_val, scores, {case['target_recall']})")
        message = _threshold_message(case, t)
        if message:
            raise Fail(message)


# --------------------------------------------------------------------------------------------------------
# Task 5: ROC AUC from pairs


def _auc_case(rng, n, share, step):
    y_true = (rng.random(n) < share).astype(int)
    y_true[:2] = [0, 1]
    scores = np.clip(rng.normal(0.4 + 0.25 * y_true, 0.2), 0, 1)
    return {"y_true": y_true, "scores": (np.round(scores / step) * step).round(2)}   # rounded: many ties


def _auc_values(y, scores):
    """The AUC, then what each slip the judge names gives, in the judge's order."""
    pos, neg = scores[y == 1], scores[y == 0]
    higher = float(np.mean(pos[:, None] > neg[None, :]))
    ties = float(np.mean(pos[:, None] == neg[None, :]))
    pairs = min(len(pos), len(neg))
    zipped = float(np.mean((pos[:pairs] > neg[:pairs]) + 0.5 * (pos[:pairs] == neg[:pairs])))
    want = higher + 0.5 * ties
    return want, [higher, higher + ties, 1 - want, float(np.mean((scores >= 0.5) == y)),
                  float(np.mean(pos > neg.mean())), zipped]


def _auc_inputs(rng):
    cases = []
    for n_range, share, step in (((40, 81), 0.35, 0.1), ((100, 161), 0.2, 0.05)):
        while True:
            case = _auc_case(rng, int(rng.integers(*n_range)), share, step)
            values = np.sort(np.r_[_auc_values(case["y_true"], case["scores"])[0],
                                   _auc_values(case["y_true"], case["scores"])[1]])
            if np.min(np.diff(values)) > 1e-4:  # every slip gives its own value, so each hint names its cause
                cases.append(case)
                break
    return {"cases": cases}


@task("auc_by_pairs", points=2, inputs=_auc_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Number()))
def judge_auc_by_pairs(data, inputs):
    """A correct answer, on every case:

    - is the mean over ALL (positive, negative) pairs of 1 when the positive scores higher, 1/2 when the two
      scores are equal, 0 otherwise (tied scores are common: they are rounded to 0.1 or 0.05);
    - holds for different numbers of positives and negatives (case 2 has far fewer positives);
    - leaves ``y_true`` and ``scores`` unchanged (the framework's guard).
    """
    for case, got in zip(inputs["cases"], data):
        y, scores = case["y_true"], case["scores"]
        pos, neg = scores[y == 1], scores[y == 0]
        want, slips = _auc_values(y, scores)
        higher, all_ties = slips[0], slips[1]
        what = "auc_by_pairs(y_true, scores)"
        auc = expect_number(got, what)
        pairs = min(len(pos), len(neg))
        hints = list(zip(slips, [
            "ties are left out; a pair where both score the same counts as half a win.",
            "ties count as whole wins; a pair where both score the same counts as half.",
            "this is the chance that the NEGATIVE example scores higher: compare each positive's score with each "
            "negative's, positive first.",
            "this is the accuracy at the threshold 0.5; the AUC looks at every (positive, negative) pair instead.",
            "this compares each positive with the mean score of the negatives; the AUC compares it with every "
            "negative, pair by pair.",
            f"this compares the i-th positive with the i-th negative only ({pairs} pairs); compare every positive "
            f"with every negative ({len(pos)} x {len(neg)} pairs).",
        ]))
        if (higher < auc < all_ties and not math.isclose(auc, want, rel_tol=1e-5, abs_tol=1e-8)
                and not any(math.isclose(auc, value, rel_tol=1e-5, abs_tol=1e-8) for value, _ in hints)):
            raise Fail(f"{what} is {auc:.6g}, between {higher:.6g} (ties as losses) and {all_ties:.6g} (ties "
                       f"as wins), but not halfway ({want:.6g}): some tied pairs count as wins and others as "
                       f"losses. Ranks from argsort break ties by position; give tied scores their average rank "
                       f"(scipy.stats.rankdata does), or compare the pairs and count a tie as 1/2.")
        expect_close(auc, want, what, hints=hints)


# --------------------------------------------------------------------------------------------------------
# Task 6: choose on validation, report on test


MODEL_NAMES = ["logistic regression", "SVM", "dense network", "small CNN", "big CNN", "random forest"]


def _report_inputs(rng):
    while True:
        names = [MODEL_NAMES[i] for i in rng.permutation(len(MODEL_NAMES))[:int(rng.integers(4, 7))]]
        val = rng.uniform(0.88, 0.98, size=len(names)).round(3)
        test = (val + rng.normal(0, 0.012, size=len(names))).round(3)
        best, best_test, worst = names[int(np.argmax(val))], names[int(np.argmax(test))], names[int(np.argmin(val))]
        # The slips must each name another model: max(dict) takes the last name alphabetically.
        reported = {val[names.index(best)], test[names.index(best)], test.max()}
        if (len(set(val)) == len(val) and len(set(test)) == len(test) and best_test != best and len(reported) == 3
                and abs(test[names.index(best)] - val[names.index(best)]) >= 0.003
                and len({best, best_test, worst, max(names)}) == 4):
            return {"val_accuracy": {name: float(v) for name, v in zip(names, val)},
                    "test_accuracy": {name: float(t) for name, t in zip(names, test)}}


# Any name: the judge says which models there are, and which one to choose.
@task("choose_and_report", points=1, inputs=_report_inputs,
      answer=Items(Text(), Number(), names=("model name", "accuracy to report")))
def judge_choose_and_report(data, inputs):
    """A correct answer:

    - names the model with the highest VALIDATION accuracy (not the best on the test set, not the
      alphabetically last name that ``max(dict)`` gives, not the lowest);
    - reports that model's TEST accuracy (not its validation accuracy, not the best test accuracy of another
      model).
    """
    val, test = inputs["val_accuracy"], inputs["test_accuracy"]
    chosen = max(val, key=val.get)
    name, score = data[0], expect_number(data[1], "the accuracy to report")
    if name not in val:
        raise Fail(f"{name!r} is not one of the models: {', '.join(map(repr, val))}.")
    if name != chosen:
        if name == max(test, key=test.get):
            raise Fail(f"you chose {name!r}, the model with the best TEST accuracy. Choosing by the test score "
                       f"makes that score flattering (lesson 08, section 7): choose by validation accuracy, here "
                       f"{chosen!r} ({val[chosen]:.3f}).")
        if name == max(val):
            raise Fail(f"you chose {name!r}, the last name in alphabetical order: max(val_accuracy) compares the "
                       f"NAMES (a dict's keys), not the accuracies. Use max(val_accuracy, key=val_accuracy.get): "
                       f"the best validation accuracy is that of {chosen!r} ({val[chosen]:.3f}).")
        if name == min(val, key=val.get):
            raise Fail(f"you chose {name!r}, the model with the LOWEST validation accuracy ({val[name]:.3f}); "
                       f"sorted() sorts in ascending order (take the last item, or pass reverse=True). Choose the "
                       f"highest: {chosen!r} ({val[chosen]:.3f}).")
        raise Fail(f"you chose {name!r}; the model with the best validation accuracy is {chosen!r} "
                   f"({val[chosen]:.3f}).")
    if math.isclose(score, test[chosen], abs_tol=1e-9):
        return
    if math.isclose(score, val[chosen], abs_tol=1e-9):
        raise Fail(f"{score:.3f} is the validation accuracy of {chosen!r}, which helped choose it and so flatters "
                   f"it; report its test accuracy, measured once, after the choice.")
    if math.isclose(score, max(test.values()), abs_tol=1e-9):
        raise Fail(f"{score:.3f} is the best test accuracy of any model (that of {max(test, key=test.get)!r}), "
                   f"not of the model you chose; report the test accuracy of {chosen!r} itself.")
    raise Fail(f"the accuracy to report for {chosen!r} is its test accuracy; got {score:.4g}.")
