"""Correct answers to exercises/12_saving_and_deploying.ipynb written differently from the solution: each must pass.

``tests/corpus.py`` runs this file with ``right`` defined: ``@right(task)`` registers a function (or, for
``Standardize``, a class) as a correct answer to ``task``.
"""

import os

import numpy as np

from course_lib import data


@right("save_and_reload")
def save_and_reload(model, folder):
    import keras

    path = os.path.join(str(folder), model.name + ".keras")  # a string path works as well as a Path
    keras.saving.save_model(model, path)
    return keras.saving.load_model(path)


@right("save_and_reload")
def save_and_reload(model, folder):
    import keras

    path = folder / f"{model.name}.keras"
    model.save(path, overwrite=True)
    reloaded = keras.models.load_model(path, compile=True)
    return reloaded


@right("restore_weights")
def restore_weights(model, build_model, folder):
    fresh = build_model()  # built first: the order does not matter
    path = os.path.join(folder, f"{model.name}.weights.h5")
    model.save_weights(path)
    fresh.load_weights(path)
    return fresh


@right("restore_weights")
def restore_weights(model, build_model, folder):
    import keras

    path = folder / f"{model.name}.weights.h5"
    model.save_weights(path)
    fresh = build_model()
    keras.Model.load_weights(fresh, str(path))
    return fresh


def _standardize(get_config):
    import keras
    from keras import layers

    class Standardize(layers.Layer):
        def __init__(self, mean, std, **kwargs):
            super().__init__(**kwargs)
            self.mean = np.asarray(mean, dtype="float32")
            self.std = np.asarray(std, dtype="float32")

        def call(self, inputs):
            return (inputs - self.mean) / self.std

    Standardize.get_config = get_config
    return keras.saving.register_keras_serializable(package="exercises")(Standardize)


def _config_update(self):
    from keras import layers

    config = layers.Layer.get_config(self)
    config.update({"mean": self.mean.tolist(), "std": self.std.tolist()})
    return config


def _config_floats(self):
    from keras import layers

    return dict(layers.Layer.get_config(self), mean=[float(m) for m in self.mean], std=[float(s) for s in self.std])


right("Standardize")(_standardize(_config_update))
right("Standardize")(_standardize(_config_floats))


@right("preprocess")
def preprocess(image, metadata):
    height, width, channels = metadata["input_shape"]
    pixels = np.asarray(image)
    if metadata["preprocessing"]["invert"]:
        pixels = 255 - pixels  # inverted on the 0..255 scale first: the same as 1 - v after scaling
    pixels = pixels.reshape(pixels.shape[:2] + (-1,)).astype(np.float32)  # (h, w) -> (h, w, 1)
    pixels = data.resize(pixels, (height, width))  # resize first, then the channels: both are linear
    if channels == 1 and pixels.shape[-1] == 3:
        pixels = pixels @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        pixels = pixels[..., np.newaxis]
    elif channels == 3 and pixels.shape[-1] == 1:
        pixels = np.concatenate([pixels] * 3, axis=-1)
    return (pixels / np.float32(255)).astype(np.float32)


@right("predict_labels")
def predict_labels(probabilities, class_names):
    pairs = []
    for row in probabilities.tolist():  # Python floats from the start
        best = max(row)
        pairs.append((class_names[row.index(best)], best))
    return pairs


@right("predict_labels")
def predict_labels(probabilities, class_names):
    best = np.argsort(probabilities, axis=1)[:, -1]  # ascending: the most likely class is last
    labels = [class_names[k] for k in best]
    return list(zip(labels, map(float, probabilities[np.arange(len(best)), best])))


@right("check_compatible")
def check_compatible(model, metadata):
    expected_shape = tuple(metadata["input_shape"])
    if model.input_shape[1:] != expected_shape:  # tuple against tuple
        raise ValueError(f"input shape: model {model.input_shape[1:]}, metadata {expected_shape}")
    if model.output_shape[1] != len(metadata["classes"]):
        raise ValueError(f"classes: the model has {model.output_shape[1]}, the metadata {len(metadata['classes'])}")
    return None


@right("check_compatible")
def check_compatible(model, metadata):
    problems = []
    if list(model.input_shape) != [None, *metadata["input_shape"]]:
        problems.append(f"the model takes {list(model.input_shape)[1:]}, the metadata says {metadata['input_shape']}")
    if model.outputs[0].shape[-1] != len(metadata["classes"]):
        problems.append(f"the model outputs {model.outputs[0].shape[-1]} classes but the metadata names "
                        f"{len(metadata['classes'])}")
    if problems:
        raise ValueError("; ".join(problems))
