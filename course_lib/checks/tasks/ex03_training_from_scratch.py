"""Graded tasks of ``exercises/03_training_from_scratch.ipynb``: loss, backprop, gradient check, SGD, training.

Each judge's docstring lists the clauses a correct answer must satisfy; the inputs are chosen so that every
clause is exercised in one check (several cases or runs, so that no single draw can let a mistake through).
"""

import copy

import numpy as np

from .. import (ANY, Array, Cases, Exercise, Fail, Flag, Integer, Items, ListOf, Number, Record, call_each_case,
                check_gradients, expect_array, expect_close, expect_number, numeric_gradient, to_plain)
from ._common import distinct_sizes, reference_relu, reference_softmax, shape_text, type_name

EXERCISE = Exercise("03_training_from_scratch", "Training a network from scratch")
task = EXERCISE.task

EPS = 1e-12  # the smallest probability let into a log, as in lesson 03
PARAM_NAMES = ("W1", "b1", "W2", "b2")


def _moved(now, before):
    """Which numbers of ``now`` differ from ``before`` by more than rounding (a few units in the last place).

    ``x += h`` then ``x -= h`` can leave ``x`` one unit in the last place off: that is putting it back.
    """
    return ~(np.abs(now - before) <= 4 * np.spacing(np.abs(before)))  # NaN counts as moved


def _changed_array(before, after):
    """The first name whose array in dict ``after`` differs from the snapshot ``before``, else ``None``."""
    for name, array in before.items():
        now = after.get(name) if type(after) is dict else None
        if not isinstance(now, np.ndarray) or now.shape != array.shape or _moved(now, array).any():
            return name
    return None


# --------------------------------------------------------------------------------------------------------
# Reference network (lesson 03): dense -> ReLU -> dense -> softmax, mean categorical cross-entropy


def _forward(params, X):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = reference_relu(Z1)
    P = reference_softmax(A1 @ params["W2"] + params["b2"])
    return P, {"X": X, "Z1": Z1, "A1": A1, "P": P}


def _loss(params, X, Y):
    P = _forward(params, X)[0]
    return float(-np.mean(np.sum(Y * np.log(np.clip(P, EPS, 1.0)), axis=1)))


def _backward(params, cache, Y, *, mask="relu"):
    """The gradients of the mean loss; ``mask`` "relu" (right), None (no mask) or an array to multiply by."""
    X, Z1, A1, P = cache["X"], cache["Z1"], cache["A1"], cache["P"]
    dZ2 = (P - Y) / X.shape[0]
    dA1 = dZ2 @ params["W2"].T
    dZ1 = dA1 * (Z1 > 0) if isinstance(mask, str) else dA1 if mask is None else dA1 * mask
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


def _one_hot(y, k):
    return np.eye(k)[y]


def _small_network(rng):
    """A tiny network and batch, with every hidden pre-activation well away from ReLU's kink at 0.

    Finite differences across the kink would be wrong by design; keeping ``|Z1| > 0.05`` lets any step
    ``h`` up to 1e-3 give a clean numerical gradient. All four sizes differ, so a transposed or wrongly
    summed gradient shows in its shape.
    """
    n_inputs, n_classes = distinct_sizes(rng, 2, 2, 6)
    n_hidden, batch = distinct_sizes(rng, 2, 6, 11)  # the widest layer, so that some units are off and some on
    params = {"W1": rng.normal(0.0, np.sqrt(2.0 / n_inputs), size=(n_inputs, n_hidden)),
              "b1": rng.normal(0.0, 0.1, size=n_hidden),
              "W2": rng.normal(0.0, np.sqrt(1.0 / n_hidden), size=(n_hidden, n_classes)),
              "b2": rng.normal(0.0, 0.1, size=n_classes)}
    while True:
        X = rng.normal(size=(batch, n_inputs))
        Z1 = X @ params["W1"] + params["b1"]
        if np.abs(Z1).min() > 0.05 and (Z1 < 0).any():
            break
    y = rng.integers(0, n_classes, size=batch)
    return params, X, _one_hot(y, n_classes)


def _numeric_grads(params, X, Y, h=1e-6):
    """Central-difference gradients of the mean loss for each parameter (``params`` is left unchanged)."""
    work = copy.deepcopy(params)
    grads = {}
    for name in PARAM_NAMES:
        def loss_at(value, name=name):
            work[name] = value
            return _loss(work, X, Y)
        grads[name] = numeric_gradient(loss_at, work[name].copy(), eps=h)
        work[name] = params[name].copy()
    return grads


def _close(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-4, atol=1e-9)


# --------------------------------------------------------------------------------------------------------
# Task 1: cross_entropy


def _cross_entropy_inputs(rng):
    cases = []
    n, k = distinct_sizes(rng, 2, 3, 9)
    cases.append({"P": reference_softmax(rng.normal(scale=2.0, size=(n, k))), "y": rng.integers(0, k, size=n)})
    n = int(rng.integers(3, 7))  # square: P[:, y] picks the wrong entries silently
    cases.append({"P": reference_softmax(rng.normal(scale=2.0, size=(n, n))), "y": rng.integers(0, n, size=n)})
    n, k = distinct_sizes(rng, 2, 3, 9)
    P = reference_softmax(rng.normal(scale=2.0, size=(n, k)))
    y = rng.integers(0, k, size=n)
    wrong = int(rng.integers(n))  # one confident, certain mistake: probability exactly 0 for the true class
    P[wrong] = 0.0
    P[wrong, (y[wrong] + 1) % k] = 1.0
    cases.append({"P": P, "y": y})
    return {"cases": cases}


def _clip_used(loss, P, y):
    """The floor an answer must have clipped the zero probability to, to report ``loss`` (else ``None``)."""
    n = len(y)
    picked = P[np.arange(n), y]
    if not np.any(picked == 0) or not np.isfinite(loss):
        return None
    others = -np.sum(np.log(picked[picked > 0]))
    exponent = n * loss - others  # -log(floor) * (number of zeros)
    count = int(np.sum(picked == 0))
    if not 0 < exponent / count < 700:
        return None
    return float(np.exp(-exponent / count))


@task("cross_entropy", points=2, inputs=_cross_entropy_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Number()))
def judge_cross_entropy(data, inputs):
    """A correct ``cross_entropy(P, y)``:

    - returns one number, the MEAN over the n samples (not the sum) of -log P[i, y[i]], natural log;
    - picks row i's true-class probability P[i, y[i]] (not column y, not the row's largest probability), for
      square and non-square P alike (cases 1 and 2);
    - clips that probability into [EPS, 1] with EPS = 1e-12 before the log, so a true class of probability
      exactly 0 gives -log(1e-12), finite (case 3);
    - leaves P and y unchanged (the framework's guard: an in-place ``np.clip(..., out=P)`` fails).
    """
    for case, got in zip(inputs["cases"], data):
        P, y = case["P"], case["y"]
        n, k = P.shape
        certain_mistake = bool(np.any(P[np.arange(n), y] == 0))
        what = f"cross_entropy(P, y) for P {shape_text(P.shape)}" + (
            ", where the true class of one sample has probability exactly 0" if certain_mistake else "")
        loss = expect_number(got, what, finite=False)
        if not np.isfinite(loss):
            raise Fail(f"{what} is {loss}: log(0) = -inf. Clip the probabilities into [1e-12, 1] before the log, "
                       f"as lesson 03 does with EPS.")
        picked = np.clip(P[np.arange(n), y], EPS, 1.0)
        want = float(-np.mean(np.log(picked)))
        clipped = np.clip(P, EPS, 1.0)
        hints = [
            (np.mean(np.log(picked)), "it is negative: a loss is -log(probability of the true class), so put a "
                                      "minus sign in front of the mean."),
            (-np.sum(np.log(picked)), "it is the SUM over the samples; the loss is their mean, so that it does not "
                                      "grow with the batch size."),
            (-np.mean(np.log(clipped[:, y])), "P[:, y] picks whole columns (an n x n table); the true class of "
                                              "sample i is P[i, y[i]]: use P[np.arange(n), y]."),
            (-np.mean(_one_hot(y, k) * np.log(clipped)), "it averages over all n x k entries of Y * log(P); sum "
                                                         "over the classes, then average over the samples."),
            (-np.mean(np.log(clipped)), "it averages -log of EVERY probability; only the true class's "
                                        "probability counts, P[np.arange(n), y]."),
            (-np.mean(np.log10(picked)), "that is log10; cross-entropy uses the natural log, np.log."),
            (-np.mean(np.log(clipped.max(axis=1))), "it uses each row's LARGEST probability (the predicted class); "
                                                    "the loss uses the TRUE class's probability, P[np.arange(n), y]."),
        ]
        floor = _clip_used(loss, P, y)
        if floor is not None and abs(np.log10(floor) - np.log10(EPS)) > 0.5 and not np.isclose(loss, want, rtol=1e-6):
            hints.append((loss, f"it clips the probability 0 of the true class to {floor:.0e}, not EPS = 1e-12 "
                                f"(-log(1e-12) = {-np.log(EPS):.1f}): clip into [EPS, 1] with the lesson's EPS."))
        expect_close(loss, want, what, rtol=1e-6, hints=hints)


# --------------------------------------------------------------------------------------------------------
# Task 2: backward


def _backward_inputs(rng):
    params, X, Y = _small_network(rng)
    return {"params": params, "cache": _forward(params, X)[1], "Y": Y}


# A dict with an array per parameter, of any shape: the judge says that a gradient has its parameter's shape.
@task("backward", points=3, inputs=_backward_inputs,
      answer=Record({name: Array() for name in PARAM_NAMES}, extra=True))
def judge_backward(data, inputs):
    """A correct ``backward(params, cache, Y)``:

    - returns a dict with "W1", "b1", "W2", "b2", each gradient the shape of its parameter (all four sizes
      differ, so a transpose or a sum over the wrong axis shows);
    - each equal to the numerical gradient of the MEAN cross-entropy: dZ2 = (P - Y) / batch, once;
    - dW = A.T @ dZ and db = the SUM of dZ over the batch (the 1/batch is already in dZ2);
    - dZ1 = dA1 * (Z1 > 0), ReLU's 0/1 derivative (some hidden units are off in every check);
    - leaves params, cache and Y unchanged (the framework's guard: ``P -= Y`` on the cache's P fails).
    """
    params, cache, Y = inputs["params"], inputs["cache"], inputs["Y"]
    numeric = _numeric_grads(params, cache["X"], Y)
    reference = {name: numeric[name] for name in ("W2", "b2", "W1", "b1")}  # backprop's order: output layer first
    arrays = {}
    for name in reference:
        try:
            arrays[name] = expect_array(data[name], f"the gradient {name!r}")
        except Fail:
            arrays = None
            break
    if arrays is not None and all(arrays[n].shape == params[n].shape for n in arrays):
        batch = cache["X"].shape[0]
        exact = _backward(params, cache, Y)  # the candidates are exact too: no finite-difference noise to scale

        def matches(candidate, names=PARAM_NAMES):
            return all(_close(arrays[n], candidate[n]) for n in names)

        if matches({n: batch * exact[n] for n in exact}):
            raise Fail(f"every gradient is {batch} times too large, and {batch} is the batch size: the loss is a "
                       f"MEAN over the batch, so dZ2 = (P - Y) / batch.")
        if matches({n: exact[n] / batch if n.startswith("W") else exact[n] for n in exact}):
            raise Fail(f"dW1 and dW2 are {batch} times too small (the batch size), while db1 and db2 are right: "
                       f"they were divided by the batch size twice. dZ2 = (P - Y) / batch already averages; "
                       f"dW = A.T @ dZ adds nothing more.")
        if matches({n: exact[n] / batch if n.startswith("b") else exact[n] for n in exact}):
            raise Fail(f"db1 and db2 are {batch} times too small (the batch size): db is the SUM of dZ over the "
                       f"batch, dZ.sum(axis=0); the 1/batch is already in dZ2, so a mean divides twice.")
        if matches(exact, ("W2", "b2")):
            if matches(_backward(params, cache, Y, mask=None), ("W1", "b1")):
                raise Fail("dW2 and db2 are right, but dW1 and db1 ignore the ReLU: a unit that was off (Z1 <= 0) "
                           "passes no gradient back, so dZ1 = dA1 * (Z1 > 0).")
            if matches(_backward(params, cache, Y, mask=cache["A1"]), ("W1", "b1")):
                raise Fail("dW2 and db2 are right, but dZ1 multiplies by A1, ReLU's output; ReLU's derivative is 1 "
                           "where the unit was on and 0 where it was off: dZ1 = dA1 * (Z1 > 0).")
    check_gradients(data, reference)


# --------------------------------------------------------------------------------------------------------
# Task 3: gradient_check


def _gradient_check_inputs(rng):
    params, X, Y = _small_network(rng)
    # One run per parameter, each with the bug planted in that one: a check that skips a parameter, or that
    # reports the same number for all, cannot pass by the luck of which parameter was drawn.
    plants = [{"buggy": name, "bug": str(rng.choice(["double", "sign", "noise"])),
               "noise_seed": int(rng.integers(2**31))} for name in rng.permutation(PARAM_NAMES).tolist()]
    return {"params": params, "X": X, "Y": Y, "plants": plants}


def _planted_grads(inputs, plant):
    """The correct gradients, except for one parameter (``plant["buggy"]``) with a planted bug."""
    params, X, Y = inputs["params"], inputs["X"], inputs["Y"]
    grads = _backward(params, _forward(params, X)[1], Y)
    name, bug = plant["buggy"], plant["bug"]
    if bug == "double":
        grads[name] = 2 * grads[name]
    elif bug == "sign":
        grads[name] = -grads[name]
    else:
        noise = np.random.default_rng(plant["noise_seed"]).normal(size=grads[name].shape)
        grads[name] = grads[name] + 0.3 * np.abs(grads[name]).mean() * noise
    return grads


def _collect_gradient_check(answer, inputs):
    """Runs ``gradient_check`` once per planted bug, with a ``compute_loss`` that notes how params was nudged.

    For each call of ``compute_loss`` it notes how many numbers of params differ from the originals: none, one
    (then the size and sign of that nudge) or several. That is how the judge can name the method's slip (a
    one-sided difference, an h far too small, nudges that never reach params) rather than guess it.
    """
    X, Y = inputs["X"], inputs["Y"]
    runs = []
    for plant in inputs["plants"]:
        params = copy.deepcopy(inputs["params"])
        saved = copy.deepcopy(params)
        grads = _planted_grads(inputs, plant)
        log = {"calls": 0, "unchanged": 0, "multi": 0, "plus": 0, "minus": 0}
        steps = []

        def compute_loss(params=params, saved=saved, log=log, steps=steps):
            log["calls"] += 1
            changed, delta = 0, 0.0
            for name, original in saved.items():
                now = params.get(name)
                if not isinstance(now, np.ndarray) or now.shape != original.shape:
                    changed += 2
                    continue
                moved = np.flatnonzero(_moved(now, original))
                changed += len(moved)
                if len(moved) == 1:
                    delta = float(now.flat[moved[0]] - original.flat[moved[0]])
            if changed == 0:
                log["unchanged"] += 1
            elif changed == 1:
                log["plus" if delta > 0 else "minus"] += 1
                steps.append(abs(delta))
            else:
                log["multi"] += 1
            return _loss(params, X, Y)

        errors = to_plain(answer(compute_loss, params, grads), "the value it returned")
        runs.append({"errors": errors, "restored": set(params) == set(saved) and _changed_array(saved, params) is None,
                     "step": float(np.median(steps)) if steps else 0.0, **log})
    return runs


def _lesson_relative_error(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))


def _nudge_problem(run, value):
    """What went wrong in the numerical gradient of a run whose CORRECT gradients show ``value`` as their error."""
    if run["calls"] == 0:
        return ("`gradient_check` never called compute_loss(): the numerical gradient comes from nudging one number "
                "of params, calling compute_loss(), nudging it the other way and calling it again.")
    if run["unchanged"] == run["calls"]:
        return ("No call of compute_loss() saw a nudged number: it reads the arrays inside params each time it is "
                "called, so nudge the arrays inside params (array = params[name], not a copy of it), then put "
                "each number back.")
    if run["multi"]:
        return (f"In {run['multi']} of its {run['calls']} calls, compute_loss() saw several numbers of params nudged "
                f"at once: nudge one number at a time (for index in np.ndindex(array.shape): array[index] ...) and "
                f"put it back before nudging the next, so each difference measures one partial derivative.")
    step = run["step"]
    if 0 < step < 1e-8:
        return (f"h = {step:.0e} is too small: L(θ+h) and L(θ-h) then agree in almost all of their 16 digits, and "
                f"their difference is mostly rounding error. Use h around 1e-5.")
    if step > 1e-3:
        return (f"h = {step:.0e} is too large: the difference then also measures how the slope changes over the "
                f"step. Use h around 1e-5.")
    if run["unchanged"] and not (run["plus"] and run["minus"]):
        return ("The loss was compared with the loss at θ itself: a one-sided difference (L(θ+h) - L(θ)) / h is "
                "only accurate to order h; use the central difference (L(θ+h) - L(θ-h)) / (2h), with h around "
                "1e-5.")
    if abs(value - 1) < 1e-3:
        return ("A relative error of 1 means the numerical gradient has the opposite sign of the true one: the "
                "central difference is (L(θ+h) - L(θ-h)) / (2h), the loss with the number nudged UP first.")
    if abs(value - 1 / 3) < 1e-3:
        return ("A relative error of 1/3 means the numerical gradient is off by a factor of 2: the two losses are "
                "2h apart, so divide by 2h (parentheses: / (2 * h)).")
    return (f"The nudges look right (central, one number at a time, h = {step:.0e}). Check the formula: the "
            f"numerical gradient (L(θ+h) - L(θ-h)) / (2h) per number, then norm(a - b) / (norm(a) + norm(b)) "
            f"over the whole array.")


# One answer per planted bug; "errors" is what gradient_check returned, read by the judge to name a missing key.
# params is nudged in place by design (the collect checks that it is put back); grads is held by the guard.
@task("gradient_check", points=2, inputs=_gradient_check_inputs, collect=_collect_gradient_check, mutates=("params",),
      answer=ListOf(Record({"errors": ANY, "restored": Flag(), "step": Number(),
                            "calls": Integer(), "unchanged": Integer(), "multi": Integer(), "plus": Integer(),
                            "minus": Integer()}), length=len(PARAM_NAMES)))
def judge_gradient_check(data, inputs):
    """A correct ``gradient_check(compute_loss, params, grads, h=1e-5)``:

    - returns a dict with one relative error per name in params (all four, whatever is buggy);
    - gets each numerical gradient by nudging one number of params[name] at a time, in place, by +h and -h
      around its value, calling compute_loss() for each (the central difference), with a usable h;
    - compares by norm(a - b) / max(norm(a) + norm(b), 1e-12) over the whole array: about 1e-7 or less for the
      three correct gradients, the large right value for the planted bug (each parameter is the buggy one in
      one of four runs);
    - puts every nudged number back, so params ends as it began (to within rounding: ``+= h`` then ``-= h``
      is putting it back), and leaves grads unchanged (the framework's guard).
    """
    for run, plant in zip(data, inputs["plants"]):
        errors = run["errors"]
        if type(errors) is not dict:
            raise Fail(f"gradient_check should return a dict {{parameter name: relative error}}; it returned "
                       f"{type_name(errors)}")
        missing = [name for name in PARAM_NAMES if name not in errors]
        if missing:
            raise Fail(f"the dict has no {', '.join(map(repr, missing))}: give one relative error for every "
                       f"parameter in params, with the same names as keys.")
        values = {name: expect_number(errors[name], f"the relative error of {name!r}", finite=False)
                  for name in PARAM_NAMES}
        if not all(np.isfinite(value) for value in values.values()):
            bad = next(name for name, value in values.items() if not np.isfinite(value))
            raise Fail(f"the relative error of {bad!r} is {values[bad]}: a division by zero? Divide by "
                       f"max(norm(a) + norm(b), 1e-12).")
        if not run["restored"]:
            raise Fail("after gradient_check, params holds different numbers than before: put every nudged number "
                       "back (array[index] = original) before moving on, or later losses are computed at the wrong "
                       "point.")
        run["values"] = values
    for run, plant in zip(data, inputs["plants"]):
        values = run["values"]
        noisy = [name for name in PARAM_NAMES if name != plant["buggy"] and values[name] > 1e-7]
        if noisy:
            worst = max(noisy, key=values.get)
            raise Fail(f"the relative error of {worst!r} is {values[worst]:.2g}, but its gradient is right: a "
                       f"correct gradient should agree to about 1e-7 or better. "
                       f"{_nudge_problem(run, values[worst])}")
    params, X, Y = inputs["params"], inputs["X"], inputs["Y"]
    numeric = _numeric_grads(params, X, Y, h=1e-5)
    for run, plant in zip(data, inputs["plants"]):
        values, buggy = run["values"], plant["buggy"]
        want = _lesson_relative_error(_planted_grads(inputs, plant)[buggy], numeric[buggy])
        if values[buggy] < 1e-3:
            raise Fail(f"the planted bug went unnoticed: grads[{buggy!r}] is wrong (relative error {want:.2g}), "
                       f"but your check reports {values[buggy]:.2g}. Compare each grads[name] with a numerical "
                       f"gradient computed by nudging params[name] and calling compute_loss(), for every name.")
        if abs(values[buggy] / want - 1) > 1e-3:
            raise Fail(f"the relative error of {buggy!r} is {values[buggy]:.4g}; with the lesson's formula "
                       f"norm(a - b) / (norm(a) + norm(b)) it is {want:.4g}. Check the formula (norms of whole "
                       f"arrays, np.linalg.norm, not elementwise values).")


# --------------------------------------------------------------------------------------------------------
# Task 4: sgd_step


def _sgd_inputs(rng):
    params, X, Y = _small_network(rng)
    rates = rng.choice([0.01, 0.05, 0.1, 0.3, 0.5, 0.8], size=3, replace=False)  # never 1: a missing rate shows
    return {"params": params, "grads": _backward(params, _forward(params, X)[1], Y),
            "learning_rates": [float(rate) for rate in rates]}


def _collect_sgd(answer, inputs):
    steps = []
    for learning_rate in inputs["learning_rates"]:
        params = copy.deepcopy(inputs["params"])
        answer(params, copy.deepcopy(inputs["grads"]), learning_rate)
        steps.append(to_plain(params, "params after the step"))
    return steps


# params after a step with each learning rate; the guard holds grads unchanged, params is meant to change.
@task("sgd_step", points=1, inputs=_sgd_inputs, collect=_collect_sgd, mutates=("params",),
      answer=lambda inputs: ListOf(Record({name: Array(shape=inputs["params"][name].shape) for name in PARAM_NAMES}),
                                   length=len(inputs["learning_rates"])))
def judge_sgd_step(data, inputs):
    """A correct ``sgd_step(params, grads, learning_rate)``:

    - changes the caller's dict: afterwards params[name] holds params[name] - learning_rate * grads[name]
      (updating the arrays in place, or storing new arrays under the same keys, both do);
    - for every parameter, the biases too;
    - with the learning_rate argument (three different rates, none of them 1), downhill;
    - leaves grads unchanged (the framework's guard: ``grads[name] *= learning_rate`` fails).
    """
    params, grads = inputs["params"], inputs["grads"]
    for step, learning_rate in zip(data, inputs["learning_rates"]):
        after = {name: expect_array(step[name], f"params[{name!r}] after the step",
                                    shape=params[name].shape) for name in PARAM_NAMES}
        same = [name for name in PARAM_NAMES if np.array_equal(after[name], params[name])]
        if len(same) == len(PARAM_NAMES):
            raise Fail("params did not change. Update the arrays inside the dict (params[name] -= learning_rate * "
                       "grads[name]); rebinding a local variable or building a new dict leaves the caller's params "
                       "as they were.")
        if same:
            raise Fail(f"{' and '.join(f'params[{name!r}]' for name in same)} did not change, while the others "
                       f"did: update every parameter in params (for name in params), the biases too.")
        for name in PARAM_NAMES:
            g = grads[name]
            factor = float(np.sum((params[name] - after[name]) * g) / max(np.sum(g * g), 1e-300))
            hints = [
                (params[name] + learning_rate * g, "the step went UP the gradient; gradient descent subtracts: "
                                                   "params[name] -= learning_rate * grads[name]."),
                (params[name] - g, "the learning rate is missing: the step is learning_rate * gradient."),
                (params[name] - learning_rate * g / np.abs(g).max(),
                 "the gradient was rescaled; plain SGD steps by learning_rate * gradient, unchanged."),
                (params[name] - factor * g, f"the step is {factor:.3g} times the gradient, but learning_rate is "
                                            f"{learning_rate:g}: step by the learning_rate argument."),
            ]
            expect_close(after[name], params[name] - learning_rate * g,
                         f"params[{name!r}] after a step with learning_rate={learning_rate:g}", hints=hints)


# --------------------------------------------------------------------------------------------------------
# Task 5: minibatches


def _minibatch_inputs(rng):
    """Four data sets: the last batch less than half full, more than half full, no last batch at all (the size
    divides evenly), and a batch_size larger than twice the data (one batch holds everything)."""
    cases = []
    batch_size = int(rng.integers(5, 11))
    cases.append((int(rng.integers(4, 8)) * batch_size + int(rng.integers(1, (batch_size + 1) // 2)), batch_size))
    batch_size = int(rng.integers(5, 11))
    cases.append((int(rng.integers(2, 5)) * batch_size + int(rng.integers(batch_size // 2 + 1, batch_size)),
                  batch_size))
    batch_size = int(rng.integers(3, 9))
    cases.append((int(rng.integers(3, 7)) * batch_size, batch_size))
    n = int(rng.integers(5, 9))
    cases.append((n, int(rng.integers(2 * n + 1, 3 * n + 1))))
    features = distinct_sizes(rng, len(cases), 2, 7)
    return {"cases": [{"X": rng.normal(size=(n, d)), "y": rng.permutation(n) + 100, "batch_size": batch_size}
                      for (n, batch_size), d in zip(cases, features)],
            "seed": int(rng.integers(2**31))}


def _collect_minibatches(answer, inputs):
    def run(case, rng):
        batches = answer(X=case["X"], y=case["y"], batch_size=case["batch_size"], rng=rng)
        if batches is None:
            raise Fail("minibatches returned None: return a list of (X_batch, y_batch) pairs (or `yield` them).")
        return to_plain(list(batches), "the batches it returned")

    seed = inputs["seed"]
    answers = [run(case, np.random.default_rng(seed + number)) for number, case in enumerate(inputs["cases"])]
    first = inputs["cases"][0]
    again = run(first, np.random.default_rng(seed))
    other = run(first, np.random.default_rng(seed + 100))
    rng = np.random.default_rng(seed + 200)
    epoch_1, epoch_2 = run(first, rng), run(first, rng)
    return {"cases": answers, "repeats": again == answers[0], "varies": other != answers[0],
            "new_epoch": epoch_1 != epoch_2}


def _block(positions, batch_size):
    """Whether the sorted original ``positions`` of one batch are a block ``k*batch_size, k*batch_size + 1, ...``."""
    return positions[0] % batch_size == 0 and positions == list(range(positions[0], positions[0] + len(positions)))


# One list of batches per case, each a pair (X_batch, y_batch) of a table and a vector; the judge checks sizes.
@task("minibatches", points=2, inputs=_minibatch_inputs, collect=_collect_minibatches,
      answer=lambda inputs: Record({
          "cases": Cases(inputs, ListOf(Items(Array(ndim=2), Array(ndim=1), names=("X_batch", "y_batch")))),
          "repeats": Flag(), "varies": Flag(), "new_epoch": Flag()}))
def judge_minibatches(data, inputs):
    """A correct ``minibatches(X, y, batch_size, rng)``:

    - gives every sample exactly once per call, each row of X with its own label (ONE permutation for both);
    - in consecutive batches of batch_size, the last one smaller when batch_size does not divide n, never an
      empty one when it does, and a single batch of all n when batch_size > n;
    - in an order drawn from rng: the same seed repeats it, another seed or the next call with the same
      generator changes it, and the batches are new groups of samples each time (not fixed blocks reordered);
    - leaves X and y unchanged (the framework's guard: ``rng.shuffle(X)`` fails).
    """
    blocks, in_order = [], []  # per case with several batches: fixed blocks of the original order? unshuffled?
    for case, batches in zip(inputs["cases"], data["cases"]):
        X, y, batch_size = case["X"], case["y"], case["batch_size"]
        n = len(y)
        call = f"minibatches(X, y, batch_size={batch_size}, rng) with {n} samples"
        seen_y, seen_X = [], []
        for number, pair in enumerate(batches, start=1):
            X_batch = expect_array(pair[0], f"X_batch of batch {number}", ndim=2)
            y_batch = expect_array(pair[1], f"y_batch of batch {number}", ndim=1)
            if X_batch.shape[1] != X.shape[1] or len(X_batch) != len(y_batch):
                raise Fail(f"{call}: batch {number} has X_batch {shape_text(X_batch.shape)} and y_batch "
                           f"{shape_text(y_batch.shape)}; expected (m, {X.shape[1]}) and (m,): the same samples' "
                           f"rows and labels.")
            seen_X.append(X_batch)
            seen_y.append(y_batch)
        sizes = [len(batch) for batch in seen_y]
        total, rest = sum(sizes), n % batch_size
        if not sizes:
            raise Fail(f"{call} gave no batches at all. When batch_size is larger than the data, the one batch "
                       f"holds all {n} samples: range(0, n, batch_size) starts a batch at 0 whatever the size.")
        if rest and total == n - rest and 0 not in sizes:
            raise Fail(f"{call} gave {len(sizes)} batches with {total} samples: the last "
                       f"{rest} sample{'s are' if rest > 1 else ' is'} missing. Keep the last, smaller batch, so "
                       f"that every sample is used once per epoch.")
        if 0 in sizes:
            raise Fail(f"{call} gave an empty batch (sizes {sizes}): when batch_size divides n evenly there are "
                       f"exactly n // batch_size = {n // batch_size} batches. Step the start through "
                       f"range(0, n, batch_size), which never starts a batch past the end.")
        labels = np.concatenate(seen_y)
        rows = np.concatenate(seen_X)
        if sorted(labels.tolist()) != sorted(y.tolist()):
            repeated = len(labels) - len(set(labels.tolist()))
            if not repeated:
                raise Fail(f"{call} gave only {total} of the {n} samples (batch sizes {sizes}): every sample must "
                           f"come once per epoch. Start a batch at every start in range(0, n, batch_size), the "
                           f"last one too.")
            raise Fail(f"over one epoch, {call} did not give every sample exactly once ({repeated} repeats): "
                       f"draw the order without replacement, order = rng.permutation(len(X)), then slice it.")
        position = {int(label): index for index, label in enumerate(y.tolist())}
        if not np.array_equal(rows, X[[position[int(label)] for label in labels]]):
            raise Fail("the rows of X_batch no longer match their labels in y_batch: X and y were put in different "
                       "orders. Draw ONE permutation and index both with it: X[batch], y[batch].")
        if len(sizes) > 1:  # one batch holds everything: its order inside does not matter to SGD
            in_order.append(call if np.array_equal(labels, y) else "")
            blocks.append(all(_block(sorted(position[int(label)] for label in batch.tolist()), batch_size)
                              for batch in seen_y))
    if in_order and all(in_order):
        raise Fail(f"{in_order[0]} gave the samples in their original order: shuffle them every epoch, "
                   f"order = rng.permutation(len(X)), or SGD sees the same batches epoch after epoch.")
    if blocks and all(blocks):
        raise Fail("each batch holds the same samples every epoch (X[0:b], X[b:2b], ...), only in another order: "
                   "shuffle the samples before cutting them into batches, order = rng.permutation(len(X)), then "
                   "slice the order, so that the batches are new groups every epoch.")
    if any(in_order):
        raise Fail(f"{next(call for call in in_order if call)} gave the samples in their original order: shuffle "
                   f"them on every call, order = rng.permutation(len(X)), then slice the order.")
    for case, batches in zip(inputs["cases"], data["cases"]):
        n, batch_size = len(case["y"]), case["batch_size"]
        sizes = [len(expect_array(pair[1], "y_batch", ndim=1)) for pair in batches]
        full, rest = divmod(n, batch_size)
        want = [batch_size] * full + ([rest] if rest else [])
        if sizes != want:
            raise Fail(f"minibatches(X, y, batch_size={batch_size}, rng) with {n} samples gave batches of sizes "
                       f"{sizes}; expected {want}: consecutive slices order[start:start + batch_size] for start "
                       f"in range(0, n, batch_size), all full but the last.")
    if not data["repeats"]:
        raise Fail("two generators with the same seed gave different batches: shuffle with the `rng` argument "
                   "(rng.permutation), not np.random, so that a seed repeats.")
    if not data["varies"]:
        raise Fail("generators with different seeds gave the same order: draw the order from the `rng` argument on "
                   "every call (rng.permutation(len(X))), not from a generator made inside the function with a "
                   "fixed seed, nor keep an order from an earlier call.")
    if not data["new_epoch"]:
        raise Fail("two calls with the same generator (two epochs) gave the same order: draw the order from rng "
                   "itself on every call, order = rng.permutation(len(X)), so that each epoch is shuffled anew. "
                   "Drawing from rng is meant to move it on; a copy of it (copy.deepcopy(rng)) repeats the same "
                   "order forever.")


# --------------------------------------------------------------------------------------------------------
# Task 6: train_moons


def _moons(n, rng, noise=0.2):
    """Two interleaving half circles with Gaussian noise, like scikit-learn's ``make_moons``."""
    angles = rng.uniform(0.0, np.pi, size=n)
    y = rng.permutation(np.arange(n) % 2)
    X = np.where(y[:, None] == 0,
                 np.c_[np.cos(angles), np.sin(angles)],
                 np.c_[1.0 - np.cos(angles), 0.5 - np.sin(angles)])
    return X + rng.normal(scale=noise, size=X.shape), y


def _turned_moons(n, rng, turn):
    """Moons turned by ``turn["angle"]`` about their centre (0.5, 0.25), which lands at the origin; the labels
    swapped if ``turn["swap"]``.

    The angle is 60 to 120 degrees either way: never near 180, where the moons' point symmetry would map the
    problem back onto itself. A network trained on moons of its own making scores near chance on these, while
    the lesson's recipe learns them as well as the original moons (centred, a little better: no seed of 300
    tried fell below 91%).
    """
    X, y = _moons(n, rng)
    angle = turn["angle"]
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return (X - np.array([0.5, 0.25])) @ rotation.T, y ^ turn["swap"]


def _train_inputs(rng):
    turn = {"angle": float(rng.choice([-1.0, 1.0]) * np.pi * rng.uniform(1 / 3, 2 / 3)), "swap": int(rng.integers(2))}
    X, y = _turned_moons(300, rng, turn)
    return {"X": X, "y": y, "seed": int(rng.integers(2**31)), "turn": turn}


def _collect_train(answer, inputs):
    params = answer(X=inputs["X"], y=inputs["y"], rng=np.random.default_rng(inputs["seed"]))
    if params is None:  # said here, where the learner's code ran: the answer's structure has no room for None
        raise Fail(f"train_moons should return the trained params, a dict with keys {list(PARAM_NAMES)}; it returned "
                   f"None: did you forget to `return params`?")
    return to_plain(params, "the parameters it returned")


def _initial_params(seed, hidden):
    """What ``init_params(2, hidden, 2, rng)`` gives as the first draw from the check's generator."""
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0, np.sqrt(2 / 2), size=(2, hidden)), "b1": np.zeros(hidden),
            "W2": rng.normal(0, np.sqrt(1 / hidden), size=(hidden, 2)), "b2": np.zeros(2)}


# The trained params (other keys may come along); the judge checks that the hidden sizes agree.
@task("train_moons", points=3, inputs=_train_inputs, collect=_collect_train, data_given=True,
      answer=Record({"W1": Array(shape=(2, None)), "b1": Array(ndim=1), "W2": Array(shape=(None, 2)),
                     "b2": Array(shape=(2,))}, extra=True))
def judge_train_moons(data, inputs):
    """A correct ``train_moons(X, y, rng)``:

    - returns the params dict of a network of the given shape (2 inputs, some hidden units, 2 classes);
    - trained on the X and y it is given, and only on them: the check turns the moons at random about their
      centre (and may swap the labels), so a network that learned moons of its own making fails;
    - that gets 90% or more of 500 fresh points of the same turned moons right (only the trained network is
      graded, not how the loop is written);
    - leaves X and y unchanged (the framework's guard: ``X -= X.mean(axis=0)`` fails).
    """
    W1 = expect_array(data["W1"], "params['W1']", shape=(2, None))
    hidden = W1.shape[1]
    params = {"W1": W1,
              "b1": expect_array(data["b1"], "params['b1']", shape=(hidden,)),
              "W2": expect_array(data["W2"], "params['W2']", shape=(hidden, 2)),
              "b2": expect_array(data["b2"], "params['b2']", shape=(2,))}
    X_test, y_test = _turned_moons(500, np.random.default_rng(inputs["seed"] + 7), inputs["turn"])
    accuracy = float(np.mean(_forward(params, X_test)[0].argmax(axis=1) == y_test))
    if accuracy >= 0.9:
        return None
    X, y = inputs["X"], inputs["y"]
    train_accuracy = float(np.mean(_forward(params, X)[0].argmax(axis=1) == y))
    train_loss = _loss(params, X, _one_hot(y, 2))
    X_plain, y_plain = _moons(500, np.random.default_rng(inputs["seed"] + 8))
    plain_accuracy = float(np.mean(_forward(params, X_plain)[0].argmax(axis=1) == y_plain))
    scores = (f"the trained network gets {train_accuracy:.0%} of its own training points right and {accuracy:.0%} "
              f"of 500 fresh ones")
    initial = _initial_params(inputs["seed"], hidden)
    if all(np.allclose(params[name], initial[name]) for name in PARAM_NAMES):
        raise Fail(f"{scores}: its params are still the initial ones, init_params(2, {hidden}, 2, rng), not a "
                   f"number changed. The training loop must change the dict it returns: sgd_step updates params in "
                   f"place, and a step kept in another variable (new = ...) is lost.")
    if np.allclose(W1, W1[:, :1]) and np.allclose(params["W2"], params["W2"][:1]):
        raise Fail(f"{scores}: every hidden unit has the same weights, so they all compute the same thing. Units "
                   f"that start equal (all zeros) get equal gradients and stay equal: start from init_params, "
                   f"whose random weights break the symmetry.")
    if train_accuracy < 0.8 and plain_accuracy >= 0.85:
        raise Fail(f"{scores}, yet {plain_accuracy:.0%} of moons in the lesson's position: it learned moons, but "
                   f"not on the points it was given. Train on the X and y passed in (the check turns them), not "
                   f"on data made or loaded inside the function.")
    if train_accuracy < 0.8 and train_loss > 1.0:
        raise Fail(f"{scores}, with a loss of {train_loss:.2f} on them, worse than the {np.log(2):.2f} of a 50/50 "
                   f"guess: did the weights move downhill? sgd_step subtracts the gradient; check that the loss "
                   f"falls from epoch to epoch.")
    if train_accuracy < 0.8:
        raise Fail(f"{scores}; a straight line already gets about 85%. Check that every X_batch is paired with its "
                   f"own labels y_batch (one permutation for both, one-hot for backward), that every batch runs "
                   f"forward, backward and sgd_step, and that the loss falls from epoch to epoch.")
    raise Fail(f"the trained network gets {accuracy:.0%} of 500 fresh points right (training points: "
               f"{train_accuracy:.0%}); the target is 90%. Train longer or with a larger learning rate (lesson 03: "
               f"100 epochs, batches of 16, learning rate 0.5), and use enough hidden units (16) to bend the boundary.")
