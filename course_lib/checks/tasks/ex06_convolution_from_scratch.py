"""Graded tasks of ``exercises/06_convolution_from_scratch.ipynb``: convolution, output sizes and pooling in NumPy."""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import Array, Cases, Exercise, Fail, call_each_case, expect_array, expect_close

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


def _conv_layer(X, K, b, padding, mode="constant"):
    """A batch (N, H, W, C_in) through kernels (kh, kw, C_in, C_out) plus bias, stride 1."""
    kh, kw = K.shape[:2]
    if padding == "same":
        X = np.pad(X, [(0, 0), _same_padding(kh), _same_padding(kw), (0, 0)], mode=mode)
    windows = sliding_window_view(X, (kh, kw), axis=(1, 2))  # (N, H_out, W_out, C_in, kh, kw)
    return np.einsum("nhwcuv,uvco->nhwo", windows, K) + b


def _max_pool(X, p):
    N, H, W, C = X.shape
    blocks = X[:, :H // p * p, :W // p * p].reshape(N, H // p, p, W // p, p, C)
    return blocks.max(axis=(2, 4))


# --------------------------------------------------------------------------------------------------------
# Task 1: conv2d 'valid' on one gray image


def _conv2d_inputs(rng):
    def image():
        return rng.normal(size=(int(rng.integers(6, 10)), int(rng.integers(7, 12))))

    return {"cases": [{"image": image(), "kernel": rng.normal(size=(3, 3))},
                      {"image": image(), "kernel": rng.normal(size=(2, 4))}]}


# An array per case, of any shape: the judge's hint for a wrong shape names the slip (no + 1, padding, ...).
@task("conv2d_valid", points=2, inputs=_conv2d_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array()))
def judge_conv2d_valid(data, inputs):
    for case, got in zip(inputs["cases"], data):
        image, kernel = case["image"], case["kernel"]
        (H, W), (kh, kw) = image.shape, kernel.shape
        what = f"conv2d_valid(image {image.shape}, kernel {kernel.shape})"
        out = expect_array(got, what)
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
            elif kh != kw and out.shape in ((H - kh + 1, W - kh + 1), (H - kw + 1, W - kw + 1)):
                hint = ": one kernel size used for both directions; this kernel is not square."
            raise Fail(f"{what} has shape {out.shape}, expected {want.shape}{hint}")
        expect_close(out, want, what, hints=[
            (_correlate_valid(image, kernel[::-1, ::-1]),
             "this is true convolution, with the kernel flipped by 180 degrees. Deep learning's convolution "
             "(Keras's Conv2D) is cross-correlation: multiply each patch by the kernel as it is."),
            (_correlate_valid(image, kernel) / kernel.size, "each sum is divided by the kernel size; a convolution "
                                                            "adds the products, it does not average them."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 2: a kernel that shifts the picture


@task("shift_left_kernel", points=1, answer=Array(shape=(3, 3)))
def judge_shift_left_kernel(data, inputs):
    kernel = expect_array(data, "shift_left_kernel()", shape=(3, 3))
    want = np.zeros((3, 3))
    want[1, 2] = 1.0

    def one_at(row, column):
        candidate = np.zeros((3, 3))
        candidate[row, column] = 1.0
        return candidate

    expect_close(kernel, want, "the kernel", hints=[
        (one_at(1, 0), "with the 1 left of the centre, output (i, j) reads input (i, j - 1): the picture moves "
                       "one pixel to the RIGHT. That is what true convolution's flip would do; cross-correlation "
                       "reads the pixel under each weight, so the 1 goes where the wanted neighbour is."),
        (one_at(1, 1), "the identity kernel: the picture does not move at all."),
        (one_at(0, 1), "the 1 above the centre reads the pixel above: the picture moves down, not left."),
        (one_at(2, 1), "the 1 below the centre reads the pixel below: the picture moves up, not left."),
        (np.full((3, 3), 1 / 9), "this is the box blur; a shift copies exactly one neighbour."),
    ])


# --------------------------------------------------------------------------------------------------------
# Task 3: output shapes


def _shape_inputs(rng):
    settings = [(3, "valid", 1), (3, "valid", 2), (5, "valid", 3), (1, "valid", 1),
                (5, "same", 1), (3, "same", 2), (2, "same", 2), (4, "same", 3)]
    cases = []
    for kernel_size, padding, strides in settings:
        height, width = (int(n) for n in rng.choice(np.arange(9, 71), size=2, replace=False))
        p = (kernel_size - 1) // 2
        while height == width or padding == "same" and kernel_size % 2 == 0 and (
                (height + 2 * p - kernel_size) // strides + 1 == _output_size(height, kernel_size, padding, strides)):
            height += 1  # even kernels: a height where padding (k - 1) // 2 on both sides gives another size
        cases.append({"input_shape": (height, width, int(rng.choice([1, 3, 8, 16, 32]))),
                      "filters": int(rng.choice([4, 6, 10, 24, 48, 64])),
                      "kernel_size": kernel_size, "padding": padding, "strides": strides})
    order = rng.permutation(len(cases))
    return {"cases": [cases[i] for i in order]}


def _output_size(n, k, padding, s):
    if padding == "same":
        return -(-n // s)                # ceil(n / s), whatever the kernel size
    return (n - k) // s + 1


@task("conv_output_shape", points=2, inputs=_shape_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array(shape=(3,))))
def judge_conv_output_shape(data, inputs):
    for case, got in zip(inputs["cases"], data):
        (H, W, C), F = case["input_shape"], case["filters"]
        k, padding, s = case["kernel_size"], case["padding"], case["strides"]
        what = (f"conv_output_shape({case['input_shape']}, filters={F}, kernel_size={k}, padding={padding!r}, "
                f"strides={s})")
        shape = expect_array(got, what, shape=(3,))
        want = (_output_size(H, k, padding, s), _output_size(W, k, padding, s), F)
        if tuple(shape) == want:
            continue
        shown = "(" + ", ".join(f"{value:g}" for value in shape) + ")"
        if not np.all(shape == np.round(shape)):
            raise Fail(f"{what} gave {shown}, expected {want}: an output size is a whole number. The floor in "
                       f"floor((n + 2p - k) / s) + 1 drops a last step that has no room for a whole window (//).")
        p = (k - 1) // 2 if padding == "same" else 0
        candidates = [
            ((H, W, C), "the number of channels comes from the filters: one output channel per filter, however "
                        "many channels the input has."),
            ((want[0], want[1], C), "the number of channels comes from the filters: one output channel per "
                                    "filter, however many channels the input has."),
            ((want[1], want[0], F), "height and width are swapped; shapes are (height, width, channels)."),
            (((H - k) // s, (W - k) // s, F), "one short in height and width: the + 1 counts the window's first "
                                              "position."),
            ((H, W, F), "'same' keeps the size only with stride 1; in general it gives ceil(n / stride) outputs."),
            (((H + 2 * p - k) // s + 1, (W + 2 * p - k) // s + 1, F),
             "for 'same', Keras pads however much it takes to get ceil(n / stride) outputs (with an even kernel "
             "size the extra zero goes after), so the size is ceil(n / stride) whatever the kernel size."),
            (((H - k + 1) // s, (W - k + 1) // s, F), "the 'valid' formula is floor((n - k) / s) + 1; "
                                                      "(n - k + 1) // s loses a position."),
        ]
        for candidate, message in candidates:
            if tuple(shape) == tuple(candidate):
                raise Fail(f"{what} gave {shown}, expected {want}: {message}")
        raise Fail(f"{what} gave {shown}, expected {want}. 'valid': floor((n - k) / s) + 1; 'same': "
                   f"ceil(n / s); the channels: one per filter.")


# --------------------------------------------------------------------------------------------------------
# Task 4: a whole convolutional layer on a batch


def _layer_inputs(rng):
    valid = {"X": rng.normal(size=(2, int(rng.integers(6, 9)), int(rng.integers(7, 10)), 3)),
             "K": rng.normal(size=(3, 3, 3, 4)), "b": rng.normal(size=4), "padding": "valid"}
    same = {"X": rng.normal(size=(2, int(rng.integers(5, 8)), int(rng.integers(6, 9)), 2)) + 1.0,
            "K": rng.normal(size=(3, 5, 2, 3)), "b": rng.normal(size=3), "padding": "same"}
    return {"cases": [valid, same]}


# An array per case, of any shape: the judge's hint for a wrong shape names the slip (padding, channels, ...).
@task("conv_layer", points=3, inputs=_layer_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array()))
def judge_conv_layer(data, inputs):
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
            raise Fail(f"{what} has shape {Z.shape}, expected {want.shape}{hint}")
        hints = [
            (want - b, "the bias b is missing: add one number per filter, b[o], to every position of map o."),
            (_conv_layer(X, K[::-1, ::-1], b, padding), "the kernels are flipped (true convolution); Keras's "
                                                        "Conv2D uses them as they are (cross-correlation)."),
        ]
        if padding == "same":
            hints.append((_conv_layer(X, K, b, padding, mode="edge"),
                          "the border was padded with copies of the edge pixels; 'same' pads with zeros "
                          "(np.pad's default)."))
        expect_close(Z, want, what, rtol=1e-5, atol=1e-6, hints=hints)


# --------------------------------------------------------------------------------------------------------
# Task 5: max pooling


def _pool_inputs(rng):
    odd = int(rng.integers(2, 6)) * 2 + 1
    return {"cases": [
        {"X": rng.normal(size=(2, odd, int(rng.integers(3, 6)) * 2 + 1, 3)), "pool_size": 2},
        {"X": rng.normal(size=(1, 3 * int(rng.integers(2, 4)) + 1, 3 * int(rng.integers(2, 4)) + 2, 2)),
         "pool_size": 3},
    ]}


# An array per case, of any shape: the judge's hint for a wrong shape names the slip (leftovers, stride, ...).
@task("max_pool", points=2, inputs=_pool_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array()))
def judge_max_pool(data, inputs):
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
            raise Fail(f"{what} has shape {pooled.shape}, expected {want.shape}{hint}")
        cut = X[:, :H // p * p, :W // p * p]
        expect_close(pooled, want, what, hints=[
            (cut.reshape(N, H // p, p, W // p, p, C).mean(axis=(2, 4)),
             "this is average pooling; max pooling keeps the largest value of each block."),
            (cut.reshape(N, H // p, W // p, p, p, C).max(axis=(3, 4)),
             "values from different blocks are mixed: the reshape must split H into (H // p, p) and W into "
             "(W // p, p), giving (N, H // p, p, W // p, p, C), then take the max over axes 2 and 4."),
        ])
