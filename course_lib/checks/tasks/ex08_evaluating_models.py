"""Graded tasks of ``exercises/08_evaluating_models.ipynb``: metrics by hand, thresholds, AUC, test-set discipline."""

import math

import numpy as np

from .. import (Array, Cases, Exercise, Fail, Items, Number, Record, Text, call_each_case, expect_array, expect_close,
               expect_number)

EXERCISE = Exercise("08_evaluating_models", "Evaluating models")
task = EXERCISE.task


def _counts(y_true, y_pred):
    """TP, FP, FN, TN of 0/1 arrays."""
    y_true, y_pred = np.asarray(y_true, dtype=bool), np.asarray(y_pred, dtype=bool)
    return (int(np.sum(y_pred & y_true)), int(np.sum(y_pred & ~y_true)), int(np.sum(~y_pred & y_true)),
            int(np.sum(~y_pred & ~y_true)))


def _ratio(a, b):
    return a / b if b else 0.0


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
    return {"cases": [{"y_true": y_true, "y_pred": y_pred},
                      {"y_true": silent_true, "y_pred": np.zeros(n, dtype=int)}]}  # never says "yes"


SCORES = Record({"precision": Number(), "recall": Number(), "f1": Number()})  # the dict binary_scores returns


@task("binary_scores", points=2, inputs=_scores_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, SCORES))
def judge_binary_scores(data, inputs):
    for case, got in zip(inputs["cases"], data):
        tp, fp, fn, tn = _counts(case["y_true"], case["y_pred"])
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        f1 = _ratio(2 * precision * recall, precision + recall)
        accuracy = (tp + tn) / (tp + fp + fn + tn)
        silent = tp + fp == 0
        what = "binary_scores(y_true, y_pred)" + (" for a model that never says 'yes'" if silent else "")
        values = {}
        for key in ("precision", "recall", "f1"):
            values[key] = expect_number(got[key], f"the {key} of {what}", finite=False)
            if math.isnan(values[key]):
                raise Fail(f"the {key} of {what} is NaN: with no 'yes' answers TP + FP = 0, and 0 / 0 is NaN. Use "
                           f"the lesson's convention (scikit-learn's zero_division=0): call it 0.")
        expect_close(values["precision"], precision, f"the precision of {what}", hints=[
            (recall, "this is the recall, TP / (TP + FN). Precision is TP / (TP + FP): of the 'yes' answers, the "
                     "share that is right."),
            (accuracy, "this is the accuracy, (TP + TN) / n. Precision is TP / (TP + FP)."),
        ])
        expect_close(values["recall"], recall, f"the recall of {what}", hints=[
            (precision, "this is the precision, TP / (TP + FP). Recall is TP / (TP + FN): of the real 'yes' "
                        "cases, the share that is found."),
            (_ratio(tn, tn + fp), "this is the share of the negatives answered 'no' (TN / (TN + FP)); recall is "
                                  "about the positives, TP / (TP + FN)."),
        ])
        expect_close(values["f1"], f1, f"the F1 of {what}", hints=[
            ((precision + recall) / 2, "this is the plain mean of precision and recall; F1 is their harmonic mean, "
                                       "2 * precision * recall / (precision + recall)."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 2: balanced accuracy


def _balanced_inputs(rng):
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


@task("balanced_accuracy", points=2, inputs=_balanced_inputs, answer=Number())
def judge_balanced_accuracy(data, inputs):
    y_true, y_pred = inputs["y_true"], inputs["y_pred"]
    classes = np.unique(y_true)
    recall = np.array([np.mean(y_pred[y_true == c] == c) for c in classes])
    precision = np.array([np.mean(y_true[y_pred == c] == c) if np.any(y_pred == c) else 0.0 for c in classes])
    one_vs_rest = np.array([np.mean((y_pred == c) == (y_true == c)) for c in classes])
    value = expect_number(data, "balanced_accuracy(y_true, y_pred)")
    expect_close(value, recall.mean(), "balanced_accuracy(y_true, y_pred)", hints=[
        (np.mean(y_pred == y_true), "this is the plain accuracy, which the big class dominates. Balanced accuracy "
                                    "is the mean of the per-class RECALLS: every class counts the same."),
        (precision.mean(), "this is the mean per-class precision; balanced accuracy averages the recalls, "
                           "TP / (TP + FN) of each class."),
        (one_vs_rest.mean(), "this averages each class's one-vs-rest accuracy, (TP + TN) / n, which the many true "
                             "negatives inflate; average the recalls instead."),
        (recall[0], "this is the recall of class 0 only; average the recalls of all classes."),
    ])


# --------------------------------------------------------------------------------------------------------
# Task 3: confusion matrix


def _confusion_inputs(rng):
    k = int(rng.integers(4, 7))
    while True:
        n = int(rng.integers(60, 121))
        y_true = rng.integers(0, k - 1, size=n)              # the last class never occurs ...
        noise = rng.random(n) < 0.3
        y_pred = np.where(noise, rng.integers(0, k - 1, size=n), y_true)   # ... nor is it ever predicted
        counts = _confusion(y_true, y_pred, k)
        if not np.array_equal(counts, counts.T):
            return {"y_true": y_true, "y_pred": y_pred, "num_classes": k}


def _confusion(y_true, y_pred, k):
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


# Any 2-D array: the judge names the (k - 1, k - 1) slip itself.
@task("confusion_counts", points=2, inputs=_confusion_inputs, answer=Array(ndim=2))
def judge_confusion_counts(data, inputs):
    y_true, y_pred, k = inputs["y_true"], inputs["y_pred"], inputs["num_classes"]
    what = f"confusion_counts(y_true, y_pred, num_classes={k})"
    counts = expect_array(data, what)
    if counts.shape != (k, k):
        hint = ""
        if counts.shape == (k - 1, k - 1):
            hint = (f": class {k - 1} never occurs in these labels, but the matrix still needs a row and a column "
                    f"for it: make it num_classes x num_classes.")
        raise Fail(f"{what} has shape {counts.shape}, expected ({k}, {k}){hint}")
    want = _confusion(y_true, y_pred, k)
    rows = want.sum(axis=1, keepdims=True)
    expect_close(counts, want, what, hints=[
        (want.T, "rows and columns are swapped: row i must be the TRUE class i, column j the PREDICTED class j."),
        ((want > 0).astype(int), "each (true, predicted) pair is counted at most once. `counts[y_true, y_pred] += 1` "
                                 "does not add up repeated pairs; use np.add.at(counts, (y_true, y_pred), 1) or a "
                                 "loop."),
        (np.divide(want, rows, out=np.zeros((k, k)), where=rows > 0), "each row is divided by its sum; return the "
                                                                      "raw counts."),
    ])


# --------------------------------------------------------------------------------------------------------
# Task 4: a threshold for a recall target


def _threshold_inputs(rng):
    n = int(rng.integers(150, 301))
    y_val = (rng.random(n) < rng.uniform(0.15, 0.3)).astype(int)
    y_val[:3] = 1
    scores = np.where(y_val == 1, rng.beta(4, 2, size=n), rng.beta(2, 4, size=n)).round(6)
    return {"y_val": y_val, "scores": scores, "target_recall": float(rng.choice([0.8, 0.85, 0.9, 0.95]))}


@task("threshold_for_recall", points=3, inputs=_threshold_inputs, answer=Number())
def judge_threshold_for_recall(data, inputs):
    y, scores, target = inputs["y_val"], inputs["scores"], inputs["target_recall"]
    positives = np.sort(scores[y == 1])[::-1]
    recalls = np.arange(1, len(positives) + 1) / len(positives)   # recall when the first k positives say "yes"
    best = positives[np.argmax(recalls >= target)]                # the highest threshold that reaches the target
    t = expect_number(data, f"threshold_for_recall(y_val, scores, {target})")
    tp, fp, fn, _ = _counts(y, scores >= t)
    _, best_fp, _, _ = _counts(y, scores >= best)
    recall = tp / (tp + fn)
    if recall < target:
        raise Fail(f"at t = {t:.6g} the recall is {recall:.3f} ({tp} of {tp + fn} positives), below the target "
                   f"{target}: the threshold is too high. The answers are `scores >= t`, so the threshold may "
                   f"equal the lowest score that must still count as 'yes'.")
    # Any threshold as good as the highest one passes: lower ones that add only positives (as the first point
    # past the target of sklearn's roc_curve can, which drops points in between) raise no extra false alarm.
    if fp > best_fp:
        raise Fail(f"at t = {t:.6g} the recall is {recall:.3f}, which meets the target, but with {fp} false alarms, "
                   f"where t = {best:.6g} reaches it with only {best_fp}. Lower thresholds only add false alarms: "
                   f"return the HIGHEST threshold whose recall reaches the target.")


# --------------------------------------------------------------------------------------------------------
# Task 5: ROC AUC from pairs


def _auc_inputs(rng):
    n = int(rng.integers(40, 81))
    y_true = (rng.random(n) < 0.35).astype(int)
    y_true[:2] = [0, 1]
    scores = np.clip(rng.normal(0.4 + 0.25 * y_true, 0.2), 0, 1).round(1)   # rounded: many ties
    return {"y_true": y_true, "scores": scores}


@task("auc_by_pairs", points=2, inputs=_auc_inputs, answer=Number())
def judge_auc_by_pairs(data, inputs):
    y, scores = inputs["y_true"], inputs["scores"]
    pos, neg = scores[y == 1], scores[y == 0]
    higher = np.mean(pos[:, None] > neg[None, :])
    ties = np.mean(pos[:, None] == neg[None, :])
    auc = expect_number(data, "auc_by_pairs(y_true, scores)")
    expect_close(auc, higher + 0.5 * ties, "auc_by_pairs(y_true, scores)", hints=[
        (higher, "ties are left out; a pair where both score the same counts as half a win."),
        (higher + ties, "ties count as whole wins; a pair where both score the same counts as half."),
        (1 - higher - 0.5 * ties, "this is the chance that the NEGATIVE example scores higher: compare each "
                                  "positive's score with each negative's, positive first."),
        (np.mean((scores >= 0.5) == y), "this is the accuracy at the threshold 0.5; the AUC looks at every "
                                        "(positive, negative) pair instead."),
    ])


# --------------------------------------------------------------------------------------------------------
# Task 6: choose on validation, report on test


MODEL_NAMES = ["logistic regression", "SVM", "dense network", "small CNN", "big CNN", "random forest"]


def _report_inputs(rng):
    names = [MODEL_NAMES[i] for i in rng.permutation(len(MODEL_NAMES))[:int(rng.integers(4, 7))]]
    while True:
        val = rng.uniform(0.88, 0.98, size=len(names)).round(3)
        test = (val + rng.normal(0, 0.012, size=len(names))).round(3)
        best = int(np.argmax(val))
        if (len(set(val)) == len(val) and np.argmax(test) != best and abs(test[best] - val[best]) >= 0.003
                and len(set(test)) == len(test)):
            break
    return {"val_accuracy": {name: float(v) for name, v in zip(names, val)},
            "test_accuracy": {name: float(t) for name, t in zip(names, test)}}


# Any name: the judge says which models there are, and which one to choose.
@task("choose_and_report", points=1, inputs=_report_inputs,
      answer=Items(Text(), Number(), names=("model name", "accuracy to report")))
def judge_choose_and_report(data, inputs):
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
        raise Fail(f"you chose {name!r}; the model with the best validation accuracy is {chosen!r} "
                   f"({val[chosen]:.3f}).")
    if math.isclose(score, test[chosen], abs_tol=1e-9):
        return
    if math.isclose(score, val[chosen], abs_tol=1e-9):
        raise Fail(f"{score:.3f} is the validation accuracy of {chosen!r}, which helped choose it and so flatters "
                   f"it; report its test accuracy, measured once, after the choice.")
    raise Fail(f"the accuracy to report for {chosen!r} is its test accuracy; got {score:.4g}.")
