"""Graded tasks of ``exercises/10_data_augmentation.ipynb``: augmentations by hand, Keras augmentation blocks, label-safe choices."""

import numpy as np

from .. import (ANY, Array, Cases, Exercise, Fail, Flag, Integer, ListOf, Record, Text, call_each_case,
                describe_model, expect_array, expect_close, expect_number, to_plain)
from ._common import MODEL, compile_problem, compiled_layers, distinct_sizes

EXERCISE = Exercise("10_data_augmentation", "Data augmentation")
task = EXERCISE.task


# --------------------------------------------------------------------------------------------------------
# Task 1: a horizontal flip by hand


def _flip_inputs(rng):
    def batch(n, channels):
        height, width = distinct_sizes(rng, 2, 5, 10)  # h != w
        return rng.uniform(0, 1, size=(n, height, width, channels))

    return {"cases": [{"images": batch(int(rng.integers(3, 6)), 3)}, {"images": batch(int(rng.integers(6, 9)), 1)}]}


# Arrays of any shape: the judge's own message for a wrong shape names the transpose.
@task("flip_horizontal", points=1, inputs=_flip_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array()))
def judge_flip_horizontal(data, inputs):
    """The specification, clause by clause (two batches, of 3-5 RGB and 6-8 gray images, never square):

    - the result has the batch's shape (n, height, width, channels);
    - every image of the batch, the last one too, has its columns (axis 2) in reverse order, and nothing else:
      not the rows (axis 1), the images (axis 0) or the channels (axis 3);
    - the caller's batch is left as it was (the framework's guard).
    """
    for case, got in zip(inputs["cases"], data):
        images = case["images"]
        n, height, width, channels = images.shape
        what = f"flip_horizontal(images) for a batch of shape {images.shape}"
        flipped = expect_array(got, what)
        if flipped.shape == (n, width, height, channels):
            raise Fail(f"{what} has shape {flipped.shape}: height and width are swapped. That is a transpose; a "
                       f"flip keeps the shape and reverses the order of the columns.")
        if flipped.shape != images.shape:
            raise Fail(f"{what} has shape {flipped.shape}, expected {images.shape}: a flip keeps the shape.")
        want = images[:, :, ::-1, :]
        right = [bool(np.allclose(flipped[i], want[i])) for i in range(n)]
        if any(right) and not all(right):
            wrong = [i for i in range(n) if not right[i]]
            left = [i for i in wrong if np.allclose(flipped[i], images[i])]
            if left == wrong:
                which = "the last image" if wrong == [n - 1] else f"images {wrong}"
                pronoun = "it" if len(wrong) == 1 else "they"
                raise Fail(f"{what} flips some images but leaves {which} of the {n} as {pronoun} came in: does a "
                           f"loop stop one short (range(len(images) - 1))? Flip every image; images[:, :, ::-1] "
                           f"does the whole batch at once.")
        expect_close(flipped, want, what, hints=[
            (images[:, ::-1], "it is flipped top to bottom. Axis 1 holds the rows, so reversing it is a VERTICAL "
                              "flip (np.fliplr does this to a batch: it reverses axis 1); left and right are the "
                              "columns, axis 2: images[:, :, ::-1]."),
            (images[::-1], "it reverses the order of the images in the batch (axis 0) and leaves each image as it "
                           "was (np.flipud does this to a batch). Reverse the columns of every image, axis 2."),
            (images[..., ::-1], "it reverses the colour channels (RGB becomes BGR, axis 3). Reverse the columns, "
                                "axis 2."),
            (images[:, ::-1, ::-1], "every image is turned by 180° (rows AND columns reversed, as np.rot90(..., 2) "
                                    "does): that is a half turn, not a mirror image. Reverse the columns only, "
                                    "axis 2."),
            (images[::-1, ::-1, ::-1, ::-1], "it reverses every axis: np.flip without axis= flips the batch order, "
                                             "rows, columns and channels. Give the axis: np.flip(images, axis=2)."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 2: random shifts with zero padding


def _shift_inputs(rng):
    height, width = distinct_sizes(rng, 2, 8, 12)  # never square: a height/width mix-up shows
    images = rng.uniform(0.05, 1.0, size=(32, height, width, int(rng.choice([1, 3]))))  # no zeros inside
    seed = int(rng.integers(2**31))
    return {"images": images, "max_shift": int(rng.integers(1, 4)), "seed": seed, "other_seed": seed + 1}


def _collect_shift(answer, inputs):
    images, max_shift = inputs["images"], inputs["max_shift"]  # the caller's array itself: the guard watches it

    def call(seed):
        return answer(images=images, max_shift=max_shift, rng=np.random.default_rng(seed))

    def same(a, b):
        try:
            return bool(np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float)))
        except (TypeError, ValueError):
            return False

    shifted = call(inputs["seed"])
    plain = to_plain(shifted, "the value it returned")  # checked before anything else touches it
    again, other = call(inputs["seed"]), call(inputs["other_seed"])
    return {"shifted": plain, "repeats": same(shifted, again), "seed_matters": not same(shifted, other)}


def _shift(image, dy, dx):
    """``image`` (h, w, c) moved down by ``dy`` rows and right by ``dx`` columns, zeros where nothing moved in."""
    height, width = image.shape[:2]
    moved = np.zeros_like(image)
    moved[max(dy, 0):height + min(dy, 0), max(dx, 0):width + min(dx, 0)] = \
        image[max(-dy, 0):height + min(-dy, 0), max(-dx, 0):width + min(-dx, 0)]
    return moved


def _moved_region(height, width, dy, dx):
    """A boolean (h, w) mask of the pixels that a shift by (dy, dx) fills from the image."""
    mask = np.zeros((height, width), dtype=bool)
    mask[max(dy, 0):height + min(dy, 0), max(dx, 0):width + min(dx, 0)] = True
    return mask


def _same(a, b):
    return a.shape == b.shape and float(np.abs(a - b).max(initial=0.0)) < 1e-6


def _find_offset(original, got, max_shift):
    """The (dy, dx) within max_shift with ``got == _shift(original, dy, dx)``, else None; :class:`Fail` for a known
    slip (wrapping round, a border that is not black)."""
    height, width = original.shape[:2]
    reach = range(-max_shift, max_shift + 1)
    for dy in reach:
        for dx in reach:
            if _same(got, _shift(original, dy, dx)):
                return dy, dx
    for dy in reach:
        for dx in reach:
            inside = _moved_region(height, width, dy, dx)
            if (dy, dx) != (0, 0) and _same(got[inside], _shift(original, dy, dx)[inside]):
                if _same(got, np.roll(original, (dy, dx), axis=(0, 1))):
                    raise Fail(f"an image was moved by ({dy}, {dx}) with np.roll, which wraps the pixels that "
                               f"leave one side around to the other. Here the uncovered border must be black: "
                               f"start from np.zeros_like and copy the moved part in.")
                border = got[~inside]
                raise Fail(f"the pixels were moved correctly (by ({dy}, {dx}) in one image), but the uncovered "
                           f"border holds values such as {float(border.ravel()[0]):.3g} instead of 0. Pad with "
                           f"zeros (black), as RandomTranslation(fill_mode='constant') does.")
    return None


def _far_offset(original, got):
    """The (dy, dx), beyond max_shift, with ``got == _shift(original, dy, dx)``, or None."""
    height, width = original.shape[:2]
    for dy in range(-(height - 1), height):
        for dx in range(-(width - 1), width):
            if _same(got, _shift(original, dy, dx)):
                return dy, dx
    return None


# An array of any shape: the judge's own message for a wrong shape names the padding left in.
@task("random_shift", points=2, inputs=_shift_inputs, collect=_collect_shift,
      answer=Record({"shifted": Array(), "repeats": Flag(), "seed_matters": Flag()}))
def judge_random_shift(data, inputs):
    """The specification, clause by clause (32 images, never square, no zero pixels inside):

    - the result has the batch's shape;
    - every image is its input image moved by whole pixels (dy down, dx right), pixels pushed over the edge
      dropped, the uncovered border 0 (not wrapped round as np.roll does, not the edge repeated);
    - each offset lies in -max_shift..+max_shift, both ends included (both are seen in 32 images), negative
      offsets as well as positive ones, dy and dx drawn separately, each image its own;
    - the offsets come from `rng`: the same seed gives the same result, another seed another result;
    - the caller's batch is left as it was (the framework's guard).
    """
    images, max_shift = inputs["images"], inputs["max_shift"]
    n, height, width, channels = images.shape
    what = "random_shift(images, max_shift, rng)"
    got = expect_array(data["shifted"], what)
    if got.shape == (n, height + 2 * max_shift, width + 2 * max_shift, channels):
        raise Fail(f"{what} has shape {got.shape}, expected {images.shape}: the images were padded by max_shift "
                   f"on every side but not cut back to their size. Keep the shape.")
    if got.shape == (n, width, height, channels):
        raise Fail(f"{what} has shape {got.shape}, expected {images.shape}: height and width are swapped. The "
                   f"shape is (n, height, width, channels): n, height, width = images.shape[:3].")
    if got.shape != images.shape:
        raise Fail(f"{what} has shape {got.shape}, expected {images.shape}: every image keeps its size; only its "
                   f"content moves.")
    offsets, wrong = [], []
    for number, (original, moved) in enumerate(zip(images, got)):
        offset = _find_offset(original, moved, max_shift)
        if offset is None:
            wrong.append(number)
        else:
            offsets.append(offset)
    if wrong:
        if len(offsets) >= 3 and min(min(offset) for offset in offsets) >= 0:
            raise Fail(f"the images moved down and right (offsets >= 0) are right, but {len(wrong)} others, such as "
                       f"image {wrong[0]}, are not: check negative offsets. A slice like a[:dy] or a[-dy:] means "
                       f"something else when dy < 0 (or dy == 0); the slices max(dy, 0):height + min(dy, 0) work "
                       f"for every sign.")
        far = _far_offset(images[wrong[0]], got[wrong[0]])
        if far is not None:
            raise Fail(f"image {wrong[0]} was moved by (dy, dx) = {far}, more than max_shift = {max_shift} pixels: "
                       f"draw each offset from -max_shift to +max_shift.")
        raise Fail(f"image {wrong[0]} of the result is not image {wrong[0]} of the input moved by whole pixels "
                   f"(at most {max_shift} each way) with zeros in the uncovered border. Move each image on its "
                   f"own, and copy a slice of it into a zero array of the same shape.")
    offsets = np.array(offsets)  # (n, 2): dy, dx of every image
    if not offsets.any():
        raise Fail("no image moved: every offset is (0, 0). Draw dy and dx with rng.integers.")
    if (offsets == offsets[0]).all():
        raise Fail(f"every image moved by the same offset (dy, dx) = {tuple(offsets[0].tolist())}: draw a new "
                   f"offset for each image, so that each gets its own variation.")
    if (offsets[:, 0] == offsets[:, 1]).all():
        raise Fail("every image moved by the same amount down as right (dy == dx): draw dy and dx separately.")
    seen = set(offsets.ravel().tolist())
    if seen == set(range(-max_shift, max_shift)):
        raise Fail(f"in {n} images no offset was ever +{max_shift}, although offsets may go from -{max_shift} to "
                   f"+{max_shift}. rng.integers(low, high) leaves out high: use rng.integers(-max_shift, "
                   f"max_shift + 1).")
    if offsets.min() >= 0 or offsets.max() <= 0:
        way = "down and right" if offsets.min() >= 0 else "up and left"
        raise Fail(f"in {n} images every offset was {'>= 0' if offsets.min() >= 0 else '<= 0'}: the images move "
                   f"only one way ({way}). Offsets go from -max_shift to +max_shift: rng.integers(-max_shift, "
                   f"max_shift + 1).")
    if max_shift not in seen or -max_shift not in seen:
        missing = max_shift if max_shift not in seen else -max_shift
        raise Fail(f"in {n} images no offset was ever {missing:+d}, although offsets may go from -{max_shift} to "
                   f"+{max_shift}. rng.integers(low, high) leaves out high: use rng.integers(-max_shift, "
                   f"max_shift + 1).")
    if not data["repeats"]:
        raise Fail("two calls with generators made from the same seed gave different results: draw the offsets "
                   "from the rng argument (rng.integers), not from np.random, so that a seed repeats a run.")
    if not data["seed_matters"]:
        raise Fail("calls with generators made from two different seeds gave the same result: the function "
                   "ignores the rng it is given (a generator of its own, such as np.random.default_rng(0), makes "
                   "the same shifts every time, so every epoch would see the same images). Draw from `rng`.")


# --------------------------------------------------------------------------------------------------------
# Task 3: contrast by hand


def _contrast_inputs(rng):
    def batch(n, channels, full_range=False):
        height, width = distinct_sizes(rng, 2, 6, 10)
        centres = rng.uniform(0.25, 0.75, size=(n, 1, 1, channels))    # each image and channel its own level
        spread = rng.uniform(0.05, 0.25, size=(n, 1, 1, channels))
        images = np.clip(centres + spread * rng.uniform(-1, 1, size=(n, height, width, channels)), 0, 1)
        if full_range:  # one image spans 0..1 around a middle mean: a factor above 1 leaves [0, 1] at BOTH ends
            images[0] = rng.uniform(0, 1, size=(height, width, channels))
        return images

    return {"cases": [{"images": batch(int(rng.integers(3, 6)), 3, True), "factor": float(rng.uniform(1.6, 2.5))},
                      {"images": batch(int(rng.integers(3, 6)), 3), "factor": float(rng.uniform(0.3, 0.8))},
                      {"images": batch(int(rng.integers(3, 6)), 1), "factor": float(rng.uniform(1.2, 1.8))}]}


# Arrays of any shape: the judge's own message for a wrong shape says to keep the mean's axes.
@task("adjust_contrast", points=2, inputs=_contrast_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array()))
def judge_adjust_contrast(data, inputs):
    """The specification, clause by clause (three batches: factor above 1 with an image whose stretched values leave
    [0, 1] at both ends, factor below 1, a gray batch; images never square, every image and channel its own mean):

    - the result has the batch's shape;
    - each pixel x of image i, channel c becomes m + factor * (x - m), m the mean of that image's channel over its
      height and width (not of the image over all channels, of the batch, or 0.5);
    - the result is clipped to [0, 1], at both ends;
    - the caller's batch is left as it was (the framework's guard).
    """
    for case, got in zip(inputs["cases"], data):
        images, factor = case["images"], case["factor"]
        what = f"adjust_contrast(images, factor={factor:.2f}) for images of shape {images.shape}"
        result = expect_array(got, what)
        if result.shape != images.shape:
            raise Fail(f"{what} has shape {result.shape}, expected {images.shape}: contrast changes the pixel "
                       f"values, not the shape. Keep the mean's axes with keepdims=True so that it broadcasts.")

        def around(mean):
            return np.clip(mean + factor * (images - mean), 0, 1)

        low, high = result.min() < -1e-9, result.max() > 1 + 1e-9
        if low or high:
            side = ("both below 0 and above 1" if low and high else "below 0" if low else "above 1")
            raise Fail(f"{what} has values from {result.min():.3f} to {result.max():.3f}, {side}; pixels must stay "
                       f"in [0, 1] at both ends: clip the result with np.clip(..., 0, 1), as RandomContrast clips "
                       f"to its value_range.")
        expect_close(result, around(images.mean(axis=(1, 2), keepdims=True)), what, rtol=1e-5, atol=1e-6, hints=[
            (around(images.mean(axis=(1, 2, 3), keepdims=True)),
             "it uses one mean per image for all its channels together; contrast is adjusted per channel: "
             "images.mean(axis=(1, 2), keepdims=True), one mean per image AND channel."),
            (around(images.mean()), "it uses one mean for the whole batch; every image is adjusted around its own "
                                    "(per-channel) mean: images.mean(axis=(1, 2), keepdims=True)."),
            (around(images.mean(axis=0, keepdims=True)),
             "the mean over axis 0 averages the images of the batch pixel by pixel; average over each image's "
             "height and width instead, axis=(1, 2)."),
            (around(images.mean(axis=(0, 1, 2), keepdims=True)),
             "it uses one mean per channel for the whole batch; every image has its own mean, axis=(1, 2)."),
            (np.clip(images * factor, 0, 1), "it multiplies the pixels by factor, which changes the brightness. "
                                             "Contrast stretches each pixel's distance from the mean: "
                                             "mean + factor * (x - mean)."),
            (around(0.5), "it stretches around 0.5, the middle of [0, 1]; use each image's own per-channel mean."),
            (np.clip(images.mean(axis=(1, 2), keepdims=True) + (images - images.mean(axis=(1, 2), keepdims=True))
                     / factor, 0, 1), "it divides by factor; a factor above 1 should INCREASE the contrast."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 4: an augmentation block for digits


def _augmenter_inputs(rng):
    # Two blocks: 8 x 8 digits and a bigger size, so that a size written into the code (8, 28) fails one of them;
    # different angles and shifts too.
    cases = []
    for size, degrees, shift in zip([8, int(rng.choice([16, 28, 32]))], rng.choice([6, 9, 10, 12, 15, 18], 2,
                                                                                     replace=False),
                                    [int(rng.choice([1, 2])), int(rng.integers(1, 4))]):
        cases.append({"image_size": size, "max_degrees": int(degrees), "max_shift": shift})
    order = rng.permutation(2)
    return {"cases": [cases[i] for i in order],
            "images": [rng.uniform(0, 1, size=(4, case["image_size"], case["image_size"], 1)).astype(np.float32)
                       for case in (cases[i] for i in order)]}


def _symmetric(value):
    """A layer factor as its [low, high] range: ``f`` means [-f, f], ``(a, b)`` means [a, b]; None stays None."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return sorted(float(v) for v in value)
    return [-abs(float(value)), abs(float(value))]


def _flat_layers(model):
    for layer in model.layers:
        if hasattr(layer, "layers"):  # a Sequential inside the Sequential
            yield from _flat_layers(layer)
        elif type(layer).__name__ != "InputLayer":
            yield layer


def _collect_augmenter(answer, inputs):
    return [_collect_block(answer, case, images) for case, images in zip(inputs["cases"], inputs["images"])]


def _collect_block(answer, case, images):
    import keras

    try:
        block = answer(**case)
    except ValueError as error:
        if "factor" not in str(error):
            raise
        raise Fail(f"build_augmenter({', '.join(f'{key}={value}' for key, value in case.items())}) failed in Keras: "
                   f"{str(error)[:160].rstrip('. ')}. Each factor is a FRACTION (of a full turn, of the height or "
                   f"width), between -1 and 1: max_degrees / 360, max_shift / image_size.") from None
    described = describe_model(block)  # refuses anything that is not a keras.Model
    settings = []
    for layer in _flat_layers(block):
        config = layer.get_config()
        entry = {"class": type(layer).__name__}
        for key in ("fill_mode", "interpolation", "mode"):
            if isinstance(config.get(key), str):
                entry[key] = config[key]
        if isinstance(config.get("fill_value"), (int, float)):
            entry["fill_value"] = float(config["fill_value"])
        if "value_range" in config:
            entry["value_range"] = [float(v) for v in config["value_range"]]
        if entry["class"] == "RandomContrast":
            entry["factor"] = [float(v) for v in layer.factor]  # (lower, upper): contrast 1 - lower .. 1 + upper
        else:
            for key in ("factor", "height_factor", "width_factor"):
                if key in config:
                    entry[key] = _symmetric(config[key])
        settings.append(entry)
    unchanged = keras.ops.convert_to_numpy(block(images, training=False))
    changed = keras.ops.convert_to_numpy(block(images, training=True))
    return {"model": described, "layers": settings, "identity_off": bool(np.array_equal(unchanged, images)),
            "output_shape": list(changed.shape)}


DIGIT_LAYERS = ["RandomRotation", "RandomTranslation", "RandomZoom", "RandomContrast"]


def _close(a, b):
    """Whether the plain number or list of numbers ``a`` is close to ``b``; None and anything else never is."""
    if a is None or b is None:
        return False
    try:
        a = expect_array(a, "a setting", finite=False)
    except Fail:
        return False
    return a.shape == np.shape(b) and np.allclose(a, b, rtol=1e-5, atol=1e-7)


def _high(value):
    """The upper end of a [low, high] range from ``_symmetric``; None when there is none."""
    return value[-1] if type(value) is list and value else None


# The settings of each layer; the judge reads each range itself (_close), as a missing range is a slip to name.
AUGMENTER = Record({"model": MODEL, "layers": ListOf(Record({"class": Text()}, extra=True)), "identity_off": Flag(),
                    "output_shape": ListOf(Integer())})


@task("build_augmenter", points=2, inputs=_augmenter_inputs, collect=_collect_augmenter,
      answer=lambda inputs: Cases(inputs, AUGMENTER))
def judge_build_augmenter(data, inputs):
    """The specification, clause by clause (two blocks: 8 x 8 and a bigger size, different angles and shifts):

    - a keras.Model whose random layers are exactly RandomRotation, RandomTranslation, RandomZoom, RandomContrast,
      in that order (no flip: digits);
    - RandomRotation's range is ±max_degrees / 360 of a turn; RandomTranslation's height and width ranges are
      ±max_shift / image_size (for the size given, not one written into the code); RandomZoom's ±0.1;
      RandomContrast(0.2) (either Keras reading of it) with value_range (0, 1);
    - the first three fill with black (fill_mode="constant", fill_value 0) and interpolation="nearest";
    - the block keeps the shape, and passes images through untouched with training=False.
    """
    for case, block in zip(inputs["cases"], data):
        _judge_block(block, case, len(inputs["images"][0]))


def _judge_block(data, case, n_images):
    size, degrees, shift = case["image_size"], case["max_degrees"], case["max_shift"]
    layers = data["layers"]
    classes = [layer.get("class") for layer in layers]
    if "RandomFlip" in classes:
        raise Fail("the block contains a RandomFlip. A mirrored 2 is not a 2 (and an upside-down 6 reads as a 9): "
                   "flips change what a digit is, so they have no place in a digit augmentation.")
    if classes != DIGIT_LAYERS:
        if sorted(classes) == sorted(DIGIT_LAYERS):
            raise Fail(f"the layers are {classes}: the right ones in a different order; the specification asks "
                       f"for {DIGIT_LAYERS}.")
        raise Fail(f"the layers are {classes}; expected exactly {DIGIT_LAYERS}, in that order.")
    rotation, translation, zoom, contrast = layers
    turn = degrees / 360
    factor = rotation.get("factor")
    if not _close(factor, [-turn, turn]):
        hint = ""
        high = _high(factor)
        if _close(high, degrees / 180):
            hint = " That is max_degrees / 180; the factor is a fraction of a FULL turn, 360°."
        elif _close(high, np.radians(degrees)):
            hint = " That is the angle in radians; the factor is a fraction of a full turn, max_degrees / 360."
        raise Fail(f"RandomRotation's factor gives angles of {factor} turns, expected ±{turn:.4g} (±{degrees}° of a "
                   f"full turn of 360°).{hint}")
    part = shift / size
    for key in ("height_factor", "width_factor"):
        value = translation.get(key)
        if not _close(value, [-part, part]):
            hint = ""
            if _close(_high(value), shift):
                hint = (f" That is {shift} as a number of pixels; the factor is a FRACTION of the image size: "
                        f"max_shift / image_size = {shift}/{size}.")
            raise Fail(f"RandomTranslation's {key} gives the range {value}, expected ±{part:.4g} (±{shift} "
                       f"pixel{'s' if shift > 1 else ''} of {size}: max_shift / image_size, for the image_size "
                       f"passed in).{hint}")
    for key in ("height_factor", "width_factor"):
        value = zoom.get(key)
        if not (_close(value, [-0.1, 0.1]) or (key == "width_factor" and value is None)):
            raise Fail(f"RandomZoom's {key} gives the range {value}, expected ±0.1 (10% in or out): RandomZoom(0.1).")
    for layer in (rotation, translation, zoom):
        name = layer["class"]
        if layer.get("fill_mode") != "constant" or layer.get("fill_value", 0.0) != 0.0:
            mode = layer.get("fill_mode")
            default = " (Keras's default when the layer is given none)" if mode == "reflect" else ""
            raise Fail(f"{name} has fill_mode={mode!r}{default}: it would paint the uncovered border with "
                       f"{'a mirror image of the edge' if mode == 'reflect' else 'something other than black'}"
                       f"{' instead of black' if mode == 'reflect' else ''}. Digits sit on a black background: "
                       f"fill_mode='constant' (fill_value 0), given to each of the three layers.")
        if layer.get("interpolation") != "nearest":
            default = " (Keras's default)" if layer.get("interpolation") == "bilinear" else ""
            raise Fail(f"{name} has interpolation={layer.get('interpolation')!r}{default}, which mixes neighbouring "
                       f"pixels and blurs small digits; interpolation='nearest' moves whole pixels.")
    factor = contrast.get("factor")
    low, high = factor if type(factor) is list and len(factor) == 2 else (None, None)
    if not (_close(high, 0.2) and (_close(low, 0.0) or _close(low, 0.2))):
        raise Fail(f"RandomContrast's factor is {contrast.get('factor')} (lower, upper); expected "
                   f"RandomContrast(0.2, ...).")
    if contrast.get("value_range") != [0.0, 1.0]:
        raise Fail(f"RandomContrast has value_range={contrast.get('value_range')}: it clips to that range, and "
                   f"assumes 0..255 unless told otherwise. These pixels run from 0 to 1: value_range=(0, 1).")
    if data["output_shape"] != [n_images, size, size, 1]:
        raise Fail(f"on a batch of shape {[n_images, size, size, 1]} the block returned shape "
                   f"{data['output_shape']}; augmentation keeps the shape.")
    if not data["identity_off"]:
        raise Fail("with training=False the block changed the images; augmentation layers should pass them "
                   "through untouched when not training.")


# --------------------------------------------------------------------------------------------------------
# Task 5: augmentation inside a model


def _model_inputs(rng):
    height, width = (int(n) for n in rng.choice([8, 10, 12, 16], size=2, replace=False))  # never square
    channels = int(rng.choice([1, 3]))
    return {"input_shape": (height, width, channels), "num_classes": int(rng.integers(3, 11)),
            "images": rng.uniform(0, 1, size=(4, height, width, channels)).astype(np.float32)}


def _collect_model(answer, inputs):
    import keras
    from keras import layers

    augmenter = keras.Sequential([layers.RandomTranslation(0.25, 0.25, fill_mode="constant"),
                                  layers.RandomRotation(0.1, fill_mode="constant")], name="augmenter")
    model = answer(augmenter=augmenter, input_shape=inputs["input_shape"], num_classes=inputs["num_classes"])
    described = describe_model(model)
    model_layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    whole = [index for index, layer in enumerate(model_layers) if layer is augmenter]
    parts = [index for index, layer in enumerate(model_layers) if any(layer is inner for inner in augmenter.layers)]
    images = inputs["images"]

    def outputs(training):
        return keras.ops.convert_to_numpy(model(images, training=training))

    off = outputs(False), outputs(False)
    on = outputs(True), outputs(True)
    return {"model": described, "augmenter_at": whole or parts, "unpacked": not whole and bool(parts),
            "off_repeats": bool(np.array_equal(*off)), "on_varies": not np.array_equal(*on)}


def _cnn_after_augmenter(input_shape, num_classes):
    """[(class, settings, output shape, params)] of the layers after the augmenter, worked out by hand."""
    height, width, channels = input_shape
    rows, columns = height // 2, width // 2
    return [("Conv2D", {"filters": 16, "kernel_size": [3, 3], "padding": "same", "activation": "relu"},
             [None, height, width, 16], (9 * channels + 1) * 16),
            ("MaxPooling2D", {"pool_size": [2, 2]}, [None, rows, columns, 16], 0),
            ("Flatten", {}, [None, rows * columns * 16], 0),
            ("Dense", {"units": num_classes, "activation": "softmax"}, [None, num_classes],
             (rows * columns * 16 + 1) * num_classes)]


def _softmax_merged(model_layers):
    """The layers with ``Dense`` + ``Softmax()`` (or ``Activation("softmax")``) read as one softmax Dense."""
    merged = []
    for layer in model_layers:
        kind = layer.get("class")
        softmax = kind == "Softmax" or (kind == "Activation" and layer.get("activation") == "softmax")
        previous = merged[-1] if merged else {}
        if softmax and previous.get("class") == "Dense" and previous.get("activation") in ("linear", None):
            merged[-1] = {**previous, "activation": "softmax", "output_shape": layer.get("output_shape")}
        else:
            merged.append(layer)
    return merged


@task("augmented_model", points=3, inputs=_model_inputs, collect=_collect_model,
      answer=Record({"model": MODEL, "augmenter_at": ListOf(Integer()), "unpacked": Flag(), "off_repeats": Flag(),
                     "on_varies": Flag()}))
def judge_augmented_model(data, inputs):
    """The specification, clause by clause (the check's own augmenter; input shapes never square):

    - the given `augmenter` object is in the model, first, right after keras.Input(shape=input_shape), with
      nothing (no Rescaling) before it;
    - after it: Conv2D(16, 3, padding="same", relu), MaxPooling2D(2), Flatten, Dense(num_classes) with a softmax
      (as activation="softmax", or a Softmax / Activation("softmax") layer after it), with the shapes and parameter
      counts these give;
    - with training=False the model is deterministic (no augmentation when predicting), with training=True the
      augmentation runs;
    - compiling is not asked for; a model that is compiled anyway must not contradict its softmax output
      (from_logits=True) or use keras.metrics.Accuracy() for class labels.
    """
    input_shape, k = inputs["input_shape"], inputs["num_classes"]
    model = data["model"]
    model_layers = compiled_layers(model)
    classes = [layer.get("class") for layer in model_layers]
    where = [int(expect_number(index, "the augmenter's position")) for index in data["augmenter_at"]]
    if not where and "Lambda" in classes:
        raise Fail(f"the augmenter passed in is not in the model as a layer (its layers are {classes}): a Lambda "
                   f"that calls it hides it from Keras, which can then neither pass `training` on nor save it. Put "
                   f"the block itself into the model, right after keras.Input.")
    if not where:
        raise Fail(f"the augmenter passed in is not in the model (its layers are {classes}). Put that very object, "
                   f"`augmenter`, into the model as a layer, right after keras.Input: building new random layers "
                   f"ignores the block you were given.")
    first = where[0]
    if first != 0 and set(classes[:first]) <= {"Rescaling", "Normalization"}:
        raise Fail(f"the model has {classes[:first]} before the augmenter, but the table has no Rescaling: the images "
                   f"arrive scaled to 0..1 already. Put the augmenter right after keras.Input, and nothing else.")
    if first != 0:
        raise Fail(f"the augmenter is layer {first + 1}, after {classes[:first]}. Augmentation comes FIRST, right "
                   f"after keras.Input: it must change the images themselves, not feature maps computed from them.")
    if model.get("input_shape") != [None, *input_shape]:
        raise Fail(f"the model's input shape is {model.get('input_shape')}, expected [None, "
                   f"{', '.join(map(str, input_shape))}]: start with keras.Input(shape=input_shape).")
    rest = _softmax_merged(model_layers[where[-1] + 1:])
    expected = _cnn_after_augmenter(input_shape, k)
    wanted = [name for name, *_ in expected]
    if [layer.get("class") for layer in rest] != wanted:
        raise Fail(f"after the augmenter the layers are {[layer.get('class') for layer in rest]}; expected {wanted}.")
    for number, (layer, (name, spec, shape, params)) in enumerate(zip(rest, expected), start=len(where) + 1):
        for key, value in spec.items():
            if layer.get(key) != value:
                extra = ": one probability per class" if name == "Dense" and key == "activation" else ""
                raise Fail(f"layer {number} ({name}) has {key}={layer.get(key)!r}, expected {key}={value!r}{extra}.")
        if layer.get("output_shape") != shape:
            raise Fail(f"layer {number} ({name}) outputs {layer.get('output_shape')}, expected {shape}.")
    total = sum(params for *_, params in expected)
    if model.get("params") != total:
        raise Fail(f"the model has {model.get('params')} parameters, expected {total} (the augmenter adds none).")
    problem = compile_problem(model) if model.get("compiled") else None
    if problem:
        raise Fail(f"the model need not be compiled here, but it is, and {problem}")
    if not data["off_repeats"]:
        raise Fail("model(images, training=False) gave different outputs on two calls: something random still runs "
                   "when not training. Use the augmenter as a layer and let Keras pass `training` on; never call "
                   "it with training=True yourself.")
    if not data["on_varies"]:
        raise Fail("model(images, training=True) gave the same outputs twice: the augmentation is not running "
                   "in training. Use the augmenter as a layer of the model, not augmenter(..., training=False).")


# --------------------------------------------------------------------------------------------------------
# Task 6: augmentations that keep the label


AUGMENTATIONS = ["horizontal flip", "vertical flip", "small rotation", "half-turn rotation", "small shift",
                 "small zoom", "contrast change"]
ALWAYS = ["small rotation", "small shift", "small zoom", "contrast change"]
# load_digits' images are centred and scaled to fill their 8 x 8 box: shifted or zoomed, a digit is one the
# network never meets, and lessons 10 and 13 measured no gain (shifts made lesson 13's members worse).
USEFUL = {"digits": ["small rotation", "contrast change"],
          "shapes": AUGMENTATIONS,
          "animal photos": ["horizontal flip", *ALWAYS]}
WRONGLY_IN = {
    ("digits", "horizontal flip"): "a mirrored 2 is not a 2, and a mirrored 3 is no digit at all",
    ("digits", "vertical flip"): "a digit flipped top to bottom is not the same digit (a 7 becomes no digit at "
                                 "all, a 6 turns into something else)",
    ("digits", "half-turn rotation"): "a 6 turned upside down reads as a 9, and a 7 as nothing",
    ("digits", "small shift"): "load_digits' images are centred and scaled to fill their 8x8 box, so a shifted "
                               "digit is one the network never meets: lesson 13 measured random shifts to make "
                               "its CNNs worse, and lesson 10 found no gain from them",
    ("digits", "small zoom"): "load_digits' images are centred and scaled to fill their 8x8 box, so a zoomed "
                              "digit is one the network never meets (and at 8x8 a zoom blurs it); lessons 10 and "
                              "13 found no gain from it",
    ("animal photos", "vertical flip"): "cats and dogs are almost never photographed upside down: the network "
                                        "would spend its effort on images it will never meet",
    ("animal photos", "half-turn rotation"): "photos upside down are not what the network will be shown; small "
                                             "tilts are",
}
WRONGLY_OUT = {
    ("animal photos", "horizontal flip"): "a cat facing left is as much a cat as one facing right: horizontal "
                                          "flips are the classic augmentation for photos",
    ("shapes", "horizontal flip"): "a star or a triangle has no left and right: mirrored, it is the same shape",
    ("shapes", "vertical flip"): "a star or a triangle has no up and down: flipped, it is the same shape",
    ("shapes", "half-turn rotation"): "a shape turned by any angle is still the same shape (lesson 10 uses "
                                      "RandomRotation(0.5) for them)",
}


def _notebook_list(answer):
    """The list AUGMENTATIONS of the learner's notebook (the globals of their function), or None."""
    import inspect

    function = inspect.unwrap(answer)
    names = getattr(function, "__globals__", {})
    value = names.get("AUGMENTATIONS")
    return value if type(value) is list else None


def _collect_choices(answer, inputs):
    shared = _notebook_list(answer)
    before = list(shared) if shared is not None else None
    chosen = []
    try:
        for case in inputs["cases"]:
            value = answer(**case)
            if type(value) in (set, frozenset) and all(type(item) is str for item in value):
                value = sorted(value)
            chosen.append(to_plain(value, f"the value it returned for {case['dataset']!r}"))
    finally:
        if shared is not None and shared != before:
            shared[:] = before  # the notebook's list back as it was; the judge is told
            changed = True
        else:
            changed = False
    if changed:
        raise Fail("useful_augmentations changed the list AUGMENTATIONS itself: `chosen = AUGMENTATIONS` gives "
                   "a second name for the same list, not a copy, so chosen.remove(...) shortened the notebook's "
                   "list, and the next call started from the damaged one (the check has put it back). Build a "
                   "new list: list(AUGMENTATIONS), or [name for name in AUGMENTATIONS if ...].")
    return chosen


# One answer per case, which the judge reads itself: its messages show a list of names from AUGMENTATIONS, and
# name a misspelt one.
@task("useful_augmentations", points=2,
      inputs=lambda rng: {"cases": [{"dataset": name} for name in USEFUL]},
      collect=_collect_choices, answer=lambda inputs: Cases(inputs, ANY))
def judge_useful_augmentations(data, inputs):
    """The specification, clause by clause (the three datasets):

    - a list of names, each spelt as in AUGMENTATIONS;
    - digits (like load_digits: centred, scaled to fill the box): the small rotation and the contrast change; no
      flip or half turn (they change the label), no shift or zoom (images the network never meets);
    - shapes: all seven (a shape has no up, down, left or right); animal photos: the horizontal flip and the four
      small ones, not the vertical flip or the half turn (images the network will never meet);
    - the notebook's AUGMENTATIONS list is left as it was (checked in the collect).
    """
    for case, got in zip(inputs["cases"], data):
        dataset = case["dataset"]
        what = f"useful_augmentations({dataset!r})"
        if type(got) is not list or not all(type(item) is str for item in got):
            raise Fail(f"{what} should return a list of names from AUGMENTATIONS, e.g. ['small shift', "
                       f"'small zoom']; got {str(got)[:80]}")
        unknown = [item for item in got if item not in AUGMENTATIONS]
        if unknown:
            raise Fail(f"{what} contains {unknown}, which is not in AUGMENTATIONS; spell each name exactly as "
                       f"there: {AUGMENTATIONS}.")
        wanted = USEFUL[dataset]
        for name in AUGMENTATIONS:
            if name in got and name not in wanted:
                raise Fail(f"{what} includes {name!r}: {WRONGLY_IN[(dataset, name)]}.")
        for name in AUGMENTATIONS:
            if name not in got and name in wanted:
                reason = WRONGLY_OUT.get((dataset, name), f"a {name} keeps the label of every one of these "
                                                           f"datasets and mimics how real images vary")
                raise Fail(f"{what} leaves out {name!r}: {reason}.")
