"""Graded tasks of ``exercises/05_images_as_data.ipynb``: pixel arithmetic, crops, axis order, folder labels, statistics."""

import numpy as np

from .. import (ANY, Array, Cases, Either, Exercise, Fail, Items, Record, Text, call_each_case, expect_array,
                expect_close, to_plain)

EXERCISE = Exercise("05_images_as_data", "Images as data")
task = EXERCISE.task

CLASS_POOL = ["ant", "bird", "cat", "dog", "fish", "horse", "owl", "zebra"]


def _dtype_of(data):
    """The dtype name of an array answer (``to_plain`` keeps it), or ``None`` for lists and numbers."""
    if type(data) is dict and "__ndarray__" in data:
        return data["__ndarray__"]
    return None


def _unique_pixels(rng, shape):
    """An array whose values are all different, so a judge can tell where any piece of it came from."""
    return rng.permutation(int(np.prod(shape))).reshape(shape).astype(float)


# --------------------------------------------------------------------------------------------------------
# Task 1: brightness without wrapping around


def _brightness_inputs(rng):
    def image():
        h, w = (int(n) for n in rng.integers(4, 8, size=2))
        pixels = rng.integers(0, 256, size=(h, w, 3)).astype(np.uint8)
        pixels[0, 0] = [255, 0, 250]  # both ends of the range appear in every image
        return pixels

    return {"cases": [{"image": image(), "amount": int(rng.integers(40, 120))},
                      {"image": image(), "amount": -int(rng.integers(40, 120))}]}


def _collect_brightness(answer, inputs):
    # NumPy 2 raises OverflowError for uint8 + (a negative Python int); turn that into a hint, not an error.
    results = []
    for number, case in enumerate(inputs["cases"], start=1):
        try:
            results.append(to_plain(answer(**case), f"the value it returned for case {number}"))
        except OverflowError as error:
            results.append({"overflow_error": str(error)})
    return results


def _brightness_answer(inputs):
    # An image of the input's shape per case, or the OverflowError that _collect_brightness recorded.
    return Cases(inputs, lambda case: Either(Array(shape=case["image"].shape), Record({"overflow_error": Text()})))


@task("adjust_brightness", points=2, inputs=_brightness_inputs, collect=_collect_brightness,
      answer=_brightness_answer)
def judge_adjust_brightness(data, inputs):
    for case, got in zip(inputs["cases"], data):
        image, amount = case["image"], case["amount"]
        what = f"adjust_brightness(image, {amount})"
        if type(got) is dict and "overflow_error" in got:
            raise Fail(f"{what} raised OverflowError ({got['overflow_error']}): NumPy refuses to add a negative "
                       f"number to a uint8 array. Convert the image to a wider type first (np.int16), add, clip "
                       f"to 0..255, then convert back to uint8.")
        result = expect_array(got, what, shape=image.shape)
        wide = image.astype(np.int64) + amount
        expect_close(result, np.clip(wide, 0, 255), what, hints=[
            (wide % 256, "pixels pushed past 255 (or below 0) wrapped around modulo 256, so bright pixels turned "
                         "dark (or dark ones bright): uint8 arithmetic wraps. Add in a wider type (np.int16), "
                         "then np.clip to 0..255."),
            (wide, "values outside 0..255 are kept: clip them with np.clip(..., 0, 255)."),
            (np.clip(wide, 0, 255) / 255, "the values are scaled to 0..1; keep the 0..255 scale of the input."),
        ])
        dtype = _dtype_of(got)
        if dtype != "uint8":
            raise Fail(f"{what} has the right values but {f'dtype {dtype}' if dtype else 'is not a NumPy array'}; "
                       f"return a uint8 image like the input: .astype(np.uint8) after clipping.")


# --------------------------------------------------------------------------------------------------------
# Task 2: centre crop


def _crop_inputs(rng):
    height, width = int(rng.integers(4, 9)), int(rng.integers(4, 9))
    while height == width:
        width = int(rng.integers(4, 9))
    # Margins of at least 2 on each side keep every crop of height and width (either way round) inside.
    odd = {"image": _unique_pixels(rng, (height + 2 * int(rng.integers(2, 4)) + 1,
                                         width + 2 * int(rng.integers(2, 4)) + 1, 3)),
           "height": height, "width": width}          # odd margins: the rounding matters
    even = {"image": _unique_pixels(rng, (height + 2 * int(rng.integers(2, 4)),
                                          width + 2 * int(rng.integers(2, 5)))),
            "height": height, "width": width}          # a gray image without a channel axis
    return {"cases": [odd, even]}


# An array per case, of any shape: the judge names swapped sides or a lost channel axis itself.
@task("center_crop", points=2, inputs=_crop_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array()))
def judge_center_crop(data, inputs):
    for case, got in zip(inputs["cases"], data):
        image, height, width = case["image"], case["height"], case["width"]
        H, W = image.shape[:2]
        what = f"center_crop(image of shape {image.shape}, height={height}, width={width})"
        crop = expect_array(got, what)
        expected_shape = (height, width) + image.shape[2:]
        if crop.shape != expected_shape:
            hint = ""
            if crop.shape[:2] == (width, height):
                hint = ": height and width are swapped. Rows (the height) come first in NumPy."
            elif crop.ndim != image.ndim:
                hint = ": a crop keeps the other axes of the image (the channels) as they are."
            raise Fail(f"{what} has shape {crop.shape}, expected {expected_shape}{hint}")
        top, left = (H - height) // 2, (W - width) // 2
        if np.array_equal(crop, image[top:top + height, left:left + width]):
            continue
        first = np.argwhere(image == crop.flat[0])   # every value of the image is different
        if len(first):
            row, column = (int(n) for n in first[0][:2])
            if np.array_equal(crop, image[row:row + height, column:column + width]):
                hint = ""
                if (row, column) == (0, 0):
                    hint = " That is the top-left corner; move the window in by half the margin on each side."
                elif row in (top, top + 1) and column in (left, left + 1):
                    hint = (f" One pixel too far down or right: with an odd margin, round half of it down, "
                            f"top = (H - height) // 2 = {top}.")
                raise Fail(f"{what} cut out rows {row}:{row + height}, columns {column}:{column + width}; the centre "
                           f"crop is rows {top}:{top + height}, columns {left}:{left + width}.{hint}")
        raise Fail(f"{what} is not a piece cut out of the image: slice it, image[top:top + height, "
                   f"left:left + width], without changing any value.")


# --------------------------------------------------------------------------------------------------------
# Task 3: channels first -> channels last


def _channels_inputs(rng):
    n, height, width = 2, int(rng.integers(5, 8)), int(rng.integers(8, 11))
    return {"cases": [{"batch": _unique_pixels(rng, (n, 3, height, width))},
                      {"batch": _unique_pixels(rng, (n + 1, 1, width, height))}]}


# An array per case, of any shape: the judge names swapped or reversed axes itself.
@task("to_channels_last", points=1, inputs=_channels_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array()))
def judge_to_channels_last(data, inputs):
    for case, got in zip(inputs["cases"], data):
        batch = case["batch"]
        n, c, h, w = batch.shape
        what = f"to_channels_last(batch of shape {batch.shape})"
        result = expect_array(got, what)
        if result.shape != (n, h, w, c):
            hint = ""
            if result.shape == (n, w, h, c):
                hint = ": height and width are swapped; the axes order for np.transpose is (0, 2, 3, 1)."
            elif result.shape == batch.shape[::-1]:
                hint = ": np.transpose without axes reverses ALL of them; give the new order, (0, 2, 3, 1)."
            raise Fail(f"{what} has shape {result.shape}, expected {(n, h, w, c)}{hint}")
        expect_close(result, np.moveaxis(batch, 1, -1), what, hints=[
            (batch.reshape(n, h, w, c), "right shape, but the pixels are scrambled: reshape keeps the numbers in "
                                        "memory order and only cuts them differently. Move the axis instead: "
                                        "np.moveaxis(batch, 1, -1) or np.transpose(batch, (0, 2, 3, 1))."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 4: labels from a folder layout


def _paths_inputs(rng):
    names = list(rng.choice(CLASS_POOL, size=int(rng.integers(3, 5)), replace=False))
    while sorted(names) == names:  # first-seen order must differ from alphabetical order
        rng.shuffle(names)
    paths = [f"{name}/{100 * index + number:03d}.png"
             for index, name in enumerate(names) for number in range(int(rng.integers(3, 6)))]
    firsts = [next(path for path in paths if path.startswith(name + "/")) for name in names]
    remaining = [path for path in paths if path not in firsts]
    remaining = [remaining[i] for i in rng.permutation(len(remaining))]
    # One file of each class first, in the unsorted order of `names`: numbering the classes by first
    # appearance then gives different labels from the alphabetical numbering.
    return {"paths": firsts + remaining}


def _collect_labels(answer, inputs):
    result = answer(**inputs)
    if type(result) in (tuple, list) and len(result) == 2 and isinstance(result[1], np.ndarray) \
            and result[1].dtype.kind == "U":
        result = (result[0], [str(name) for name in result[1]])  # an array of names is fine too
    return to_plain(result, "the value it returned")


def _labels_answer(inputs):
    # A pair (labels, class_names); the judge checks the class names itself, to say they are folder names. An
    # array on its own goes on to the judge, whose hint asks for the pair.
    return Either(Items(Array(shape=(len(inputs["paths"]),)), ANY, names=("labels", "class_names")), Array())


@task("labels_from_paths", points=2, inputs=_paths_inputs, collect=_collect_labels, answer=_labels_answer)
def judge_labels_from_paths(data, inputs):
    paths = inputs["paths"]
    folders = [path.split("/")[0] for path in paths]
    class_names = sorted(set(folders))
    labels = np.array([class_names.index(folder) for folder in folders])
    if type(data) is not list or len(data) != 2:
        raise Fail("labels_from_paths(paths) should return a pair (labels, class_names).")
    got_names = data[1]
    if type(got_names) is not list or not all(type(name) is str for name in got_names):
        raise Fail(f"class_names should be a list of folder names (strings); got {str(got_names)[:80]}")
    got_labels = expect_array(data[0], "labels", shape=(len(paths),))
    if got_names != class_names:
        if sorted(got_names) == class_names:
            raise Fail(f"class_names is {got_names}: the right names in the wrong order. Keras numbers the classes "
                       f"in alphabetical order of their folder names: {class_names}.")
        if any("/" in name or "." in name for name in got_names):
            raise Fail(f"class_names is {got_names[:4]}...: the class is the folder, the part of each path before "
                       f"the '/'.")
        raise Fail(f"class_names is {got_names}, expected {class_names} (the folder names, each once, sorted).")
    if not np.array_equal(got_labels, labels):
        seen = list(dict.fromkeys(folders))
        if np.array_equal(got_labels, [seen.index(folder) for folder in folders]):
            raise Fail("the labels number the classes in the order they first appear in the list; a label is the "
                       "position of the folder name in the sorted class_names.")
        wrong = int(np.flatnonzero(got_labels != labels)[0])
        raise Fail(f"label {wrong} is {got_labels[wrong]:g} for {paths[wrong]!r}; expected {labels[wrong]} "
                   f"(the position of {folders[wrong]!r} in class_names).")


# --------------------------------------------------------------------------------------------------------
# Task 5: standardization with the training statistics


def _standardize_inputs(rng):
    h, w = int(rng.integers(5, 8)), int(rng.integers(5, 8))
    means = rng.uniform(0.2, 0.8, size=3)
    stds = rng.uniform(0.05, 0.3, size=3)
    n_train, n_test = int(rng.integers(30, 40)), int(rng.integers(8, 14))
    X_train = rng.normal(means, stds, size=(n_train, h, w, 3)).astype(np.float32)
    shift = rng.uniform(0.05, 0.15, size=3) * rng.choice([-1, 1], size=3)
    X_test = rng.normal(means + shift, stds * rng.uniform(0.6, 0.8, size=3), size=(n_test, h, w, 3)).astype(np.float32)
    return {"X_train": X_train, "X_test": X_test}


# A pair of arrays of any shape: the judge names swapped or reshaped results itself. An array on its own goes on
# to the judge, whose hint asks for the pair.
@task("standardize_splits", points=3, inputs=_standardize_inputs,
      answer=Either(Items(Array(), Array(), names=("train_standardized", "test_standardized")), Array()))
def judge_standardize_splits(data, inputs):
    X_train, X_test = (inputs[key].astype(np.float64) for key in ("X_train", "X_test"))
    if type(data) is not list or len(data) != 2:
        raise Fail("standardize_splits should return a pair (train_standardized, test_standardized).")
    train = expect_array(data[0], "the standardized training set")
    test = expect_array(data[1], "the standardized test set")
    if train.shape == X_test.shape and test.shape == X_train.shape:
        raise Fail("the two results come back in the wrong order: return (train_standardized, test_standardized).")
    if train.shape != X_train.shape or test.shape != X_test.shape:
        raise Fail(f"the results have shapes {train.shape} and {test.shape}; standardizing keeps the shapes, "
                   f"{X_train.shape} and {X_test.shape}.")
    channels = (0, 1, 2)
    mean, std = X_train.mean(axis=channels), X_train.std(axis=channels)
    both = np.concatenate([X_train, X_test])

    def hints(X):
        return [
            ((X - X_train.mean()) / X_train.std(), "one mean and one standard deviation for all values; images are "
                                                   "standardized per channel: mean and std over axis=(0, 1, 2), "
                                                   "one number per channel."),
            ((X - X_train.mean(axis=0)) / X_train.std(axis=0), "statistics per pixel position (axis=0); average "
                                                               "over images, rows and columns, axis=(0, 1, 2), "
                                                               "for one mean and std per channel."),
            ((X - both.mean(axis=channels)) / both.std(axis=channels), "the statistics come from the training AND "
                                                                       "test images: the test images leak into them. "
                                                                       "Compute them on X_train only."),
            ((X - X.mean()) / X.std(), "each set standardized with one mean and std of its own: use the "
                                       "training set's per-channel statistics for both."),
            (X - mean, "the mean is subtracted, but nothing is divided by the standard deviation."),
        ]

    # rtol 2e-3 accepts np.std(ddof=1), a harmless variant with thousands of values per channel.
    expect_close(train, (X_train - mean) / std, "the standardized training set", rtol=2e-3, atol=1e-4,
                 hints=hints(X_train))
    expect_close(test, (X_test - mean) / std, "the standardized test set", rtol=2e-3, atol=1e-4, hints=[
        ((X_test - X_test.mean(axis=channels)) / X_test.std(axis=channels),
         "the test set was standardized with its own statistics. The model will meet new images one at a time, "
         "with nothing to compute statistics from: use the TRAINING mean and std for the test set too."),
    ] + hints(X_test))
