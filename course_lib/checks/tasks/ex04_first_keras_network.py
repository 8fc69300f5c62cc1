"""Graded tasks of ``exercises/04_first_keras_network.ipynb``: build, compile and train Keras models; read curves."""


import numpy as np

from .. import (ANY, Array, Cases, Exercise, Fail, Integer, Items, ListOf, Number, Record, Text, describe_model,
                expect_array, expect_number, to_plain)
from ._common import (MODEL, compile_problem, compiled_layers, digits, output_activation, recorded_fits, shape_text,
                      watching)

EXERCISE = Exercise("04_first_keras_network", "Your first Keras network")
task = EXERCISE.task

SPARSE, ONE_HOT = "sparse_categorical_crossentropy", "categorical_crossentropy"
DIAGNOSES = ("overfitting", "underfitting", "good fit")

#: :data:`MODEL`, and what a compiled model describes: the loss and metrics with their classes and settings
#: (``loss_detail``, ``metrics_detail``) and the optimizer, ``{"class": "Adam", "learning_rate": 0.001, ...}``.
COMPILED_MODEL = Record(MODEL.fields, optional={**MODEL.optional, "metrics": ListOf(ANY),
                                                "loss_detail": Record({}, extra=True),
                                                "metrics_detail": ListOf(Record({}, extra=True)),
                                                "optimizer": Record({"class": Text(), "learning_rate": Number()},
                                                                    extra=True)},
                        extra=True)

_ACTIVATION_LAYERS = {"ReLU": "relu", "Softmax": "softmax", "Activation": None}  # None: read from the layer


def _dense_blocks(model):
    """``(blocks, problem)``: the model's Dense layers, each ``{"units", "activation", "layer"}`` with an
    activation layer that follows it (``ReLU()``, ``Softmax()``, ``Activation("softmax")``) folded in, so that
    ``Dense(n) + Softmax()`` reads as ``Dense(n, activation="softmax")``.

    ``problem`` is the first thing that does not fit that reading, or ``None``: ``("extra", class)`` for a
    layer that is neither Dense nor an activation, ``("double", dense number, its activation, the second
    one)`` for an activation applied on top of another.
    """
    blocks, problem = [], None
    for layer in compiled_layers(model):
        kind = layer.get("class")
        if kind == "Dense":
            blocks.append({"units": layer.get("units"), "activation": layer.get("activation") or "linear",
                           "layer": layer})
        elif kind in _ACTIVATION_LAYERS:
            name = _ACTIVATION_LAYERS[kind] or layer.get("activation") or "linear"
            if not blocks:
                problem = problem or ("extra", kind)
            elif blocks[-1]["activation"] == "linear":
                blocks[-1]["activation"] = name
            elif name != "linear":
                problem = problem or ("double", len(blocks), blocks[-1]["activation"], name)
        else:
            problem = problem or ("extra", kind)
    return blocks, problem


# --------------------------------------------------------------------------------------------------------
# Task 1: build_model


def _build_inputs(rng):
    sizes = [8, 12, 16, 24, 32, 48, 64]
    cases = []
    for n_hidden, n_classes in ((3, int(rng.integers(3, 11))), (1, int(rng.integers(3, 11))), (2, 2)):
        hidden = sorted(int(n) for n in rng.choice(sizes, size=n_hidden, replace=False))
        if n_hidden == 3:  # neither rising nor falling, so that a sorted or reversed list shows
            hidden = [hidden[1], hidden[0], hidden[2]] if rng.random() < 0.5 else [hidden[0], hidden[2], hidden[1]]
        elif n_hidden == 2:
            hidden = hidden[::-1]
        n_inputs = int(rng.choice([n for n in range(5, 65) if n not in hidden and n != n_classes]))
        cases.append({"n_inputs": n_inputs, "hidden_units": hidden, "n_classes": n_classes})
    return {"cases": [cases[i] for i in rng.permutation(len(cases))]}


def _collect_models(answer, inputs):
    return [describe_model(answer(**case)) for case in inputs["cases"]]


@task("build_model", points=2, inputs=_build_inputs, collect=_collect_models,
      answer=lambda inputs: Cases(inputs, MODEL))
def judge_build_model(data, inputs):
    """A correct model, for every case (one to three hidden layers of different sizes, in no sorted order;
    two classes in one case, so that a single sigmoid unit shows):

    1. its input shape is ``(None, n_inputs)`` (a ``keras.Input``; no extra Dense "input layer");
    2. it holds only Dense layers, each activation given inside the Dense or as the activation layer right
       after it (``Dense(n) + layers.Softmax()`` is "a softmax output" too), never two activations in a row;
    3. one hidden Dense per entry of ``hidden_units``, in that order, then ``n_classes`` output units;
    4. the output applies softmax, every hidden layer ReLU;
    5. no regularizers, biases kept: the parameter count and output shape are those of the specification.
    """
    for case, model in zip(inputs["cases"], data):
        n_inputs, hidden, n_classes = case["n_inputs"], case["hidden_units"], case["n_classes"]
        call = f"build_model({n_inputs}, {hidden}, {n_classes})"
        if type(model.get("input_shape")) is not list:  # describe_model gives None for a model not built yet
            raise Fail(f"the model from {call} has no input shape yet: start the Sequential with "
                       f"keras.Input(shape=({n_inputs},)), so that it is built with its weights.")
        if model["input_shape"] != [None, n_inputs]:
            raise Fail(f"the model from {call} takes inputs of shape {shape_text(model['input_shape'])}; one example "
                       f"has {n_inputs} numbers, so use keras.Input(shape=({n_inputs},)) (the batch size is left "
                       f"open).")
        blocks, problem = _dense_blocks(model)
        if problem and problem[0] == "extra":
            raise Fail(f"the model from {call} has a {problem[1]} layer; the specification asks only for Dense "
                       f"layers (ReLU in the hidden ones, softmax at the output). Leave the {problem[1]} out: "
                       f"nothing in this task needs it.")
        if problem:
            _, number, first, second = problem
            where = "output" if number == len(blocks) else f"hidden layer {number}'s"
            raise Fail(f"in the model from {call}, the {where} Dense already applies {first!r}, and the layer after "
                       f"it applies {second!r} on top. Give a Dense no activation when an activation layer follows "
                       f"it (or write Dense(units, activation=...) alone)"
                       + (": a ReLU before the softmax zeroes every negative score." if first == "relu" else "."))
        units = [block["units"] for block in blocks]
        want = hidden + [n_classes]
        if units != want:
            if units == [n_inputs] + want:
                raise Fail(f"the model from {call} has Dense layers of {units} units; expected {want}. The first "
                           f"Dense of {n_inputs} units is an extra hidden layer: keras.Input(shape=(n_inputs,)) "
                           f"already is the input layer, and the Dense layers come after it.")
            if n_classes == 2 and units == hidden + [1]:
                raise Fail(f"the model from {call} ends in a Dense layer of 1 unit for 2 classes; the output has "
                           f"one unit per class, two for two classes, with a softmax (a single sigmoid unit is "
                           f"another way to do binary classification, but not this specification, whose labels "
                           f"and losses expect one probability per class).")
            if len(units) == len(want) and sorted(units) == sorted(want) and units[-1] == n_classes:
                raise Fail(f"the model from {call} has hidden layers of {units[:-1]} units; expected {hidden}: the "
                           f"same sizes, in the order of hidden_units.")
            raise Fail(f"the model from {call} has Dense layers of {units} units; expected {want}: "
                       f"one hidden layer per entry of hidden_units, then an output layer with one unit per class.")
        activations = [block["activation"] for block in blocks]
        if activations[-1] != "softmax":
            raise Fail(f"the output layer of the model from {call} has activation {activations[-1]!r}; it should be "
                       f"'softmax', so that each row of predictions holds probabilities that sum to 1.")
        bad = [number for number, name in enumerate(activations[:-1], start=1) if name != "relu"]
        if bad:
            name = activations[bad[0] - 1]
            raise Fail(f"hidden layer {bad[0]} of the model from {call} has activation {name!r}; the hidden layers "
                       f"use 'relu'" + (" (without an activation, stacked Dense layers collapse into one linear map)."
                                        if name == "linear" else ", as the specification asks."))
        for number, block in enumerate(blocks, start=1):
            layer = block["layer"]
            for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
                if layer.get(key):
                    raise Fail(f"Dense layer {number} of the model from {call} has a {key} "
                               f"({_class_of(layer[key])}); the specification asks for none. Leave it out "
                               f"(regularization comes in lesson 09).")
            if layer.get("use_bias") is False:
                raise Fail(f"Dense layer {number} of the model from {call} has use_bias=False; keep the biases "
                           f"(the default): every neuron has one.")
        sizes = [n_inputs] + hidden + [n_classes]
        want_params = sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
        if model.get("params") != want_params or model.get("output_shape") != [None, n_classes]:
            raise Fail(f"the model from {call} has {model.get('params')} parameters and output shape "
                       f"{model.get('output_shape')}; expected {want_params} and [None, {n_classes}].")


def _class_of(setting):
    """``"L2"`` for a described regularizer ``{"class": "L2", ...}``; the value itself otherwise."""
    return setting.get("class") if isinstance(setting, dict) else setting


# --------------------------------------------------------------------------------------------------------
# Task 2: choose_loss


def _choose_loss_inputs(rng):
    n, k = int(rng.integers(6, 13)), int(rng.integers(3, 11))
    labels = rng.integers(0, k, size=n)
    labels[:3] = rng.permutation([0, k - 1, int(rng.integers(2, k))])  # 2 or more: no 0/1 set by chance
    binary = rng.permutation(np.resize([0, 1], n))
    cases = [
        {"y": labels, "kind": "integers"},                               # class numbers, (n,)
        {"y": binary, "kind": "binary"},                                 # class numbers of two classes, (n,)
        {"y": np.eye(k, dtype=np.float32)[labels], "kind": "one-hot"},  # one-hot rows, (n, k)
        {"y": labels.reshape(-1, 1), "kind": "column"},                  # a column of class numbers, (n, 1)
        {"y": labels.astype(np.float32), "kind": "float"},               # class numbers stored as floats, (n,)
        {"y": rng.dirichlet(np.ones(k), size=n), "kind": "soft"},        # rows of probabilities, (n, k)
    ]
    return {"cases": [cases[i] for i in rng.permutation(len(cases))]}


def _right_loss(y):
    y = np.asarray(y)
    return ONE_HOT if y.ndim == 2 and y.shape[1] > 1 else SPARSE


def _collect_choose_loss(answer, inputs):
    collected = []
    for number, case in enumerate(inputs["cases"], start=1):
        got = answer(y=case["y"])
        try:
            collected.append(to_plain(got, f"the value it returned for case {number}"))
        except Fail:  # a loss object, a class…: the judge names it
            collected.append({"returned_type": f"{type(got).__module__}.{type(got).__qualname__}"})
    return collected


# Anything per case: the judge checks for a string itself, to name the two losses it may be.
@task("choose_loss", points=1, inputs=_choose_loss_inputs, collect=_collect_choose_loss,
      answer=lambda inputs: Cases(inputs, ANY))
def judge_choose_loss(data, inputs):
    """A correct answer returns, as a string, ``"categorical_crossentropy"`` exactly when ``y`` has shape
    ``(n, k)`` with ``k > 1`` (one-hot rows or soft targets), else ``"sparse_categorical_crossentropy"``:
    for class numbers of shape ``(n,)`` whatever their dtype (floats too) and values (0/1 alone too), and for a
    column ``(n, 1)``. Every kind is tried in one call; the hint names the kind a learner's rule gets wrong,
    looked at in a fixed order so that it does not depend on the order of the cases.
    """
    cases = inputs["cases"]
    for case, got in zip(cases, data):
        what = f"choose_loss(y) for y of shape {shape_text(case['y'].shape)} and dtype {case['y'].dtype}"
        if type(got) is dict and type(got.get("returned_type")) is str:
            raise Fail(f"{what} returned a {got['returned_type'][:120]}; return the loss's name as a string, "
                       f"{SPARSE!r} or {ONE_HOT!r} (compile accepts the name).")
        if type(got) is not str:
            raise Fail(f"{what} returned a {type(got).__name__}; return the loss's name as a string, "
                       f"{SPARSE!r} or {ONE_HOT!r}.")
        if got not in (SPARSE, ONE_HOT):
            raise Fail(f"{what} returned {got!r}; return exactly {SPARSE!r} or {ONE_HOT!r}.")
    wrong = {case["kind"]: (case["y"], got) for case, got in zip(cases, data) if got != _right_loss(case["y"])}
    if not wrong:
        return None

    def what(kind):
        y, got = wrong[kind]
        return f"choose_loss(y) for y of shape {shape_text(y.shape)} and dtype {y.dtype} returned {got!r}"

    if {"integers", "binary", "float"} <= set(wrong):
        raise Fail(f"{what('integers')}: labels of shape (n,) go with {SPARSE!r}, rows of shape (n, k) with "
                   f"{ONE_HOT!r}. Look at y.ndim and y.shape[1] (not y.shape[-1], which is n for (n,)).")
    if "column" in wrong:
        raise Fail(f"{what('column')}: a column of shape (n, 1) holds one class NUMBER per example, so these are "
                   f"integer labels ({SPARSE!r}). One-hot rows have one column per class.")
    if "binary" in wrong:
        raise Fail(f"{what('binary')}: y holds class numbers 0 and 1 (two classes), one per example, shape (n,). "
                   f"Zeros and ones alone do not make one-hot rows; the shape decides: {SPARSE!r}.")
    if "float" in wrong:
        raise Fail(f"{what('float')}: the dtype does not matter, the shape does. One number per example, (n,), "
                   f"is a class number: {SPARSE!r}.")
    if "soft" in wrong:
        raise Fail(f"{what('soft')}: each row holds a probability per class (soft targets, such as '70% cat, 30% "
                   f"dog'); only {ONE_HOT!r} reads rows like these.")
    kind = next(iter(wrong))
    raise Fail(f"{what(kind)}: labels of shape (n,) go with {SPARSE!r}, rows of shape (n, k) with {ONE_HOT!r}.")


# --------------------------------------------------------------------------------------------------------
# Task 3: compile_model

#: Adam's settings as ``keras.optimizers.Adam(learning_rate=...)`` leaves them; others must not be set.
ADAM_DEFAULTS = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False, "use_ema": False}
_UNSET_BY_DEFAULT = ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "gradient_accumulation_steps",
                     "loss_scale_factor")
_ACCURACY_NAMES = {"accuracy", "acc"}


def _compile_inputs(rng):
    n, k = int(rng.integers(20, 41)), int(rng.integers(3, 11))
    labels = rng.integers(0, k, size=n)
    labels[:2] = [0, k - 1]  # every class up to k - 1 appears: the model's k outputs fit
    rates = rng.choice([0.0003, 0.0005, 0.002, 0.003, 0.005, 0.01], size=3, replace=False)
    cases = [{"y": labels, "learning_rate": float(rates[0])},
             {"y": np.eye(k, dtype=np.float32)[labels], "learning_rate": float(rates[1])},
             {"y": labels.reshape(-1, 1), "learning_rate": float(rates[2])}]
    return {"cases": [cases[i] for i in rng.permutation(len(cases))], "n_inputs": int(rng.integers(4, 17))}


def _collect_compile(answer, inputs):
    import keras

    collected = []
    for case in inputs["cases"]:
        y = case["y"]
        k = y.shape[1] if y.ndim == 2 and y.shape[1] > 1 else int(np.max(y)) + 1
        model = keras.Sequential([keras.Input(shape=(inputs["n_inputs"],)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(k, activation="softmax")])
        returned = answer(model=model, y=case["y"], learning_rate=case["learning_rate"])
        entry = {"model": describe_model(model),
                 "returned": "model" if returned is model else "None" if returned is None else "other"}
        if isinstance(returned, keras.Model) and returned is not model:
            entry["returned_compiled"] = bool(getattr(returned, "compiled", False))
        collected.append(entry)
    return collected


def _normal(name):
    return str(name).lower().replace("_", "").replace(" ", "")


def _metric_problem(metrics, labels):
    """What is wrong with the described metrics for ``labels`` ("integer" or "one-hot"), or ``None``."""
    fitting, other = "sparsecategoricalaccuracy", "categoricalaccuracy"
    if labels != "integer":
        fitting, other = other, fitting
    names = [_normal(metric.get("name")) for metric in metrics]
    if any(name in _ACCURACY_NAMES | {fitting} for name in names):
        return None
    right = "SparseCategoricalAccuracy()" if labels == "integer" else "CategoricalAccuracy()"
    if other in names:
        shown = metrics[names.index(other)].get("name")
        return (f"its metric is {shown!r} (for {'one-hot rows' if labels == 'integer' else 'class numbers'}), but y "
                f"holds {'class numbers' if labels == 'integer' else 'one-hot rows'}: that accuracy is "
                f"meaningless here. Pass metrics=['accuracy'] (Keras picks the accuracy that fits the loss) or "
                f"keras.metrics.{right}.")
    return (f"it has no accuracy metric (metrics={[metric.get('name') for metric in metrics]}); add "
            f"metrics=['accuracy'] so that fit and evaluate report it.")


@task("compile_model", points=2, inputs=_compile_inputs, collect=_collect_compile,
      answer=lambda inputs: Cases(inputs, Record({"model": COMPILED_MODEL, "returned": Text()}, extra=True)))
def judge_compile_model(data, inputs):
    """A correct answer, for integer labels (n,), one-hot rows (n, k) and a column of class numbers (n, 1),
    each with another learning rate:

    1. compiles the model it was given (not a copy) and returns that model;
    2. with the loss that matches ``y`` (``choose_loss``), by name, function or class, with the default
       ``from_logits=False`` (the model ends in a softmax);
    3. with ``keras.optimizers.Adam`` (not SGD, AdamW…) at exactly ``learning_rate``, other settings left alone;
    4. with an accuracy metric that fits the labels: ``"accuracy"``, or the (sparse) categorical accuracy
       that matches ``y``, never ``keras.metrics.Accuracy()`` (which compares probabilities with labels).
    """
    checked = []
    for case, got in zip(inputs["cases"], data):
        y, learning_rate = case["y"], case["learning_rate"]
        want_loss = _right_loss(y)
        kind = (f"integer labels {shape_text(y.shape)}" if want_loss == SPARSE else "one-hot labels (n, k)")
        checked.append((f"compile_model(model, y, learning_rate={learning_rate:g}) for {kind}", y, learning_rate,
                        want_loss, kind, got["model"], got))
    # Stage 1, every case: the given model compiled and returned.
    for what, y, learning_rate, want_loss, kind, model, got in checked:
        if not model.get("compiled"):
            if got["returned"] == "other" and got.get("returned_compiled"):
                raise Fail(f"after {what}, the model it was given is not compiled: it compiled and returned another "
                           f"model (a copy or a new one). The caller goes on with their own model: compile the "
                           f"model you were given, model.compile(...), and return it.")
            raise Fail(f"after {what}, the model is not compiled: call model.compile(optimizer=..., loss=..., "
                       f"metrics=[...]) on the model you were given.")
        if got["returned"] == "None":
            raise Fail(f"{what} compiled the model but returned None: model.compile(...) returns None, so "
                       f"`return model.compile(...)` gives None. Compile, then `return model`.")
        if got["returned"] != "model":
            raise Fail(f"{what} returned another object than the model it was given; return the model itself.")
    # Stage 2, every case: the optimizer, its learning rate and settings, what the loss's and metrics' names
    # hide, and an accuracy metric that fits the labels. The loss's name comes last, so that a loss chosen
    # wrongly for one kind of labels (choose_loss's business) does not hide these.
    for what, y, learning_rate, want_loss, kind, model, got in checked:
        optimizer = model.get("optimizer") or {}
        if optimizer.get("class") != "Adam":
            raise Fail(f"{what} compiled with the {optimizer.get('class')} optimizer; the specification asks for "
                       f"keras.optimizers.Adam(learning_rate=learning_rate).")
        rate = expect_number(optimizer["learning_rate"], f"{what}: the optimizer's learning rate", finite=False)
        if not np.isclose(rate, learning_rate, rtol=1e-5):
            default = np.isclose(rate, 0.001, rtol=1e-5)
            raise Fail(f"{what}: the optimizer's learning rate is {rate:.6g}, expected {learning_rate:g}"
                       + (": that is Adam's default; pass Adam(learning_rate=learning_rate) instead of the string "
                          "'adam'." if default else "."))
        changed = [f"{key}={optimizer[key]!r}" for key, default in ADAM_DEFAULTS.items()
                   if key in optimizer and not (type(optimizer[key]) in (int, float, bool)
                                                and np.isclose(float(optimizer[key]), float(default)))]
        changed += [f"{key}={optimizer[key]!r}" for key in _UNSET_BY_DEFAULT if optimizer.get(key) is not None]
        if changed:
            raise Fail(f"{what}: the Adam optimizer has {', '.join(changed)}; the specification asks only for the "
                       f"learning rate, with Adam's other settings left at their defaults.")
        labels = "integer" if want_loss == SPARSE else "one-hot"
        problem = compile_problem(model, labels=labels) or _metric_problem(model.get("metrics_detail") or [], labels)
        if problem:
            raise Fail(f"{what}: {problem}")
    # Stage 3, every case: the loss that fits the labels; class numbers (n,) first, the column (n, 1) last.
    for what, y, learning_rate, want_loss, kind, model, got in sorted(checked, key=lambda entry: entry[1].ndim == 2
                                                                       and entry[1].shape[1] == 1):
        loss = model.get("loss")
        if _normal(loss) != _normal(want_loss):
            if _normal(loss) in (_normal(SPARSE), _normal(ONE_HOT)):
                if y.ndim == 2 and y.shape[1] == 1:
                    raise Fail(f"{what} compiled with loss {loss!r}, but a column of shape (n, 1) holds one class "
                               f"NUMBER per example: use {want_loss!r} (your choose_loss(y) picks it).")
                raise Fail(f"{what} compiled with loss {loss!r}, but y holds {kind}: use {want_loss!r} (your "
                           f"choose_loss(y) picks it).")
            raise Fail(f"{what} compiled with loss {loss!r}; for {kind} use {want_loss!r}, given by its name.")


# --------------------------------------------------------------------------------------------------------
# Task 4: train_digits


def _digit_rows():
    """The digits as rows of 64 pixels (how lesson 04's Dense layers read them) and their labels, read-only."""
    images, target = digits()
    return images.reshape(len(images), -1), target


def _train_inputs(rng):
    order = rng.permutation(1797)
    return {"train_index": order[:700], "test_index": order[700:1100], "seed": int(rng.integers(2**31))}


class _StopTraining(Exception):
    """Raised by the watched ``fit`` when the model it is about to train cannot meet the specification."""


def _training_problem(model):
    """What makes a described digits model unfit for the specification, before any training: its output
    (ten softmax probabilities), its loss (a cross-entropy, ``from_logits`` matching the output) and its
    accuracy metric. ``None`` if nothing. Shared by the collect (to stop before ``fit`` trains) and the judge.
    """
    output_shape = model.get("output_shape")
    if type(output_shape) is list and output_shape and output_shape[-1] != 10:
        return (f"the model has {output_shape[-1]} outputs; it needs 10, one probability per digit class "
                f"(build_model(64, [64], 10)).")
    blocks, problem = _dense_blocks(model)
    if problem and problem[0] == "double" and problem[1] == len(blocks):
        return (f"the output Dense already applies {problem[2]!r}, and the layer after it applies {problem[3]!r} on "
                f"top; give the output Dense(10) no activation when a Softmax layer follows it.")
    activation = output_activation(model)
    if activation in ("linear", None):
        return ("the model's output layer gives raw scores (logits), not probabilities: predict must give ten "
                "probabilities per digit that sum to 1, as build_model's softmax output does. End with "
                "Dense(10, activation='softmax') and keep the loss's default from_logits=False.")
    if activation != "softmax":
        return (f"the model's output layer applies {activation!r}; the ten outputs must be softmax probabilities "
                f"that sum to 1: Dense(10, activation='softmax').")
    if model.get("compiled"):
        loss = _normal(model.get("loss"))
        if loss not in (_normal(SPARSE), _normal(ONE_HOT)):
            return (f"the model is compiled with the loss {model.get('loss')!r}; a classifier with a softmax output "
                    f"trains with a cross-entropy: {SPARSE!r} for these integer labels (compile_model picks it).")
        problem = compile_problem(model, labels="integer")
        if problem:
            return problem
    return None


def _pixel_stats(x):
    """``{"rows", "low", "high", "mean"}`` of the array a model was fit on, as plain data (``None`` if none)."""
    try:
        x = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        return None
    if x.size == 0 or x.ndim == 0:
        return None
    return {"rows": int(len(x)), "low": float(x.min()), "high": float(x.max()), "mean": float(x.mean())}


def _input_problem(seen, given):
    """What tells that ``fit`` saw pixels rescaled or shifted from ``X_train`` (both :func:`_pixel_stats`), or
    ``None``. Shuffled rows or a subset keep the range and, near enough, the mean."""
    if type(seen) is not dict or not all(type(seen.get(key)) in (int, float) for key in ("low", "high", "mean")):
        return None
    if (abs(seen["low"] - given["low"]) < 1e-3 and abs(seen["high"] - given["high"]) < 1e-3
            and abs(seen["mean"] - given["mean"]) <= 0.1 * given["mean"]):
        return None
    return (f"fit trained the model on pixels from {seen['low']:.3g} to {seen['high']:.3g} (mean {seen['mean']:.2f}), "
            f"not on X_train as given (from {given['low']:.3g} to {given['high']:.3g}, mean {given['mean']:.2f}). "
            f"predict then sees the test digits as given, so the model reads inputs unlike those it trained on: "
            f"use X_train as it comes, its pixels already lie in [0, 1].")


def _collect_train(answer, inputs):
    import keras

    X, y = _digit_rows()
    X_train, y_train = X[inputs["train_index"]], y[inputs["train_index"]]  # new arrays: the guard watches them
    kept, given = X_train.copy(), _pixel_stats(X_train)
    first_fit = {}
    def before_fit(model, *args, **kwargs):
        if not first_fit:
            first_fit["model"] = describe_model(model)
            first_fit["x"] = _pixel_stats(args[0] if args else kwargs.get("x"))
            rescaled = _input_problem(first_fit["x"], given) is not None
            if _training_problem(first_fit["model"]) is not None or (rescaled and np.array_equal(X_train, kept)):
                raise _StopTraining  # no need to train a model the judge will refuse (an X_train changed in
                # place goes on, for the guard to name)

    with recorded_fits() as fits, watching(keras.Model, "fit", before_fit):
        try:
            keras.utils.set_random_seed(inputs["seed"])
            model = answer(X_train=X_train, y_train=y_train)
        except _StopTraining:
            return {"stopped": True, "fit_model": first_fit["model"], "fit_x": first_fit["x"]}
    if not isinstance(model, keras.Model):
        raise Fail("train_digits should return the trained keras model"
                   + (": did you forget to `return model`?" if model is None else
                      f", got a {type(model).__module__}.{type(model).__qualname__}"))
    optimizer = getattr(model, "optimizer", None)
    collected = {"stopped": False, "model": describe_model(model), "fit_x": first_fit.get("x"),
                 "fits": [{key: fit_call[key] for key in ("samples", "validation")} | {
                     "epochs": fit_call["epochs"] if type(fit_call["epochs"]) is int else None} for fit_call in fits],
                 "trained_steps": int(np.asarray(optimizer.iterations)) if optimizer is not None else 0}
    probabilities = np.asarray(model.predict(X[inputs["test_index"]], verbose=0), dtype=float)
    collected["predict_shape"] = list(probabilities.shape)
    if probabilities.shape == (len(inputs["test_index"]), 10):
        sums = probabilities.sum(axis=1)
        collected.update(predicted=probabilities.argmax(axis=1).tolist(),
                         row_sums=[float(sums.min()), float(sums.max())], lowest=float(probabilities.min()))
    return collected


_FIT = Record({"samples": ANY, "validation": ANY, "epochs": ANY})


def _train_answer(inputs):
    n = len(inputs["test_index"])
    return Record({"stopped": ANY}, optional={
        "fit_model": MODEL, "model": MODEL, "fit_x": ANY, "fits": ListOf(_FIT), "trained_steps": Integer(),
        "predict_shape": ListOf(Integer()), "predicted": Array(shape=(n,)),
        "row_sums": ListOf(Number(), length=2), "lowest": Number()})


@task("train_digits", points=3, inputs=_train_inputs, collect=_collect_train, answer=_train_answer,
      data_given=True)
def judge_train_digits(data, inputs):
    """A correct answer, given 700 digits and their labels and nothing else:

    1. uses only ``X_train`` and ``y_train`` (the digit loaders are off while it runs: the full set holds the
       400 held-out test digits), and leaves them unchanged (the guard);
    2. returns a model that ends in ten softmax probabilities, compiled with a cross-entropy whose
       ``from_logits`` matches that output (no raw logits, no softmax applied twice) and no
       ``keras.metrics.Accuracy()``; these are judged at the first ``fit``, before it trains;
    3. fits on the pixels as given (their range and mean: shuffled rows or a validation split are fine;
       rescaled or shifted ones are not, since predict then sees test digits unlike the training ones, and a
       score that clears the bar all the same is luck), also judged before training;
    4. returns the model it trained (its optimizer has taken steps);
    5. gets 90% or more of the 400 held-out digits right. When it does not, the hint names what the record
       shows (a subset of the training set, a chance-level score, too few epochs).
    """
    if type(data["stopped"]) is not bool:
        raise Fail("the check's record of train_digits is damaged; run the check again.")
    model = data.get("fit_model") if data["stopped"] else data.get("model")
    if model is None:
        raise Fail("the check's record of train_digits is damaged; run the check again.")
    problem = _training_problem(model)
    if problem:
        raise Fail(f"train_digits: {problem}")
    problem = _input_problem(data.get("fit_x"), _pixel_stats(_digit_rows()[0][inputs["train_index"]]))
    if problem:
        raise Fail(f"train_digits: {problem}")
    if data["stopped"]:  # the collect stops only for a problem the judge sees too
        raise Fail("the check's record of train_digits is damaged; run the check again.")
    fits = data.get("fits") or []
    if not data.get("trained_steps"):
        raise Fail("the model train_digits returned was never trained: it predicts at about chance. "
                   + ("Call model.fit(X_train, y_train, epochs=..., verbose=0) before returning it."
                      if not fits else "fit ran on another model; return the model you trained."))
    n = len(inputs["test_index"])
    if data.get("predict_shape") != [n, 10] or "predicted" not in data:
        raise Fail(f"model.predict on {n} test digits returned shape {data.get('predict_shape')}; expected "
                   f"[{n}, 10]: ten softmax outputs, one per digit class.")
    if "row_sums" not in data or "lowest" not in data:
        raise Fail("the check's record of train_digits is damaged; run the check again.")
    low, high = data["row_sums"]
    if abs(low - 1) > 1e-3 or abs(high - 1) > 1e-3 or data["lowest"] < -1e-6:
        raise Fail(f"the model's predictions are not probabilities: the rows sum to {low:.3g} to {high:.3g}. End "
                   f"the model with Dense(10, activation='softmax').")
    y_test = digits()[1][inputs["test_index"]]
    predicted = expect_array(data["predicted"], "the predicted labels", shape=y_test.shape)
    accuracy = float(np.mean(predicted == y_test))
    if accuracy >= 0.9:
        return None
    samples = [fit_call.get("samples") for fit_call in fits]
    if samples and all(type(count) is int and count < 700 for count in samples):
        raise Fail(f"the model gets {accuracy:.1%} of {n} held-out digits right; the target is 90%. fit saw only "
                   f"{max(samples)} of the 700 training digits: train on all of X_train and y_train.")
    if accuracy < 0.2:
        raise Fail(f"the model gets {accuracy:.0%} of {n} held-out digits right, about chance (10%): it has not "
                   f"learned. Did fit run on X_train and y_train, with 'sparse_categorical_crossentropy' for these "
                   f"integer labels and a workable learning rate?")
    epochs = sum(fit_call["epochs"] for fit_call in fits if type(fit_call["epochs"]) is int)
    raise Fail(f"the model gets {accuracy:.1%} of {n} held-out digits right; the target is 90%. It trained for "
               f"{epochs} epoch{'s' if epochs != 1 else ''}: train for more epochs (10 to 20), or raise the "
               f"learning rate (Adam: 0.003 to 0.01; SGD: about 0.5), and give the hidden layer enough units (64).")


# --------------------------------------------------------------------------------------------------------
# Task 5: diagnose

#: The runs each check of ``diagnose`` reads: every kind clearly, and every kind near the exercise's lines
#: (a good fit whose validation loss ends 3-8% above its lowest, with a training accuracy just above 90% and a
#: validation accuracy below it; an overfitting run whose validation loss rises only 15-25%; an underfitting
#: run whose loss is already below 1).
RUNS = (("good fit", "clear"), ("good fit", "near"), ("overfitting", "clear"), ("overfitting", "mild"),
        ("underfitting", "clear"), ("underfitting", "moderate"))


def _history(kind, rng, flavour="clear"):
    """Made-up training curves that show ``kind``, as a ``History.history`` dict of lists."""
    epochs = int(rng.integers(12, 21))
    t = np.arange(epochs, dtype=float)
    decay = np.exp(-t / rng.uniform(1.5, 3.0))
    wiggle = lambda scale: 1 + rng.normal(0.0, scale, size=epochs)  # noqa: E731 - a tiny multiplicative noise
    still_falling = np.minimum.accumulate  # each value at most the one before: it ends at its lowest
    if kind == "good fit":
        floor = rng.uniform(0.05, 0.15) if flavour == "clear" else rng.uniform(0.2, 0.3)
        loss = (floor + (rng.uniform(1.5, 2.3) - floor) * decay) * wiggle(0.003)
        val_loss = still_falling(loss * rng.uniform(1.1, 1.25) * wiggle(0.003))
        end = rng.uniform(0.96, 0.99) if flavour == "clear" else rng.uniform(0.91, 0.94)
        accuracy = end - rng.uniform(0.6, 0.7) * (decay - decay[-1])
        gap = rng.uniform(0.01, 0.03) if flavour == "clear" else end - rng.uniform(0.85, 0.89)
        val_accuracy = accuracy - gap
        if flavour == "near":  # a late wiggle: the last value 3-8% above the lowest, which comes just before
            val_loss[-1] = val_loss[-2] * (1 + rng.uniform(0.03, 0.08))
    elif kind == "overfitting":
        floor = rng.uniform(0.005, 0.05)
        loss = (floor + (rng.uniform(1.5, 2.3) - floor) * decay) * wiggle(0.003)
        turn = int(rng.integers(epochs // 4, epochs // 2 + 1))
        lowest = rng.uniform(0.3, 0.6)
        rise = rng.uniform(0.3, 0.8) if flavour == "clear" else rng.uniform(0.15, 0.25)
        val_loss = np.where(t <= turn, lowest + (loss[0] * 1.1 - lowest) * (1 - t / turn) ** 2,
                            lowest * (1 + rise * (t - turn) / (epochs - 1 - turn)))
        val_loss = val_loss * wiggle(0.003)
        accuracy = np.minimum(1.0, rng.uniform(0.99, 1.0) - 0.8 * decay)
        peak = rng.uniform(0.85, 0.9)
        val_accuracy = np.where(t <= turn, peak - 0.7 * (1 - t / turn) ** 2,
                                peak - rng.uniform(0.02, 0.05) * (t - turn) / (epochs - 1 - turn))
    else:  # underfitting: still high and still falling, training and validation alike
        start = rng.uniform(2.1, 2.4)
        end = rng.uniform(1.0, 1.6) if flavour == "clear" else rng.uniform(0.45, 0.8)
        progress = (t / (epochs - 1)) ** 0.8
        loss = still_falling((start - (start - end) * progress) * wiggle(0.002))
        val_loss = still_falling(loss * rng.uniform(0.98, 1.03))
        top = rng.uniform(0.45, 0.75) if flavour == "clear" else rng.uniform(0.7, 0.86)
        accuracy = rng.uniform(0.15, 0.25) + (top - 0.2) * progress
        val_accuracy = accuracy + rng.uniform(-0.02, 0.01)
    return {name: [round(float(v), 4) for v in values] for name, values in
            [("accuracy", accuracy), ("loss", loss), ("val_accuracy", val_accuracy), ("val_loss", val_loss)]}


def _diagnose_inputs(rng):
    runs = [RUNS[i] for i in rng.permutation(len(RUNS))]
    return {"cases": [{"history": _history(kind, rng, flavour)} for kind, flavour in runs],
            "kinds": [kind for kind, _ in runs]}


def _collect_diagnose(answer, inputs):
    return [to_plain(answer(history={key: list(values) for key, values in case["history"].items()}),
                     f"the value it returned for case {number}")
            for number, case in enumerate(inputs["cases"], start=1)]


def _rise(history):
    """How far the last validation loss lies above the lowest one, as a fraction of the lowest."""
    val_loss = np.array(history["val_loss"])
    return float(val_loss[-1] / val_loss.min() - 1)


# Anything per case: the judge checks for one of the three diagnoses itself, to list them.
@task("diagnose", points=2, inputs=_diagnose_inputs, collect=_collect_diagnose,
      answer=lambda inputs: Cases(inputs, ANY))
def judge_diagnose(data, inputs):
    """A correct answer returns exactly one of the three strings for each run (see :data:`RUNS`):
    ``"overfitting"`` when the last validation loss lies more than 10% above its lowest, else
    ``"underfitting"`` when the final TRAINING accuracy is below 90%, else ``"good fit"``. The hint follows the
    learner's rule across all runs, in a fixed order: a missed overfitting run first, then a good fit called
    overfitting for its gap (it ends at its lowest) or for a small late rise, then one called underfitting,
    then a missed underfitting run.
    """
    cases = inputs["cases"]
    for number, got in enumerate(data, start=1):
        if got not in DIAGNOSES:
            raise Fail(f"diagnose(history) returned {got!r} for history {number}; return exactly one of "
                       f"{', '.join(map(repr, DIAGNOSES))}.")
    wrong = [(number, case["history"], kind, got)
             for number, (case, kind, got) in enumerate(zip(cases, inputs["kinds"], data), start=1) if got != kind]
    if not wrong:
        return None

    def first(kind, got=None, test=lambda history: True):
        return next(((number, history, said) for number, history, k, said in wrong
                     if k == kind and (got is None or said == got) and test(history)), None)

    def summary(number, history):
        val_loss, loss = np.array(history["val_loss"]), np.array(history["loss"])
        return (f"history {number} ({len(loss)} epochs): training loss {loss[0]:.2f} -> {loss[-1]:.2f}, validation "
                f"loss lowest {val_loss.min():.3f} at epoch {int(np.argmin(val_loss)) + 1}, {val_loss[-1]:.3f} at "
                f"the end; accuracy {history['accuracy'][-1]:.1%} training, {history['val_accuracy'][-1]:.1%} "
                f"validation")

    found = first("overfitting")
    if found:
        number, history, said = found
        best = int(np.argmin(history["val_loss"])) + 1
        raise Fail(f"you said {said!r}, but look at {summary(number, history)}. The validation loss turned UP after "
                   f"epoch {best} (+{_rise(history):.0%}; the exercise counts more than 10% as turning up) while the "
                   f"training loss kept falling: the network is memorizing its training set. That is overfitting.")
    found = first("good fit", "overfitting", lambda history: _rise(history) <= 0)
    if found:
        number, history, said = found
        raise Fail(f"you said {said!r}, but look at {summary(number, history)}. The validation loss ends at its "
                   f"lowest: it never turned up. Both losses fell and levelled off together and the training "
                   f"accuracy is high: a good fit. A small, steady gap between training and validation is normal.")
    found = first("good fit", "overfitting")
    if found:
        number, history, said = found
        raise Fail(f"you said {said!r}, but look at {summary(number, history)}. The validation loss ends only "
                   f"{_rise(history):.1%} above its lowest: the exercise counts a rise of more than 10% as turning "
                   f"up; a wiggle this small at the end is noise. A good fit.")
    found = first("good fit", "underfitting")
    if found:
        number, history, said = found
        training = history["accuracy"][-1]
        raise Fail(f"you said {said!r}, but look at {summary(number, history)}. Underfitting is about the TRAINING "
                   f"accuracy (history['accuracy']), which ends at {training:.1%}, above 90%: the model has learned "
                   f"its training data. A validation accuracy a little lower is the normal gap. A good fit.")
    number, history, said = first("underfitting")
    raise Fail(f"you said {said!r}, but look at {summary(number, history)}. The training accuracy ends at only "
               f"{history['accuracy'][-1]:.1%} (below 90%) and both losses are still falling: the model has not "
               f"even learned its training data yet. That is underfitting (it needs more epochs, a higher learning "
               f"rate or a bigger model).")


# --------------------------------------------------------------------------------------------------------
# Task 6: early_stopping_epochs


def _early_stopping(val_loss, patience, *, min_delta=0.0, ties=False, reset=True, late=False, previous=False):
    """``(epochs run, epoch whose weights are kept)``, 1-based, as ``EarlyStopping(monitor="val_loss",
    patience=patience, restore_best_weights=True)`` gives them with the defaults (an epoch improves only if it is
    strictly lower than the best so far; the count of epochs without improvement restarts at each improvement;
    training stops once that count reaches the patience).

    The keywords give the rules of typical mistakes, to name them: an improvement must beat the best by more
    than ``min_delta``; ``ties`` count as improvements; the count is never ``reset``; it stops one epoch ``late``
    (count > patience); the count restarts whenever an epoch is lower than the ``previous`` one.
    """
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, value in enumerate(val_loss, start=1):
        improved = value <= best - min_delta if ties else value < best - min_delta
        if improved:
            best, best_epoch = value, epoch
        restarts = (epoch == 1 or value < val_loss[epoch - 2]) if previous else improved
        if restarts and (reset or epoch == 1):
            waited = 0
            continue
        if not restarts:
            waited += 1
        if (waited > patience) if late else (waited >= patience):
            return epoch, best_epoch
    return len(val_loss), best_epoch


def _hindsight(val_loss, patience):
    best = int(np.argmin(val_loss)) + 1
    return min(best + patience, len(val_loss)), best


def _falling(rng, start, count):
    return list(start - np.cumsum(rng.uniform(0.03, 0.15, size=count)))


def _then(rng, values, *rest):
    """``values`` (falling to its best, the last value, rounded) followed by ``rest`` computed from that best."""
    best = round(float(values[-1]), 4)
    return values[:-1] + [best] + [best + float(offset) for offset in np.concatenate(rest)], best


def _early_stopping_inputs(rng):
    cases = []
    # 1. Improves every epoch: it never stops, and keeps the last epoch.
    cases.append({"val_loss": _falling(rng, 2.0, int(rng.integers(6, 11))), "patience": int(rng.integers(2, 5))})
    # 2. A bump shorter than the patience, a new best, then a rise that outlasts it; a lower value comes later,
    #    after training has stopped.
    patience = int(rng.integers(2, 5))
    values = _falling(rng, 2.0, int(rng.integers(3, 6)))
    low = min(values)
    values += list(low + rng.uniform(0.01, 0.08, size=patience - 1))
    values += [low - rng.uniform(0.02, 0.08)]
    best = values[-1]
    values += list(best + np.cumsum(rng.uniform(0.01, 0.06, size=patience)))
    values += [best + rng.uniform(0.01, 0.05) for _ in range(int(rng.integers(1, 3)))]
    values += [best - rng.uniform(0.01, 0.04)]
    cases.append({"val_loss": values, "patience": patience})
    # 3. A noisy U-shaped curve.
    epochs = int(rng.integers(12, 19))
    t = np.arange(epochs)
    turn = rng.uniform(3, epochs - 6)
    curve = 0.5 + 0.02 * (t - turn) ** 2 / 4 + rng.normal(0.0, 0.02, size=epochs)
    cases.append({"val_loss": [float(v) for v in curve], "patience": int(rng.integers(2, 5))})
    # 4. A tie: two epochs after the best, the same value again (not lower: no improvement), then a rise.
    patience = int(rng.integers(2, 5))
    values, _ = _then(rng, _falling(rng, 2.0, int(rng.integers(3, 6))), [rng.uniform(0.01, 0.05), 0.0],
                      0.05 + np.cumsum(rng.uniform(0.01, 0.05, size=patience + 1)))
    cases.append({"val_loss": values, "patience": patience})
    # 5. A tiny improvement (0.0002 lower than the best: it counts, min_delta being 0), then a rise.
    patience = int(rng.integers(2, 5))
    values, _ = _then(rng, _falling(rng, 2.0, int(rng.integers(3, 6))), [-0.0002],
                      np.cumsum(rng.uniform(0.01, 0.05, size=patience + 1)))
    cases.append({"val_loss": values, "patience": patience})
    # 6. Lower than the epoch before but not than the best (no improvement), then a rise.
    patience = int(rng.integers(2, 5))
    up = rng.uniform(0.04, 0.08)
    values, _ = _then(rng, _falling(rng, 2.0, int(rng.integers(3, 6))), [up, up - rng.uniform(0.01, 0.03)],
                      up + np.cumsum(rng.uniform(0.01, 0.05, size=patience + 1)))
    cases.append({"val_loss": values, "patience": patience})
    for case in cases:
        case["val_loss"] = [round(float(v), 4) for v in case["val_loss"]]
    return {"cases": [cases[i] for i in rng.permutation(len(cases))]}


def _collect_early_stopping(answer, inputs):
    return [to_plain(answer(val_loss=list(case["val_loss"]), patience=case["patience"]),
                     f"the value it returned for case {number}")
            for number, case in enumerate(inputs["cases"], start=1)]


def _early_stopping_answer(inputs):
    return Cases(inputs, Items(Integer(), Integer(), names=("epochs_run", "best_epoch")))


def _first_tie(val_loss):
    """``(epoch, value)`` of the first epoch that equals the best before it, or ``None``."""
    best = np.inf
    for epoch, value in enumerate(val_loss, start=1):
        if value == best:
            return epoch, value
        best = min(best, value)
    return None


def _smallest_improvement(val_loss):
    """``(epoch, value, best before it)`` of the improvement by the smallest amount."""
    best, found = np.inf, None
    for epoch, value in enumerate(val_loss, start=1):
        if value < best:
            if found is None or best - value < found[2] - found[1]:
                found = (epoch, value, best)
            best = value
    return found


#: The typical mistakes, in the order the judge tries them: a name and how the answers would come out.
_MISTAKES = (
    ("zero-based", lambda v, p: tuple(n - 1 for n in _early_stopping(v, p))),
    ("patience one", lambda v, p: _early_stopping(v, 1)),
    ("hindsight", _hindsight),
    ("ties", lambda v, p: _early_stopping(v, p, ties=True)),
    *((("min_delta", (lambda delta: lambda v, p: _early_stopping(v, p, min_delta=delta))(delta))
       for delta in (5e-4, 1e-3, 2e-3, 5e-3, 1e-2))),
    ("no reset", lambda v, p: _early_stopping(v, p, reset=False)),
    ("no restore", lambda v, p: (_early_stopping(v, p)[0],) * 2),
    ("late", lambda v, p: _early_stopping(v, p, late=True)),
    ("previous", lambda v, p: _early_stopping(v, p, previous=True)),
)


def _early_stopping_hint(mistake, val_loss, patience, want):
    """The hint for ``mistake`` on one case whose right answer is ``want``."""
    want_run, want_best = want
    if mistake == "zero-based":
        return "count epochs from 1, as Keras's log does (epoch 1 is val_loss[0])."
    if mistake == "patience one":
        return (f"it stopped at the first epoch without improvement. The patience is how many epochs in a row may "
                f"pass without a new lowest val_loss before it stops ({patience} here).")
    if mistake == "hindsight":
        lowest = int(np.argmin(val_loss)) + 1
        return (f"the lowest value overall comes at epoch {lowest}, but training stopped after epoch {want_run}; "
                f"early stopping never sees the epochs after it stopped.")
    if mistake == "ties":
        epoch, value = _first_tie(val_loss) or (None, None)
        return (f"epoch {epoch}'s val_loss {value} equals the best so far but is not lower: an epoch improves only if "
                f"it is strictly lower (`<`, not `<=`), so the count goes on and the best epoch stays the first one "
                f"that reached {value}.")
    if mistake == "min_delta":
        epoch, value, before = _smallest_improvement(val_loss)
        return (f"epoch {epoch}'s val_loss {value} is lower than the best before it ({before}), by only "
                f"{before - value:.4f}, and that is an improvement: EarlyStopping's default min_delta=0 counts any "
                f"decrease, however small. Compare `value < best`, without a minimum improvement (min_delta) the "
                f"specification does not ask for.")
    if mistake == "no reset":
        return ("it counts every epoch without improvement since the start. The patience counts them in a row: when "
                "a new lowest val_loss comes, start counting again from 0.")
    if mistake == "no restore":
        return (f"with restore_best_weights=True the model keeps the weights of its best epoch ({want_best}), not "
                f"those of the last epoch it ran.")
    if mistake == "late":
        return (f"it stops at the end of the epoch that makes {patience} epochs in a row without improvement, best "
                f"epoch + patience when that fits in the run.")
    return ("an epoch improves only if it is lower than the best so far, not the previous epoch: a value below the "
            "epoch before it but above the best does not restart the count.")


@task("early_stopping_epochs", points=2, inputs=_early_stopping_inputs, collect=_collect_early_stopping,
      answer=_early_stopping_answer)
def judge_early_stopping_epochs(data, inputs):
    """A correct answer gives, for each case, the ints ``(epochs_run, best_epoch)`` of
    :func:`_early_stopping` with its defaults (Keras's own rule): counted from 1; improvement only when strictly
    lower than the best so far (a tie is not one, a decrease of 0.0002 is one: ``min_delta=0``); the count of
    epochs without improvement restarts at each improvement, and only then (a value below the previous epoch
    but above the best does not restart it); it stops when the count reaches ``patience``; it cannot see the
    values after it stopped; all ``len(val_loss)`` epochs when the patience never runs out; and the best epoch
    is kept (``restore_best_weights=True``). The cases: steady improvement, a bump shorter than the patience, a
    noisy U, a tie, a tiny improvement, and a dip that is not a new best.

    The hint names the mistake that explains the answers to every case, else the one that explains the first
    case answered wrongly.
    """
    cases = inputs["cases"]
    answers = [tuple(int(value) for value in got) for got in data]
    wanted = [_early_stopping(case["val_loss"], case["patience"]) for case in cases]
    wrong = [number for number, (got, want) in enumerate(zip(answers, wanted)) if got != want]
    if not wrong:
        return None
    number = wrong[0]
    case, got, want = cases[number], answers[number], wanted[number]
    val_loss, patience = case["val_loss"], case["patience"]
    message = (f"early_stopping_epochs(val_loss, patience={patience}) for val_loss = {val_loss} returned {got}, "
               f"expected {want}")
    for name, rule in _MISTAKES:
        if all(rule(c["val_loss"], c["patience"]) == a for c, a in zip(cases, answers)):
            raise Fail(f"{message}: {_early_stopping_hint(name, val_loss, patience, want)}")
    if got[0] > len(val_loss):
        raise Fail(f"{message}: training cannot run more than len(val_loss) = {len(val_loss)} epochs; when the "
                   f"patience never runs out, it runs them all.")
    for name, rule in _MISTAKES:
        if rule(val_loss, patience) == got:
            raise Fail(f"{message}: {_early_stopping_hint(name, val_loss, patience, want)}")
    raise Fail(f"{message}. Walk through the epochs: remember the lowest val_loss so far and its epoch; count the "
               f"epochs since it; stop when that count reaches the patience.")
