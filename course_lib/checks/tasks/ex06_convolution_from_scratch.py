"""Graded tasks of ``exercises/06_convolution_from_scratch.ipynb``: convolution, output sizes and pooling in NumPy.

Each judge's docstring lists what a correct answer must satisfy, clause by clause; the inputs are chosen so that
every clause is exercised in one call (kernels that are not square, either way round; images that are not square;
sizes that divide by the stride or pool size and sizes that do not). The framework adds one clause to every task:
the function leaves its array arguments unchanged.
"""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import (Array, Cases, CasesUntilError, Exercise, Fail, call_each_case, call_each_case_until_error, expect_array,
                expect_close)
from ..plain import is_plain_array

EXERCISE = Exercise("06_convolution_from_scratch", "Convolution and pooling from scratch")
task = EXERCISE.task


# --------------------------------------------------------------------------------------------------------
# Trusted references (NumPy only)


def _correlate_valid(image, kernel):
    """Deep learning's convolution (cross-correlation, no flip) of a 2-D image, 'valid' padding."""
    return np.einsum("ijuv,uv->ij", sliding_window_view(image, kernel.shape), kernel)


def _same_padding(k):
    """Zeros (before, after) for 'same' at stride 1, Keras's rule: an odd extra one goes after."""
    return (k - 1) // 2, k - 1 - (k - 1) // 2


def _conv_layer(X, K, b, padding, mode="constant", pads=None):
    """A batch (N, H, W, C_in) through kernels (kh, kw, C_in, C_out) plus bias, stride 1."""
    kh, kw = K.shape[:2]
    if padding == "same":
        rows, columns = pads or (_same_padding(kh), _same_padding(kw))
        X = np.pad(X, [(0, 0), rows, columns, (0, 0)], mode=mode)
    windows = sliding_window_view(X, (kh, kw), axis=(1, 2))  # (N, H_out, W_out, C_in, kh, kw)
    return np.einsum("nhwcuv,uvco->nhwo", windows, K) + b


def _max_pool(X, p):
    N, H, W, C = X.shape
    blocks = X[:, :H // p * p, :W // p * p].reshape(N, H // p, p, W // p, p, C)
    return blocks.max(axis=(2, 4))


def _distinct(rng, low, high, count=2):
    """``count`` different whole numbers from ``low`` to ``high - 1``: sizes that cannot be swapped unseen."""
    return [int(n) for n in rng.choice(np.arange(low, high), size=count, replace=False)]


# --------------------------------------------------------------------------------------------------------
# Task 1: conv2d 'valid' on one gray image


def _conv2d_inputs(rng):
    def image():
        return rng.normal(size=_distinct(rng, 6, 12))

    return {"cases": [{"image": image(), "kernel": rng.normal(size=(3, 3))},
                      {"image": image(), "kernel": rng.normal(size=(2, 4))},
                      {"image": image(), "kernel": rng.normal(size=(4, 3))}]}


# An array per case, of any shape: the judge's hint for a wrong shape names the slip (no + 1, padding, ...).
@task("conv2d_valid", points=2, inputs=_conv2d_inputs, collect=call_each_case_until_error,
      answer=lambda inputs: CasesUntilError(inputs, Array()))
def judge_conv2d_valid(data, inputs):
    """conv2d_valid(image, kernel), for an (H, W) image and a (kh, kw) kernel:

    1. the result has shape (H - kh + 1, W - kw + 1) (cases: a square kernel, a wide one and a tall one, on
       images that are not square, so a swapped or single kernel size shows);
    2. Y[i, j] = sum over u, v of X[i + u, j + v] * K[u, v]: cross-correlation, the kernel NOT flipped (random
       kernels, so a flip along either axis shows), a sum (not a mean), in floating point.
    """
    for case, got in zip(inputs["cases"], data):
        image, kernel = case["image"], case["kernel"]
        (H, W), (kh, kw) = image.shape, kernel.shape
        what = f"conv2d_valid(image {image.shape}, kernel {kernel.shape})"
        if "raised" in got:
            raise Fail(f"{what} raised {got['raised']}. Kernels need not be square: take kh, kw = kernel.shape, "
                       f"and cut patches of kh rows and kw columns, image[i:i + kh, j:j + kw].")
        out = expect_array(got["returned"], what)
        want = _correlate_valid(image, kernel)
        if out.shape != want.shape:
            hint = ""
            if out.shape == (H - kh, W - kw):
                hint = ": one row and one column short. A window of size k fits n - k + 1 times along n pixels."
            elif out.shape == (H, W):
                hint = (": the size of the input. 'valid' means no padding: the window stays inside the image, "
                        "so it fits (H - kh + 1, W - kw + 1) times.")
            elif out.shape == (H - kw + 1, W - kh + 1):
                hint = ": the kernel's height and width are swapped; kernel.shape is (kh, kw), rows first."
            elif out.shape in ((H - kh + 1, W - kh + 1), (H - kw + 1, W - kw + 1)):
                hint = ": one kernel size used for both directions; this kernel is not square."
            raise Fail(f"{what} has shape {out.shape}, expected {want.shape}{hint}")
        expect_close(out, want, what, hints=[
            (_correlate_valid(image, kernel[::-1, ::-1]),
             "this is true convolution, with the kernel flipped by 180 degrees (as np.convolve and "
             "scipy.signal.convolve2d do). Deep learning's convolution (Keras's Conv2D) is cross-correlation: "
             "multiply each patch by the kernel as it is."),
            (_correlate_valid(image, kernel[::-1]), "the kernel is flipped upside down (its rows reversed); "
                                                    "multiply each patch by the kernel as it is."),
            (_correlate_valid(image, kernel[:, ::-1]), "the kernel is flipped left to right (its columns reversed); "
                                                       "multiply each patch by the kernel as it is."),
            (_correlate_valid(image, kernel.T) if kh == kw else want + 1,
             "the kernel is used transposed (kernel.T, or kh and kw swapped): its rows must go down the image, "
             "kernel.shape is (kh, kw)."),
            (_correlate_valid(image, kernel) / kernel.size, "each sum is divided by the kernel size; a convolution "
                                                            "adds the products, it does not average them."),
            (np.trunc(want), "the values are cut to whole numbers: the output array has an integer dtype "
                             "(np.zeros(..., dtype=int), or np.zeros_like of an int array). Make it a float array."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 2: a kernel that shifts the picture


def _move(rows, columns):
    """How a picture moves when output (i, j) reads input (i + rows, j + columns): "down and to the left"."""
    parts = [{-1: "down", 1: "up"}.get(rows), {-1: "to the right", 1: "to the left"}.get(columns)]
    return " and ".join(part for part in parts if part) or "nowhere"


@task("shift_left_kernel", points=1, answer=Array(shape=(3, 3)))
def judge_shift_left_kernel(data, inputs):
    """shift_left_kernel(): a (3, 3) kernel whose cross-correlation with 'same' zero padding gives output (i, j) =
    input (i, j + 1): a single 1 at row 1, column 2, zeros elsewhere (any numeric dtype).
    """
    kernel = expect_array(data, "shift_left_kernel()", shape=(3, 3))
    want = np.zeros((3, 3))
    want[1, 2] = 1.0
    if np.allclose(kernel, want):
        return
    if np.allclose(kernel, np.full((3, 3), 1 / 9)):
        raise Fail("the kernel is wrong: this is the box blur; a shift copies exactly one neighbour.")
    nonzero = np.argwhere(kernel != 0)
    if len(nonzero) == 1:
        row, column = (int(n) for n in nonzero[0])
        value = kernel[row, column]
        offsets = [f"{name} {'+' if step > 0 else '-'} {abs(step)}" if step else name
                   for name, step in (("i", row - 1), ("j", column - 1))]
        reads = f"input ({offsets[0]}, {offsets[1]})"
        if (row, column) == (1, 2):
            raise Fail(f"the kernel is wrong: the weight is in the right place but is {value:g}, so every pixel is "
                       f"multiplied by {value:g}. A copy of the neighbour needs a weight of exactly 1.")
        if (row, column) == (1, 1):
            raise Fail("the kernel is wrong: this is the identity kernel: the picture does not move at all.")
        moves = _move(row - 1, column - 1) + (" instead of only to the left" if column == 2 else ", not left")
        if (row, column) == (1, 0):
            moves = ("to the RIGHT, not left. That is what true convolution's flip would do; cross-correlation reads "
                     "the pixel under each weight, so the 1 goes where the wanted neighbour is")
        raise Fail(f"the kernel is wrong: with the weight at row {row}, column {column}, output (i, j) reads "
                   f"{reads}: the picture moves {moves}. Output (i, j) must read input (i, j + 1).")
    raise Fail("the kernel is wrong: a shift copies exactly one neighbour, so the kernel is all zeros but for a "
               "single 1. Output (i, j) must read input (i, j + 1).")


# --------------------------------------------------------------------------------------------------------
# Task 3: output shapes


def _output_size(n, k, padding, s):
    if padding == "same":
        return -(-n // s)                # ceil(n / s), whatever the kernel size
    return (n - k) // s + 1


def _shape_inputs(rng):
    # For each setting, one side leaves remainder 0 and the other a remainder the slips get wrong, so that floor
    # instead of ceil, round() instead of //, (n - k + 1) // s, padding of (k - 1) // 2 or k // 2 for an even kernel
    # and true division all show. The last field fixes the parity of the quotient: the valid s=2 setting comes
    # twice, once even and once odd, so that round() (half to even) cannot pass by luck, and the 'same' s=2
    # settings have the parities that tell round(n / 2) from a padding of (k - 1) // 2.
    settings = [(3, "valid", 1, None), (3, "valid", 2, 0), (3, "valid", 2, 1), (5, "valid", 3, None),
                (1, "valid", 1, None), (5, "same", 1, None), (3, "same", 2, 0), (2, "same", 2, 1),
                (4, "same", 3, None)]
    cases = []
    for kernel_size, padding, strides, parity in settings:
        while True:
            height, width = _distinct(rng, 9, 71)
            if strides > 1:
                offset = kernel_size if padding == "valid" else 0   # the remainder that matters: of n - k or of n
                height += -(height - offset) % strides              # divides evenly
                width += (1 if padding == "same" else strides - 1) - (width - offset) % strides
                if parity is not None and ((height - offset) // strides) % 2 != parity:
                    height += strides
                if parity is not None and ((width - offset) // strides) % 2 != parity:
                    width += strides
            if rng.random() < 0.5:
                height, width = width, height
            outputs = [_output_size(n, kernel_size, padding, strides) for n in (height, width)]
            if height != width and outputs[0] != outputs[1]:
                break
        cases.append({"input_shape": (height, width, int(rng.choice([1, 3, 8, 16, 32]))),
                      "filters": int(rng.choice([4, 6, 10, 24, 48, 64])),
                      "kernel_size": kernel_size, "padding": padding, "strides": strides})
    order = rng.permutation(len(cases))
    return {"cases": [cases[i] for i in order]}


# How each slip computes one side n for kernel k and stride s, with its hint; the judge names the slip that
# explains every case of a padding at once (an even kernel at stride 2 cannot tell n // s from a padding of
# (k - 1) // 2, but the other 'same' cases can).
_VALID_SLIPS = [
    (lambda n, k, s: (n - k) // s, "one short in height and width: the + 1 counts the window's first position."),
    (lambda n, k, s: (n - k + 1) // s, "the 'valid' formula is floor((n - k) / s) + 1; (n - k + 1) // s loses a "
                                       "position."),
    (lambda n, k, s: round((n - k) / s) + 1, "round((n - k) / s) rounds to the nearest whole number (half to "
                                             "even); the 'valid' formula rounds DOWN: floor((n - k) / s) + 1, "
                                             "(n - k) // s + 1."),
    (lambda n, k, s: math.ceil((n - k) / s) + 1, "the 'valid' formula rounds DOWN, floor((n - k) / s) + 1: a last "
                                                 "step without room for a whole window has no output."),
    (lambda n, k, s: n, "the 'valid' size is smaller than the input: floor((n - k) / s) + 1 positions fit."),
    (lambda n, k, s: -(-n // s), "that is the 'same' size; 'valid' pads nothing: floor((n - k) / s) + 1."),
]
_SAME_SLIPS = [
    (lambda n, k, s: n, "'same' keeps the size only with stride 1; in general it gives ceil(n / stride) outputs."),
    (lambda n, k, s: n // s, "for 'same', the size is ceil(n / stride), rounded UP: a last partial step still gets "
                             "an output (zeros pad it). n // s and int(n / s) round down."),
    (lambda n, k, s: round(n / s), "round(n / stride) is the nearest whole number (and Python rounds 2.5 to 2); "
                                   "'same' gives ceil(n / stride): -(-n // s) or math.ceil(n / s)."),
    (lambda n, k, s: (n + 2 * ((k - 1) // 2) - k) // s + 1,
     "padding of (k - 1) // 2 on each side is right for odd kernels only. For 'same', Keras pads however much it "
     "takes to get ceil(n / stride) outputs (with an even kernel size the extra zero goes after), so the size is "
     "ceil(n / stride) whatever the kernel size."),
    (lambda n, k, s: (n + 2 * (k // 2) - k) // s + 1,
     "padding of k // 2 on each side is right for odd kernels only; for 'same', Keras pads however much it takes "
     "to get ceil(n / stride) outputs, whatever the kernel size."),
    (lambda n, k, s: (n - k) // s + 1, "that is the 'valid' size; 'same' pads with zeros so that ceil(n / stride) "
                                       "positions fit."),
]


def _slip(slips, cases):
    """The first slip whose sizes are the ones the function gave in all ``cases`` ((case, sizes) pairs), else None."""
    for formula, hint in slips:
        if all(tuple(sizes) == (formula(case["input_shape"][0], case["kernel_size"], case["strides"]),
                                formula(case["input_shape"][1], case["kernel_size"], case["strides"]))
               for case, sizes in cases):
            return hint
    return None


@task("conv_output_shape", points=2, inputs=_shape_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array(ndim=1)))
def judge_conv_output_shape(data, inputs):
    """conv_output_shape(input_shape, filters, kernel_size, padding, strides), for input_shape (H, W, C):

    1. returns a tuple of three Python ints (NumPy integers are fine; floats, even 5.0, and arrays are not);
    2. 'valid': floor((n - k) / s) + 1 per side (cases: strides 1, 2 and 3, with n - k divisible by s on one
       side and not on the other, and quotients of both parities);
    3. 'same': ceil(n / s) per side, whatever the kernel size (cases: odd and even kernels, n divisible by s on
       one side and not on the other);
    4. the channels are ``filters`` (never equal to C in the cases); height first (never equal to the width).
    """
    def describe(case):
        return (f"conv_output_shape({case['input_shape']}, filters={case['filters']}, "
                f"kernel_size={case['kernel_size']}, padding={case['padding']!r}, strides={case['strides']})")

    def want_of(case):
        (H, W, _), k, s = case["input_shape"], case["kernel_size"], case["strides"]
        return (_output_size(H, k, case["padding"], s), _output_size(W, k, case["padding"], s), case["filters"])

    shapes = []
    for case, got in zip(inputs["cases"], data):
        want = want_of(case)
        if type(got) is list and len(got) == 4 and got[0] is None:
            raise Fail(f"{describe(case)} gave (None, ...): that is the shape with a batch axis, as model.summary() "
                       f"shows it; return the shape of ONE image's output, without a batch axis: {want}.")
        shape = expect_array(got, describe(case))
        shown = "(" + ", ".join(f"{value:g}" for value in shape) + ")"
        if len(shape) == 4 and tuple(shape[1:]) == want:
            raise Fail(f"{describe(case)} gave {shown}, expected {want}: the shape of ONE image's output, without a "
                       f"batch axis.")
        if len(shape) != 3:
            raise Fail(f"{describe(case)} gave {len(shape)} numbers, {shown}; expected three, (H_out, W_out, "
                       f"channels).")
        if not np.all(shape == np.round(shape)):
            raise Fail(f"{describe(case)} gave {shown}, expected {want}: an output size is a whole number. The "
                       f"floor in floor((n + 2p - k) / s) + 1 drops a last step that has no room for a whole window "
                       f"(//).")
        shapes.append((case, got, shape, shown, want))
    for case, got, shape, shown, want in shapes:
        if tuple(shape) != want:
            continue
        if is_plain_array(got) and got["__ndarray__"].startswith("float") or (
                type(got) is list and any(type(value) is float for value in got)):
            raise Fail(f"{describe(case)} gave {shown}: the right sizes, but as floats; the shape is three ints. "
                       f"np.floor, np.ceil and `/` give floats, and np.zeros(shape) or keras.Input(shape=...) "
                       f"refuse them: use // (or int(...)).")
        if is_plain_array(got):
            raise Fail(f"{describe(case)} gave a NumPy array; return a tuple of three ints, (H_out, W_out, "
                       f"channels), so that it compares equal to Keras's shapes: tuple(int(n) for n in ...).")
    for case, got, shape, shown, want in shapes:
        if tuple(shape) == want:
            continue
        (H, W, C), F = case["input_shape"], case["filters"]
        if tuple(shape[:2]) == (want[1], want[0]):
            raise Fail(f"{describe(case)} gave {shown}, expected {want}: height and width are swapped; shapes are "
                       f"(height, width, channels).")
        if shape[2] != F:
            hint = (" the number of channels comes from the filters: one output channel per filter, however many "
                    "channels the input has." if shape[2] == C else " the last number is the channels, one per filter.")
            raise Fail(f"{describe(case)} gave {shown}, expected {want}:{hint}")
        same_padding = [(other, other_shape[:2]) for other, _, other_shape, _, _ in shapes
                        if other["padding"] == case["padding"]]
        hint = _slip(_SAME_SLIPS if case["padding"] == "same" else _VALID_SLIPS, same_padding)
        if hint is None:
            hint = (f"'valid': floor((n - k) / s) + 1 along each side; 'same': ceil(n / s); the channels: one per "
                    f"filter.")
        raise Fail(f"{describe(case)} gave {shown}, expected {want}: {hint}")


# --------------------------------------------------------------------------------------------------------
# Task 4: a whole convolutional layer on a batch


def _layer_inputs(rng):
    kh, kw = (3, 5) if rng.random() < 0.5 else (5, 3)
    H, W = _distinct(rng, 6, 10)
    valid = {"X": rng.normal(size=(2, H, W, 3)), "K": rng.normal(size=(kh, kw, 3, 4)), "b": rng.normal(size=4),
             "padding": "valid"}
    H, W = _distinct(rng, 5, 9)
    same = {"X": rng.normal(size=(2, H, W, 2)) + 1.0,
            "K": rng.normal(size=(kw, kh, 2, 3)), "b": rng.normal(size=3), "padding": "same"}
    return {"cases": [valid, same]}


# An array per case, of any shape: the judge's hint for a wrong shape names the slip (padding, channels, ...).
@task("conv_layer", points=3, inputs=_layer_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array()))
def judge_conv_layer(data, inputs):
    """conv_layer(X, K, b, padding), for X (N, H, W, C_in), K (kh, kw, C_in, C_out), b (C_out,), stride 1:

    1. the result has shape (N, H_out, W_out, C_out): 'valid' H - kh + 1 by W - kw + 1, 'same' H by W (cases:
       kernels that are not square, one wide and one tall; images that are not square; C_in != C_out);
    2. Z[n, i, j, o] = b[o] + sum over u, v, c of X_p[n, i + u, j + v, c] K[u, v, c, o]: cross-correlation
       (no flip), the bias added once per output value, no activation (negative values stay);
    3. for 'same', X_p is X padded with zeros, (kh - 1) // 2 rows above and below and (kw - 1) // 2 columns left
       and right (the 'same' case's X is shifted away from 0, so other padding shows).
    """
    for case, got in zip(inputs["cases"], data):
        X, K, b, padding = case["X"], case["K"], case["b"], case["padding"]
        N, H, W, C_in = X.shape
        kh, kw, _, C_out = K.shape
        what = f"conv_layer(X {X.shape}, K {K.shape}, b {b.shape}, padding={padding!r})"
        Z = expect_array(got, what)
        want = _conv_layer(X, K, b, padding)
        if Z.shape != want.shape:
            hint = ""
            if padding == "same" and Z.shape == (N, H - kh + 1, W - kw + 1, C_out):
                hint = (": the 'valid' size. 'same' first pads with zeros, (kh - 1) // 2 rows above and below and "
                        "(kw - 1) // 2 columns left and right, so the output keeps H x W.")
            elif Z.shape == want.shape[1:]:
                hint = ": the batch axis is missing; return one result per image, (N, H_out, W_out, C_out)."
            elif Z.ndim == 5 or Z.ndim and Z.shape[-1] == C_in != C_out:
                hint = (": each filter sums over ALL input channels (and the window) to ONE number, so the last "
                        "axis is C_out, one per filter.")
            elif Z.shape[1:3] != want.shape[1:3] and padding == "same":
                hint = ": pad rows by (kh - 1) // 2 and columns by (kw - 1) // 2; this kernel is not square."
            elif Z.shape[1:3] in ((H - kh + 1, W - kh + 1), (H - kw + 1, W - kw + 1), (H - kw + 1, W - kh + 1)):
                hint = (": the window is kh rows by kw columns, K.shape[:2] = (kh, kw); this kernel is not square, "
                        "so one size for both directions, or the two swapped, gives another output size.")
            raise Fail(f"{what} has shape {Z.shape}, expected {want.shape}{hint}")
        hints = [
            (want - b, "the bias b is missing: add one number per filter, b[o], to every position of map o."),
            (want + b * (kh * kw * C_in - 1), "the bias is added inside the sum, once for every weight "
                                              "(kh * kw * C_in times); add b[o] once, after summing."),
            (np.maximum(want, 0), "a ReLU was applied; the task asks for the layer without an activation."),
            (_conv_layer(X, K[::-1, ::-1], b, padding), "the kernels are flipped (true convolution); Keras's "
                                                        "Conv2D uses them as they are (cross-correlation)."),
        ]
        if padding == "same":
            hints.append((_conv_layer(X, K, b, padding, mode="edge"),
                          "the border was padded with copies of the edge pixels; 'same' pads with zeros "
                          "(np.pad's default)."))
            hints.append((_conv_layer(X, K, b, padding, pads=((0, kh - 1), (0, kw - 1))),
                          "all the padding went below and right of the image; 'same' puts (kh - 1) // 2 rows above "
                          "AND below, (kw - 1) // 2 columns left AND right."))
        expect_close(Z, want, what, rtol=1e-5, atol=1e-6, hints=hints)


# --------------------------------------------------------------------------------------------------------
# Task 5: max pooling


def _pool_case(rng, N, p, rows_divide, columns_divide, C):
    while True:
        blocks = _distinct(rng, 2, 5)
        H = blocks[0] * p + (0 if rows_divide else int(rng.integers(1, p)))
        W = blocks[1] * p + (0 if columns_divide else int(rng.integers(1, p)))
        if H != W:
            return {"X": rng.normal(size=(N, H, W, C)), "pool_size": p}


def _pool_inputs(rng):
    # Sizes that divide evenly and sizes that leave a row or column over, for pool sizes 2 and 3, on images that
    # are not square and give a different number of blocks down and across.
    return {"cases": [
        _pool_case(rng, 2, 2, False, False, 3),
        _pool_case(rng, 1, 3, False, False, 2),
        _pool_case(rng, 2, 2, True, True, 2),
        _pool_case(rng, 1, 3, True, False, 3),
    ]}


# An array per case, of any shape: the judge's hint for a wrong shape names the slip (leftovers, stride, ...).
@task("max_pool", points=2, inputs=_pool_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array()))
def judge_max_pool(data, inputs):
    """max_pool(X, pool_size), for X (N, H, W, C):

    1. the result has shape (N, H // p, W // p, C): a leftover row or column is dropped, and every whole block
       is kept, the last one too (cases: sizes that divide by p and sizes that do not, p = 2 and 3, H != W and
       H // p != W // p);
    2. each value is the largest of its p x p block, block (i, j) covering rows i*p .. i*p + p - 1 and columns
       j*p .. j*p + p - 1, for each image and each channel separately.
    """
    for case, got in zip(inputs["cases"], data):
        X, p = case["X"], case["pool_size"]
        N, H, W, C = X.shape
        what = f"max_pool(X {X.shape}, pool_size={p})"
        pooled = expect_array(got, what)
        want = _max_pool(X, p)
        if pooled.shape != want.shape:
            hint = ""
            if pooled.shape == (N, math.ceil(H / p), math.ceil(W / p), C):
                hint = (": a leftover row or column that does not fill a whole block is dropped, as Keras does "
                        "by default: H // pool_size.")
            elif pooled.shape == (N, H - p + 1, W - p + 1, C):
                hint = (": one window per pixel position (stride 1). Pooling windows do not overlap: the stride "
                        "equals the pool size.")
            elif pooled.shape == want.shape[:3]:
                hint = ": the channels were pooled too. Pooling works on each channel separately; keep the last axis."
            elif pooled.shape == (N, H // 2, W // 2, C):
                hint = ": that is the size for 2x2 blocks; use pool_size."
            elif pooled.shape == (N, W // p, H // p, C):
                hint = (": height and width are swapped: the blocks run down the H axis (axis 1) and across the W "
                        "axis (axis 2); reshape to (N, H // p, p, W // p, p, C).")
            elif pooled.ndim == 4 and pooled.shape[0] == N and pooled.shape[3] == C and all(
                    got_n in (full - 1, full) for got_n, full in zip(pooled.shape[1:3], (H // p, W // p))):
                hint = (": the last whole block is missing where the size divides evenly. A loop like "
                        "range(0, H - p, p) stops one block early; range(0, H - p + 1, p), or i in "
                        "range(H // p) with rows i * p to i * p + p, keeps it.")
            raise Fail(f"{what} has shape {pooled.shape}, expected {want.shape}{hint}")
        cut = X[:, :H // p * p, :W // p * p]
        expect_close(pooled, want, what, hints=[
            (cut.reshape(N, H // p, p, W // p, p, C).mean(axis=(2, 4)),
             "this is average pooling; max pooling keeps the largest value of each block."),
            (cut.reshape(N, H // p, W // p, p, p, C).max(axis=(3, 4)),
             "values from different blocks are mixed: the reshape must split H into (H // p, p) and W into "
             "(W // p, p), giving (N, H // p, p, W // p, p, C), then take the max over axes 2 and 4."),
            (np.abs(cut).reshape(N, H // p, p, W // p, p, C).max(axis=(2, 4)),
             "these are the largest absolute values; max pooling keeps the largest value itself (negatives "
             "included)."),
        ])
