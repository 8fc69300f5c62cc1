"""Graded tasks of ``exercises/01_neurons.ipynb``: one neuron, activations, gates and softmax by hand."""

import numpy as np

from .. import (Array, Cases, CasesUntilError, Either, Exercise, Fail, Items, Number, call_each_case,
                call_each_case_until_error, expect_array, expect_close, expect_number)
from ._common import reference_relu, reference_softmax

EXERCISE = Exercise("01_neurons", "Neurons")
task = EXERCISE.task

GATE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
TRUTH_TABLES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0], "NOR": [1, 0, 0, 0],
                "XOR": [0, 1, 1, 0], "always 0": [0, 0, 0, 0], "always 1": [1, 1, 1, 1]}


# --------------------------------------------------------------------------------------------------------
# Collecting answers case by case, keeping the error of a case that raised


# --------------------------------------------------------------------------------------------------------
# Task 1: weighted_sum


def _weighted_sum_inputs(rng):
    # Several lengths in one check: a long vector first (code written for the lesson's 3 inputs shows there),
    # a single input, and a short one.
    return {"cases": [{"x": rng.normal(size=n), "w": rng.normal(size=n), "b": float(rng.normal())}
                      for n in (int(rng.integers(6, 10)), 1, int(rng.integers(2, 6)))]}


@task("weighted_sum", points=2, inputs=_weighted_sum_inputs, collect=call_each_case_until_error,
      answer=lambda inputs: CasesUntilError(inputs, Number()))
def judge_weighted_sum(data, inputs):
    """Specification: for 1-D ``x`` and ``w`` of any same length n (1 included) and a number ``b``, return the
    number ``w · x + b``: every input times its weight, all n products summed, the bias added once. ``x`` and
    ``w`` are left unchanged (the framework's guard).
    """
    for case, got in zip(inputs["cases"], data):
        x, w, b = case["x"], case["w"], case["b"]
        what = f"weighted_sum(x, w, b) for {len(x)} input{'s' if len(x) > 1 else ''}"
        if "raised" in got:
            fixed_length = got["raised"].startswith("IndexError") or "not aligned" in got["raised"] or \
                "broadcast" in got["raised"]
            raise Fail(f"{what} raised {got['raised']}." + (
                " Work for any number of inputs: np.dot(w, x) (or a loop over all of them) instead of naming x[0], "
                "x[1], ... one by one." if fixed_length else ""))
        value = expect_number(got["returned"], what)
        n = len(x)
        expect_close(value, x @ w + b, what, hints=[
            (x @ w, "it equals x · w without the bias: add b."),
            (x @ w - b, "the bias is subtracted; the neuron's sum is w · x + b."),
            ((x + w).sum() + b, "it adds x and w; the inputs must be multiplied by their weights."),
            (x @ w + n * b, f"the bias was added to every product ({n} times); add it once, after the sum."),
            ((x * w).mean() + b, "it averages the products (np.mean); the neuron sums them (np.sum or np.dot)."),
            *[(x[:k] @ w[:k] + b, f"it uses only the first {k} inputs; sum over all of them, however many there "
                                  f"are (np.dot(w, x) does).") for k in range(1, n)],
        ])


# --------------------------------------------------------------------------------------------------------
# Tasks 2 and 3: sigmoid and relu


def _activation_inputs(rng):
    z = rng.normal(scale=3.0, size=int(rng.integers(5, 10)))
    # Last, scores far from 0 (np.exp overflows above about 709): a formula that divides inf by inf gives NaN.
    large = rng.permutation(np.array([-1000.0, -750.0, -40.0, 0.0, 40.0, 750.0, 1000.0]))
    return {"cases": [{"z": z}, {"z": z.reshape(-1, 1) * np.array([1.0, -1.0])}, {"z": float(z[0])}, {"z": large}]}


def _collect_activation(answer, inputs):
    """Each case's answer, without NumPy's overflow warnings: ``1 / (1 + np.exp(-z))`` overflows harmlessly for
    z = -1000 (to 1 / inf = 0), and the learner should not read a warning under a passing check."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return call_each_case_until_error(answer, inputs)


def _activation_answer(inputs):
    # An array per case, of any shape: the judge names a wrong shape itself ("keeps the shape of z").
    return CasesUntilError(inputs, Array())


def _raised_hint(name, z, error):
    """Why an activation raised for this ``z``: code for one number, one axis, or one array at a time."""
    if "truth value of an array" in error:
        return ("Python's max (like `if z > 0`) compares whole arrays and cannot decide for many numbers at "
                "once; np.maximum(z, 0) compares element by element.")
    if np.ndim(z) == 1:
        return ("math.exp and the other math functions take one number only; use np.exp, which works element "
                "by element on a number or an array of any shape.")
    if np.ndim(z) == 2:
        return (f"it works for a 1-D z but not for shape {z.shape}: a loop over z goes over the ROWS of a 2-D "
                f"array, not its numbers. Apply np functions to the whole array: they work element by element "
                f"for any shape.")
    return ("it fails for a plain number: np.exp and np.maximum accept a number as well as an array, a loop or "
            "z.shape does not.")


def _judge_activation(data, inputs, name, reference, wrong, overflow=""):
    """Specification shared by sigmoid and relu: element by element, for a number, a 1-D array and a 2-D array
    (with negative and positive values in every one of them) and for scores as far out as ±1000; the result
    keeps the shape of ``z`` and holds the function's value at every element, finite; ``z`` is left unchanged
    (the framework's guard). ``overflow`` is the hint for a result that is NaN or inf there.
    """
    for case, got in zip(inputs["cases"], data):
        z = case["z"]
        what = f"{name}(z) for z of shape {np.shape(z)}"
        if "raised" in got:
            raise Fail(f"{what} raised {got['raised']}. {_raised_hint(name, z, got['raised'])}")
        z = np.asarray(z, dtype=float)
        array = expect_array(got["returned"], what, finite=False)
        if array.shape != z.shape:
            raise Fail(f"{what} returned shape {array.shape}: an activation works element by element and keeps "
                       f"the shape of z.")
        if not np.all(np.isfinite(array)):
            bad = [float(value) for value in z[~np.isfinite(array)]] if z.ndim else [float(z)]
            raise Fail(f"{what} gives {'NaN' if np.isnan(array).any() else 'inf'} for z = "
                       f"{', '.join(f'{value:g}' for value in bad[:3])}. {overflow or 'Check for an overflow.'}")
        with np.errstate(over="ignore"):
            expect_close(array, reference(z), what, hints=[(candidate(z), hint) for candidate, hint in wrong])


@task("sigmoid", points=2, inputs=_activation_inputs, collect=_collect_activation, answer=_activation_answer)
def judge_sigmoid(data, inputs):
    """sigmoid(z) = 1 / (1 + e^(-z)), element by element (see :func:`_judge_activation`)."""
    _judge_activation(data, inputs, "sigmoid", lambda z: 1 / (1 + np.exp(-z)), [
        # e^(-z) / (1 + e^(-z)) is the same function as 1 / (1 + e^z): one hint names both ways to get there.
        (lambda z: 1 / (1 + np.exp(z)), "it is the sigmoid of -z, which equals 1 - sigmoid(z): the exponent is "
                                        "e^(-z), and the numerator is 1."),
        (lambda z: np.tanh(z), "this is tanh, which runs from -1 to 1; sigmoid runs from 0 to 1."),
    ], overflow="np.exp(z) overflows to inf above z = 709, and inf / (1 + inf) is NaN: write sigmoid as "
                "1 / (1 + np.exp(-z)), whose only overflow, for very negative z, gives 1 / inf = 0, the right value.")


@task("relu", points=1, inputs=_activation_inputs, collect=_collect_activation, answer=_activation_answer)
def judge_relu(data, inputs):
    """relu(z) = max(z, 0), element by element (see :func:`_judge_activation`)."""
    _judge_activation(data, inputs, "relu", reference_relu, [
        (lambda z: np.abs(z), "negative inputs became positive (abs); ReLU sets them to 0."),
        (lambda z: np.minimum(z, 0.0), "it keeps the negative part; ReLU keeps max(z, 0)."),
        (lambda z: np.full_like(z, max(np.max(z), 0.0)), "np.max reduces the whole array to one number; "
                                                          "np.maximum(z, 0) compares element by element."),
        (lambda z: (z > 0).astype(float), "it gives 1 for every positive input, a step; ReLU passes the positive "
                                          "inputs through unchanged: max(z, 0)."),
        (lambda z: np.maximum(z, 0.01 * z), "this is a leaky ReLU (0.01 z for negative z); ReLU sets negative "
                                            "inputs to exactly 0."),
    ])


# --------------------------------------------------------------------------------------------------------
# Task 4: and_gate


def _step(z):
    """Lesson 01's step: 1 ("fire") when ``z >= 0``, else 0."""
    return (np.asarray(z) >= 0).astype(float)


def _gate_name(outputs):
    """What a neuron or network does, from its outputs on (0,0), (0,1), (1,0), (1,1): ``"computes OR"``."""
    named = {"always 0": "never fires", "always 1": "always fires"}
    gate = next((gate for gate, table in TRUTH_TABLES.items() if table == outputs), None)
    return named.get(gate, f"computes {gate}") if gate else "computes no named gate"


# A pair (w, b), or one array: the judge reads either and names what is wrong (a flat array, the bias first).
@task("and_gate", points=2, answer=Either(Items(Array(), Array(), names=("w", "b")), Array()))
def judge_and_gate(data, inputs):
    """Specification: return a pair ``(w, b)``, w of 2 numbers and b one number, such that the step neuron
    ``step(w · x + b)``, firing when the sum is 0 or more (lesson 01's step), gives AND's [0, 0, 0, 1] on (0,0), (0,1),
    (1,0), (1,1). The check computes the neuron itself, so the values and the method are the same thing here.
    """
    if type(data) is not list or len(data) != 2 or all(type(item) in (int, float) for item in data):
        count = np.size(expect_array(data, "and_gate()")) if type(data) is not list or len(data) != 2 else 2
        if count == 4:
            raise Fail("and_gate() returned 4 values: a truth table? It should return the neuron's parameters, a "
                       "pair (w, b) with w an array of 2 weights and b a number; the check computes the outputs.")
        raise Fail("and_gate() should return a pair (w, b): a weight array of 2 numbers and a bias.")
    if np.size(expect_array(data[0], "and_gate()")) == 1 and np.size(expect_array(data[1], "and_gate()")) == 2:
        raise Fail("and_gate() returned the bias first; return the pair in the order (w, b): the 2 weights, then "
                   "the bias.")
    w = expect_array(data[0], "the weights w", shape=(2,))
    b = expect_number(data[1], "the bias b")
    sums = GATE_INPUTS @ w + b
    outputs = _step(sums).astype(int).tolist()
    if outputs != TRUTH_TABLES["AND"]:
        at_zero = [f"({int(x1)},{int(x2)})" for (x1, x2), total in zip(GATE_INPUTS, sums) if np.isclose(total, 0)]
        border = (f" For {', '.join(at_zero)} the sum w · x + b is exactly 0, and the step neuron fires at 0 "
                  f"(step(z) is 1 when z >= 0, as in lesson 01): keep the sums of the inputs that must not fire "
                  f"below 0." if at_zero else "")
        raise Fail(f"with w={w.tolist()} and b={b:g} the step neuron {_gate_name(outputs)}: it gives {outputs} for "
                   f"(0,0), (0,1), (1,0), (1,1), and AND should give [0, 0, 0, 1].{border} The bias sets how much "
                   f"the weighted sum must reach before the neuron fires: only both inputs together may get past it.")


# --------------------------------------------------------------------------------------------------------
# Task 5: xor_network


def _xor_inputs(rng):
    # The order of the lesson first, then two other orders; the second one's XOR column differs from the
    # first's, so a table typed in for one order cannot pass.
    canonical = [0, 1, 2, 3]
    orders = [list(rng.permutation(4)) for _ in range(30)]
    differing = next(order for order in orders if [TRUTH_TABLES["XOR"][i] for i in order] != TRUTH_TABLES["XOR"])
    return {"cases": [{"X": GATE_INPUTS[canonical]}, {"X": GATE_INPUTS[differing]},
                      {"X": GATE_INPUTS[rng.permutation(4)]}]}


def _row_text(x):
    return f"({int(x[0])},{int(x[1])})"


@task("xor_network", points=2, inputs=_xor_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array()))
def judge_xor_network(data, inputs):
    """Specification: for ``X`` of shape (4, 2) holding the pairs (0,0), (0,1), (1,0), (1,1) in ANY order,
    return shape (4,): XOR of each row, as a step network outputs it (exactly 0 or 1). Three orders per check.
    Only the values are graded (the exercise says so): a value check cannot see whether they came from
    neurons. ``X`` is left unchanged (the framework's guard).
    """
    first = None
    for case, got in zip(inputs["cases"], data):
        X = case["X"]
        what = f"xor_network(X) for the rows {', '.join(_row_text(x) for x in X)}"
        want = np.array([TRUTH_TABLES["XOR"][int(2 * a + b)] for a, b in X], dtype=float)
        values = expect_array(got, what)
        if values.shape != (4,):
            raise Fail(f"{what} has shape {values.shape}, expected (4,): one output per row of X. An output weight "
                       f"of shape (2, 1) makes a column (4, 1); give it shape (2,), or flatten the result.")
        if first is not None and np.array_equal(values, first[1]) and not np.array_equal(want, first[0]):
            raise Fail(f"{what} gave {values.tolist()}, the same values whatever the order of the rows of X. The "
                       f"check passes the four pairs in different orders: compute each row's output from X, "
                       f"don't type in the table.")
        first = first or (want, values)
        if not np.all(np.isclose(values, 0) | np.isclose(values, 1)):
            raise Fail(f"{what} gave {np.round(values, 3).tolist()}: step neurons output exactly 0 or 1. Values in "
                       f"between come from a sigmoid (or from no activation at all); use step(z) = (z >= 0).")
        if not np.array_equal(np.round(values), want):
            by_input = {_row_text(x): int(round(value)) for x, value in zip(X, values)}
            outputs = [by_input[key] for key in ("(0,0)", "(0,1)", "(1,0)", "(1,1)")]
            raise Fail(f"{what}: the network {_gate_name(outputs)}, giving {outputs} for (0,0), (0,1), (1,0), "
                       f"(1,1); XOR is 1 only when exactly one input is 1 ([0, 1, 1, 0]). Combine an OR neuron and a "
                       f"NAND neuron in the hidden layer, then AND them; check each threshold, since a step neuron "
                       f"fires when w · x + b >= 0, at 0 included.")


# --------------------------------------------------------------------------------------------------------
# Task 6: softmax


def _softmax_inputs(rng):
    z = rng.normal(scale=2.0, size=int(rng.integers(3, 8)))
    spread = rng.normal(scale=2.0, size=int(rng.integers(4, 8)))
    spread[:4] += [1000.0, 1000.0, -1000.0, -1000.0]  # scores from about -1000 to 1000 in one vector
    return {"cases": [{"z": z}, {"z": z + 1000.0}, {"z": z - 1000.0}, {"z": spread[rng.permutation(spread.size)]}]}


def _softmax_case(z):
    """How a case of the softmax check is described, and which fix its failure calls for."""
    if z.max() > 100 and z.min() < -100:
        return ("softmax(z) for scores from about -1000 to 1000 in one vector",
                "np.exp overflows for the scores far above the number subtracted first. Only subtracting the "
                "largest score, z.max(), keeps every exponent <= 0; subtracting the smallest score or the mean "
                "score leaves exponents of up to 2000.")
    if z.max() > 100:
        return ("softmax(z) for large z (around 1000)",
                "np.exp(1000) overflows. Subtract z.max() from z before exponentiating; the result does not change, "
                "because softmax ignores a shift.")
    if z.max() < -100:
        return ("softmax(z) for very negative z (around -1000)",
                "every exponential underflows to 0 (np.exp(-1000) is 0.0 in floating point), and 0/0 is NaN. "
                "Subtract z.max() always, not only when the scores are large: then the largest exponent is e^0 = 1.")
    return "softmax(z)", "np.exp overflowed or something was divided by 0."


@task("softmax", points=2, inputs=_softmax_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, lambda case: Array(shape=case["z"].shape)))
def judge_softmax(data, inputs):
    """Specification: for a 1-D ``z`` of scores, return ``e^z_i / sum_j e^z_j``, same shape, for ordinary scores,
    scores around +1000 (overflow), around -1000 (underflow: 0/0) and scores from -1000 to 1000 in one vector
    (only a shift by the maximum survives it: the minimum or mean does not). ``z`` is left unchanged.
    """
    for case, got in zip(inputs["cases"], data):
        z = case["z"]
        want = reference_softmax(z)
        name, fix = _softmax_case(z)
        probabilities = expect_array(got, name, shape=z.shape, finite=False)
        if not np.all(np.isfinite(probabilities)):
            raise Fail(f"{name} contains NaN or inf: {fix}")
        if not np.isclose(probabilities.sum(), 1.0):
            raise Fail(f"{name} sums to {probabilities.sum():.4g}; probabilities must sum to 1: divide by the "
                       f"sum of the exponentials.")
        expect_close(probabilities, want, name, hints=[
            (z / z.sum(), "it divides z by its sum; softmax divides exp(z) by the sum of exp(z)."),
        ])
