"""Running a task: collect in the learner's process, judge in any process, and the :class:`Result`.

:func:`collect_answer` runs where the learner's code runs and returns plain data; :func:`judge_answer`
checks that data's structure, then judges it; :func:`run_task` does both in one process, through a JSON
round trip, exactly as the grader does across two. :func:`emit_answers` is the only code the grader runs
in a learner's kernel; :func:`parse_answer` reads what it published, trusting nothing.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import traceback
from dataclasses import asdict, dataclass
from html import escape
from typing import Any

import numpy as np

from .guards import guarded
from .plain import Fail, from_plain
from .registry import Task, get_exercise

__all__ = ["ANSWER_MIME", "MAX_ANSWER_CHARS", "Result", "collect_answer", "emit_answers", "judge_answer",
           "parse_answer", "run_task"]

#: The mimetype under which :func:`emit_answers` publishes answers from the learner's kernel.
ANSWER_MIME = "application/x-nn-course-answer"

PASSED, FAILED, NOT_ATTEMPTED, NOT_DEFINED, ERROR = "passed", "failed", "not attempted", "not defined", "error"
STATUSES = (PASSED, FAILED, NOT_ATTEMPTED, NOT_DEFINED, ERROR)
_ANSWER_STATUSES = ("answered", NOT_ATTEMPTED, NOT_DEFINED, ERROR, FAILED)  # what a kernel may report
_SYMBOLS = {PASSED: "✓", FAILED: "✗", NOT_ATTEMPTED: "…", NOT_DEFINED: "?", ERROR: "✗"}
_COLOURS = {PASSED: "#1a7f37", FAILED: "#cf222e", NOT_ATTEMPTED: "#6e7781", NOT_DEFINED: "#9a6700", ERROR: "#cf222e"}

# Answers bigger than this are refused: no check needs more, and the grader keeps its memory bounded.
MAX_ANSWER_CHARS = 2_000_000
# A message shown to the learner is cut here; a kernel's message is untrusted text and could be anything.
MAX_MESSAGE_CHARS = 2000


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
        inputs = task.inputs(_seed_rng(seed))
        watched = guarded(answer, task.name, task.mutates, loaders_namespace=namespace if task.data_given else None)
        data = task.collect(watched, inputs)
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
    """The :class:`Result` for plain ``answer`` (from :func:`collect_answer`), judged in this process.

    ``answer`` is untrusted: whatever ran in the learner's kernel may have written it. It is held against
    the task's declared structure (:mod:`course_lib.checks.answers`) before the judge sees it, so an empty,
    partial or malformed answer fails with a message naming what is missing, never earns points.
    """

    def result(status, message=""):
        points = task.points if status == PASSED else 0
        return Result(task.name, status, points, task.points, message, task.exercise)

    if type(answer) is not dict or answer.get("status") not in _ANSWER_STATUSES:
        return result(ERROR, "no readable answer came back from the notebook")
    if answer["status"] != "answered":
        message = answer.get("message")
        return result(answer["status"], message[:MAX_MESSAGE_CHARS] if type(message) is str else "")
    inputs = task.inputs(_seed_rng(seed))
    data = from_plain(answer.get("data"))
    try:
        task.answer_spec(inputs).check(data, f"what `{task.name}` returned")
        note = task.judge(data, inputs)
    except Fail as fail:
        return result(FAILED, str(fail)[:MAX_MESSAGE_CHARS])
    return result(PASSED, note[:MAX_MESSAGE_CHARS] if type(note) is str else "")


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
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        return None
    if type(message) is not dict or message.get("token") != token or type(message.get("task")) is not str:
        return None
    return message["task"], message.get("answer")
