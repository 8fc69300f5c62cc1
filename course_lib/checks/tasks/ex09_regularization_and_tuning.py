"""Graded tasks of ``exercises/09_regularization_and_tuning.ipynb``: penalties, dropout, early stopping, searches."""

import contextlib
import math

import numpy as np

from .. import (ANY, Array, Cases, Either, Exercise, Fail, Flag, Integer, ListOf, Number, Record, Spec, Text,
                call_each_case, describe_model, expect_array, expect_close, expect_number, to_plain)
from ..plain import is_plain_array
from ._common import (MODEL, compile_problem, compiled_layers, digits, distinct_sizes, forgot_return, recorded_fits,
                      reference_relu)

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
    """The specification, clause by clause, and the inputs that test it:

    - a number, ``l1 * sum|w| + l2 * sum(w^2)`` summed over every entry of every kernel (no 1/2, no mean);
    - the kernels are the 2-D arrays; the 1-D biases are not penalized (biases far from 0 make them show);
    - every kernel counts, not only the first (stacks of 2 or 3 kernels of different, non-square shapes);
    - l1 goes with |w|, l2 with w^2 (case 1 has both, cases 2 and 3 one each, so swaps and dropped terms show);
    - the caller's list and its arrays stay unchanged (checked by the collect and the framework).
    """
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
            (l1 * absolute + l2 * sum(w.sum() ** 2 for w in kernels),
             "it squares the SUM of each kernel's weights, so positive and negative ones cancel first; square each "
             "weight, then sum: l2 * np.sum(W ** 2)."),
            (l1 * sum(np.abs(w).sum(axis=0).max() for w in kernels) + l2 * squares,
             "np.linalg.norm(W, 1) of a matrix is its largest column sum, not the sum of all |w|; use "
             "np.sum(np.abs(W)) (or np.linalg.norm(W.ravel(), 1))."),
            (l1 * np.abs(kernels[0]).sum() + l2 * (kernels[0] ** 2).sum(),
             "it is the penalty of only the first kernel: is the `return` inside the loop? Add up every kernel "
             "first, then return the total."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 2: dropout_forward


RATES = [0.1, 0.2, 0.25, 0.3, 0.4, 0.6]  # none near 0.5, so that dropping with probability 1 - rate shows


def _dropout_inputs(rng):
    """Three arrays of different dimensions (2-D first, then 1-D and 3-D), each with its own rate and seed."""
    def case(shape):
        x = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.2, 2.0, size=shape)  # no zeros in x
        return {"x": x, "rate": float(rng.choice(RATES)), "seed": int(rng.integers(2**31))}

    matrix = (int(rng.integers(60, 101)), int(rng.integers(60, 101)))
    return {"cases": [case(matrix), case((int(rng.integers(3000, 5001)),)),
                      case(tuple(int(n) for n in rng.integers(14, 23, size=3)))]}


def _collect_dropout(answer, inputs):
    """Per case: two calls with the same seed, one with another seed, one with training=False.

    The arrays go in as they are, so that the framework's guard sees a change made in place.
    """
    collected = []
    for case in inputs["cases"]:
        x, rate, seed = case["x"], case["rate"], case["seed"]

        def call(seed, training):
            try:
                return to_plain(answer(x=x, rate=rate, rng=np.random.default_rng(seed), training=training),
                                f"the value it returned for x of shape {x.shape}")
            except (Fail, NotImplementedError):
                raise
            except Exception as error:
                if x.ndim == 2:
                    raise  # the first case: reported as the error it is
                raise Fail(f"dropout_forward(x, rate={rate:g}, rng, training={training}) raised "
                           f"{type(error).__name__} ({error}) for x of shape {x.shape}, though it ran for a matrix: x "
                           f"can have any shape. rng.random(x.shape) draws one number per element whatever the "
                           f"shape, and x * keep / (1 - rate) keeps it.") from None

        collected.append({"first": call(seed, True), "again": call(seed, True), "other": call(seed + 1, True),
                          "predicting": call(seed, False)})
    return collected


def _mask_broadcast(dropped) -> str | None:
    """How a 0/1 pattern repeats along an axis (a mask drawn for part of the shape and broadcast), or None."""
    if dropped.ndim < 2 or dropped.all():
        return None
    if np.all(dropped == dropped[:1]):
        return ("dropped the same columns in every row: the mask was drawn for the last axes only and broadcast. "
                "Draw one random number per element, rng.random(x.shape).")
    if np.all(dropped == dropped.reshape(len(dropped), -1)[:, :1].reshape((len(dropped),) + (1,) * (dropped.ndim - 1))):
        return ("dropped whole rows: the mask was drawn per row and broadcast. Draw one random number per element, "
                "rng.random(x.shape).")
    for axis in range(1, dropped.ndim):
        if np.all(dropped == dropped.take([0], axis=axis)):
            return (f"dropped the same values all along axis {axis}: the mask was drawn for part of the shape and "
                    f"broadcast. Draw one random number per element, rng.random(x.shape).")
    return None


DROPOUT_CASE = Record({"first": Array(), "again": Array(), "other": Array(), "predicting": Array()})


# Arrays of any shape: the judge's own message for a wrong shape says how to draw the mask.
@task("dropout_forward", points=2, inputs=_dropout_inputs, collect=_collect_dropout,
      answer=lambda inputs: Cases(inputs, DROPOUT_CASE))
def judge_dropout_forward(data, inputs):
    """The specification, clause by clause, and the inputs that test it:

    - training=True: an array of the shape of x, for x of any shape (a matrix, a vector and a 3-D array);
    - each element dropped (set to 0) independently, with probability rate (about rate of them; no rate near
      0.5, so that keeping with probability rate shows; no mask shared along an axis);
    - the survivors scaled by exactly 1 / (1 - rate) (inverted dropout);
    - the random numbers come from rng: the same seed gives the same output, another seed another one;
    - x itself unchanged (the framework compares it before and after every call);
    - training=False: x unchanged.
    """
    for case, got in zip(inputs["cases"], data):
        _judge_dropout_case(case, got)


def _judge_dropout_case(case, data):
    x, rate = case["x"], case["rate"]
    what = f"dropout_forward(x, rate={rate:g}, rng, training=True) for x of shape {x.shape}"
    out = expect_array(data["first"], what)
    if out.shape != x.shape:
        raise Fail(f"{what} returned shape {out.shape}; dropout keeps the shape of x: draw one random number per "
                   f"element, rng.random(x.shape).")
    dropped = out == 0
    share = float(dropped.mean())
    if share == 0:
        raise Fail(f"{what} set no value to 0; with training=True each value is dropped (set to 0) with "
                   f"probability rate = {rate:g}.")
    broadcast = _mask_broadcast(dropped)
    if broadcast:
        raise Fail(f"{what} {broadcast}")
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
    predicting = f"dropout_forward(x, rate={rate:g}, rng, training=False)"
    expect_close(expect_array(data["predicting"], predicting), x, predicting, rtol=1e-7, hints=[
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
        for layer, info in zip(model.layers, described["layers"]):  # what describe_model leaves out
            config = layer.get_config()
            if isinstance(layer, keras.layers.ReLU):  # a plain ReLU, or a capped or leaky one?
                info["plain_relu"] = all(config.get(key) in (None, 0, 0.0)
                                         for key in ("max_value", "negative_slope", "threshold"))
            if isinstance(layer, keras.layers.BatchNormalization):
                info["other_regularizers"] = [key for key in ("beta_regularizer", "gamma_regularizer")
                                              if getattr(layer, key, None) is not None]
        collected.append(described)
    return collected


def _read_layers(layers: list[dict]) -> list[dict]:
    """The described layers as the specification names them: ``layers.ReLU()`` read as ``Activation('relu')``,
    and an output ``Dense`` followed by ``layers.Softmax()`` or ``Activation('softmax')`` as one softmax Dense."""
    read = []
    for layer in layers:
        if layer.get("class") == "ReLU" and layer.get("plain_relu") is True:
            layer = {**layer, "class": "Activation", "activation": "relu"}
        elif layer.get("class") == "Softmax" and layer.get("axis", -1) in (-1, 1, [-1], [1]):
            layer = {**layer, "class": "Activation", "activation": "softmax"}
        read.append(layer)
    if (len(read) >= 2 and read[-1].get("class") == "Activation" and read[-1].get("activation") == "softmax"
            and read[-2].get("class") == "Dense" and read[-2].get("activation") in ("linear", None)):
        read = read[:-2] + [{**read[-2], "activation": "softmax"}]
    return read


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
    """The specification, clause by clause, and the inputs that test it:

    - input shape (None, n_inputs); for each entry of hidden_units, in this order, a Dense of that many units
      WITHOUT activation, BatchNormalization(momentum=0.9), Activation('relu') (``layers.ReLU()`` too) and
      Dropout(dropout_rate); then a Dense of n_classes units with softmax (``Dense`` + ``layers.Softmax()``
      too). Two cases, one and several hidden layers, of different sizes, so that counts and orders show;
    - every Dense kernel, the output's too, has an L2 penalty of strength l2 (L1L2 with l1=0 is the same), and
      nothing else is penalized: no bias, activity, beta or gamma regularizer (the values of l2 and
      dropout_rate never coincide, so a swap shows);
    - the hidden Dense layers keep their biases (the parameter count, 4 per BatchNormalization unit);
    - uncompiled; a model compiled anyway must not contradict its softmax output (from_logits=True,
      keras.metrics.Accuracy()).
    """
    for case, model in zip(inputs["cases"], data):
        n_inputs, hidden, k = case["n_inputs"], case["hidden_units"], case["n_classes"]
        l2, rate = case["l2"], case["dropout_rate"]
        call = f"build_regularized_model({n_inputs}, {hidden}, {k}, l2={l2:g}, dropout_rate={rate:g})"
        if model.get("input_shape") != [None, n_inputs]:
            raise Fail(f"the model from {call} takes inputs of shape {model.get('input_shape')}; start it with "
                       f"keras.Input(shape=({n_inputs},)).")
        shown = [layer.get("class") for layer in compiled_layers(model)]  # as the learner wrote them
        layers = _read_layers(compiled_layers(model))
        classes = [layer.get("class") for layer in layers]
        wanted = BLOCK * len(hidden) + ["Dense"]
        if classes != wanted:
            dense_relu = any(layer.get("class") == "Dense" and layer.get("activation") == "relu" for layer in layers)
            if dense_relu and "Activation" not in classes:
                raise Fail(f"the model from {call} has layers {shown}, with the ReLU inside the Dense layers. "
                           f"Batch normalization goes between a Dense layer and its activation: Dense WITHOUT "
                           f"activation, BatchNormalization, then layers.Activation('relu'), then Dropout.")
            position = next((i for i, (a, b) in enumerate(zip(classes, wanted)) if a != b),
                            min(len(classes), len(wanted)))
            got = shown[position] if position < len(shown) else "nothing"
            expected = wanted[position] if position < len(wanted) else "nothing"
            raise Fail(f"the model from {call} has layers {shown}; expected {wanted}: for each hidden layer "
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
        output = denses[-1].get("activation")
        if output != "softmax":
            what = ("it gives raw scores (logits), not probabilities" if output in ("linear", None)
                    else f"{output} does not give one probability per class")
            raise Fail(f"the output layer of the model from {call} has activation {output!r}: {what}. Use "
                       f"activation='softmax'.")
        for layer in layers:
            if layer["class"] == "Activation" and layer.get("activation") != "relu":
                kind = shown[layers.index(layer)]
                applied = f"{layer.get('activation')!r}" if kind == "Activation" else f"a {kind} layer"
                raise Fail(f"an Activation layer of the model from {call} applies {applied}; the "
                           f"specification asks for 'relu'.")
            if layer["class"] == "Dropout" and not np.isclose(_as_float(layer.get("rate", -1)), rate):
                swapped = (": that is l2. Are l2 and dropout_rate swapped? Pass them by name, or in the order of "
                           "the signature" if np.isclose(_as_float(layer.get("rate", -1)), l2) else "")
                raise Fail(f"a Dropout layer of the model from {call} has rate {layer.get('rate')}; expected "
                           f"dropout_rate = {rate:g}{swapped}.")
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
                        "you were given" if np.isclose(strength, 0.01) else
                        ": that is dropout_rate. Are l2 and dropout_rate swapped?" if np.isclose(strength, rate)
                        else "")
                raise Fail(f"{name} of the model from {call} has an L2 strength of {strength:g}, expected l2 = "
                           f"{l2:g}{hint}.")
        for number, layer in enumerate(compiled_layers(model), start=1):
            extra = [key for key in ("bias_regularizer", "activity_regularizer") if layer.get(key)]
            extra += [key for key in layer.get("other_regularizers") or [] if isinstance(key, str)]
            if extra:
                why = {"bias_regularizer": "the biases are not penalized (a bias only shifts a unit; shrinking it "
                                           "does not make the network simpler)",
                       "activity_regularizer": "it penalizes the layer's OUTPUTS, not its weights",
                       "beta_regularizer": "batch normalization's shift and scale are not penalized",
                       "gamma_regularizer": "batch normalization's shift and scale are not penalized"}[extra[0]]
                article = "an" if extra[0].startswith("activity") else "a"
                raise Fail(f"layer {number} ({layer.get('class')}) of the model from {call} has {article} {extra[0]}, "
                           f"which the specification does not ask for: {why}. Only the Dense kernels get a penalty, "
                           f"kernel_regularizer=keras.regularizers.L2(l2); leave the other regularizers out.")
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
        problem = compile_problem(model) if model.get("compiled") else None
        if problem:
            raise Fail(f"the model from {call} is compiled (the specification leaves that to the code that trains "
                       f"it), and {problem}")


# --------------------------------------------------------------------------------------------------------
# Task 4: fit_with_early_stopping


def _digits():
    """The digits as read-only ``(X (1797, 64), y (1797,))``: one row of 64 pixels per image."""
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


@contextlib.contextmanager
def _recorded_early_stopping(problem=None):
    """Record the settings of every ``keras.callbacks.EarlyStopping`` that a ``fit`` inside the block uses.

    Read when training begins, so it sees the callback however it was imported or named, and only if it
    was passed to ``fit``. When ``problem(used, model)`` (the settings so far, the model being trained) returns
    what is wrong, training stops after its first batch: the judge fails the answer on those settings alone.
    """
    import keras

    used = []
    original = keras.callbacks.EarlyStopping.on_train_begin

    def on_train_begin(callback, logs=None):
        settings = {key: getattr(callback, key, None) for key in STOPPING.fields}
        used.append({key: value if type(value) in (bool, int, float, str) or value is None else
                     (value.item() if isinstance(value, np.generic) else repr(value)[:80])
                     for key, value in settings.items()})
        result = original(callback, logs)
        if problem is not None and problem(used, callback.model):
            callback.model.stop_training = True  # after one batch: the judge fails it on the settings alone
        return result

    keras.callbacks.EarlyStopping.on_train_begin = on_train_begin
    try:
        yield used
    finally:
        keras.callbacks.EarlyStopping.on_train_begin = original


def _collect_early(answer, inputs):
    import keras

    from ..models import weights_digest

    X, y = _digits()
    keras.utils.set_random_seed(inputs["seed"])
    model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(HIDDEN, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.03), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    initial = weights_digest(model)
    patience, max_epochs = inputs["patience"], inputs["max_epochs"]

    def before_training(stoppings, trained_model):
        """What the judge will fail on, as far as it shows when training begins: a wrong set-up need not train."""
        return _early_problem(to_plain(fits, "the fit calls"), to_plain(stoppings, "the callbacks"),
                              trained_model is model, patience, max_epochs)

    with recorded_fits() as fits, _recorded_early_stopping(before_training) as stoppings:
        history = answer(model=model, X_train=X[inputs["train_index"]], y_train=inputs["y_train"],
                         X_val=X[inputs["val_index"]], y_val=y[inputs["val_index"]],
                         patience=patience, max_epochs=max_epochs)
    if isinstance(history, keras.callbacks.History):
        history = history.history
    if type(history) is not dict:
        raise Fail("fit_with_early_stopping should return the History that model.fit gives back (or its "
                   "`.history` dict)" + (forgot_return(history, "it") if history is None else
                                         f"; got a {type(history).__module__}.{type(history).__qualname__}"))
    return {"history": to_plain({str(key): [float(v) for v in values] for key, values in history.items()},
                                "the history"),
            "weights": [to_plain(np.asarray(w)) for w in model.get_weights()],
            "trained": weights_digest(model) != initial,
            "fits": to_plain([{key: fit[key] for key in ("samples", "validation", "epochs")} for fit in fits],
                             "the fit calls"),
            "early_stopping": stoppings}


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


FIT = Record({"samples": ANY, "validation": ANY, "epochs": ANY})
STOPPING = Record({key: ANY for key in ("monitor", "patience", "min_delta", "mode", "baseline",
                                        "restore_best_weights", "start_from_epoch")})


def _fit_problem(fits, what, max_epochs) -> str | None:
    """What is wrong with the data and epochs the function trained with, from :func:`recorded_fits`."""
    if not fits:
        return (f"{what} never called model.fit on a Keras model: train the model you were given with "
                f"model.fit(X_train, y_train, ...).")
    if len(fits) > 1:
        return (f"{what} called fit {len(fits)} times; call it once, with epochs=max_epochs, and let EarlyStopping "
                f"end it.")
    fit = fits[0]
    samples = fit["samples"]
    if samples == N_TRAIN + N_VAL:
        return (f"{what} trained on {samples} samples, X_train and X_val together. The validation set must stay "
                f"unseen: the loss on it says how well the network generalizes only while the network never trains "
                f"on it. Fit on X_train, y_train and pass validation_data=(X_val, y_val).")
    if samples == N_VAL:
        return (f"{what} trained on the validation set ({N_VAL} samples): fit on X_train, y_train "
                f"({N_TRAIN} samples) and measure on validation_data=(X_val, y_val).")
    if samples is not None and samples != N_TRAIN:
        return (f"{what} trained on {samples} samples; the training set X_train has {N_TRAIN}. Fit on X_train, "
                f"y_train as they are given.")
    if fit["validation"] == "split":
        return (f"{what} passes validation_split, which holds back the last part of X_train and measures on that. "
                f"The check gave you a validation set: pass validation_data=(X_val, y_val), and train on all of "
                f"X_train.")
    if fit["validation"] is None:
        return (f"{what} passes no validation data to fit, so there is no 'val_loss' to watch: pass "
                f"validation_data=(X_val, y_val) to fit.")
    if fit["epochs"] != max_epochs:
        return (f"{what} fits with epochs={fit['epochs']}; fit with epochs=max_epochs ({max_epochs}) and let "
                f"EarlyStopping end it sooner: max_epochs is the limit the caller set.")
    return None


def _stopping_problem(stoppings, patience) -> str | None:
    """What is wrong with the EarlyStopping the fit used, from :func:`_recorded_early_stopping`."""
    if not stoppings:
        return ("its fit used no keras.callbacks.EarlyStopping: create one and pass it to fit, "
                "callbacks=[early_stopping].")
    for stop in stoppings:
        monitor = stop["monitor"]
        if monitor != "val_loss":
            why = (" monitor='loss' would watch the training loss, which keeps falling on memorized data."
                   if monitor == "loss" else "")
            return (f"its EarlyStopping watches {monitor!r}.{why} The specification stops on the validation loss: "
                    f"monitor 'val_loss' (the default).")
        if stop["mode"] == "max":
            return ("its EarlyStopping has mode='max', so a RISING validation loss counts as an improvement; a "
                    "loss should fall: leave mode='auto' (or pass 'min').")
        if stop["patience"] != patience or type(stop["patience"]) is not int:
            default = " (Keras's default, when patience is left out)" if stop["patience"] == 0 else ""
            return (f"its EarlyStopping has patience={stop['patience']}{default}, the number of epochs it waits "
                    f"without improvement; pass patience=patience ({patience}).")
        if stop["min_delta"] not in (0, 0.0):
            return (f"its EarlyStopping has min_delta={stop['min_delta']}: an epoch then counts as an improvement "
                    f"only if the validation loss falls by more than that, so small real improvements are ignored "
                    f"and training stops early. patience is how many epochs to wait; min_delta the smallest change "
                    f"that counts. The specification asks only for patience: leave min_delta at 0.")
        if stop["baseline"] is not None or stop["start_from_epoch"] not in (0, None):
            return ("its EarlyStopping has a baseline or start_from_epoch; the specification asks only for "
                    "monitor='val_loss', patience=patience and restore_best_weights=True.")
        if stop["restore_best_weights"] is not True:
            return ("its EarlyStopping keeps the weights of the LAST epoch, patience epochs past the best one: pass "
                    "restore_best_weights=True to EarlyStopping.")
    return None


def _early_problem(fits, stoppings, trained, patience, max_epochs) -> str | None:
    """What the fit calls, the EarlyStopping settings and whether the given model trained say is wrong.

    Used by the judge, and by the collect as soon as training begins (so that a wrong set-up stops at once).
    """
    what = f"fit_with_early_stopping(..., patience={patience}, max_epochs={max_epochs})"
    problem = _fit_problem(fits, what, max_epochs)
    if problem:
        return problem
    if not trained:
        return (f"{what} trained another model: the model you were given still has the weights it came with. "
                f"Call model.fit on `model` itself (clone_model makes a new network with new weights).")
    problem = _stopping_problem(stoppings, patience)
    return f"{what}: {problem}" if problem else None


@task("fit_with_early_stopping", points=2, inputs=_early_inputs, collect=_collect_early, data_given=True,
      answer=Record({"history": HISTORY, "weights": ListOf(Array()), "trained": Flag(), "fits": ListOf(FIT),
                     "early_stopping": ListOf(STOPPING)}))
def judge_fit_with_early_stopping(data, inputs):
    """The specification, clause by clause, and how the check sees each:

    - one fit of the given model on X_train, y_train only (not with X_val, not on X_val, no data of its own:
      the digit loaders are off), with validation_data=(X_val, y_val) and epochs=max_epochs (recorded_fits;
      the model's weight digest before and after);
    - keras.callbacks.EarlyStopping in its callbacks with monitor='val_loss', patience=patience, min_delta 0,
      no baseline, restore_best_weights=True (read from the callback when training begins, so settings that
      happen not to matter on this run's curve still show);
    - training stops exactly when Keras's rule says for this validation-loss curve (30% wrong labels make it
      overfit within a few epochs) and the model ends with the weights of its best epoch (its validation loss,
      recomputed in NumPy, equals the best epoch's);
    - returns the History (or its dict); its arrays are left unchanged (the framework's guard).
    """
    patience, max_epochs = inputs["patience"], inputs["max_epochs"]
    what = f"fit_with_early_stopping(..., patience={patience}, max_epochs={max_epochs})"
    problem = _early_problem(data["fits"], data["early_stopping"], data["trained"], patience, max_epochs)
    if problem:
        raise Fail(problem)
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
    """Two different n_iter, so that a number written into the function shows."""
    return {"cases": [{"n_iter": n} for n in distinct_sizes(rng, 2, 4, 21)]}


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


def _describe_cv(cv):
    """The search's ``cv`` as plain data: an int, None, or a splitter's class and settings."""
    if cv is None or type(cv) is int:
        return cv
    if isinstance(cv, np.integer):
        return int(cv)
    if hasattr(cv, "get_n_splits"):
        random_state = getattr(cv, "random_state", None)
        try:
            splits = int(cv.get_n_splits())
        except Exception:  # noqa: BLE001 - a splitter that needs the data to count: the judge explains
            splits = None
        return {"class": type(cv).__name__, "splits": splits, "shuffle": bool(getattr(cv, "shuffle", False)),
                "random_state": random_state if random_state is None or type(random_state) is int
                else repr(random_state)[:80]}
    return type(cv).__name__


def _collect_search(answer, inputs):
    from scikeras.wrappers import KerasClassifier

    collected = []
    for case in inputs["cases"]:
        classifier = KerasClassifier(model=dropout_network, loss="sparse_categorical_crossentropy", optimizer="adam",
                                     optimizer__learning_rate=0.001, model__dropout_rate=0.0, batch_size=32,
                                     epochs=10, verbose=0, random_state=0)
        search = answer(classifier=classifier, n_iter=case["n_iter"])
        grid = getattr(search, "param_distributions", getattr(search, "param_grid", None))
        n_iter = getattr(search, "n_iter", None)
        random_state = getattr(search, "random_state", None)
        if isinstance(random_state, np.integer):
            random_state = int(random_state)
        collected.append({
            "class": type(search).__name__,
            "same_estimator": getattr(search, "estimator", None) is classifier,
            "fitted": hasattr(search, "cv_results_"),
            "n_iter": int(n_iter) if isinstance(n_iter, (int, np.integer)) and type(n_iter) is not bool else None,
            "cv": _describe_cv(getattr(search, "cv", None)),
            "random_state": random_state if type(random_state) is int else repr(random_state)[:80],
            "grid": ({str(key): _describe_values(values) for key, values in grid.items()} if isinstance(grid, dict)
                     else type(grid).__name__)})
    return collected


PREFIXED = {"dropout_rate": "model__dropout_rate", "learning_rate": "optimizer__learning_rate"}
# What _describe_values makes of one hyperparameter's values; the judge reads the kind and what goes with it.
VALUES = Record({"kind": Text()}, optional={"name": Text(), "draws": Array(shape=(DRAWS,)), "message": Text(),
                                           "values": ListOf(ANY)})
# n_iter, cv and random_state are whatever the search holds (an int, None, a class name): the judge compares them.
SEARCH = Record({"class": Text(), "same_estimator": Flag(), "fitted": Flag(), "n_iter": ANY, "cv": ANY,
                 "random_state": ANY, "grid": Either(_Mapping(VALUES), Text())})
# The splitters that do what cv=3 does for a classifier (StratifiedKFold(3)) or plain 3-fold cross-validation.
K_FOLD = ("StratifiedKFold", "KFold")


def _cv_problem(cv) -> str | None:
    """What is wrong with a search's described ``cv``; None for cv=3 or a 3-fold splitter that repeats."""
    if cv == 3:
        return None
    if cv is None:
        return ("uses cv=None, scikit-learn's default, 5-fold cross-validation; the specification asks for 3 folds: "
                "cv=3.")
    if type(cv) is int:
        return f"uses cv={cv}: {cv}-fold cross-validation; the specification asks for 3 folds, cv=3."
    if type(cv) is dict:
        name, splits = cv.get("class"), cv.get("splits")
        if name not in K_FOLD:
            return (f"uses cv={name}(...), which is not k-fold cross-validation; the specification asks for 3-fold "
                    f"cross-validation: cv=3 (for a classifier that is StratifiedKFold(3)).")
        if splits != 3:
            return f"uses cv={name}(n_splits={splits}); the specification asks for 3 folds, cv=3."
        if cv.get("shuffle") and type(cv.get("random_state")) is not int:
            return (f"uses cv={name}(3, shuffle=True) without a random_state, so it shuffles the folds differently "
                    f"on every run and the scores cannot be repeated; cv=3 (StratifiedKFold(3) for a classifier) "
                    f"does not shuffle.")
        return None
    return f"uses cv={cv}; the specification asks for 3-fold cross-validation, cv=3."


@task("make_random_search", points=2, inputs=_search_inputs, collect=_collect_search,
      answer=lambda inputs: Cases(inputs, SEARCH))
def judge_make_random_search(data, inputs):
    """The specification, clause by clause, and how the check sees each:

    - a RandomizedSearchCV, not fitted, over the very classifier given;
    - n_iter=n_iter (two calls with different n_iter), 3-fold cross-validation (cv=3, or StratifiedKFold(3) /
      KFold(3), which is what cv=3 means for a classifier or plain 3-fold; a shuffling splitter needs a
      random_state), random_state=0;
    - exactly the keys model__dropout_rate, optimizer__learning_rate and batch_size (fit__batch_size too);
    - dropout rates drawn uniformly from 0 to 0.5, learning rates log-uniformly from 1e-4 to 1e-1 (1,000
      draws of each distribution are looked at), batch sizes from the list 16, 32, 64.
    """
    for case, search in zip(inputs["cases"], data):
        _judge_search(search, case["n_iter"])


def _judge_search(data, n_iter):
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
        raise Fail(f"{what} tries {data.get('n_iter')} combinations; pass n_iter=n_iter ({n_iter}), the number the "
                   f"caller asked for.")
    if data.get("fitted"):
        raise Fail(f"{what} returned a search that is already fitted; return it before calling fit, so that the "
                   f"caller chooses the data.")
    problem = _cv_problem(data.get("cv"))
    if problem:
        raise Fail(f"{what} {problem}")
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
    """The specification, clause by clause, and the inputs that test it:

    - the dict cv_results["params"][i] itself (not its index) for the i with the highest mean_test_score;
    - on a tie, the first of them (the second table has an exact tie with a later row);
    - tables where the best TRAINING score, the lowest test score, the best first fold and the smallest spread
      all point at other rows, so that choosing by any of them shows.
    """
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
