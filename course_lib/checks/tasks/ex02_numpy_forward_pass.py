"""Graded tasks of ``exercises/02_numpy_forward_pass.ipynb``: dense layers, softmax, initialization, a forward pass."""

import numpy as np

from .. import (Array, Cases, CasesUntilError, Either, Exercise, Fail, Flag, Items, Number, Record, call_each_case,
                expect_array, expect_close, expect_number, to_plain)
from ._common import candidates, distinct_sizes, reference_relu, reference_softmax, shape_text

EXERCISE = Exercise("02_numpy_forward_pass", "A forward pass in NumPy")
task = EXERCISE.task


# --------------------------------------------------------------------------------------------------------
# Collecting answers case by case


def _each_case_until_error(answer, inputs):
    """Like ``call_each_case``, but an exception in one case is recorded there, after the earlier answers.

    The judge can then give the hint for a case that came back wrong before the case that raised.
    """
    collected = []
    for number, case in enumerate(inputs["cases"], start=1):
        try:
            value = answer(**case)
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001 - reported to the learner by the judge
            collected.append({"raised": f"{type(error).__name__}: {error}"[:500]})
            break
        collected.append({"returned": to_plain(value, f"the value it returned for case {number}")})
    return collected


def _case_value(got, what, hint=""):
    """The learner's plain answer to one case from :func:`_each_case_until_error`, or Fail if it raised.

    The task's ``answer=`` (:class:`CasesUntilError`) has made sure ``got`` is ``{"returned": value}`` or, for
    the last case only, ``{"raised": text}``.
    """
    if "raised" in got:
        raise Fail(f"{what} raised {got['raised']}{hint}")
    return got["returned"]


# --------------------------------------------------------------------------------------------------------
# Task 1: dense_forward


def _dense_inputs(rng):
    cases = []
    # Case 1: as many samples as units, where a bias stored as a column broadcasts without an error.
    batch, n_inputs = distinct_sizes(rng, 2, 3, 9)
    cases.append({"X": rng.normal(size=(batch, n_inputs)), "W": rng.normal(size=(n_inputs, batch)),
                  "b": rng.normal(size=batch)})
    # Case 2: three different sizes, so that every mix-up of axes changes the shape.
    batch, n_inputs, n_units = distinct_sizes(rng, 3, 2, 10)
    cases.append({"X": rng.normal(size=(batch, n_inputs)), "W": rng.normal(size=(n_inputs, n_units)),
                  "b": rng.normal(size=n_units)})
    return {"cases": cases}


# An array per case, of any shape: the judge names a transposed or otherwise wrong shape itself.
@task("dense_forward", points=1, inputs=_dense_inputs, collect=_each_case_until_error,
      answer=lambda inputs: CasesUntilError(inputs, Array()))
def judge_dense_forward(data, inputs):
    for case, got in zip(inputs["cases"], data):
        X, W, b = case["X"], case["W"], case["b"]
        want = X @ W + b
        what = (f"dense_forward(X, W, b) for X {shape_text(X.shape)}, W {shape_text(W.shape)}, "
                f"b {shape_text(b.shape)}")
        Z = expect_array(_case_value(got, what), what)
        if Z.shape != want.shape:
            hint = ""
            if Z.shape == want.shape[::-1]:
                hint = (": it looks transposed. With one sample per row, a layer is X @ W + b; the batch stays on "
                        "the first axis")
            raise Fail(f"{what} has shape {shape_text(Z.shape)}, expected {shape_text(want.shape)} "
                       f"(batch, n_units){hint}.")
        expect_close(Z, want, what, hints=candidates(
            (lambda: X @ W, "it equals X @ W without the bias: add b."),
            (lambda: X @ W - b, "the bias is subtracted; a dense layer computes X @ W + b."),
            (lambda: want.T, "it is the transpose of the right answer. With one sample per row, a layer is "
                             "X @ W + b, and the batch stays on the first axis."),
            (lambda: X @ W + b.reshape(-1, 1),
             "b was added as a column, so each SAMPLE got its own bias instead of each UNIT (broadcasting with a "
             "(n, 1) bias hides this when batch = n_units). Keep b of shape (n_units,)."),
        ))


# --------------------------------------------------------------------------------------------------------
# Task 2: softmax


def _softmax_inputs(rng):
    batch, n_classes = distinct_sizes(rng, 2, 3, 8)
    square = int(rng.integers(3, 7))
    far_apart = rng.normal(scale=2.0, size=(4, int(rng.integers(3, 7))))
    far_apart += np.array([[1000.0], [-1000.0], [0.0], [500.0]])[rng.permutation(4)]
    return {"cases": [
        {"Z": rng.normal(scale=3.0, size=(square, square))},  # first: a square batch hides some slips
        {"Z": rng.normal(scale=3.0, size=(batch, n_classes))},
        {"Z": far_apart},
    ]}


@task("softmax", points=2, inputs=_softmax_inputs, collect=_each_case_until_error,
      answer=lambda inputs: CasesUntilError(inputs, lambda case: Array(shape=case["Z"].shape)))
def judge_softmax(data, inputs):
    for case, got in zip(inputs["cases"], data):
        Z = case["Z"]
        spread = np.ptp(Z.max(axis=1)) > 100
        what = f"softmax(Z) for Z {shape_text(Z.shape)}" + (" whose rows lie far apart (around -1000 to 1000)"
                                                            if spread else "")
        P = expect_array(_case_value(got, what), what, shape=Z.shape, finite=False)
        bad_rows = ~np.all(np.isfinite(P), axis=1)
        if bad_rows.any():
            row_max = Z.max(axis=1)
            if np.any(row_max[bad_rows] > 100):
                raise Fail(f"{what} contains NaN or inf in the rows with scores near {row_max[bad_rows].max():.0f}: "
                           f"np.exp overflows there. Subtract each row's maximum before np.exp.")
            raise Fail(f"{what} contains NaN in the rows whose scores are far below the others: subtracting the "
                       f"maximum of the WHOLE batch pushes those rows to exp(-2000) = 0, and 0/0 is NaN. Subtract "
                       f"each row's own maximum: Z.max(axis=1, keepdims=True).")
        want = reference_softmax(Z)
        if np.allclose(P, want, rtol=1e-5, atol=1e-8):
            continue
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        if Z.shape[0] == Z.shape[1] and np.allclose(P, E / E.sum(axis=1), rtol=1e-5, atol=1e-8):
            raise Fail(f"{what} is wrong: the row sums were divided without keepdims=True, and a (batch,) array "
                       f"lines up with the columns, not the rows (only a square batch hides this without an "
                       f"error). Use E.sum(axis=1, keepdims=True), shape (batch, 1).")
        if not np.allclose(P.sum(axis=1), 1.0, atol=1e-6):
            if np.allclose(P.sum(axis=0), 1.0, atol=1e-6):
                raise Fail(f"{what}: the COLUMNS sum to 1, not the rows. Softmax over the wrong axis? Each row is "
                           f"one sample, so normalise along axis=1.")
            raise Fail(f"{what}: the rows sum to {np.round(P.sum(axis=1), 4).tolist()}, not 1. Divide each row of "
                       f"exponentials by that row's sum.")
        expect_close(P, want, what)


# --------------------------------------------------------------------------------------------------------
# Task 3: init_dense


def _init_inputs(rng):
    # Fan-out several times the fan-in, so that He, Glorot and their usual slips give clearly different scales.
    return {"cases": [
        {"n_inputs": int(rng.integers(20, 41)), "n_units": int(rng.integers(80, 121)), "activation": "relu",
         "seed": int(rng.integers(2**31))},
        {"n_inputs": int(rng.integers(16, 25)), "n_units": int(rng.integers(72, 97)), "activation": "tanh",
         "seed": int(rng.integers(2**31))},
    ]}


def _collect_init(answer, inputs):
    collected = []
    for case in inputs["cases"]:
        arguments = {key: case[key] for key in ("n_inputs", "n_units", "activation")}
        first = to_plain(answer(**arguments, rng=np.random.default_rng(case["seed"])), "the value it returned")
        again = to_plain(answer(**arguments, rng=np.random.default_rng(case["seed"])), "the value it returned")
        other = to_plain(answer(**arguments, rng=np.random.default_rng(case["seed"] + 1)), "the value it returned")
        collected.append({"returned": first, "repeats": first == again, "varies": first != other})
    return collected


def _init_answer(inputs):
    def item(case):
        n_in, n_out = case["n_inputs"], case["n_units"]
        # A pair (W, b); an array on its own goes on to the judge, whose hint asks for the pair.
        pair = Either(Items(Array(shape=(n_in, n_out)), Array(shape=(n_out,)), names=("W", "b")), Array())
        return Record({"returned": pair, "repeats": Flag(), "varies": Flag()})
    return Cases(inputs, item)


@task("init_dense", points=2, inputs=_init_inputs, collect=_collect_init, answer=_init_answer)
def judge_init_dense(data, inputs):
    for case, got in zip(inputs["cases"], data):
        n_in, n_out, activation = case["n_inputs"], case["n_units"], case["activation"]
        call = f"init_dense({n_in}, {n_out}, {activation!r}, rng)"
        returned = got["returned"]
        if type(returned) is not list or len(returned) != 2:
            raise Fail(f"{call} should return a pair (W, b).")
        W = expect_array(returned[0], f"W from {call}", shape=(n_in, n_out))
        b = expect_array(returned[1], f"b from {call}", shape=(n_out,))
        if np.any(b != 0):
            raise Fail(f"b from {call} is not all zeros: biases start at 0 (the random weights already make the "
                       f"units different).")
        std, mean = float(W.std()), float(W.mean())
        if std == 0:
            raise Fail(f"every weight from {call} is {W.flat[0]:g}: equal weights make every unit compute the same "
                       f"thing forever. Draw them at random.")
        he, glorot = np.sqrt(2.0 / n_in), np.sqrt(2.0 / (n_in + n_out))
        want, name = (he, "He") if activation == "relu" else (glorot, "Glorot")
        if abs(mean) > 6 * want / np.sqrt(W.size):
            raise Fail(f"the weights from {call} have mean {mean:.3g}: draw them centred on 0 "
                       f"(rng.normal(0.0, scale, size=...)), with as many negative as positive weights.")
        if abs(std / want - 1) > 0.1:
            slips = [
                (he if name == "Glorot" else glorot,
                 "that is the He scale, made for ReLU; tanh needs Glorot's sqrt(2 / (n_inputs + n_units))."
                 if name == "Glorot" else
                 "that is Glorot's scale, made for tanh and sigmoid; ReLU zeroes half its inputs, so it needs He's "
                 "sqrt(2 / n_inputs)."),
                (1.0, "that is what rng.normal(size=...) gives without a scale: far too large, the signal explodes "
                      "layer after layer."),
                (np.sqrt(2.0 / n_out), "it is scaled by the number of UNITS; He uses the number of inputs, n_inputs."),
                (2.0 / n_in, "2 / n_inputs is He's VARIANCE; the standard deviation is its square root."),
                (2.0 / (n_in + n_out), "2 / (n_inputs + n_units) is Glorot's VARIANCE; the standard deviation is its "
                                       "square root."),
                (np.sqrt(1.0 / n_in), "that is sqrt(1 / n_inputs) (LeCun's scale), not "
                                      + ("He's sqrt(2 / n_inputs)." if name == "He" else
                                         "Glorot's sqrt(2 / (n_inputs + n_units)).")),
                (0.01, "0.01 is the old 'small random numbers' default: the signal fades layer after layer."),
            ]
            message = next((text for scale, text in slips if abs(std / scale - 1) <= 0.1), "")
            raise Fail(f"the weights from {call} have standard deviation {std:.4g}; the {name} scale is {want:.4g}"
                       + (f": {message}" if message else "."))
        if not got["repeats"]:
            raise Fail(f"{call} gave different weights for two generators with the same seed: draw from the `rng` "
                       f"argument (rng.normal(...)), not np.random, so that a seed repeats.")
        if not got["varies"]:
            raise Fail(f"{call} gave the same weights for generators with different seeds: draw them from the `rng` "
                       f"argument.")


# --------------------------------------------------------------------------------------------------------
# Task 4: forward


def _forward_inputs(rng):
    cases = []
    for n_layers in (3, 2):
        sizes = [int(rng.integers(4, 9))] + distinct_sizes(rng, n_layers, 3, 12)
        params = [(rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out)), rng.normal(0.0, 0.5, size=n_out))
                  for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        cases.append({"X": rng.normal(size=(int(rng.integers(3, 7)), sizes[0])), "params": params})
    return {"cases": cases}


def _reference_forward(X, params, hidden=reference_relu, last=lambda Z: Z, final=reference_softmax):
    A = X
    for W, b in params[:-1]:
        A = hidden(A @ W + b)
    W, b = params[-1]
    return final(last(A @ W + b))


# An array per case, of any shape: the judge's hint for a wrong shape says what each layer passes on.
@task("forward", points=3, inputs=_forward_inputs, collect=_each_case_until_error,
      answer=lambda inputs: CasesUntilError(inputs, Array()))
def judge_forward(data, inputs):
    for case, got in zip(inputs["cases"], data):
        X, params = case["X"], case["params"]
        sizes = [X.shape[1]] + [W.shape[1] for W, _ in params]
        what = (f"forward(X, params) for a {len(params)}-layer network {' -> '.join(map(str, sizes))} on X "
                f"{shape_text(X.shape)}")
        want = _reference_forward(X, params)
        P = expect_array(_case_value(got, what, hint=(
            ". The check tries networks with different numbers of layers: loop over the (W, b) pairs in params "
            "rather than unpacking a fixed number of them.")), what)
        if P.shape != want.shape:
            raise Fail(f"{what} has shape {shape_text(P.shape)}, expected {shape_text(want.shape)}: one row of "
                       f"{sizes[-1]} probabilities per sample. Each layer's output is the next layer's X.")
        logits = _reference_forward(X, params, final=lambda Z: Z)
        if np.allclose(P, logits):
            raise Fail(f"{what} returned the last layer's raw scores (logits); finish with a softmax so that each "
                       f"row holds probabilities.")
        if not np.allclose(P.sum(axis=1), 1.0, atol=1e-6):
            raise Fail(f"{what}: the rows sum to {np.round(P.sum(axis=1), 4).tolist()}, not 1; the output layer "
                       f"ends with a softmax over each row.")
        expect_close(P, want, what, hints=[
            (_reference_forward(X, params, hidden=lambda Z: Z),
             "no ReLU between the layers; apply ReLU after every layer except the last."),
            (_reference_forward(X, params, last=reference_relu),
             "ReLU was applied to the last layer too, before the softmax; the output layer goes straight from "
             "X @ W + b to softmax."),
            (_reference_forward(X, params, hidden=reference_softmax),
             "softmax was applied after every layer; the hidden layers use ReLU, only the last uses softmax."),
            (_reference_forward(X, [(W, 0 * b) for W, b in params]), "the biases were left out: every layer is "
                                                                      "X @ W + b."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 5: count_parameters


def _count_inputs(rng):
    cases = [{"layer_sizes": [64, 32, 16, 10]}]
    for n_layers in (1, 2, 4):
        cases.append({"layer_sizes": [int(n) for n in rng.integers(2, 300, size=n_layers + 1)]})
    return {"cases": cases}


@task("count_parameters", points=1, inputs=_count_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Number()))
def judge_count_parameters(data, inputs):
    for case, got in zip(inputs["cases"], data):
        sizes = case["layer_sizes"]
        what = f"count_parameters({sizes})"
        count = expect_number(got, what)
        pairs = list(zip(sizes[:-1], sizes[1:]))
        weights = sum(n_in * n_out for n_in, n_out in pairs)
        want = weights + sum(sizes[1:])
        if count == want:
            continue
        slips = {
            weights: "that counts the weights only: each unit also has a bias (n_out per layer).",
            want + sizes[0]: "that gives the input a bias too; the inputs are data, only layers have parameters.",
            sum(n_in * n_out + n_in for n_in, n_out in pairs): "the biases were counted per INPUT; a layer has one "
                                                                 "bias per unit (n_out).",
            sum((n_in + 1) * (n_out + 1) for n_in, n_out in pairs): "each layer has n_in x n_out weights plus n_out "
                                                                     "biases, not (n_in + 1) x (n_out + 1).",
        }
        raise Fail(f"{what} returned {count:g}, expected {want}: " + slips.get(count, (
            "a dense layer from n_in inputs to n_out units has n_in x n_out weights plus n_out biases; add this up "
            "over consecutive pairs of sizes.")))
