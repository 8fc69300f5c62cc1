"""The corpus of answers the checks are tested against: wrong answers with the hint each must get, and
correct answers written differently from the solutions, which must pass.

``tests/files/wrong_answers/<exercise>.py`` registers functions with ``@wrong(task, hint)``: on every seed,
the check of ``task`` must fail with a message containing ``hint``. ``tests/files/right_answers/<exercise>.py``
registers functions with ``@right(task)``: on every seed, the check must pass. Both files are plain Python
run with ``wrong`` / ``right`` already defined; a function's name is the task's, as in a learner's notebook.
"""

from __future__ import annotations

import runpy
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

FILES = Path(__file__).parent / "files"
WRONG_ANSWERS, RIGHT_ANSWERS = FILES / "wrong_answers", FILES / "right_answers"
SEEDS = (1, 2, 3)


@dataclass(frozen=True)
class Answer:
    exercise: str
    task: str
    function: Callable
    hint: str | None  # None for a correct answer
    line: int

    @property
    def correct(self) -> bool:
        return self.hint is None

    @property
    def label(self) -> str:
        kind = "right" if self.correct else "wrong"
        return f"{self.exercise}/{self.task} ({kind}, line {self.line})"


def _first_line(function) -> int:
    """The line a function (or, for a class, its first method) starts on, to name it in a report."""
    codes = [function.__code__] if hasattr(function, "__code__") else [
        member.__code__ for member in vars(function).values() if hasattr(member, "__code__")]
    return min((code.co_firstlineno for code in codes), default=0)


def load(exercise: str) -> list[Answer]:
    """Every answer in the corpus for ``exercise``: its wrong answers first, then its correct ones."""
    answers = []

    def decorator(hint):
        def register(function):
            answers.append(Answer(exercise, register.task, function, hint, _first_line(function)))
            return function
        return register

    def wrong(task, hint):
        register = decorator(str(hint))
        register.task = task
        return register

    def right(task):
        register = decorator(None)
        register.task = task
        return register

    for path, names in ((WRONG_ANSWERS / f"{exercise}.py", {"wrong": wrong}),
                        (RIGHT_ANSWERS / f"{exercise}.py", {"right": right})):
        if path.is_file():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                runpy.run_path(str(path), init_globals=names)
    return answers


def _namespace(answer: Answer) -> dict:
    """The learner's namespace for ``answer``: its own file's globals, so helpers it calls are found."""
    function = answer.function if hasattr(answer.function, "__globals__") else next(
        (member for member in vars(answer.function).values() if hasattr(member, "__globals__")), None)
    namespace = dict(function.__globals__) if function is not None else {}
    namespace[answer.task] = answer.function
    return namespace


def collect(answer: Answer, seed: int):
    """What the grader would receive from a notebook holding ``answer`` (through the JSON round trip)."""
    from course_lib import checks
    from course_lib.checks import running

    task = checks.get_exercise(answer.exercise)[answer.task]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # overflow warnings are part of some wrong answers
        return running._json_round_trip(checks.collect_answer(task, _namespace(answer), seed))


def run(answer: Answer, seed: int):
    """The check's :class:`~course_lib.checks.Result` for ``answer`` on ``seed``, as a notebook would show it."""
    from course_lib import checks

    task = checks.get_exercise(answer.exercise)[answer.task]
    return checks.judge_answer(task, collect(answer, seed), seed)


def verdict(answer: Answer, results) -> tuple[bool, str]:
    """``(as expected, why not)`` for the results of ``answer`` on some seeds (``[(seed, Result), ...]``).

    A wrong answer must fail with its hint on every seed; a correct one must pass on every seed.
    """
    for seed, result in results:
        if answer.correct and not result.passed:
            return False, f"seed {seed}: a correct answer was rejected: {result.message}"
        if not answer.correct:
            if result.status not in ("failed", "error") or result.points:
                return False, f"seed {seed}: the wrong answer passed ({result.status})"
            if answer.hint not in result.message:
                return False, f"seed {seed}: expected the hint {answer.hint!r}, got: {result.message}"
    return True, ""


def caught(results) -> bool:
    """Whether a wrong answer failed on every seed, whatever the message (for before/after counts)."""
    return all(result.status in ("failed", "error") and not result.points for _, result in results)
