"""The grader's output folder: ``grades.csv``, ``results.json``, ``feedback/<learner>/<exercise>.html``, ``summary.png``.

Only the grading process writes here, one submission at a time, and every file is replaced atomically
(written beside it, then renamed), so killing the grader at any moment leaves a valid gradebook that holds
everything graded so far. ``results.json`` also remembers each notebook's checksum, so a second run
grades only what is new or changed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from html import escape
from pathlib import Path

from .record import STATUSES

__all__ = ["Gradebook", "CSV_COLUMNS", "STATUSES"]

CSV_COLUMNS = ("learner", "exercise", "score", "max_score", "status")
RESULTS_VERSION = 1


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _spreadsheet_safe(text: str) -> str:
    """A leading ``= + - @`` makes spreadsheets run a cell as a formula; an apostrophe stops that."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class Gradebook:
    """The records of one output folder, keyed by ``(learner, exercise)``."""

    def __init__(self, folder):
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():
            raise NotADirectoryError(f"the output {self.folder} exists and is not a folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.records: dict[tuple[str, str], dict] = {}
        self._load()

    def _load(self) -> None:
        path = self.folder / "results.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("version") != RESULTS_VERSION:
            return
        for record in data.get("submissions", []):
            if isinstance(record, dict) and isinstance(record.get("learner"), str) and isinstance(record.get("exercise"), str):
                self.records[(record["learner"], record["exercise"])] = record

    def is_current(self, learner: str, exercise: str, sha256: str, checks_version: str) -> bool:
        """Whether this exact notebook was already graded with these exact checks."""
        record = self.records.get((learner, exercise))
        return bool(record) and record.get("sha256") == sha256 and record.get("checks_version") == checks_version

    def add(self, record: dict) -> None:
        """Store one graded submission and rewrite the gradebook files that depend on it."""
        self.records[(record["learner"], record["exercise"])] = record
        self.write_feedback(record)
        self.save()

    def drop(self, keys) -> None:
        for key in keys:
            self.records.pop(key, None)
        self.save()

    def sorted_records(self) -> list[dict]:
        return [self.records[key] for key in sorted(self.records)]

    def save(self) -> None:
        records = self.sorted_records()
        results = {"version": RESULTS_VERSION, "submissions": records}
        _write_atomically(self.folder / "results.json",
                          json.dumps(results, indent=1, ensure_ascii=False, allow_nan=False).encode("utf-8"))
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for record in records:
            writer.writerow([_spreadsheet_safe(record["learner"]), record["exercise"], record["score"],
                             record["max_score"], record["status"]])
        _write_atomically(self.folder / "grades.csv", text.getvalue().encode("utf-8"))

    # ----------------------------------------------------------------------------------------------------

    def feedback_path(self, learner: str, exercise: str) -> Path:
        return self.folder / "feedback" / learner / f"{exercise}.html"

    def write_feedback(self, record: dict) -> None:
        """A page the learner can read: the total, each task's verdict and hint, and notes on their cells."""
        colours = {"passed": "#1a7f37", "failed": "#cf222e", "error": "#cf222e", "not attempted": "#6e7781",
                   "not defined": "#9a6700"}
        rows = "".join(
            f"<tr><td><code>{escape(task['task'])}</code></td>"
            f"<td style='color:{colours.get(task['status'], '#000')}'><b>{escape(task['status'])}</b></td>"
            f"<td>{task['points']}/{task['max_points']}</td><td>{escape(task['message'])}</td></tr>"
            for task in record.get("tasks", []))
        notes = "".join(f"<li>{escape(note)}</li>" for note in record.get("notes", []))
        status_line = "" if record["status"] == "ok" else (
            f"<p><b>Status: {escape(record['status'])}</b>. {escape(record.get('message', ''))}</p>")
        page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(record['exercise'])}: feedback</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}}</style>
</head><body>
<h1>{escape(record['exercise'])}</h1>
<p>Learner: <b>{escape(record['learner'])}</b>. Score: <b>{record['score']}/{record['max_score']}</b> points.</p>
{status_line}
<table><tr><th>Task</th><th>Result</th><th>Points</th><th>What the check found</th></tr>{rows}</table>
{f"<h2>Notes on your notebook</h2><ul>{notes}</ul>" if notes else ""}
<p style="color:#6e7781">Your notebook was run from its code cells only, top to bottom, in a fresh kernel; every
task was checked with fresh random inputs, as the checks in your notebook do.</p>
</body></html>
"""
        _write_atomically(self.feedback_path(record["learner"], record["exercise"]), page.encode("utf-8"))

    def write_summary(self) -> Path | None:
        """``summary.png``: each exercise's score distribution, as a share of its maximum."""
        records = self.sorted_records()
        if not records:
            return None
        import matplotlib

        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure

        exercises = sorted({record["exercise"] for record in records})
        shares = [[100 * record["score"] / record["max_score"] if record["max_score"] else 0.0
                   for record in records if record["exercise"] == name] for name in exercises]
        fig = Figure(figsize=(max(6, 1.1 * len(exercises) + 2), 4.2))
        ax = fig.subplots()
        ax.boxplot(shares, showfliers=False, widths=0.5)
        for position, values in enumerate(shares, start=1):
            jitter = [position + 0.12 * ((i * 7919) % 11 - 5) / 5 for i in range(len(values))]
            ax.scatter(jitter, values, s=14, alpha=0.7, color="#0969da", zorder=3)
        ax.set_xticks(range(1, len(exercises) + 1), [f"{name}\n(n={len(values)})" for name, values in zip(exercises, shares)],
                      fontsize=8)
        ax.set_ylim(-5, 105)
        ax.set_ylabel("score (% of the maximum)")
        ax.set_title("Scores per exercise")
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        path = self.folder / "summary.png"
        _write_atomically(path, buffer.getvalue())
        return path
