"""Graded tasks of ``exercises/05_images_as_data.ipynb``: pixel arithmetic, crops, axis order, folder labels, statistics.

Each judge's docstring lists what a correct answer must satisfy, clause by clause; the inputs are chosen so that
every clause is exercised in one call (both ends of the pixel range, odd, even and zero margins, images that are
not square, class names whose first-seen order is not alphabetical, channels of different scales). The framework
adds one clause to every task: the function leaves its array arguments unchanged.
"""

import numpy as np

from .. import (ANY, Array, Cases, Either, Exercise, Fail, Items, Record, Text, call_each_case, expect_array,
                expect_close, relative_error, to_plain)

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


def _two_sizes(rng, low, high):
    """Two different whole numbers from ``low`` to ``high - 1``: a height and a width that cannot be swapped unseen."""
    first, second = rng.choice(np.arange(low, high), size=2, replace=False)
    return int(first), int(second)


# --------------------------------------------------------------------------------------------------------
# Task 1: brightness without wrapping around


def _brightness_inputs(rng):
    def image():
        h, w = _two_sizes(rng, 4, 8)
        pixels = rng.integers(0, 256, size=(h, w, 3)).astype(np.uint8)
        pixels[0, 0] = [255, 0, 250]  # both ends of the range appear in every image
        pixels[-1, -1] = [1, 254, 128]
        return pixels

    extreme = int(rng.integers(150, 256)) * int(rng.choice([-1, 1]))
    return {"cases": [{"image": image(), "amount": int(rng.integers(40, 120))},
                      {"image": image(), "amount": -int(rng.integers(40, 120))},
                      {"image": image(), "amount": extreme}]}


def _collect_brightness(answer, inputs):
    # NumPy 2 raises OverflowError for uint8 + (a negative Python int); turn that into a hint, not an error.
    # The images themselves are passed (no copies): the guard then fails a function that changes one in place.
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
    """adjust_brightness(image, amount), for a uint8 (h, w, 3) image and a whole ``amount`` in -255..255:

    1. returns an array of the image's shape;
    2. every value is image + amount, clipped to 0..255: sums above 255 become 255, below 0 become 0
       (cases: a positive, a negative and a large amount of either sign; 0 and 255 in every image);
    3. the result's dtype is uint8;
    4. the caller's image is unchanged (the framework's guard; the images are passed in, not copies).
    """
    for case, got in zip(inputs["cases"], data):
        image, amount = case["image"], case["amount"]
        what = f"adjust_brightness(image, {amount})"
        if type(got) is dict and "overflow_error" in got:
            raise Fail(f"{what} raised OverflowError ({got['overflow_error']}): NumPy refuses to add a negative "
                       f"Python int to an unsigned integer array (uint8, and uint16 too). Convert the image to a "
                       f"wider SIGNED type first (np.int16), add, clip to 0..255, then convert back to uint8.")
        result = expect_array(got, what, shape=image.shape)
        wide = image.astype(np.int64) + amount
        clipped = np.clip(wide, 0, 255)
        if amount > 0:
            wrapped = ("pixels pushed past 255 wrapped around modulo 256 (250 + 10 became 4), so bright pixels "
                       "turned dark")
        else:
            wrapped = ("pixels pushed below 0 wrapped around modulo 256 (5 - 10 became 251), so dark pixels "
                       "turned bright")
        expect_close(result, clipped, what, hints=[
            (wide % 256, f"{wrapped}: uint8 arithmetic wraps, and so does .astype(np.uint8) of a value outside "
                         f"0..255. Add in a wider type (np.int16), clip BOTH ends with np.clip(..., 0, 255) and "
                         f"convert the clipped result back (np.clip returns a new array: use its result)."),
            (wide, "values outside 0..255 are kept: clip them, after adding, with np.clip(..., 0, 255)."),
            (clipped / 255, "the values are scaled to 0..1; keep the 0..255 scale of the input."),
            (image, "the image came back unchanged: nothing was added (np.clip and astype return new arrays; "
                    "keep their results)."),
        ])
        dtype = _dtype_of(got)
        if dtype != "uint8":
            raise Fail(f"{what} has the right values but {f'dtype {dtype}' if dtype else 'is not a NumPy array'}; "
                       f"return a uint8 image like the input: .astype(np.uint8) after clipping.")


# --------------------------------------------------------------------------------------------------------
# Task 2: centre crop


def _crop_case(rng, row_margin, column_margin, channels):
    """A crop of a non-square window from a non-square image with these margins (total, not per side)."""
    while True:
        height, width = _two_sizes(rng, 3, 9)
        H, W = height + row_margin, width + column_margin
        if abs(H - W) >= 4:  # far enough apart that swapping them moves the window by more than a rounding slip
            break
    shape = (H, W) if channels is None else (H, W, channels)
    return {"image": _unique_pixels(rng, shape), "height": height, "width": width}


def _crop_inputs(rng):
    # Odd margins, with half of them (rounded down) even on one axis and odd on the other, the other way round in
    # the second case: Python's round() rounds 2.5 down but 3.5 up, so a crop placed with round() is off somewhere.
    even_half, odd_half = 2 * int(rng.integers(1, 3)), 2 * int(rng.integers(0, 2)) + 1
    return {"cases": [
        _crop_case(rng, 2 * even_half + 1, 2 * odd_half + 1, 3),         # colour, odd margins
        _crop_case(rng, 2 * odd_half + 1, 2 * even_half + 1, None),      # gray (no channel axis), odd margins
        _crop_case(rng, 0, 2 * int(rng.integers(1, 4)), 3),              # the full height, an even margin
    ]}


def _crop_mistakes(image, height, width):
    """``(crop, hint)`` for slips a judge can name, each computed with Python's own slicing rules."""
    H, W = image.shape[:2]
    top, left = (H - height) // 2, (W - width) // 2
    bottom, right = H - height - top, W - width - left
    return [
        (image[:height, :width], "that is the top-left corner; move the window in by half the margin on each side."),
        (image[top:H - top, left:W - left],
         "one row or column too many: with an odd margin, H - top ends one pixel below the window. End the "
         "slice at top + height (and left + width)."),
        (image[top:-bottom, left:-right],
         "a slice ending at -bottom: when a margin is 0, -0 is 0 and the slice is empty. End the slice at "
         "top + height (and left + width)."),
        (image[(W - height) // 2:(W - height) // 2 + height, (H - width) // 2:(H - width) // 2 + width],
         "the image's height and width are swapped: image.shape is (H, W, ...), rows (the height) first."),
        (image[(H - width) // 2:(H - width) // 2 + width, (W - height) // 2:(W - height) // 2 + height],
         "height and width are swapped: the crop's rows are its height. Rows come first in NumPy."),
    ]


def _collect_crops(answer, inputs):
    results = []
    for number, case in enumerate(inputs["cases"], start=1):
        try:
            crop = answer(**case)
        except ValueError as error:  # H, W, C = image.shape on a gray image: name the cause, not just the error
            if case["image"].ndim == 2 and "unpack" in str(error):
                raise Fail(f"center_crop(gray image of shape {case['image'].shape}, ...) raised ValueError "
                           f"({error}): a gray image has no channel axis. Take the first two sizes only, H, W = "
                           f"image.shape[:2], and slice those two axes; the others come along.") from None
            raise
        results.append(to_plain(crop, f"the value it returned for case {number}"))
    return results


# An array per case, of any shape: the judge names swapped sides, a lost channel axis or an empty slice itself.
@task("center_crop", points=2, inputs=_crop_inputs, collect=_collect_crops,
      answer=lambda inputs: Cases(inputs, Array()))
def judge_center_crop(data, inputs):
    """center_crop(image, height, width), for an (H, W) or (H, W, C) image:

    1. the crop has shape (height, width) plus the image's other axes (a gray image has none);
    2. it starts at row (H - height) // 2 and column (W - width) // 2: an odd margin leaves its extra pixel
       below or right (cases: odd margins whose halves are even on one axis and odd on the other; a zero margin);
    3. the pixel values are the image's own (every value of the test images is different, so any slip of the
       window shows).
    """
    for case, got in zip(inputs["cases"], data):
        image, height, width = case["image"], case["height"], case["width"]
        H, W = image.shape[:2]
        what = f"center_crop(image of shape {image.shape}, height={height}, width={width})"
        crop = expect_array(got, what)
        top, left = (H - height) // 2, (W - width) // 2
        if crop.shape == (height, width) + image.shape[2:] and np.array_equal(
                crop, image[top:top + height, left:left + width]):
            continue
        for candidate, hint in _crop_mistakes(image, height, width):
            if crop.shape == candidate.shape and np.array_equal(crop, candidate):
                raise Fail(f"{what} gave an array of shape {crop.shape}: {hint} The centre crop is rows "
                           f"{top}:{top + height}, columns {left}:{left + width}.")
        expected_shape = (height, width) + image.shape[2:]
        if crop.shape != expected_shape:
            hint = ""
            if crop.shape[:2] == (width, height):
                hint = ": height and width are swapped. Rows (the height) come first in NumPy."
            elif crop.ndim != image.ndim:
                hint = ": a crop keeps the other axes of the image (the channels) as they are."
            elif 0 in crop.shape:
                hint = ": the crop is empty. End the slice at top + height and left + width."
            raise Fail(f"{what} has shape {crop.shape}, expected {expected_shape}{hint}")
        first = np.argwhere(image == crop.flat[0])   # every value of the image is different
        if len(first):
            row, column = (int(n) for n in first[0][:2])
            if np.array_equal(crop, image[row:row + height, column:column + width]):
                hint = "top = (H - height) // 2, left = (W - width) // 2."
                if row in (top, top + 1) and column in (left, left + 1):
                    hint = (f"one pixel too far down or right. With an odd margin, round half of it down, "
                            f"top = (H - height) // 2 = {top}, left = (W - width) // 2 = {left}: Python's round() "
                            f"rounds 2.5 down but 3.5 up, and np.ceil or int(x + 0.5) always up; use //.")
                raise Fail(f"{what} cut out rows {row}:{row + height}, columns {column}:{column + width}; the centre "
                           f"crop is rows {top}:{top + height}, columns {left}:{left + width}: {hint}")
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
    """to_channels_last(batch), for a batch of shape (n, c, h, w):

    1. the result has shape (n, h, w, c) (cases: n, c, h and w all different, h and w either way round; one gray
       batch with c = 1, whose channel axis must stay);
    2. result[i, y, x, k] == batch[i, k, y, x]: the values move with their axes (every test value is different).
    """
    for case, got in zip(inputs["cases"], data):
        batch = case["batch"]
        n, c, h, w = batch.shape
        what = f"to_channels_last(batch of shape {batch.shape})"
        result = expect_array(got, what)
        if result.shape != (n, h, w, c):
            hint = ""
            if result.shape == (n, w, h, c):
                hint = (": height and width are swapped; the axes order for np.transpose is (0, 2, 3, 1) (.T and "
                        "np.swapaxes(batch, 1, 3) reverse or swap the wrong axes).")
            elif result.shape == batch.shape[::-1]:
                hint = ": np.transpose without axes reverses ALL of them; give the new order, (0, 2, 3, 1)."
            elif result.shape == (c, h, w, n):
                hint = (": the batch axis (0) went to the end. The channels are axis 1: np.moveaxis(batch, 1, -1) "
                        "keeps the images in axis 0.")
            elif result.shape == (n, w, c, h):
                hint = (": that moved the LAST axis (the width) to position 1, the conversion the other way round. "
                        "Move axis 1 (the channels) to the end: np.moveaxis(batch, 1, -1).")
            elif c == 1 and result.shape == (n, h, w):
                hint = (": the channel axis of size 1 was dropped (squeeze?). Keras expects a gray batch as "
                        "(n, h, w, 1): keep it.")
            raise Fail(f"{what} has shape {result.shape}, expected {(n, h, w, c)}{hint}")
        expect_close(result, np.moveaxis(batch, 1, -1), what, hints=[
            (batch.reshape(n, h, w, c), "right shape, but the pixels are scrambled: reshape keeps the numbers in "
                                        "memory order and only cuts them differently. Move the axis instead: "
                                        "np.moveaxis(batch, 1, -1) or np.transpose(batch, (0, 2, 3, 1))."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 4: labels from a folder layout


def _paths_case(rng, names):
    names = list(names)
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


def _paths_inputs(rng):
    pool = list(rng.permutation(CLASS_POOL))
    three, four = int(rng.integers(3, 5)), 4
    return {"cases": [_paths_case(rng, pool[:three]), _paths_case(rng, pool[three:three + four])]}


def _collect_labels(answer, inputs):
    results = []
    for number, case in enumerate(inputs["cases"], start=1):
        result = answer(paths=case["paths"])  # sorting the caller's list is caught by the guard
        if type(result) in (tuple, list) and len(result) == 2:  # an array of names is fine too
            result = [[str(name) for name in item] if isinstance(item, np.ndarray) and item.dtype.kind == "U"
                      else item for item in result]
        results.append(to_plain(result, f"the value it returned for case {number}"))
    return results


# A pair (labels, class_names) per case, read by the judge itself (to name a swapped pair, one-hot labels or
# file names); a lone array goes on to the judge too, whose hint asks for the pair.
@task("labels_from_paths", points=2, inputs=_paths_inputs, collect=_collect_labels,
      answer=lambda inputs: Cases(inputs, Either(Items(ANY, ANY, names=("labels", "class_names")), Array())))
def judge_labels_from_paths(data, inputs):
    """labels_from_paths(paths), for paths "folder/file.png" in any order:

    1. returns a pair (labels, class_names);
    2. class_names is a list of str: the folder names, each once, in alphabetical order (cases: the classes first
       appear in an order that is not alphabetical);
    3. labels is an integer array (ints, not floats) of one label per path, in the order of ``paths``;
    4. labels[i] is the position of path i's folder in class_names (0-based);
    5. the caller's list of paths is unchanged (checked by the collect).
    """
    for case, got in zip(inputs["cases"], data):
        paths = case["paths"]
        folders = [path.split("/")[0] for path in paths]
        class_names = sorted(set(folders))
        labels = np.array([class_names.index(folder) for folder in folders])
        what = f"labels_from_paths(paths) for {len(paths)} paths"
        if type(got) is not list or len(got) != 2:
            raise Fail(f"{what} should return a pair (labels, class_names).")
        got_labels, got_names = got
        if type(got_labels) is list and got_labels and all(type(name) is str for name in got_labels):
            raise Fail(f"{what} returned (class_names, labels): the pair in the wrong order. Return (labels, "
                       f"class_names).")
        if type(got_names) is not list or not all(type(name) is str for name in got_names):
            raise Fail(f"{what}: class_names should be a list of folder names (strings); got {str(got_names)[:80]}")
        array = expect_array(got_labels, f"the labels of {what}")
        if got_names != class_names:
            if sorted(got_names) == class_names:
                raise Fail(f"{what}: class_names is {got_names}, the right names in the wrong order. Keras numbers "
                           f"the classes in alphabetical order of their folder names: {class_names}.")
            if any("/" in name or "." in name for name in got_names):
                raise Fail(f"{what}: class_names is {got_names[:4]}...: the class is the folder, the part of each "
                           f"path before the '/'.")
            raise Fail(f"{what}: class_names is {got_names}, expected {class_names} (the folder names, each once, "
                       f"sorted).")
        if array.shape == (len(paths), len(class_names)) and np.array_equal(array, np.eye(len(class_names))[labels]):
            raise Fail(f"{what}: the labels are one-hot rows, shape {array.shape}; return one integer per path "
                       f"(the class's position), shape ({len(paths)},).")
        if array.shape != (len(paths),):
            raise Fail(f"{what}: the labels have shape {array.shape}, expected ({len(paths)},): one per path.")
        if not np.array_equal(array, labels):
            seen = list(dict.fromkeys(folders))
            if np.array_equal(array, [seen.index(folder) for folder in folders]):
                raise Fail(f"{what}: the labels number the classes in the order they first appear in the list; a "
                           f"label is the position of the folder name in the sorted class_names.")
            if np.array_equal(array, labels + 1):
                raise Fail(f"{what}: the labels start at 1; they are positions in class_names, so the first class "
                           f"is 0.")
            wrong = int(np.flatnonzero(array != labels)[0])
            raise Fail(f"{what}: label {wrong} is {array[wrong]:g} for {paths[wrong]!r}; expected {labels[wrong]} "
                       f"(the position of {folders[wrong]!r} in class_names).")
        dtype = _dtype_of(got_labels)
        if (dtype or "float").startswith("float") and not (type(got_labels) is list
                                                            and all(type(n) is int for n in got_labels)):
            raise Fail(f"{what}: the labels have the right values as floats ({dtype or 'a list of floats'}); "
                       f"labels are whole numbers: an integer array (np.array of ints, or .astype(int)). Keras's "
                       f"sparse losses and indexing like class_names[label] need ints.")


# --------------------------------------------------------------------------------------------------------
# Task 5: standardization with the training statistics


def _standardize_inputs(rng):
    h, w = _two_sizes(rng, 5, 8)
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
    """standardize_splits(X_train, X_test), for colour batches (n, h, w, 3) whose channels have different scales:

    1. returns a pair (train_standardized, test_standardized) with the shapes of X_train and X_test;
    2. the statistics are one mean and one standard deviation per channel, over axis=(0, 1, 2) (not one for all
       values, not per pixel, not per image);
    3. they come from X_train only (the test set has other statistics, so using it, alone or with the training
       set, shows), and the same ones standardize both sets;
    4. (X - mean) / std, not the variance; np.std's ddof=1 is a harmless variant and is accepted (rtol 2e-3);
    5. X_train and X_test are unchanged (the framework's guard).
    """
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
            ((X - X.mean(axis=(1, 2), keepdims=True)) / X.std(axis=(1, 2), keepdims=True),
             "each image standardized with its own statistics (axis=(1, 2)); the statistics are the training "
             "set's, over all its images: axis=(0, 1, 2)."),
            ((X - X.mean(axis=(1, 2, 3), keepdims=True)) / X.std(axis=(1, 2, 3), keepdims=True),
             "each image standardized with its own mean and std (like tf.image.per_image_standardization); the "
             "statistics are the training set's, per channel: axis=(0, 1, 2)."),
            ((X - X.mean(axis=3, keepdims=True)) / X.std(axis=3, keepdims=True),
             "statistics over axis=3, across the three channels of each pixel; 'per channel' means one mean per "
             "channel, averaged over the other axes: axis=(0, 1, 2)."),
            ((X - mean) / X_train.var(axis=channels), "divided by the variance; divide by the standard deviation "
                                                      "(np.std, the square root of the variance)."),
            ((X - X_train.min(axis=channels)) / (X_train.max(axis=channels) - X_train.min(axis=channels)),
             "min-max scaling to 0..1; standardizing subtracts the mean and divides by the standard deviation."),
            ((X - X.min()) / (X.max() - X.min()), "min-max scaling of each set to 0..1; standardizing subtracts "
                                                  "the training mean and divides by the training standard "
                                                  "deviation, per channel."),
            (X - mean, "the mean is subtracted, but nothing is divided by the standard deviation."),
        ]

    def close(got, want, what, hints):
        # rtol 2e-3 accepts np.std(ddof=1), a harmless variant with thousands of values per channel. A slip is
        # recognised within 2e-3 of its largest value: float32 arithmetic divided by a small variance is noisier
        # near 0 than an absolute tolerance allows.
        if not np.allclose(got, want, rtol=2e-3, atol=1e-4):
            for candidate, message in hints:
                if relative_error(got, candidate) < 2e-3:
                    raise Fail(f"{what} is wrong: {message}")
        expect_close(got, want, what, rtol=2e-3, atol=1e-4)

    close(train, (X_train - mean) / std, "the standardized training set", hints(X_train))
    close(test, (X_test - mean) / std, "the standardized test set", [
        ((X_test - X_test.mean(axis=channels)) / X_test.std(axis=channels),
         "the test set was standardized with its own statistics. The model will meet new images one at a time, "
         "with nothing to compute statistics from: use the TRAINING mean and std for the test set too."),
        ((X_test - X_test.mean(axis=channels)) / std,
         "the test set's own mean was subtracted; use the TRAINING mean (and std) for the test set too."),
        ((X_test - mean) / X_test.std(axis=channels),
         "the test set was divided by its own standard deviation; use the TRAINING std (and mean) for it too."),
    ] + hints(X_test))
