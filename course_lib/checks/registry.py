"""The task registry: which exercises have graded tasks, and what each task is made of.

A :class:`Task` is the learner's function ``name``, some points, and four small functions and values that
never trust the learner's objects (see :mod:`course_lib.checks`): ``inputs(rng)``, ``collect(answer,
inputs)``, ``answer`` (the structure of the plain answer) and ``judge(data, inputs)``. Exercises register
their tasks with ``@EXERCISE.task(...)`` in :mod:`course_lib.checks.tasks`.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .answers import ANY, Cases, Number, Spec
from .plain import Fail, expect_number, to_plain

__all__ = ["Exercise", "Task", "call_each_case", "call_each_case_until_error", "call_with_inputs", "exercise_names",
           "get_exercise"]


def _no_inputs(rng):
    return {}


def call_with_inputs(answer, inputs):
    """The default ``collect``: call the learner's function with ``inputs`` as keyword arguments."""
    return to_plain(answer(**inputs), "the value it returned")


def call_each_case(answer, inputs):
    """A ``collect`` for tasks checked on several inputs: ``inputs["cases"]`` is a list of keyword dicts."""
    return [to_plain(answer(**case), f"the value it returned for case {number}")
            for number, case in enumerate(inputs["cases"], start=1)]


def call_each_case_until_error(answer, inputs, describe=None):
    """Like :func:`call_each_case`, but an exception in one case is recorded there, after the earlier answers.

    Answers are ``{"returned": value}``, and the case that raised gives ``{"raised": "TypeError: ..."}`` and ends
    the list (the structure :class:`~course_lib.checks.answers.CasesUntilError` checks). The judge can then
    give the hint for a case that came back wrong before the one that raised, or name why that input broke
    the function (a 2-D array, a plain number, a kernel that is not square). ``Fail`` (from the guards) and
    ``NotImplementedError`` (the stub) are passed on as they are. ``describe(value)`` turns each returned value
    into plain data (a Keras model into :func:`describe_model`'s record, say); without it, :func:`to_plain`.
    """
    collected = []
    for number, case in enumerate(inputs["cases"], start=1):
        try:
            value = answer(**case)
        except (NotImplementedError, Fail):
            raise
        except Exception as error:  # noqa: BLE001 - reported to the learner by the judge
            collected.append({"raised": f"{type(error).__name__}: {error}"[:500]})
            break
        plain = describe(value) if describe else to_plain(value, f"the value it returned for case {number}")
        collected.append({"returned": plain})
    return collected


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
    answer: Any = None  # a Spec, or inputs -> Spec: the structure the answer must have (see .answers)
    data_given: bool = False  # the function may use only the data passed in: dataset loaders are off (.guards)
    mutates: tuple = ()  # the arguments the function is MEANT to change in place (e.g. sgd_step's params)

    def answer_spec(self, inputs: dict) -> Spec:
        """The structure this task's answer must have for ``inputs`` (one answer per case, …)."""
        if self.answer is None:
            return Cases(inputs) if self.collect is call_each_case else ANY
        spec = self.answer if isinstance(self.answer, Spec) else self.answer(inputs)
        if not isinstance(spec, Spec):
            raise TypeError(f"task {self.id!r}: answer= must give a Spec, got {type(spec).__name__}")
        return spec

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

    def task(self, name, *, points, inputs=None, collect=None, answer=None, title="", data_given=False, mutates=()):
        """Decorator that registers a judge function as the task ``name``.

        ``answer`` is the structure the plain answer must have before the judge sees it: a
        :class:`~course_lib.checks.answers.Spec`, or a function of the inputs that makes one. With
        ``data_given=True`` the learner's function may use only the data it is passed: while it runs, the
        dataset loaders raise :class:`Fail` (:mod:`course_lib.checks.guards`). Every other array argument
        must come back unchanged; ``mutates`` names the arguments the function is meant to update in place.

        >>> ex = Exercise("00_demo")
        >>> @ex.task("double", points=1, inputs=lambda rng: {"x": 2.0}, answer=Number())
        ... def double(data, inputs):
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
                                    collect or call_with_inputs, title, answer, data_given,
                                    tuple(mutates))
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
