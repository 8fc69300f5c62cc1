"""Typical wrong answers to exercises/05_images_as_data.ipynb, each with the hint its check must give.

``tests/test_exercises.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a
function as a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""

import numpy as np


@wrong("adjust_brightness", "wrapped around modulo 256")
def adjust_brightness(image, amount):
    return np.clip(image + amount, 0, 255)  # uint8 + int wraps before the clip can help


@wrong("adjust_brightness", "raised OverflowError")
def adjust_brightness(image, amount):
    return image + amount if amount < 0 else np.clip(image.astype(np.int16) + amount, 0, 255).astype(np.uint8)


@wrong("adjust_brightness", "dtype int16")
def adjust_brightness(image, amount):
    return np.clip(image.astype(np.int16) + amount, 0, 255)  # right values, never converted back to uint8


@wrong("adjust_brightness", "clip them")
def adjust_brightness(image, amount):
    return image.astype(np.int16) + amount


@wrong("center_crop", "top-left corner")
def center_crop(image, height, width):
    return image[:height, :width]


@wrong("center_crop", "round half of it down")
def center_crop(image, height, width):
    H, W = image.shape[:2]
    top, left = (H - height + 1) // 2, (W - width + 1) // 2  # rounds the half margin up
    return image[top:top + height, left:left + width]


@wrong("center_crop", "height and width are swapped")
def center_crop(image, height, width):
    H, W = image.shape[:2]
    top, left = (H - width) // 2, (W - height) // 2
    return image[top:top + width, left:left + height]


@wrong("to_channels_last", "scrambled")
def to_channels_last(batch):
    n, c, h, w = batch.shape
    return batch.reshape(n, h, w, c)


@wrong("to_channels_last", "reverses ALL")
def to_channels_last(batch):
    return np.transpose(batch)


@wrong("to_channels_last", "height and width are swapped")
def to_channels_last(batch):
    return np.transpose(batch, (0, 3, 2, 1))


@wrong("labels_from_paths", "alphabetical order")
def labels_from_paths(paths):
    folders = [path.split("/")[0] for path in paths]
    class_names = list(dict.fromkeys(folders))  # in order of first appearance
    return np.array([class_names.index(folder) for folder in folders]), class_names


@wrong("labels_from_paths", "first appear")
def labels_from_paths(paths):
    folders = [path.split("/")[0] for path in paths]
    seen = list(dict.fromkeys(folders))
    return np.array([seen.index(folder) for folder in folders]), sorted(seen)


@wrong("labels_from_paths", "before the '/'")
def labels_from_paths(paths):
    return np.arange(len(paths)), sorted(paths)


@wrong("standardize_splits", "its own statistics")
def standardize_splits(X_train, X_test):
    def standardize(X):
        return (X - X.mean(axis=(0, 1, 2))) / X.std(axis=(0, 1, 2))
    return standardize(X_train), standardize(X_test)


@wrong("standardize_splits", "per channel")
def standardize_splits(X_train, X_test):
    return (X_train - X_train.mean()) / X_train.std(), (X_test - X_train.mean()) / X_train.std()


@wrong("standardize_splits", "per pixel position")
def standardize_splits(X_train, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_test - mean) / std


@wrong("standardize_splits", "leak")
def standardize_splits(X_train, X_test):
    both = np.concatenate([X_train, X_test])
    mean, std = both.mean(axis=(0, 1, 2)), both.std(axis=(0, 1, 2))
    return (X_train - mean) / std, (X_test - mean) / std
