"""Graded tasks of ``exercises/08_evaluating_models.ipynb``: metrics by hand, thresholds, AUC, reading curves."""

import math

import numpy as np

from ..checks import Exercise, Fail, call_each_case, expect_array, expect_close, expect_number

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


@task("binary_scores", points=2, inputs=_scores_inputs, collect=call_each_case)
def _(data, inputs):
    for case, got in zip(inputs["cases"], data):
        tp, fp, fn, tn = _counts(case["y_true"], case["y_pred"])
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        f1 = _ratio(2 * precision * recall, precision + recall)
        accuracy = (tp + tn) / (tp + fp + fn + tn)
        silent = tp + fp == 0
        what = "binary_scores(y_true, y_pred)" + (" for a model that never says 'yes'" if silent else "")
        if type(got) is not dict or set(got) != {"precision", "recall", "f1"}:
            keys = sorted(got) if type(got) is dict else type(got).__name__
            raise Fail(f"{what} should return a dict with the keys 'precision', 'recall' and 'f1'; got {keys}.")
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
# Task 2: confusion matrix


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


@task("confusion_counts", points=2, inputs=_confusion_inputs)
def _(data, inputs):
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
# Task 3: a threshold for a recall target


def _threshold_inputs(rng):
    n = int(rng.integers(150, 301))
    y_val = (rng.random(n) < rng.uniform(0.15, 0.3)).astype(int)
    y_val[:3] = 1
    scores = np.where(y_val == 1, rng.beta(4, 2, size=n), rng.beta(2, 4, size=n)).round(6)
    return {"y_val": y_val, "scores": scores, "target_recall": float(rng.choice([0.8, 0.85, 0.9, 0.95]))}


@task("threshold_for_recall", points=3, inputs=_threshold_inputs)
def _(data, inputs):
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
    if not np.array_equal(scores >= t, scores >= best):
        extra = (f" with {fp} false alarms, where t = {best:.6g} reaches it with only {best_fp}" if fp > best_fp
                 else f"; so does the higher threshold t = {best:.6g}")
        raise Fail(f"at t = {t:.6g} the recall is {recall:.3f}, which meets the target{extra}. Lower thresholds only "
                   f"add false alarms: return the HIGHEST threshold whose recall reaches the target.")


# --------------------------------------------------------------------------------------------------------
# Task 4: ROC AUC from pairs


def _auc_inputs(rng):
    n = int(rng.integers(40, 81))
    y_true = (rng.random(n) < 0.35).astype(int)
    y_true[:2] = [0, 1]
    scores = np.clip(rng.normal(0.4 + 0.25 * y_true, 0.2), 0, 1).round(1)   # rounded: many ties
    return {"y_true": y_true, "scores": scores}


@task("auc_by_pairs", points=2, inputs=_auc_inputs)
def _(data, inputs):
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
# Task 5: reading training curves


KINDS = ("underfitting", "overfitting", "good fit")


def _approach(start, end, epochs, rate):
    return end + (start - end) * np.exp(-rate * np.arange(epochs))


def _history(rng, kind):
    epochs = int(rng.integers(12, 21))
    t = np.arange(epochs)

    def noise(scale):
        return rng.normal(0, scale, size=epochs)

    if kind == "good fit":
        accuracy = _approach(0.5, rng.uniform(0.96, 0.99), epochs, 0.5) + noise(0.002)
        val_accuracy = accuracy - rng.uniform(-0.01, 0.015) + noise(0.003)
        loss = _approach(1.6, rng.uniform(0.04, 0.12), epochs, 0.45) + noise(0.005)
        val_loss = loss + rng.uniform(0.0, 0.04) + noise(0.008)
    elif kind == "underfitting":
        accuracy = _approach(0.2, rng.uniform(0.45, 0.75), epochs, 0.6) + noise(0.004)
        val_accuracy = accuracy - rng.uniform(-0.02, 0.03) + noise(0.005)
        loss = _approach(2.2, rng.uniform(0.8, 1.4), epochs, 0.5) + noise(0.01)
        val_loss = loss + rng.uniform(-0.02, 0.06) + noise(0.01)
    else:
        turn = int(rng.integers(epochs // 3, epochs // 2 + 1))
        late = np.maximum(t - turn, 0)
        accuracy = _approach(0.5, rng.uniform(0.995, 1.0), epochs, 0.5) + noise(0.001)
        val_accuracy = _approach(0.4, rng.uniform(0.72, 0.84), epochs, 0.6) - 0.004 * late + noise(0.004)
        loss = _approach(1.5, rng.uniform(0.002, 0.02), epochs, 0.4) + noise(0.001)
        val_loss = _approach(1.8, rng.uniform(0.45, 0.65), epochs, 0.5) + 0.04 * late + noise(0.01)
    curves = {"loss": loss, "val_loss": val_loss, "accuracy": accuracy, "val_accuracy": val_accuracy}
    return {key: [round(float(v), 4) for v in (np.clip(values, 0, 1) if "acc" in key else np.maximum(values, 0.001))]
            for key, values in curves.items()}


def _diagnose_inputs(rng):
    kinds = [KINDS[i] for i in rng.permutation([0, 0, 1, 1, 2, 2])]
    return {"cases": [{"history": _history(rng, kind)} for kind in kinds], "kinds": kinds}


@task("diagnose", points=2, inputs=_diagnose_inputs, collect=call_each_case)
def _(data, inputs):
    for number, (case, kind, got) in enumerate(zip(inputs["cases"], inputs["kinds"], data), start=1):
        history = case["history"]
        if type(got) is not str or got.strip().lower().replace("_", " ").replace("-", " ") not in KINDS:
            raise Fail(f"diagnose(history) returned {got!r} for history {number}; expected one of "
                       f"{', '.join(map(repr, KINDS))}.")
        answer = got.strip().lower().replace("_", " ").replace("-", " ")
        if answer == kind:
            continue
        train, val = history["accuracy"][-1], history["val_accuracy"][-1]
        gap = train - val
        seen = (f"history {number} ends at {train:.1%} training and {val:.1%} validation accuracy (a gap of "
                f"{gap * 100:.1f} points)")
        val_loss = history["val_loss"]
        lowest = int(np.argmin(val_loss)) + 1
        if kind == "underfitting":
            why = ("the curves are close, but both are low: the model cannot even fit the data it trains on, and a "
                   "small gap is no comfort. That is underfitting." if answer == "good fit" else
                   "the validation accuracy keeps up with the training accuracy, so nothing is being memorized; "
                   "both are low: underfitting.")
        elif kind == "overfitting":
            why = (f"the training accuracy runs far ahead of the validation accuracy, and the validation loss has "
                   f"been rising since epoch {lowest}. A high training accuracy alone is not a good fit: this is "
                   f"overfitting." if answer == "good fit" else
                   "the model fits its training data almost perfectly, so it is not too weak; the gap to "
                   "validation is overfitting.")
        else:
            why = ("training and validation stay close together, so nothing is being memorized: a high training "
                   "accuracy is not overfitting when validation keeps up. A good fit." if answer == "overfitting"
                   else "both accuracies are high and close together: a good fit.")
        raise Fail(f"diagnose(history) says {answer!r}, but {seen}: {why}")
