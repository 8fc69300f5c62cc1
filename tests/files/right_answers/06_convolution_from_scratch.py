"""Correct answers to exercises/06_convolution_from_scratch.ipynb written differently from the solutions: each must
pass.

``tests/corpus.py`` runs this file with ``right`` defined: ``@right(task)`` registers a function as a correct
answer to ``task`` whose check must pass on every seed.
"""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


@right("conv2d_valid")
def conv2d_valid(image, kernel):
    from scipy.signal import correlate2d

    return correlate2d(image, kernel, mode="valid")  # correlation: no flip, as Keras


@right("conv2d_valid")
def conv2d_valid(image, kernel):
    kh, kw = kernel.shape
    H_out, W_out = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((H_out, W_out))
    for u in range(kh):  # one shifted copy of the image per kernel weight
        for v in range(kw):
            out += kernel[u, v] * image[u:u + H_out, v:v + W_out]
    return out


@right("conv2d_valid")
def conv2d_valid(image, kernel):
    return np.tensordot(sliding_window_view(image, kernel.shape), kernel, axes=([2, 3], [0, 1]))


@right("shift_left_kernel")
def shift_left_kernel():
    return np.array([[0, 0, 0], [0, 0, 1], [0, 0, 0]])  # ints are fine


@right("shift_left_kernel")
def shift_left_kernel():
    return np.pad([[1.0]], ((1, 1), (2, 0)))  # a 1 with one row above and below and two columns on its left


@right("conv_output_shape")
def conv_output_shape(input_shape, filters, kernel_size, padding="valid", strides=1):
    height, width = input_shape[:2]
    if padding == "same":
        return math.ceil(height / strides), math.ceil(width / strides), filters  # math.ceil gives an int
    return (math.floor((height - kernel_size) / strides) + 1, math.floor((width - kernel_size) / strides) + 1,
            filters)


@right("conv_output_shape")
def conv_output_shape(input_shape, filters, kernel_size, padding="valid", strides=1):
    def positions(n):  # count the window's starting positions
        last = n - 1 if padding == "same" else n - kernel_size
        return len(range(0, last + 1, strides))
    return (positions(input_shape[0]), positions(input_shape[1]), filters)


@right("conv_output_shape")
def conv_output_shape(input_shape, filters, kernel_size, padding="valid", strides=1):
    sides = np.array(input_shape[:2])
    if padding == "same":
        out = (sides + strides - 1) // strides
    else:
        out = (sides - kernel_size) // strides + 1
    return int(out[0]), int(out[1]), int(filters)


@right("conv_layer")
def conv_layer(X, K, b, padding="valid"):
    kh, kw, C_in, C_out = K.shape
    N, H, W, _ = X.shape
    if padding == "same":
        top, left = (kh - 1) // 2, (kw - 1) // 2
        padded = np.zeros((N, H + 2 * top, W + 2 * left, C_in))
        padded[:, top:top + H, left:left + W] = X
        X = padded
    H_out, W_out = X.shape[1] - kh + 1, X.shape[2] - kw + 1
    Z = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                patch = X[n, i:i + kh, j:j + kw, :]  # (kh, kw, C_in)
                for o in range(C_out):
                    Z[n, i, j, o] = np.sum(patch * K[:, :, :, o]) + b[o]
    return Z


@right("conv_layer")
def conv_layer(X, K, b, padding="valid"):
    kh, kw = K.shape[:2]
    if padding == "same":
        X = np.pad(X, [(0, 0), ((kh - 1) // 2, (kh - 1) // 2), ((kw - 1) // 2, (kw - 1) // 2), (0, 0)])
    H_out, W_out = X.shape[1] - kh + 1, X.shape[2] - kw + 1
    Z = np.zeros((X.shape[0], H_out, W_out, K.shape[3])) + b
    for u in range(kh):  # one shifted slice of the batch per kernel position: (N, H_out, W_out, C_in) @ (C_in, C_out)
        for v in range(kw):
            Z += X[:, u:u + H_out, v:v + W_out, :] @ K[u, v]
    return Z


@right("max_pool")
def max_pool(X, pool_size=2):
    N, H, W, C = X.shape
    p = pool_size
    out = np.empty((N, H // p, W // p, C))
    for i in range(H // p):
        for j in range(W // p):
            out[:, i, j, :] = X[:, i * p:(i + 1) * p, j * p:(j + 1) * p, :].max(axis=(1, 2))
    return out


@right("max_pool")
def max_pool(X, pool_size=2):
    p = pool_size
    windows = sliding_window_view(X, (p, p), axis=(1, 2))[:, ::p, ::p]  # every p-th window: no overlap
    return windows.max(axis=(-2, -1))


@right("max_pool")
def max_pool(X, pool_size=2):
    N, H, W, C = X.shape
    p = pool_size
    shifted = [X[:, u:H // p * p:p, v:W // p * p:p] for u in range(p) for v in range(p)]  # one per block position
    return np.max(shifted, axis=0)
