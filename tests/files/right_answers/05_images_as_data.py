"""Correct answers to exercises/05_images_as_data.ipynb written differently from the solutions: each must pass.

``tests/corpus.py`` runs this file with ``right`` defined: ``@right(task)`` registers a function as a correct
answer to ``task`` whose check must pass on every seed.
"""

import os
from pathlib import PurePosixPath

import numpy as np


@right("adjust_brightness")
def adjust_brightness(image, amount):
    table = np.clip(np.arange(256) + amount, 0, 255).astype(np.uint8)  # a lookup table: one entry per pixel value
    return table[image]


@right("adjust_brightness")
def adjust_brightness(image, amount):
    if amount >= 0:  # saturating arithmetic in uint8, without a wider type
        return np.where(image > 255 - amount, 255, image + np.uint8(amount)).astype(np.uint8)
    return np.where(image < -amount, 0, image - np.uint8(-amount)).astype(np.uint8)


@right("adjust_brightness")
def adjust_brightness(image, amount):
    return np.clip(image.astype(np.float32) + amount, 0, 255).astype(np.uint8)  # float32 is wide enough too


@right("center_crop")
def center_crop(image, height, width):
    H, W = image.shape[0], image.shape[1]
    top, left = int((H - height) / 2), int((W - width) / 2)  # int() truncates: the same as // for these
    return image[top:][:height][:, left:][:, :width].copy()


@right("center_crop")
def center_crop(image, height, width):
    rows = slice((image.shape[0] - height) // 2, (image.shape[0] - height) // 2 + height)
    columns = slice((image.shape[1] - width) // 2, (image.shape[1] - width) // 2 + width)
    return image[rows, columns, ...]


@right("to_channels_last")
def to_channels_last(batch):
    return batch.transpose(0, 2, 3, 1)


@right("to_channels_last")
def to_channels_last(batch):
    return np.einsum("nchw->nhwc", batch)


@right("to_channels_last")
def to_channels_last(batch):
    return np.stack([np.dstack(list(image)) for image in batch])  # each image: stack its channels along depth


@right("labels_from_paths")
def labels_from_paths(paths):
    folders = [os.path.dirname(path) for path in paths]
    class_names, labels = np.unique(folders, return_inverse=True)  # np.unique sorts; the inverse gives positions
    return labels, list(class_names)


@right("labels_from_paths")
def labels_from_paths(paths):
    class_names = sorted({PurePosixPath(path).parent.name for path in paths})
    index = {name: number for number, name in enumerate(class_names)}
    return [index[PurePosixPath(path).parent.name] for path in paths], class_names  # a list of ints


@right("standardize_splits")
def standardize_splits(X_train, X_test):
    mean = X_train.mean(axis=(0, 1, 2), keepdims=True)  # (1, 1, 1, 3)
    std = X_train.std(axis=(0, 1, 2), ddof=1, keepdims=True)  # the sample std: the same to 3 digits here
    return (X_train - mean) / std, (X_test - mean) / std


@right("standardize_splits")
def standardize_splits(X_train, X_test):
    train, test = np.empty(X_train.shape), np.empty(X_test.shape)
    for channel in range(X_train.shape[-1]):
        values = X_train[..., channel]
        mean, std = values.mean(), np.sqrt(((values - values.mean()) ** 2).mean())
        train[..., channel] = (X_train[..., channel] - mean) / std
        test[..., channel] = (X_test[..., channel] - mean) / std
    return train, test
