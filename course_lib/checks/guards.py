"""What every check holds a learner's function to, whatever its task: it leaves its inputs alone, and
(where a task says so) it uses only the data it was given.

:func:`guarded` wraps the learner's function before a task's ``collect`` calls it. Each call snapshots the
NumPy arrays among its arguments (inside lists, tuples and dicts too) and compares them afterwards: a
function that sorts, scales or shuffles the caller's array in place fails with the argument's name, even
when its return value is right, because the learner's next line would read the damaged array.

A task registered with ``data_given=True`` (its function trains on the data the check hands it, and the
check scores it on images it holds back) also switches the dataset loaders off while the function runs:
:func:`course_lib.data.load_digits` and scikit-learn's ``load_digits``, in their modules and under
whatever name the learner's notebook imported them. Loading the
full set from inside such a function would train on the held-out images and make the score meaningless.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sys

import numpy as np

from .plain import Fail

__all__ = ["guarded", "loaders_off"]


def _arrays(value, path, found, depth=0):
    """``(path, array)`` for every NumPy array in ``value``, looking inside lists, tuples and dicts."""
    if depth > 6:
        return
    if isinstance(value, np.ndarray):
        found.append((path, value))
    elif type(value) in (list, tuple):
        for number, item in enumerate(value):
            _arrays(item, f"{path}[{number}]", found, depth + 1)
    elif type(value) is dict:
        for key, item in value.items():
            _arrays(item, f"{path}[{key!r}]", found, depth + 1)


def _snapshot(args, kwargs, parameter_names, exempt):
    found = []
    for number, value in enumerate(args):
        name = parameter_names[number] if number < len(parameter_names) else f"argument {number + 1}"
        if name not in exempt:
            _arrays(value, name, found)
    for name, value in kwargs.items():
        if name not in exempt:
            _arrays(value, name, found)
    return [(path, array, array.copy()) for path, array in found]


def _changed(snapshot):
    for path, array, before in snapshot:
        if array.shape != before.shape or array.dtype != before.dtype or not np.array_equal(array, before, equal_nan=True):
            return path
    return None


def _mutation_fail(function_name, path):
    argument = path.split("[")[0]
    remedy = (f"start with `{argument} = {argument}.copy()`" if path == argument else
              f"build new arrays rather than changing `{argument}`'s in place")
    return Fail(f"`{function_name}` changed its input `{path}` in place. The caller's array must come back as it "
                f"went in: the next line of their code still reads it. {remedy[0].upper() + remedy[1:]}, or "
                f"compute a new array: `x = x * 2`, not `x *= 2`; `np.sort(x)`, not `x.sort()`; index with "
                f"`rng.permutation(n)`, not `rng.shuffle(x)`.")


def guarded(function, name: str, exempt=()):
    """``function`` wrapped so that a call that modifies an array argument raises :class:`Fail`.

    The arguments named in ``exempt`` are the ones the task means to be changed in place.
    Classes and other callables that are not plain functions are returned unchanged (a Keras layer class
    is passed on to Keras as it is). A generator function's arrays are compared once it is exhausted.
    """
    if not inspect.isfunction(function):
        return function
    try:
        parameter_names = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        parameter_names = []

    def checked_generator(generator, snapshot):
        yield from generator
        path = _changed(snapshot)
        if path is not None:
            raise _mutation_fail(name, path)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        snapshot = _snapshot(args, kwargs, parameter_names, exempt)
        result = function(*args, **kwargs)
        if inspect.isgenerator(result):
            return checked_generator(result, snapshot)
        path = _changed(snapshot)
        if path is not None:
            raise _mutation_fail(name, path)
        return result

    return wrapper


class _Refused:
    """Stands in for a dataset loader while a ``data_given`` function runs."""

    def __init__(self, loader_name, task_name):
        self.loader_name, self.task_name = loader_name, task_name

    def __call__(self, *args, **kwargs):
        raise Fail(f"`{self.task_name}` called {self.loader_name} itself. Use only the arrays the check passes in "
                   f"(its arguments): the full data set also holds the held-out images the check scores the "
                   f"model on, so training on it would make the score meaningless.")


def _loader_sites():
    """``(owner, attribute, label)`` for every loader that is importable here."""
    sites = []
    data = sys.modules.get("course_lib.data")
    if data is not None:
        sites.append((data, "load_digits", "course_lib.data.load_digits"))
    sklearn_datasets = sys.modules.get("sklearn.datasets")
    if sklearn_datasets is not None:
        sites.append((sklearn_datasets, "load_digits", "sklearn.datasets.load_digits"))
        base = sys.modules.get("sklearn.datasets._base")
        if base is not None:
            sites.append((base, "load_digits", "sklearn.datasets.load_digits"))
    return sites


@contextlib.contextmanager
def loaders_off(namespace: dict, task_name: str):
    """Replace the dataset loaders, in their modules and wherever ``namespace`` holds them, for a while."""
    originals = []
    replacements = {}
    for owner, attribute, label in _loader_sites():
        current = getattr(owner, attribute, None)
        if current is None or isinstance(current, _Refused):
            continue
        replacements.setdefault(id(current), _Refused(label + "()", task_name))
        originals.append((owner.__dict__, attribute, current))
    for key, value in list(namespace.items()):
        if id(value) in replacements:
            originals.append((namespace, key, value))
    try:
        for where, key, value in originals:
            where[key] = replacements[id(value)]
        yield
    finally:
        for where, key, value in reversed(originals):
            where[key] = value
