"""Graded tasks of ``exercises/09_regularization_and_tuning.ipynb``: penalties, dropout, early stopping, searches."""

import math

import numpy as np

from .. import (ANY, Array, Cases, Either, Exercise, Fail, Flag, Integer, ListOf, Number, Record, Spec, Text,
                call_each_case, describe_model, expect_array, expect_close, expect_number, to_plain)
from ..plain import is_plain_array
from ._common import MODEL, compiled_layers, digits, forgot_return, reference_relu

EXERCISE = Exercise("09_regularization_and_tuning", "Regularization and hyperparameter tuning")
task = EXERCISE.task


class _Mapping(Spec):
    """A dict from any names to values that each have structure ``item`` (answers.py has no such Spec)."""

    def __init__(self, item: Spec):
        self.item = item

    def check(self, data, what):
        if type(data) is not dict or is_plain_array(data):
            raise Fail(f"{what} is not a dict; expected one from names to values.")
        for key, value in data.items():
            self.item.check(value, f"{key!r} of {what}")

    def example(self):
        return {"name": self.item.example()}


def _as_float(value) -> float:
    """A setting read from a described model as a float; NaN when it is missing or not a plain number."""
    return float(value) if type(value) in (int, float) else math.nan


# --------------------------------------------------------------------------------------------------------
# Task 1: weight_penalty


def _weights(rng):
    """``model.get_weights()`` of a random stack of Dense layers: kernel (2-D), bias (1-D), kernel, bias, ..."""
    sizes = [int(n) for n in rng.integers(3, 9, size=int(rng.integers(3, 5)))]
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights.append(rng.normal(0.0, 0.5, size=(n_in, n_out)))
        weights.append(rng.normal(0.5, 0.5, size=n_out))  # biases well away from 0, so including them shows
    return weights


def _penalty_inputs(rng):
    weights = _weights(rng)
    l1, l2 = float(rng.choice([1e-4, 3e-4, 1e-3])), float(rng.choice([1e-3, 3e-3, 0.01, 0.03]))
    return {"cases": [{"weights": weights, "l1": l1, "l2": l2},
                      {"weights": weights, "l1": 0.0, "l2": l2},
                      {"weights": _weights(rng), "l1": l1, "l2": 0.0}]}


@task("weight_penalty", points=2, inputs=_penalty_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Number()))
def judge_weight_penalty(data, inputs):
    for case, got in zip(inputs["cases"], data):
        weights, l1, l2 = case["weights"], case["l1"], case["l2"]
        kernels = [w for w in weights if w.ndim == 2]
        absolute = sum(np.abs(w).sum() for w in kernels)    # sum of |w| over every kernel entry
        squares = sum((w ** 2).sum() for w in kernels)      # sum of w^2 over every kernel entry
        count = sum(w.size for w in kernels)
        absolute_all = sum(np.abs(w).sum() for w in weights)
        squares_all = sum((w ** 2).sum() for w in weights)
        what = f"weight_penalty(weights, l1={l1:g}, l2={l2:g})"
        value = expect_number(got, what)
        expect_close(value, l1 * absolute + l2 * squares, what, rtol=1e-6, hints=[
            (l1 * absolute_all + l2 * squares_all,
             "it includes the biases. Keras's kernel_regularizer penalizes only the kernels, the 2-D arrays of "
             "weights; skip the 1-D bias vectors."),
            ((l1 * absolute + l2 * squares) / count,
             "it is the MEAN over the weights; the penalty is the SUM over all kernel entries."),
            (sum(l1 * np.abs(w).mean() + l2 * (w ** 2).mean() for w in kernels),
             "it averages within each kernel; the penalty is the SUM over all kernel entries."),
            ((l1 + l2) * absolute,
             "it adds l2 times the sum of |w|: the L2 penalty SQUARES each weight, l2 * sum(w ** 2)."),
            ((l1 + l2) * squares,
             "it adds l1 times the sum of w^2: the L1 penalty is the sum of ABSOLUTE values, l1 * sum(|w|)."),
            (l2 * absolute + l1 * squares, "l1 and l2 are swapped: l1 goes with |w|, l2 with w^2."),
            (l1 * absolute + 0.5 * l2 * squares,
             "it has a factor 1/2 on the L2 part. Some textbooks write (lambda / 2) * sum(w^2), but Keras's "
             "L2(l2) adds l2 * sum(w^2), without the 1/2."),
            (l1 * absolute + l2 * np.sqrt(squares),
             "it uses the norm sqrt(sum(w^2)) (np.linalg.norm); the L2 penalty is the SQUARED norm, sum(w^2)."),
            (l1 * absolute + l2 * sum(np.sqrt((w ** 2).sum()) for w in kernels),
             "it uses each kernel's norm sqrt(sum(w^2)) (np.linalg.norm); the L2 penalty is the SQUARED norm."),
            (l1 * sum(w.sum() for w in kernels) + l2 * squares,
             "the L1 part sums the signed weights, so positive and negative ones cancel: take np.abs first."),
            (absolute * (l1 > 0) + squares * (l2 > 0),
             "the strengths are missing: multiply the sum of |w| by l1 and the sum of w^2 by l2."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 2: dropout_forward


def _dropout_inputs(rng):
    shape = (int(rng.integers(60, 101)), int(rng.integers(60, 101)))
    x = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.2, 2.0, size=shape)  # no zeros in x
    return {"x": x, "rate": float(rng.choice([0.1, 0.2, 0.25, 0.3, 0.4, 0.6])), "seed": int(rng.integers(2**31))}


def _collect_dropout(answer, inputs):
    x, rate, seed = inputs["x"], inputs["rate"], inputs["seed"]
    given = x.copy()
    first = answer(x=given, rate=rate, rng=np.random.default_rng(seed), training=True)
    changed = not np.array_equal(given, x)
    again = answer(x=x.copy(), rate=rate, rng=np.random.default_rng(seed), training=True)
    other = answer(x=x.copy(), rate=rate, rng=np.random.default_rng(seed + 1), training=True)
    predicting = answer(x=x.copy(), rate=rate, rng=np.random.default_rng(seed), training=False)
    return {"first": to_plain(first, "the value it returned"), "again": to_plain(again, "the value it returned"),
            "other": to_plain(other, "the value it returned"), "changed_x": changed,
            "predicting": to_plain(predicting, "the value it returned with training=False")}


# Arrays of any shape: the judge's own message for a wrong shape says how to draw the mask.
@task("dropout_forward", points=2, inputs=_dropout_inputs, collect=_collect_dropout,
      answer=Record({"first": Array(), "again": Array(), "other": Array(), "changed_x": Flag(),
                     "predicting": Array()}))
def judge_dropout_forward(data, inputs):
    x, rate = inputs["x"], inputs["rate"]
    what = f"dropout_forward(x, rate={rate:g}, rng, training=True)"
    out = expect_array(data["first"], what)
    if out.shape != x.shape:
        raise Fail(f"{what} returned shape {out.shape} for x of shape {x.shape}; dropout keeps the shape of x: "
                   f"draw one random number per element, rng.random(x.shape).")
    if data["changed_x"]:
        raise Fail(f"{what} changed the array x it was given (in place, e.g. `x *= mask` or `x[mask] = 0`); the "
                   f"caller's x must stay as it was: compute a new array, `x * mask / (1 - rate)`.")
    dropped = out == 0
    share = float(dropped.mean())
    if share == 0:
        raise Fail(f"{what} set no value to 0; with training=True each value is dropped (set to 0) with "
                   f"probability rate = {rate:g}.")
    if share < 1 and x.shape[0] > 1 and np.all(dropped == dropped[:1]):
        raise Fail(f"{what} dropped the same columns in every row: the mask was drawn per column and broadcast. "
                   f"Draw one random number per element, rng.random(x.shape).")
    if share < 1 and x.shape[1] > 1 and np.all(dropped == dropped[:, :1]):
        raise Fail(f"{what} dropped whole rows: the mask was drawn per row and broadcast. Draw one random number "
                   f"per element, rng.random(x.shape).")
    if abs(share - rate) > 0.05:
        if abs(share - (1 - rate)) <= 0.05:
            raise Fail(f"{what} set {share:.0%} of the values to 0, about 1 - rate: rate is the probability to "
                       f"DROP a value, so keep it when rng.random(x.shape) >= rate.")
        raise Fail(f"{what} set {share:.1%} of the values to 0; expected about {rate:.0%}: each value is dropped "
                   f"independently with probability rate.")
    kept = ~dropped
    ratio = out[kept] / x[kept]
    if not np.allclose(ratio, 1 / (1 - rate), rtol=1e-6):
        hints = [(1.0, "the kept values are unchanged. Inverted dropout scales them by 1 / (1 - rate), so that "
                       "each output keeps the expected value of its input (and predicting needs no scaling)."),
                 (1 - rate, "the kept values are multiplied by (1 - rate); DIVIDE by it: x * mask / (1 - rate)."),
                 (1 / rate, "the kept values are divided by rate; divide by the probability to KEEP a value, "
                            "1 - rate.")]
        for factor, hint in hints:
            if np.allclose(ratio, factor, rtol=1e-6):
                raise Fail(f"{what}: {hint}")
        raise Fail(f"{what}: the kept values should be x / (1 - rate) = x * {1 / (1 - rate):.4g}; they are x times "
                   f"factors from {ratio.min():.4g} to {ratio.max():.4g}.")
    again = expect_array(data["again"], what, shape=x.shape)
    if not np.array_equal(again, out):
        raise Fail(f"{what} gave different results for two generators made from the same seed: draw the random "
                   f"numbers from the rng you are given (rng.random(x.shape)), not from np.random.* or a new "
                   f"generator, so that a seed makes the result repeatable.")
    other = expect_array(data["other"], what, shape=x.shape)
    if np.array_equal(other, out):
        raise Fail(f"{what} dropped exactly the same values for generators with different seeds: draw the random "
                   f"numbers from the rng argument, not from a generator of your own with a fixed seed.")
    predicting = expect_array(data["predicting"], f"dropout_forward(x, rate={rate:g}, rng, training=False)")
    expect_close(predicting, x, f"dropout_forward(x, rate={rate:g}, rng, training=False)", rtol=1e-7, hints=[
        (x * (1 - rate), "it multiplies x by (1 - rate). That is the old, non-inverted dropout; inverted dropout "
                         "already scaled during training, so at prediction time it returns x unchanged."),
        (x / (1 - rate), "it scales x by 1 / (1 - rate); with training=False dropout does nothing: return x."),
        (out, "it drops values with training=False too; at prediction time dropout is switched off: return x."),
    ])


# --------------------------------------------------------------------------------------------------------
# Task 3: build_regularized_model


def _build_inputs(rng):
    def case(n_hidden):
        return {"n_inputs": int(rng.integers(8, 65)),
                "hidden_units": [int(n) for n in rng.choice([16, 24, 32, 48, 64, 96], size=n_hidden)],
                "n_classes": int(rng.integers(3, 11)),
                "l2": float(rng.choice([0.0003, 0.001, 0.003, 0.03])),
                "dropout_rate": float(rng.choice([0.1, 0.2, 0.3, 0.4, 0.5]))}
    return {"cases": [case(1), case(int(rng.integers(2, 4)))]}


def _collect_build(answer, inputs):
    import keras

    collected = []
    for case in inputs["cases"]:
        model = answer(**case)
        described = describe_model(model)  # refuses anything but a keras.Model
        described["momentum"] = [float(layer.get_config().get("momentum", float("nan"))) for layer in model.layers
                                 if isinstance(layer, keras.layers.BatchNormalization)]
        collected.append(described)
    return collected


BLOCK = ["Dense", "BatchNormalization", "Activation", "Dropout"]
REGULARIZER = Record({"class": Text()}, optional={"l1": Number(), "l2": Number()}, extra=True)
REGULARIZED_LAYER = Record({"class": Text(), "name": Text()},
                           optional={"activation": Text(), "rate": Number(), "kernel_regularizer": REGULARIZER,
                                     "bias_regularizer": REGULARIZER, "activity_regularizer": REGULARIZER},
                           extra=True)
REGULARIZED_MODEL = Record({**MODEL.fields, "layers": ListOf(REGULARIZED_LAYER), "momentum": ListOf(Number())},
                           extra=True)


@task("build_regularized_model", points=3, inputs=_build_inputs, collect=_collect_build,
      answer=lambda inputs: Cases(inputs, REGULARIZED_MODEL))
def judge_build_regularized_model(data, inputs):
    for case, model in zip(inputs["cases"], data):
        n_inputs, hidden, k = case["n_inputs"], case["hidden_units"], case["n_classes"]
        l2, rate = case["l2"], case["dropout_rate"]
        call = f"build_regularized_model({n_inputs}, {hidden}, {k}, l2={l2:g}, dropout_rate={rate:g})"
        if model.get("input_shape") != [None, n_inputs]:
            raise Fail(f"the model from {call} takes inputs of shape {model.get('input_shape')}; start it with "
                       f"keras.Input(shape=({n_inputs},)).")
        layers = compiled_layers(model)
        classes = [layer.get("class") for layer in layers]
        wanted = BLOCK * len(hidden) + ["Dense"]
        if classes != wanted:
            dense_relu = any(layer.get("class") == "Dense" and layer.get("activation") == "relu" for layer in layers)
            if dense_relu and "Activation" not in classes:
                raise Fail(f"the model from {call} has layers {classes}, with the ReLU inside the Dense layers. "
                           f"Batch normalization goes between a Dense layer and its activation: Dense WITHOUT "
                           f"activation, BatchNormalization, then layers.Activation('relu'), then Dropout.")
            position = next((i for i, (a, b) in enumerate(zip(classes, wanted)) if a != b),
                            min(len(classes), len(wanted)))
            got = classes[position] if position < len(classes) else "nothing"
            expected = wanted[position] if position < len(wanted) else "nothing"
            raise Fail(f"the model from {call} has layers {classes}; expected {wanted}: for each hidden layer "
                       f"Dense -> BatchNormalization -> Activation('relu') -> Dropout, then the output Dense. "
                       f"Layer {position + 1} is {got}, expected {expected}.")
        denses = [layer for layer in layers if layer["class"] == "Dense"]
        units = [layer.get("units") for layer in denses]
        if units != hidden + [k]:
            raise Fail(f"the model from {call} has Dense layers of {units} units; expected {hidden + [k]}: one per "
                       f"entry of hidden_units, then one output unit per class.")
        for number, layer in enumerate(denses[:-1], start=1):
            if layer.get("activation") != "linear":
                raise Fail(f"hidden Dense layer {number} of the model from {call} has activation "
                           f"{layer.get('activation')!r}; it should have none: the ReLU comes after the "
                           f"normalization, in the Activation layer.")
        if denses[-1].get("activation") != "softmax":
            raise Fail(f"the output layer of the model from {call} has activation {denses[-1].get('activation')!r}; "
                       f"use 'softmax': one probability per class.")
        for layer in layers:
            if layer["class"] == "Activation" and layer.get("activation") != "relu":
                raise Fail(f"an Activation layer of the model from {call} applies {layer.get('activation')!r}; the "
                           f"specification asks for 'relu'.")
            if layer["class"] == "Dropout" and not np.isclose(_as_float(layer.get("rate", -1)), rate):
                raise Fail(f"a Dropout layer of the model from {call} has rate {layer.get('rate')}; expected "
                           f"dropout_rate = {rate:g}.")
        for momentum in map(_as_float, model["momentum"]):
            if not np.isclose(momentum, 0.9):
                hint = (": that is Keras's default, which updates the running mean and variance too slowly for a "
                        "short training run (lesson 09, section 5)" if np.isclose(momentum, 0.99) else "")
                raise Fail(f"a BatchNormalization layer of the model from {call} has momentum {momentum:g}; the "
                           f"specification asks for BatchNormalization(momentum=0.9){hint}.")
        for number, layer in enumerate(denses, start=1):
            name = "the output Dense layer" if number == len(denses) else f"hidden Dense layer {number}"
            regularizer = layer.get("kernel_regularizer")
            if regularizer is None:
                other = [key for key in ("bias_regularizer", "activity_regularizer") if layer.get(key)]
                if other:
                    raise Fail(f"{name} of the model from {call} has a {other[0]} but no kernel_regularizer: the "
                               f"weight penalty goes on the kernel, kernel_regularizer=keras.regularizers.L2(l2).")
                raise Fail(f"{name} of the model from {call} has no kernel_regularizer; every Dense layer, the output "
                           f"layer too, gets kernel_regularizer=keras.regularizers.L2(l2).")
            kind = regularizer["class"]
            strength = _as_float(regularizer.get("l2", 0.0))
            if kind == "L1" or (kind == "L1L2" and _as_float(regularizer.get("l1", 0.0)) > 0):
                raise Fail(f"{name} of the model from {call} has an {kind} regularizer "
                           f"(l1={_as_float(regularizer.get('l1')):g}); "
                           f"L1 penalizes |w|. The specification asks for the L2 penalty, keras.regularizers.L2(l2).")
            if kind not in ("L2", "L1L2"):
                raise Fail(f"{name} of the model from {call} has a {kind} regularizer; expected "
                           f"keras.regularizers.L2(l2).")
            if not np.isclose(strength, l2, rtol=1e-5):
                hint = (": that is the default of the string 'l2'; pass keras.regularizers.L2(l2) with the strength "
                        "you were given" if np.isclose(strength, 0.01) else "")
                raise Fail(f"{name} of the model from {call} has an L2 strength of {strength:g}, expected l2 = "
                           f"{l2:g}{hint}.")
        sizes = [n_inputs] + hidden + [k]
        want = sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])) + 4 * sum(hidden)
        if model.get("params") == want - sum(hidden):
            raise Fail(f"the model from {call} has {model.get('params')} parameters, expected {want}: the hidden Dense "
                       f"layers have no biases (use_bias=False). BatchNormalization's shift does make them redundant, "
                       f"but the specification keeps Keras's default, layers.Dense(units).")
        if model.get("params") != want or model.get("output_shape") != [None, k]:
            raise Fail(f"the model from {call} has {model.get('params')} parameters and output shape "
                       f"{model.get('output_shape')}; expected {want} (each BatchNormalization has 4 per unit) and "
                       f"[None, {k}].")


# --------------------------------------------------------------------------------------------------------
# Task 4: fit_with_early_stopping


def _digits():
    """The cached digits as read-only ``(X (1797, 64), y (1797,))``: one row of 64 pixels per image."""
    images, target = digits()
    return images.reshape(len(images), -1), target


N_TRAIN, N_VAL, HIDDEN = 60, 100, 64


def _early_inputs(rng):
    order = rng.permutation(1797)
    train, val = order[:N_TRAIN], order[N_TRAIN:N_TRAIN + N_VAL]
    y_train = _digits()[1][train].copy()
    wrong = rng.random(N_TRAIN) < 0.3  # wrong labels, as in the lesson: the network overfits within a few epochs
    y_train[wrong] = (y_train[wrong] + rng.integers(1, 10, size=int(wrong.sum()))) % 10
    return {"train_index": train, "val_index": val, "y_train": y_train, "patience": int(rng.integers(2, 5)),
            "max_epochs": 20, "seed": int(rng.integers(2**31))}


def _collect_early(answer, inputs):
    import keras

    X, y = _digits()
    keras.utils.set_random_seed(inputs["seed"])
    model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(HIDDEN, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.03), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = answer(model=model, X_train=X[inputs["train_index"]].copy(), y_train=inputs["y_train"].copy(),
                     X_val=X[inputs["val_index"]].copy(), y_val=y[inputs["val_index"]].copy(),
                     patience=inputs["patience"], max_epochs=inputs["max_epochs"])
    if isinstance(history, keras.callbacks.History):
        history = history.history
    if type(history) is not dict:
        raise Fail("fit_with_early_stopping should return the History that model.fit gives back (or its "
                   "`.history` dict)" + (forgot_return(history, "it") if history is None else
                                         f"; got a {type(history).__module__}.{type(history).__qualname__}"))
    return {"history": to_plain({str(key): [float(v) for v in values] for key, values in history.items()},
                                "the history"),
            "weights": [to_plain(np.asarray(w)) for w in model.get_weights()]}


def _stopping(values, patience, better=np.less):
    """``(epochs run, best epoch, stopped)`` as Keras's EarlyStopping would give on ``values`` (1-based epochs).

    ``stopped`` says whether the patience ran out at the last epoch run; when it is False, training ran all of
    ``values``.
    """
    best, best_epoch, wait = None, 0, 0
    for epoch, value in enumerate(values):
        wait += 1
        if best is None or better(value, best):
            best, best_epoch, wait = value, epoch, 0
            continue
        if wait >= patience and epoch > 0:
            return epoch + 1, best_epoch + 1, True
    return len(values), best_epoch + 1, False


def _val_loss(weights, X, y):
    """Cross-entropy of the 64 -> HIDDEN -> 10 network with these weights, in NumPy."""
    W1, b1, W2, b2 = weights
    hidden = reference_relu(X @ W1 + b1)        # (n, 64) @ (64, HIDDEN) -> (n, HIDDEN)
    scores = hidden @ W2 + b2                   # (n, HIDDEN) @ (HIDDEN, 10) -> (n, 10)
    scores = scores - scores.max(axis=1, keepdims=True)
    log_probabilities = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    return float(-log_probabilities[np.arange(len(y)), y].mean())


# The history needs a 'loss'; the judge explains a missing 'val_loss', and an unexpected set of weights.
HISTORY = Record({"loss": Array(ndim=1)}, optional={"val_loss": Array(ndim=1), "val_accuracy": Array(ndim=1)},
                 extra=True)


@task("fit_with_early_stopping", points=2, inputs=_early_inputs, collect=_collect_early,
      answer=Record({"history": HISTORY, "weights": ListOf(Array())}))
def judge_fit_with_early_stopping(data, inputs):
    patience, max_epochs = inputs["patience"], inputs["max_epochs"]
    what = f"fit_with_early_stopping(..., patience={patience}, max_epochs={max_epochs})"
    history = data["history"]
    if "val_loss" not in history:
        raise Fail(f"the history of {what} has no 'val_loss' (keys: {sorted(history)}): pass "
                   f"validation_data=(X_val, y_val) to fit. Without it EarlyStopping has nothing to watch.")
    val_loss = expect_array(history["val_loss"], "history['val_loss']", ndim=1)
    loss = expect_array(history["loss"], "history['loss']", ndim=1)
    run = len(val_loss)
    if run > max_epochs:
        raise Fail(f"{what} trained for {run} epochs; fit with epochs=max_epochs ({max_epochs}) and let "
                   f"EarlyStopping end it sooner.")
    want_run, want_best, stopped = _stopping(val_loss, patience)
    if run < want_run or (run < max_epochs and not stopped):
        seen = (f"{what} stopped after epoch {run}, but the validation loss last improved at epoch {want_best}, only "
                f"{run - want_best} epoch{'s' if run - want_best != 1 else ''} before; it should wait {patience} "
                f"epochs without improvement")
        other = [p for p in range(1, patience) if _stopping(val_loss, p)[::2] == (run, True)]
        if other:
            raise Fail(f"{seen}. It behaves like patience={other[0]}; pass patience=patience to EarlyStopping.")
        raise Fail(f"{seen}: fit with epochs=max_epochs, and let EarlyStopping(monitor='val_loss', "
                   f"patience=patience) end it.")
    if run != want_run:
        seen = (f"{what} ran {run} epochs, but the validation loss was lowest at epoch {want_best} and did not "
                f"improve for the {patience} epochs after it, so training should have stopped after epoch {want_run}")
        if run == max_epochs and _stopping(loss, patience)[0] == run:
            raise Fail(f"{seen}. Is EarlyStopping(monitor='val_loss', ...) in callbacks=[...]? monitor='loss' "
                       f"would watch the training loss, which keeps falling on memorized data.")
        if "val_accuracy" in history and _stopping(expect_array(history["val_accuracy"], "history['val_accuracy']",
                                                                ndim=1, finite=False), patience, np.greater)[0] == run:
            raise Fail(f"{seen}: it looks as if it watched val_accuracy; monitor 'val_loss' as the specification "
                       f"asks.")
        other = [p for p in range(patience + 1, max_epochs) if _stopping(val_loss, p)[0] == run]
        if other:
            raise Fail(f"{seen}: it behaves like patience={other[0]}; pass patience=patience.")
        raise Fail(f"{seen}.")
    weights = data["weights"]
    shapes = [(64, HIDDEN), (HIDDEN,), (HIDDEN, 10), (10,)]
    if len(weights) != 4:
        raise Fail("the model came back with an unexpected set of weights: train the model you were given.")
    weights = [expect_array(w, "the model's weights", shape=shape) for w, shape in zip(weights, shapes)]
    X, y = _digits()
    final = _val_loss(weights, X[inputs["val_index"]], y[inputs["val_index"]])
    best_value, last_value = val_loss[want_best - 1], val_loss[-1]
    if np.isclose(final, best_value, rtol=2e-3):
        return None
    if np.isclose(final, last_value, rtol=2e-3):
        raise Fail(f"{what} stopped at the right epoch, but the model kept the weights of its last epoch "
                   f"{run} (validation loss {last_value:.4f}) instead of the best epoch {want_best} "
                   f"({best_value:.4f}): pass restore_best_weights=True to EarlyStopping.")
    raise Fail(f"after {what} the model's validation loss is {final:.4f}, the value of no epoch of its history; "
               f"the best epoch {want_best} had {best_value:.4f}. Train the model you were given, in place, with "
               f"restore_best_weights=True.")


# --------------------------------------------------------------------------------------------------------
# Task 5: make_random_search


def dropout_network(dropout_rate=0.0):
    """The model-building function of the classifier ``make_random_search`` gets: 64 -> 64 -> Dropout -> 10."""
    import keras

    return keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dropout(dropout_rate), keras.layers.Dense(10, activation="softmax")])


def _search_inputs(rng):
    return {"n_iter": int(rng.integers(4, 21))}


DRAWS = 1000  # how many values the collect draws from each distribution


def _describe_values(values):
    """A search's values for one hyperparameter as plain data: a list, or DRAWS draws from a distribution."""
    if hasattr(values, "rvs"):
        try:
            draws = np.sort(np.asarray(values.rvs(size=DRAWS, random_state=0), dtype=float))
        except Exception as error:  # noqa: BLE001 - a badly made distribution: the judge explains
            return {"kind": "broken", "message": f"{type(error).__name__}: {error}"[:300]}
        return {"kind": "distribution", "name": str(getattr(getattr(values, "dist", None), "name", "")),
                "draws": to_plain(draws)}
    if isinstance(values, (list, tuple, np.ndarray)):
        return {"kind": "list", "values": [item if type(item) in (int, float, str, bool) else
                                           to_plain(item) if isinstance(item, np.generic) else repr(item)
                                           for item in list(values)]}
    return {"kind": type(values).__name__}


def _collect_search(answer, inputs):
    from scikeras.wrappers import KerasClassifier

    classifier = KerasClassifier(model=dropout_network, loss="sparse_categorical_crossentropy", optimizer="adam",
                                 optimizer__learning_rate=0.001, model__dropout_rate=0.0, batch_size=32, epochs=10,
                                 verbose=0, random_state=0)
    search = answer(classifier=classifier, n_iter=inputs["n_iter"])
    grid = getattr(search, "param_distributions", getattr(search, "param_grid", None))
    cv = getattr(search, "cv", None)
    random_state = getattr(search, "random_state", None)
    return {"class": type(search).__name__,
            "same_estimator": getattr(search, "estimator", None) is classifier,
            "n_iter": getattr(search, "n_iter", None) if type(getattr(search, "n_iter", None)) is int else None,
            "cv": cv if type(cv) is int else (None if cv is None else type(cv).__name__),
            "random_state": random_state if type(random_state) is int else repr(random_state),
            "grid": ({str(key): _describe_values(values) for key, values in grid.items()} if isinstance(grid, dict)
                     else type(grid).__name__)}


PREFIXED = {"dropout_rate": "model__dropout_rate", "learning_rate": "optimizer__learning_rate"}
# What _describe_values makes of one hyperparameter's values; the judge reads the kind and what goes with it.
VALUES = Record({"kind": Text()}, optional={"name": Text(), "draws": Array(shape=(DRAWS,)), "message": Text(),
                                           "values": ListOf(ANY)})
# n_iter, cv and random_state are whatever the search holds (an int, None, a class name): the judge compares them.
SEARCH = Record({"class": Text(), "same_estimator": Flag(), "n_iter": ANY, "cv": ANY, "random_state": ANY,
                 "grid": Either(_Mapping(VALUES), Text())})


@task("make_random_search", points=2, inputs=_search_inputs, collect=_collect_search, answer=SEARCH)
def judge_make_random_search(data, inputs):
    n_iter = inputs["n_iter"]
    what = f"make_random_search(classifier, n_iter={n_iter})"
    kind = data["class"]
    if kind == "NoneType":
        raise Fail(f"{what} returned None{forgot_return(None, 'the search')}")
    if kind == "GridSearchCV":
        raise Fail(f"{what} returned a GridSearchCV, which tries every combination of fixed lists; a "
                   f"RandomizedSearchCV draws n_iter combinations from distributions.")
    if kind != "RandomizedSearchCV":
        raise Fail(f"{what} returned a {kind}; return the RandomizedSearchCV itself, before calling fit.")
    if not data.get("same_estimator"):
        raise Fail(f"{what} searches over another estimator; pass the classifier you were given as the first "
                   f"argument of RandomizedSearchCV.")
    if data.get("n_iter") != n_iter:
        raise Fail(f"{what} tries {data.get('n_iter')} combinations; pass n_iter=n_iter ({n_iter}).")
    if data.get("cv") != 3:
        raise Fail(f"{what} uses cv={data.get('cv')}; the specification asks for 3-fold cross-validation, cv=3.")
    if data.get("random_state") != 0:
        raise Fail(f"{what} has random_state={data.get('random_state')}; pass random_state=0, so that the same "
                   f"combinations are drawn every time.")
    grid = data.get("grid")
    if type(grid) is not dict:
        raise Fail(f"the search's param_distributions is a {grid}; give one dict from names to distributions or "
                   f"lists.")
    for plain, prefixed in PREFIXED.items():
        if plain in grid:
            owner = "model-building function" if plain == "dropout_rate" else "optimizer"
            raise Fail(f"the search has a key {plain!r}. scikeras hands a value to the {owner} only when its name "
                       f"has the prefix: {prefixed!r}.")
    if "model__learning_rate" in grid:
        raise Fail("the search has a key 'model__learning_rate', but the model-building function has no "
                   "learning_rate argument: the optimizer's goes in as 'optimizer__learning_rate'.")
    batch_keys = [key for key in ("batch_size", "fit__batch_size") if key in grid]
    expected = {"model__dropout_rate", "optimizer__learning_rate", *(batch_keys[:1] or ["batch_size"])}
    if set(grid) != expected:
        raise Fail(f"the search's keys are {sorted(grid)}; expected {sorted(expected)}.")

    dropout = grid["model__dropout_rate"]
    if dropout.get("kind") == "broken":
        raise Fail(f"drawing a dropout rate fails: {dropout.get('message')}")
    if dropout.get("kind") != "distribution":
        raise Fail(f"model__dropout_rate is a {dropout.get('kind')}; a list allows only those few values. Draw from "
                   f"a continuous distribution: scipy.stats.uniform(0.0, 0.5).")
    draws = expect_array(dropout.get("draws"), "the dropout rates drawn")
    low, high, middle = draws.min(), draws.max(), np.median(draws)
    if not (0.0 <= low < 0.05 and 0.45 < high <= 0.5 and abs(middle - 0.25) < 0.04):
        hint = ""
        if low >= 0.05 and high > 0.5:
            hint = (" scipy.stats.uniform(loc, scale) draws from loc to loc + SCALE, not to a second end point: "
                    "uniform(0.0, 0.5) covers 0 to 0.5.")
        elif abs(middle - 0.25) >= 0.04 and 0.0 <= low and high <= 0.5:
            hint = " The rates should be spread evenly (uniform), not crowded at one end."
        raise Fail(f"the dropout rates drawn run from {low:.3f} to {high:.3f} (median {middle:.3f}); expected "
                   f"evenly from 0 to 0.5.{hint}")

    rate = grid["optimizer__learning_rate"]
    if rate.get("kind") == "broken":
        raise Fail(f"drawing a learning rate fails: {rate.get('message')}. scipy.stats.loguniform(a, b) takes the end "
                   f"points themselves, 1e-4 and 1e-1, not their exponents.")
    if rate.get("kind") != "distribution":
        raise Fail(f"optimizer__learning_rate is a {rate.get('kind')}; draw it from a distribution, "
                   f"scipy.stats.loguniform(1e-4, 1e-1), so that each try gets a new value.")
    draws = expect_array(rate.get("draws"), "the learning rates drawn")
    if np.any(draws <= 0):
        raise Fail(f"some learning rates drawn are {draws.min():.3g} or below zero; draw from "
                   f"scipy.stats.loguniform(1e-4, 1e-1).")
    exponents = np.log10(draws)
    if np.median(exponents) > -2.0:
        raise Fail(f"half of the learning rates drawn are above {np.median(draws):.3g}: an even (uniform) spread "
                   f"from 0.0001 to 0.1 puts 90% of the draws above 0.01. Use scipy.stats.loguniform(1e-4, 1e-1), "
                   f"which is as likely to pick 0.0001-0.001 as 0.01-0.1.")
    if not (draws.min() >= 1e-4 * (1 - 1e-9) and draws.max() <= 0.1 * (1 + 1e-9) and exponents.min() < -3.9
            and exponents.max() > -1.1 and abs(np.median(exponents) + 2.5) < 0.15):
        raise Fail(f"the learning rates drawn run from {draws.min():.3g} to {draws.max():.3g} (median "
                   f"{np.median(draws):.3g}); expected log-uniform from 0.0001 to 0.1 (median about 0.003): "
                   f"scipy.stats.loguniform(1e-4, 1e-1).")

    batch = grid[next(iter(expected - {"model__dropout_rate", "optimizer__learning_rate"}))]
    values = batch.get("values") if batch.get("kind") == "list" else None
    if values is None or sorted(map(str, values)) != sorted(map(str, [16, 32, 64])):
        shown = values if values is not None else f"a {batch.get('kind')}"
        raise Fail(f"the batch sizes to try are {shown}; expected the list [16, 32, 64].")


# --------------------------------------------------------------------------------------------------------
# Task 6: best_params


LEARNING_RATES = [0.0003, 0.001, 0.003, 0.01, 0.03]
STRENGTHS = [0.0, 0.0001, 0.001, 0.01, 0.1]


def _cv_table(rng, tie):
    """A ``cv_results_``-like dict of a 3-fold search; the wrong picks all differ from the right one."""
    while True:
        n = int(rng.integers(6, 11))
        combos = rng.choice(len(LEARNING_RATES) * len(STRENGTHS), size=n, replace=False)
        params = [{"optimizer__learning_rate": LEARNING_RATES[c // len(STRENGTHS)],
                   "model__l2": STRENGTHS[c % len(STRENGTHS)]} for c in combos]
        quality = rng.uniform(0.45, 0.8, size=n)
        test = np.clip(np.round((quality[:, None] + rng.normal(0, 0.05, size=(n, 3))) * 67) / 67, 0, 1)
        train = np.clip(quality[:, None] + rng.uniform(0.0, 0.3, size=(n, 1)) + rng.normal(0, 0.01, (n, 3)), 0, 1)
        if tie:  # a second combination with exactly the best mean, later in the table
            best = int(np.argmax(test.mean(axis=1)))
            later = [i for i in range(best + 1, n)]
            if not later:
                continue
            test[int(rng.choice(later))] = test[best][rng.permutation(3)]
        mean, std = test.mean(axis=1), test.std(axis=1)
        best = int(np.argmax(mean))
        picks = [int(np.argmax(train.mean(axis=1))), int(np.argmin(mean)), int(np.argmax(test[:, 0])),
                 int(np.argmin(std))]
        ranks = np.array([1 + int(np.sum(mean > m)) for m in mean])  # scikit-learn's rank: ties share the lowest
        if len({best, *picks}) == 5 and np.sum(mean == mean[best]) == (2 if tie else 1):
            break
    table = {"params": params,
             "param_optimizer__learning_rate": np.array([p["optimizer__learning_rate"] for p in params]),
             "param_model__l2": np.array([p["model__l2"] for p in params]),
             "mean_fit_time": rng.uniform(1.0, 3.0, size=n)}
    for split in range(3):
        table[f"split{split}_test_score"] = test[:, split]
    table.update(mean_test_score=mean, std_test_score=std, rank_test_score=ranks)
    for split in range(3):
        table[f"split{split}_train_score"] = train[:, split]
    table.update(mean_train_score=train.mean(axis=1), std_train_score=train.std(axis=1))
    return table


def _best_inputs(rng):
    return {"cases": [{"cv_results": _cv_table(rng, tie=False)}, {"cv_results": _cv_table(rng, tie=True)}]}


def _best_answer(case):
    """One combination, a dict like those of cv_results['params']; or a whole number, which the judge explains."""
    keys = case["cv_results"]["params"][0]
    return Either(Record({key: Number() for key in keys}), Integer())


@task("best_params", points=1, inputs=_best_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, _best_answer))
def judge_best_params(data, inputs):
    for case, got in zip(inputs["cases"], data):
        results = case["cv_results"]
        params, mean = results["params"], results["mean_test_score"]
        best = int(np.argmax(mean))
        what = f"best_params(cv_results) for a table of {len(params)} combinations"
        if type(got) is int:
            raise Fail(f"{what} returned the number {got}; return the combination itself, the dict "
                       f"cv_results['params'][i].")
        if type(got) is not dict:
            raise Fail(f"{what} returned a {type(got).__name__}; return a dict such as {params[0]}.")
        matches = [i for i, p in enumerate(params) if set(p) == set(got) and all(
            type(got[key]) in (int, float) and np.isclose(got[key], p[key]) for key in p)]
        if not matches:
            raise Fail(f"{what} returned {got}, which is not one of the combinations in cv_results['params'].")
        i = matches[0]
        if i == best:
            continue
        shown = f"{what} returned {got}, with a mean CV score of {mean[i]:.3f}"
        if mean[i] == mean[best]:
            raise Fail(f"{shown}, tied with {params[best]}, which comes first. On a tie scikit-learn's best_params_ "
                       f"keeps the first, as np.argmax does.")
        if i == int(np.argmax(results["mean_train_score"])):
            raise Fail(f"{shown}: it has the best TRAINING score ({results['mean_train_score'][i]:.3f}). That rewards "
                       f"memorizing; choose by mean_test_score, the score on the held-out folds.")
        if i == int(np.argmin(mean)):
            raise Fail(f"{shown}, the LOWEST mean test score; the scores are accuracies, so higher is better: "
                       f"np.argmax, or the combination whose rank_test_score is 1.")
        if i == int(np.argmax(results["split0_test_score"])):
            raise Fail(f"{shown}: it is best on the first fold alone (split0_test_score); choose by the mean over "
                       f"all folds, mean_test_score.")
        if i == int(np.argmin(results["std_test_score"])):
            raise Fail(f"{shown}: it has the smallest spread over the folds (std_test_score); choose by the "
                       f"highest mean_test_score.")
        raise Fail(f"{shown}; the best is {params[best]} with {mean[best]:.3f}. Choose the highest mean_test_score.")
