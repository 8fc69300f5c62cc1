"""Graded tasks of ``exercises/15_sequences.ipynb``: windows, a split by time, scaling, an AR model, a Conv1D.

Each judge's docstring states, clause by clause, what a correct answer must satisfy; the inputs reach every
clause (a horizon of 1 given and left to its default, longer horizons, a series that leaves exactly one
window, validation and test parts of different sizes, a level that shifts between the parts, windows that
never equal 12), so that an answer which ignores one of them fails on every seed.
"""

import math

import numpy as np

from .. import (ANY, Array, Cases, CasesUntilError, Exercise, Fail, Items, ListOf, Record, call_each_case,
                call_each_case_until_error, describe_model, expect_array, expect_close, to_plain)
from ._common import MODEL, compiled_layers, output_activation, shape_text

EXERCISE = Exercise("15_sequences", "Sequences")
task = EXERCISE.task


def _random_walk(rng, n, level=50.0):
    """``n`` distinct float64 values that wander like a real series (a random walk around ``level``)."""
    return level + np.cumsum(rng.normal(0.0, 3.0, size=n))


# --------------------------------------------------------------------------------------------------------
# Task 1: windows and targets


def _windows_inputs(rng):
    w1, w2, w3, w4 = (int(w) for w in rng.choice(np.arange(3, 8), size=4, replace=True))
    h3, h4 = (int(h) for h in rng.choice([2, 3, 4], size=2, replace=False))
    return {"cases": [
        {"series": _random_walk(rng, int(rng.integers(20, 30))), "window": w1, "horizon": 1},
        {"series": _random_walk(rng, int(rng.integers(20, 30))), "window": w2},  # horizon left at its default
        {"series": _random_walk(rng, int(rng.integers(20, 30))), "window": w3, "horizon": h3},
        {"series": _random_walk(rng, w4 + h4), "window": w4, "horizon": h4},     # exactly one window fits
    ]}


def _reference_windows(series, window, horizon):
    count = len(series) - window - horizon + 1
    X = np.stack([series[start:start + window] for start in range(count)])  # (count, window)
    y = series[window + horizon - 1:]                                         # (count,)
    return X, y


def _windows_answer(inputs):
    return Cases(inputs, Items(Array(), Array(), names=("X", "y")))


@task("make_windows", points=2, inputs=_windows_inputs, collect=call_each_case, answer=_windows_answer)
def judge_make_windows(data, inputs):
    """A correct answer, for every case (horizon 1 given, horizon left at its default of 1, horizons 2 to 4, and
    a series just long enough for one window):

    - returns ``(X, y)``, X of shape ``(len(series) - window - horizon + 1, window)``, y of shape ``(that,)``;
    - row ``i`` of X is ``series[i:i + window]``: consecutive values, in order, starting at 0, one step apart;
    - ``y[i]`` is ``series[i + window + horizon - 1]``: ``horizon`` steps after the window's last value, never
      a value inside the window, and every window whose target exists is kept;
    - leaves ``series`` unchanged (the framework's guard).
    """
    for case, got in zip(inputs["cases"], data):
        series, window, horizon = case["series"], case["window"], case.get("horizon", 1)
        n = len(series)
        count = n - window - horizon + 1
        given = f", horizon={horizon}" if "horizon" in case else ""
        what = f"make_windows(series of {n} values, window={window}{given})"
        X = expect_array(got[0], f"X of {what}")
        y = expect_array(got[1], f"y of {what}")
        want_X, want_y = _reference_windows(series, window, horizon)
        if X.ndim != 2:
            raise Fail(f"X of {what} has shape {X.shape}; expected ({count}, {window}): one row per window, one "
                       f"column per time step (np.stack the windows, or index with a 2-D array).")
        if X.shape == (window, count) and window != count:
            raise Fail(f"X of {what} has shape {X.shape}, expected ({count}, {window}): it looks transposed; one "
                       f"ROW per window.")
        if X.shape[1] == window + 1 or (X.shape[1] == window + horizon and horizon > 1):
            raise Fail(f"X of {what} has rows of {X.shape[1]} values, expected {window}: each row holds its "
                       f"target too, so the model would see the answer (look-ahead). The window is the "
                       f"{window} values BEFORE the target.")
        if X.shape[1] != window:
            raise Fail(f"X of {what} has rows of {X.shape[1]} values; each row is one window of {window} values.")
        rows = X.shape[0]
        if rows != count:
            if horizon > 1 and rows == n - window:
                hint = (f"the horizon is ignored: with horizon={horizon} the target is {horizon} steps after the "
                        f"window's end, so the last {horizon - 1} window(s) have no target and there are "
                        f"len(series) - window - horizon + 1 windows.")
            elif rows == count - 1:
                hint = ("one window short (an off-by-one in the range of starts): the last window ends "
                        "horizon steps before the series' last value, so there are len(series) - window - "
                        "horizon + 1 windows, range(len(series) - window - horizon + 1).")
            elif rows == count + 1:
                hint = ("one window too many: the last window's target would lie beyond the end of the series; "
                        "there are len(series) - window - horizon + 1 windows.")
            else:
                hint = "there are len(series) - window - horizon + 1 windows, one per possible start."
            raise Fail(f"X of {what} has {rows} rows, expected {count}: {hint}")
        if y.shape != (count,):
            extra = ": y should be 1-D, one number per window" if y.size == count else ""
            raise Fail(f"y of {what} has shape {y.shape}, expected ({count},): one target per window{extra}.")
        if not np.allclose(X, want_X, rtol=0, atol=1e-9):
            start = _match_start(series, X[0])
            if start is not None and start > 0:
                raise Fail(f"X of {what} is wrong: its first window starts at series[{start}]; the first window is "
                           f"series[0:window], and each next one starts one step later.")
            if np.allclose(X, want_X[:, ::-1], rtol=0, atol=1e-9):
                raise Fail(f"X of {what} has each window reversed (newest value first); keep the time order, "
                           f"oldest first: series[start:start + window].")
            expect_close(X, want_X, f"X of {what}", rtol=0, atol=1e-9)
        offset = _match_start(series, y)
        right = window + horizon - 1
        hints = {window - 1: ("the target is the window's own LAST value, which the model already sees: it must be "
                              "the value horizon steps AFTER the window, series[start + window + horizon - 1]."),
                 right + 1: ("the target is one step too far: horizon=1 means the very next value after the window, "
                             "series[start + window]; in general series[start + window + horizon - 1]."),
                 window: (f"the target is the value right after the window, but horizon={horizon} asks for the value "
                          f"{horizon} steps after the window's last one: series[start + window + horizon - 1]."),
                 0: ("y holds the windows' FIRST values: the target comes after the window, "
                     "series[start + window + horizon - 1].")}
        if offset != right:
            hint = hints.get(offset, "y[i] should be series[i + window + horizon - 1], the value horizon steps "
                                     "after window i ends.")
            raise Fail(f"y of {what} is wrong: {hint}")
        expect_close(y, want_y, f"y of {what}", rtol=0, atol=1e-9)


def _match_start(series, values):
    """The start ``k`` such that ``values == series[k:k + length]`` (1-D), else ``None``."""
    values = np.asarray(values, dtype=float).ravel()
    for start in range(len(series) - len(values) + 1):
        if np.allclose(series[start:start + len(values)], values, rtol=0, atol=1e-9):
            return start
    return None


# --------------------------------------------------------------------------------------------------------
# Task 2: a split by time


def _split_inputs(rng):
    window = int(rng.integers(3, 7))
    n_val, n_test = (int(k) for k in rng.choice(np.arange(5, 12), size=2, replace=False))
    series = _random_walk(rng, int(rng.integers(45, 60)) + window)
    X, y = _reference_windows(series, window, 1)
    return {"X": X, "y": y, "n_val": n_val, "n_test": n_test}


PARTS = ("training", "validation", "test")


def _split_answer(inputs):
    return Items(*(Items(Array(), Array(), names=(f"X_{part[:5]}", f"y_{part[:5]}")) for part in ("train", "val",
                                                                                                 "test")),
                 names=PARTS)


@task("split_by_time", points=2, inputs=_split_inputs, answer=_split_answer)
def judge_split_by_time(data, inputs):
    """A correct answer, for ``n`` examples in time order and ``n_val != n_test``:

    - returns ``((X_train, y_train), (X_val, y_val), (X_test, y_test))``, each X with the rows of ``X`` and each
      y with the matching values of ``y`` (pairs kept together);
    - the test part is the LAST ``n_test`` examples, the validation part the ``n_val`` examples just before them,
      training everything before those: every example in exactly one part, none dropped, none in two;
    - keeps the time order inside each part (no shuffling), so that training + validation + test is ``X`` again;
    - leaves ``X`` and ``y`` unchanged (the framework's guard).
    """
    X, y, n_val, n_test = inputs["X"], inputs["y"], inputs["n_val"], inputs["n_test"]
    n, window = X.shape
    what = f"split_by_time(X of {n} examples, y, n_val={n_val}, n_test={n_test})"
    rows = {tuple(row): number for number, row in enumerate(X)}  # the windows of a random walk never repeat
    found = []
    for part, (got_X, got_y) in zip(PARTS, data):
        part_X = expect_array(got_X, f"the {part} X of {what}")
        part_y = expect_array(got_y, f"the {part} y of {what}")
        if part_X.ndim != 2 or part_X.shape[1:] != (window,):
            raise Fail(f"the {part} X of {what} has shape {part_X.shape}; expected (examples, {window}): whole rows "
                       f"of X, one window each.")
        numbers = [rows.get(tuple(row)) for row in part_X]
        if None in numbers:
            raise Fail(f"the {part} X of {what} holds rows that are not rows of X: split the examples as they are "
                       f"(whole rows, unchanged), without scaling or rebuilding them.")
        if part_y.shape != (len(numbers),):
            raise Fail(f"the {part} y of {what} has shape {part_y.shape}, but its X has {len(numbers)} rows: "
                       f"one target per example, y split at the same places as X.")
        if not np.allclose(part_y, y[numbers], rtol=0, atol=1e-9):
            raise Fail(f"in the {part} part of {what}, X and y are no longer pairs: row i of X_{part[:5]} must "
                       f"keep its own target y_{part[:5]}[i]. Split X and y at the same places (shuffling them "
                       f"separately, or slicing them differently, breaks the pairs).")
        found.append(numbers)
    train, val, test = found
    everything = train + val + test
    if len(set(everything)) < len(everything):
        twice = sorted({number for number in everything if everything.count(number) > 1})
        raise Fail(f"{what}: example(s) {twice[:5]} are in two parts (the slices overlap at the boundary): every "
                   f"example belongs to exactly one part, or the test score measures memory, not forecasting.")
    if len(everything) < n:
        lost = sorted(set(range(n)) - set(everything))
        raise Fail(f"{what}: example(s) {lost[:5]} are in no part: every example belongs to one part; training "
                   f"gets everything before the last n_val + n_test.")
    if (len(val), len(test)) == (n_test, n_val):
        raise Fail(f"{what}: the validation part has {len(val)} examples and the test part {len(test)}: n_val and "
                   f"n_test are swapped.")
    if (len(train), len(val), len(test)) != (n - n_val - n_test, n_val, n_test):
        raise Fail(f"{what}: the parts have {len(train)}, {len(val)} and {len(test)} examples; expected "
                   f"{n - n_val - n_test}, {n_val} and {n_test}.")
    if everything == list(range(n)):
        return
    in_order = all(part == sorted(part) for part in found)
    if test == list(range(n_test)):
        raise Fail(f"{what}: the test part is the FIRST {n_test} examples; it must be the LAST ones, the most "
                   f"recent years, because a forecaster is used on the future.")
    if not in_order or sorted(train + val) != train + val:
        raise Fail(f"{what}: the examples were shuffled. A time series is split in time order, and each part "
                   f"keeps that order: with shuffling, the neighbours of every test window sit in the training "
                   f"set and the test measures memory, not forecasting.")
    if min(test) < min(val):
        raise Fail(f"{what}: the validation part comes after the test part; the test part is the most recent "
                   f"n_test examples and validation the n_val just before them.")
    raise Fail(f"{what}: each part must be one block of consecutive examples: training first, then validation, "
               f"then the last n_test examples as test.")


# --------------------------------------------------------------------------------------------------------
# Task 3: scaling with the training part only


def _scale_inputs(rng):
    window = int(rng.integers(4, 9))
    n_train, n_val, n_test = (int(k) for k in rng.choice(np.arange(6, 30), size=3, replace=False))
    # The level shifts from part to part (an active half-century after a quiet one), so statistics taken from
    # all the data, or from each part, differ clearly from the training part's.
    train = rng.normal(40.0, 12.0, size=(n_train, window))
    val = rng.normal(70.0, 18.0, size=(n_val, window))
    test = rng.normal(95.0, 25.0, size=(n_test, window))
    return {"train": train, "val": val, "test": test}


def _scale_answer(inputs):
    return Items(*(Array(shape=inputs[part].shape) for part in ("train", "val", "test")),
                 names=("the scaled training part", "the scaled validation part", "the scaled test part"))


@task("scale_with_training_only", points=2, inputs=_scale_inputs, answer=_scale_answer)
def judge_scale_with_training_only(data, inputs):
    """A correct answer:

    - returns three arrays of the shapes of ``train``, ``val`` and ``test`` (their row counts differ);
    - each is ``(part - mean) / std`` with ONE mean and ONE standard deviation over all values of ``train``
      (not per column), the same two numbers for all three parts; ``std`` as ``np.std`` gives it (ddof=0), or
      with ddof=1 (the difference is not the point here);
    - leaves the three input arrays unchanged (the framework's guard: ``train -= mean`` fails).
    """
    train, val, test = inputs["train"], inputs["val"], inputs["test"]
    everything = np.concatenate([train.ravel(), val.ravel(), test.ravel()])
    seen = np.concatenate([train.ravel(), val.ravel()])
    mean, std, std1 = train.mean(), train.std(), train.std(ddof=1)
    names = ("training", "validation", "test")
    for name, part, got in zip(names, (train, val, test), data):
        what = f"the scaled {name} part"
        result = expect_array(got, what, shape=part.shape)
        if np.allclose(result, (part - mean) / std1, rtol=1e-6, atol=1e-8):
            continue
        own = (part - part.mean()) / part.std()
        expect_close(result, (part - mean) / std, what, rtol=1e-6, atol=1e-8, hints=[
            ((part - everything.mean()) / everything.std(),
             "the mean and standard deviation were computed over all three parts, the validation and test years "
             "too. That slips information about the future into the inputs: take both from the training part only."),
            ((part - seen.mean()) / seen.std(),
             "the mean and standard deviation include the validation part: take both from the training part only, "
             "so that validation scores are as honest as the test score."),
            (own, f"the {name} part is scaled with its OWN mean and standard deviation. Every part must be scaled "
                  f"with the training part's two numbers, as a deployed model would be."),
            ((part - train.mean(axis=0)) / train.std(axis=0),
             "one mean and one standard deviation per column (what StandardScaler does to windows): a series has "
             "one scale, so take one mean and one std over ALL training values (np.mean(train), np.std(train))."),
            ((part - train.min()) / (train.max() - train.min()),
             "this is min-max scaling to [0, 1]; the task asks for standardization: subtract the training mean and "
             "divide by the training standard deviation."),
            (part - mean, "the mean was subtracted but nothing was divided by the standard deviation."),
            ((part - mean) / train.var(), "divided by the variance; divide by the standard deviation, its square "
                                          "root (np.std)."),
            (part, f"the {name} part came back unscaled: scale it with the training mean and standard deviation "
                   f"too."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 4: an AR model by least squares


def _ar_case(rng, order):
    """Windows of an AR(``order``) series around a level far from 0, so that the intercept matters."""
    weights = rng.uniform(-0.3, 0.3, size=order)
    weights[-1] = rng.uniform(0.5, 0.8)  # the last value of the window counts most, as in the lesson
    values = np.zeros(order + int(rng.integers(60, 90)))
    for t in range(order, len(values)):
        values[t] = values[t - order:t] @ weights + rng.normal(0.0, 1.0)
    values += rng.uniform(20.0, 60.0)
    X, y = _reference_windows(values, order, 1)
    return {"X": X, "y": y}


def _ar_inputs(rng):
    first, second = (int(p) for p in rng.choice(np.arange(3, 9), size=2, replace=False))
    return {"cases": [_ar_case(rng, first), _ar_case(rng, second)]}


def _least_squares(design, y):
    return np.linalg.lstsq(design, y, rcond=None)[0]


@task("fit_ar", points=2, inputs=_ar_inputs, collect=call_each_case, answer=lambda inputs: Cases(inputs, Array()))
def judge_fit_ar(data, inputs):
    """A correct answer, for two window lengths ``p`` (3 to 8, different):

    - returns the ``p + 1`` weights of the least-squares fit of ``y`` on ``X`` with an intercept:
      ``weights[0]`` the intercept, ``weights[1:]`` one per column of X, in X's column order;
    - the least-squares solution itself (within 1e-6 relative), however it is computed (``lstsq``, the normal
      equations, ``np.linalg.pinv``), not a penalized or iterated approximation;
    - leaves ``X`` and ``y`` unchanged (the framework's guard).
    """
    for case, got in zip(inputs["cases"], data):
        X, y = case["X"], case["y"]
        n, p = X.shape
        what = f"fit_ar(X of shape ({n}, {p}), y)"
        weights = expect_array(got, what)
        design = np.column_stack([np.ones(n), X])
        want = _least_squares(design, y)
        if weights.shape == (p,):
            raise Fail(f"{what} has {p} weights, expected {p + 1}: there is no intercept. Add a column of ones to X "
                       f"(np.column_stack([np.ones(len(X)), X])) so that the fit has a constant w_0; without it the "
                       f"forecast is forced through 0.")
        if weights.shape != (p + 1,):
            extra = ": return only the weights, lstsq(...)[0]" if weights.shape[:1] == (p + 1,) else ""
            raise Fail(f"{what} has shape {weights.shape}, expected ({p + 1},): the intercept and one weight per "
                       f"column of X{extra}.")
        without = _least_squares(X, y)
        centred = _least_squares(X, y - y.mean())
        try:
            _expect_weights(weights, want, what, without, centred, y)
        except Fail as fail:
            if f"{what} is wrong:" in str(fail):  # a slip the hints name
                raise
            raise Fail(f"{fail}. These are not the least-squares weights: least squares gives residuals "
                       f"y - design @ weights that are orthogonal to every column of the design matrix. Solve it "
                       f"exactly, np.linalg.lstsq(design, y, rcond=None)[0], rather than with a few steps of "
                       f"gradient descent or with a penalty.") from None


def _expect_weights(weights, want, what, without, centred, y):
    """The least-squares weights within 1e-6, or :class:`Fail` naming the slip when a known one fits."""
    expect_close(weights, want, what, rtol=1e-6, atol=1e-8, hints=[
        (np.r_[want[1:], want[0]], "the intercept is last; the task puts it FIRST, weights[0], with the column "
                                   "of ones as the first column of the design matrix."),
        (np.r_[want[0], want[1:][::-1]], "the weights are in reverse order: weights[1] belongs to X's first "
                                         "column (the oldest value of the window), weights[p] to its last."),
        (np.r_[0.0, without], "the intercept is 0: the weights were fitted without a column of ones, so the "
                              "fit is forced through the origin. Fit the intercept together with the weights."),
        (np.r_[y.mean(), centred], "the intercept is the mean of y, fitted apart from the weights; fit it "
                                   "together with them (a column of ones in the design matrix), or centre X "
                                   "too."),
    ])


# --------------------------------------------------------------------------------------------------------
# Task 5: a causal, dilated Conv1D forecaster to a specification


def _conv_inputs(rng):
    # Never 12, the lesson's window (a hard-coded crop shows), and at most 15, what three dilated layers see.
    first, second = (int(w) for w in rng.choice([8, 9, 10, 11, 13, 14, 15], size=2, replace=False))
    return {"cases": [{"window": first}, {"window": second}]}


CONV_SPEC = [("Conv1D", dict(filters=16, kernel_size=[3], padding="causal", dilation_rate=[1], activation="relu")),
             ("Conv1D", dict(filters=16, kernel_size=[3], padding="causal", dilation_rate=[2], activation="relu")),
             ("Conv1D", dict(filters=16, kernel_size=[3], padding="causal", dilation_rate=[4], activation="relu")),
             ("Cropping1D", {}),
             ("Flatten", {}),
             ("Dense", dict(units=1, activation="linear"))]
PARAMS = (3 * 1 + 1) * 16 + 2 * (3 * 16 + 1) * 16 + 17  # 1649, whatever the window
MSE = ("mse", "mean_squared_error", "MeanSquaredError")
MAE = ("mae", "mean_absolute_error", "MeanAbsoluteError")


def _describe_forecaster(model):
    """The model as :func:`describe_model` gives it, plus the settings it leaves out (dilation, cropping)."""
    extra = []
    for layer in model.layers:
        config = layer.get_config()
        extra.append({key: to_plain(list(config[key]) if type(config[key]) is tuple else config[key])
                      for key in ("dilation_rate", "cropping") if key in config})
    return {"model": describe_model(model), "settings": extra}


def _collect_conv(answer, inputs):
    """Each model as :func:`_describe_forecaster` gives it, until a case raises."""
    return call_each_case_until_error(answer, inputs, describe=_describe_forecaster)


def _conv_answer(inputs):
    settings = Record({}, optional={"dilation_rate": ANY, "cropping": ANY})
    return CasesUntilError(inputs, Record({"model": MODEL, "settings": ListOf(settings)}))


def _compiled_name(detail):
    """A loss's or metric's class (``MeanSquaredError``), or its name when given as a string or a function."""
    detail = detail if type(detail) is dict else {}
    kind = detail.get("class")
    return str(kind if kind not in (None, "function") else detail.get("name"))


@task("build_conv1d_forecaster", points=3, inputs=_conv_inputs, collect=_collect_conv, answer=_conv_answer)
def judge_build_conv1d_forecaster(data, inputs):
    """A correct answer, for two windows from 8 to 15 (never 12):

    - input ``(None, window, 1)``: time steps first, one feature per step;
    - exactly the layers of CONV_SPEC in order: three ``Conv1D(16, 3, padding="causal", activation="relu")``
      with ``dilation_rate`` 1, 2 and 4; ``Cropping1D((window - 1, 0))``, which keeps the last step only;
      ``Flatten``; ``Dense(1)`` with no activation (a scaled forecast can be negative); each layer's output
      shape and 1,649 parameters in all, whatever the window;
    - compiled with the mean squared error as loss, the mean absolute error as a metric, and
      ``keras.optimizers.Adam(learning_rate=0.01)``.
    """
    for case, got in zip(inputs["cases"], data):
        window = case["window"]
        where = f"build_conv1d_forecaster({window})"
        if "raised" in got and "Cropping1D" in got["raised"]:
            raise Fail(f"{where} raised an error in Cropping1D: the crop does not fit a window of {window}. "
                       f"Cropping1D((window - 1, 0)) keeps the last step whatever the window; a fixed (11, 0) is "
                       f"right for the lesson's window of 12 only.")
        if "raised" in got:
            raise Fail(f"{where} raised {got['raised'][:300]}. Start from keras.Input(shape=(window, 1)) and follow "
                       f"the table: causal padding keeps all {window} steps through the three convolutions.")
        _judge_conv_model(got["returned"]["model"], got["returned"]["settings"], window, where)


def _judge_conv_model(model, settings, window, where):
    model_input = model.get("input_shape")
    if model_input != [None, window, 1]:
        hint = ""
        if model_input == [None, 1, window]:
            hint = ": that is one step of window features; a sequence is (time steps, features per step)"
        elif model_input == [None, window]:
            hint = ": Conv1D needs a features axis too, (window, 1)"
        raise Fail(f"{where}: the model's input shape is {model_input}, expected [None, {window}, 1]: start "
                   f"with keras.Input(shape=(window, 1)){hint}.")
    described = compiled_layers(model)
    # keep the extra settings in step with the layers that are not InputLayer
    extra = [item for layer, item in zip(model["layers"], settings) if layer.get("class") != "InputLayer"]
    classes = [layer.get("class") for layer in described]
    wanted = [name for name, _ in CONV_SPEC]
    if classes != wanted:
        if classes == wanted[:3] + wanted[4:]:
            raise Fail(f"{where}: the layers are {classes}, without Cropping1D: Flatten then reads the outputs of "
                       f"all {window} steps, and the specification reads the LAST step only, the one that has "
                       f"seen the whole window: Cropping1D((window - 1, 0)) before Flatten.")
        position = next((i for i, (a, b) in enumerate(zip(classes, wanted)) if a != b), min(len(classes), len(wanted)))
        got = classes[position] if position < len(classes) else "nothing"
        expected = wanted[position] if position < len(wanted) else "nothing"
        raise Fail(f"{where}: the layers are {classes}; expected {wanted}. Layer {position + 1} is {got}, expected "
                   f"{expected}.")
    for number, (layer, more, (name, spec)) in enumerate(zip(described, extra, CONV_SPEC), start=1):
        layer = {**layer, **more}
        for key, value in spec.items():
            if layer.get(key) == value:
                continue
            found = layer.get(key)
            if key == "padding" and found == "same":
                hint = (": 'same' pads both ends, so the output at step t also reads step t + 1, the future a "
                        "forecaster never has. padding='causal' pads on the left only")
            elif key == "padding":
                hint = ": 'causal' pads on the left, so that every step is kept and none reads a later one"
            elif key == "dilation_rate":
                hint = (": the dilations 1, 2, 4 let the last step see 1 + 2 * (1 + 2 + 4) = 15 steps; without them "
                        "three layers see only 7, less than the window")
            elif key == "activation" and name == "Dense":
                hint = (": the forecast is a scaled value, which can be negative or above 1, so the output layer "
                        "has no activation")
            else:
                hint = ""
            raise Fail(f"{where}: layer {number} ({name}) has {key}={found!r}, expected {key}={value!r}{hint}.")
        if name == "Cropping1D" and layer.get("cropping") != [window - 1, 0]:
            cropping = layer.get("cropping")
            hint = ""
            if cropping == [11, 0]:
                hint = ": (11, 0) is right for the lesson's window of 12 only; use window - 1"
            elif cropping == [0, window - 1]:
                hint = ": that keeps the FIRST step, which has seen only itself; crop from the start, (window - 1, 0)"
            raise Fail(f"{where}: layer {number} (Cropping1D) crops {cropping}, expected [{window - 1}, 0], which "
                       f"keeps the last of the {window} steps{hint}.")
    shapes = [(window, 16)] * 3 + [(1, 16), (16,), (1,)]
    for number, (layer, (name, _), shape) in enumerate(zip(described, CONV_SPEC, shapes), start=1):
        if layer.get("output_shape") != [None, *shape]:
            raise Fail(f"{where}: layer {number} ({name}) outputs {layer.get('output_shape')}, expected "
                       f"{shape_text((None, *shape))}.")
    if model.get("params") != PARAMS:
        raise Fail(f"{where}: the model has {model.get('params')} parameters, expected {PARAMS}.")
    if output_activation(model) not in ("linear", None):
        raise Fail(f"{where}: the output goes through {output_activation(model)}; a forecast needs no activation.")
    if not model.get("compiled"):
        raise Fail(f"{where}: the model is not compiled: call model.compile(optimizer=..., loss='mse', "
                   f"metrics=['mae']) before returning it.")
    loss = _compiled_name(model.get("loss_detail"))
    metrics = [_compiled_name(detail) for detail in model.get("metrics_detail") or []]
    if loss in MAE and any(metric in MSE for metric in metrics):
        raise Fail(f"{where}: the loss is the mean absolute error and the metric the mean squared error; the "
                   f"specification has them the other way round: loss='mse', metrics=['mae'].")
    if loss not in MSE:
        raise Fail(f"{where}: the loss is {loss!r}; expected the mean squared error, 'mse'. A forecast is a number, "
                   f"so the loss is a regression loss, not a cross-entropy.")
    if any("accuracy" in metric.lower() for metric in metrics):
        raise Fail(f"{where}: the metrics are {metrics}: accuracy counts forecasts EQUAL to the truth, which a "
                   f"real-valued forecast almost never is. A regression reports the mean absolute error, "
                   f"metrics=['mae'].")
    if not any(metric in MAE for metric in metrics):
        raise Fail(f"{where}: the metrics are {metrics}; expected the mean absolute error, metrics=['mae'], the "
                   f"error in the units of the data.")
    optimizer = model.get("optimizer") if type(model.get("optimizer")) is dict else {}  # untrusted: read with care
    rate = optimizer.get("learning_rate")
    if optimizer.get("class") != "Adam" or type(rate) not in (int, float) or not math.isclose(rate, 0.01,
                                                                                                rel_tol=1e-4):
        raise Fail(f"{where}: the optimizer is {optimizer.get('class')} with learning rate {rate}; expected "
                   f"keras.optimizers.Adam(learning_rate=0.01), the lesson's recipe.")
