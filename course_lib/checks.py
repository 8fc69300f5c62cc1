"""Exercise checks, written once for two places: the learner's notebook and the instructor's grader.

A graded task is a function the learner writes (``softmax``, ``build_model``, ``choose_threshold`` …),
some points, and three small functions that never trust the learner's objects:

``inputs(rng)``
    Makes the arguments the learner's function is called with, from a random generator, using NumPy
    only. Both sides call it with the same seed, so both see the same arguments.
``collect(answer, inputs)``
    Runs where the learner's code runs (their kernel). It calls the learner's function and turns what
    came back into *plain data*: numbers, strings, lists, dicts, and arrays spelled out as lists
    (:func:`to_plain`). Learner objects never leave this function.
``judge(data, inputs)``
    Runs anywhere, in the grader's own clean process too. It compares the plain data with a trusted
    reference and raises :class:`Fail` with a hint that teaches when they differ.

In a notebook, ``check = checker("02_numpy_forward_pass")`` then ``check("dense_forward")`` runs all three
with fresh random inputs and shows the verdict. The answer goes through a JSON round trip even then, so a
learner sees exactly the verdict the grader will give. The grader (:mod:`course_lib.grade`) runs
:func:`emit_answers` in the learner's kernel and :func:`judge_answer` in its own process.

The task definitions live in :mod:`course_lib.tasks`, one module per exercise notebook.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import pkgutil
import secrets
import sys
import traceback
from dataclasses import asdict, dataclass, field
from html import escape
from typing import Any, Callable

import numpy as np

__all__ = [
    "ANSWER_MIME", "Exercise", "Fail", "Result", "Task", "call_each_case", "call_with_inputs", "check_gradients", "checker", "collect_answer",
    "describe_model", "emit_answers", "exercise_names", "expect_array", "expect_close", "expect_number",
    "get_exercise", "judge_answer", "numeric_gradient", "parse_answer", "relative_error", "run_task", "to_plain",
]

#: The mimetype under which :func:`emit_answers` publishes answers from the learner's kernel.
ANSWER_MIME = "application/x-nn-course-answer"

PASSED, FAILED, NOT_ATTEMPTED, NOT_DEFINED, ERROR = "passed", "failed", "not attempted", "not defined", "error"
_SYMBOLS = {PASSED: "✓", FAILED: "✗", NOT_ATTEMPTED: "…", NOT_DEFINED: "?", ERROR: "✗"}
_COLOURS = {PASSED: "#1a7f37", FAILED: "#cf222e", NOT_ATTEMPTED: "#6e7781", NOT_DEFINED: "#9a6700", ERROR: "#cf222e"}

# Answers bigger than this are refused: no check needs more, and the grader keeps its memory bounded.
MAX_ANSWER_CHARS = 2_000_000


class Fail(Exception):
    """Raised by a judge: the answer is wrong. The message is shown to the learner, so make it teach."""


# --------------------------------------------------------------------------------------------------------
# Tasks and exercises


def _no_inputs(rng):
    return {}


def call_with_inputs(answer, inputs):
    """The default ``collect``: call the learner's function with ``inputs`` as keyword arguments."""
    return to_plain(answer(**inputs), "the value it returned")


def call_each_case(answer, inputs):
    """A ``collect`` for tasks checked on several inputs: ``inputs["cases"]`` is a list of keyword dicts."""
    return [to_plain(answer(**case), f"the value it returned for case {number}")
            for number, case in enumerate(inputs["cases"], start=1)]


@dataclass(frozen=True)
class Task:
    """One graded task: the learner's function ``name`` in exercise ``exercise``, worth ``points``."""

    exercise: str
    name: str
    points: int
    judge: Callable[[Any, dict], Any]
    inputs: Callable[[np.random.Generator], dict] = _no_inputs
    collect: Callable[[Callable, dict], Any] = call_with_inputs
    title: str = ""

    @property
    def id(self) -> str:
        """``"<exercise>/<name>"``, unique across the course."""
        return f"{self.exercise}/{self.name}"


class Exercise:
    """The ordered graded tasks of one exercise notebook, e.g. ``Exercise("02_numpy_forward_pass")``."""

    def __init__(self, name: str, title: str = ""):
        self.name = name
        self.title = title
        self.tasks: dict[str, Task] = {}

    def task(self, name, *, points, inputs=None, collect=None, title=""):
        """Decorator that registers a judge function as the task ``name``.

        >>> ex = Exercise("00_demo")
        >>> @ex.task("double", points=1, inputs=lambda rng: {"x": 2.0})
        ... def _(data, inputs):
        ...     if expect_number(data, "double(x)") != 2 * inputs["x"]:
        ...         raise Fail("double(2.0) should be 4.0")
        >>> ex.max_points, list(ex.tasks)
        (1, ['double'])
        """
        if name in self.tasks:
            raise ValueError(f"task {name!r} is defined twice in exercise {self.name!r}")
        if not isinstance(points, int) or points <= 0:
            raise ValueError(f"points must be a positive int, got {points!r}")

        def register(judge):
            self.tasks[name] = Task(self.name, name, points, judge, inputs or _no_inputs,
                                    collect or call_with_inputs, title)
            return judge

        return register

    @property
    def max_points(self) -> int:
        return sum(task.points for task in self.tasks.values())

    def __getitem__(self, name) -> Task:
        try:
            return self.tasks[name]
        except KeyError:
            raise KeyError(f"exercise {self.name!r} has no task {name!r}; its tasks are: "
                           f"{', '.join(self.tasks)}") from None

    def __repr__(self):
        return f"Exercise({self.name!r}, {len(self.tasks)} tasks, {self.max_points} points)"


def exercise_names() -> list[str]:
    """The names of all exercises with graded tasks, in course order (``["01_neurons", …]``)."""
    from . import tasks

    return sorted(module.name[2:] for module in pkgutil.iter_modules(tasks.__path__) if module.name.startswith("ex"))


def get_exercise(name: str) -> Exercise:
    """The :class:`Exercise` called ``name`` (an exercise notebook's file name without ``.ipynb``)."""
    name = str(name).removesuffix(".ipynb")
    known = exercise_names()
    if name not in known:
        raise ValueError(f"unknown exercise {name!r}; expected one of: {', '.join(known) or '(none)'}")
    module = importlib.import_module(f"{__package__}.tasks.ex{name}")
    return module.EXERCISE


# --------------------------------------------------------------------------------------------------------
# Plain data


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


def _from_plain(data):
    """Arrays back from :func:`to_plain`'s spelling; everything else unchanged."""
    if type(data) is dict:
        if set(data) == {"__ndarray__", "shape", "data"}:
            return data  # kept as the dict: expect_array() rebuilds and validates it
        return {key: _from_plain(item) for key, item in data.items()}
    if type(data) is list:
        return [_from_plain(item) for item in data]
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
    if type(data) is dict and set(data) == {"__ndarray__", "shape", "data"}:
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


# --------------------------------------------------------------------------------------------------------
# Keras models as plain data


def _layer_config(layer):
    config = layer.get_config()
    described = {"class": type(layer).__name__, "name": layer.name, "trainable": bool(layer.trainable)}
    try:
        described["params"] = int(layer.count_params())
    except ValueError:  # not built
        described["params"] = None
    try:
        described["output_shape"] = list(layer.output.shape)
    except (AttributeError, ValueError):
        described["output_shape"] = None
    for key in ("units", "filters", "kernel_size", "strides", "padding", "pool_size", "rate", "use_bias",
                "factor", "height_factor", "width_factor", "mode", "axis", "target_shape"):
        if key in config:
            described[key] = to_plain(config[key] if not isinstance(config[key], tuple) else list(config[key]))
    activation = config.get("activation")
    if activation is not None:
        described["activation"] = activation if isinstance(activation, str) else str(activation.get("config", activation))
    for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
        regularizer = getattr(layer, key, None)
        if regularizer is not None:
            reg_config = {k: float(v) for k, v in regularizer.get_config().items() if isinstance(v, (int, float))}
            described[key] = {"class": type(regularizer).__name__, **reg_config}
    if hasattr(layer, "layers"):  # a nested model used as a layer (a pretrained base)
        described["layers"] = [_layer_config(inner) for inner in layer.layers]
    return described


def _compiled_name(item):
    """``"sparse_categorical_crossentropy"`` for a loss or metric given by name, function or object."""
    if isinstance(item, str) or item is None:
        return item
    if isinstance(item, dict):
        config = item.get("config")
        if isinstance(config, str):  # a function, e.g. keras.losses.categorical_crossentropy
            return config
        if isinstance(config, dict) and isinstance(config.get("name"), str):
            return config["name"]
        return str(item.get("class_name"))
    return getattr(item, "name", getattr(item, "__name__", type(item).__name__))


def describe_model(model) -> dict:
    """A Keras model as plain data: layers, shapes, parameter counts, ``trainable`` flags, loss, metrics, optimizer.

    The loss and metrics are given by name however they were passed to ``compile`` (a string, a function or
    an object): ``"sparse_categorical_crossentropy"``, ``["accuracy"]``.

    Runs in the learner's kernel (``collect``); judges read the dict in any process without TensorFlow.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise Fail(f"expected a keras.Model, got a {type(model).__module__}.{type(model).__qualname__}"
                   + (": did you forget to `return model`?" if model is None else ""))
    described = {
        "class": type(model).__name__,
        "layers": [_layer_config(layer) for layer in model.layers],
        "built": bool(model.built),
        "compiled": bool(getattr(model, "compiled", False)),
    }
    try:
        described["input_shape"] = list(model.inputs[0].shape)
        described["output_shape"] = list(model.outputs[0].shape)
    except (AttributeError, IndexError, TypeError, ValueError):
        described["input_shape"] = described["output_shape"] = None
    if model.built:
        described["params"] = int(model.count_params())
        described["trainable_params"] = int(sum(np.prod(w.shape) for w in model.trainable_weights))
        described["non_trainable_params"] = int(sum(np.prod(w.shape) for w in model.non_trainable_weights))
    if described["compiled"]:
        config = model.get_compile_config() or {}
        described["loss"] = _compiled_name(config.get("loss"))
        described["metrics"] = [_compiled_name(metric) for metric in config.get("metrics") or []]
        optimizer = model.optimizer
        described["optimizer"] = {"class": type(optimizer).__name__,
                                  "learning_rate": float(np.asarray(optimizer.learning_rate))}
    return described


# --------------------------------------------------------------------------------------------------------
# Running a task: collect in the learner's process, judge anywhere


@dataclass
class Result:
    """The verdict on one task: ``status`` is one of passed, failed, not attempted, not defined, error."""

    task: str
    status: str
    points: int
    max_points: int
    message: str = ""
    exercise: str = ""

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def score(self) -> str:
        """``"2/2 points"``, ``"0/1 point"``."""
        return f"{self.points}/{self.max_points} point{'' if self.max_points == 1 else 's'}"

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self):
        head = f"{_SYMBOLS[self.status]} {self.task}: {self.status} ({self.score})"
        return head + (f"\n  {self.message}" if self.message else "")

    __repr__ = __str__

    def _repr_html_(self):
        colour = _COLOURS[self.status]
        message = f"<div style='margin-top:2px'>{escape(self.message)}</div>" if self.message else ""
        return (f"<div style='border-left:4px solid {colour};padding:4px 10px;font-family:sans-serif'>"
                f"<b style='color:{colour}'>{_SYMBOLS[self.status]} {escape(self.task)}: {self.status}</b> "
                f"({self.score}){message}</div>")


def _seed_rng(seed):
    return np.random.default_rng(int(seed))


def collect_answer(task: Task, namespace: dict, seed: int) -> dict:
    """Call the learner's function from ``namespace`` and return plain data about what happened.

    Returns ``{"status": "answered", "data": …}`` or a status of ``"not attempted"`` (the stub's
    ``NotImplementedError``), ``"not defined"`` or ``"error"`` with a ``"message"``.
    """
    answer = namespace.get(task.name)
    if answer is None:
        import difflib

        defined = [name for name, value in list(namespace.items())
                   if isinstance(name, str) and not name.startswith("_") and callable(value)]
        close = difflib.get_close_matches(task.name, defined, n=1, cutoff=0.6)
        guess = f" A function `{close[0]}` exists: did you rename `{task.name}`?" if close else ""
        return {"status": NOT_DEFINED, "message": (
            f"`{task.name}` is not defined.{guess} The checks look for exactly the name `{task.name}`; "
            f"run the cell that defines it.")}
    if not callable(answer):
        return {"status": ERROR, "message": f"`{task.name}` should be a function, but it is a "
                                            f"{type(answer).__name__}: did another cell overwrite it?"}
    try:
        data = task.collect(answer, task.inputs(_seed_rng(seed)))
    except NotImplementedError:
        return {"status": NOT_ATTEMPTED, "message": (
            f"Replace `raise NotImplementedError()` in `{task.name}` with your code, run that cell, then run "
            f"this check again.")}
    except Fail as fail:
        return {"status": FAILED, "message": str(fail)}
    except Exception as error:  # the learner's code raised: report it as a teacher would
        frames = traceback.extract_tb(error.__traceback__)
        here = os.path.dirname(os.path.abspath(__file__))
        where = next((f" (line {frame.lineno} of `{frame.name}`)" for frame in reversed(frames)
                      if not os.path.abspath(frame.filename).startswith(here)
                      and "site-packages" not in frame.filename and "/lib/python" not in frame.filename), "")
        return {"status": ERROR, "message": f"`{task.name}` raised {type(error).__name__}: {error}{where}"[:1000]}
    return {"status": "answered", "data": data}


def judge_answer(task: Task, answer, seed: int) -> Result:
    """The :class:`Result` for plain ``answer`` (from :func:`collect_answer`), judged in this process."""

    def result(status, message=""):
        points = task.points if status == PASSED else 0
        return Result(task.name, status, points, task.points, message, task.exercise)

    if type(answer) is not dict or answer.get("status") not in ("answered", NOT_ATTEMPTED, NOT_DEFINED, ERROR, FAILED):
        return result(ERROR, "no readable answer came back from the notebook")
    if answer["status"] != "answered":
        message = answer.get("message")
        return result(answer["status"], message if type(message) is str else "")
    try:
        note = task.judge(_from_plain(answer.get("data")), task.inputs(_seed_rng(seed)))
    except Fail as fail:
        return result(FAILED, str(fail))
    return result(PASSED, note if type(note) is str else "")


def _json_round_trip(answer) -> Any:
    text = json.dumps(answer, allow_nan=True)
    if len(text) > MAX_ANSWER_CHARS:
        return {"status": ERROR, "message": f"the answer is too large ({len(text):,} characters) to check"}
    return json.loads(text)


def run_task(task: Task, namespace: dict, seed: int | None = None) -> Result:
    """Collect and judge ``task`` in this process, as the grader would (answers go through JSON)."""
    seed = secrets.randbits(32) if seed is None else seed
    return judge_answer(task, _json_round_trip(collect_answer(task, namespace, seed)), seed)


def emit_answers(exercise: str, names, seed: int, token: str) -> None:
    """Grader side, run in the learner's kernel: publish each task's plain answer as display data."""
    from IPython.display import publish_display_data

    ex = get_exercise(exercise)
    namespace = sys.modules["__main__"].__dict__
    for name in names:
        answer = _json_round_trip(collect_answer(ex[name], namespace, seed))
        payload = json.dumps({"token": token, "task": name, "answer": answer}, allow_nan=True)
        publish_display_data({ANSWER_MIME: payload, "text/plain": f"[answer for {name}]"})


def parse_answer(payload, token: str):
    """Grader side: ``(task name, answer)`` from one :data:`ANSWER_MIME` payload, or ``None`` if not genuine."""
    if type(payload) is not str or len(payload) > MAX_ANSWER_CHARS:
        return None
    try:
        message = json.loads(payload)
    except ValueError:
        return None
    if type(message) is not dict or message.get("token") != token or type(message.get("task")) is not str:
        return None
    return message["task"], message.get("answer")


# --------------------------------------------------------------------------------------------------------
# The learner's side


@dataclass
class _Checker:
    exercise: Exercise
    record: bool = True
    results: dict = field(default_factory=dict)

    def __call__(self, name, *, seed=None) -> Result:
        task = self.exercise[name]
        if os.environ.get("NN_COURSE_GRADING") == "1":  # the grader collects answers its own way
            return None
        caller = sys._getframe(1)
        namespace = {**caller.f_globals, **caller.f_locals}  # a notebook's globals; a function's locals too
        result = run_task(task, namespace, seed)
        self.results[name] = result
        if self.record:
            from . import progress

            progress.record(result)
        return result

    def summary(self):
        """Points so far in this exercise, task by task."""
        lines = []
        for name, task in self.exercise.tasks.items():
            result = self.results.get(name)
            lines.append(f"{_SYMBOLS[result.status] if result else '·'} {name}: "
                         f"{result.points if result else 0}/{task.points}")
        total = sum(result.points for result in self.results.values())
        return "\n".join(lines + [f"Total: {total}/{self.exercise.max_points} points"])


def checker(exercise: str, *, record: bool = True) -> _Checker:
    """The ``check`` function of one exercise notebook: ``check("softmax")`` shows a :class:`Result`.

    Each call checks the learner's current definition with fresh random inputs, within a second or two,
    and (unless ``record=False``) notes the result in the learner's progress record
    (:mod:`course_lib.progress`).
    """
    return _Checker(get_exercise(exercise), record)
