"""Graded tasks of ``exercises/12_saving_and_deploying.ipynb``: save, reload and ship a Keras model safely."""

import contextlib
import copy
import json
import os
import re
import tempfile
import warnings
from pathlib import Path

import numpy as np

from .. import (ANY, Array, Cases, Either, Exercise, Fail, Flag, Integer, Items, ListOf, Number, Record, Text,
                describe_model, expect_array, expect_number, to_plain, weights_digest)
from ._common import MODEL, distinct_sizes, forgot_return, watching

EXERCISE = Exercise("12_saving_and_deploying", "Saving and deploying models")
task = EXERCISE.task

LUMA = np.array([0.299, 0.587, 0.114])  # the gray weights of lesson 05 (course_lib.data.to_grayscale)


# --------------------------------------------------------------------------------------------------------
# Shared by the collect functions (they run in the learner's kernel, where Keras is imported)


@contextlib.contextmanager
def _scratch():
    """A temporary ``folder`` for the learner's files, with the current directory moved to a second one.

    Yields ``(folder, elsewhere)``: whatever the learner's code writes outside ``folder`` with a relative
    path lands in ``elsewhere`` (and not in the learner's notebook folder), so the judge can point at it.
    Both are deleted afterwards.
    """
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="nn_course_") as root:
        folder, elsewhere = Path(root) / "folder", Path(root) / "elsewhere"
        folder.mkdir()
        elsewhere.mkdir()
        os.chdir(elsewhere)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # Keras's notes on unbuilt metrics are not the learner's business
                yield folder, elsewhere
        finally:
            os.chdir(here)


def _files(folder):
    """The files under ``folder``, as sorted relative paths with ``/``."""
    return sorted(path.relative_to(folder).as_posix() for path in Path(folder).rglob("*") if path.is_file())


def _written(folder, elsewhere):
    """Where the learner's code wrote: inside ``folder``, in the current folder, and next to ``folder``.

    A file next to ``folder`` (in the scratch root) comes from a path glued as strings without a separator,
    ``str(folder) + "name.keras"``, which names ``.../foldername.keras``.
    """
    root = Path(folder).parent
    beside = sorted(path.name for path in root.iterdir() if path.is_file())
    return {"files": _files(folder), "outside": _files(elsewhere), "beside": beside}


def _outputs(model, X):
    """The model's outputs for ``X`` as a float64 NumPy array (one call, one batch: repeatable to the bit)."""
    import keras

    return np.asarray(keras.ops.convert_to_numpy(model(X, training=False)), dtype=np.float64)


def _expect_model(value, function):
    import keras

    if not isinstance(value, keras.Model):
        raise Fail(f"{function} should return a keras.Model, got "
                   + (f"None{forgot_return(value, 'it')}" if value is None
                      else f"a {type(value).__module__}.{type(value).__qualname__}"))
    return value


def _comparison(original, returned, X):
    want, got = _outputs(original, X), _outputs(returned, X)
    if want.shape != got.shape:
        return {"identical": False, "difference": None, "shapes": [list(want.shape), list(got.shape)]}
    return {"identical": bool(np.array_equal(want, got)), "difference": float(np.abs(want - got).max())}


# What _comparison adds to an answer: "difference" is None, and "shapes" says why, when the outputs' shapes differ.
COMPARISON = {"identical": Flag(), "difference": ANY}
SHAPES = {"shapes": Items(ListOf(Integer()), ListOf(Integer()), names=("the original's", "the returned model's"))}
# Where a task wrote its files: paths relative to `folder`, to the current folder, and files next to `folder`.
FILES = {"files": ListOf(Text()), "outside": ListOf(Text()), "beside": ListOf(Text())}


def _judge_files(data, want, function, save_call):
    """The common checks on where a task wrote its file(s): one file ``want`` inside ``folder``."""
    outside, files = data["outside"], data["files"]
    if data["beside"] and not files:
        name = data["beside"][0]
        raise Fail(f"{function} wrote {name} NEXT to `folder`, not inside it: the path was glued together as text "
                   f"without a separator (str(folder) + \"name\" gives .../folder{name.removeprefix('folder')}). Join "
                   f"paths with /, which puts the separator in: {save_call}.")
    if outside:
        raise Fail(f"{function} wrote {outside} into the current folder instead of into `folder`: build the path "
                   f"from the folder you are given, {save_call}.")
    if files == [want]:
        return
    if not files:
        raise Fail(f"{function} saved nothing into `folder`: {save_call}. (The check looks for the file: a "
                   f"round trip that never touches the disk proves nothing.)")
    shown = ", ".join(files[:6]) + (" ..." if len(files) > 6 else "")
    if any(name.endswith("saved_model.pb") for name in files):
        raise Fail(f"{function} wrote a SavedModel folder ({shown}): model.export is for serving the forward pass; "
                   f"{save_call}.")
    if len(files) > 1:
        raise Fail(f"{function} wrote {len(files)} files ({shown}); write exactly one, {want}: {save_call}.")
    name = files[0]
    if want.endswith(".keras") and name.endswith(".weights.h5"):
        raise Fail(f"{function} wrote {name}: that holds the weights only, no architecture or compile settings. "
                   f"Save the whole model: {save_call}.")
    if want.endswith(".keras") and name.endswith(".h5"):
        raise Fail(f"{function} wrote {name}, the legacy HDF5 model format that Keras 3 only keeps so that old "
                   f"files still load. Use the native format: {save_call}.")
    if want.endswith(".weights.h5") and name.endswith(".keras"):
        raise Fail(f"{function} wrote {name}, the whole model; this task keeps the weights only: {save_call}.")
    if "." not in name:
        raise Fail(f"{function} wrote {name}, a file name without a suffix; Keras 3 picks the format from the "
                   f"suffix: {save_call}.")
    raise Fail(f"{function} wrote {name}; the file should be called {want} (named after the model, "
               f"model.name = {want.split('.')[0]!r}): {save_call}.")


def _judge_predictions(data, function, how):
    if data.get("identical"):
        return
    if data.get("difference") is None:
        original, returned = data.get("shapes") or (None, None)
        raise Fail(f"the model from {function} gives outputs of shape {returned}, the original "
                   f"{original}: it is not the same network.")
    difference = expect_number(data["difference"], "the largest difference of the outputs", finite=False)
    raise Fail(f"the model from {function} predicts differently from the original (by up to "
               f"{difference:.3g}). The same weights and the same code give bitwise identical outputs, so "
               f"something was lost on the way: {how}")


# --------------------------------------------------------------------------------------------------------
# Task 1: save_and_reload


def _dense_inputs(rng):
    n_inputs, hidden, n_classes = int(rng.integers(3, 9)), int(rng.choice([4, 6, 8])), int(rng.integers(2, 6))
    return {"n_inputs": n_inputs, "hidden": hidden, "n_classes": n_classes,
            "W1": rng.normal(0, 0.7, size=(n_inputs, hidden)).astype(np.float32),
            "b1": rng.normal(0, 0.1, size=hidden).astype(np.float32),
            "W2": rng.normal(0, 0.7, size=(hidden, n_classes)).astype(np.float32),
            "b2": rng.normal(0, 0.1, size=n_classes).astype(np.float32),
            "X": rng.normal(size=(6, n_inputs)).astype(np.float32),
            "name": f"{rng.choice(['digits', 'shapes', 'moons', 'scans'])}_net_{int(rng.integers(1, 100))}",
            "learning_rate": float(rng.choice([0.0005, 0.002, 0.003, 0.01]))}


def _dense_model(inputs):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(inputs["n_inputs"],), name="features"),
                              layers.Dense(inputs["hidden"], activation="relu", name="hidden"),
                              layers.Dense(inputs["n_classes"], activation="softmax", name="output")],
                             name=inputs["name"])
    model.set_weights([inputs["W1"], inputs["b1"], inputs["W2"], inputs["b2"]])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=inputs["learning_rate"]),
                  loss="sparse_categorical_crossentropy")
    return model


def _collect_save_and_reload(answer, inputs):
    model = _dense_model(inputs)
    with _scratch() as (folder, elsewhere):
        returned = answer(model=model, folder=folder)
        written = _written(folder, elsewhere)
    returned = _expect_model(returned, "save_and_reload(model, folder)")
    return {**written, "same_object": returned is model,
            "model": describe_model(returned), **_comparison(model, returned, inputs["X"])}


RELOADED = Record({**MODEL.fields}, optional={"optimizer": Record({"class": Text(), "learning_rate": Number()}, extra=True)},
                  extra=True)


@task("save_and_reload", points=2, inputs=_dense_inputs, collect=_collect_save_and_reload,
      answer=Record({**FILES, "same_object": Flag(), "model": RELOADED, **COMPARISON}, optional=SHAPES))
def judge_save_and_reload(data, inputs):
    """The specification, clause by clause (a compiled two-layer network, Adam at a rate other than the default):

    - exactly one file, `<model.name>.keras`, inside `folder` (not next to it, not in the current folder; not
      .h5, .weights.h5 or a SavedModel);
    - the returned model is a new object, not the one given, and predicts bitwise what the original does;
    - it keeps the compile settings the file holds: compiled, the same optimizer class and learning rate, the
      same loss (sparse categorical cross-entropy, from_logits=False).
    """
    name, function = inputs["name"], "save_and_reload(model, folder)"
    want = f"{name}.keras"
    _judge_files(data, want, function, f"model.save(folder / f\"{{model.name}}.keras\") writes {want}")
    if data["same_object"]:
        raise Fail(f"{function} returned the very model it was given, so nothing shows that the file works: "
                   f"return keras.models.load_model(path), the copy read back from {want}.")
    _judge_predictions(data, function, "did you load a different file, or build a new model?")
    model = data["model"]
    if not model.get("compiled"):
        raise Fail(f"the model from {function} is not compiled, but a .keras file keeps the compile settings: load "
                   f"it with keras.models.load_model(path) as it is (without compile=False).")
    optimizer = model.get("optimizer") or {}
    rate = expect_number(optimizer.get("learning_rate", 0.0), "the optimizer's learning rate", finite=False)
    if optimizer.get("class") != "Adam" or not np.isclose(rate, inputs["learning_rate"], rtol=1e-5):
        raise Fail(f"the model from {function} has the optimizer {optimizer.get('class')} with learning rate "
                   f"{rate:.4g}; the original was compiled with Adam at "
                   f"{inputs['learning_rate']:g}, and the .keras file keeps it: load the file as it is, without "
                   f"compiling it again.")
    loss = model.get("loss_detail") or {}
    if loss.get("name") != "sparse_categorical_crossentropy" or loss.get("from_logits"):
        shown = loss.get("name") if not loss.get("from_logits") else f"{loss.get('name')} with from_logits=True"
        raise Fail(f"the model from {function} has the loss {shown}; the original was compiled with "
                   f"sparse_categorical_crossentropy, and the .keras file keeps it: load the file as it is, "
                   f"without compiling it again.")


# --------------------------------------------------------------------------------------------------------
# Task 2: restore_weights


def _cnn_inputs(rng):
    filters, n_classes = int(rng.choice([3, 4, 6])), int(rng.integers(2, 6))
    return {"filters": filters, "n_classes": n_classes,
            "K": rng.normal(0, 0.5, size=(3, 3, 1, filters)).astype(np.float32),
            "b": rng.normal(0, 0.1, size=filters).astype(np.float32),
            "W": rng.normal(0, 0.5, size=(4 * filters, n_classes)).astype(np.float32),
            "c": rng.normal(0, 0.1, size=n_classes).astype(np.float32),
            "X": rng.uniform(0, 1, size=(5, 6, 6, 1)).astype(np.float32),
            "name": f"{rng.choice(['tiny', 'small', 'mini'])}_cnn_{int(rng.integers(1, 100))}"}


def _cnn_model(inputs):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(6, 6, 1), name="pixels"),
                              layers.Conv2D(inputs["filters"], 3, activation="relu", name="conv"),  # (4, 4, f)
                              layers.MaxPooling2D(2, name="pool"),                                  # (2, 2, f)
                              layers.Flatten(name="flatten"),                                       # (4 f,)
                              layers.Dense(inputs["n_classes"], activation="softmax", name="output")],
                             name=inputs["name"])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003), loss="sparse_categorical_crossentropy")
    return model


@contextlib.contextmanager
def _recorded_loads():
    """Record the models that ``load_weights`` is called on (their ids), while the block runs."""
    import keras

    loads = []
    with watching(keras.Model, "load_weights", lambda model, *args, **kwargs: loads.append(id(model))):
        yield loads


def _collect_restore_weights(answer, inputs):
    model = _cnn_model(inputs)
    model.set_weights([inputs["K"], inputs["b"], inputs["W"], inputs["c"]])
    trained = weights_digest(model)
    built = []  # (model, the digest of its weights when build_model made it)

    def build_model():
        fresh = _cnn_model(inputs)  # new random weights, the same architecture and name
        built.append((fresh, weights_digest(fresh)))
        return fresh

    with _scratch() as (folder, elsewhere), _recorded_loads() as loads:
        returned = answer(model=model, build_model=build_model, folder=folder)
        written = _written(folder, elsewhere)
    returned = _expect_model(returned, "restore_weights(model, build_model, folder)")
    origin = next((start for fresh, start in built if fresh is returned), None)
    now = weights_digest(returned)
    return {**written, "same_object": returned is model, "builds": len(built), "from_build": origin is not None,
            "unchanged": origin is not None and now == origin, "holds_trained": now == trained,
            "trained_elsewhere": any(fresh is not returned and weights_digest(fresh) == trained for fresh, _ in built),
            "loaded": id(returned) in loads, **_comparison(model, returned, inputs["X"])}


@task("restore_weights", points=2, inputs=_cnn_inputs, collect=_collect_restore_weights,
      answer=Record({**FILES, "same_object": Flag(), "builds": Integer(), "from_build": Flag(), "unchanged": Flag(),
                     "holds_trained": Flag(), "trained_elsewhere": Flag(), "loaded": Flag(), **COMPARISON},
                    optional=SHAPES))
def judge_restore_weights(data, inputs):
    """The specification, clause by clause (a small CNN holding "trained" weights; build_model makes its twin):

    - exactly one file, `<model.name>.weights.h5`, inside `folder`;
    - the returned model is one that build_model() made (not the given model, not a clone), and no longer holds
      the fresh weights it was built with, but the original's (weights_digest), read from the file with
      load_weights (not copied in memory with set_weights);
    - it predicts bitwise what the original does.
    """
    name, function = inputs["name"], "restore_weights(model, build_model, folder)"
    want = f"{name}.weights.h5"
    _judge_files(data, want, function, f"model.save_weights(folder / f\"{{model.name}}.weights.h5\") writes {want}")
    if data["same_object"]:
        raise Fail(f"{function} returned the model it was given. The point is to rebuild: make a new model with "
                   f"build_model(), load the weights from {want} into it, and return that one.")
    if not data["from_build"]:
        raise Fail(f"{function} returned a model that build_model() did not make (it was called {data['builds']} "
                   f"times): the weights file has no architecture, so your code rebuilds it with build_model(), "
                   f"then loads the weights into that model.")
    if data["unchanged"] and data["trained_elsewhere"]:
        raise Fail(f"build_model() was called {data['builds']} times, and the weights went into a model you did not "
                   f"return: the one returned still has its random weights. Keep the new model in a variable, "
                   f"fresh = build_model(), load into it and return that same object.")
    if data["unchanged"]:
        raise Fail(f"the model from {function} still has the random weights build_model() gave it: call "
                   f"fresh.load_weights(path) before returning it.")
    if data["holds_trained"] and not data["loaded"]:
        raise Fail(f"the model from {function} holds the right weights, but you never called load_weights on it: "
                   f"they were copied in memory (set_weights), so nothing shows that the file you saved can restore "
                   f"them. Load them from the file: fresh.load_weights(path).")
    _judge_predictions(data, function, "load the weights from the file you saved, into the model you return.")


# --------------------------------------------------------------------------------------------------------
# Task 3: Standardize, a custom layer that survives saving


def _standardize_inputs(rng):
    channels, n_classes = int(rng.integers(2, 4)), int(rng.integers(2, 5))  # 2 or 3 channels: one mean each
    return {"mean": np.round(rng.uniform(0.2, 0.6, size=channels), 3),
            "std": np.round(rng.uniform(0.1, 0.4, size=channels), 3),
            "layer_name": f"standardize_{int(rng.integers(1, 1000))}",
            "W": rng.normal(0, 0.5, size=(4 * 4 * channels, n_classes)).astype(np.float32),
            "X": rng.uniform(0, 1, size=(4, 4, 4, channels)).astype(np.float32)}


def _short(error):
    text = f"{type(error).__name__}: {error}"
    text = text.split("\n\nconfig=")[0]
    return text[:400] + (" ..." if len(text) > 400 else "")


def _collect_standardize(answer, inputs):
    import keras
    from keras import layers

    if not (isinstance(answer, type) and issubclass(answer, layers.Layer)):
        raise Fail(f"Standardize should be the layer class (a subclass of keras.layers.Layer), got a "
                   f"{type(answer).__name__}: did another cell overwrite it?")
    data = {"own_get_config": getattr(answer, "get_config", None) is not layers.Layer.get_config,
            "registered": keras.saving.get_registered_name(answer)}
    if not data["own_get_config"]:
        return data
    layer = answer(mean=inputs["mean"].copy(), std=inputs["std"].copy(), name=inputs["layer_name"])
    X = inputs["X"]
    standardized = np.asarray(keras.ops.convert_to_numpy(layer(X)), dtype=np.float64)
    data["uses_stored"] = bool(np.allclose(standardized, (X - inputs["mean"]) / inputs["std"], rtol=1e-4, atol=1e-5))
    config = layer.get_config()  # the stub's NotImplementedError goes up: "not attempted"
    data["config_type"] = type(config).__name__
    data["keys"] = sorted(str(key) for key in config) if isinstance(config, dict) else None
    try:
        json.dumps(config)
        data["json_error"] = None
    except (TypeError, ValueError) as error:
        data["json_error"] = str(error)[:200]
    if data["keys"] is None:
        return data
    channels, n_classes = len(inputs["mean"]), inputs["W"].shape[1]
    model = keras.Sequential([keras.Input(shape=(4, 4, channels)), layer, layers.Flatten(),
                              layers.Dense(n_classes, activation="softmax")])
    model.layers[-1].set_weights([inputs["W"], np.zeros(n_classes, dtype=np.float32)])
    with _scratch() as (folder, _):
        path = folder / "standardized.keras"
        try:
            model.save(path)
            data["save_error"] = None
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001 - reported to the learner, with the hint that fits
            data["save_error"] = _short(error)
            return data
        # custom_objects by the registered name: finds *this* class even if an older one was registered since
        custom = {data["registered"]: answer} if ">" in data["registered"] else None
        try:
            loaded = keras.models.load_model(path, custom_objects=custom)
            data["load_error"] = None
        except Exception as error:  # noqa: BLE001
            data["load_error"] = _short(error)
            return data
    loaded_layer = loaded.layers[0]
    data.update(loaded_class=type(loaded_layer).__name__, loaded_name=loaded_layer.name,
                mean=to_plain(np.asarray(getattr(loaded_layer, "mean", np.nan), dtype=float)),
                std=to_plain(np.asarray(getattr(loaded_layer, "std", np.nan), dtype=float)),
                **_comparison(model, loaded, inputs["X"]))
    return data


# The collect stops at the first step that fails, so only the first two keys are always there; the judge reads the
# others in the same order, with .get: a missing error reads as none, a missing name, mean or std fails. "keys" is
# None when get_config gave no dict, each error None when its step worked; the reloaded mean and std keep their shape.
STANDARDIZE = Record({"own_get_config": Flag(), "registered": Text()},
                     optional={"uses_stored": Flag(),
                               "config_type": Text(), "keys": ANY, "json_error": ANY, "save_error": ANY,
                               "load_error": ANY, "loaded_class": Text(), "loaded_name": Text(), "mean": Array(),
                               "std": Array(), **COMPARISON, **SHAPES})


@task("Standardize", points=2, inputs=_standardize_inputs, collect=_collect_standardize, answer=STANDARDIZE)
def judge_standardize(data, inputs):
    """The specification, clause by clause (2 or 3 channels, a layer with a name of its own):

    - the class is registered and has its own get_config;
    - the layer computes (x - mean) / std with the mean and std it was made with (the training set's), not
      statistics of the batch it is called on;
    - get_config returns a dict with the base class's keys (name, dtype, trainable) and `mean` and `std`, all
      JSON-serialisable (lists of Python floats);
    - a model holding the layer saves and loads; the reloaded layer has the same name, one mean and one std per
      channel equal to the saved ones, and the model predicts bitwise as before.
    """
    if not data["own_get_config"]:
        raise Fail("Standardize has no get_config method of its own. Keras cannot guess how to remake the layer "
                   "(its arguments are NumPy arrays), so define get_config(self) returning a dict of them.")
    if ">" not in data["registered"]:
        raise Fail("Standardize is not registered, so load_model will not find the class: keep the line "
                   "@keras.saving.register_keras_serializable(package=\"exercises\") right above `class Standardize`.")
    if data.get("uses_stored") is False:
        raise Fail("the layer does not compute (x - mean) / std with the mean and std it was made with: it seems to "
                   "use statistics of the batch it is called on. A deployed model sees one image at a time, so it "
                   "must standardize with the training set's statistics, stored in the layer: (inputs - self.mean) / "
                   "self.std.")
    keys = data.get("keys")
    if type(keys) is not list:
        forgot = (": did you forget to `return` it? config.update(...) changes the dict but returns None"
                  if data.get("config_type") == "NoneType" else "")
        raise Fail(f"get_config returned a {data.get('config_type')}{forgot}; it should return a dict: "
                   f"{{**super().get_config(), \"mean\": ..., \"std\": ...}}.")
    missing = [key for key in ("mean", "std") if key not in keys]
    if missing:
        raise Fail(f"the dict from get_config has the keys {keys} but not {' or '.join(map(repr, missing))}. Loading "
                   f"calls Standardize(**config), so every argument of __init__ must be in it, under its own name.")
    if "name" not in keys:
        raise Fail(f"the dict from get_config has only the keys {keys}: the layer's name, dtype and trainable flag "
                   f"are missing, so the reloaded layer loses them. Start from the base class's config: "
                   f"{{**super().get_config(), \"mean\": ..., \"std\": ...}}.")
    if data.get("json_error"):
        numbers = (" list(self.mean) is no better: a list of NumPy float32 numbers, which JSON cannot store either."
                   if "float32" in data["json_error"] else "")
        raise Fail(f"the dict from get_config cannot be written as JSON ({data['json_error']}): config.json holds "
                   f"plain values only. Turn the NumPy arrays into lists of Python floats with self.mean.tolist()."
                   f"{numbers}")
    if data.get("save_error"):
        raise Fail(f"saving a model with a Standardize layer failed: {data['save_error']}")
    if data.get("load_error"):
        raise Fail(f"saving worked, but loading it back failed: {data['load_error']}")
    if data.get("loaded_name") != inputs["layer_name"]:
        raise Fail(f"the reloaded layer is called {data.get('loaded_name')!r}, the saved one {inputs['layer_name']!r}: "
                   f"start get_config from super().get_config(), which holds the name.")
    for key in ("mean", "std"):
        got = expect_array(data.get(key), f"the reloaded layer's {key}", finite=False)
        if got.shape == () and inputs[key].shape != ():
            raise Fail(f"the reloaded layer has {key} = {float(got):.4g}, a single number, but the saved one had "
                       f"one number per channel, {inputs[key].tolist()}: get_config should keep them all, "
                       f"self.{key}.tolist().")
        if got.shape != inputs[key].shape or not np.allclose(got, inputs[key], rtol=1e-6):
            raise Fail(f"the reloaded layer has {key} = {np.round(got, 4).tolist()}, the saved one "
                       f"{inputs[key].tolist()}: "
                       f"get_config should return self.{key} under the key {key!r}.")
    _judge_predictions(data, "load_model", "the reloaded layer should compute (x - mean) / std as before.")


# --------------------------------------------------------------------------------------------------------
# Task 4: preprocess, driven by the metadata


def _bilinear_weights(in_size, out_size):
    """``(out_size, in_size)`` matrix of Pillow's bilinear resampling along one axis (antialiased when shrinking).

    Plain NumPy, so that this judge needs no imaging library; it matches ``course_lib.data.resize`` to about
    1e-5 on the 0..255 scale.
    """
    scale = in_size / out_size
    support = max(scale, 1.0)  # the triangle filter widens when shrinking
    weights = np.zeros((out_size, in_size))
    for i in range(out_size):
        center = (i + 0.5) * scale
        low, high = max(int(center - support + 0.5), 0), min(int(center + support + 0.5), in_size)
        x = np.arange(low, high)
        w = np.maximum(0.0, 1.0 - np.abs((x - center + 0.5) / support))
        weights[i, low:high] = w / w.sum()
    return weights


def _resize(image, height, width):
    """Bilinear resize of an ``(h, w, c)`` float image, rows then columns."""
    image = np.einsum("ij,jkc->ikc", _bilinear_weights(image.shape[0], height), image)
    return np.einsum("ij,kjc->kic", _bilinear_weights(image.shape[1], width), image)


def _preprocess_reference(image, metadata, *, gray_weights=LUMA, invert=None, scale="255"):
    """The pipeline of the task; ``scale`` "max" or "minmax" gives the slip of scaling by the image's own values."""
    height, width, channels = metadata["input_shape"]
    x = np.asarray(image, dtype=np.float64)
    x = x[..., np.newaxis] if x.ndim == 2 else x
    if channels == 1 and x.shape[-1] == 3:
        x = (x @ gray_weights)[..., np.newaxis]
    elif channels == 3 and x.shape[-1] == 1:
        x = np.repeat(x, 3, axis=-1)
    if x.shape[:2] != (height, width):
        x = _resize(x, height, width)
    if scale == "max":
        x = x / x.max()
    elif scale == "minmax":
        x = (x - x.min()) / (x.max() - x.min())
    else:
        x = x / 255.0
    invert = metadata["preprocessing"]["invert"] if invert is None else invert
    return 1.0 - x if invert else x


def _metadata(rng, channels, invert):
    height, width = distinct_sizes(rng, 2, 6, 17)  # never square
    n_classes = int(rng.integers(3, 11))
    return {"name": f"{'gray' if channels == 1 else 'color'}_model", "version": int(rng.integers(1, 5)),
            "classes": [str(k) for k in range(n_classes)],
            "input_shape": [height, width, channels],
            "preprocessing": {"color": ("grayscale, 0.299 R + 0.587 G + 0.114 B" if channels == 1 else
                                        "RGB, gray images repeated on 3 channels"),
                              "resize": "bilinear, to input_shape",
                              "scale": "divide by 255",
                              "invert": bool(invert)}}


def _preprocess_inputs(rng):
    def image(shape):
        # no pure black or white: dividing by the image's own maximum, or stretching its own range, then differs
        # from dividing by 255 (and from each other) by more than the tolerance
        return rng.integers(8, 248, size=shape, dtype=np.uint8)

    def other_size(metadata, kind):
        """A file size different from the model's: "bigger" or "smaller" on both axes, or "mixed"."""
        height, width, _ = metadata["input_shape"]
        while True:
            if kind == "bigger":
                size = int(rng.integers(height + 2, 33)), int(rng.integers(width + 2, 33))
            elif kind == "smaller":
                size = int(rng.integers(3, height - 1)), int(rng.integers(3, width - 1))
            else:  # taller but narrower
                size = int(rng.integers(height + 2, 33)), int(rng.integers(3, width - 1))
            if size != (width, height):
                return size

    inverts = rng.permutation([True, False, True, False])
    cases = []
    gray = _metadata(rng, 1, inverts[0])
    cases.append({"image": image(other_size(gray, "bigger") + (3,)), "metadata": gray})   # RGB file, gray model
    gray = _metadata(rng, 1, inverts[1])
    cases.append({"image": image(other_size(gray, "smaller")), "metadata": gray})         # (h, w) gray file
    color = _metadata(rng, 3, inverts[2])
    cases.append({"image": image(other_size(color, "mixed") + (1,)), "metadata": color})  # (h, w, 1), colour model
    color = _metadata(rng, 3, inverts[3])
    cases.append({"image": image(tuple(color["input_shape"][:2]) + (3,)), "metadata": color})  # right size already
    return {"cases": [cases[i] for i in rng.permutation(len(cases))]}


def _collect_preprocess(answer, inputs):
    # the image itself (the guard sees a change to it); the metadata a copy, so that the inputs stay as drawn
    return [to_plain(answer(image=case["image"], metadata=copy.deepcopy(case["metadata"])),
                     f"the value it returned for case {number}")
            for number, case in enumerate(inputs["cases"], start=1)]


# Arrays of any shape: the judge's own message for a wrong shape names the slip (a lost channel axis, ...).
@task("preprocess", points=3, inputs=_preprocess_inputs, collect=_collect_preprocess,
      answer=lambda inputs: Cases(inputs, Array()))
def judge_preprocess(data, inputs):
    """The specification, clause by clause (four images: an RGB file for a gray model, a (h, w) gray file and a
    (h, w, 1) one for colour models, one already at the model's size; files bigger, smaller, and taller but
    narrower than the model's never-square input; inverted or not, two of each):

    - the result has shape (height, width, channels) of input_shape, in that order, channel axis kept;
    - gray from RGB with the luminance weights, gray repeated on three channels for an RGB model;
    - a bilinear resize of every image whose size differs, smaller ones too;
    - divided by the fixed 255 (not by the image's own maximum or range), then 1 - v where invert is True;
    - float32; the caller's image is left as it was (the framework's guard).
    """
    for case, got in zip(inputs["cases"], data):
        image, metadata = case["image"], case["metadata"]
        height, width, channels = metadata["input_shape"]
        invert = metadata["preprocessing"]["invert"]
        what = (f"preprocess(image, metadata) for a {image.dtype} image of shape {image.shape} and a model with "
                f"input_shape {metadata['input_shape']} (invert={invert})")
        array = expect_array(got, what, finite=False)
        want = _preprocess_reference(image, metadata)
        if array.shape != want.shape:
            hint = ""
            if array.shape == (height, width):
                hint = ": the channel axis is missing; Keras wants (height, width, channels), so add it back."
            elif array.shape == (1,) + want.shape:
                hint = ": that has a batch axis; return one image, (height, width, channels)."
            elif array.shape == (width, height, channels):
                hint = (": height and width are swapped. input_shape is [height, width, channels]; "
                        "course_lib.data.resize takes (height, width), but PIL's Image.resize takes (width, height).")
            elif array.shape[:2] == image.shape[:2]:
                hint = (": the image was not resized to the model's input size. Resize every image whose size "
                        "differs from (height, width), smaller ones too.")
            elif array.shape == (height, width, 4 - channels):
                hint = (": this model takes 3 channels (RGB); repeat a gray image on all three."
                        if channels == 3 else ": this model takes gray images, 1 channel; convert RGB to gray.")
            raise Fail(f"{what} has shape {array.shape}, expected {want.shape}{hint}")
        if not np.all(np.isfinite(array)):
            raise Fail(f"{what} contains NaN or inf.")
        if array.max() > 1.5 or array.min() < -0.5:
            raise Fail(f"{what} has values from {array.min():.4g} to {array.max():.4g}; the model was trained on "
                       f"values in 0..1: divide the 0..255 pixels by 255 (metadata: "
                       f"\"{metadata['preprocessing']['scale']}\").")
        tolerance = 3e-3  # resizing the uint8 image before converting it rounds each pixel: at most 0.5 / 255
        if np.allclose(array, want, rtol=0, atol=tolerance):
            dtype = got["__ndarray__"] if type(got) is dict else "a list"
            if dtype != "float32":
                raise Fail(f"{what} has the right values but is {dtype}; return float32, the dtype the model's "
                           f"weights use: .astype(np.float32).")
            continue
        hints = [(_preprocess_reference(image, metadata, invert=not invert),
                  f"it is {'not ' if invert else ''}inverted. metadata['preprocessing']['invert'] is {invert}: "
                  + ("after scaling, replace each value v by 1 - v." if invert else "leave the values as they are."))]
        for scale, message in (("max", "each image was divided by its own largest pixel, not by 255. The model was "
                                        "trained on pixels / 255; scaling by the image's own values makes a dim "
                                        "image look bright. Divide by the fixed 255."),
                               ("minmax", "each image was stretched from its own darkest and brightest pixel to 0..1 "
                                          "(min-max), not divided by 255. The model was trained on pixels / 255, "
                                          "the same fixed scale for every image: divide by 255.")):
            hints.append((_preprocess_reference(image, metadata, scale=scale), message))
        if image.ndim == 3 and image.shape[-1] == 3 and channels == 1:
            hints.append((_preprocess_reference(image, metadata, gray_weights=np.full(3, 1 / 3)),
                          "the colour image was turned gray with a plain mean of R, G and B; use the luminance "
                          "weights 0.299 R + 0.587 G + 0.114 B, as in training (course_lib.data.to_grayscale)."))
        for candidate, message in hints:
            if np.allclose(array, candidate, rtol=0, atol=tolerance):
                raise Fail(f"{what} is wrong: {message}")
        index = np.unravel_index(np.argmax(np.abs(array - want)), want.shape)
        raise Fail(f"{what} is wrong at index {tuple(int(i) for i in index)}: expected {want[index]:.4f}, got "
                   f"{array[index]:.4f}. The steps, in this order: the model's number of channels (gray or RGB), "
                   f"bilinear resize to (height, width) (course_lib.data.resize), divide by 255, then invert if "
                   f"the metadata says so.")


# --------------------------------------------------------------------------------------------------------
# Task 5: predict_labels

NAMES = ["cat", "dog", "bird", "fish", "horse", "frog", "ship", "truck", "plane", "car"]


def _predict_inputs(rng):
    cases = []
    for case in range(2):
        n_classes = int(rng.integers(5, 9))
        n_rows = int(rng.integers(3, n_classes)) if case == 0 else 1  # fewer rows than classes: argmax(axis=0)
        # then gives valid class indices, and the check can name that slip instead of an IndexError
        names = [str(name) for name in rng.choice(NAMES, size=n_classes, replace=False)]
        probabilities = rng.dirichlet(np.full(n_classes, 0.7), size=n_rows).astype(np.float32)
        cases.append({"probabilities": probabilities, "class_names": names})
    return {"cases": cases}


def _type_name(value):
    """``"str"`` and ``"float"`` for those types and their subclasses (np.str_, np.float64), else the type's name."""
    for kind in (str, float):
        if isinstance(value, kind):
            return kind.__name__
    return f"{type(value).__module__}.{type(value).__name__}".removeprefix("builtins.")


def _collect_predict(answer, inputs):
    collected = []
    for number, case in enumerate(inputs["cases"], start=1):
        # the caller's array itself: the guard sees a change to it
        value = answer(probabilities=case["probabilities"], class_names=list(case["class_names"]))
        types = ([[_type_name(item) for item in pair] for pair in value
                  if isinstance(pair, (list, tuple)) and len(pair) == 2] if isinstance(value, (list, tuple)) else [])
        collected.append({"value": to_plain(value, f"the value it returned for case {number}"),
                          "outer": _type_name(value), "types": types})
    return collected


# One answer per case, which the judge reads itself: its messages name the (label, probability) pairs it expects,
# a class index given as a label, and a count of items that shows argmax(axis=0). "types" holds the type names of
# each pair's label and probability before they became plain data (a NumPy float32 reads as a float there).
@task("predict_labels", points=1, inputs=_predict_inputs, collect=_collect_predict,
      answer=lambda inputs: Cases(inputs, Record({"value": ANY, "outer": Text(), "types": ListOf(ListOf(Text()))})))
def judge_predict_labels(data, inputs):
    """The specification, clause by clause (two cases: fewer rows than classes, and a single row):

    - a list with one (label, probability) pair per row, not two lists, not one pair per class;
    - the label is the name (a str from class_names) of the row's most likely class: argmax along axis 1;
    - the probability is that class's own probability (not the row's sum, not a percentage), as a Python float
      (a NumPy float32 is not, and json cannot write it);
    - the caller's array is left as it was (the framework's guard).
    """
    for case, answer in zip(inputs["cases"], data):
        got, types = answer["value"], answer["types"]
        probabilities, names = case["probabilities"].astype(np.float64), case["class_names"]
        n_rows, n_classes = probabilities.shape
        what = f"predict_labels(probabilities, class_names) for probabilities of shape {probabilities.shape}"
        if type(got) is not list:
            raise Fail(f"{what} should return a list of (label, probability) pairs, one per row; got "
                       f"{'None' + forgot_return(got, 'it') if got is None else 'a ' + type(got).__name__}.")
        if (len(got) == 2 and n_rows != 2 and all(type(part) is list and len(part) == n_rows for part in got)
                and answer["outer"] == "tuple"):
            raise Fail(f"{what} returned two lists, the labels and the probabilities; the task asks for one list of "
                       f"(label, probability) pairs, one per row: zip them, list(zip(labels, probabilities)).")
        if len(got) != n_rows:
            hint = (": one pair per row (per image). Take the argmax of each row, probabilities.argmax(axis=1); "
                    "axis=0 runs down the columns." if len(got) == n_classes else ": one pair per row (per image).")
            raise Fail(f"{what} returned {len(got)} items, expected {n_rows}{hint}")
        best = probabilities.argmax(axis=1)
        for row, (pair, k) in enumerate(zip(got, best)):
            if type(pair) is not list or len(pair) != 2:
                raise Fail(f"item {row} of {what} is {str(pair)[:60]}; each item should be a pair (label, "
                           f"probability).")
            label, probability = pair
            if type(label) is not str:
                hint = (": that is the index of the class; return its name, class_names[index]."
                        if type(label) in (int, float) and label == k else ": return the class name, a string.")
                raise Fail(f"row {row} of {what}: the label is {label!r}{hint}")
            if label != names[k]:
                least = (" That is the class with the smallest probability: np.argsort sorts in ascending order, so "
                         "the most likely class is the LAST one ([:, -1]); probabilities.argmax(axis=1) is simpler."
                         if label == names[int(probabilities[row].argmin())] else "")
                raise Fail(f"row {row} of {what}: the label is {label!r}, expected {names[k]!r}, the class with the "
                           f"largest probability ({probabilities[row, k]:.3f}) in that row.{least}")
            value = expect_number(probability, f"the probability in row {row} of {what}")
            if not np.isclose(value, probabilities[row, k], rtol=1e-5, atol=1e-7):
                hint = ""
                if np.isclose(value, probabilities[row].sum(), rtol=1e-5) and n_classes > 1:
                    hint = " That is the sum of the row; take the chosen class's own probability."
                elif np.isclose(value, 100 * probabilities[row, k], rtol=1e-5):
                    hint = (" That is a percentage; return the probability itself, from 0 to 1 (format it as a "
                            "percentage only when you print it).")
                raise Fail(f"row {row} of {what}: the probability is {value:.4g}, expected "
                           f"{probabilities[row, k]:.4g}, the probability of {names[k]!r}.{hint}")
            if row < len(types) and types[row][1] != "float":
                raise Fail(f"row {row} of {what}: the probability is a {types[row][1]}, not a Python float. "
                           f"Indexing a NumPy array gives NumPy numbers (np.float32 here), which json cannot write "
                           f"and which print as np.float32(...): convert with float(...).")


# --------------------------------------------------------------------------------------------------------
# Task 6: check_compatible


def _compatible_inputs(rng):
    height, width = distinct_sizes(rng, 2, 5, 20)  # never square: swapping them must be caught
    channels, n_classes = int(rng.choice([1, 3])), int(rng.integers(3, 11))
    shape = [height, width, channels]

    def metadata(input_shape, k):
        return {"name": "scanner", "version": int(rng.integers(1, 9)), "classes": [f"class_{i}" for i in range(k)],
                "input_shape": list(input_shape)}

    bigger = [2 * height, 2 * width, channels]
    cases = [
        {"model_shape": shape, "model_classes": n_classes, "metadata": metadata(shape, n_classes), "kind": "match"},
        {"model_shape": shape, "model_classes": n_classes, "metadata": metadata(bigger, n_classes), "kind": "size"},
        {"model_shape": shape, "model_classes": n_classes,
         "metadata": metadata([height, width, 4 - channels], n_classes), "kind": "channels"},
        {"model_shape": shape, "model_classes": n_classes,
         "metadata": metadata(shape, n_classes + int(rng.choice([-1, 1, 2]))), "kind": "classes"},
        {"model_shape": shape, "model_classes": n_classes,  # as many pixels, in another order
         "metadata": metadata([width, height, channels], n_classes), "kind": "swapped"},
    ]
    return {"cases": [cases[i] for i in rng.permutation(len(cases))]}


def _collect_compatible(answer, inputs):
    import keras
    from keras import layers

    collected = []
    for case in inputs["cases"]:
        model = keras.Sequential([keras.Input(shape=tuple(case["model_shape"])), layers.Flatten(),
                                  layers.Dense(case["model_classes"], activation="softmax")])
        try:
            returned = answer(model=model, metadata=copy.deepcopy(case["metadata"]))
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001 - which error, and its message, is the answer
            collected.append({"raised": type(error).__name__, "message": str(error)[:500]})
            continue
        collected.append({"raised": None, "returned": repr(returned)[:80]})
    return collected


def _numbers(text):
    return {int(n) for n in re.findall(r"\d+", text)}


# Per case: the error's class name and message, or what came back ("raised" is then None).
OUTCOME = Either(Record({"raised": Text(), "message": Text()}), Record({"raised": ANY, "returned": Text()}))


@task("check_compatible", points=2, inputs=_compatible_inputs, collect=_collect_compatible,
      answer=lambda inputs: Cases(inputs, OUTCOME))
def judge_check_compatible(data, inputs):
    """The specification, clause by clause (five cases in a random order, never-square images):

    - a model and metadata that belong together: it returns None (a tuple input_shape compared with the JSON list
      as it is, or output_shape compared with a number, would raise here);
    - ValueError when the input shape without the batch axis differs: bigger, other channels, or height and width
      swapped (the same number of pixels: np.prod or sorted shapes do not see it);
    - ValueError when the number of outputs differs from len(metadata["classes"]);
    - not another exception, not a return value; the message shows both sides' numbers.
    """
    pairs = sorted(zip(inputs["cases"], data), key=lambda pair: pair[0]["kind"] != "match")  # the match first:
    for case, got in pairs:                                                    # it shows the tuple/list slip
        shape, k, metadata = case["model_shape"], case["model_classes"], case["metadata"]
        model_text = f"a model that takes (None, {', '.join(map(str, shape))}) and outputs {k} classes"
        meta_text = f"metadata with input_shape {metadata['input_shape']} and {len(metadata['classes'])} classes"
        raised, message = got.get("raised"), got.get("message", "")
        if case["kind"] == "match":
            if raised == "ValueError":
                raise Fail(f"check_compatible raised ValueError for {model_text} and {meta_text}, which belong "
                           f"together ({message[:150]!r}). model.input_shape is a tuple with the batch axis first, "
                           f"(None, height, width, channels), and a tuple never equals a list such as "
                           f"metadata['input_shape']: compare list(model.input_shape[1:]) with it. Likewise "
                           f"model.output_shape is a tuple, (None, n_classes): the number of classes is "
                           f"model.output_shape[-1].")
            if raised:
                raise Fail(f"check_compatible raised {raised} ({message[:150]!r}) for {model_text} and {meta_text}, "
                           f"which belong together: it should return None. The metadata's keys are "
                           f"{sorted(metadata)}.")
            continue
        if not raised:
            returned = got.get("returned")
            extra = (f" It returned {returned}: a return value is easy to ignore, an exception is not."
                     if returned not in (None, "None") else "")
            what = {"classes": "the number of classes differs",
                    "swapped": "the input shape differs, with height and width swapped",
                    "channels": "the input shape differs (in the number of channels, the last axis)",
                    }.get(case["kind"], "the input shape differs")
            if case["kind"] == "swapped":
                extra += (" Both have as many pixels, so comparing sizes (np.prod) or sorted shapes cannot see it: "
                          "compare the shapes themselves, in order, list(model.input_shape[1:]) with "
                          "metadata['input_shape'].")
            raise Fail(f"check_compatible did not raise for {model_text} and {meta_text}: {what}, so raise "
                       f"ValueError.{extra}")
        if raised != "ValueError":
            hint = (" (assert is for bugs in your own code, and Python can switch it off)"
                    if raised == "AssertionError" else "")
            raise Fail(f"check_compatible raised {raised} for {model_text} and {meta_text}; raise ValueError, the "
                       f"error for a value that does not fit{hint}.")
        needed = ({k, len(metadata["classes"])} if case["kind"] == "classes"
                  else set(shape) | set(metadata["input_shape"]))
        if not needed <= _numbers(message):
            what = ("both numbers of classes" if case["kind"] == "classes"
                    else "both shapes, the model's and the metadata's")
            raise Fail(f"check_compatible raised ValueError for {model_text} and {meta_text}, but its message "
                       f"{message[:150]!r} does not show {what}. Say what each side has, so the person who reads it "
                       f"can tell which file is wrong.")
