"""The learner's progress record: which exercise tasks they have passed, kept by the in-notebook checks.

The record is a small JSON file, ``~/.nn_course/progress.json`` unless the environment variable
``NN_COURSE_PROGRESS`` names another file (or is ``off``). ``notebooks/00_start_here.ipynb`` shows it;
:func:`reset` forgets it.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["Report", "load", "path", "record", "report", "reset", "summary"]


def path() -> Path | None:
    """Where the record lives, or ``None`` when recording is switched off."""
    setting = os.environ.get("NN_COURSE_PROGRESS", "")
    if setting.lower() == "off":
        return None
    return Path(setting).expanduser() if setting else Path.home() / ".nn_course" / "progress.json"


def load() -> dict:
    """``{exercise: {task: {"status", "points", "max_points", "when"}}}``; empty if there is no record yet.

    A damaged file reads as empty rather than failing a learner's check.
    """
    file = path()
    if file is None or not file.is_file():
        return {}
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(data: dict) -> None:
    file = path()
    if file is None:
        return
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=file.parent, delete=False, suffix=".tmp", encoding="utf-8") as out:
            json.dump(data, out, indent=1, sort_keys=True)
        os.replace(out.name, file)
    except OSError:  # a read-only home must not break a check
        pass


def record(result) -> None:
    """Note a :class:`course_lib.checks.Result`. A pass is never overwritten by a later failure."""
    data = load()
    tasks = data.setdefault(result.exercise, {})
    previous = tasks.get(result.task, {})
    if previous.get("status") == "passed" and result.status != "passed":
        return
    tasks[result.task] = {"status": result.status, "points": result.points, "max_points": result.max_points,
                          "when": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    _write(data)


def reset(exercise: str | None = None) -> None:
    """Forget the whole record, or just one exercise's part of it."""
    if exercise is None:
        _write({})
        return
    data = load()
    data.pop(exercise, None)
    _write(data)


def summary() -> list[dict]:
    """One row per exercise with graded tasks: ``exercise, passed, tasks, points, max_points``."""
    from .registry import exercise_names, get_exercise

    data = load()
    rows = []
    for name in exercise_names():
        exercise = get_exercise(name)
        done = data.get(name, {})
        passed = [task for task in exercise.tasks if done.get(task, {}).get("status") == "passed"]
        rows.append({"exercise": name, "passed": len(passed), "tasks": len(exercise.tasks),
                     "points": sum(exercise.tasks[task].points for task in passed),
                     "max_points": exercise.max_points})
    return rows


class Report:
    """The progress table shown in ``notebooks/00_start_here.ipynb``: text for consoles, bars for notebooks."""

    def __init__(self, rows, where):
        self.rows, self.where = rows, where

    @property
    def points(self):
        return sum(row["points"] for row in self.rows), sum(row["max_points"] for row in self.rows)

    def __str__(self):
        got, total = self.points
        lines = [f"{'exercise':<32} {'tasks passed':>12} {'points':>8}"]
        lines += [f"{row['exercise']:<32} {row['passed']:>5} of {row['tasks']:<4} {row['points']:>3}/{row['max_points']:<3}"
                  for row in self.rows]
        lines.append(f"{'all exercises':<32} {'':>12} {got:>3}/{total:<3}")
        lines.append(f"(record: {self.where})")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        from html import escape

        got, total = self.points
        body = "".join(
            f"<tr><td><code>{escape(row['exercise'])}</code></td><td>{row['passed']} of {row['tasks']}</td>"
            f"<td>{row['points']}/{row['max_points']}</td><td style='width:12em'><div style='background:#eaeef2'>"
            f"<div style='background:#1a7f37;height:.8em;width:{100 * row['points'] / max(row['max_points'], 1):.0f}%'>"
            f"</div></div></td></tr>" for row in self.rows)
        return (f"<table><tr><th>Exercise</th><th>Tasks passed</th><th>Points</th><th></th></tr>{body}"
                f"<tr><td><b>All exercises</b></td><td></td><td><b>{got}/{total}</b></td><td></td></tr></table>"
                f"<p style='color:#6e7781'>Record: {escape(self.where)}</p>")


def report() -> Report:
    """What the learner has passed so far, exercise by exercise (see :func:`summary`)."""
    file = path()
    if file is None:
        where = "switched off (NN_COURSE_PROGRESS=off)"
    elif os.environ.get("NN_COURSE_PROGRESS"):
        where = "the file named by NN_COURSE_PROGRESS"
    else:
        where = "~/.nn_course/progress.json"
    return Report(summary(), where)
