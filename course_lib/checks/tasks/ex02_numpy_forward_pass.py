"""Graded tasks of ``exercises/02_numpy_forward_pass.ipynb``: dense layers, softmax, initialization, a forward pass."""

import numpy as np

from .. import (Array, Cases, CasesUntilError, Either, Exercise, Fail, Flag, Integer, Items, Record,
                call_each_case, call_each_case_until_error, expect_array, expect_close, expect_number, to_plain)
from ._common import candidates, distinct_sizes, reference_relu, reference_softmax, shape_text

EXERCISE = Exercise("02_numpy_forward_pass", "A forward pass in NumPy")
task = EXERCISE.task


# --------------------------------------------------------------------------------------------------------
# Collecting answers case by case


def _case_value(got, what, hint=""):
    """The learner's plain answer to one case from :func:`call_each_case_until_error`, or Fail if it raised.

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
@task("dense_forward", points=1, inputs=_dense_inputs, collect=call_each_case_until_error,
      answer=lambda inputs: CasesUntilError(inputs, Array()))
def judge_dense_forward(data, inputs):
    """Specification: ``Z = X @ W + b``, shape (batch, n_units), for X (batch, n_inputs), W (n_inputs, n_units),
    b (n_units,): one bias per unit, added to every sample; no activation. Checked on a batch as large as the
    layer (where a column bias broadcasts silently) and on three different sizes (where every mix-up of axes
    changes the shape). X, W and b are left unchanged (the framework's guard).
    """
    for case, got in zip(inputs["cases"], data):
        X, W, b = case["X"], case["W"], case["b"]
        want = X @ W + b
        what = (f"dense_forward(X, W, b) for X {shape_text(X.shape)}, W {shape_text(W.shape)}, "
                f"b {shape_text(b.shape)}")
        if "raised" in got and ("matmul" in got["raised"] or "not aligned" in got["raised"]):
            raise Fail(f"{what} raised {got['raised']}. In X @ W the inner sizes must match: X (batch, n_inputs) @ "
                       f"W (n_inputs, n_units), so W is used as it is, without a transpose.")
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
            (lambda: reference_relu(want), "ReLU (or another max(., 0)) was applied. No activation here: the task "
                                           "asks for the layer's Z = X @ W + b itself."),
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
    # Every row spreads from about -1000 to 1000: only a row's maximum is a safe shift (not its minimum or mean).
    wide = rng.normal(scale=2.0, size=(3, int(rng.integers(4, 8))))
    wide[:, :2] += [1000.0, -1000.0]
    wide = np.array([row[rng.permutation(row.size)] for row in wide])
    return {"cases": [
        {"Z": rng.normal(scale=3.0, size=(square, square))},  # first: a square batch hides some slips
        {"Z": rng.normal(scale=3.0, size=(batch, n_classes))},
        {"Z": far_apart},
        {"Z": wide},
    ]}


@task("softmax", points=2, inputs=_softmax_inputs, collect=call_each_case_until_error,
      answer=lambda inputs: CasesUntilError(inputs, lambda case: Array(shape=case["Z"].shape)))
def judge_softmax(data, inputs):
    """Specification: for Z (batch, n_classes), ``P[i, k] = exp(Z[i, k]) / sum_j exp(Z[i, j])``, same shape, each
    row positive and summing to 1, computed stably: for a square batch (where a (batch,) sum or maximum without
    keepdims broadcasts silently), a non-square one, rows far apart from each other (around -1000, 0, 500 and
    1000: only each row's OWN maximum works) and rows each spreading from -1000 to 1000 (only the maximum, not
    the minimum or the mean, keeps every exponent <= 0). Z is left unchanged (the framework's guard).
    """
    for case, got in zip(inputs["cases"], data):
        Z = case["Z"]
        spread = np.ptp(Z.max(axis=1)) > 100
        wide = np.all(np.ptp(Z, axis=1) > 100)
        what = f"softmax(Z) for Z {shape_text(Z.shape)}" + (" whose rows lie far apart (around -1000 to 1000)"
                                                            if spread else "") + (
            " whose every row spreads from about -1000 to 1000" if wide else "")
        P = expect_array(_case_value(got, what), what, shape=Z.shape, finite=False)
        bad_rows = ~np.all(np.isfinite(P), axis=1)
        if bad_rows.any():
            if wide:
                raise Fail(f"{what} contains NaN or inf: np.exp overflows for the scores far above the number "
                           f"subtracted from their row. Only each row's maximum keeps every exponent <= 0; a row's "
                           f"minimum or mean leaves exponents of up to 2000. Subtract Z.max(axis=1, keepdims=True).")
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
        if Z.shape[0] == Z.shape[1]:
            with np.errstate(all="ignore"):
                shifted = np.exp(Z - Z.max(axis=1))  # (batch, k) - (batch,): each COLUMN gets a row's maximum
                shifted = shifted / shifted.sum(axis=1, keepdims=True)
            if np.allclose(P, shifted, rtol=1e-5, atol=1e-8):
                raise Fail(f"{what} is wrong: the row maxima were subtracted without keepdims=True, so a (batch,) "
                           f"array lined up with the columns and each column got some row's maximum (only a square "
                           f"batch hides this without an error). Use Z.max(axis=1, keepdims=True), shape (batch, 1).")
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
    # Two layers per activation: one with several times more units than inputs, one with several times more
    # inputs than units. A slip can match the right scale, or another slip, for one shape of layer (Glorot with
    # n_inputs = n_units equals LeCun; He with the fan-out equals Glorot when n_inputs << n_units), never for
    # both, so every slip fails and the judge can tell which one it was.
    def case(activation, n_inputs, n_units):
        return {"n_inputs": n_inputs, "n_units": n_units, "activation": activation, "seed": int(rng.integers(2**31))}

    def small():
        return int(rng.integers(20, 31))

    def large():
        return int(rng.integers(90, 121))

    return {"cases": [case("relu", small(), large()), case("tanh", small(), large()),
                      case("relu", large(), small()), case("tanh", large(), small())]}


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


def _init_scales(activation):
    """``(name, scale(n_in, n_out))`` of the right initialization, and ``[(scale(n_in, n_out), hint), ...]`` of
    the usual slips, for one activation."""
    if activation == "relu":
        right = ("He", lambda i, o: np.sqrt(2.0 / i))
        other = (lambda i, o: np.sqrt(2.0 / (i + o)),
                 "that is Glorot's scale, made for tanh and sigmoid; ReLU zeroes half its inputs, so it needs He's "
                 "sqrt(2 / n_inputs).")
        fan_out = "it is scaled by the number of UNITS; He uses the number of inputs, n_inputs."
        formula = "He's sqrt(2 / n_inputs)"
    else:
        right = ("Glorot", lambda i, o: np.sqrt(2.0 / (i + o)))
        other = (lambda i, o: np.sqrt(2.0 / i),
                 "that is the He scale, made for ReLU; tanh needs Glorot's sqrt(2 / (n_inputs + n_units)).")
        fan_out = ("it is scaled by the number of UNITS only (He's formula with n_units); Glorot uses both: "
                   "sqrt(2 / (n_inputs + n_units)).")
        formula = "Glorot's sqrt(2 / (n_inputs + n_units))"
    slips = [
        other,
        (lambda i, o: 1.0, "that is what rng.normal(size=...) gives without a scale: far too large, the signal "
                           "explodes layer after layer."),
        (lambda i, o: np.sqrt(2.0 / o), fan_out),
        (lambda i, o: 2.0 / i, "2 / n_inputs is He's VARIANCE; the standard deviation is its square root."),
        (lambda i, o: 2.0 / (i + o), "2 / (n_inputs + n_units) is Glorot's VARIANCE; the standard deviation is its "
                                     "square root."),
        (lambda i, o: np.sqrt(1.0 / i), f"that is sqrt(1 / n_inputs) (LeCun's scale), not {formula}."),
        (lambda i, o: np.sqrt(6.0 / i), "sqrt(6 / n_inputs) is the LIMIT of He's UNIFORM distribution; the normal "
                                        "distribution's standard deviation is sqrt(2 / n_inputs)."),
        (lambda i, o: np.sqrt(6.0 / (i + o)), "sqrt(6 / (n_inputs + n_units)) is the LIMIT of Glorot's UNIFORM "
                                              "distribution; the normal distribution's standard deviation is "
                                              "sqrt(2 / (n_inputs + n_units))."),
        (lambda i, o: 0.01, "0.01 is the old 'small random numbers' default: the signal fades layer after layer."),
    ]
    return right, slips


def _scale_slip(activation, measured):
    """The hint of the slip that explains the standard deviations ``measured`` (``[(n_in, n_out, std)]``, the
    layers of one activation) within 10% in every layer, the closest one if several do; ``""`` if none does."""
    _, slips = _init_scales(activation)
    distance, hint = min((max(abs(np.log(std / scale(i, o))) for i, o, std in measured), hint)
                         for scale, hint in slips)
    return hint if distance <= np.log(1.1) else ""


@task("init_dense", points=2, inputs=_init_inputs, collect=_collect_init, answer=_init_answer)
def judge_init_dense(data, inputs):
    """Specification: return ``(W, b)``; W of shape (n_inputs, n_units) drawn from a NORMAL distribution with mean
    0 and standard deviation sqrt(2 / n_inputs) for "relu" (He), sqrt(2 / (n_inputs + n_units)) for "tanh"
    (Glorot); b zeros of shape (n_units,); the numbers come from the ``rng`` given, so the same seed repeats
    them and another seed changes them. Checked on four layers, two per activation, with many more units than
    inputs and many more inputs than units, so that every usual slip is far from the right scale in one.
    """
    measured = []
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
        if np.all(W == W.flat[0]):
            raise Fail(f"every weight from {call} is {W.flat[0]:g}: equal weights make every unit compute the same "
                       f"thing forever. Draw them at random.")
        std, mean = float(W.std()), float(W.mean())
        # The mean of n weights strays from 0 by about std / sqrt(n): 6 times that happens by chance less than
        # once in 10^8 checks.
        if abs(mean) > 6 * std / np.sqrt(W.size):
            raise Fail(f"the weights from {call} have mean {mean:.3g}: draw them centred on 0 "
                       f"(rng.normal(0.0, scale, size=...)), with as many negative as positive weights.")
        measured.append((case, W, std, call))
    # The standard deviation of n >= 1,800 normal numbers is within about 1.7% of the true one, so 10% is over
    # 5 standard errors.
    for case, W, std, call in measured:
        activation = case["activation"]
        (name, scale), _ = _init_scales(activation)
        want = scale(case["n_inputs"], case["n_units"])
        if abs(std / want - 1) > 0.1:
            hint = _scale_slip(activation, [(other["n_inputs"], other["n_units"], other_std)
                                            for other, _, other_std, _ in measured
                                            if other["activation"] == activation])
            raise Fail(f"the weights from {call} have standard deviation {std:.4g}; the {name} scale is {want:.4g}"
                       + (f": {hint}" if hint else "."))
    for (case, W, std, call), got in zip(measured, data):
        # The excess kurtosis of a normal sample is 0 within about sqrt(24 / n) <= 0.12; a uniform one's is -1.2.
        kurtosis = float(np.mean((W - W.mean())**4) / std**4 - 3.0)
        if abs(kurtosis) > 0.6:
            shape = "flat-topped, as from rng.uniform" if kurtosis < 0 else "heavy-tailed"
            raise Fail(f"the weights from {call} have the right standard deviation but are not normally distributed "
                       f"(their spread is {shape}: excess kurtosis {kurtosis:.2f}, where a normal sample gives about "
                       f"0 and a uniform one -1.2). Draw them with rng.normal(0.0, scale, size=...).")
        if not got["repeats"]:
            raise Fail(f"{call} gave different weights for two generators with the same seed: draw from the `rng` "
                       f"argument (rng.normal(...)), not np.random, so that a seed repeats.")
        if not got["varies"]:
            raise Fail(f"{call} gave the same weights for generators with different seeds: draw them from the `rng` "
                       f"argument, not from a generator made inside the function with a fixed seed.")


# --------------------------------------------------------------------------------------------------------
# Task 4: forward


def _forward_inputs(rng):
    cases = []
    for n_layers in (3, 2):
        sizes = distinct_sizes(rng, n_layers + 1, 3, 12)  # all different: a layer skipped or swapped raises
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


def _sigmoid(Z):
    return 1.0 / (1.0 + np.exp(-Z))


def _forward_raised(error):
    """The hint for an error raised by ``forward``: a fixed number of layers unpacked, or layers out of order."""
    if "values to unpack" in error:
        return (". The check tries networks with different numbers of layers: loop over the (W, b) pairs in params "
                "rather than unpacking a fixed number of them.")
    if "matmul" in error or "not aligned" in error:
        return (". The layers must be applied in order, all of them: X @ W1 + b1 first, and each layer's output "
                "(batch, n_out) is the next layer's input.")
    return ""


# An array per case, of any shape: the judge's hint for a wrong shape says what each layer passes on.
@task("forward", points=3, inputs=_forward_inputs, collect=call_each_case_until_error,
      answer=lambda inputs: CasesUntilError(inputs, Array()))
def judge_forward(data, inputs):
    """Specification: for X (batch, n_inputs) and ``params``, a list of (W, b) pairs of any length (2 and 3 are
    tried), apply every layer in order, ``A @ W + b``; ReLU after every layer but the last, softmax over each row
    after the last; return (batch, n_classes) probabilities. X, the arrays in params and the list params itself
    are left unchanged (the guard watches lists too).
    """
    for case, got in zip(inputs["cases"], data):
        X, params = case["X"], case["params"]
        sizes = [X.shape[1]] + [W.shape[1] for W, _ in params]
        what = (f"forward(X, params) for a {len(params)}-layer network {' -> '.join(map(str, sizes))} on X "
                f"{shape_text(X.shape)}")
        want = _reference_forward(X, params)
        hint = _forward_raised(got["raised"]) if "raised" in got else ""
        P = expect_array(_case_value(got, what, hint=hint), what)
        if P.shape != want.shape:
            raise Fail(f"{what} has shape {shape_text(P.shape)}, expected {shape_text(want.shape)}: one row of "
                       f"{sizes[-1]} probabilities per sample. Each layer's output is the next layer's X.")
        logits = _reference_forward(X, params, final=lambda Z: Z)
        if np.allclose(P, logits):
            raise Fail(f"{what} returned the last layer's raw scores (logits); finish with a softmax so that each "
                       f"row holds probabilities.")
        if not np.allclose(P.sum(axis=1), 1.0, atol=1e-6):
            if np.allclose(P.sum(axis=0), 1.0, atol=1e-6):
                raise Fail(f"{what}: the COLUMNS sum to 1, not the rows. Softmax over the wrong axis? Each row is "
                           f"one sample, so normalise along axis=1.")
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
            (_reference_forward(X, params, hidden=_sigmoid),
             "the hidden layers use a sigmoid; the task asks for ReLU after every hidden layer."),
            (_reference_forward(reference_relu(X), params),
             "ReLU was applied to the inputs X as well (ReLU before each layer rather than after it): X goes into "
             "the first layer as it is, and ReLU follows each hidden layer."),
            (_reference_forward(X, [(W, 0 * b) for W, b in params]), "the biases were left out: every layer is "
                                                                      "X @ W + b."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 5: count_parameters


LESSON_NETWORK = [64, 32, 16, 10]


def _count_inputs(rng):
    cases = [{"layer_sizes": list(LESSON_NETWORK)}]
    for n_layers in (1, 2, 4):
        cases.append({"layer_sizes": [int(n) for n in rng.integers(2, 300, size=n_layers + 1)]})
    return {"cases": cases}


def _count(pairs, weights=True, biases=True):
    return sum(n_in * n_out * weights + n_out * biases for n_in, n_out in pairs)


@task("count_parameters", points=1, inputs=_count_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Integer()))
def judge_count_parameters(data, inputs):
    """Specification: for layer sizes from the inputs to the outputs (2 to 5 sizes are tried), return as an int
    the sum over consecutive pairs (n_in, n_out) of n_in x n_out weights plus n_out biases. The list given is
    left unchanged (the guard); a float, even 2778.0, is refused by the answer's structure.
    """
    lesson = _count(list(zip(LESSON_NETWORK[:-1], LESSON_NETWORK[1:])))
    for case, got in zip(inputs["cases"], data):
        sizes = case["layer_sizes"]
        what = f"count_parameters({sizes})"
        count = int(expect_number(got, what))
        pairs = list(zip(sizes[:-1], sizes[1:]))
        want = _count(pairs)
        if count == want:
            continue
        if count == lesson and sizes != LESSON_NETWORK:
            raise Fail(f"{what} returned {count}, expected {want}: {lesson} is the count for the lesson's network "
                       f"{LESSON_NETWORK}. Compute the count from layer_sizes, for whatever network it describes.")
        slips = {
            _count(pairs, biases=False): "that counts the weights only: each unit also has a bias (n_out per layer).",
            want + sizes[0]: "that gives the input a bias too; the inputs are data, only layers have parameters.",
            sum(n_in * n_out + n_in for n_in, n_out in pairs): "the biases were counted per INPUT; a layer has one "
                                                                 "bias per unit (n_out).",
            sum((n_in + 1) * (n_out + 1) for n_in, n_out in pairs): "each layer has n_in x n_out weights plus n_out "
                                                                     "biases, not (n_in + 1) x (n_out + 1).",
        }
        if len(pairs) > 1:
            slips.setdefault(_count(pairs[:-1]), f"the last layer was left out: {len(sizes)} sizes make "
                                                 f"{len(pairs)} layers, one per consecutive pair (n_in, n_out).")
            slips.setdefault(_count(pairs[1:]), f"the first layer was left out: {len(sizes)} sizes make "
                                                f"{len(pairs)} layers, one per consecutive pair (n_in, n_out).")
        raise Fail(f"{what} returned {count}, expected {want}: " + slips.get(count, (
            "a dense layer from n_in inputs to n_out units has n_in x n_out weights plus n_out biases; add this up "
            "over consecutive pairs of sizes.")))
