"""Unit tests for course_lib.data."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from course_lib import data

# --------------------------------------------------------------------------------------------------
# load_shapes
# --------------------------------------------------------------------------------------------------


def test_load_shapes_returns_sklearn_style_bunch():
    shapes = data.load_shapes(n_samples=30, image_size=24, random_state=0)
    assert shapes.images.shape == (30, 24, 24, 3)
    assert shapes.images.dtype == np.float32
    assert shapes.data.shape == (30, 24 * 24 * 3)
    np.testing.assert_array_equal(shapes.data[3], shapes.images[3].ravel())
    assert shapes.target.shape == (30,)
    assert shapes.target_names.tolist() == ["circle", "square", "triangle"]
    assert "30 images" in shapes.DESCR
    assert 0.0 <= shapes.images.min() and shapes.images.max() <= 1.0


def test_load_shapes_is_repeatable_and_seed_dependent():
    first = data.load_shapes(n_samples=12, random_state=7)
    again = data.load_shapes(n_samples=12, random_state=7)
    other = data.load_shapes(n_samples=12, random_state=8)
    np.testing.assert_array_equal(first.images, again.images)
    np.testing.assert_array_equal(first.target, again.target)
    assert not np.array_equal(first.images, other.images)


def test_load_shapes_accepts_a_generator():
    a = data.load_shapes(n_samples=4, random_state=np.random.default_rng(3))
    b = data.load_shapes(n_samples=4, random_state=3)
    np.testing.assert_array_equal(a.images, b.images)


def test_load_shapes_balances_classes():
    target = data.load_shapes(n_samples=31, shapes=data.SHAPE_NAMES, random_state=1).target
    counts = np.bincount(target, minlength=len(data.SHAPE_NAMES))
    assert counts.max() - counts.min() <= 1
    assert counts.sum() == 31


def test_load_shapes_return_X_y():
    images, target = data.load_shapes(n_samples=5, image_size=8, random_state=0, return_X_y=True)
    assert images.shape == (5, 8, 8, 3) and target.shape == (5,)


def test_load_shapes_gray_option_gives_equal_channels():
    images = data.load_shapes(n_samples=6, color=False, noise=0.0, random_state=0).images
    np.testing.assert_allclose(images[..., 0], images[..., 1], atol=1 / 255)
    np.testing.assert_allclose(images[..., 1], images[..., 2], atol=1 / 255)


def test_shapes_are_drawn_and_distinguishable():
    """Without noise or rotation, class means differ: circles fill more of their box than triangles."""
    shapes = data.load_shapes(n_samples=60, image_size=32, noise=0.0, max_rotation=0, random_state=0)
    for image in shapes.images:
        assert image.std() > 0.05, "every image should show a shape on a contrasting background"
    # Fraction of pixels that differ from the corner (background) colour, per class.
    coverage = np.array([(np.abs(img - img[0, 0]).sum(axis=-1) > 0.1).mean() for img in shapes.images])
    by_class = [coverage[shapes.target == k].mean() for k in range(3)]
    circle, square, triangle = by_class
    assert square > triangle and circle > triangle


def test_noise_changes_pixels_by_about_the_requested_amount():
    clean = data.load_shapes(n_samples=8, noise=0.0, random_state=5).images
    noisy = data.load_shapes(n_samples=8, noise=0.1, random_state=5).images
    difference = (noisy - clean)[(clean > 0.2) & (clean < 0.8)]  # away from the clipping limits
    assert 0.07 < difference.std() < 0.13


@pytest.mark.parametrize(
    "kwargs, error, fragment",
    [
        ({"n_samples": 0}, ValueError, "n_samples"),
        ({"n_samples": 2.5}, ValueError, "n_samples"),
        ({"image_size": 4}, ValueError, "image_size"),
        ({"shapes": ("circle", "blob")}, ValueError, "blob"),
        ({"shapes": "circle"}, TypeError, "sequence of names"),
        ({"shapes": ("circle", "circle")}, ValueError, "repeat"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"max_rotation": 270}, ValueError, "max_rotation"),
        ({"random_state": "seed"}, TypeError, "random_state"),
    ],
)
def test_load_shapes_rejects_bad_arguments(kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        data.load_shapes(**kwargs)


# --------------------------------------------------------------------------------------------------
# Packaged data
# --------------------------------------------------------------------------------------------------


def test_load_digits_as_images_and_vectors():
    digits = data.load_digits()
    assert digits.images.shape == (1797, 8, 8, 1)
    assert digits.data.shape == (1797, 64)
    assert digits.images.dtype == np.float32
    assert digits.images.min() == 0.0 and digits.images.max() == 1.0
    assert digits.target_names.tolist() == [str(d) for d in range(10)]
    np.testing.assert_array_equal(np.bincount(digits.target) > 170, True)
    images, target = data.load_digits(return_X_y=True)
    np.testing.assert_array_equal(images, digits.images)


def test_load_sample_photo():
    photo = data.load_sample_photo("china.jpg")
    assert photo.shape == (427, 640, 3) and photo.dtype == np.uint8
    with pytest.raises(ValueError, match="unknown sample photo 'cat.jpg'.*flower.jpg"):
        data.load_sample_photo("cat.jpg")


# --------------------------------------------------------------------------------------------------
# load_image
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def png(tmp_path):
    path = tmp_path / "two colours.png"
    pixels = np.zeros((6, 10, 3), dtype=np.uint8)
    pixels[:, 5:] = (0, 0, 255)
    Image.fromarray(pixels).save(path)
    return path


def test_load_image_reads_pixels(png):
    image = data.load_image(png)
    assert image.shape == (6, 10, 3) and image.dtype == np.uint8
    assert image[0, 9].tolist() == [0, 0, 255]
    assert data.load_image(str(png), mode="L").shape == (6, 10)
    assert data.load_image(png, mode="RGBA").shape == (6, 10, 4)
    assert data.load_image(png, size=(3, 5)).shape == (3, 5, 3)


def test_load_image_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no image file at .*missing.png"):
        data.load_image(tmp_path / "missing.png")


def test_load_image_not_an_image(tmp_path):
    text = tmp_path / "notes.png"
    text.write_text("these are not pixels")
    with pytest.raises(ValueError, match="not an image file"):
        data.load_image(text)


def test_load_image_truncated_file(png, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(png.read_bytes()[:40])
    with pytest.raises(ValueError, match="not an image file"):
        data.load_image(broken)


def test_load_image_folder_and_bad_mode(tmp_path, png):
    with pytest.raises(ValueError, match="is a folder"):
        data.load_image(tmp_path)
    with pytest.raises(ValueError, match="mode must be"):
        data.load_image(png, mode="CMYK")


# --------------------------------------------------------------------------------------------------
# Preparing images
# --------------------------------------------------------------------------------------------------


def test_to_grayscale_uses_luminance_weights():
    pixels = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]], dtype=np.uint8)
    gray = data.to_grayscale(pixels)
    np.testing.assert_allclose(gray, [[0.299 * 255, 0.587 * 255, 0.114 * 255, 255.0]], rtol=1e-6)
    assert gray.dtype == np.float32
    assert data.to_grayscale(np.zeros((2, 4, 4, 3)), keepdims=True).shape == (2, 4, 4, 1)


def test_to_grayscale_rejects_wrong_channel_count():
    with pytest.raises(ValueError, match="3 channels.*shape \\(4, 4, 4\\)"):
        data.to_grayscale(np.zeros((4, 4, 4)))
    with pytest.raises(TypeError, match="numeric"):
        data.to_grayscale(np.full((2, 2, 3), "a"))


def test_normalize_methods():
    values = np.array([[10.0, 20.0], [30.0, 50.0]])
    np.testing.assert_allclose(data.normalize(values), [[0, 0.25], [0.5, 1.0]])
    np.testing.assert_allclose(data.normalize(np.array([0, 255], dtype=np.uint8), "divide255"), [0, 1])
    standard = data.normalize(values, "standardize")
    assert abs(standard.mean()) < 1e-6 and abs(standard.std() - 1) < 1e-6
    assert data.normalize(values).dtype == np.float32


def test_normalize_constant_input_gives_zeros():
    np.testing.assert_array_equal(data.normalize(np.full((2, 2), 7.0)), np.zeros((2, 2)))
    np.testing.assert_array_equal(data.normalize(np.full(3, 7.0), "standardize"), np.zeros(3))


@pytest.mark.parametrize(
    "values, method, error, fragment",
    [
        ([1, 2], "zscore", ValueError, "unknown method 'zscore'"),
        ([0, 300], "divide255", ValueError, "0..255.*0..300"),
        ([1.0, np.nan], "minmax", ValueError, "NaN"),
        ([], "minmax", ValueError, "empty"),
        (["a", "b"], "minmax", TypeError, "numeric"),
    ],
)
def test_normalize_rejects_bad_input(values, method, error, fragment):
    with pytest.raises(error, match=fragment):
        data.normalize(np.array(values), method)


@pytest.mark.parametrize(
    "shape, size, expected",
    [
        ((20, 30), (10, 15), (10, 15)),
        ((20, 30, 3), 8, (8, 8, 3)),
        ((20, 30, 1), (40, 60), (40, 60, 1)),
        ((4, 20, 30, 3), (10, 10), (4, 10, 10, 3)),
    ],
)
def test_resize_shapes(shape, size, expected):
    assert data.resize(np.zeros(shape, dtype=np.float32), size).shape == expected


def test_resize_keeps_dtype_and_values():
    ramp = np.tile(np.linspace(0, 255, 16).astype(np.uint8), (16, 1))
    small = data.resize(ramp, 8)
    assert small.dtype == np.uint8
    assert small[0, 0] < 40 and small[0, -1] > 215  # the ramp survives
    constant = np.full((6, 6, 3), 0.25, dtype=np.float32)
    np.testing.assert_allclose(data.resize(constant, 12), 0.25, atol=1e-6)


@pytest.mark.parametrize(
    "shape, size, fragment",
    [
        ((5, 8, 8), 4, "for a batch of gray images add a channel axis"),
        ((8,), 4, "expected"),
        ((8, 8), 0, "size must be"),
        ((8, 8), (4, 4, 4), "size must be"),
        ((8, 8), 2.5, "size must be"),
    ],
)
def test_resize_rejects_bad_input(shape, size, fragment):
    with pytest.raises(ValueError, match=fragment):
        data.resize(np.zeros(shape), size)


# --------------------------------------------------------------------------------------------------
# Splits and labels
# --------------------------------------------------------------------------------------------------


def test_train_val_test_split_sizes_stratification_and_disjointness():
    X = np.arange(1000).reshape(500, 2)
    y = np.repeat([0, 1, 2, 3, 4], 100)
    parts = data.train_val_test_split(X, y, val_size=0.2, test_size=0.1, random_state=0)
    assert (len(parts.X_train), len(parts.X_val), len(parts.X_test)) == (350, 100, 50)
    for labels, n in ((parts.y_train, 70), (parts.y_val, 20), (parts.y_test, 10)):
        assert np.bincount(labels).tolist() == [n] * 5
    ids = [set(part[:, 0].tolist()) for part in parts[:3]]
    assert not (ids[0] & ids[1] or ids[0] & ids[2] or ids[1] & ids[2])
    assert len(ids[0] | ids[1] | ids[2]) == 500
    # rows stay paired with their labels
    np.testing.assert_array_equal(parts.y_train, y[parts.X_train[:, 0] // 2])


def test_train_val_test_split_is_repeatable():
    X, y = np.arange(100), np.arange(100) % 2
    a = data.train_val_test_split(X, y, random_state=3)
    b = data.train_val_test_split(X, y, random_state=3)
    for left, right in zip(a, b):
        np.testing.assert_array_equal(left, right)


@pytest.mark.parametrize(
    "X, y, kwargs, fragment",
    [
        (np.zeros(10), np.zeros(9), {}, "same number of samples"),
        (np.zeros(10), np.zeros((10, 2)), {}, "one label per sample"),
        (np.zeros(10), np.arange(10) % 2, {"val_size": 1.5}, "val_size"),
        (np.zeros(10), np.arange(10) % 2, {"test_size": 0}, "test_size"),
        (np.zeros(10), np.arange(10) % 2, {"val_size": 0.5, "test_size": 0.5}, "leave samples"),
    ],
)
def test_train_val_test_split_rejects_bad_input(X, y, kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        data.train_val_test_split(X, y, **kwargs)


def test_one_hot():
    encoded = data.one_hot([1, 0, 3], num_classes=5)
    assert encoded.shape == (3, 5) and encoded.dtype == np.float32
    np.testing.assert_array_equal(encoded.argmax(axis=1), [1, 0, 3])
    np.testing.assert_array_equal(encoded.sum(axis=1), 1)
    assert data.one_hot(np.array([2.0, 0.0])).shape == (2, 3)


@pytest.mark.parametrize(
    "labels, num_classes, error, fragment",
    [
        ([0, -1], None, ValueError, "0 or more"),
        ([0, 5], 3, ValueError, "label 5 does not fit num_classes=3"),
        ([0.5, 1], None, TypeError, "whole numbers"),
        ([[0, 1]], None, ValueError, "1-D"),
        ([0, 1], 0, ValueError, "num_classes"),
    ],
)
def test_one_hot_rejects_bad_labels(labels, num_classes, error, fragment):
    with pytest.raises(error, match=fragment):
        data.one_hot(labels, num_classes)


def test_check_random_state():
    generator = np.random.default_rng(0)
    assert data.check_random_state(generator) is generator
    assert data.check_random_state(5).integers(1000) == np.random.default_rng(5).integers(1000)
    with pytest.raises(TypeError, match="random_state"):
        data.check_random_state(True)


# --------------------------------------------------------------------------------------------------
# Image folders
# --------------------------------------------------------------------------------------------------


def test_image_folder_round_trip(tmp_path):
    shapes = data.load_shapes(n_samples=9, image_size=12, random_state=0)
    folder = data.save_image_folder(shapes.images, shapes.target, tmp_path / "set",
                                    class_names=shapes.target_names)
    assert sorted(p.name for p in folder.iterdir()) == ["circle", "square", "triangle"]
    assert len(list(folder.glob("*/*.png"))) == 9
    loaded = data.load_image_folder(folder)
    assert loaded.target_names.tolist() == ["circle", "square", "triangle"]
    assert np.bincount(loaded.target).tolist() == [3, 3, 3]
    # the file name holds the original index, so each loaded image can be matched to its source
    for image, label, name in zip(loaded.images, loaded.target, loaded.filenames):
        index = int(Path(name).stem)
        assert shapes.target[index] == label
        np.testing.assert_allclose(image, shapes.images[index], atol=0.5 / 255 + 1e-6)


def test_image_folder_gray_resize_and_default_class_names(tmp_path):
    images = np.zeros((4, 10, 10, 1), dtype=np.uint8)
    images[2:] = 255
    data.save_image_folder(images, [0, 0, 1, 1], tmp_path / "g")
    loaded = data.load_image_folder(tmp_path / "g", mode="L", image_size=5)
    assert loaded.images.shape == (4, 5, 5, 1)
    assert loaded.target_names.tolist() == ["0", "1"]
    assert loaded.images[loaded.target == 1].min() == 1.0


def test_save_image_folder_never_overwrites(tmp_path):
    (tmp_path / "keep.txt").write_text("precious")
    with pytest.raises(FileExistsError, match="not empty.*nothing was overwritten"):
        data.save_image_folder(np.zeros((1, 4, 4, 3)), [0], tmp_path)
    assert (tmp_path / "keep.txt").read_text() == "precious"


@pytest.mark.parametrize(
    "images, target, kwargs, error, fragment",
    [
        (np.zeros((2, 4, 4)), [0, 1], {}, ValueError, "images must be"),
        (np.zeros((2, 4, 4, 3)), [0], {}, ValueError, "one label per image"),
        (np.full((1, 4, 4, 3), 2.0), [0], {}, ValueError, r"\[0, 1\]"),
        (np.zeros((1, 4, 4, 3), dtype=np.int32), [0], {}, TypeError, "uint8"),
        (np.zeros((1, 4, 4, 3)), [2], {"class_names": ["a", "b"]}, ValueError, "2 class names"),
    ],
)
def test_save_image_folder_rejects_bad_input(tmp_path, images, target, kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        data.save_image_folder(images, target, tmp_path / "out", **kwargs)


def test_load_image_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no folder"):
        data.load_image_folder(tmp_path / "absent")
    with pytest.raises(ValueError, match="no class sub-folders"):
        data.load_image_folder(tmp_path)
    (tmp_path / "cats").mkdir()
    (tmp_path / "cats" / "notes.txt").write_text("no images here")
    with pytest.raises(ValueError, match="no image files"):
        data.load_image_folder(tmp_path)
    Image.new("RGB", (4, 4)).save(tmp_path / "cats" / "a.png")
    Image.new("RGB", (6, 4)).save(tmp_path / "cats" / "b.png")
    with pytest.raises(ValueError, match="differ in size.*image_size"):
        data.load_image_folder(tmp_path)
    (tmp_path / "cats" / "c.png").write_text("broken")
    with pytest.raises(ValueError, match="c.png.*not an image file"):
        data.load_image_folder(tmp_path, image_size=4)
    with pytest.raises(ValueError, match="mode must be"):
        data.load_image_folder(tmp_path, mode="RGBA")
