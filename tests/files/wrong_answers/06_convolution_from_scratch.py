"""Typical wrong answers to exercises/06_convolution_from_scratch.ipynb, each with the hint its check must give.

``tests/test_exercises.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a
function as a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


@wrong("conv2d_valid", "true convolution")
def conv2d_valid(image, kernel):
    flipped = kernel[::-1, ::-1]  # the textbook formula, with its flip
    return np.einsum("ijuv,uv->ij", sliding_window_view(image, kernel.shape), flipped)


@wrong("conv2d_valid", "n - k + 1")
def conv2d_valid(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh, image.shape[1] - kw))  # forgot the + 1
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


@wrong("conv2d_valid", "not square")
def conv2d_valid(image, kernel):
    k = kernel.shape[0]  # assumes a square kernel
    out = np.zeros((image.shape[0] - k + 1, image.shape[1] - k + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + k, j:j + k] * kernel[:k, :k])
    return out


@wrong("shift_left_kernel", "to the RIGHT")
def shift_left_kernel():
    kernel = np.zeros((3, 3))
    kernel[1, 0] = 1.0
    return kernel


@wrong("shift_left_kernel", "does not move")
def shift_left_kernel():
    kernel = np.zeros((3, 3))
    kernel[1, 1] = 1.0  # the identity kernel
    return kernel


@wrong("conv_output_shape", "ceil(n / stride)")
def conv_output_shape(input_shape, filters, kernel_size, padding="valid", strides=1):
    height, width, _ = input_shape
    if padding == "same":
        return height, width, filters  # true for stride 1 only
    return (height - kernel_size) // strides + 1, (width - kernel_size) // strides + 1, filters


@wrong("conv_output_shape", "whole number")
def conv_output_shape(input_shape, filters, kernel_size, padding="valid", strides=1):
    height, width, _ = input_shape
    p = (kernel_size - 1) // 2 if padding == "same" else 0
    return ((height + 2 * p - kernel_size) / strides + 1, (width + 2 * p - kernel_size) / strides + 1, filters)


@wrong("conv_output_shape", "one output channel per filter")
def conv_output_shape(input_shape, filters, kernel_size, padding="valid", strides=1):
    height, width, channels = input_shape
    side = (lambda n: -(-n // strides)) if padding == "same" else (lambda n: (n - kernel_size) // strides + 1)
    return side(height), side(width), channels


@wrong("conv_output_shape", "even kernel")
def conv_output_shape(input_shape, filters, kernel_size, padding="valid", strides=1):
    height, width, _ = input_shape
    p = (kernel_size - 1) // 2 if padding == "same" else 0  # right for odd kernels only
    return (height + 2 * p - kernel_size) // strides + 1, (width + 2 * p - kernel_size) // strides + 1, filters


def _conv(X, K, b, padding, mode="constant"):
    kh, kw = K.shape[:2]
    if padding == "same":
        X = np.pad(X, [(0, 0), ((kh - 1) // 2,) * 2, ((kw - 1) // 2,) * 2, (0, 0)], mode=mode)
    return np.einsum("nhwcuv,uvco->nhwo", sliding_window_view(X, (kh, kw), axis=(1, 2)), K) + b


@wrong("conv_layer", "bias b is missing")
def conv_layer(X, K, b, padding="valid"):
    return _conv(X, K, 0.0, padding)


@wrong("conv_layer", "copies of the edge pixels")
def conv_layer(X, K, b, padding="valid"):
    return _conv(X, K, b, padding, mode="edge")


@wrong("conv_layer", "the 'valid' size")
def conv_layer(X, K, b, padding="valid"):
    return _conv(X, K, b, "valid")  # ignores padding


@wrong("conv_layer", "ALL input channels")
def conv_layer(X, K, b, padding="valid"):
    kh, kw = K.shape[:2]
    if padding == "same":
        X = np.pad(X, [(0, 0), ((kh - 1) // 2,) * 2, ((kw - 1) // 2,) * 2, (0, 0)])
    windows = sliding_window_view(X, (kh, kw), axis=(1, 2))
    return np.einsum("nhwcuv,uvco->nhwco", windows, K)  # forgot to sum over the channels


@wrong("max_pool", "average pooling")
def max_pool(X, pool_size=2):
    N, H, W, C = X.shape
    p = pool_size
    return X[:, :H // p * p, :W // p * p].reshape(N, H // p, p, W // p, p, C).mean(axis=(2, 4))


@wrong("max_pool", "mixed")
def max_pool(X, pool_size=2):
    N, H, W, C = X.shape
    p = pool_size
    return X[:, :H // p * p, :W // p * p].reshape(N, H // p, W // p, p, p, C).max(axis=(3, 4))


@wrong("max_pool", "leftover row or column")
def max_pool(X, pool_size=2):
    N, H, W, C = X.shape
    p = pool_size
    Hp, Wp = -(-H // p) * p, -(-W // p) * p  # pads up to whole blocks instead of dropping
    padded = np.full((N, Hp, Wp, C), -np.inf)
    padded[:, :H, :W] = X
    return padded.reshape(N, Hp // p, p, Wp // p, p, C).max(axis=(2, 4))


@wrong("max_pool", "each channel separately")
def max_pool(X, pool_size=2):
    N, H, W, C = X.shape
    p = pool_size
    return X[:, :H // p * p, :W // p * p].reshape(N, H // p, p, W // p, p, C).max(axis=(2, 4, 5))
