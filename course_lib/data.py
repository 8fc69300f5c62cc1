"""Data for the course: synthetic shapes, the digits, image files, and the usual preparation steps.

Everything here works offline: the shapes are drawn with Pillow from a seed, the digits and the sample
photos ship inside scikit-learn. Images are NumPy arrays in channels-last layout, ``(height, width,
channels)`` for one image and ``(n_images, height, width, channels)`` for a batch, as Keras expects.
"""

from __future__ import annotations

import math
from collections import namedtuple
from pathlib import Path

import numpy as np

__all__ = [
    "SHAPE_NAMES",
    "Split",
    "load_digits",
    "load_image",
    "load_image_folder",
    "load_sample_photo",
    "load_shapes",
    "normalize",
    "one_hot",
    "resize",
    "save_image_folder",
    "to_grayscale",
    "train_val_test_split",
]

SHAPE_NAMES = ("circle", "square", "triangle", "star", "hexagon", "cross")

# ITU-R BT.601 luma weights: the eye is most sensitive to green, least to blue.
LUMA_WEIGHTS = np.array([0.299, 0.587, 0.114])

_SUPERSAMPLE = 4  # draw larger, then shrink: smooth (anti-aliased) edges


def check_random_state(random_state) -> np.random.Generator:
    """Turn ``None``, an int or a Generator into a ``numpy.random.Generator``.

    Examples
    --------
    >>> check_random_state(0).integers(10, size=3)
    array([8, 6, 5])
    """
    if random_state is None or isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.Generator):
        return random_state
    raise TypeError(f"random_state must be None, an int or a numpy.random.Generator, got {random_state!r}")


def _bunch(**fields):
    from sklearn.utils import Bunch

    return Bunch(**fields)


# --------------------------------------------------------------------------------------------------
# Synthetic shapes
# --------------------------------------------------------------------------------------------------


def _polygon(n_corners, radius, center, angle, inner=None):
    """Corners of a regular polygon (or a star, when ``inner`` is the inner radius ratio)."""
    points = []
    steps = n_corners * 2 if inner else n_corners
    for k in range(steps):
        r = radius * (inner if inner and k % 2 else 1.0)
        theta = angle + 2 * math.pi * k / steps
        points.append((center[0] + r * math.cos(theta), center[1] + r * math.sin(theta)))
    return points


def _cross(radius, center, angle):
    arm = radius * 0.35
    outline = [(-arm, -radius), (arm, -radius), (arm, -arm), (radius, -arm), (radius, arm), (arm, arm),
               (arm, radius), (-arm, radius), (-arm, arm), (-radius, arm), (-radius, -arm), (-arm, -arm)]
    cos, sin = math.cos(angle), math.sin(angle)
    return [(center[0] + x * cos - y * sin, center[1] + x * sin + y * cos) for x, y in outline]


def _draw_shape(draw, shape, radius, center, angle, fill):
    if shape == "circle":
        x, y = center
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=fill)
        return
    if shape == "cross":
        draw.polygon(_cross(radius, center, angle), fill=fill)
        return
    corners, start, inner = {
        "square": (4, math.pi / 4, None),
        "triangle": (3, -math.pi / 2, None),
        "hexagon": (6, 0.0, None),
        "star": (5, -math.pi / 2, 0.45),
    }[shape]
    draw.polygon(_polygon(corners, radius, center, start + angle, inner), fill=fill)


def _contrasting_colours(rng, color):
    """A background and a foreground colour whose brightness differs clearly."""
    while True:
        if color:
            background, foreground = rng.uniform(0, 1, size=(2, 3))
        else:
            background, foreground = np.repeat(rng.uniform(0, 1, size=(2, 1)), 3, axis=1)
        if abs((background - foreground) @ LUMA_WEIGHTS) > 0.3:
            return background, foreground


def load_shapes(*, n_samples=300, image_size=32, shapes=("circle", "square", "triangle"), noise=0.05,
                max_rotation=180.0, color=True, random_state=None, return_X_y=False):
    """Draw a labelled data set of geometric shapes, each on its own random background.

    Every image holds one shape of random size, position, angle and colour. Classes are balanced
    (their counts differ by at most one) and the order is shuffled. The same ``random_state`` gives the
    same images. Introduced in ``05_images_as_data``; used as an image task throughout the course.

    Parameters
    ----------
    n_samples : int, default 300
        Number of images.
    image_size : int, default 32
        Height and width in pixels (at least 8).
    shapes : sequence of str, default ("circle", "square", "triangle")
        Classes to draw, from :data:`SHAPE_NAMES`; their order gives the label numbers.
    noise : float, default 0.05
        Standard deviation of the Gaussian pixel noise added after drawing (0 for none).
    max_rotation : float, default 180.0
        Each shape is turned by a random angle in ``[-max_rotation, max_rotation]`` degrees.
    color : bool, default True
        Colour images; with ``False`` every image is gray (the three channels are equal).
    random_state : None, int or numpy.random.Generator
        Seed for repeatable data sets.
    return_X_y : bool, default False
        Return ``(images, target)`` instead of the Bunch.

    Returns
    -------
    data : sklearn.utils.Bunch
        ``images`` float32 ``(n_samples, image_size, image_size, 3)`` in [0, 1], ``data`` the same
        flattened to ``(n_samples, image_size * image_size * 3)``, ``target`` int ``(n_samples,)``,
        ``target_names`` and ``DESCR``.

    Examples
    --------
    >>> shapes = load_shapes(n_samples=6, image_size=16, random_state=0)
    >>> shapes.images.shape, shapes.images.dtype
    ((6, 16, 16, 3), dtype('float32'))
    >>> shapes.target_names.tolist(), sorted(shapes.target.tolist())
    (['circle', 'square', 'triangle'], [0, 0, 1, 1, 2, 2])
    """
    from PIL import Image, ImageDraw

    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive int, got {n_samples!r}")
    if isinstance(image_size, bool) or not isinstance(image_size, (int, np.integer)) or image_size < 8:
        raise ValueError(f"image_size must be an int of at least 8 pixels, got {image_size!r}")
    if isinstance(shapes, str):
        raise TypeError(f"shapes must be a sequence of names such as ('circle', 'square'), got the string {shapes!r}")
    shapes = tuple(shapes)
    unknown = [name for name in shapes if name not in SHAPE_NAMES]
    if unknown or not shapes:
        raise ValueError(f"unknown shape names {unknown}; choose from {SHAPE_NAMES}")
    if len(set(shapes)) != len(shapes):
        raise ValueError(f"shapes must not repeat a name, got {shapes}")
    if not 0 <= noise <= 1:
        raise ValueError(f"noise must be between 0 and 1, got {noise!r}")
    if not 0 <= max_rotation <= 180:
        raise ValueError(f"max_rotation must be between 0 and 180 degrees, got {max_rotation!r}")
    rng = check_random_state(random_state)

    target = rng.permutation(np.arange(n_samples) % len(shapes))
    big = image_size * _SUPERSAMPLE
    images = np.empty((n_samples, image_size, image_size, 3), dtype=np.float32)
    for i, label in enumerate(target):
        background, foreground = _contrasting_colours(rng, color)
        canvas = Image.new("RGB", (big, big), tuple(int(round(255 * c)) for c in background))
        radius = rng.uniform(0.22, 0.42) * big
        margin = radius * 1.05
        center = rng.uniform(margin, big - margin, size=2)
        angle = math.radians(rng.uniform(-max_rotation, max_rotation))
        _draw_shape(ImageDraw.Draw(canvas), shapes[label], radius, center, angle,
                    tuple(int(round(255 * c)) for c in foreground))
        small = canvas.resize((image_size, image_size), Image.Resampling.LANCZOS)
        images[i] = np.asarray(small, dtype=np.float32) / 255.0
    if noise:
        images += rng.normal(0.0, noise, size=images.shape).astype(np.float32)
        np.clip(images, 0.0, 1.0, out=images)

    if return_X_y:
        return images, target
    descr = (f"Synthetic shapes: {n_samples} images of {image_size}x{image_size} RGB pixels in [0, 1], "
             f"classes {list(shapes)}, Gaussian noise sd {noise}, rotation up to {max_rotation} degrees, "
             f"{'colour' if color else 'gray'} shapes on random backgrounds. Drawn with Pillow by course_lib.")
    return _bunch(images=images, data=images.reshape(n_samples, -1), target=target,
                  target_names=np.array(shapes), DESCR=descr)


# --------------------------------------------------------------------------------------------------
# Data that ships with scikit-learn
# --------------------------------------------------------------------------------------------------


def load_digits(*, return_X_y=False):
    """The 1,797 handwritten digits that ship with scikit-learn, as 8x8 images scaled to [0, 1].

    Used from ``02_numpy_forward_pass`` on, as vectors for dense networks and as images for CNNs.

    Parameters
    ----------
    return_X_y : bool, default False
        Return ``(images, target)`` instead of the Bunch.

    Returns
    -------
    data : sklearn.utils.Bunch
        ``images`` float32 ``(1797, 8, 8, 1)`` (channels last, ready for ``Conv2D``), ``data`` the
        same flattened to ``(1797, 64)`` (ready for ``Dense``), ``target`` int ``(1797,)``,
        ``target_names`` ``['0', ..., '9']`` and ``DESCR``.

    Examples
    --------
    >>> digits = load_digits()
    >>> digits.images.shape, digits.data.shape, float(digits.images.max())
    ((1797, 8, 8, 1), (1797, 64), 1.0)
    """
    from sklearn import datasets

    raw = datasets.load_digits()
    images = (raw.images / 16.0).astype(np.float32)[..., np.newaxis]  # pixel values are 0..16
    target = raw.target.astype(np.int64)
    if return_X_y:
        return images, target
    return _bunch(images=images, data=images.reshape(len(images), -1), target=target,
                  target_names=np.array([str(d) for d in range(10)]), DESCR=raw.DESCR)


def load_sample_photo(name="china.jpg"):
    """One of the colour photos that ship with scikit-learn, as a ``uint8`` array ``(427, 640, 3)``.

    Parameters
    ----------
    name : {"china.jpg", "flower.jpg"}
        Which photo.

    Examples
    --------
    >>> photo = load_sample_photo("flower.jpg")
    >>> photo.shape, photo.dtype
    ((427, 640, 3), dtype('uint8'))
    """
    from sklearn import datasets

    available = ("china.jpg", "flower.jpg")
    if name not in available:
        raise ValueError(f"unknown sample photo {name!r}; choose from {available}")
    return datasets.load_sample_image(name)


def load_image(path, *, mode="RGB", size=None):
    """Read an image file into a ``uint8`` array (``05_images_as_data``).

    Parameters
    ----------
    path : str or pathlib.Path
        The file (PNG, JPEG, GIF, BMP, ... anything Pillow reads).
    mode : {"RGB", "L", "RGBA"} or None, default "RGB"
        Convert to this Pillow mode; ``"L"`` is grayscale. ``None`` keeps the file's own mode.
    size : int or (height, width), optional
        Resize to this size after loading.

    Returns
    -------
    numpy.ndarray
        ``(height, width, 3)`` for RGB, ``(height, width)`` for L, ``(height, width, 4)`` for RGBA.

    Raises
    ------
    FileNotFoundError
        When there is no such file.
    ValueError
        When the file is not an image Pillow can read (or is a folder), or ``mode`` is unknown.

    Examples
    --------
    >>> import tempfile
    >>> from PIL import Image
    >>> path = Path(tempfile.mkdtemp()) / "red.png"
    >>> Image.new("RGB", (4, 2), (255, 0, 0)).save(path)
    >>> load_image(path).shape
    (2, 4, 3)
    """
    from PIL import Image, UnidentifiedImageError

    if mode not in ("RGB", "L", "RGBA", None):
        raise ValueError(f"mode must be 'RGB', 'L', 'RGBA' or None, got {mode!r}")
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no image file at {str(path)!r}")
    if path.is_dir():
        raise ValueError(f"{str(path)!r} is a folder, expected an image file")
    try:
        with Image.open(path) as image:
            image.load()
            if mode is not None:
                image = image.convert(mode)
            array = np.asarray(image)
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValueError(f"{str(path)!r} is not an image file Pillow can read ({error})") from error
    if size is not None:
        array = resize(array, size)
    return array


_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")


def save_image_folder(images, target, folder, *, class_names=None):
    """Write images as PNG files in one sub-folder per class: ``folder/<class name>/<number>.png``.

    This is the layout ``keras.utils.image_dataset_from_directory`` and :func:`load_image_folder` read.
    Introduced in ``05_images_as_data``.

    Parameters
    ----------
    images : array_like, shape (n, height, width, 3) or (n, height, width, 1)
        Floats in [0, 1] or ``uint8`` in 0..255.
    target : array_like of int, shape (n,)
        Class numbers.
    folder : str or pathlib.Path
        Where to write; created if needed. Must not hold files already (nothing is overwritten).
    class_names : sequence of str, optional
        Sub-folder names for the class numbers; ``"0"``, ``"1"``, ... by default.

    Returns
    -------
    pathlib.Path
        The folder.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "shapes"
    >>> shapes = load_shapes(n_samples=4, image_size=8, random_state=0)
    >>> _ = save_image_folder(shapes.images, shapes.target, folder, class_names=shapes.target_names)
    >>> sorted(p.name for p in folder.iterdir())
    ['circle', 'square', 'triangle']
    """
    from PIL import Image

    images, target = np.asarray(images), np.asarray(target)
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(f"images must be (n, height, width, 3) or (n, height, width, 1), got shape {images.shape}")
    if target.shape != (len(images),):
        raise ValueError(f"target must have one label per image, shape ({len(images)},), got {target.shape}")
    if np.issubdtype(images.dtype, np.floating):
        if images.min() < 0 or images.max() > 1:
            raise ValueError(f"float images must lie in [0, 1], got {images.min():g}..{images.max():g}")
        images = np.rint(images * 255).astype(np.uint8)
    elif images.dtype != np.uint8:
        raise TypeError(f"images must be floats in [0, 1] or uint8, got dtype {images.dtype}")
    labels = [int(label) for label in target]
    names = [str(label) for label in range(max(labels) + 1)] if class_names is None else [str(n) for n in class_names]
    if max(labels) >= len(names) or min(labels) < 0:
        raise ValueError(f"labels run {min(labels)}..{max(labels)} but there are {len(names)} class names")
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{str(folder)!r} is not empty; choose a new folder (nothing was overwritten)")
    digits = len(str(len(images)))
    for index, (image, label) in enumerate(zip(images, labels)):
        class_folder = folder / names[label]
        class_folder.mkdir(parents=True, exist_ok=True)
        pixels = image[..., 0] if image.shape[-1] == 1 else image
        Image.fromarray(pixels).save(class_folder / f"{index:0{digits}d}.png")
    return folder


def load_image_folder(folder, *, image_size=None, mode="RGB"):
    """Read a folder of class sub-folders of images into arrays, classes in alphabetical order.

    The same layout and class order as ``keras.utils.image_dataset_from_directory``.

    Parameters
    ----------
    folder : str or pathlib.Path
        Holds one sub-folder per class, each with image files (png, jpg, jpeg, bmp, gif).
    image_size : int or (height, width), optional
        Resize every image to this size; required when the files differ in size.
    mode : {"RGB", "L"}, default "RGB"
        Colour or grayscale.

    Returns
    -------
    data : sklearn.utils.Bunch
        ``images`` float32 ``(n, height, width, channels)`` in [0, 1], ``target``, ``target_names``
        and ``filenames`` (paths relative to ``folder``), sorted by class, then file name.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "shapes"
    >>> shapes = load_shapes(n_samples=6, image_size=8, random_state=0)
    >>> _ = save_image_folder(shapes.images, shapes.target, folder, class_names=shapes.target_names)
    >>> loaded = load_image_folder(folder)
    >>> loaded.images.shape, loaded.target_names.tolist()
    ((6, 8, 8, 3), ['circle', 'square', 'triangle'])
    """
    if mode not in ("RGB", "L"):
        raise ValueError(f"mode must be 'RGB' or 'L', got {mode!r}")
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no folder at {str(folder)!r}")
    class_folders = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not class_folders:
        raise ValueError(f"{str(folder)!r} has no class sub-folders; expected folder/<class>/<image files>")
    images, target, filenames, sizes = [], [], [], set()
    for label, class_folder in enumerate(class_folders):
        for path in sorted(p for p in class_folder.iterdir() if p.suffix.lower() in _IMAGE_SUFFIXES):
            image = load_image(path, mode=mode, size=image_size)
            images.append(image if mode == "RGB" else image[..., np.newaxis])
            sizes.add(image.shape[:2])
            target.append(label)
            filenames.append(str(path.relative_to(folder)))
    if not images:
        raise ValueError(f"no image files ({', '.join(_IMAGE_SUFFIXES)}) in the class folders of {str(folder)!r}")
    if len(sizes) > 1:
        raise ValueError(f"the images differ in size ({sorted(sizes)[:3]} ...); pass image_size=(height, width)")
    return _bunch(images=np.stack(images).astype(np.float32) / 255.0, target=np.array(target),
                  target_names=np.array([p.name for p in class_folders]), filenames=filenames)


# --------------------------------------------------------------------------------------------------
# Preparing images
# --------------------------------------------------------------------------------------------------


def to_grayscale(images, *, keepdims=False):
    """Convert RGB images to gray with the luminance weights 0.299 R + 0.587 G + 0.114 B (``05_images_as_data``).

    Parameters
    ----------
    images : array_like, shape (..., 3)
        One image ``(height, width, 3)`` or a batch ``(n, height, width, 3)``, any numeric dtype.
    keepdims : bool, default False
        Keep a channel axis of size 1, ``(..., 1)``, as Keras layers expect.

    Returns
    -------
    numpy.ndarray of float32
        Same value range as the input (0..255 stays 0..255).

    Examples
    --------
    >>> to_grayscale(np.array([[[255, 0, 0], [0, 255, 0]]]))
    array([[ 76.245, 149.685]], dtype=float32)
    """
    images = np.asarray(images)
    if images.ndim < 2 or images.shape[-1] != 3:
        raise ValueError(f"expected RGB images with 3 channels on the last axis, got shape {images.shape}")
    if not np.issubdtype(images.dtype, np.number):
        raise TypeError(f"expected numeric pixel values, got dtype {images.dtype}")
    gray = (images.astype(np.float64) @ LUMA_WEIGHTS).astype(np.float32)
    return gray[..., np.newaxis] if keepdims else gray


def normalize(images, method="minmax"):
    """Rescale pixel values, returning float32 (``05_images_as_data`` compares the methods).

    Parameters
    ----------
    images : array_like
        Any shape, numeric.
    method : {"minmax", "divide255", "standardize"}, default "minmax"
        ``"minmax"`` maps the smallest value to 0 and the largest to 1 (a constant input becomes all
        zeros); ``"divide255"`` divides 8-bit pixel values (0..255) by 255; ``"standardize"`` subtracts
        the mean and divides by the standard deviation (mean 0, standard deviation 1).

    Examples
    --------
    >>> normalize([50, 100, 150])
    array([0. , 0.5, 1. ], dtype=float32)
    >>> normalize(np.array([0, 51, 255], dtype=np.uint8), "divide255")
    array([0. , 0.2, 1. ], dtype=float32)
    """
    methods = ("minmax", "divide255", "standardize")
    if method not in methods:
        raise ValueError(f"unknown method {method!r}; choose from {methods}")
    images = np.asarray(images)
    if not np.issubdtype(images.dtype, np.number) or np.issubdtype(images.dtype, np.complexfloating):
        raise TypeError(f"expected real numeric values, got dtype {images.dtype}")
    if images.size == 0:
        raise ValueError("cannot normalize an empty array")
    values = images.astype(np.float64)
    if not np.isfinite(values).all():
        raise ValueError("the input holds NaN or infinite values; clean them before normalizing")
    if method == "divide255":
        if values.min() < 0 or values.max() > 255:
            raise ValueError(f"divide255 expects 8-bit pixel values in 0..255, got a range of "
                             f"{values.min():g}..{values.max():g}; use 'minmax' instead")
        scaled = values / 255.0
    elif method == "minmax":
        span = values.max() - values.min()
        scaled = (values - values.min()) / span if span else np.zeros_like(values)
    else:
        std = values.std()
        scaled = (values - values.mean()) / std if std else np.zeros_like(values)
    return scaled.astype(np.float32)


def _size_pair(size):
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (size, size)
    try:
        height, width = (int(s) for s in size)
        valid = all(float(s) == int(s) for s in size)
    except (TypeError, ValueError):
        valid = False
    if not valid or height < 1 or width < 1:
        raise ValueError(f"size must be a positive int or a (height, width) pair, got {size!r}")
    return height, width


def resize(images, size):
    """Resize one image or a batch with bilinear interpolation (Pillow), keeping the dtype (``05_images_as_data``).

    Parameters
    ----------
    images : array_like
        ``(height, width)``, ``(height, width, channels)`` with 1, 3 or 4 channels, or a batch
        ``(n, height, width, channels)``. A batch of gray images needs its channel axis ``(n, h, w, 1)``.
    size : int or (height, width)
        The new size; an int gives a square.

    Examples
    --------
    >>> resize(np.zeros((64, 48, 3), dtype=np.uint8), (32, 24)).shape
    (32, 24, 3)
    >>> resize(np.ones((5, 8, 8, 1)), 16).shape
    (5, 16, 16, 1)
    """
    from PIL import Image

    height, width = _size_pair(size)
    images = np.asarray(images)
    if not np.issubdtype(images.dtype, np.number):
        raise TypeError(f"expected numeric pixel values, got dtype {images.dtype}")
    if images.ndim == 3 and images.shape[-1] not in (1, 3, 4):
        raise ValueError(f"a 3-D input must be one image (height, width, channels) with 1, 3 or 4 channels, "
                         f"got shape {images.shape}; for a batch of gray images add a channel axis (n, h, w, 1)")
    if images.ndim not in (2, 3, 4):
        raise ValueError(f"expected (h, w), (h, w, c) or (n, h, w, c) images, got shape {images.shape}")

    def resize_plane(plane):
        return np.asarray(Image.fromarray(plane.astype(np.float32), mode="F").resize(
            (width, height), Image.Resampling.BILINEAR))

    if images.ndim == 2:
        out = resize_plane(images)
    elif images.ndim == 3:
        out = np.stack([resize_plane(images[..., c]) for c in range(images.shape[-1])], axis=-1)
    else:
        out = np.stack([np.stack([resize_plane(img[..., c]) for c in range(img.shape[-1])], axis=-1)
                        for img in images])
    if np.issubdtype(images.dtype, np.integer):
        info = np.iinfo(images.dtype)
        out = np.clip(np.rint(out), info.min, info.max)
    return out.astype(images.dtype)


# --------------------------------------------------------------------------------------------------
# Labels and splits
# --------------------------------------------------------------------------------------------------

Split = namedtuple("Split", "X_train X_val X_test y_train y_val y_test")
Split.__doc__ = "Result of :func:`train_val_test_split`; unpacks like a tuple, or use the field names."


def train_val_test_split(X, y, *, val_size=0.15, test_size=0.15, random_state=None, stratify=True):
    """Split into training, validation and test sets in one call, stratified by label by default.

    The test set is set aside first and never touched while choosing a model; the validation set is for
    those choices (epochs, learning rate, ...). Introduced in ``04_first_keras_network``.

    Parameters
    ----------
    X : array_like
        Inputs, first axis = samples.
    y : array_like, shape (n_samples,)
        Labels.
    val_size, test_size : float, default 0.15
        Fractions of all samples for validation and test; together below 1.
    random_state : None or int
        Seed for a repeatable split.
    stratify : bool, default True
        Keep the class proportions the same in every part.

    Returns
    -------
    Split
        ``(X_train, X_val, X_test, y_train, y_val, y_test)``.

    Examples
    --------
    >>> X, y = np.arange(40).reshape(20, 2), np.arange(20) % 2
    >>> parts = train_val_test_split(X, y, val_size=0.25, test_size=0.25, random_state=0)
    >>> parts.X_train.shape, parts.X_val.shape, parts.X_test.shape
    ((10, 2), (5, 2), (5, 2))
    """
    from sklearn.model_selection import train_test_split

    X, y = np.asarray(X), np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be one label per sample, shape (n_samples,), got shape {y.shape}")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of samples, got {len(X)} and {len(y)}")
    for name, value in (("val_size", val_size), ("test_size", test_size)):
        if not isinstance(value, (float, np.floating)) or not 0 < value < 1:
            raise ValueError(f"{name} must be a fraction between 0 and 1, got {value!r}")
    if val_size + test_size >= 1:
        raise ValueError(f"val_size + test_size must leave samples for training, got {val_size} + {test_size}")
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=y if stratify else None)
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=val_size / (1 - test_size), random_state=random_state,
        stratify=y_rest if stratify else None)
    return Split(X_train, X_val, X_test, y_train, y_val, y_test)


def one_hot(labels, num_classes=None):
    """Turn integer labels into one-hot rows: label 2 of 4 becomes ``[0, 0, 1, 0]`` (``04_first_keras_network``).

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        Class numbers from 0 to ``num_classes - 1``.
    num_classes : int, optional
        Number of classes; by default the largest label + 1.

    Returns
    -------
    numpy.ndarray of float32, shape (n, num_classes)

    Examples
    --------
    >>> one_hot([0, 2, 1])
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]], dtype=float32)
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be a 1-D array of class numbers, got shape {labels.shape}")
    if labels.size and not np.issubdtype(labels.dtype, np.integer):
        if not (np.issubdtype(labels.dtype, np.floating) and np.all(labels == np.round(labels))):
            raise TypeError(f"labels must be whole numbers, got dtype {labels.dtype}")
        labels = labels.astype(np.int64)
    if labels.size and labels.min() < 0:
        raise ValueError(f"labels must be 0 or more, found {labels.min()}")
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    elif isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"num_classes must be a positive int, got {num_classes!r}")
    elif labels.size and labels.max() >= num_classes:
        raise ValueError(f"label {labels.max()} does not fit num_classes={num_classes} (labels run 0..{num_classes - 1})")
    encoded = np.zeros((labels.size, num_classes), dtype=np.float32)
    encoded[np.arange(labels.size), labels.astype(np.int64)] = 1.0
    return encoded
