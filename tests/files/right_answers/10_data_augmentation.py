"""Correct answers to exercises/10_data_augmentation.ipynb written differently from the solution: each must pass.

``tests/corpus.py`` runs this file with ``right`` defined: ``@right(task)`` registers a function as a correct
answer to ``task``.
"""

import numpy as np


@right("flip_horizontal")
def flip_horizontal(images):
    return np.flip(images, axis=2)


@right("flip_horizontal")
def flip_horizontal(images):
    return np.stack([np.fliplr(image) for image in images])  # one (h, w, c) image: fliplr reverses its columns


@right("flip_horizontal")
def flip_horizontal(images):
    width = images.shape[2]
    return images[:, :, np.arange(width - 1, -1, -1), :]


@right("random_shift")
def random_shift(images, max_shift, rng):
    s = max_shift
    height, width = images.shape[1:3]
    padded = np.pad(images, [(0, 0), (s, s), (s, s), (0, 0)])  # zeros all round, then cut a window out
    out = np.empty_like(images)
    for i in range(len(images)):
        dy, dx = rng.integers(-s, s + 1, size=2)  # one draw per image, in the loop
        out[i] = padded[i, s - dy:s - dy + height, s - dx:s - dx + width]
    return out


@right("random_shift")
def random_shift(images, max_shift, rng):
    shifted = []
    for image in images:
        dy = int(rng.integers(-max_shift, max_shift + 1))
        dx = int(rng.integers(-max_shift, max_shift + 1))
        moved = np.roll(image, (dy, dx), axis=(0, 1))  # wraps round, then the wrapped band is blacked out
        if dy > 0:
            moved[:dy] = 0
        elif dy < 0:
            moved[dy:] = 0
        if dx > 0:
            moved[:, :dx] = 0
        elif dx < 0:
            moved[:, dx:] = 0
        shifted.append(moved)
    return np.array(shifted)


@right("adjust_contrast")
def adjust_contrast(images, factor):
    mean = images.mean(axis=(1, 2))[:, np.newaxis, np.newaxis, :]  # (n, c) -> (n, 1, 1, c)
    return np.minimum(np.maximum(mean + factor * (images - mean), 0), 1)


@right("adjust_contrast")
def adjust_contrast(images, factor):
    out = np.empty_like(images)
    for i, image in enumerate(images):
        for c in range(image.shape[-1]):
            channel = image[..., c]
            m = channel.mean()
            out[i, ..., c] = np.clip(factor * channel + (1 - factor) * m, 0, 1)  # the same line, multiplied out
    return out


@right("build_augmenter")
def build_augmenter(image_size, max_degrees, max_shift):
    import keras
    from keras import layers

    turn, shift = max_degrees / 360, max_shift / image_size
    block = keras.Sequential(name="digits")
    block.add(keras.Input(shape=(image_size, image_size, 1)))
    block.add(layers.RandomRotation((-turn, turn), fill_mode="constant", fill_value=0.0, interpolation="nearest"))
    block.add(layers.RandomTranslation((-shift, shift), (-shift, shift), fill_mode="constant",
                                       interpolation="nearest"))
    block.add(layers.RandomZoom((-0.1, 0.1), (-0.1, 0.1), fill_mode="constant", interpolation="nearest"))
    block.add(layers.RandomContrast((0.2, 0.2), value_range=[0.0, 1.0]))
    return block


@right("augmented_model")
def augmented_model(augmenter, input_shape, num_classes):
    import keras
    from keras import layers

    inputs = keras.Input(shape=input_shape)
    x = augmenter(inputs)
    x = layers.Conv2D(filters=16, kernel_size=(3, 3), padding="same", activation="relu")(x)
    x = layers.MaxPooling2D(pool_size=(2, 2))(x)
    x = layers.Flatten()(x)
    x = layers.Dense(num_classes)(x)
    return keras.Model(inputs, layers.Softmax()(x))  # softmax as a layer of its own


@right("augmented_model")
def augmented_model(augmenter, input_shape, num_classes):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=input_shape), augmenter,
                              layers.Conv2D(16, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
                              layers.Flatten(), layers.Dense(num_classes), layers.Activation("softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # not asked, fine
    return model


AUGMENTATIONS = ["horizontal flip", "vertical flip", "small rotation", "half-turn rotation", "small shift",
                 "small zoom", "contrast change"]
KEEPS_LABEL = {"digits": {"small rotation", "contrast change"},
               "animal photos": {"horizontal flip", "small rotation", "small shift", "small zoom", "contrast change"},
               "shapes": set(AUGMENTATIONS)}


@right("useful_augmentations")
def useful_augmentations(dataset):
    return [name for name in AUGMENTATIONS if name in KEEPS_LABEL[dataset]]


@right("useful_augmentations")
def useful_augmentations(dataset):
    chosen = list(AUGMENTATIONS)  # a copy: removing from it leaves the notebook's list alone
    if dataset != "shapes":
        chosen.remove("vertical flip")
        chosen.remove("half-turn rotation")
    if dataset == "digits":
        for name in ("horizontal flip", "small shift", "small zoom"):  # load_digits are centred and fill the box
            chosen.remove(name)
    return chosen
