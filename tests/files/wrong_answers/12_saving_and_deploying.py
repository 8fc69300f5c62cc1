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


@wrong("save_and_reload", "not compiled")
def save_and_reload(model, folder):
    import keras

    path = Path(folder) / f"{model.name}.keras"
    model.save(path)
    return keras.models.load_model(path, compile=False)  # "to be safe": drops the optimizer and loss


@wrong("save_and_reload", "learning rate")
def save_and_reload(model, folder):
    import keras

    path = Path(folder) / f"{model.name}.keras"
    model.save(path)
    copy = keras.models.load_model(path, compile=False)
    copy.compile(optimizer="adam", loss="sparse_categorical_crossentropy")  # recompiled with the default rate
    return copy


@wrong("save_and_reload", "optimizer SGD")
def save_and_reload(model, folder):
    import keras

    path = Path(folder) / f"{model.name}.keras"
    model.save(path)
    copy = keras.models.load_model(path, compile=False)
    copy.compile(optimizer=keras.optimizers.SGD(learning_rate=float(model.optimizer.learning_rate)),
                 loss="sparse_categorical_crossentropy")
    return copy


@wrong("save_and_reload", "the loss")
def save_and_reload(model, folder):
    import keras

    path = Path(folder) / f"{model.name}.keras"
    model.save(path)
    copy = keras.models.load_model(path, compile=False)
    copy.compile(optimizer=keras.optimizers.Adam(learning_rate=float(model.optimizer.learning_rate)),
                 loss="categorical_crossentropy")  # recompiled from memory, with the one-hot loss
    return copy


@wrong("save_and_reload", "NEXT to `folder`")
def save_and_reload(model, folder):
    import keras

    path = str(folder) + f"{model.name}.keras"  # no separator: .../folderdigits_net_3.keras
    model.save(path)
    return keras.models.load_model(path)


@wrong("save_and_reload", "holds the weights only")
def save_and_reload(model, folder):
    import keras

    path = Path(folder) / f"{model.name}.weights.h5"
    model.save_weights(path)
    copy = keras.models.clone_model(model)
    copy.load_weights(path)
    return copy


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


@wrong("restore_weights", "a model you did not return")
def restore_weights(model, build_model, folder):
    path = Path(folder) / f"{model.name}.weights.h5"
    model.save_weights(path)
    build_model().load_weights(path)  # loaded into one new model...
    return build_model()               # ...and returned another


@wrong("restore_weights", "never called load_weights")
def restore_weights(model, build_model, folder):
    model.save_weights(Path(folder) / f"{model.name}.weights.h5")
    fresh = build_model()
    fresh.set_weights(model.get_weights())  # copied in memory: the file is never read
    return fresh


@wrong("restore_weights", "did not make")
def restore_weights(model, build_model, folder):
    import keras

    path = Path(folder) / f"{model.name}.weights.h5"
    model.save_weights(path)
    fresh = keras.models.clone_model(model)  # the architecture from the model, not from build_model
    fresh.load_weights(path)
    return fresh


@wrong("restore_weights", ".weights.h5")
def restore_weights(model, build_model, folder):
    path = Path(folder) / f"{model.name}.h5"  # the Keras 2 name
    model.save_weights(path)
    fresh = build_model()
    fresh.load_weights(path)
    return fresh


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


def _config_with_list(self):
    from keras import layers

    return {**layers.Layer.get_config(self), "mean": list(self.mean), "std": list(self.std)}  # of np.float32


def _config_no_return(self):
    from keras import layers

    config = layers.Layer.get_config(self)
    config.update({"mean": self.mean.tolist(), "std": self.std.tolist()})  # and then no return


def _config_copy_paste(self):
    from keras import layers

    return {**layers.Layer.get_config(self), "mean": self.mean.tolist(), "std": self.mean.tolist()}


def _config_scalars(self):
    from keras import layers

    return {**layers.Layer.get_config(self), "mean": float(self.mean.mean()), "std": float(self.std.mean())}


wrong("Standardize", ".tolist()")(_standardize(_config_with_list))
wrong("Standardize", "did you forget to `return`")(_standardize(_config_no_return))
wrong("Standardize", "under the key 'std'")(_standardize(_config_copy_paste))
wrong("Standardize", "one number per channel")(_standardize(_config_scalars))


def _batch_statistics():
    import keras
    from keras import layers, ops

    @keras.saving.register_keras_serializable(package="exercises")
    class Standardize(layers.Layer):
        def __init__(self, mean, std, **kwargs):
            super().__init__(**kwargs)
            self.mean = np.asarray(mean, dtype="float32")
            self.std = np.asarray(std, dtype="float32")

        def call(self, inputs):  # the statistics of whatever batch comes in, not the training set's
            mean = ops.mean(inputs, axis=(0, 1, 2))
            return (inputs - mean) / ops.std(inputs, axis=(0, 1, 2))

        def get_config(self):
            return {**super().get_config(), "mean": self.mean.tolist(), "std": self.std.tolist()}

    return Standardize


wrong("Standardize", "statistics of the batch")(_batch_statistics())


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


@wrong("preprocess", "its own largest pixel")
def preprocess(image, metadata):
    height, width, channels = metadata["input_shape"]
    pixels = data.resize(_channels(image, channels), (height, width))
    pixels = pixels / pixels.max()  # "normalise": each image by its own brightest pixel
    return (1.0 - pixels if metadata["preprocessing"]["invert"] else pixels).astype(np.float32)


@wrong("preprocess", "its own darkest and brightest")
def preprocess(image, metadata):
    height, width, channels = metadata["input_shape"]
    pixels = data.resize(_channels(image, channels), (height, width))
    pixels = (pixels - pixels.min()) / (pixels.max() - pixels.min())  # min-max of this one image
    return (1.0 - pixels if metadata["preprocessing"]["invert"] else pixels).astype(np.float32)


@wrong("preprocess", "changed its input `image` in place")
def preprocess(image, metadata):
    height, width, channels = metadata["input_shape"]
    if metadata["preprocessing"]["invert"]:
        image[...] = 255 - image  # inverts the caller's image
    return (data.resize(_channels(image, channels), (height, width)) / 255.0).astype(np.float32)


@wrong("preprocess", "return float32")
def preprocess(image, metadata):
    height, width, channels = metadata["input_shape"]
    pixels = data.resize(_channels(image, channels), (height, width)) / 255.0
    return 1.0 - pixels.astype(np.float64) if metadata["preprocessing"]["invert"] else pixels.astype(np.float64)


@wrong("preprocess", "every image")
def preprocess(image, metadata):
    height, width, channels = metadata["input_shape"]
    pixels = _channels(image, channels)
    if pixels.shape[0] > height:  # resized only when it is too big
        pixels = data.resize(pixels, (height, width))
    pixels = pixels / 255.0
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


@wrong("predict_labels", "np.float32")
def predict_labels(probabilities, class_names):
    return [(class_names[row.argmax()], row.max()) for row in probabilities]  # row.max() is a NumPy float32


@wrong("predict_labels", "zip them")
def predict_labels(probabilities, class_names):
    best = probabilities.argmax(axis=1)
    return [class_names[k] for k in best], [float(p) for p in probabilities.max(axis=1)]  # two lists, not pairs


@wrong("predict_labels", "a percentage")
def predict_labels(probabilities, class_names):
    return [(class_names[row.argmax()], float(100 * row.max())) for row in probabilities]


@wrong("predict_labels", "changed its input `probabilities` in place")
def predict_labels(probabilities, class_names):
    probabilities *= 100  # percentages "for the report", in the caller's array
    return [(class_names[row.argmax()], float(row.max()) / 100) for row in probabilities]


@wrong("predict_labels", "the smallest")
def predict_labels(probabilities, class_names):
    order = np.argsort(probabilities, axis=1)  # ascending: the first column is the LEAST likely class
    return [(class_names[k], float(row[k])) for k, row in zip(order[:, 0], probabilities)]


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


@wrong("check_compatible", "height and width swapped")
def check_compatible(model, metadata):
    if np.prod(model.input_shape[1:]) != np.prod(metadata["input_shape"]):  # "the same size"
        raise ValueError(f"the model takes {list(model.input_shape[1:])}, the metadata says {metadata['input_shape']}")
    if model.output_shape[-1] != len(metadata["classes"]):
        raise ValueError(f"the model outputs {model.output_shape[-1]} classes, the metadata names "
                         f"{len(metadata['classes'])}")


@wrong("check_compatible", "the input shape differs")
def check_compatible(model, metadata):
    if list(model.input_shape[1:3]) != metadata["input_shape"][:2]:  # height and width only
        raise ValueError(f"the model takes {list(model.input_shape[1:])}, the metadata says {metadata['input_shape']}")
    if model.output_shape[-1] != len(metadata["classes"]):
        raise ValueError(f"the model outputs {model.output_shape[-1]} classes, the metadata names "
                         f"{len(metadata['classes'])}")


@wrong("check_compatible", "model.output_shape[-1]")
def check_compatible(model, metadata):
    if list(model.input_shape[1:]) != metadata["input_shape"]:
        raise ValueError(f"the model takes {list(model.input_shape[1:])}, the metadata says {metadata['input_shape']}")
    if model.output_shape != len(metadata["classes"]):  # a tuple (None, k) is never equal to k
        raise ValueError(f"the model outputs {model.output_shape} but the metadata names {len(metadata['classes'])}")
