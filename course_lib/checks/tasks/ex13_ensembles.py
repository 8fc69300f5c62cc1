"""Graded tasks of ``exercises/13_ensembles.ipynb``: soft and hard voting, ensemble accuracy, diversity, size.

Each judge's docstring states, clause by clause, what a correct answer must satisfy; the inputs hold a case for
every clause (designed ties, classes with no vote, a validation accuracy exactly at the tolerance bound), so
that an answer which ignores one of them fails on every seed.
"""

import inspect
import types

import numpy as np

from .. import (Array, Cases, Exercise, Fail, Integer, Items, ListOf, Number, Record, Text, call_each_case,
               expect_array, expect_close, expect_number, to_plain)
from ..plain import is_plain_array
from ._common import is_integer_data, reference_softmax

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
    """A correct answer:

    - has shape ``(n, k)``, one row per example and one column per class (``m``, ``n`` and ``k`` all differ, so
      an average over the wrong axis shows);
    - is the mean over ALL ``m`` members (3 to 5 of them) of their probabilities, entry by entry: divided by
      ``m``, not added up, not counted as votes, not multiplied;
    - leaves ``member_probs`` and each member's array unchanged (the framework's guard; ``total =
      member_probs[0]`` then ``total += ...`` changes the first member's array).
    """
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
    product = stack.prod(axis=0)
    expect_close(got, stack.mean(axis=0), what, hints=[
        (stack.sum(axis=0), f"its rows sum to {m}, the number of members: the probabilities were added up; "
                            f"divide by the number of members to get a mean."),
        (stack.sum(axis=0) / k, f"the sum over the members is divided by {k}, the number of classes; divide by "
                                f"{m}, the number of members (len(member_probs))."),
        (votes.mean(axis=0), "it averages the members' one-hot LABELS, i.e. counts votes. Soft voting averages "
                             "their probabilities, so a confident member counts more than a hesitant one."),
        (stack[0], "this is the first member's array alone: average all members."),
        (stack[:2].mean(axis=0), f"this averages the first two members only; there are {m}: average them all "
                                 f"(np.mean(member_probs, axis=0) works for any number)."),
        (product / product.sum(axis=1, keepdims=True), "it multiplies the members' probabilities (and "
                                                       "renormalises); soft voting takes their arithmetic MEAN."),
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
    """A correct answer, on every case:

    - has shape ``(n,)``: one label per example, the votes counted down each column of ``member_labels``;
    - is the label with the most votes, and on a tie the LOWEST tied label (2-2 ties with four members,
      2-2-1 and five-way ties with five; the designed ties put the lowest label last, first and in between,
      so taking the earliest member's or the highest label fails), also when the last class gets no vote;
    - is an integer array (labels);
    - leaves ``member_labels`` unchanged (the framework's guard: sorting each column in place is a slip).
    """
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
        want = _vote(labels, k)
        expect_close(winners, want, what, hints=[
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
        ] + _tie_only_hint(winners, want, labels, k))
        if not is_integer_data(got):
            raise Fail(f"{what} has the right labels, but as {got['__ndarray__'] if is_plain_array(got) else 'float'}"
                       f": return an integer array, as the task asks (labels index arrays and compare exactly; "
                       f"`np.zeros(n)` makes floats: pass dtype=int, or convert with .astype(int)).")


def _tie_only_hint(winners, want, labels, k):
    """A hint for an answer that differs from the reference only on examples whose votes tie."""
    counts = _counts(labels, k)
    tied = (counts == counts.max(axis=1, keepdims=True)).sum(axis=1) > 1
    differ = ~np.isclose(winners, want)
    if differ.any() and not (differ & ~tied).any():
        columns = ", ".join(str(i) for i in np.flatnonzero(differ)[:5])
        return [(winners, f"it differs from the right answer only where the votes tie (examples {columns}). The "
                          f"rule here: the LOWEST tied label wins, whatever the order of the members; np.argmax "
                          f"of the vote counts gives it (it returns the first maximum).")]
    return []


# --------------------------------------------------------------------------------------------------------
# Task 3: the members' accuracies and the ensemble's


def _combined_accuracies(probs, y):
    """The accuracy of the soft vote, then of the ways of combining the members the judge names, in order."""
    stack = np.stack(probs)
    k = stack.shape[2]
    members = (stack.argmax(axis=2) == y).mean(axis=1)
    soft = float(np.mean(stack.mean(axis=0).argmax(axis=1) == y))
    return soft, {"mean": float(members.mean()), "vote": float(np.mean(_vote(stack.argmax(axis=2), k) == y)),
                  "best": float(members.max()), "error": 1 - soft,
                  "confident": float(np.mean(stack.max(axis=0).argmax(axis=1) == y)),
                  "product": float(np.mean(np.log(stack).sum(axis=0).argmax(axis=1) == y))}


def _accuracy_case(rng, k, members_range):
    while True:
        num_members, n = int(rng.integers(*members_range)), int(rng.integers(60, 101))
        y = rng.integers(0, k, size=n)
        probs = _member_probabilities(rng, y, num_members, k, signal=2.2 if k > 5 else 1.2)
        soft, others = _combined_accuracies(probs, y)
        members = [np.mean(p.argmax(axis=1) == y) for p in probs]
        values = np.sort([soft, *others.values()])
        if np.min(np.diff(values)) > 1e-9 and len(set(members)) > 1:  # each combination its own accuracy
            return {"member_probs": probs, "y": y}


def _accuracy_inputs(rng):
    return {"cases": [_accuracy_case(rng, 10, (3, 6)), _accuracy_case(rng, int(rng.integers(3, 6)), (4, 8))]}


def _global_arrays_read(function):
    """The names of the global NumPy arrays (or lists of them) that ``function``'s code reads."""
    function = inspect.unwrap(function)
    code, names = getattr(function, "__code__", None), set()
    pending = [code] if code is not None else []
    while pending:
        code = pending.pop()
        names.update(code.co_names)
        pending.extend(const for const in code.co_consts if isinstance(const, types.CodeType))
    found = []
    for name in sorted(names):
        value = getattr(function, "__globals__", {}).get(name)
        if isinstance(value, np.ndarray) or (type(value) in (list, tuple) and value
                                             and all(isinstance(item, np.ndarray) for item in value)):
            found.append(name)
    return found


def _collect_accuracies(answer, inputs):
    """Each case's answer, and the global arrays the function reads (a hint when its values are wrong)."""
    return {"answers": call_each_case(answer, inputs), "globals_read": to_plain(_global_arrays_read(answer))}


ACCURACIES = Items(Array(), Number(), names=("member_accuracies", "ensemble_accuracy"))


# The member accuracies of any shape: the judge's own message for a wrong shape names one value per example.
@task("member_and_ensemble_accuracy", points=2, inputs=_accuracy_inputs, collect=_collect_accuracies,
      answer=lambda inputs: Record({"answers": Cases(inputs, ACCURACIES), "globals_read": ListOf(Text())}))
def judge_member_and_ensemble_accuracy(data, inputs):
    """A correct answer, on every case:

    - gives an array of shape ``(m,)``: each member's accuracy, its argmax label compared with ``y``;
    - gives one number, the accuracy of the argmax of the members' MEAN probabilities (soft voting), which is
      neither the mean of their accuracies, nor the majority vote of their labels, nor the best member, nor the
      most confident member's label, nor the product of their probabilities (the inputs keep all of these
      apart); for 10 classes and for 3 to 5 (case 2), with 3 to 7 members;
    - uses only its arguments: a function that reads a notebook's global arrays (``y_val``, ``y_test``) is
      named when its values are wrong;
    - leaves ``member_probs`` and ``y`` unchanged (the framework's guard).
    """
    globals_read = data["globals_read"]
    for case, got in zip(inputs["cases"], data["answers"]):
        probs, y = case["member_probs"], case["y"]
        stack = np.stack(probs)
        m, n, k = stack.shape
        members = (stack.argmax(axis=2) == y).mean(axis=1)                       # (m,)
        ensemble, others = _combined_accuracies(probs, y)
        what = f"member_and_ensemble_accuracy(member_probs, y) for {m} members and {k} classes"
        got_members = expect_array(got[0], f"the member accuracies of {what}")
        got_ensemble = expect_number(got[1], f"the ensemble accuracy of {what}")
        right = (got_members.shape == (m,) and np.allclose(got_members, members)
                 and np.isclose(got_ensemble, ensemble))
        if not right and globals_read:
            names = ", ".join(f"`{name}`" for name in globals_read)
            raise Fail(f"{what} is wrong, and the function reads the global array{'s' if len(globals_read) > 1 else ''}"
                       f" {names} from the notebook: it must use only its arguments, member_probs and y, the data "
                       f"the check passes in.")
        if got_members.shape != (m,):
            hint = ""
            if got_members.shape == (n,):
                hint = (": one value per EXAMPLE. Compare each member's predicted labels with y and take the mean "
                        "over the examples (axis 1), one accuracy per member.")
            raise Fail(f"the member accuracies of {what} have shape {got_members.shape}, expected ({m},), one per "
                       f"member{hint}")
        expect_close(got_members, members, f"the member accuracies of {what}", hints=[
            (1 - members, "these are the error rates (the share WRONG); the accuracy is the share right."),
        ])
        expect_close(got_ensemble, ensemble, f"the ensemble accuracy of {what}", hints=[
            (others["mean"], f"this is the mean of the members' accuracies ({others['mean']:.3f}). The accuracy of "
                             f"the average is not the average of the accuracies: average the probabilities over "
                             f"the members first, take the argmax, then compare with y."),
            (others["vote"], "this is the accuracy of the majority vote of the members' labels (hard voting); this "
                             "task asks for soft voting: average the probabilities, then take the argmax."),
            (others["best"], "this is the best member's accuracy; the ensemble predicts from the averaged "
                             "probabilities."),
            (others["error"], "this is the ensemble's error rate (the share wrong); the accuracy is the share "
                              "right."),
            (others["confident"], "this takes, for each class, the highest probability of any member, so the most "
                                  "confident member decides; soft voting AVERAGES the probabilities over the "
                                  "members, then takes the argmax."),
            (others["product"], "this multiplies the members' probabilities (or adds their logs); soft voting "
                                "takes their arithmetic MEAN, then the argmax."),
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
    """A correct answer:

    - has shape ``(m, m)``, one row and one column per member (``m`` differs from ``n``);
    - holds at ``[i, j]`` the SHARE of the ``n`` examples on which members ``i`` and ``j`` predict different
      labels: divided by ``n``, disagreements rather than agreements;
    - is symmetric (both triangles filled) with zeros on its diagonal;
    - leaves ``member_labels`` unchanged (the framework's guard).
    """
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
        elif got.shape == (m, n):
            hint = (": it averaged over the members (axis 0) of the (m, m, n) comparison; average over the "
                    "examples, the last axis (axis=2).")
        raise Fail(f"{what} has shape {got.shape}, expected ({m}, {m}), one row and one column per member{hint}")
    off_diagonal = ~np.eye(m, dtype=bool)
    upper, lower = np.triu(off_diagonal), np.tril(off_diagonal)
    if np.allclose(got[off_diagonal], want[off_diagonal]) and not np.allclose(np.diag(got), 0):
        raise Fail(f"{what} is right off the diagonal, but its diagonal is {np.diag(got).round(3).tolist()}: the "
                   f"diagonal must be 0, since a member always agrees with itself.")
    for filled, empty, name in ((upper, lower, "upper"), (lower, upper, "lower")):
        if np.allclose(got[filled], want[filled]) and not np.allclose(got[empty], want[empty]):
            raise Fail(f"{what} fills only the {name} triangle correctly: D must be symmetric, D[j, i] = D[i, j] "
                       f"(member i disagrees with member j exactly as often as j with i). Fill both, or "
                       f"compare all pairs with broadcasting.")
    expect_close(got, want, what, hints=[
        (1 - want, "this is the share of examples on which two members AGREE (its diagonal is 1); return the "
                   "share on which they disagree (diagonal 0)."),
        (differ.sum(axis=2), f"these are counts of examples; divide by the number of examples ({n}) to get "
                             f"shares."),
        (differ.sum(axis=2) / m, f"the counts are divided by {m}, the number of members; divide by the number of "
                                 f"examples ({n})."),
    ])


# --------------------------------------------------------------------------------------------------------
# Task 5: the smallest ensemble that is as good as the best


def _size_slips(accuracy, tolerance):
    """The right size, then ``(size, message)`` for each slip the judge names, in the order it checks them."""
    accuracy = np.asarray(accuracy)
    best = accuracy.max()
    within = accuracy >= best - tolerance
    answer = int(np.argmax(within)) + 1
    best_size = int(np.argmax(accuracy)) + 1
    strict = accuracy > best - tolerance
    relative = accuracy >= best * (1 - tolerance)
    last = accuracy >= accuracy[-1] - tolerance
    small_step = np.flatnonzero(np.diff(accuracy) < tolerance)
    greedy = int(small_step[0]) + 1 if len(small_step) else len(accuracy)
    largest = int(np.flatnonzero(within)[-1]) + 1
    bound = f"best - tolerance ({best:.4f} - {tolerance} = {best - tolerance:.4f})"
    return answer, [
        (answer - 1, f"the INDEX of the answer. val_accuracy[0] is the ensemble of 1 member, so an index i means "
                     f"i + 1 members: the answer is {answer}."),
        (best_size, f"the size with the best validation accuracy ({best:.4f}). A smaller ensemble comes within the "
                    f"tolerance ({tolerance}) of it, and every member costs another network to train, store and "
                    f"run: return the SMALLEST size whose accuracy is at least best - tolerance."),
        (best_size - 1, "the INDEX of the best ensemble; return a number of members (index + 1), and the SMALLEST "
                        "one whose accuracy is at least best - tolerance."),
        (int(np.argmax(strict)) + 1, f"the first size whose accuracy is strictly above {bound}. The ensemble of "
                                     f"{answer} scores {accuracy[answer - 1]:.4f}, exactly the bound, and 'at least' "
                                     f"includes it: compare with >=, not >."),
        (int(np.argmax(relative)) + 1, f"the first size within a relative tolerance, best * (1 - tolerance) = "
                                       f"{best * (1 - tolerance):.5f}; the bound is {bound}, the tolerance taken "
                                       f"off the best accuracy, not a share of it."),
        (int(np.argmax(last)) + 1, f"the first size within the tolerance of the LAST ensemble's accuracy "
                                   f"({accuracy[-1]:.4f}); compare with the best accuracy of all sizes "
                                   f"({best:.4f}): the bound is {bound}."),
        (greedy, f"the size after which one more member first adds less than the tolerance: your answer stops at "
                 f"the first small step, but the curve is noisy and climbs further later. Compare every size with "
                 f"the best of all sizes: the smallest with accuracy at least {bound} is {answer}."),
        (len(accuracy), f"all the members. Return the smallest number of members whose validation accuracy is "
                        f"at least {bound}."),
        (largest, f"the LARGEST size within the tolerance; return the SMALLEST number of members whose accuracy "
                  f"is at least {bound}."),
    ]


#: The first slips of ``_size_slips`` (index, best, best index, >, relative, last, greedy) each get their own
#: message on the first case they fail; "all members" and "largest" may coincide with the best size.
_SIZE_SLIPS_NAMED = 7


def _size_cases_fit(cases):
    """Whether each slip fails on some case, and the first case it fails names it by its own message (no
    earlier slip in the judge's order gives the same size there), so that no slip passes, or is misnamed, by luck."""
    tables = [_size_slips(case["val_accuracy"], case["tolerance"]) for case in cases]
    for number in range(_SIZE_SLIPS_NAMED):
        failing = [(answer, slips) for answer, slips in tables if slips[number][0] != answer]
        if not failing:
            return False
        answer, slips = failing[0]
        if any(size == slips[number][0] for size, _ in slips[:number]):
            return False
    return True


def _size_noisy_curve(rng):
    """A curve that rises and levels off, sampled as correct answers out of a validation set."""
    tolerance = float(rng.choice([0.005, 0.01]))
    num_val = int(rng.choice([270, 300, 360]))
    while True:
        sizes = np.arange(1, int(rng.integers(7, 11)) + 1)
        expected = 0.93 + 0.04 * (1 - np.exp(-(sizes - 1) / 1.5))               # rises, then levels off
        correct = np.round((expected + rng.normal(0, 0.004, size=len(sizes))) * num_val)
        accuracy = correct / num_val
        best = accuracy.max()
        answer = int(np.argmax(accuracy >= best - tolerance)) + 1
        if (np.min(np.abs(accuracy - (best - tolerance))) > 1e-6 and 1 < answer < int(np.argmax(accuracy)) + 1
                and answer < len(sizes) and np.sum(accuracy == best) == 1):
            return {"val_accuracy": [float(a) for a in accuracy], "tolerance": tolerance}


def _size_on_the_bound(rng):
    """One size scores exactly best - tolerance. Multiples of 1/256 and a tolerance of 2/256 are exact in floating
    point, so ``a >= best - tol``, ``best - a <= tol`` and ``a + tol >= best`` all agree."""
    tolerance = 2 / 256
    while True:
        length = int(rng.integers(6, 10))
        best_index = int(rng.integers(3, length))
        best_count = int(rng.integers(240, 250))
        answer_index = int(rng.integers(1, best_index - 1))
        counts = np.empty(length, dtype=int)
        counts[:answer_index] = np.sort(rng.integers(best_count - 12, best_count - 2, size=answer_index))
        counts[answer_index] = best_count - 2                                       # exactly on the bound
        counts[answer_index + 1:] = rng.integers(best_count - 4, best_count, size=length - answer_index - 1)
        counts[answer_index + 1] = best_count - 1                                   # the first one above it
        counts[best_index] = best_count
        if np.sum(counts == best_count) == 1:
            return {"val_accuracy": [float(c / 256) for c in counts], "tolerance": tolerance}


def _size_designed(rng):
    """A flat start, a size just inside ``best - tolerance`` but outside ``best * (1 - tolerance)``, and a dip at
    the end: the greedy, relative and last-size slips each give their own wrong size."""
    tolerance = float(rng.choice([0.01, 0.02]))
    best = 0.95 + 0.0002 * int(rng.integers(0, 150))            # 0.95 to 0.98
    accuracy = [best - 0.07, best - 0.07 + tolerance / 2,       # one more member adds less than the tolerance
                best - tolerance - 0.01, best - tolerance - 0.002,
                best - tolerance + 0.1 * tolerance * (1 - best),  # the answer: inside best - tolerance only
                best - 0.5 * tolerance, best - 0.3 * tolerance, best, best - 0.2 * tolerance,
                best - tolerance - 0.004]                         # the last size dips below the bound
    return {"val_accuracy": [float(a) for a in np.round(accuracy, 6)], "tolerance": tolerance}


def _size_inputs(rng):
    for _ in range(1000):  # a few tries are enough; a bound turns a broken judge into an error, not a hang
        cases = [_size_noisy_curve(rng), _size_designed(rng), _size_on_the_bound(rng)]
        if _size_cases_fit(cases):
            return {"cases": cases}
    raise RuntimeError("choose_ensemble_size: no inputs on which every slip shows; is the judge broken?")


@task("choose_ensemble_size", points=1, inputs=_size_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Integer()))
def judge_choose_ensemble_size(data, inputs):
    """A correct answer, on every case:

    - is an ``int``, a number of members (index + 1), at least 1;
    - is the SMALLEST size whose validation accuracy is at least ``best - tolerance``, ``best`` being the highest
      accuracy of all sizes: an accuracy exactly on that bound counts (case 3, exact in floating point), the
      tolerance is subtracted, not a share, and the reference is the best size, not the last one nor the first
      small step (case 2 keeps all of these apart).
    """
    for case, got in zip(inputs["cases"], data):
        accuracy, tolerance = case["val_accuracy"], case["tolerance"]
        what = f"choose_ensemble_size(val_accuracy, tolerance={tolerance})"
        answer, slips = _size_slips(accuracy, tolerance)
        if got == answer:
            continue
        for size, message in slips:
            if got == size:
                raise Fail(f"{what} gave {got}, {message}")
        bound = max(accuracy) - tolerance
        if 1 <= got <= len(accuracy) and accuracy[got - 1] < bound:
            members = "1 member" if got == 1 else f"{got} members"
            raise Fail(f"{what} gave {got}: the ensemble of {members} scores {accuracy[got - 1]:.4f}, more than the "
                       f"tolerance {tolerance} below the best ({max(accuracy):.4f}).")
        raise Fail(f"{what} gave {got}; expected {answer}, the smallest number of members whose validation accuracy "
                   f"is at least best - tolerance ({max(accuracy):.4f} - {tolerance}).")
