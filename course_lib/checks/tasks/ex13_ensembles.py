"""Graded tasks of ``exercises/13_ensembles.ipynb``: soft and hard voting, ensemble accuracy, diversity, size."""

import numpy as np

from .. import Array, Cases, Exercise, Fail, Items, Number, call_each_case, expect_array, expect_close, expect_number
from ._common import reference_softmax

EXERCISE = Exercise("13_ensembles", "Ensembles")
task = EXERCISE.task


def _member_probabilities(rng, y, num_members, num_classes, signal):
    """``num_members`` arrays (n, k) of probabilities: each member leans towards ``y``, with its own noise."""
    one_hot = np.eye(num_classes)[y]
    return [reference_softmax(signal * one_hot + rng.normal(scale=1.0, size=one_hot.shape)) for _ in range(num_members)]


def _counts(member_labels, num_classes):
    """(n, k): how many members voted for each class, example by example."""
    return (member_labels[:, :, None] == np.arange(num_classes)).sum(axis=0)


def _vote(member_labels, num_classes):
    """The reference majority vote: most votes, ties to the lowest label (np.argmax takes the first maximum)."""
    return _counts(member_labels, num_classes).argmax(axis=1)


def _vote_highest(member_labels, num_classes):
    counts = _counts(member_labels, num_classes)
    return num_classes - 1 - counts[:, ::-1].argmax(axis=1)


def _vote_earliest(member_labels, num_classes):
    """Ties to the tied label voted for by the earliest member (what Counter.most_common does)."""
    counts = _counts(member_labels, num_classes)
    winners = []
    for column, count in zip(member_labels.T, counts):
        tied = set(np.flatnonzero(count == count.max()))
        winners.append(next(label for label in column if label in tied))
    return np.array(winners)


# --------------------------------------------------------------------------------------------------------
# Task 1: soft voting, the mean of the members' probabilities


def _average_inputs(rng):
    num_members, n, k = int(rng.integers(3, 6)), int(rng.integers(12, 21)), int(rng.integers(6, 10))
    y = rng.integers(0, k, size=n)
    return {"member_probs": _member_probabilities(rng, y, num_members, k, signal=1.5)}


# An array of any shape: the judge's own message for a wrong shape names the axis that was averaged.
@task("average_probabilities", points=1, inputs=_average_inputs, answer=Array())
def judge_average_probabilities(data, inputs):
    stack = np.stack(inputs["member_probs"])            # (m, n, k)
    m, n, k = stack.shape
    what = f"average_probabilities(member_probs) for {m} members, {n} examples and {k} classes"
    got = expect_array(data, what)
    if got.shape != (n, k):
        hints = {(m, k): "it averaged over the examples (axis 1). Average over the MEMBERS, the first axis: "
                         "np.mean(member_probs, axis=0).",
                 (m, n): "it averaged over the classes (axis 2). Average over the MEMBERS, the first axis: "
                         "np.mean(member_probs, axis=0).",
                 (n,): f"one number per example: return the averaged PROBABILITIES, one row of {k} per "
                       f"example, not the predicted labels.",
                 (k, n): "it looks transposed: one row per example, one column per class.",
                 (m, n, k): "the members are stacked but not averaged: take the mean over axis 0."}
        hint = hints.get(got.shape, "one row per example and one column per class, as each member's array.")
        raise Fail(f"{what} has shape {got.shape}, expected ({n}, {k}): {hint}")
    votes = np.eye(k)[stack.argmax(axis=2)]             # (m, n, k): each member's one-hot label
    expect_close(got, stack.mean(axis=0), what, hints=[
        (stack.sum(axis=0), f"its rows sum to {m}, the number of members: the probabilities were added up; "
                            f"divide by the number of members to get a mean."),
        (votes.mean(axis=0), "it averages the members' one-hot LABELS, i.e. counts votes. Soft voting averages "
                             "their probabilities, so a confident member counts more than a hesitant one."),
        (stack[0], "this is the first member's array alone: average all members."),
    ])


# --------------------------------------------------------------------------------------------------------
# Task 2: hard voting, the most common label, ties to the lowest label


def _vote_case(rng, num_members, num_classes, n, tie_columns):
    """Member labels (m, n) from ``range(num_classes - 1)`` (the last class gets no vote) with designed ties."""
    y = rng.integers(0, num_classes - 1, size=n)
    right = rng.random((num_members, n)) < 0.6
    labels = np.where(right, y, rng.integers(0, num_classes - 1, size=(num_members, n)))
    positions = rng.choice(n, size=len(tie_columns), replace=False)
    for position, pattern in zip(positions, tie_columns):
        # pattern: indices into a sorted random choice of distinct labels, so 0 is the lowest label
        chosen = np.sort(rng.choice(num_classes - 1, size=max(pattern) + 1, replace=False))
        labels[:, position] = chosen[list(pattern)]
    return {"member_labels": labels, "num_classes": num_classes}


def _vote_inputs(rng):
    four = [(1, 0, 0, 1), (1, 0, 1, 0), (0, 1, 0, 1)]               # 2-2 ties; lowest, earliest, highest differ
    five = [(2, 1, 0, 1, 0), (4, 3, 2, 1, 0), (0, 1, 2, 2, 1)]      # 2-2-1 and 1-1-1-1-1 ties
    return {"cases": [_vote_case(rng, 4, int(rng.integers(5, 8)), int(rng.integers(20, 31)), four),
                      _vote_case(rng, 5, int(rng.integers(6, 10)), int(rng.integers(20, 31)), five)]}


# Arrays of any shape: the judge's own message for a wrong shape names one label per member, or vote counts.
@task("majority_vote", points=2, inputs=_vote_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array()))
def judge_majority_vote(data, inputs):
    for case, got in zip(inputs["cases"], data):
        labels, k = case["member_labels"], case["num_classes"]
        m, n = labels.shape
        what = f"majority_vote(member_labels, {k}) for {m} members and {n} examples"
        winners = expect_array(got, what)
        if winners.shape != (n,):
            hint = ""
            if winners.shape == (m,):
                hint = (": one label per MEMBER. Count the votes of all members for each example, down each "
                        "column (axis 0).")
            elif winners.shape == (n, k):
                hint = ": these look like vote counts per class; return the winning label of each example."
            raise Fail(f"{what} has shape {winners.shape}, expected ({n},): one label per example{hint}")
        expect_close(winners, _vote(labels, k), what, hints=[
            (_vote_earliest(labels, k), "the ties are broken wrongly: on a tie your answer takes the label that an "
                                        "earlier member voted for (collections.Counter.most_common does that). The "
                                        "rule here: the LOWEST tied label wins, which is what np.argmax of the "
                                        "vote counts gives (it returns the first maximum)."),
            (_vote_highest(labels, k), "the ties are broken wrongly: on a tie your answer takes the HIGHEST tied "
                                       "label. The rule here: the lowest tied label wins (np.argmax of the vote "
                                       "counts returns the first maximum)."),
            (labels[0], "these are the first member's labels; count the votes of all members."),
            (np.round(labels.mean(axis=0)), "it averages the label numbers. Labels are names, not amounts: a vote "
                                            "for 3 and one for 5 are not a vote for 4. Count the votes per class."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 3: the members' accuracies and the ensemble's


def _accuracy_inputs(rng):
    k = 10
    while True:
        num_members, n = int(rng.integers(3, 6)), int(rng.integers(60, 101))
        y = rng.integers(0, k, size=n)
        probs = _member_probabilities(rng, y, num_members, k, signal=2.2)
        members = np.array([np.mean(p.argmax(axis=1) == y) for p in probs])
        ensemble = np.mean(np.mean(probs, axis=0).argmax(axis=1) == y)
        vote = np.mean(_vote(np.stack([p.argmax(axis=1) for p in probs]), k) == y)
        others = [members.mean(), vote, members.max(), members.min()]
        if min(abs(ensemble - other) for other in others) > 1e-9 and len(set(members)) > 1:
            return {"member_probs": probs, "y": y}


# The member accuracies of any shape: the judge's own message for a wrong shape names one value per example.
@task("member_and_ensemble_accuracy", points=2, inputs=_accuracy_inputs,
      answer=Items(Array(), Number(), names=("member_accuracies", "ensemble_accuracy")))
def judge_member_and_ensemble_accuracy(data, inputs):
    probs, y = inputs["member_probs"], inputs["y"]
    stack = np.stack(probs)
    m, n, k = stack.shape
    members = (stack.argmax(axis=2) == y).mean(axis=1)                       # (m,)
    ensemble = float(np.mean(stack.mean(axis=0).argmax(axis=1) == y))
    vote = float(np.mean(_vote(stack.argmax(axis=2), k) == y))
    what = "member_and_ensemble_accuracy(member_probs, y)"
    got_members = expect_array(data[0], f"the member accuracies of {what}")
    if got_members.shape != (m,):
        hint = ""
        if got_members.shape == (n,):
            hint = (": one value per EXAMPLE. Compare each member's predicted labels with y and take the mean over "
                    "the examples (axis 1), one accuracy per member.")
        raise Fail(f"the member accuracies of {what} have shape {got_members.shape}, expected ({m},), one per "
                   f"member{hint}")
    expect_close(got_members, members, f"the member accuracies of {what}", hints=[
        (1 - members, "these are the error rates (the share WRONG); the accuracy is the share right."),
    ])
    got = expect_number(data[1], f"the ensemble accuracy of {what}")
    expect_close(got, ensemble, f"the ensemble accuracy of {what}", hints=[
        (members.mean(), f"this is the mean of the members' accuracies ({members.mean():.3f}). The accuracy of the "
                         f"average is not the average of the accuracies: average the probabilities over the members "
                         f"first, take the argmax, then compare with y."),
        (vote, "this is the accuracy of the majority vote of the members' labels (hard voting); this task asks for "
               "soft voting: average the probabilities, then take the argmax."),
        (members.max(), "this is the best member's accuracy; the ensemble predicts from the averaged probabilities."),
        (1 - ensemble, "this is the ensemble's error rate (the share wrong); the accuracy is the share right."),
    ])


# --------------------------------------------------------------------------------------------------------
# Task 4: how often each pair of members disagrees


def _disagreement_inputs(rng):
    num_members, n, k = int(rng.integers(3, 7)), int(rng.integers(25, 41)), 10
    y = rng.integers(0, k, size=n)
    right = rng.random((num_members, n)) < rng.uniform(0.6, 0.95, size=(num_members, 1))
    return {"member_labels": np.where(right, y, rng.integers(0, k, size=(num_members, n)))}


# An array of any shape: the judge's own message for a wrong shape names a comparison of examples.
@task("disagreement_matrix", points=2, inputs=_disagreement_inputs, answer=Array())
def judge_disagreement_matrix(data, inputs):
    labels = inputs["member_labels"]
    m, n = labels.shape
    differ = labels[:, None, :] != labels[None, :, :]      # (m, m, n)
    want = differ.mean(axis=2)
    what = f"disagreement_matrix(member_labels) for {m} members and {n} examples"
    got = expect_array(data, what)
    if got.shape != (m, m):
        hint = ""
        if got.shape == (n, n):
            hint = (": it compares EXAMPLES with each other. Each row of member_labels is one member; compare the "
                    "rows pairwise.")
        raise Fail(f"{what} has shape {got.shape}, expected ({m}, {m}), one row and one column per member{hint}")
    expect_close(got, want, what, hints=[
        (1 - want, "this is the share of examples on which two members AGREE (its diagonal is 1); return the "
                   "share on which they disagree (diagonal 0)."),
        (differ.sum(axis=2), f"these are counts of examples; divide by the number of examples ({n}) to get "
                             f"shares."),
    ])


# --------------------------------------------------------------------------------------------------------
# Task 5: the smallest ensemble that is as good as the best


def _size_inputs(rng):
    tolerance = float(rng.choice([0.005, 0.01]))
    num_val = int(rng.choice([270, 300, 360]))
    while True:
        sizes = np.arange(1, int(rng.integers(7, 11)) + 1)
        expected = 0.93 + 0.04 * (1 - np.exp(-(sizes - 1) / 1.5))               # rises, then levels off
        correct = np.round((expected + rng.normal(0, 0.004, size=len(sizes))) * num_val)
        accuracy = correct / num_val
        best = accuracy.max()
        within = accuracy >= best - tolerance
        answer = int(np.argmax(within)) + 1
        if (np.min(np.abs(accuracy - (best - tolerance))) > 1e-6 and 1 < answer < int(np.argmax(accuracy)) + 1
                and answer < len(sizes) and np.sum(accuracy == best) == 1):
            return {"val_accuracy": [float(a) for a in accuracy], "tolerance": tolerance}


@task("choose_ensemble_size", points=1, inputs=_size_inputs, answer=Number())
def judge_choose_ensemble_size(data, inputs):
    accuracy, tolerance = np.array(inputs["val_accuracy"]), inputs["tolerance"]
    best = accuracy.max()
    answer = int(np.argmax(accuracy >= best - tolerance)) + 1
    what = f"choose_ensemble_size(val_accuracy, tolerance={tolerance})"
    got = expect_number(data, what)
    if got == answer:
        return
    best_size = int(np.argmax(accuracy)) + 1
    if got == answer - 1:
        raise Fail(f"{what} gave {got:g}, the INDEX of the answer. val_accuracy[0] is the ensemble of 1 member, so an "
                   f"index i means i + 1 members: the answer is {answer}.")
    if got == best_size:
        raise Fail(f"{what} gave {got:g}, the size with the best validation accuracy ({best:.4f}). A smaller "
                   f"ensemble comes within the tolerance ({tolerance}) of it, and every member costs another "
                   f"network to train, store and run: return the SMALLEST size whose accuracy is at least "
                   f"best - tolerance.")
    if got == best_size - 1:
        raise Fail(f"{what} gave {got:g}, the INDEX of the best ensemble; return a number of members (index + 1), "
                   f"and the SMALLEST one whose accuracy is at least best - tolerance.")
    if got == len(accuracy):
        raise Fail(f"{what} gave {got:g}, all the members. Return the smallest number of members whose validation "
                   f"accuracy is at least best - tolerance ({best:.4f} - {tolerance}).")
    if 1 <= got <= len(accuracy) and got == int(got) and accuracy[int(got) - 1] < best - tolerance:
        members = "1 member" if got == 1 else f"{got:g} members"
        raise Fail(f"{what} gave {got:g}: the ensemble of {members} scores {accuracy[int(got) - 1]:.4f}, "
                   f"more than the tolerance {tolerance} below the best ({best:.4f}).")
    raise Fail(f"{what} gave {got:g}; expected {answer}, the smallest number of members whose validation accuracy "
               f"is at least best - tolerance ({best:.4f} - {tolerance}).")
