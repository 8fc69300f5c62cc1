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

__all__ = ["load", "path", "record", "reset", "summary"]


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
    from .checks import exercise_names, get_exercise

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
