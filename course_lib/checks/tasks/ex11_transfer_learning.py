"""Graded tasks of ``exercises/11_transfer_learning.ipynb``: freeze a base, add a head, fine-tune the top."""

import numpy as np

from .. import (ANY, Exercise, Fail, Flag, Integer, ListOf, Number, Record, Text, describe_model, expect_close,
                expect_number)
from ._common import MODEL

EXERCISE = Exercise("11_transfer_learning", "Transfer learning and fine-tuning")
task = EXERCISE.task

BASE_LAYERS = ["conv1", "pool1", "conv2", "pool2", "conv3", "features"]
FEATURES = 24  # conv3's filters, averaged by the "features" layer


def make_base(seed):
    """A small pretrained-looking CNN base (its weights are seeded, not trained: the checks need its shape only)."""
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


# --------------------------------------------------------------------------------------------------------


def _collect_freeze(answer, inputs):
    return describe_model(answer(make_base(inputs["seed"])))


@task("freeze", points=2, inputs=_seed_inputs, collect=_collect_freeze, answer=TRANSFER_MODEL)
def judge_freeze(data, inputs):
    if data.get("params") is None:
        raise Fail("freeze(base) should return the base model it froze")
    trainable = _count(data.get("trainable_params"))
    if trainable != 0:
        still = [layer["name"] for layer in data["layers"] if layer["trainable"] and layer.get("params")]
        raise Fail(f"{trainable:,} parameters are still trainable (layers {still}): set "
                   f"`trainable = False` on every layer, or once on the whole base")
    if (_count(data.get("non_trainable_params")) != _count(data["params"])
            or [layer["name"] for layer in data["layers"]] != BASE_LAYERS):
        raise Fail("freeze(base) should return the same base, frozen, not a new or changed model")


def _collect_transfer(answer, inputs):
    base = make_base(inputs["seed"])
    for layer in base.layers:
        layer.trainable = False
    return describe_model(answer(base, inputs["n_classes"]))


@task("transfer_model", points=3, inputs=_seed_inputs, collect=_collect_transfer, answer=TRANSFER_MODEL)
def judge_transfer_model(data, inputs):
    n = inputs["n_classes"]
    if data.get("output_shape") != [None, n]:
        raise Fail(f"the model's output shape is {data.get('output_shape')}, expected [None, {n}]: one "
                   f"probability per class of the new task")
    base, head = _base_layers(data)
    if not head or head[-1]["class"] != "Dense" or head[-1].get("activation") != "softmax":
        last = head[-1] if head else base[-1] if base else {"class": "nothing"}
        raise Fail(f"the last layer is a {last['class']} with activation {last.get('activation')!r}; the new head "
                   f"ends in Dense({n}, activation='softmax')")
    head_params = sum(_count(layer.get("params")) for layer in head)
    trainable = _count(data.get("trainable_params"))
    if trainable != head_params and any(layer["trainable"] and layer.get("params") for layer in base):
        raise Fail("some of the base's layers are trainable again: the base must stay frozen while the new head "
                   "learns, or its large early gradients wreck the pretrained features")
    if trainable != head_params:
        raise Fail(f"{trainable:,} parameters are trainable, but the new head has "
                   f"{head_params:,}: only the head should train")
    if not data.get("compiled"):
        raise Fail("the model is not compiled: call compile(...) before returning it")
    if data.get("loss") != "sparse_categorical_crossentropy":
        raise Fail(f"the loss is {data.get('loss')!r}; the new task's labels are integers 0..{n - 1}, which need "
                   f"'sparse_categorical_crossentropy'")


def _unfreeze_inputs(rng):
    return {**_seed_inputs(rng), "n_layers": int(rng.integers(2, 4)),
            "learning_rate": float(rng.choice([1e-4, 2e-4, 5e-5]))}


def _collect_unfreeze(answer, inputs):
    from ...env import import_keras

    keras, _ = import_keras()
    base = make_base(inputs["seed"])
    base.trainable = False
    model = keras.Sequential([keras.Input(shape=(16, 16, 1)), base,
                              keras.layers.Dense(inputs["n_classes"], activation="softmax", name="head")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy")
    return describe_model(answer(model, inputs["n_layers"], inputs["learning_rate"]))


@task("unfreeze_top", points=3, inputs=_unfreeze_inputs, collect=_collect_unfreeze, answer=TRANSFER_MODEL)
def judge_unfreeze_top(data, inputs):
    n, rate = inputs["n_layers"], inputs["learning_rate"]
    base, head = _base_layers(data)
    trainable = [layer["name"] for layer in base if layer["trainable"]]
    wanted = BASE_LAYERS[-n:]
    if trainable != wanted:
        hint = ""
        if not trainable:
            hint = " Unfreezing a layer inside a frozen model needs `base.trainable = True` first."
        elif len(trainable) == len(BASE_LAYERS):
            hint = " The whole base is trainable: freeze all but its last layers again."
        elif trainable == BASE_LAYERS[:n]:
            hint = " Those are the first layers; fine-tuning unfreezes the top (last) ones."
        raise Fail(f"trainable base layers are {trainable}, expected the last {n}: {wanted}.{hint}")
    if not all(layer["trainable"] for layer in head):
        raise Fail("the head must stay trainable while the top of the base is fine-tuned")
    nested = [layer for layer in data["layers"] if layer.get("layers")]
    expected = sum(_count(layer.get("params")) for layer in base if layer["name"] in wanted) + \
        sum(_count(layer.get("params")) for layer in head)
    trained = _count(data.get("trainable_params"))
    if (nested and not nested[0]["trainable"]) or trained != expected:
        raise Fail(f"{trained:,} parameters train, expected {expected:,}: the layers say "
                   f"trainable, but the base around them is still frozen. Unfreezing a layer inside a frozen "
                   f"model needs `base.trainable = True` first.")
    if not data.get("compiled") or "optimizer" not in data:
        raise Fail("recompile the model after changing `trainable`, or the change does not take effect")
    got = expect_number(data["optimizer"]["learning_rate"], "the optimizer's learning rate")
    if abs(got - 1e-3) < 1e-9:
        raise Fail("the learning rate is still 0.001: recompile with the low learning rate you were given, so "
                   "fine-tuning nudges the pretrained weights instead of overwriting them")
    expect_close(got, rate, "the optimizer's learning rate", rtol=1e-4)


def _fraction_inputs(rng):
    count = int(rng.integers(4, 9))
    params = rng.integers(0, 5000, size=count)
    params[rng.integers(count)] = 0  # a layer without weights, such as pooling
    flags = rng.random(count) < 0.5
    flags[0], flags[-1] = False, True
    return {"param_counts": params.tolist(), "trainable_flags": flags.tolist()}


@task("trainable_fraction", points=1, inputs=_fraction_inputs, answer=Number())
def judge_trainable_fraction(data, inputs):
    params = np.asarray(inputs["param_counts"], dtype=float)
    flags = np.asarray(inputs["trainable_flags"], dtype=bool)
    got = expect_number(data, "trainable_fraction(param_counts, trainable_flags)")
    expect_close(got, params[flags].sum() / params.sum(), "trainable_fraction(...)", hints=[
        (flags.mean(), "it is the fraction of trainable layers; count parameters, since layers differ in size."),
        (params[~flags].sum() / params.sum(), "it is the frozen fraction; trainable_flags is True for layers that train."),
        (params[flags].sum(), "that is the number of trainable parameters; divide by the total."),
    ])
