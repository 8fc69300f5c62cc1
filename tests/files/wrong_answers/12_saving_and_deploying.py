"""Typical wrong answers to exercises/12_saving_and_deploying.ipynb, each with the hint its check must give.

``tests/test_exercises.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a
function as a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""

from pathlib import Path

import numpy as np

from course_lib import data

# --------------------------------------------------------------------------------------------------------
# save_and_reload


@wrong("save_and_reload", "legacy HDF5 model format")
def save_and_reload(model, folder):
    import keras

    path = Path(folder) / f"{model.name}.h5"  # the Keras 2 habit
    model.save(path)
    return keras.models.load_model(path)


@wrong("save_and_reload", "returned the very model it was given")
def save_and_reload(model, folder):
    model.save(Path(folder) / f"{model.name}.keras")
    return model


@wrong("save_and_reload", "should be called")
def save_and_reload(model, folder):
    import keras

    model.save(Path(folder) / "model.keras")  # not named after the model
    return keras.models.load_model(Path(folder) / "model.keras")


@wrong("save_and_reload", "into the current folder")
def save_and_reload(model, folder):
    import keras

    model.save(f"{model.name}.keras")  # relative path: lands next to the notebook, not in folder
    return keras.models.load_model(f"{model.name}.keras")


# --------------------------------------------------------------------------------------------------------
# restore_weights


@wrong("restore_weights", "still has the random weights")
def restore_weights(model, build_model, folder):
    model.save_weights(Path(folder) / f"{model.name}.weights.h5")
    return build_model()  # forgot load_weights


@wrong("restore_weights", "returned the model it was given")
def restore_weights(model, build_model, folder):
    model.save_weights(Path(folder) / f"{model.name}.weights.h5")
    fresh = build_model()
    fresh.load_weights(Path(folder) / f"{model.name}.weights.h5")
    return model  # returns the wrong one


@wrong("restore_weights", "saved nothing")
def restore_weights(model, build_model, folder):
    fresh = build_model()
    fresh.set_weights(model.get_weights())  # no file at all
    return fresh


@wrong("restore_weights", "the whole model")
def restore_weights(model, build_model, folder):
    import keras

    model.save(Path(folder) / f"{model.name}.keras")
    return keras.models.load_model(Path(folder) / f"{model.name}.keras")


# --------------------------------------------------------------------------------------------------------
# Standardize (each wrong class is registered under the name the notebook uses, as a learner's would be)


def _standardize(get_config, register=True):
    import keras
    from keras import layers

    class Standardize(layers.Layer):
        def __init__(self, mean, std, **kwargs):
            super().__init__(**kwargs)
            self.mean = np.asarray(mean, dtype="float32")
            self.std = np.asarray(std, dtype="float32")

        def call(self, inputs):
            return (inputs - self.mean) / self.std

    if get_config is not None:
        Standardize.get_config = get_config
    if register:
        Standardize = keras.saving.register_keras_serializable(package="exercises")(Standardize)
    return Standardize


def _config_without_super(self):
    return {"mean": self.mean.tolist(), "std": self.std.tolist()}


def _config_with_arrays(self):
    from keras import layers

    return {**layers.Layer.get_config(self), "mean": self.mean, "std": self.std}


def _config_without_std(self):
    from keras import layers

    return {**layers.Layer.get_config(self), "mean": self.mean.tolist()}


def _config_good(self):
    from keras import layers

    return {**layers.Layer.get_config(self), "mean": self.mean.tolist(), "std": self.std.tolist()}


wrong("Standardize", "Start from the base class's config")(_standardize(_config_without_super))
wrong("Standardize", ".tolist()")(_standardize(_config_with_arrays))
wrong("Standardize", "every argument of __init__")(_standardize(_config_without_std))
wrong("Standardize", "is not registered")(_standardize(_config_good, register=False))
wrong("Standardize", "no get_config method of its own")(_standardize(None))


# --------------------------------------------------------------------------------------------------------
# preprocess


def _channels(image, channels):
    pixels = np.asarray(image, dtype=np.float32)
    pixels = pixels[..., np.newaxis] if pixels.ndim == 2 else pixels
    if channels == 1 and pixels.shape[-1] == 3:
        return data.to_grayscale(pixels, keepdims=True)
    if channels == 3 and pixels.shape[-1] == 1:
        return np.repeat(pixels, 3, axis=-1)
    return pixels


@wrong("preprocess", "divide the 0..255 pixels by 255")
def preprocess(image, metadata):
    height, width, channels = metadata["input_shape"]
    pixels = data.resize(_channels(image, channels), (height, width))
    return (255.0 - pixels if metadata["preprocessing"]["invert"] else pixels).astype(np.float32)


@wrong("preprocess", "metadata['preprocessing']['invert']")
def preprocess(image, metadata):
    height, width, channels = metadata["input_shape"]
    return (data.resize(_channels(image, channels), (height, width)) / 255.0).astype(np.float32)  # never inverts


@wrong("preprocess", "channel axis is missing")
def preprocess(image, metadata):
    height, width, channels = metadata["input_shape"]
    pixels = data.resize(_channels(image, channels), (height, width)) / 255.0
    pixels = 1.0 - pixels if metadata["preprocessing"]["invert"] else pixels
    return np.squeeze(pixels).astype(np.float32)  # drops the gray channel axis


@wrong("preprocess", "plain mean of R, G and B")
def preprocess(image, metadata):
    height, width, channels = metadata["input_shape"]
    pixels = np.asarray(image, dtype=np.float32)
    pixels = pixels[..., np.newaxis] if pixels.ndim == 2 else pixels
    if channels == 1 and pixels.shape[-1] == 3:
        pixels = pixels.mean(axis=-1, keepdims=True)
    elif channels == 3 and pixels.shape[-1] == 1:
        pixels = np.repeat(pixels, 3, axis=-1)
    pixels = data.resize(pixels, (height, width)) / 255.0
    return (1.0 - pixels if metadata["preprocessing"]["invert"] else pixels).astype(np.float32)


@wrong("preprocess", "height and width are swapped")
def preprocess(image, metadata):
    height, width, channels = metadata["input_shape"]
    pixels = data.resize(_channels(image, channels), (width, height)) / 255.0  # PIL's (width, height) order
    return (1.0 - pixels if metadata["preprocessing"]["invert"] else pixels).astype(np.float32)


# --------------------------------------------------------------------------------------------------------
# predict_labels


@wrong("predict_labels", "return its name, class_names[index]")
def predict_labels(probabilities, class_names):
    return [(int(row.argmax()), float(row.max())) for row in probabilities]


@wrong("predict_labels", "axis=0 runs down the columns")
def predict_labels(probabilities, class_names):
    best = probabilities.argmax(axis=0)
    return [(class_names[k], float(probabilities[:, k].max())) for k in best]


@wrong("predict_labels", "the sum of the row")
def predict_labels(probabilities, class_names):
    return [(class_names[row.argmax()], float(row.sum())) for row in probabilities]


# --------------------------------------------------------------------------------------------------------
# check_compatible


@wrong("check_compatible", "compare list(model.input_shape[1:])")
def check_compatible(model, metadata):
    if model.input_shape[1:] != metadata["input_shape"]:  # a tuple is never equal to a list
        raise ValueError(f"the model takes {model.input_shape[1:]}, the metadata says {metadata['input_shape']}")


@wrong("check_compatible", "the number of classes differs")
def check_compatible(model, metadata):
    if list(model.input_shape[1:]) != metadata["input_shape"]:
        raise ValueError(f"the model takes {model.input_shape[1:]}, the metadata says {metadata['input_shape']}")


@wrong("check_compatible", "does not show both")
def check_compatible(model, metadata):
    if list(model.input_shape[1:]) != metadata["input_shape"]:
        raise ValueError("input shape mismatch")
    if model.output_shape[-1] != len(metadata["classes"]):
        raise ValueError("wrong number of classes")


@wrong("check_compatible", "raise ValueError, the error for a value that does not fit")
def check_compatible(model, metadata):
    assert list(model.input_shape[1:]) == metadata["input_shape"], "input shapes differ"
    assert model.output_shape[-1] == len(metadata["classes"]), "numbers of classes differ"


@wrong("check_compatible", "an exception is not")
def check_compatible(model, metadata):
    return (list(model.input_shape[1:]) == metadata["input_shape"]
            and model.output_shape[-1] == len(metadata["classes"]))
