"""Convolution of a (64, 64, 64, 3) batch with 32 3x3 filters: Python loops, vectorized NumPy, TensorFlow."""

import statistics
import time

import numpy as np


def conv_loops(image, kernels):
    """One image, loops over output positions and filters; NumPy only for each 3x3xC window."""
    kh, kw, _, filters = kernels.shape
    height, width = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((height, width, filters))
    for i in range(height):
        for j in range(width):
            window = image[i:i + kh, j:j + kw, :]
            for f in range(filters):
                out[i, j, f] = np.sum(window * kernels[:, :, :, f])
    return out


def conv_numpy(images, kernels):
    """Every window at once: (N, H', W', C, kh, kw) views, contracted with the kernels in one matrix product."""
    kh, kw = kernels.shape[:2]
    windows = np.lib.stride_tricks.sliding_window_view(images, (kh, kw), axis=(1, 2))  # (N, H', W', C, kh, kw)
    return np.tensordot(windows, kernels, axes=([4, 5, 3], [0, 1, 2]))                  # (N, H', W', F)


def _median_time(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(quick=False) -> dict:
    from course_lib.env import import_keras

    _, tf = import_keras()
    rng = np.random.default_rng(0)
    batch = 8 if quick else 64
    images = rng.random((batch, 64, 64, 3)).astype(np.float32)
    kernels = rng.normal(size=(3, 3, 3, 32)).astype(np.float32)
    repeats = 3 if quick else 7

    reference = tf.nn.conv2d(images, kernels, strides=1, padding="VALID").numpy()  # also the warm-up call
    tf_s = _median_time(lambda: tf.nn.conv2d(images, kernels, strides=1, padding="VALID").numpy(), repeats)
    numpy_s = _median_time(lambda: conv_numpy(images, kernels), repeats)
    loops_one = _median_time(lambda: conv_loops(images[0], kernels), 1)
    difference = float(np.abs(conv_numpy(images, kernels) - reference).max())
    loops_diff = float(np.abs(conv_loops(images[0], kernels) - reference[0]).max())
    result = {"batch": list(images.shape), "filters": 32, "tensorflow_s": round(tf_s, 4), "numpy_s": round(numpy_s, 4),
              "loops_s_extrapolated": round(loops_one * batch, 2), "numpy_to_tf": round(numpy_s / tf_s, 2),
              "loops_to_tf": round(loops_one * batch / tf_s, 1), "max_abs_difference": max(difference, loops_diff),
              "target_numpy_to_tf": 0.5}
    result["met"] = result["numpy_to_tf"] <= 0.5
    print(f"  TensorFlow {tf_s * 1000:.1f} ms, NumPy {numpy_s * 1000:.1f} ms ({result['numpy_to_tf']}x), "
          f"loops {loops_one * batch:.1f} s ({result['loops_to_tf']}x)", flush=True)
    return result
