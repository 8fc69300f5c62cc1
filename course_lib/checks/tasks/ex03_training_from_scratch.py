"""Graded tasks of ``exercises/03_training_from_scratch.ipynb``: loss, backprop, gradient check, SGD, training."""

import copy

import numpy as np

from .. import (ANY, Array, Cases, Exercise, Fail, Flag, Items, ListOf, Number, Record, call_each_case,
                check_gradients, expect_array, expect_close, expect_number, numeric_gradient, to_plain)
from ._common import distinct_sizes, reference_relu, reference_softmax, shape_text, type_name

EXERCISE = Exercise("03_training_from_scratch", "Training a network from scratch")
task = EXERCISE.task

EPS = 1e-12  # the smallest probability let into a log, as in lesson 03
PARAM_NAMES = ("W1", "b1", "W2", "b2")


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


def _backward(params, cache, Y, *, mask=True):
    X, Z1, A1, P = cache["X"], cache["Z1"], cache["A1"], cache["P"]
    dZ2 = (P - Y) / X.shape[0]
    dA1 = dZ2 @ params["W2"].T
    dZ1 = dA1 * (Z1 > 0) if mask else dA1
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


def _one_hot(y, k):
    return np.eye(k)[y]


def _small_network(rng):
    """A tiny network and batch, with every hidden pre-activation well away from ReLU's kink at 0.

    Finite differences across the kink would be wrong by design; keeping ``|Z1| > 0.05`` lets any step
    ``h`` up to 1e-3 give a clean numerical gradient.
    """
    n_inputs, n_classes = distinct_sizes(rng, 2, 2, 6)
    n_hidden = int(rng.integers(6, 10))  # the widest layer, so that some units are off and some on
    batch = int(rng.integers(6, 10))
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


@task("cross_entropy", points=2, inputs=_cross_entropy_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Number()))
def judge_cross_entropy(data, inputs):
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
        expect_close(loss, want, what, rtol=1e-6, hints=[
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
        ])


# --------------------------------------------------------------------------------------------------------
# Task 2: backward


def _backward_inputs(rng):
    params, X, Y = _small_network(rng)
    return {"params": params, "cache": _forward(params, X)[1], "Y": Y}


# A dict with an array per parameter, of any shape: the judge says that a gradient has its parameter's shape.
@task("backward", points=3, inputs=_backward_inputs,
      answer=Record({name: Array() for name in PARAM_NAMES}, extra=True))
def judge_backward(data, inputs):
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
        if all(np.allclose(arrays[n], batch * reference[n], rtol=1e-4, atol=1e-9) for n in arrays):
            raise Fail(f"every gradient is {batch} times too large, and {batch} is the batch size: the loss is a "
                       f"MEAN over the batch, so dZ2 = (P - Y) / batch.")
        no_mask = _backward(params, cache, Y, mask=False)
        if (all(np.allclose(arrays[n], reference[n], rtol=1e-4, atol=1e-9) for n in ("W2", "b2"))
                and all(np.allclose(arrays[n], no_mask[n], rtol=1e-4, atol=1e-9) for n in ("W1", "b1"))):
            raise Fail("dW2 and db2 are right, but dW1 and db1 ignore the ReLU: a unit that was off (Z1 <= 0) "
                       "passes no gradient back, so dZ1 = dA1 * (Z1 > 0).")
    check_gradients(data, reference)


# --------------------------------------------------------------------------------------------------------
# Task 3: gradient_check


def _gradient_check_inputs(rng):
    params, X, Y = _small_network(rng)
    return {"params": params, "X": X, "Y": Y, "buggy": str(rng.choice(PARAM_NAMES)),
            "bug": str(rng.choice(["double", "sign", "noise"])), "noise_seed": int(rng.integers(2**31))}


def _planted_grads(inputs):
    """The correct gradients, except for one parameter (``inputs["buggy"]``) with a planted bug."""
    params, X, Y = inputs["params"], inputs["X"], inputs["Y"]
    grads = _backward(params, _forward(params, X)[1], Y)
    name, bug = inputs["buggy"], inputs["bug"]
    if bug == "double":
        grads[name] = 2 * grads[name]
    elif bug == "sign":
        grads[name] = -grads[name]
    else:
        noise = np.random.default_rng(inputs["noise_seed"]).normal(size=grads[name].shape)
        grads[name] = grads[name] + 0.3 * np.abs(grads[name]).mean() * noise
    return grads


def _collect_gradient_check(answer, inputs):
    params = copy.deepcopy(inputs["params"])
    saved = copy.deepcopy(params)
    X, Y = inputs["X"], inputs["Y"]

    def compute_loss():
        return _loss(params, X, Y)

    errors = to_plain(answer(compute_loss, params, _planted_grads(inputs)), "the value it returned")
    restored = set(params) == set(saved) and all(
        isinstance(params[name], np.ndarray) and params[name].shape == saved[name].shape
        and np.array_equal(params[name], saved[name]) for name in saved)
    return {"errors": errors, "restored": restored}


def _lesson_relative_error(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))


# "errors" is what gradient_check returned; the judge reads it, to name a missing parameter with its hint.
@task("gradient_check", points=2, inputs=_gradient_check_inputs, collect=_collect_gradient_check,
      answer=Record({"errors": ANY, "restored": Flag()}))
def judge_gradient_check(data, inputs):
    errors = data["errors"]
    if type(errors) is not dict:
        raise Fail(f"gradient_check should return a dict {{parameter name: relative error}}; it returned "
                   f"{type_name(errors)}")
    missing = [name for name in PARAM_NAMES if name not in errors]
    if missing:
        raise Fail(f"the dict has no {', '.join(map(repr, missing))}: give one relative error for every parameter "
                   f"in params, with the same names as keys.")
    values = {name: expect_number(errors[name], f"the relative error of {name!r}", finite=False)
              for name in PARAM_NAMES}
    if not all(np.isfinite(value) for value in values.values()):
        bad = next(name for name, value in values.items() if not np.isfinite(value))
        raise Fail(f"the relative error of {bad!r} is {values[bad]}: a division by zero? Divide by "
                   f"max(norm(a) + norm(b), 1e-12).")
    if not data["restored"]:
        raise Fail("after gradient_check, params holds different numbers than before: put every nudged number back "
                   "(array[index] = original) before moving on, or later losses are computed at the wrong point.")
    params, X, Y, buggy = inputs["params"], inputs["X"], inputs["Y"], inputs["buggy"]
    numeric = _numeric_grads(params, X, Y, h=1e-5)
    planted = _planted_grads(inputs)
    want = _lesson_relative_error(planted[buggy], numeric[buggy])
    correct = [name for name in PARAM_NAMES if name != buggy]
    noisy = [name for name in correct if values[name] > 1e-7]
    if values[buggy] < 1e-3:
        raise Fail(f"the planted bug went unnoticed: grads[{buggy!r}] is wrong (relative error {want:.2g}), but your "
                   f"check reports {values[buggy]:.2g}. Compare each grads[name] with a numerical gradient computed "
                   f"by nudging params[name] and calling compute_loss().")
    if noisy:
        worst = max(noisy, key=values.get)
        raise Fail(f"the relative error of {worst!r} is {values[worst]:.2g}, but its gradient is right: a correct "
                   f"gradient should agree to about 1e-7 or better. A one-sided difference (L(θ+h) - L(θ)) / h is "
                   f"only accurate to order h; use the central difference (L(θ+h) - L(θ-h)) / (2h), with h around "
                   f"1e-5 (a much smaller h loses digits to rounding, a much larger one measures the curvature).")
    if abs(values[buggy] / want - 1) > 1e-3:
        raise Fail(f"the relative error of {buggy!r} is {values[buggy]:.4g}; with the lesson's formula "
                   f"norm(a - b) / (norm(a) + norm(b)) it is {want:.4g}. Check the formula (norms of whole arrays, "
                   f"np.linalg.norm, not elementwise values).")


# --------------------------------------------------------------------------------------------------------
# Task 4: sgd_step


def _sgd_inputs(rng):
    params, X, Y = _small_network(rng)
    return {"params": params, "grads": _backward(params, _forward(params, X)[1], Y),
            "learning_rate": float(rng.choice([0.05, 0.1, 0.3, 0.5]))}


def _collect_sgd(answer, inputs):
    params = copy.deepcopy(inputs["params"])
    answer(params, copy.deepcopy(inputs["grads"]), inputs["learning_rate"])
    return to_plain(params, "params after the step")


@task("sgd_step", points=1, inputs=_sgd_inputs, collect=_collect_sgd, mutates=("params",),
      answer=lambda inputs: Record({name: Array(shape=inputs["params"][name].shape) for name in PARAM_NAMES}))
def judge_sgd_step(data, inputs):
    params, grads, learning_rate = inputs["params"], inputs["grads"], inputs["learning_rate"]
    after = {name: expect_array(data[name], f"params[{name!r}] after the step", shape=params[name].shape)
             for name in PARAM_NAMES}
    if all(np.array_equal(after[name], params[name]) for name in PARAM_NAMES):
        raise Fail("params did not change. Update the arrays inside the dict (params[name] -= learning_rate * "
                   "grads[name]); rebinding a local variable or building a new dict leaves the caller's params as "
                   "they were.")
    for name in PARAM_NAMES:
        want = params[name] - learning_rate * grads[name]
        expect_close(after[name], want, f"params[{name!r}] after the step", hints=[
            (params[name] + learning_rate * grads[name], "the step went UP the gradient; gradient descent "
                                                         "subtracts: params[name] -= learning_rate * grads[name]."),
            (params[name] - grads[name], "the learning rate is missing: the step is learning_rate * gradient."),
            (params[name] - learning_rate * grads[name] / np.abs(grads[name]).max(),
             "the gradient was rescaled; plain SGD steps by learning_rate * gradient, unchanged."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 5: minibatches


def _minibatch_inputs(rng):
    batch_size = int(rng.integers(4, 11))
    n = int(rng.integers(4, 8)) * batch_size + int(rng.integers(1, batch_size))  # a smaller last batch
    return {"X": rng.normal(size=(n, 3)), "y": rng.permutation(n) + 100, "batch_size": batch_size,
            "seed": int(rng.integers(2**31))}


def _collect_minibatches(answer, inputs):
    def run(seed):
        arguments = {"X": inputs["X"].copy(), "y": inputs["y"].copy(), "batch_size": inputs["batch_size"]}
        batches = answer(**arguments, rng=np.random.default_rng(seed))
        if batches is None:
            raise Fail("minibatches returned None: return a list of (X_batch, y_batch) pairs (or `yield` them).")
        return to_plain(list(batches), "the batches it returned")

    first = run(inputs["seed"])
    return {"batches": first, "repeats": run(inputs["seed"]) == first, "varies": run(inputs["seed"] + 1) != first}


# At least one batch, each a pair (X_batch, y_batch) of a table and a vector; the judge checks their sizes.
@task("minibatches", points=2, inputs=_minibatch_inputs, collect=_collect_minibatches,
      answer=Record({"batches": ListOf(Items(Array(ndim=2), Array(ndim=1), names=("X_batch", "y_batch")),
                                       min_length=1),
                     "repeats": Flag(), "varies": Flag()}))
def judge_minibatches(data, inputs):
    X, y, batch_size = inputs["X"], inputs["y"], inputs["batch_size"]
    n = len(y)
    call = f"minibatches(X, y, batch_size={batch_size}, rng) with {n} samples"
    seen_y, seen_X = [], []
    for number, pair in enumerate(data["batches"], start=1):
        X_batch = expect_array(pair[0], f"X_batch of batch {number}", ndim=2)
        y_batch = expect_array(pair[1], f"y_batch of batch {number}", ndim=1)
        if X_batch.shape[1] != X.shape[1] or len(X_batch) != len(y_batch):
            raise Fail(f"batch {number} has X_batch {shape_text(X_batch.shape)} and y_batch "
                       f"{shape_text(y_batch.shape)}; expected (m, {X.shape[1]}) and (m,): the same samples' rows "
                       f"and labels.")
        seen_X.append(X_batch)
        seen_y.append(y_batch)
    sizes = [len(batch) for batch in seen_y]
    total = sum(sizes)
    if total == n - n % batch_size and len(sizes) == n // batch_size:
        raise Fail(f"{call} gave {len(sizes)} batches with {total} samples: the last {n % batch_size} samples are "
                   f"missing. Keep the last, smaller batch, so that every sample is used once per epoch.")
    if any(size > batch_size for size in sizes) or any(size != batch_size for size in sizes[:-1]) or 0 in sizes:
        raise Fail(f"{call} gave batches of sizes {sizes}; expected {n // batch_size} batches of {batch_size} and a "
                   f"last one of {n % batch_size}.")
    labels = np.concatenate(seen_y)
    rows = np.concatenate(seen_X)
    if sorted(labels.tolist()) != sorted(y.tolist()):
        repeated = len(labels) - len(set(labels.tolist()))
        raise Fail(f"over one epoch, {call} did not give every sample exactly once ({repeated} repeats): draw the "
                   f"order without replacement, order = rng.permutation(len(X)), then slice it.")
    position = {int(label): index for index, label in enumerate(y.tolist())}
    if not np.array_equal(rows, X[[position[int(label)] for label in labels]]):
        raise Fail("the rows of X_batch no longer match their labels in y_batch: X and y were put in different "
                   "orders. Draw ONE permutation and index both with it: X[batch], y[batch].")
    if np.array_equal(labels, y):
        raise Fail(f"{call} gave the samples in their original order: shuffle them every epoch, "
                   f"order = rng.permutation(len(X)), or SGD sees the same batches epoch after epoch.")
    if not data["repeats"]:
        raise Fail("two generators with the same seed gave different batches: shuffle with the `rng` argument "
                   "(rng.permutation), not np.random, so that a seed repeats.")
    if not data["varies"]:
        raise Fail("generators with different seeds gave the same order: shuffle with the `rng` argument.")


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


def _train_inputs(rng):
    X, y = _moons(300, rng)
    return {"X": X, "y": y, "seed": int(rng.integers(2**31))}


def _collect_train(answer, inputs):
    params = answer(X=inputs["X"].copy(), y=inputs["y"].copy(), rng=np.random.default_rng(inputs["seed"]))
    if params is None:  # said here, where the learner's code ran: the answer's structure has no room for None
        raise Fail(f"train_moons should return the trained params, a dict with keys {list(PARAM_NAMES)}; it returned "
                   f"None: did you forget to `return params`?")
    return to_plain(params, "the parameters it returned")


# The trained params (other keys may come along); the judge checks that the hidden sizes agree.
@task("train_moons", points=3, inputs=_train_inputs, collect=_collect_train,
      answer=Record({"W1": Array(shape=(2, None)), "b1": Array(ndim=1), "W2": Array(shape=(None, 2)),
                     "b2": Array(shape=(2,))}, extra=True))
def judge_train_moons(data, inputs):
    W1 = expect_array(data["W1"], "params['W1']", shape=(2, None))
    hidden = W1.shape[1]
    params = {"W1": W1,
              "b1": expect_array(data["b1"], "params['b1']", shape=(hidden,)),
              "W2": expect_array(data["W2"], "params['W2']", shape=(hidden, 2)),
              "b2": expect_array(data["b2"], "params['b2']", shape=(2,))}
    rng = np.random.default_rng(inputs["seed"] + 7)
    X_test, y_test = _moons(500, rng)
    accuracy = float(np.mean(_forward(params, X_test)[0].argmax(axis=1) == y_test))
    X, y = inputs["X"], inputs["y"]
    train_accuracy = float(np.mean(_forward(params, X)[0].argmax(axis=1) == y))
    if accuracy >= 0.9:
        return None
    if train_accuracy < 0.8:
        raise Fail(f"the trained network gets {train_accuracy:.0%} of its own training points right and "
                   f"{accuracy:.0%} of 500 fresh ones; a straight line already gets about 85%. Did the weights "
                   f"move downhill? Check that every batch runs forward, backward and sgd_step, with the labels "
                   f"one-hot for backward, and that the loss falls from epoch to epoch.")
    raise Fail(f"the trained network gets {accuracy:.0%} of 500 fresh points right (training points: "
               f"{train_accuracy:.0%}); the target is 90%. Train longer or with a larger learning rate (lesson 03: "
               f"100 epochs, batches of 16, learning rate 0.5), and use enough hidden units (16) to bend the boundary.")
