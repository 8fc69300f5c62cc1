"""The gradebook record of one graded submission, built in one place.

A record is plain data once it leaves this module (:meth:`GradeRecord.to_dict`, what the gradebook
stores). :meth:`GradeRecord.not_graded` makes the record of a submission that could not be run, with every
task marked and the reason repeated where the learner will look for it.

A graded record also keeps what the kernel answered for each task (``answers``, plain data) and a digest of
the inputs each answer was computed from (``inputs_sha256``, see :func:`inputs_digest`): with the ``seed``,
that is all :mod:`course_lib.grading.rejudge` needs to judge the answers again with changed checks, and to
know when a change to a task's inputs means the notebook must run again instead.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

import numpy as np

from .. import checks

__all__ = ["GradeRecord", "STATUSES", "inputs_digest"]

#: A record's ``status``: how far grading got, whatever the learner's score.
STATUSES = ("ok", "timeout", "kernel_died", "unreadable", "error")
#: The most characters of JSON a record keeps of its answers, all tasks together (one answer's own limit).
MAX_ANSWERS_CHARS = checks.MAX_ANSWER_CHARS


def _feed(digest, value) -> None:
    """Hash ``value`` (a task's inputs: arrays, numbers, strings, lists, dicts) by content, type included."""
    if isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        digest.update(f"array {array.dtype.str} {array.shape}".encode())
        digest.update(array.tobytes() if array.dtype.kind != "O" else repr(array.tolist()).encode())
    elif isinstance(value, dict):
        digest.update(f"dict {len(value)}".encode())
        for key in sorted(value, key=repr):
            digest.update(repr(key).encode())
            _feed(digest, value[key])
    elif isinstance(value, (list, tuple)):
        digest.update(f"{type(value).__name__} {len(value)}".encode())
        for item in value:
            _feed(digest, item)
    else:  # numbers, strings, None; anything else by its repr (a repr that changes only costs a re-run)
        digest.update(f"{type(value).__name__} {value!r}".encode())
    digest.update(b";")


def inputs_digest(task, seed: int) -> str:
    """A fingerprint of the inputs ``task`` makes from ``seed``: if it changes, stored answers are out of date."""
    digest = hashlib.sha256()
    _feed(digest, task.inputs(np.random.default_rng(int(seed))))
    return digest.hexdigest()[:16]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class GradeRecord:
    """One submission's result: the score, each task's verdict, notes on the notebook, and how it was graded."""

    learner: str
    exercise: str
    file: str
    max_score: int
    sha256: str = ""
    checks_version: str = ""
    status: str = "ok"
    score: int = 0
    message: str = ""
    tasks: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seed: int | None = None
    sandboxed: bool = True
    seconds: float = 0.0
    execution_seconds: float = 0.0
    graded_at: str = field(default_factory=_now)
    answers: dict = field(default_factory=dict)  # task -> the plain answer its kernel gave (judged again by rejudge)
    inputs_sha256: dict = field(default_factory=dict)  # task -> inputs_digest() of the inputs of that answer

    @classmethod
    def start(cls, submission, **fields) -> "GradeRecord":
        """An empty record for ``submission`` (a :class:`~course_lib.grading.submissions.Submission`)."""
        exercise = checks.get_exercise(submission.exercise)
        return cls(submission.learner, submission.exercise, f"{submission.learner}/{submission.path.name}",
                   exercise.max_points, **fields)

    @classmethod
    def not_graded(cls, submission, status: str, message: str, **fields) -> "GradeRecord":
        """The record of a submission that was not run: status, reason, and every task at 0 with that reason."""
        record = cls.start(submission, **fields)
        record.mark_not_graded(status, message)
        return record

    def mark_not_graded(self, status: str, message: str) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown record status {status!r}; expected one of {', '.join(STATUSES)}")
        exercise = checks.get_exercise(self.exercise)
        self.status, self.message, self.score = status, message, 0
        self.answers, self.inputs_sha256 = {}, {}
        self.tasks = [checks.Result(name, "error", 0, task.points, f"not graded: {message}", exercise.name).to_dict()
                      for name, task in exercise.tasks.items()]

    def set_results(self, results) -> None:
        """Store the :class:`~course_lib.checks.Result` of every task, and the score they add up to."""
        self.tasks = [result.to_dict() for result in results]
        self.score = sum(result.points for result in results)

    def set_answers(self, answers: dict, seed: int) -> None:
        """Keep each task's plain answer, and its inputs' digest, within :data:`MAX_ANSWERS_CHARS` in all.

        An answer that would pass the limit is left out (its task cannot be judged again without a re-run).
        """
        exercise, kept, used = checks.get_exercise(self.exercise), {}, 0
        for name, answer in answers.items():
            size = len(json.dumps(answer, allow_nan=True))
            if name in exercise.tasks and used + size <= MAX_ANSWERS_CHARS:
                kept[name], used = answer, used + size
        self.answers = kept
        self.inputs_sha256 = {name: inputs_digest(exercise.tasks[name], seed) for name in kept}

    def to_dict(self) -> dict:
        return asdict(self)
