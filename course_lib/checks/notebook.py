"""The learner's side: ``check = checker("02_numpy_forward_pass")`` in an exercise notebook."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from .registry import Exercise, get_exercise
from .running import _SYMBOLS, Result, run_task

__all__ = ["checker"]


def _in_solution_notebook() -> bool:
    """Whether this kernel runs a notebook from ``solutions/`` (Jupyter names it in ``JPY_SESSION_NAME``).

    Running the worked solutions to compare must not mark the learner's exercises as done: only their own
    work in ``exercises/`` goes into the progress record.
    """
    from pathlib import PurePath

    session = os.environ.get("JPY_SESSION_NAME", "")
    return bool(session) and PurePath(session).parent.name == "solutions"


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
        if self.record and not _in_solution_notebook():
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
    and (unless ``record=False``, or the notebook is one of the worked ``solutions/``) notes the result in
    the learner's progress record (:mod:`course_lib.checks.progress`).
    """
    return _Checker(get_exercise(exercise), record)
