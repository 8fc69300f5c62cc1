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


@wrong("flip_horizontal", "changed its input `images` in place")
def flip_horizontal(images):
    images[:] = images[:, :, ::-1].copy()  # flips the caller's batch itself
    return images


@wrong("flip_horizontal", "every axis")
def flip_horizontal(images):
    return np.flip(images)  # no axis: reverses all four


@wrong("flip_horizontal", "turned by 180")
def flip_horizontal(images):
    return np.rot90(images, 2, axes=(1, 2))  # a half turn is a flip of the rows AND the columns


@wrong("flip_horizontal", "the last image")
def flip_horizontal(images):
    flipped = images.copy()
    for i in range(len(images) - 1):  # off by one: the last image is never flipped
        flipped[i] = images[i, :, ::-1]
    return flipped


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


@wrong("random_shift", "changed its input `images` in place")
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


@wrong("random_shift", "only one way")
def random_shift(images, max_shift, rng):
    offsets = rng.integers(0, max_shift + 1, size=(len(images), 2))  # never up or left
    return np.stack([_moved(image, dy, dx) for image, (dy, dx) in zip(images, offsets)])


@wrong("random_shift", "dy == dx")
def random_shift(images, max_shift, rng):
    steps = rng.integers(-max_shift, max_shift + 1, size=len(images))  # one draw used for both axes
    return np.stack([_moved(image, step, step) for image, step in zip(images, steps)])


@wrong("random_shift", "ignores the rng")
def random_shift(images, max_shift, rng):
    rng = np.random.default_rng(0)  # "for reproducibility": every call makes the same shifts
    offsets = rng.integers(-max_shift, max_shift + 1, size=(len(images), 2))
    return np.stack([_moved(image, dy, dx) for image, (dy, dx) in zip(images, offsets)])


@wrong("random_shift", "negative offsets")
def random_shift(images, max_shift, rng):
    shifted = []
    for image, (dy, dx) in zip(images, rng.integers(-max_shift, max_shift + 1, size=(len(images), 2))):
        moved = np.roll(image, (dy, dx), axis=(0, 1))
        moved[:dy] = 0      # zeroes the rows that wrapped round: right for dy > 0 only
        moved[:, :dx] = 0
        shifted.append(moved)
    return np.stack(shifted)


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


@wrong("adjust_contrast", "changed its input `images` in place")
def adjust_contrast(images, factor):
    mean = images.mean(axis=(1, 2), keepdims=True)
    images -= mean  # works on the caller's batch
    images *= factor
    images += mean
    return np.clip(images, 0, 1)


@wrong("adjust_contrast", "INCREASE the contrast")
def adjust_contrast(images, factor):
    mean = images.mean(axis=(1, 2), keepdims=True)
    return np.clip(mean + (images - mean) / factor, 0, 1)


@wrong("adjust_contrast", "around 0.5")
def adjust_contrast(images, factor):
    return np.clip(0.5 + factor * (images - 0.5), 0, 1)


@wrong("adjust_contrast", "pixel by pixel")
def adjust_contrast(images, factor):
    mean = images.mean(axis=0, keepdims=True)
    return np.clip(mean + factor * (images - mean), 0, 1)


@wrong("adjust_contrast", "below 0")
def adjust_contrast(images, factor):
    mean = images.mean(axis=(1, 2), keepdims=True)
    return np.minimum(mean + factor * (images - mean), 1.0)  # clips the top only


def _augmenter(image_size, max_degrees, max_shift, *, flip=False, turn=360, fill="constant", interpolation="nearest",
               value_range=(0, 1), rotation=None, shift=None, zoom=0.1, contrast=None):
    import keras
    from keras import layers

    settings = dict(fill_mode=fill, interpolation=interpolation)
    rotation = max_degrees / turn if rotation is None else rotation
    shift = max_shift / image_size if shift is None else shift
    contrast = contrast or layers.RandomContrast(0.2, value_range=value_range)
    return keras.Sequential(([layers.RandomFlip("horizontal")] if flip else []) + [
        layers.RandomRotation(rotation, **settings),
        layers.RandomTranslation(shift, shift, **settings),
        layers.RandomZoom(zoom, **settings),
        contrast,
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


@wrong("build_augmenter", "angle in radians")
def build_augmenter(image_size, max_degrees, max_shift):
    return _augmenter(image_size, max_degrees, max_shift, rotation=np.radians(max_degrees))


@wrong("build_augmenter", "FRACTION")
def build_augmenter(image_size, max_degrees, max_shift):
    return _augmenter(image_size, max_degrees, max_shift, shift=max_shift)


@wrong("build_augmenter", "max_shift / image_size")
def build_augmenter(image_size, max_degrees, max_shift):
    return _augmenter(image_size, max_degrees, max_shift, shift=max_shift / 8)  # digits are 8 x 8 ... usually


@wrong("build_augmenter", "RandomZoom(0.1)")
def build_augmenter(image_size, max_degrees, max_shift):
    return _augmenter(image_size, max_degrees, max_shift, zoom=0.2)


@wrong("build_augmenter", "assumes 0..255 unless told")
def build_augmenter(image_size, max_degrees, max_shift):
    from keras import layers

    return _augmenter(image_size, max_degrees, max_shift, contrast=layers.RandomContrast(0.2))


@wrong("build_augmenter", "RandomTranslation has fill_mode='reflect'")
def build_augmenter(image_size, max_degrees, max_shift):
    import keras
    from keras import layers

    shift = max_shift / image_size
    return keras.Sequential([  # the settings written on the first layer only
        layers.RandomRotation(max_degrees / 360, fill_mode="constant", interpolation="nearest"),
        layers.RandomTranslation(shift, shift),
        layers.RandomZoom(0.1),
        layers.RandomContrast(0.2, value_range=(0, 1)),
    ])


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


@wrong("augmented_model", "a Lambda")
def augmented_model(augmenter, input_shape, num_classes):
    import keras
    from keras import layers

    always = layers.Lambda(lambda images: augmenter(images, training=True))  # "so that it augments"
    return keras.Sequential([keras.Input(shape=input_shape), always,
                             layers.Conv2D(16, 3, padding="same", activation="relu"), *_head(num_classes)])


@wrong("augmented_model", "is not in the model")
def augmented_model(augmenter, input_shape, num_classes):
    import keras
    from keras import layers

    # "augmentation belongs to the data pipeline": the block is left outside the model
    return keras.Sequential([keras.Input(shape=input_shape), layers.Conv2D(16, 3, padding="same", activation="relu"),
                             *_head(num_classes)])


@wrong("augmented_model", "no Rescaling")
def augmented_model(augmenter, input_shape, num_classes):
    import keras
    from keras import layers

    return keras.Sequential([keras.Input(shape=input_shape), layers.Rescaling(1 / 255), augmenter,
                             layers.Conv2D(16, 3, padding="same", activation="relu"), *_head(num_classes)])


@wrong("augmented_model", "from_logits=True")
def augmented_model(augmenter, input_shape, num_classes):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=input_shape), augmenter,
                              layers.Conv2D(16, 3, padding="same", activation="relu"), *_head(num_classes)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


@wrong("augmented_model", "keras.metrics.Accuracy()")
def augmented_model(augmenter, input_shape, num_classes):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=input_shape), augmenter,
                              layers.Conv2D(16, 3, padding="same", activation="relu"), *_head(num_classes)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=[keras.metrics.Accuracy()])
    return model


@wrong("augmented_model", "padding")
def augmented_model(augmenter, input_shape, num_classes):
    import keras
    from keras import layers

    return keras.Sequential([keras.Input(shape=input_shape), augmenter, layers.Conv2D(16, 3, activation="relu"),
                             *_head(num_classes)])


ALL = ["horizontal flip", "vertical flip", "small rotation", "half-turn rotation", "small shift", "small zoom",
       "contrast change"]


@wrong("useful_augmentations", "a mirrored 2 is not a 2")
def useful_augmentations(dataset):
    return list(ALL)  # every augmentation everywhere


@wrong("useful_augmentations", "almost never photographed upside down")
def useful_augmentations(dataset):
    if dataset == "digits":
        return ["small rotation", "contrast change"]
    return list(ALL)


@wrong("useful_augmentations", "no left and right")
def useful_augmentations(dataset):
    safe = ["small rotation", "small shift", "small zoom", "contrast change"]
    if dataset == "digits":
        return ["small rotation", "contrast change"]
    return safe if dataset != "animal photos" else ["horizontal flip", *safe]


@wrong("useful_augmentations", "a shifted digit is one the network never meets")
def useful_augmentations(dataset):
    safe = ["small rotation", "small shift", "small zoom", "contrast change"]  # "small changes are always safe"
    if dataset == "animal photos":
        return ["horizontal flip", *safe]
    return list(ALL) if dataset == "shapes" else safe


@wrong("useful_augmentations", "not in AUGMENTATIONS")
def useful_augmentations(dataset):
    return ["shift", "zoom"]


@wrong("useful_augmentations", "a mirrored 2 is not a 2")
def useful_augmentations(dataset):
    safe = ["horizontal flip", "small rotation", "small shift", "small zoom", "contrast change"]  # "flips are classic"
    return list(ALL) if dataset == "shapes" else safe


@wrong("useful_augmentations", "a 6 turned upside down reads as a 9")
def useful_augmentations(dataset):
    if dataset == "digits":
        return ["small rotation", "half-turn rotation", "small shift", "small zoom", "contrast change"]
    if dataset == "animal photos":
        return ["horizontal flip", "small rotation", "small shift", "small zoom", "contrast change"]
    return list(ALL)


@wrong("useful_augmentations", "flipped top to bottom")
def useful_augmentations(dataset):
    if dataset == "digits":
        return ["vertical flip", "small rotation", "small shift", "small zoom", "contrast change"]
    if dataset == "animal photos":
        return ["horizontal flip", "small rotation", "small shift", "small zoom", "contrast change"]
    return list(ALL)


@wrong("useful_augmentations", "leaves out 'contrast change'")
def useful_augmentations(dataset):
    geometric = ["small rotation", "small shift", "small zoom"]  # contrast "is not an augmentation"
    if dataset == "digits":
        return ["small rotation"]
    if dataset == "animal photos":
        return ["horizontal flip", *geometric]
    return [name for name in ALL if name != "contrast change"]


AUGMENTATIONS = list(ALL)  # as the notebook defines it


@wrong("useful_augmentations", "changed the list AUGMENTATIONS")
def useful_augmentations(dataset):
    chosen = AUGMENTATIONS  # not a copy: the removals below shorten the notebook's list itself
    if dataset == "shapes":
        return chosen
    for name in ("vertical flip", "half-turn rotation") + (("horizontal flip",) if dataset == "digits" else ()):
        if name in chosen:
            chosen.remove(name)
    return chosen
