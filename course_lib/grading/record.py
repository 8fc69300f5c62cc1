"""The gradebook record of one graded submission, built in one place.

A record is plain data once it leaves this module (:meth:`GradeRecord.to_dict`, what ``results.json``
holds). :meth:`GradeRecord.not_graded` makes the record of a submission that could not be run, with every
task marked and the reason repeated where the learner will look for it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from .. import checks

__all__ = ["GradeRecord", "STATUSES"]

#: A record's ``status``: how far grading got, whatever the learner's score.
STATUSES = ("ok", "timeout", "kernel_died", "unreadable", "error")


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
        self.tasks = [checks.Result(name, "error", 0, task.points, f"not graded: {message}", exercise.name).to_dict()
                      for name, task in exercise.tasks.items()]

    def set_results(self, results) -> None:
        """Store the :class:`~course_lib.checks.Result` of every task, and the score they add up to."""
        self.tasks = [result.to_dict() for result in results]
        self.score = sum(result.points for result in results)

    def to_dict(self) -> dict:
        return asdict(self)
