"""Graded tasks of ``exercises/04_first_keras_network.ipynb``: build, compile and train Keras models; read curves."""

import numpy as np

from .. import (ANY, Array, Cases, Either, Exercise, Fail, Integer, Items, ListOf, Number, Record, Text,
                call_each_case, describe_model, expect_array, expect_number, to_plain)
from ._common import MODEL, compiled_layers, digits, shape_text

EXERCISE = Exercise("04_first_keras_network", "Your first Keras network")
task = EXERCISE.task

SPARSE, ONE_HOT = "sparse_categorical_crossentropy", "categorical_crossentropy"
DIAGNOSES = ("overfitting", "underfitting", "good fit")

#: :data:`MODEL`, and what a compiled model describes: the metrics' names and the optimizer,
#: ``{"class": "Adam", "learning_rate": 0.001}``.
COMPILED_MODEL = Record(MODEL.fields, optional={**MODEL.optional, "metrics": ListOf(ANY),
                                                "optimizer": Record({"class": Text(), "learning_rate": Number()}, extra=True)},
                        extra=True)


# --------------------------------------------------------------------------------------------------------
# Task 1: build_model


def _build_inputs(rng):
    cases = []
    for n_hidden in (2, int(rng.choice([1, 3]))):
        cases.append({"n_inputs": int(rng.integers(5, 65)),
                      "hidden_units": [int(n) for n in rng.choice([8, 16, 24, 32, 48, 64], size=n_hidden)],
                      "n_classes": int(rng.integers(2, 11))})
    return {"cases": cases}


def _collect_models(answer, inputs):
    return [describe_model(answer(**case)) for case in inputs["cases"]]


@task("build_model", points=2, inputs=_build_inputs, collect=_collect_models,
      answer=lambda inputs: Cases(inputs, MODEL))
def judge_build_model(data, inputs):
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
        layers = compiled_layers(model)  # without the InputLayer that functional models list
        classes = [layer["class"] for layer in layers]
        if any(name != "Dense" for name in classes):
            raise Fail(f"the model from {call} has layers {classes}; expected only Dense layers, with each "
                       f"activation given inside them: Dense(units, activation=...).")
        units = [layer.get("units") for layer in layers]
        if units != hidden + [n_classes]:
            raise Fail(f"the model from {call} has Dense layers of {units} units; expected {hidden + [n_classes]}: "
                       f"one hidden layer per entry of hidden_units, then an output layer with one unit per class.")
        activations = [layer.get("activation") for layer in layers]
        if activations[-1] != "softmax":
            raise Fail(f"the output layer of the model from {call} has activation {activations[-1]!r}; it should be "
                       f"'softmax', so that each row of predictions holds probabilities that sum to 1.")
        bad = [number for number, name in enumerate(activations[:-1], start=1) if name != "relu"]
        if bad:
            raise Fail(f"hidden layer {bad[0]} of the model from {call} has activation {activations[bad[0] - 1]!r}; "
                       f"the hidden layers use 'relu' (without an activation, stacked Dense layers collapse into "
                       f"one linear map).")
        sizes = [n_inputs] + hidden + [n_classes]
        want = sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
        if model.get("params") != want or model.get("output_shape") != [None, n_classes]:
            raise Fail(f"the model from {call} has {model.get('params')} parameters and output shape "
                       f"{model.get('output_shape')}; expected {want} and [None, {n_classes}].")


# --------------------------------------------------------------------------------------------------------
# Task 2: choose_loss


def _choose_loss_inputs(rng):
    n, k = int(rng.integers(6, 13)), int(rng.integers(3, 11))
    labels = rng.integers(0, k, size=n)
    soft = rng.dirichlet(np.ones(k), size=n)
    cases = [
        {"y": labels},                                        # integers, (n,)
        {"y": np.eye(k, dtype=np.float32)[labels]},           # one-hot, (n, k)
        {"y": labels.reshape(-1, 1)},                         # a column of integers, (n, 1)
        {"y": labels.astype(np.float32)},                     # integers stored as floats, (n,)
        {"y": soft},                                          # soft targets: rows of probabilities, (n, k)
    ]
    return {"cases": [cases[i] for i in rng.permutation(len(cases))]}


def _right_loss(y):
    y = np.asarray(y)
    return ONE_HOT if y.ndim == 2 and y.shape[1] > 1 else SPARSE


# Anything per case: the judge checks for a string itself, to name the two losses it may be.
@task("choose_loss", points=1, inputs=_choose_loss_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, ANY))
def judge_choose_loss(data, inputs):
    for case, got in zip(inputs["cases"], data):
        y = case["y"]
        want = _right_loss(y)
        what = f"choose_loss(y) for y of shape {shape_text(y.shape)} and dtype {y.dtype}"
        if type(got) is not str:
            raise Fail(f"{what} returned a {type(got).__name__}; return the loss's name as a string, "
                       f"{SPARSE!r} or {ONE_HOT!r}.")
        if got == want:
            continue
        if got not in (SPARSE, ONE_HOT):
            raise Fail(f"{what} returned {got!r}; return exactly {SPARSE!r} or {ONE_HOT!r}.")
        if y.ndim == 2 and y.shape[1] == 1:
            raise Fail(f"{what} returned {got!r}: a column of shape (n, 1) holds one class NUMBER per example, "
                       f"so these are integer labels ({SPARSE!r}). One-hot rows have one column per class.")
        if want == SPARSE and y.dtype.kind == "f":
            raise Fail(f"{what} returned {got!r}: the dtype does not matter, the shape does. One number per "
                       f"example, (n,), is a class number: {SPARSE!r}.")
        if want == ONE_HOT and not np.isin(y, [0, 1]).all():
            raise Fail(f"{what} returned {got!r}: each row holds a probability per class (soft targets, such as "
                       f"'70% cat, 30% dog'); only {ONE_HOT!r} reads rows like these.")
        raise Fail(f"{what} returned {got!r}: labels of shape (n,) go with {SPARSE!r}, rows of shape (n, k) "
                   f"with {ONE_HOT!r}.")


# --------------------------------------------------------------------------------------------------------
# Task 3: compile_model


def _compile_inputs(rng):
    n, k = int(rng.integers(20, 41)), int(rng.integers(3, 11))
    labels = rng.integers(0, k, size=n)
    rates = rng.choice([0.0003, 0.0005, 0.002, 0.003, 0.005, 0.01], size=2, replace=False)
    cases = [{"y": labels, "learning_rate": float(rates[0])},
             {"y": np.eye(k, dtype=np.float32)[labels], "learning_rate": float(rates[1])}]
    return {"cases": [cases[i] for i in rng.permutation(2)], "n_inputs": int(rng.integers(4, 17))}


def _loss_and_metrics(model):
    """The compiled loss's name and the metrics' names, read from Keras's compile config (plain strings)."""
    try:
        config = model.get_compile_config() or {}
    except Exception:  # noqa: BLE001 - an uncompiled or unusual model: nothing to read
        return None, []

    def name(entry):
        if isinstance(entry, str):
            return entry
        if isinstance(entry, dict):
            return str(entry.get("config", {}).get("name", entry.get("class_name", "")))
        return type(entry).__name__

    loss = config.get("loss")
    metrics = config.get("metrics") or []
    return (name(loss) if loss is not None else None), [name(metric) for metric in
                                                        (metrics if isinstance(metrics, list) else [metrics])]


def _collect_compile(answer, inputs):
    import keras

    collected = []
    for case in inputs["cases"]:
        k = int(np.max(case["y"])) + 1 if np.ndim(case["y"]) == 1 else case["y"].shape[1]
        model = keras.Sequential([keras.Input(shape=(inputs["n_inputs"],)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(k, activation="softmax")])
        answer(model=model, y=case["y"], learning_rate=case["learning_rate"])
        described = describe_model(model)
        loss, metrics = _loss_and_metrics(model)
        collected.append({"model": described, "loss": loss, "metrics": metrics})
    return collected


def _normal(name):
    return str(name).lower().replace("_", "").replace(" ", "")


@task("compile_model", points=2, inputs=_compile_inputs, collect=_collect_compile,
      answer=lambda inputs: Cases(inputs, Record({"model": COMPILED_MODEL, "loss": ANY, "metrics": ListOf(ANY)})))
def judge_compile_model(data, inputs):
    for case, got in zip(inputs["cases"], data):
        y, learning_rate = case["y"], case["learning_rate"]
        want_loss = _right_loss(y)
        kind = "integer labels (n,)" if want_loss == SPARSE else "one-hot labels (n, k)"
        what = f"compile_model(model, y, learning_rate={learning_rate:g})"
        model = got["model"]
        if not model.get("compiled"):
            raise Fail(f"after {what}, the model is not compiled: call model.compile(optimizer=..., loss=..., "
                       f"metrics=[...]) on the model you were given.")
        loss = got["loss"] or model.get("loss")
        if _normal(loss) != _normal(want_loss):
            if _normal(loss) in (_normal(SPARSE), _normal(ONE_HOT)):
                raise Fail(f"{what} compiled with loss {loss!r}, but y holds {kind}: use {want_loss!r} (your "
                           f"choose_loss(y) picks it).")
            raise Fail(f"{what} compiled with loss {loss!r}; for {kind} use {want_loss!r}, given by its name.")
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
        names = [_normal(name) for name in got["metrics"]]
        if not any(name in ("accuracy", "acc", "sparsecategoricalaccuracy", "categoricalaccuracy") for name in names):
            raise Fail(f"{what} compiled without an accuracy metric (metrics={got['metrics']}); add "
                       f"metrics=['accuracy'] so that fit and evaluate report it.")


# --------------------------------------------------------------------------------------------------------
# Task 4: train_digits


def _digit_rows():
    """The digits as rows of 64 pixels (how lesson 04's Dense layers read them) and their labels, read-only."""
    images, target = digits()
    return images.reshape(len(images), -1), target


def _train_inputs(rng):
    order = rng.permutation(1797)
    return {"train_index": order[:700], "test_index": order[700:1100], "seed": int(rng.integers(2**31))}


def _collect_train(answer, inputs):
    import keras

    X, y = _digit_rows()
    keras.utils.set_random_seed(inputs["seed"])
    model = answer(X_train=X[inputs["train_index"]].copy(), y_train=y[inputs["train_index"]].copy())
    if not isinstance(model, keras.Model):
        raise Fail("train_digits should return the trained keras model"
                   + (": did you forget to `return model`?" if model is None else
                      f", got a {type(model).__module__}.{type(model).__qualname__}"))
    probabilities = np.asarray(model.predict(X[inputs["test_index"]], verbose=0))
    if probabilities.shape != (len(inputs["test_index"]), 10):
        raise Fail(f"model.predict on {len(inputs['test_index'])} test digits returned shape "
                   f"{probabilities.shape}; expected ({len(inputs['test_index'])}, 10): ten softmax outputs, one "
                   f"per digit class.")
    return {"predicted": probabilities.argmax(axis=1).tolist(), "params": int(model.count_params())}


@task("train_digits", points=3, inputs=_train_inputs, collect=_collect_train,
      answer=lambda inputs: Record({"predicted": Array(shape=(len(inputs["test_index"]),)), "params": Integer()}))
def judge_train_digits(data, inputs):
    y_test = digits()[1][inputs["test_index"]]
    predicted = expect_array(data["predicted"], "the predicted labels", shape=y_test.shape)
    accuracy = float(np.mean(predicted == y_test))
    if accuracy >= 0.9:
        return None
    if accuracy < 0.2:
        raise Fail(f"the model gets {accuracy:.0%} of 400 held-out digits right, about chance (10%): it has not "
                   f"learned. Did fit run, on X_train and y_train, with 'sparse_categorical_crossentropy' for these "
                   f"integer labels and a workable learning rate?")
    raise Fail(f"the model gets {accuracy:.1%} of 400 held-out digits right; the target is 90%. Train for more "
               f"epochs (10 to 20), or raise the learning rate (Adam: 0.003 to 0.01; SGD: about 0.5), and give "
               f"the hidden layer enough units (64).")


# --------------------------------------------------------------------------------------------------------
# Task 5: diagnose


def _history(kind, rng):
    """Made-up training curves that show ``kind`` clearly, as a ``History.history`` dict of lists."""
    epochs = int(rng.integers(12, 21))
    t = np.arange(epochs, dtype=float)
    tau = rng.uniform(1.5, 3.0)
    decay = np.exp(-t / tau)
    wiggle = lambda scale: 1 + rng.normal(0.0, scale, size=epochs)  # noqa: E731 - a tiny multiplicative noise
    if kind == "good fit":
        floor = rng.uniform(0.05, 0.15)
        loss = (floor + (rng.uniform(1.5, 2.3) - floor) * decay) * wiggle(0.003)
        val_loss = loss * rng.uniform(1.1, 1.3) * wiggle(0.003)
        accuracy = rng.uniform(0.96, 0.99) - rng.uniform(0.6, 0.8) * decay
        val_accuracy = accuracy - rng.uniform(0.01, 0.03)
    elif kind == "overfitting":
        floor = rng.uniform(0.005, 0.05)
        loss = (floor + (rng.uniform(1.5, 2.3) - floor) * decay) * wiggle(0.003)
        turn = int(rng.integers(epochs // 4, epochs // 2 + 1))
        lowest = rng.uniform(0.3, 0.6)
        val_loss = np.where(t <= turn, lowest + (loss[0] * 1.1 - lowest) * (1 - t / turn) ** 2,
                            lowest * (1 + rng.uniform(0.3, 0.8) * (t - turn) / (epochs - 1 - turn)))
        val_loss = val_loss * wiggle(0.003)
        accuracy = np.minimum(1.0, rng.uniform(0.99, 1.0) - 0.8 * decay)
        peak = rng.uniform(0.85, 0.9)
        val_accuracy = np.where(t <= turn, peak - 0.7 * (1 - t / turn) ** 2,
                                peak - rng.uniform(0.02, 0.05) * (t - turn) / (epochs - 1 - turn))
    else:  # underfitting: still high and still falling, training and validation alike
        start, end = rng.uniform(2.1, 2.4), rng.uniform(1.0, 1.6)
        loss = (start - (start - end) * (t / (epochs - 1)) ** 0.8) * wiggle(0.002)
        val_loss = loss * rng.uniform(0.98, 1.03)
        accuracy = rng.uniform(0.15, 0.25) + (rng.uniform(0.45, 0.75) - 0.2) * (t / (epochs - 1)) ** 0.8
        val_accuracy = accuracy + rng.uniform(-0.02, 0.01)
    return {name: [round(float(v), 4) for v in values] for name, values in
            [("accuracy", accuracy), ("loss", loss), ("val_accuracy", val_accuracy), ("val_loss", val_loss)]}


def _diagnose_inputs(rng):
    kinds = list(DIAGNOSES) + [str(rng.choice(DIAGNOSES))]
    kinds = [kinds[i] for i in rng.permutation(len(kinds))]
    return {"cases": [{"history": _history(kind, rng)} for kind in kinds], "kinds": kinds}


def _collect_diagnose(answer, inputs):
    return [to_plain(answer(history={key: list(values) for key, values in case["history"].items()}),
                     f"the value it returned for case {number}")
            for number, case in enumerate(inputs["cases"], start=1)]


# Anything per case: the judge checks for one of the three diagnoses itself, to list them.
@task("diagnose", points=2, inputs=_diagnose_inputs, collect=_collect_diagnose,
      answer=lambda inputs: Cases(inputs, ANY))
def judge_diagnose(data, inputs):
    for number, (case, kind, got) in enumerate(zip(inputs["cases"], inputs["kinds"], data), start=1):
        history = case["history"]
        if got not in DIAGNOSES:
            raise Fail(f"diagnose(history) returned {got!r} for history {number}; return exactly one of "
                       f"{', '.join(map(repr, DIAGNOSES))}.")
        if got == kind:
            continue
        val_loss, loss = np.array(history["val_loss"]), np.array(history["loss"])
        best = int(np.argmin(val_loss)) + 1
        summary = (f"history {number} ({len(loss)} epochs): training loss {loss[0]:.2f} -> {loss[-1]:.2f}, "
                   f"validation loss lowest {val_loss.min():.2f} at epoch {best}, {val_loss[-1]:.2f} at the end; "
                   f"accuracy {history['accuracy'][-1]:.0%} training, {history['val_accuracy'][-1]:.0%} validation")
        if kind == "overfitting":
            raise Fail(f"you said {got!r}, but look at {summary}. The validation loss turned UP after epoch {best} "
                       f"(+{val_loss[-1] / val_loss.min() - 1:.0%}) while the training loss kept falling: the "
                       f"network is memorizing its training set. That is overfitting.")
        if kind == "underfitting":
            raise Fail(f"you said {got!r}, but look at {summary}. The training accuracy ends at only "
                       f"{history['accuracy'][-1]:.0%} and both losses are still high and falling: the model has "
                       f"not even learned its training data yet. That is underfitting (train longer, or a bigger "
                       f"model).")
        raise Fail(f"you said {got!r}, but look at {summary}. Both losses fell and levelled off together, the "
                   f"validation loss ends at its lowest, and the training accuracy is high: a good fit. A small, "
                   f"steady gap between training and validation is normal.")


# --------------------------------------------------------------------------------------------------------
# Task 6: early_stopping_epochs


def _keras_early_stopping(val_loss, patience):
    """``(epochs run, epoch whose weights are kept)``, 1-based, as ``EarlyStopping(monitor="val_loss",
    patience=patience, restore_best_weights=True)`` would give (improvement = strictly lower)."""
    best, best_epoch, wait = None, 0, 0
    for epoch, value in enumerate(val_loss):
        wait += 1
        if best is None or value < best:
            best, best_epoch, wait = value, epoch, 0
            continue
        if wait >= patience and epoch > 0:
            return epoch + 1, best_epoch + 1
    return len(val_loss), best_epoch + 1


def _falling(rng, start, count):
    return list(start - np.cumsum(rng.uniform(0.03, 0.15, size=count)))


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
    for case in cases:
        case["val_loss"] = [round(float(v), 4) for v in case["val_loss"]]
    return {"cases": [cases[i] for i in rng.permutation(len(cases))]}


def _collect_early_stopping(answer, inputs):
    return [to_plain(answer(val_loss=list(case["val_loss"]), patience=case["patience"]),
                     f"the value it returned for case {number}")
            for number, case in enumerate(inputs["cases"], start=1)]


def _early_stopping_answer(inputs):
    # A pair per case; a number or an array on its own goes on to the judge, whose hint asks for the pair.
    return Cases(inputs, Either(Items(Number(), Number(), names=("epochs_run", "best_epoch")), Array()))


@task("early_stopping_epochs", points=2, inputs=_early_stopping_inputs, collect=_collect_early_stopping,
      answer=_early_stopping_answer)
def judge_early_stopping_epochs(data, inputs):
    for case, got in zip(inputs["cases"], data):
        val_loss, patience = case["val_loss"], case["patience"]
        what = f"early_stopping_epochs(val_loss, patience={patience}) for val_loss = {val_loss}"
        if type(got) is not list or len(got) != 2:
            raise Fail(f"{what} should return a pair (epochs_run, best_epoch).")
        run, best = (expect_number(value, what) for value in got)
        want_run, want_best = _keras_early_stopping(val_loss, patience)
        if (run, best) == (want_run, want_best):
            continue
        message = f"{what} returned ({run:g}, {best:g}), expected ({want_run}, {want_best})"
        everything_best = int(np.argmin(val_loss)) + 1
        if (run, best) == (want_run - 1, want_best - 1):
            raise Fail(f"{message}: count epochs from 1, as Keras's log does (epoch 1 is val_loss[0]).")
        if best == everything_best != want_best:
            raise Fail(f"{message}: the lowest value overall comes at epoch {everything_best}, but training stopped "
                       f"after epoch {want_run}; early stopping never sees the epochs after it stopped.")
        if run > len(val_loss):
            raise Fail(f"{message}: training cannot run more than len(val_loss) = {len(val_loss)} epochs; when the "
                       f"patience never runs out, it runs them all.")
        if (run, best) == _keras_early_stopping(val_loss, 1) and patience > 1:
            raise Fail(f"{message}: it stopped at the first epoch without improvement. The patience is how many "
                       f"epochs in a row may pass without a new lowest val_loss before it stops ({patience} here).")
        if best == want_best and abs(run - want_run) == 1:
            raise Fail(f"{message}: it stops at the end of the epoch that makes {patience} epochs in a row without "
                       f"improvement, best epoch + patience when that fits in the run.")
        raise Fail(f"{message}. Walk through the epochs: remember the lowest val_loss so far and its epoch; count "
                   f"the epochs since it; stop when that count reaches the patience.")
