"""What every check holds a learner's function to, whatever its task: it leaves its inputs alone, and
(where a task says so) it uses only the data it was given.

:func:`guarded` wraps the learner's function before a task's ``collect`` calls it. Each call snapshots the
NumPy arrays, lists and dicts among its arguments (inside lists, tuples and dicts too) and compares them
afterwards: a function that sorts, scales, pops or shuffles the caller's data in place fails with the
argument's name, even
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


def _containers(value, path, found, depth=0):
    """``(path, object)`` for every array, list and dict in ``value``, looking inside lists, tuples and dicts."""
    if depth > 6:
        return
    if isinstance(value, np.ndarray):
        found.append((path, value))
    elif type(value) in (list, tuple):
        if type(value) is list:
            found.append((path, value))
        for number, item in enumerate(value):
            _containers(item, f"{path}[{number}]", found, depth + 1)
    elif type(value) is dict:
        found.append((path, value))
        for key, item in value.items():
            _containers(item, f"{path}[{key!r}]", found, depth + 1)


def _copy(container):
    if isinstance(container, np.ndarray):
        return container.copy()
    return list(container.items()) if type(container) is dict else list(container)


def _same_item(a, b):
    return a is b or (type(a) in (bool, int, float, str) and type(a) is type(b) and a == b)


def _unchanged(container, before):
    if isinstance(container, np.ndarray):
        return (container.shape == before.shape and container.dtype == before.dtype
                and np.array_equal(container, before, equal_nan=True))
    now = list(container.items()) if type(container) is dict else container
    return len(now) == len(before) and all(
        _same_item(a, b) if type(container) is list else a[0] == b[0] and _same_item(a[1], b[1])
        for a, b in zip(now, before))


def _snapshot(args, kwargs, parameter_names, exempt):
    found = []
    for number, value in enumerate(args):
        name = parameter_names[number] if number < len(parameter_names) else f"argument {number + 1}"
        if name not in exempt:
            _containers(value, name, found)
    for name, value in kwargs.items():
        if name not in exempt:
            _containers(value, name, found)
    return [(path, container, _copy(container)) for path, container in found]


def _changed(snapshot):
    """The path of the first argument (or part of one) that differs from its snapshot, else ``None``."""
    for path, container, before in snapshot:
        if not _unchanged(container, before):
            return path, container
    return None


def _mutation_fail(function_name, changed):
    path, container = changed
    argument = path.split("[")[0]
    if isinstance(container, np.ndarray):
        kind = "array"
        how = ("`x = x * 2`, not `x *= 2`; `np.sort(x)`, not `x.sort()`; `np.clip(x, 0, 1)`, not "
               "`np.clip(x, 0, 1, out=x)`; index with `rng.permutation(n)`, not `rng.shuffle(x)`")
    elif type(container) is list:
        kind = "list"
        how = (f"pop(), remove(), append(), reverse() and sort() change the caller's list, so read it by index and "
               f"slice instead (`{path}[-1]`, `{path}[:-1]`, `{path}[1:]`) or use `sorted(...)`")
    else:
        kind = "dict"
        how = "pop(), update() and assigning to a key change the caller's dict; put new values in a new dict"
    start = (f"Start with `{argument} = {argument}.copy()`, or compute a new {kind}" if path == argument and
             kind == "array" else f"Leave `{argument}` and everything in it as it was")
    return Fail(f"`{function_name}` changed its input `{path}` in place. The caller's {kind} must come back as it "
                f"went in: the next line of their code still reads it. {start}: {how}.")


def guarded(function, name: str, exempt=(), *, loaders_namespace=None):
    """``function`` wrapped so that a call that modifies an argument in place raises :class:`Fail`.

    Arrays, lists and dicts are watched, also inside lists, tuples and dicts (an array's values; a list's or a
    dict's items, by identity).

    The arguments named in ``exempt`` are the ones the task means to be changed in place. With a
    ``loaders_namespace`` (the learner's globals), the dataset loaders are off while the function runs
    (:func:`loaders_off`), and only then: the check's own code may load the digits before and after.
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
        changed = _changed(snapshot)
        if changed is not None:
            raise _mutation_fail(name, changed)

    def call(args, kwargs):
        if loaders_namespace is None:
            return function(*args, **kwargs)
        with loaders_off(loaders_namespace, name):
            return function(*args, **kwargs)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        snapshot = _snapshot(args, kwargs, parameter_names, exempt)
        result = call(args, kwargs)
        if inspect.isgenerator(result):
            return checked_generator(result, snapshot)
        changed = _changed(snapshot)
        if changed is not None:
            raise _mutation_fail(name, changed)
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
