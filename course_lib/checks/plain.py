"""Plain data: what may leave a learner's kernel, and the ``expect_*`` helpers that read it back.

:func:`to_plain` turns a learner's return value into numbers, strings, lists, dicts and arrays spelled out as
``{"__ndarray__": dtype, "shape": [...], "data": [...]}``, refusing any object that could pretend. Judges
read that data back with :func:`expect_array`, :func:`expect_number` and :func:`expect_close`, whose
messages name the likely slip, and compare gradients with :func:`check_gradients`.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["Fail", "check_gradients", "expect_array", "expect_close", "expect_number", "from_plain", "is_plain_array",
           "numeric_gradient", "relative_error", "to_plain"]


class Fail(Exception):
    """Raised by a judge: the answer is wrong. The message is shown to the learner, so make it teach."""


Fail.__module__ = "course_lib.checks"  # how learners meet it in a traceback: the package's public name


def is_plain_array(data) -> bool:
    """Whether ``data`` is an array as :func:`to_plain` spells it."""
    return type(data) is dict and set(data) == {"__ndarray__", "shape", "data"}


def to_plain(value, what="the answer", _depth=0):
    """Turn ``value`` into JSON-able plain data, refusing anything that could pretend.

    Only exact built-in types, NumPy scalars and NumPy arrays (subclasses are viewed as plain arrays) are
    accepted; arrays become ``{"__ndarray__": dtype, "shape": [...], "data": [...]}``. An object that
    claims equality with anything, or any other class, raises :class:`Fail` naming its type.

    >>> to_plain({"w": np.array([1.5, 2.0]), "n": np.int64(3)})
    {'w': {'__ndarray__': 'float64', 'shape': [2], 'data': [1.5, 2.0]}, 'n': 3}
    """
    if _depth > 20:
        raise Fail(f"{what} is nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return value
    if isinstance(value, np.ndarray):  # subclasses too, but only their plain data is kept
        array = np.asarray(value).view(np.ndarray)
        if array.dtype.kind not in "biuf":
            raise Fail(f"{what} is an array of {array.dtype}; expected numbers")
        return {"__ndarray__": array.dtype.name, "shape": list(array.shape), "data": array.ravel().tolist()}
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        return value.item() if value.dtype.kind in "biuf" else str(value)
    if kind in (list, tuple):
        return [to_plain(item, what, _depth + 1) for item in value]
    if kind is dict:
        plain = {}
        for key, item in value.items():
            if type(key) is not str:
                raise Fail(f"{what} is a dict with a key of type {type(key).__name__}; expected str keys")
            plain[key] = to_plain(item, what, _depth + 1)
        return plain
    raise Fail(f"{what} is a {kind.__module__}.{kind.__qualname__}; expected a number, a string, a list or "
               f"a NumPy array")


def from_plain(data):
    """Arrays back from :func:`to_plain`'s spelling; everything else unchanged."""
    if type(data) is dict:
        if is_plain_array(data):
            return data  # kept as the dict: expect_array() rebuilds and validates it
        return {key: from_plain(item) for key, item in data.items()}
    if type(data) is list:
        return [from_plain(item) for item in data]
    return data


def expect_array(data, what, *, shape=None, ndim=None, finite=True) -> np.ndarray:
    """A float array from plain ``data``, or :class:`Fail` saying what was wrong with it.

    ``shape`` may contain ``None`` for "any size". The hints name the likely slip: a transposed result,
    a lost dimension, NaN from an overflow.

    >>> expect_array(to_plain(np.eye(2)), "I", shape=(2, 2)).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    >>> expect_array([[1, 2, 3]], "Z", shape=(3, 1))
    Traceback (most recent call last):
    course_lib.checks.Fail: Z has shape (1, 3), expected (3, 1): it looks transposed.
    """
    if is_plain_array(data):
        try:
            array = np.array(data["data"], dtype=float).reshape([int(n) for n in data["shape"]])
        except (TypeError, ValueError):
            raise Fail(f"{what} could not be read as an array") from None
    elif type(data) in (list, int, float, bool):
        try:
            array = np.array(data, dtype=float)
        except (TypeError, ValueError):
            raise Fail(f"{what} is a ragged or non-numeric list; expected an array of numbers") from None
    elif data is None:
        raise Fail(f"{what} is None: did the function forget to `return` its result?")
    else:
        raise Fail(f"{what} is not an array of numbers")
    if ndim is not None and array.ndim != ndim:
        raise Fail(f"{what} has {array.ndim} dimensions (shape {array.shape}), expected {ndim}")
    if shape is not None:
        expected = tuple(shape)
        fits = array.ndim == len(expected) and all(e is None or e == n for e, n in zip(expected, array.shape))
        if not fits:
            shown = "(" + ", ".join("any" if e is None else str(e) for e in expected) + ("," if len(expected) == 1 else "") + ")"
            hint = ""
            if array.ndim == len(expected) == 2 and array.shape[::-1] == expected:
                hint = ": it looks transposed."
            elif array.size == math.prod(e or 1 for e in expected) and None not in expected:
                hint = ": the right number of values in the wrong shape; check reshape or keepdims."
            raise Fail(f"{what} has shape {tuple(array.shape)}, expected {shown}{hint}")
    if finite and not np.all(np.isfinite(array)):
        bad = "NaN" if np.isnan(array).any() else "inf"
        raise Fail(f"{what} contains {bad}: an overflow (exp of a large number?) or a division by zero")
    return array


def expect_number(data, what, *, finite=True) -> float:
    """A plain Python float from ``data`` (an int, float or 0-d/one-element array), else :class:`Fail`."""
    if type(data) in (int, float) and type(data) is not bool:
        value = float(data)
    elif type(data) is dict:
        array = expect_array(data, what, finite=False)
        if array.size != 1:
            raise Fail(f"{what} has shape {array.shape}; expected a single number")
        value = float(array.ravel()[0])
    elif data is None:
        raise Fail(f"{what} is None: did the function forget to `return` its result?")
    else:
        raise Fail(f"{what} is a {type(data).__name__}; expected a number")
    if finite and not math.isfinite(value):
        raise Fail(f"{what} is {value}; expected a finite number")
    return value


def relative_error(got, want) -> float:
    """``max|got - want| / max(|got|, |want|, 1e-12)``, the measure gradient checks quote."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    scale = max(np.abs(got).max(initial=0.0), np.abs(want).max(initial=0.0), 1e-12)
    return float(np.abs(got - want).max(initial=0.0) / scale)


def expect_close(got, want, what, *, rtol=1e-5, atol=1e-8, hints=()):
    """:class:`Fail` unless plain arrays ``got`` and ``want`` agree within tolerance.

    ``hints`` is a sequence of ``(candidate, message)``: when ``got`` matches a candidate (a known wrong
    answer, such as the result without the bias), its message explains the slip.
    """
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if got.shape != want.shape:
        raise Fail(f"{what} has shape {got.shape}, expected {want.shape}")
    if np.allclose(got, want, rtol=rtol, atol=atol):
        return
    for candidate, message in hints:
        candidate = np.asarray(candidate, dtype=float)
        if candidate.shape == got.shape and np.allclose(got, candidate, rtol=rtol, atol=atol):
            raise Fail(f"{what} is wrong: {message}")
    index = np.unravel_index(np.argmax(np.abs(got - want)), got.shape) if got.ndim else ()
    where = f" at index {tuple(int(i) for i in index)}" if got.ndim else ""
    raise Fail(f"{what} is wrong{where}: expected {want[index]:.6g}, got {got[index]:.6g} "
               f"(relative error {relative_error(got, want):.2g})")


def numeric_gradient(f, x, eps=1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f`` at array ``x`` (``x`` is restored).

    >>> numeric_gradient(lambda v: float((v ** 2).sum()), np.array([1.0, -2.0])).round(6)
    array([ 2., -4.])
    """
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + eps
        plus = f(x)
        x[index] = saved - eps
        minus = f(x)
        x[index] = saved
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def check_gradients(grads, reference, *, tol=1e-4):
    """:class:`Fail` naming the parameter whose gradient is wrong, with its relative error.

    ``grads`` maps parameter names to plain data from the learner, ``reference`` to trusted arrays (for
    example from :func:`numeric_gradient`).
    """
    if type(grads) is not dict:
        raise Fail(f"the gradients should be a dict with keys {sorted(reference)}; got a {type(grads).__name__}")
    missing = [name for name in reference if name not in grads]
    if missing:
        raise Fail(f"the gradients dict has no {', '.join(map(repr, missing))}; expected keys {sorted(reference)}")
    for name, want in reference.items():
        got = expect_array(grads[name], f"the gradient {name!r}")
        if got.shape != want.shape:
            raise Fail(f"the gradient {name!r} has shape {got.shape}, but {name} has shape {want.shape}: a "
                       f"gradient always has its parameter's shape")
        error = relative_error(got, want)
        if error > tol:
            hint = ""
            if np.allclose(got, -want, rtol=1e-4, atol=1e-8):
                hint = " It has the opposite sign: a minus sign lost in the chain rule?"
            elif np.allclose(got * want.size, want, rtol=1e-3, atol=1e-8) or np.allclose(got, want * 2, rtol=1e-3):
                hint = " It is off by a constant factor: averaging over the batch twice, or not at all?"
            raise Fail(f"the gradient {name!r} disagrees with a numerical gradient check: relative error "
                       f"{error:.2g} (should be below {tol:g}).{hint}")
