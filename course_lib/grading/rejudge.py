"""``course-grade rejudge OUT``: judge every stored answer again with the current checks, without a kernel.

After an instructor fixes a check mid-term, the notebooks need not run again: each record keeps the plain
answer its kernel gave for every task and the seed of the inputs (:mod:`course_lib.grading.record`), so the
judges can look at those answers again in this process. Every record is rewritten with its new verdicts,
score and ``checks_version`` (a later ``course-grade`` run then does not regrade it), the exports are written
again, and the records whose score changed are reported with the tasks that changed and their new messages.

Left as they are, and counted: records without stored answers (not graded, unreadable, or from a gradebook
older than the answers), and records whose tasks now make different inputs from the same seed, or gained a
task: their stored answers were computed from something else, so only running the notebook again (the next
``course-grade`` run does, as their checks changed) gives a fair verdict.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from .. import checks
from .fingerprint import checks_version
from .gradebook import DATABASE, Gradebook, GradebookError
from .pipeline import judge_task
from .record import inputs_digest

__all__ = ["main", "rejudge"]


def _why_not(record: dict, exercise) -> str:
    """Why ``record``'s answers cannot be judged again (empty when they can)."""
    answers, seed = record.get("answers"), record.get("seed")
    if not answers:
        return "no answers stored"
    if type(seed) is not int:
        return "no seed stored"
    missing = [name for name in exercise.tasks if name not in answers and name not in
               {task.get("task") for task in record.get("tasks", [])}]
    if missing:
        return f"tasks added since grading: {', '.join(missing)}"
    digests = record.get("inputs_sha256") or {}
    changed = [name for name in answers if name in exercise.tasks
               and digests.get(name) != inputs_digest(exercise.tasks[name], seed)]
    if changed:
        return f"inputs changed since grading: {', '.join(changed)}"
    return ""


def _judged_again(record: dict, exercise) -> dict:
    """``record`` with every stored answer judged by the current checks; tasks without an answer kept."""
    old = {task.get("task"): task for task in record.get("tasks", [])}
    tasks = [judge_task(task, record["answers"][name], record["seed"]).to_dict() if name in record["answers"]
             else old[name] for name, task in exercise.tasks.items()]
    return dict(record, tasks=tasks, score=sum(task["points"] for task in tasks), max_score=exercise.max_points,
                checks_version=checks_version(exercise.name))


def _change(before: dict, after: dict) -> dict:
    old = {task.get("task"): task for task in before.get("tasks", [])}
    tasks = []
    for task in after["tasks"]:
        was = old.get(task["task"], {})
        if (was.get("status"), was.get("points")) != (task["status"], task["points"]):
            tasks.append({"task": task["task"], "old_status": was.get("status"), "new_status": task["status"],
                          "old_points": was.get("points"), "new_points": task["points"], "message": task["message"]})
    return {"learner": after["learner"], "exercise": after["exercise"], "old_score": before.get("score"),
            "new_score": after["score"], "max_score": after["max_score"], "tasks": tasks}


def rejudge(output, progress=None) -> list[dict]:
    """Judge every stored answer in the gradebook ``output`` again; one dict per record whose score changed.

    Each dict has ``learner``, ``exercise``, ``old_score``, ``new_score``, ``max_score`` and ``tasks``: per
    task whose verdict changed, ``old_status``, ``new_status``, ``old_points``, ``new_points`` and the new
    ``message``. ``progress(line)`` hears how far it got and, at the end, what was left as it was and why.
    """
    folder = Path(output)
    if not (folder / DATABASE).is_file() and not (folder / "results.json").is_file():
        raise GradebookError(f"no gradebook in {folder}: expected {folder / DATABASE} (or an older results.json), "
                             f"written by course-grade SUBMISSIONS --output {folder}")
    progress = progress or (lambda line: None)
    changes, rewritten, left = [], 0, {}
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with Gradebook(folder) as book:
        total = len(book)
        for number, record in enumerate(book.records(), start=1):
            try:
                exercise = checks.get_exercise(record["exercise"])
            except (KeyError, ValueError):
                exercise, why = None, "an exercise the course no longer has"
            else:
                why = _why_not(record, exercise)
            if why:
                reason = why.split(":")[0]
                left[reason] = left.get(reason, 0) + 1
            else:
                after = _judged_again(record, exercise)
                keys = ("tasks", "score", "max_score", "checks_version")
                if any(after[key] != record.get(key) for key in keys):
                    book.add(dict(after, rejudged_at=now))
                    rewritten += 1
                    if after["score"] != record.get("score"):
                        changes.append(_change(record, after))
            if number % 1000 == 0 or number == total:
                progress(f"[{number}/{total}] records judged again")
        book.export()
    progress(f"rejudged {total} record(s): {len(changes)} score(s) changed, {rewritten} record(s) rewritten, "
             f"{sum(left.values())} left as they were"
             + "".join(f"\n  {count}: {reason}" for reason, count in sorted(left.items())))
    return changes


def describe(change: dict) -> str:
    """One change in words: ``alice/01_neurons: 9 -> 11 of 11`` and a line per task that changed."""
    lines = [f"{change['learner']}/{change['exercise']}: {change['old_score']} -> {change['new_score']} "
             f"of {change['max_score']}"]
    lines += [f"  {task['task']}: {task['old_status']} -> {task['new_status']}"
              + (f": {task['message']}" if task["message"] else "") for task in change["tasks"]]
    return "\n".join(lines)


def main(argv=None) -> int:
    """``course-grade rejudge OUT``; ``argv`` is what follows ``rejudge``."""
    parser = argparse.ArgumentParser(prog="course-grade rejudge", description=__doc__.split("\n\n")[0],
                                     epilog="Exit status: 0 when every record was judged again or left as it was; "
                                            "2 for a problem with the gradebook.")
    parser.add_argument("output", type=Path, help="the gradebook folder (--output of course-grade)")
    parser.add_argument("--quiet", action="store_true", help="print the changed scores only")
    args = parser.parse_args(argv)
    try:
        changes = rejudge(args.output, progress=None if args.quiet else lambda line: print(line, flush=True))
    except (GradebookError, NotADirectoryError) as error:
        print(f"course-grade rejudge: error: {error}", file=sys.stderr)
        return 2
    for change in changes:
        print(describe(change))
    return 0


if __name__ == "__main__":
    sys.exit(main())
