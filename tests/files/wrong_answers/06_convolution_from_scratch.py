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


# --- added for issue 14: mistakes the first checks let through or named wrongly -------------------------------


@wrong("conv2d_valid", "scipy.signal.convolve2d")
def conv2d_valid(image, kernel):
    from scipy.signal import convolve2d

    return convolve2d(image, kernel, mode="valid")  # the mathematicians' convolution: flips the kernel


@wrong("conv2d_valid", "the size of the input")
def conv2d_valid(image, kernel):
    kh, kw = kernel.shape
    padded = np.pad(image, [(kh // 2, kh // 2), (kw // 2, kw // 2)])  # 'same', not 'valid'
    return np.einsum("ijuv,uv->ij", sliding_window_view(padded, kernel.shape), kernel)


@wrong("conv2d_valid", "does not average them")
def conv2d_valid(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.mean(image[i:i + kh, j:j + kw] * kernel)
    return out


@wrong("conv2d_valid", "integer dtype")
def conv2d_valid(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1), dtype=int)  # ints: each sum is truncated
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


@wrong("conv2d_valid", "flipped upside down")
def conv2d_valid(image, kernel):
    flipped = np.flipud(kernel)  # half of the textbook's flip
    return np.einsum("ijuv,uv->ij", sliding_window_view(image, kernel.shape), flipped)


@wrong("conv2d_valid", "the kernel is used transposed")
def conv2d_valid(image, kernel):
    kw, kh = kernel.shape  # (width, height), the wrong way round
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel.T)
    return out


@wrong("shift_left_kernel", "moves down, not left")
def shift_left_kernel():
    kernel = np.zeros((3, 3))
    kernel[0, 1] = 1.0  # the neighbour above
    return kernel


@wrong("shift_left_kernel", "moves up, not left")
def shift_left_kernel():
    kernel = np.zeros((3, 3))
    kernel[2, 1] = 1.0
    return kernel


@wrong("shift_left_kernel", "moves down and to the left instead of only to the left")
def shift_left_kernel():
    kernel = np.zeros((3, 3))
    kernel[0, 2] = 1.0  # right, but in the wrong row
    return kernel


@wrong("shift_left_kernel", "expected (3, 3)")
def shift_left_kernel():
    return np.array([[0.0, 0.0, 1.0]])  # one row: not the 3 x 3 kernel asked for


@wrong("shift_left_kernel", "needs a weight of exactly 1")
def shift_left_kernel():
    kernel = np.zeros((3, 3))
    kernel[1, 2] = 255  # the brightest pixel value, not a weight
    return kernel


@wrong("conv_output_shape", "right sizes, but as floats")
def conv_output_shape(input_shape, filters, kernel_size, padding="valid", strides=1):
    height, width, _ = input_shape
    if padding == "same":
        return np.ceil(height / strides), np.ceil(width / strides), filters  # np.ceil gives floats
    return np.floor((height - kernel_size) / strides) + 1, np.floor((width - kernel_size) / strides) + 1, filters


@wrong("conv_output_shape", "n // s and int(n / s) round down")
def conv_output_shape(input_shape, filters, kernel_size, padding="valid", strides=1):
    height, width, _ = input_shape
    if padding == "same":
        return int(height / strides), int(width / strides), filters  # int() truncates: floor, not ceil
    return (height - kernel_size) // strides + 1, (width - kernel_size) // strides + 1, filters


@wrong("conv_output_shape", "rounds to the nearest whole number (half to even)")
def conv_output_shape(input_shape, filters, kernel_size, padding="valid", strides=1):
    height, width, _ = input_shape
    side = (lambda n: -(-n // strides)) if padding == "same" else (lambda n: round((n - kernel_size) / strides) + 1)
    return side(height), side(width), filters


@wrong("conv_output_shape", "(n - k + 1) // s loses a position")
def conv_output_shape(input_shape, filters, kernel_size, padding="valid", strides=1):
    height, width, _ = input_shape
    side = (lambda n: -(-n // strides)) if padding == "same" else (lambda n: (n - kernel_size + 1) // strides)
    return side(height), side(width), filters


@wrong("conv_output_shape", "without a batch axis")
def conv_output_shape(input_shape, filters, kernel_size, padding="valid", strides=1):
    height, width, _ = input_shape
    side = (lambda n: -(-n // strides)) if padding == "same" else (lambda n: (n - kernel_size) // strides + 1)
    return None, side(height), side(width), filters  # as model.summary() shows it


@wrong("conv_output_shape", "padding of k // 2 on each side")
def conv_output_shape(input_shape, filters, kernel_size, padding="valid", strides=1):
    height, width, _ = input_shape
    p = kernel_size // 2 if padding == "same" else 0  # right for odd kernels only
    return (height + 2 * p - kernel_size) // strides + 1, (width + 2 * p - kernel_size) // strides + 1, filters


@wrong("conv_layer", "a ReLU was applied")
def conv_layer(X, K, b, padding="valid"):
    return np.maximum(_conv(X, K, b, padding), 0)  # Conv2D's default activation is None


@wrong("conv_layer", "the bias is added inside the sum")
def conv_layer(X, K, b, padding="valid"):
    kh, kw, C_in, C_out = K.shape
    if padding == "same":
        X = np.pad(X, [(0, 0), ((kh - 1) // 2,) * 2, ((kw - 1) // 2,) * 2, (0, 0)])
    N, H_out, W_out = X.shape[0], X.shape[1] - kh + 1, X.shape[2] - kw + 1
    Z = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for o in range(C_out):
                    Z[n, i, j, o] = np.sum(X[n, i:i + kh, j:j + kw, :] * K[:, :, :, o] + b[o])  # b in every term
    return Z


@wrong("conv_layer", "this kernel is not square")
def conv_layer(X, K, b, padding="valid"):
    kh, kw = K.shape[:2]
    if padding == "same":
        p = (kh - 1) // 2  # the same padding on both axes, as for a square kernel
        X = np.pad(X, [(0, 0), (p, p), (p, p), (0, 0)])
    return np.einsum("nhwcuv,uvco->nhwo", sliding_window_view(X, (kh, kw), axis=(1, 2)), K) + b


@wrong("conv_layer", "all the padding went below and right")
def conv_layer(X, K, b, padding="valid"):
    kh, kw = K.shape[:2]
    if padding == "same":
        X = np.pad(X, [(0, 0), (0, kh - 1), (0, kw - 1), (0, 0)])
    return np.einsum("nhwcuv,uvco->nhwo", sliding_window_view(X, (kh, kw), axis=(1, 2)), K) + b


@wrong("conv_layer", "kernels are flipped")
def conv_layer(X, K, b, padding="valid"):
    return _conv(X, K[::-1, ::-1], b, padding)


@wrong("max_pool", "last whole block is missing")
def max_pool(X, pool_size=2):
    N, H, W, C = X.shape
    p = pool_size
    rows, columns = range(0, H - p, p), range(0, W - p, p)  # stops one block early when p divides H
    out = np.zeros((N, len(rows), len(columns), C))
    for a, i in enumerate(rows):
        for c, j in enumerate(columns):
            out[:, a, c, :] = X[:, i:i + p, j:j + p, :].max(axis=(1, 2))
    return out


@wrong("max_pool", "stride 1")
def max_pool(X, pool_size=2):
    return sliding_window_view(X, (pool_size, pool_size), axis=(1, 2)).max(axis=(-2, -1))


@wrong("max_pool", "size for 2x2 blocks")
def max_pool(X, pool_size=2):
    N, H, W, C = X.shape
    return X[:, :H // 2 * 2, :W // 2 * 2].reshape(N, H // 2, 2, W // 2, 2, C).max(axis=(2, 4))  # ignores pool_size


@wrong("max_pool", "height and width are swapped")
def max_pool(X, pool_size=2):
    N, H, W, C = X.shape
    p = pool_size
    cut = X[:, :H // p * p, :W // p * p]
    return cut.reshape(N, W // p, p, H // p, p, C).max(axis=(2, 4))  # the same number of values, cut wrongly


@wrong("max_pool", "largest absolute values")
def max_pool(X, pool_size=2):
    N, H, W, C = X.shape
    p = pool_size
    return np.abs(X[:, :H // p * p, :W // p * p]).reshape(N, H // p, p, W // p, p, C).max(axis=(2, 4))
