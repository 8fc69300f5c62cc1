"""Graded tasks of ``exercises/11_transfer_learning.ipynb``: freeze a base, add a head, fine-tune the top."""

import contextlib

import numpy as np

from .. import (ANY, Cases, Exercise, Fail, Flag, Integer, ListOf, Number, Record, Text, call_each_case,
                describe_model, expect_close, expect_number, weights_digest)
from ._common import MODEL, compile_problem, output_activation, softmax_twice, watching

EXERCISE = Exercise("11_transfer_learning", "Transfer learning and fine-tuning")
task = EXERCISE.task

BASE_LAYERS = ["conv1", "pool1", "conv2", "pool2", "conv3", "norm3", "features"]
FEATURES = 24  # conv3's filters, averaged by the "features" layer


def make_base(seed):
    """A small pretrained-looking CNN base (its weights are seeded, not trained: the checks need its shape only).

    Like the bases of Keras Applications, its top block has a BatchNormalization layer ("norm3"), which stays
    frozen when the top is fine-tuned (lesson 11, section 7).
    """
    from ...env import import_keras

    keras, _ = import_keras()
    layers = keras.layers
    keras.utils.set_random_seed(int(seed))
    return keras.Sequential([
        keras.Input(shape=(16, 16, 1)),
        layers.Conv2D(8, 3, padding="same", activation="relu", name="conv1"),
        layers.MaxPooling2D(2, name="pool1"),
        layers.Conv2D(16, 3, padding="same", activation="relu", name="conv2"),
        layers.MaxPooling2D(2, name="pool2"),
        layers.Conv2D(FEATURES, 3, padding="same", activation="relu", name="conv3"),
        layers.BatchNormalization(name="norm3"),
        layers.GlobalAveragePooling2D(name="features"),
    ], name="base")


def _seed_inputs(rng):
    return {"seed": int(rng.integers(1_000_000)), "n_classes": int(rng.integers(3, 8))}


# A described layer as the judges read it: a nested base lists its own layers. "params" is None until built.
INNER_LAYER = Record({"class": Text(), "name": Text(), "trainable": Flag(), "params": ANY}, extra=True)
LAYER = Record({"class": Text(), "name": Text(), "trainable": Flag(), "params": ANY},
               optional={"layers": ListOf(INNER_LAYER)}, extra=True)
# A described model; the counts are there once it is built, the optimizer once it is compiled.
TRANSFER_MODEL = Record({**MODEL.fields, "layers": ListOf(LAYER)},
                        optional={"params": Integer(), "trainable_params": Integer(), "non_trainable_params": Integer(),
                                  "optimizer": Record({"class": Text(), "learning_rate": Number()}, extra=True)},
                        extra=True)
#: The weights digest of each layer of the base as the check handed it over, by name (None: no weights).
GIVEN = Record({name: ANY for name in BASE_LAYERS})


def _count(value) -> int:
    """A parameter count from a described model or layer as an int; None (not built) counts as 0."""
    return 0 if value is None else int(expect_number(value, "a parameter count"))


def _base_layers(described):
    """The base's layers inside a described model: nested as one layer, or flat."""
    nested = [layer for layer in described["layers"] if layer.get("layers")]
    if nested:
        return nested[0]["layers"], [layer for layer in described["layers"] if not layer.get("layers")]
    names = [layer["name"] for layer in described["layers"]]
    if "features" in names:
        cut = names.index("features") + 1
        return described["layers"][:cut], described["layers"][cut:]
    raise Fail("the model has no base in it: keep the given base (its last layer is named 'features') and put "
               "the new head on top of it")


def _given_digests(model_or_base):
    """``{layer name: weights digest}`` for the base's layers, taken before the learner's function runs."""
    return {layer.name: weights_digest(layer) for layer in model_or_base.layers}


def _weights_lost(base_layers, given):
    """A hint when the base's layers do not hold the weights the check handed over, or ``None``."""
    changed = [layer["name"] for layer in base_layers
               if layer.get("name") in given and layer.get("weights") != given[layer["name"]]]
    if changed:
        return (f"the base's layers {changed} do not hold the pretrained weights they were given: "
                f"keras.models.clone_model (or building the layers again) makes the same architecture with NEW "
                f"random weights. Use the given base object itself.")
    return None


# --------------------------------------------------------------------------------------------------------


def _collect_freeze(answer, inputs):
    base = make_base(inputs["seed"])
    given = _given_digests(base)
    returned = answer(base)
    return {"model": describe_model(returned), "same_object": returned is base,
            "base_trainable": bool(base.trainable), "given": given}


@task("freeze", points=2, inputs=_seed_inputs, collect=_collect_freeze,
      answer=Record({"model": TRANSFER_MODEL, "same_object": Flag(), "base_trainable": Flag(), "given": GIVEN}))
def judge_freeze(data, inputs):
    """A correct answer returns the base it was given (the same object, its pretrained weights untouched) with
    ``base.trainable`` False and every layer's ``trainable`` False, BatchNormalization included: no trainable
    weights, every weight non-trainable. Freezing only the layers leaves ``base.trainable`` True, and a model
    built on it later reads the base as trainable; the text asks for the whole base."""
    model = data["model"]
    if data["same_object"] is False and model.get("params") is not None:
        lost = _weights_lost(model["layers"], data["given"])
        if lost:
            raise Fail(f"freeze(base) returned a new model: {lost}")
        raise Fail("freeze(base) returned a new model; freeze the base you were given and return it itself "
                   "(`base.trainable = False`, then `return base`)")
    if model.get("params") is None:
        raise Fail("freeze(base) should return the base model it froze")
    trainable = _count(model.get("trainable_params"))
    still = [layer["name"] for layer in model["layers"] if layer["trainable"] and layer.get("params")]
    if trainable != 0 or still:
        batch_norm = [layer["name"] for layer in model["layers"]
                      if layer["trainable"] and layer.get("class") == "BatchNormalization"]
        extra = (f" BatchNormalization layers ({batch_norm}) are frozen too: a frozen BN layer keeps its stored "
                 f"statistics." if batch_norm else "")
        raise Fail(f"{trainable:,} parameters are still trainable (layers {still}): set `base.trainable = False`, "
                   f"which freezes the base and every layer in it.{extra}")
    if data["base_trainable"]:
        raise Fail("every layer is frozen, but base.trainable is still True: set `base.trainable = False` on the "
                   "base itself (one line freezes the model and all its layers), so that the base says what it is "
                   "when a new model is built on it")
    if (_count(model.get("non_trainable_params")) != _count(model["params"])
            or [layer["name"] for layer in model["layers"]] != BASE_LAYERS):
        raise Fail("freeze(base) should return the same base, frozen, not a new or changed model")
    lost = _weights_lost(model["layers"], data["given"])
    if lost:
        raise Fail(lost)


def _collect_transfer(answer, inputs):
    base = make_base(inputs["seed"])
    base.trainable = False  # frozen, as freeze() leaves it
    given = _given_digests(base)
    return {"model": describe_model(answer(base, inputs["n_classes"])), "given": given}


@task("transfer_model", points=3, inputs=_seed_inputs, collect=_collect_transfer,
      answer=Record({"model": TRANSFER_MODEL, "given": GIVEN}))
def judge_transfer_model(data, inputs):
    """A correct answer is a new compiled model: input (None, 16, 16, 1), the given base with its pretrained
    weights (not a clone), still frozen in every layer (BatchNormalization included), then a head ending in
    n_classes softmax probabilities (``Dense(n)`` + ``Softmax()`` too, softmax once); only the head trains;
    loss sparse_categorical_crossentropy with from_logits False, no keras.metrics.Accuracy(), Adam."""
    n = inputs["n_classes"]
    model = data["model"]
    if model.get("output_shape") != [None, n]:
        raise Fail(f"the model's output shape is {model.get('output_shape')}, expected [None, {n}]: one "
                   f"probability per class of the new task")
    base, head = _base_layers(model)
    lost = _weights_lost(base, data["given"])
    if lost:
        raise Fail(lost)
    if softmax_twice(model):
        raise Fail("the outputs go through softmax twice (a softmax activation, then a Softmax layer): the second "
                   "squashes the probabilities towards 1/n_classes. Apply it once.")
    if not head or output_activation(model) != "softmax" or not any(layer["class"] == "Dense" for layer in head):
        last = head[-1] if head else base[-1] if base else {"class": "nothing"}
        raise Fail(f"the last layer is a {last['class']} with activation {last.get('activation')!r}; the new head "
                   f"ends in Dense({n}, activation='softmax')")
    head_params = sum(_count(layer.get("params")) for layer in head)
    trainable = _count(model.get("trainable_params"))
    unfrozen = [layer["name"] for layer in base if layer["trainable"] and layer.get("params")]
    if unfrozen:
        batch_norm = [layer["name"] for layer in base
                      if layer["trainable"] and layer.get("class") == "BatchNormalization"]
        extra = (f" BatchNormalization layers ({batch_norm}) above all: a trainable BN layer replaces its stored "
                 f"statistics with those of the new data's batches." if batch_norm else "")
        raise Fail(f"the base's layers {unfrozen} are trainable again: the base must stay frozen while the new "
                   f"head learns, or its large early gradients wreck the pretrained features.{extra}")
    if trainable != head_params:
        raise Fail(f"{trainable:,} parameters are trainable, but the new head has "
                   f"{head_params:,}: only the head should train")
    if not model.get("compiled"):
        raise Fail("the model is not compiled: call compile(...) before returning it")
    if model.get("loss") != "sparse_categorical_crossentropy":
        raise Fail(f"the loss is {model.get('loss')!r}; the new task's labels are integers 0..{n - 1}, which need "
                   f"'sparse_categorical_crossentropy'")
    problem = compile_problem(model, labels="integer")
    if problem:
        raise Fail(problem)
    optimizer = model.get("optimizer") or {}
    if optimizer.get("class") != "Adam":
        raise Fail(f"the optimizer is {optimizer.get('class')}; the task asks for Adam "
                   f"(keras.optimizers.Adam(), or optimizer='adam')")


# --------------------------------------------------------------------------------------------------------


def _unfreeze_inputs(rng):
    seed, classes = (int(n) for n in rng.integers(1_000_000, size=2)), rng.integers(3, 8, size=2)
    counts = [int(n) for n in rng.choice([3, 4, 5], size=2, replace=False)]  # never the same twice
    rates = [float(r) for r in rng.choice([1e-4, 2e-4, 5e-5, 3e-4], size=2, replace=False)]
    return {"cases": [{"seed": s, "n_classes": int(k), "n_layers": n, "learning_rate": r}
                      for s, k, n, r in zip(seed, classes, counts, rates)]}


def _flags(model):
    """The trainable flag of the model's layers and of the layers inside its base, as a tuple to compare."""
    return tuple((layer.name, bool(layer.trainable),
                  tuple(bool(inner.trainable) for inner in getattr(layer, "layers", []))) for layer in model.layers)


@contextlib.contextmanager
def _watched_compiles():
    """Record, for each ``compile`` inside the block, the model's trainable flags at that moment."""
    import keras

    compiles = []
    with watching(keras.Model, "compile", lambda model, *args, **kwargs: compiles.append((model, _flags(model)))):
        yield compiles


def _collect_unfreeze(answer, inputs):
    from ...env import import_keras

    keras, _ = import_keras()
    results = []
    for case in inputs["cases"]:
        base = make_base(case["seed"])
        base.trainable = False
        model = keras.Sequential([keras.Input(shape=(16, 16, 1)), base,
                                  keras.layers.Dense(case["n_classes"], activation="softmax", name="head")])
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy")
        given = _given_digests(base)
        with _watched_compiles() as compiles:
            returned = answer(model, case["n_layers"], case["learning_rate"])
        described = describe_model(returned)
        last = [flags for compiled, flags in compiles if compiled is returned]
        results.append({"model": described, "given": given, "recompiled": bool(last),
                        "compiled_after_change": bool(last) and last[-1] == _flags(returned)})
    return results


@task("unfreeze_top", points=3, inputs=_unfreeze_inputs, collect=_collect_unfreeze,
      answer=lambda inputs: Cases(inputs, Record({"model": TRANSFER_MODEL, "given": GIVEN, "recompiled": Flag(),
                                                  "compiled_after_change": Flag()})))
def judge_unfreeze_top(data, inputs):
    """A correct answer, for two different n_layers and learning rates: the base's last n_layers layers with
    weights are trainable and no others, except BatchNormalization, which stays frozen (lesson 11, section 7);
    ``base.trainable`` is True (a layer inside a frozen base does not train); the head stays trainable; the
    weights are the ones given (no clone); and the model is compiled AFTER the trainable changes (compile is
    called, by the learner, once the flags are as returned), with Adam at the given learning rate and
    sparse_categorical_crossentropy, from_logits False."""
    for case, got in zip(inputs["cases"], data):
        _judge_unfreeze(got, case["n_layers"], case["learning_rate"])


def _judge_unfreeze(got, n, rate):
    data = got["model"]
    where = f"unfreeze_top(model, n_layers={n}, learning_rate={rate:g})"
    base, head = _base_layers(data)
    lost = _weights_lost(base, got["given"])
    if lost:
        raise Fail(f"{where}: {lost}")
    with_weights = [layer["name"] for layer in base if layer.get("params")]
    kinds = {layer["name"]: layer.get("class") for layer in base}
    trainable = [layer["name"] for layer in base if layer["trainable"] and layer.get("params")]
    wanted = [name for name in BASE_LAYERS[-n:] if name in with_weights and kinds[name] != "BatchNormalization"]
    if trainable != wanted:
        hint = ""
        first = [name for name in BASE_LAYERS[:n] if name in with_weights and kinds[name] != "BatchNormalization"]
        batch_norm = [name for name in trainable if kinds[name] == "BatchNormalization"]
        if not trainable:
            hint = " Unfreezing a layer inside a frozen model needs `base.trainable = True` first."
        elif batch_norm and [name for name in trainable if name not in batch_norm] == wanted:
            hint = (f" {batch_norm} are BatchNormalization layers: they stay frozen when you fine-tune (set their "
                    f"`trainable = False` again), or their stored statistics are replaced by those of the new "
                    f"data's batches.")
        elif len(trainable) == len(with_weights):
            hint = " The whole base is trainable: freeze all but its last layers again."
        elif trainable == first:
            hint = " Those are the first layers; fine-tuning unfreezes the top (last) ones."
        raise Fail(f"{where}: the base's trainable layers (with weights) are {trainable}, expected {wanted}: its "
                   f"last {n} layers, BatchNormalization excepted.{hint}")
    if not all(layer["trainable"] for layer in head):
        raise Fail(f"{where}: the head must stay trainable while the top of the base is fine-tuned")
    nested = [layer for layer in data["layers"] if layer.get("layers")]
    expected = sum(_count(layer.get("params")) for layer in base if layer["name"] in wanted) + \
        sum(_count(layer.get("params")) for layer in head)
    trained = _count(data.get("trainable_params"))
    if nested and not nested[0]["trainable"]:
        raise Fail(f"{where}: the top layers say trainable, but base.trainable is still False: the base reports "
                   f"itself frozen (its trainable_weights are empty) while the model around it trains them. "
                   f"Unfreezing a layer inside a frozen model needs `base.trainable = True` first, then freeze "
                   f"all but the top again.")
    if trained != expected:
        raise Fail(f"{where}: {trained:,} parameters train, expected {expected:,}: the last {n} layers of the base "
                   f"(BatchNormalization excepted) and the head.")
    if not got["recompiled"]:
        raise Fail(f"{where}: compile was not called after changing `trainable`: recompile the model (Adam at "
                   f"the given learning rate), or the change does not take effect; setting the optimizer's "
                   f"learning rate alone is not enough")
    if not got["compiled_after_change"]:
        raise Fail(f"{where}: compile was called before the last change of `trainable`, so that change does "
                   f"not take effect: change the flags first, then compile")
    if data.get("loss") != "sparse_categorical_crossentropy":
        raise Fail(f"{where}: the loss is {data.get('loss')!r}; keep 'sparse_categorical_crossentropy'")
    problem = compile_problem(data, labels="integer")
    if problem:
        raise Fail(f"{where}: {problem}")
    optimizer = data.get("optimizer") or {}
    got_rate = expect_number(optimizer.get("learning_rate"), "the optimizer's learning rate")
    if optimizer.get("class") != "Adam":
        raise Fail(f"{where}: the optimizer is {optimizer.get('class')}; recompile with "
                   f"keras.optimizers.Adam(learning_rate=learning_rate)")
    if abs(got_rate - 1e-3) < 1e-9:
        raise Fail(f"{where}: the learning rate is still 0.001: recompile with the low learning rate you were "
                   f"given, so fine-tuning nudges the pretrained weights instead of overwriting them")
    expect_close(got_rate, rate, "the optimizer's learning rate", rtol=1e-4)


# --------------------------------------------------------------------------------------------------------


def _fraction_inputs(rng):
    def case(count, flags):
        params = rng.integers(100, 5000, size=count)
        params[rng.integers(1, count - 1)] = 0  # a layer without weights, such as pooling
        return {"param_counts": [int(p) for p in params], "trainable_flags": [bool(f) for f in flags]}

    count = int(rng.integers(5, 9))
    mixed = rng.random(count) < 0.5
    mixed[0], mixed[1], mixed[-1] = False, True, True  # some of each
    every = int(rng.integers(3, 6))
    return {"cases": [case(count, mixed), case(4, [False] * 4), case(every, [True] * every)]}


@task("trainable_fraction", points=1, inputs=_fraction_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Number()))
def judge_trainable_fraction(data, inputs):
    """A correct answer: the trainable parameters over ALL parameters, a float between 0 and 1, not rounded
    (within 1e-9): for a mix of layers (a weightless one among them), for a fully frozen model (0) and a fully
    trainable one (1). ``param_counts`` and ``trainable_flags`` are lists, as the text says."""
    for case, got in zip(inputs["cases"], data):
        params = np.asarray(case["param_counts"], dtype=float)
        flags = np.asarray(case["trainable_flags"], dtype=bool)
        want = params[flags].sum() / params.sum()
        what = "trainable_fraction(...)"
        value = expect_number(got, what)
        hints = [(np.round(want, decimals), f"it is rounded to {decimals} decimals; return the fraction as it is "
                                            f"(round only when you print it).")
                 for decimals in (1, 2, 3, 4) if not np.isclose(np.round(want, decimals), want, rtol=1e-9, atol=0)]
        hints += [
            (100 * want, "that is a percentage; return the fraction, between 0 and 1."),
            (flags.mean(), "it is the fraction of trainable layers; count parameters, since layers differ in size."),
            (flags[params > 0].mean(), "it is the fraction of trainable layers (those with weights); count "
                                       "parameters, since layers differ in size."),
            (params[~flags].sum() / params.sum(), "it is the frozen fraction; trainable_flags is True for layers "
                                                  "that train."),
            (params[flags].sum(), "that is the number of trainable parameters; divide by the total."),
            (params[flags].sum() // params.sum(), "`//` is whole-number division; use `/`."),
        ]
        if params[~flags].sum():
            hints.append((params[flags].sum() / params[~flags].sum(),
                          "it divides by the non-trainable parameters; divide by ALL parameters."))
        if params[flags].sum():
            hints.append((params.sum() / params[flags].sum(), "it is upside down: trainable over total."))
        expect_close(value, want, what, rtol=1e-9, atol=1e-12, hints=hints)
