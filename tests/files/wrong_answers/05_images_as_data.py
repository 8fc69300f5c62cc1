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


# --- added for issue 14: mistakes the first checks let through or named wrongly -------------------------------


@wrong("adjust_brightness", "changed its input `image` in place")
def adjust_brightness(image, amount):
    image[...] = np.clip(image.astype(np.int16) + amount, 0, 255)  # right values, written into the caller's image
    return image


@wrong("adjust_brightness", "unsigned integer array")
def adjust_brightness(image, amount):
    wide = image.astype(np.uint16) + amount  # wide enough above, but still unsigned: no room below 0
    return np.clip(wide, 0, 255).astype(np.uint8)


@wrong("adjust_brightness", "pushed below 0 wrapped around modulo 256")
def adjust_brightness(image, amount):
    wide = image.astype(np.int16) + amount
    return np.minimum(wide, 255).astype(np.uint8)  # clips the top only; astype wraps the negatives


@wrong("adjust_brightness", "np.clip returns a new array")
def adjust_brightness(image, amount):
    result = image.astype(np.int16) + amount
    np.clip(result, 0, 255)  # the clipped array is thrown away
    return result.astype(np.uint8)


@wrong("adjust_brightness", "clip them, after adding")
def adjust_brightness(image, amount):
    return np.clip(image, 0, 255).astype(np.int16) + amount  # clips the image before adding


@wrong("adjust_brightness", "dtype float64")
def adjust_brightness(image, amount):
    return np.clip(image + float(amount), 0, 255)  # floats avoid the wrap-around, but stay floats


@wrong("center_crop", "-0 is 0 and the slice is empty")
def center_crop(image, height, width):
    H, W = image.shape[:2]
    top, left = (H - height) // 2, (W - width) // 2
    bottom, right = H - height - top, W - width - left
    return image[top:-bottom, left:-right]  # fine unless a margin is 0


@wrong("center_crop", "one row or column too many")
def center_crop(image, height, width):
    H, W = image.shape[:2]
    top, left = (H - height) // 2, (W - width) // 2
    return image[top:H - top, left:W - left]  # the same margin at both ends: one too many when it is odd


@wrong("center_crop", "round half of it down")
def center_crop(image, height, width):
    H, W = image.shape[:2]
    top, left = round((H - height) / 2), round((W - width) / 2)  # rounds half to even: 2.5 -> 2 but 3.5 -> 4
    return image[top:top + height, left:left + width]


@wrong("center_crop", "the image's height and width are swapped")
def center_crop(image, height, width):
    W, H = image.shape[:2]  # (width, height) order, as in PIL's image.size
    top, left = (H - height) // 2, (W - width) // 2
    return image[top:top + height, left:left + width]


@wrong("center_crop", "a gray image has no channel axis")
def center_crop(image, height, width):
    H, W, _ = image.shape  # colour images only
    top, left = (H - height) // 2, (W - width) // 2
    return image[top:top + height, left:left + width]


@wrong("to_channels_last", "batch axis (0) went to the end")
def to_channels_last(batch):
    return np.moveaxis(batch, 0, -1)


@wrong("to_channels_last", "conversion the other way round")
def to_channels_last(batch):
    return np.moveaxis(batch, -1, 1)  # channels-last -> channels-first


@wrong("to_channels_last", "height and width are swapped")
def to_channels_last(batch):
    return np.stack([image.T for image in batch])  # .T reverses (c, h, w) into (w, h, c)


@wrong("to_channels_last", "channel axis of size 1 was dropped")
def to_channels_last(batch):
    return np.squeeze(np.moveaxis(batch, 1, -1))


@wrong("labels_from_paths", "labels start at 1")
def labels_from_paths(paths):
    class_names = sorted({path.split("/")[0] for path in paths})
    return np.array([class_names.index(path.split("/")[0]) + 1 for path in paths]), class_names


@wrong("labels_from_paths", "as floats")
def labels_from_paths(paths):
    class_names = sorted({path.split("/")[0] for path in paths})
    labels = np.zeros(len(paths))  # float64 zeros, filled with whole numbers
    for i, path in enumerate(paths):
        labels[i] = class_names.index(path.split("/")[0])
    return labels, class_names


@wrong("labels_from_paths", "changed its input `paths` in place")
def labels_from_paths(paths):
    paths.sort()  # groups the classes, but reorders the caller's list (and the labels with it)
    class_names = sorted({path.split("/")[0] for path in paths})
    return np.array([class_names.index(path.split("/")[0]) for path in paths]), class_names


@wrong("labels_from_paths", "the pair in the wrong order")
def labels_from_paths(paths):
    class_names = sorted({path.split("/")[0] for path in paths})
    return class_names, np.array([class_names.index(path.split("/")[0]) for path in paths])


@wrong("labels_from_paths", "one-hot rows")
def labels_from_paths(paths):
    class_names = sorted({path.split("/")[0] for path in paths})
    labels = np.array([class_names.index(path.split("/")[0]) for path in paths])
    return np.eye(len(class_names), dtype=int)[labels], class_names


@wrong("standardize_splits", "changed its input `X_train` in place")
def standardize_splits(X_train, X_test):
    mean, std = X_train.mean(axis=(0, 1, 2)), X_train.std(axis=(0, 1, 2))
    X_train -= mean  # in place: the caller's training images are gone
    X_train /= std
    return X_train, (X_test - mean) / std


@wrong("standardize_splits", "divided by the variance")
def standardize_splits(X_train, X_test):
    mean, var = X_train.mean(axis=(0, 1, 2)), X_train.var(axis=(0, 1, 2))
    return (X_train - mean) / var, (X_test - mean) / var


@wrong("standardize_splits", "each image standardized with its own statistics")
def standardize_splits(X_train, X_test):
    def standardize(X):
        return (X - X.mean(axis=(1, 2), keepdims=True)) / X.std(axis=(1, 2), keepdims=True)
    return standardize(X_train), standardize(X_test)


@wrong("standardize_splits", "test set's own mean was subtracted")
def standardize_splits(X_train, X_test):
    std = X_train.std(axis=(0, 1, 2))
    return (X_train - X_train.mean(axis=(0, 1, 2))) / std, (X_test - X_test.mean(axis=(0, 1, 2))) / std


@wrong("standardize_splits", "one mean and one standard deviation for all values")
def standardize_splits(X_train, X_test):
    from course_lib.data import normalize  # the text warns: one mean for all channels, each array's own

    return normalize(X_train, "standardize"), normalize(X_test, "standardize")
