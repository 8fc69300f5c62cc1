"""Typical wrong answers to exercises/10_data_augmentation.ipynb, each with the hint its check must give.

``tests/test_exercises.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a
function as a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""

import numpy as np


@wrong("flip_horizontal", "VERTICAL")
def flip_horizontal(images):
    return images[:, ::-1]


@wrong("flip_horizontal", "order of the images in the batch")
def flip_horizontal(images):
    return np.flipud(images)


@wrong("flip_horizontal", "colour channels")
def flip_horizontal(images):
    return images[..., ::-1]


@wrong("flip_horizontal", "a transpose")
def flip_horizontal(images):
    return images.transpose(0, 2, 1, 3)


def _moved(image, dy, dx):
    height, width = image.shape[:2]
    out = np.zeros_like(image)
    out[max(dy, 0):height + min(dy, 0), max(dx, 0):width + min(dx, 0)] = \
        image[max(-dy, 0):height + min(-dy, 0), max(-dx, 0):width + min(-dx, 0)]
    return out


@wrong("random_shift", "np.roll")
def random_shift(images, max_shift, rng):
    offsets = rng.integers(-max_shift, max_shift + 1, size=(len(images), 2))
    return np.stack([np.roll(image, tuple(offset), axis=(0, 1)) for image, offset in zip(images, offsets)])


@wrong("random_shift", "the same offset")
def random_shift(images, max_shift, rng):
    dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
    while dy == dx == 0:
        dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
    return np.stack([_moved(image, dy, dx) for image in images])


@wrong("random_shift", "rng.integers(low, high) leaves out high")
def random_shift(images, max_shift, rng):
    offsets = rng.integers(-max_shift, max_shift, size=(len(images), 2))
    return np.stack([_moved(image, dy, dx) for image, (dy, dx) in zip(images, offsets)])


@wrong("random_shift", "not from np.random")
def random_shift(images, max_shift, rng):
    offsets = np.random.randint(-max_shift, max_shift + 1, size=(len(images), 2))
    return np.stack([_moved(image, dy, dx) for image, (dy, dx) in zip(images, offsets)])


@wrong("random_shift", "changed the images passed in")
def random_shift(images, max_shift, rng):
    for i, (dy, dx) in enumerate(rng.integers(-max_shift, max_shift + 1, size=(len(images), 2))):
        images[i] = _moved(images[i], dy, dx)
    return images


@wrong("random_shift", "not cut back")
def random_shift(images, max_shift, rng):
    s = max_shift
    padded = np.pad(images, [(0, 0), (s, s), (s, s), (0, 0)])
    out = np.zeros_like(padded)
    for i, (dy, dx) in enumerate(rng.integers(-s, s + 1, size=(len(images), 2))):
        out[i] = _moved(padded[i], dy, dx)
    return out


@wrong("random_shift", "uncovered border holds")
def random_shift(images, max_shift, rng):
    s = max_shift
    height, width = images.shape[1:3]
    padded = np.pad(images, [(0, 0), (s, s), (s, s), (0, 0)], mode="edge")  # "nearest" fill, not black
    offsets = rng.integers(-s, s + 1, size=(len(images), 2))
    return np.stack([padded[i, s - dy:s - dy + height, s - dx:s - dx + width] for i, (dy, dx) in enumerate(offsets)])


@wrong("adjust_contrast", "np.clip")
def adjust_contrast(images, factor):
    mean = images.mean(axis=(1, 2), keepdims=True)
    return mean + factor * (images - mean)


@wrong("adjust_contrast", "one mean for the whole batch")
def adjust_contrast(images, factor):
    return np.clip(images.mean() + factor * (images - images.mean()), 0, 1)


@wrong("adjust_contrast", "one mean per image AND channel")
def adjust_contrast(images, factor):
    mean = images.mean(axis=(1, 2, 3), keepdims=True)
    return np.clip(mean + factor * (images - mean), 0, 1)


@wrong("adjust_contrast", "changes the brightness")
def adjust_contrast(images, factor):
    return np.clip(images * factor, 0, 1)


def _augmenter(image_size, max_degrees, max_shift, *, flip=False, turn=360, fill="constant", interpolation="nearest",
               value_range=(0, 1)):
    import keras
    from keras import layers

    settings = dict(fill_mode=fill, interpolation=interpolation)
    return keras.Sequential(([layers.RandomFlip("horizontal")] if flip else []) + [
        layers.RandomRotation(max_degrees / turn, **settings),
        layers.RandomTranslation(max_shift / image_size, max_shift / image_size, **settings),
        layers.RandomZoom(0.1, **settings),
        layers.RandomContrast(0.2, value_range=value_range),
    ])


@wrong("build_augmenter", "A mirrored 2 is not a 2")
def build_augmenter(image_size, max_degrees, max_shift):
    return _augmenter(image_size, max_degrees, max_shift, flip=True)


@wrong("build_augmenter", "a FULL turn")
def build_augmenter(image_size, max_degrees, max_shift):
    return _augmenter(image_size, max_degrees, max_shift, turn=180)


@wrong("build_augmenter", "fill_mode='constant'")
def build_augmenter(image_size, max_degrees, max_shift):
    return _augmenter(image_size, max_degrees, max_shift, fill="reflect")


@wrong("build_augmenter", "interpolation='nearest'")
def build_augmenter(image_size, max_degrees, max_shift):
    return _augmenter(image_size, max_degrees, max_shift, interpolation="bilinear")


@wrong("build_augmenter", "value_range=(0, 1)")
def build_augmenter(image_size, max_degrees, max_shift):
    return _augmenter(image_size, max_degrees, max_shift, value_range=(0, 255))


def _head(num_classes, last="softmax"):
    from keras import layers

    return [layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(num_classes, activation=last)]


@wrong("augmented_model", "Augmentation comes FIRST")
def augmented_model(augmenter, input_shape, num_classes):
    import keras
    from keras import layers

    return keras.Sequential([keras.Input(shape=input_shape), layers.Conv2D(16, 3, padding="same", activation="relu"),
                             augmenter, *_head(num_classes)])


@wrong("augmented_model", "is not in the model")
def augmented_model(augmenter, input_shape, num_classes):
    import keras
    from keras import layers

    return keras.Sequential([keras.Input(shape=input_shape), layers.RandomFlip(), layers.RandomRotation(0.1),
                             layers.Conv2D(16, 3, padding="same", activation="relu"), *_head(num_classes)])


@wrong("augmented_model", "start with keras.Input(shape=input_shape)")
def augmented_model(augmenter, input_shape, num_classes):
    import keras
    from keras import layers

    return keras.Sequential([augmenter, layers.Conv2D(16, 3, padding="same", activation="relu"), *_head(num_classes)])


@wrong("augmented_model", "one probability per class")
def augmented_model(augmenter, input_shape, num_classes):
    import keras
    from keras import layers

    return keras.Sequential([keras.Input(shape=input_shape), augmenter,
                             layers.Conv2D(16, 3, padding="same", activation="relu"), *_head(num_classes, "sigmoid")])


ALL = ["horizontal flip", "vertical flip", "small rotation", "half-turn rotation", "small shift", "small zoom",
       "contrast change"]


@wrong("useful_augmentations", "a mirrored 2 is not a 2")
def useful_augmentations(dataset):
    return list(ALL)  # every augmentation everywhere


@wrong("useful_augmentations", "almost never photographed upside down")
def useful_augmentations(dataset):
    if dataset == "digits":
        return ["small rotation", "small shift", "small zoom", "contrast change"]
    return list(ALL)


@wrong("useful_augmentations", "no left and right")
def useful_augmentations(dataset):
    safe = ["small rotation", "small shift", "small zoom", "contrast change"]
    return safe if dataset != "animal photos" else ["horizontal flip", *safe]


@wrong("useful_augmentations", "not in AUGMENTATIONS")
def useful_augmentations(dataset):
    return ["shift", "zoom"]
