"""The grader's output folder: ``gradebook.sqlite``, and the files exported from it.

``gradebook.sqlite`` (SQLite through the standard library, in WAL mode) is the source of truth: one
transaction per graded submission, so killing the grader at any moment (``kill -9`` included) loses nothing
already recorded and never leaves a corrupt database, and a second run grades only what is new or changed
(:meth:`Gradebook.is_current`, one primary-key lookup). ``grades.csv``, ``results.json``,
``feedback/<learner>/<exercise>.html`` and ``summary.png`` are exports of it (:meth:`Gradebook.export`),
written at the end of a run and by ``course-grade export OUT``; each file is replaced atomically.

A folder graded before the database existed has only ``results.json``: its records are imported once, when
the database is created, so a rerun after upgrading regrades nothing that was graded.

Late work (schema version 2): each record keeps the facts of its submission (``record["submission"]``:
``submitted_at``, ``late_flag``, ``time_source``, from ``course-grade collect``'s manifest), and the database
keeps the late policy (:class:`~course_lib.grading.late.LatePolicy`, in ``meta``) and each record's penalty
beside its raw score. :meth:`Gradebook.records` and :meth:`Gradebook.get` give every record with three more
keys: ``penalty`` (points deducted, 0 when on time or without a policy), ``final_score`` (``score`` minus
``penalty``) and ``late`` (None without a policy, else ``submitted_at``, ``late_flag``, ``days_late``,
``percent`` and ``reason``). :meth:`Gradebook.set_late_policy` changes the policy and every penalty without
grading again. A version-1 database is migrated in place when it is opened. :meth:`Gradebook.learners` gives
each learner's platform name and ids, where the class came from ``course-grade collect``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sqlite3
import tempfile
import threading
from html import escape
from pathlib import Path

from .late import LatePolicy
from .record import STATUSES

__all__ = ["CSV_COLUMNS", "DATABASE", "Gradebook", "GradebookError", "SCHEMA_VERSION", "STATUSES", "feedback_page"]

CSV_COLUMNS = ("learner", "exercise", "score", "max_score", "status", "penalty", "final_score")
DATABASE = "gradebook.sqlite"
#: The version of the tables below; a database of a later version was written by a newer course.
SCHEMA_VERSION = 2
#: The format of the exported ``results.json`` (and of the gradebooks before the database).
RESULTS_VERSION = 1
_BATCH = 256  # records read per query by records(), so that writes may happen between two batches

_LEARNERS_TABLE = """
CREATE TABLE learners (
    learner TEXT PRIMARY KEY,  -- the folder name in SUBMISSIONS
    name TEXT,                 -- the name the platform gave
    platform TEXT,             -- canvas, moodle or folder
    ids TEXT NOT NULL          -- the platform's ids as JSON
)"""
_SCHEMA = ("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)", """
CREATE TABLE records (
    learner TEXT NOT NULL,
    exercise TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    checks_version TEXT NOT NULL,
    score NUMERIC NOT NULL,
    max_score NUMERIC NOT NULL,
    status TEXT NOT NULL,
    record TEXT NOT NULL,   -- the record as JSON, without its answers
    answers TEXT,           -- its "answers" as JSON (NaN allowed, as answers may hold it), NULL if it had none
    submitted_at TEXT,      -- when it was handed in (ISO 8601 with zone), NULL if unknown
    late_flag INTEGER,      -- the platform's late flag: 1, 0, or NULL if the platform gave none
    penalty NUMERIC NOT NULL DEFAULT 0,  -- points deducted under the policy in meta 'late_policy'
    late TEXT,              -- the late assessment as JSON, NULL without a policy
    PRIMARY KEY (learner, exercise)  -- also the index of is_current()
)""", _LEARNERS_TABLE)
#: Version 1 -> 2: the submission facts and penalty of each record, and the learners' platform names and ids.
_MIGRATE_1_TO_2 = ("ALTER TABLE records ADD COLUMN submitted_at TEXT", "ALTER TABLE records ADD COLUMN late_flag INTEGER",
                   "ALTER TABLE records ADD COLUMN penalty NUMERIC NOT NULL DEFAULT 0",
                   "ALTER TABLE records ADD COLUMN late TEXT", _LEARNERS_TABLE)
#: Keys that records() adds to a record; never stored in its JSON.
_DERIVED = ("answers", "penalty", "final_score", "late")


def feedback_page(record: dict) -> str:
    """A page the learner can read: the total, each task's verdict and hint, and notes on their cells."""
    colours = {"passed": "#1a7f37", "failed": "#cf222e", "error": "#cf222e", "not attempted": "#6e7781",
               "not defined": "#9a6700"}
    rows = "".join(
        f"<tr><td><code>{escape(task['task'])}</code></td>"
        f"<td style='color:{colours.get(task['status'], '#000')}'><b>{escape(task['status'])}</b></td>"
        f"<td>{task['points']}/{task['max_points']}</td><td>{escape(task['message'])}</td></tr>"
        for task in record.get("tasks", []))
    notes = "".join(f"<li>{escape(note)}</li>" for note in record.get("notes", []))
    late, penalty = record.get("late"), record.get("penalty") or 0
    late_line = "" if not penalty or not isinstance(late, dict) else (
        f"<p><b>Late penalty: &minus;{penalty} points</b> ({escape(str(late.get('reason', '')))}: "
        f"{escape(format(late.get('percent') or 0, 'g'))}% of the points possible). Final score: "
        f"<b>{record.get('final_score')}/"
        f"{record['max_score']}</b> points.</p>")
    status_line = "" if record["status"] == "ok" else (
        f"<p><b>Status: {escape(record['status'])}</b>. {escape(record.get('message', ''))}</p>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(record['exercise'])}: feedback</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}}</style>
</head><body>
<h1>{escape(record['exercise'])}</h1>
<p>Learner: <b>{escape(record['learner'])}</b>. Score: <b>{record['score']}/{record['max_score']}</b> points.</p>
{late_line}{status_line}
<table><tr><th>Task</th><th>Result</th><th>Points</th><th>What the check found</th></tr>{rows}</table>
{f"<h2>Notes on your notebook</h2><ul>{notes}</ul>" if notes else ""}
<p style="color:#6e7781">Your notebook was run from its code cells only, top to bottom, in a fresh kernel; every
task was checked with fresh random inputs, as the checks in your notebook do.</p>
</body></html>
"""
    return page


class GradebookError(Exception):
    """A gradebook that this course cannot use: not a database, not a gradebook, or of a newer version."""


@contextlib.contextmanager
def _atomic_file(path: Path, mode: str = "wb", *, sync: bool = True):
    """A file to write ``path`` through: written beside it, then renamed, so a reader sees the old file or the
    new one, never half of one. ``sync=False`` skips the fsync: right for exports the database can rebuild."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, mode, **({"encoding": "utf-8"} if "b" not in mode else {})) as out:
            yield out
            if sync:
                out.flush()
                os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_atomically(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically (:func:`_atomic_file`)."""
    with _atomic_file(path, sync=sync) as out:
        out.write(data)


def _spreadsheet_safe(text: str) -> str:
    """A leading ``= + - @`` makes spreadsheets run a cell as a formula; an apostrophe stops that."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class Gradebook:
    """The records of one output folder, keyed by ``(learner, exercise)``, in ``folder/gradebook.sqlite``.

    Only one process writes a gradebook (the instructor's); it may be used from several threads.
    ``with Gradebook(out) as book: ...`` closes it at the end.
    """

    def __init__(self, folder):
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():
            raise NotADirectoryError(f"the output {self.folder} exists and is not a folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / DATABASE
        self._lock = threading.RLock()
        self._policy = None  # read from meta by _open()
        existed = self.path.exists()
        try:
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise GradebookError(f"the gradebook {self.path} cannot be opened ({error}); expected a SQLite file "
                                 f"written by course-grade, or no file there") from None
        try:
            self._open()
        except BaseException as error:
            self._db.close()
            if not existed:  # a gradebook that could not be created leaves nothing behind
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            if isinstance(error, sqlite3.DatabaseError):
                raise GradebookError(f"{self.path} is not a gradebook database ({error}); move it away, or choose "
                                     f"another --output folder") from None
            raise

    def _open(self) -> None:
        db = self._db
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")  # a commit is on disk when add() returns, even if the power goes
        db.execute("BEGIN IMMEDIATE")
        try:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                self._import_results_json()
            elif "meta" not in tables or "records" not in tables:
                raise GradebookError(f"{self.path} is a SQLite database but not a gradebook (its tables: "
                                     f"{', '.join(sorted(tables))}); move it away, or choose another --output folder")
            else:
                row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
                version = int(row[0]) if row and str(row[0]).isdigit() else None
                if version is None:
                    raise GradebookError(f"{self.path} has no readable schema version; it was not written by "
                                         f"course-grade")
                if version > SCHEMA_VERSION:
                    raise GradebookError(f"the gradebook {self.path} was written by a newer version of the course "
                                         f"(gradebook schema {version}; this version reads up to {SCHEMA_VERSION}): "
                                         f"update course_lib (git pull, then pip install -e .) to use it")
                if version == 1:  # in place, in this transaction: all of it or nothing
                    for statement in _MIGRATE_1_TO_2:
                        db.execute(statement)
                    db.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION),))
            self._policy = self._read_policy()
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _read_policy(self) -> LatePolicy | None:
        row = self._db.execute("SELECT value FROM meta WHERE key='late_policy'").fetchone()
        if row is None:
            return None
        try:
            return LatePolicy.from_dict(json.loads(row[0]))
        except ValueError as error:
            raise GradebookError(f"the late policy stored in {self.path} cannot be read ({error}); set it again with "
                                 f"`course-grade late {self.folder} --due ... --late-penalty ...` or remove it "
                                 f"with --none") from None

    def _import_results_json(self) -> None:
        """The records of a ``results.json`` written before the database existed, in the creating transaction."""
        path = self.folder / "results.json"
        if not path.is_file():
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise GradebookError(f"the earlier gradebook {path} could not be read ({error}); move it away to "
                                 f"start a new gradebook in {self.folder}") from None
        if not isinstance(data, dict) or data.get("version") != RESULTS_VERSION \
                or not isinstance(data.get("submissions"), list):
            raise GradebookError(f"the earlier gradebook {path} is not a results.json of version {RESULTS_VERSION} "
                                 f"with a list of submissions; move it away to start a new gradebook")
        for record in data["submissions"]:
            if isinstance(record, dict) and isinstance(record.get("learner"), str) \
                    and isinstance(record.get("exercise"), str):
                self._insert(record)

    # ----------------------------------------------------------------------------------------------------
    # Reading and writing records

    @staticmethod
    def _facts(record: dict) -> dict:
        """The submission facts of ``record`` (``record["submission"]``), each of the expected type or None."""
        facts = record.get("submission")
        facts = facts if isinstance(facts, dict) else {}
        submitted_at = facts.get("submitted_at")
        late_flag = facts.get("late_flag")
        return {"submitted_at": submitted_at if isinstance(submitted_at, str) else None,
                "late_flag": late_flag if type(late_flag) is bool else None}

    def _assess(self, record: dict, score, max_score) -> tuple:
        """``(penalty, late JSON or None)`` of a record under the gradebook's policy."""
        if self._policy is None:
            return 0, None
        late = self._policy.assess(self._facts(record), score=score, max_score=max_score)
        penalty = late.pop("penalty")
        return penalty, json.dumps(late, ensure_ascii=False)

    def _insert(self, record: dict) -> None:
        fields = {key: value for key, value in record.items() if key not in _DERIVED}
        answers = record.get("answers")
        facts = self._facts(fields)
        score, max_score = record.get("score", 0), record.get("max_score", 0)
        penalty, late = self._assess(fields, score, max_score)
        self._db.execute(
            "INSERT OR REPLACE INTO records (learner, exercise, sha256, checks_version, score, max_score, status, "
            "record, answers, submitted_at, late_flag, penalty, late) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (record["learner"], record["exercise"], str(record.get("sha256", "")),
             str(record.get("checks_version", "")), score, max_score,
             str(record.get("status", "")), json.dumps(fields, ensure_ascii=False, allow_nan=False),
             None if "answers" not in record else json.dumps(answers, ensure_ascii=False, allow_nan=True),
             facts["submitted_at"], None if facts["late_flag"] is None else int(facts["late_flag"]), penalty, late))

    def add(self, record: dict) -> None:
        """Store one graded submission (JSON data), replacing any earlier record of its (learner, exercise).

        One transaction, on disk when this returns.
        """
        if not isinstance(record, dict) or not isinstance(record.get("learner"), str) \
                or not isinstance(record.get("exercise"), str):
            raise ValueError(f"a gradebook record must be a dict with a learner and an exercise, got {record!r:.200}")
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._insert(record)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def is_current(self, learner: str, exercise: str, sha256: str, checks_version: str) -> bool:
        """Whether this exact notebook was already graded with these exact checks."""
        with self._lock:
            row = self._db.execute("SELECT sha256, checks_version FROM records WHERE learner=? AND exercise=?",
                                   (learner, exercise)).fetchone()
        return row is not None and tuple(row) == (sha256, checks_version)

    def get(self, learner: str, exercise: str) -> dict | None:
        """The record of ``(learner, exercise)`` as :meth:`add` got it plus ``penalty``, ``final_score`` and
        ``late``, or None."""
        with self._lock:
            row = self._db.execute("SELECT record, answers, penalty, late FROM records WHERE learner=? AND exercise=?",
                                   (learner, exercise)).fetchone()
        return None if row is None else self._decode(*row)

    @staticmethod
    def _decode(text: str, answers: str | None, penalty=0, late: str | None = None) -> dict:
        record = json.loads(text)
        if answers is not None:
            record["answers"] = json.loads(answers)
        penalty = penalty or 0
        record["penalty"] = penalty
        final = round(float(record.get("score", 0) or 0) - float(penalty), 2)
        record["final_score"] = int(final) if final == int(final) else final
        record["late"] = None if late is None else json.loads(late)
        return record

    def records(self, *, answers: bool = True):
        """Every record, as :meth:`add` got it plus ``penalty``, ``final_score`` and ``late``, sorted by (learner,
        exercise); ``answers=False`` leaves the answers out.

        Read in batches, so the gradebook may be written to between two records.
        """
        column = "answers" if answers else "NULL"
        after = None
        while True:
            with self._lock:
                if after is None:
                    rows = self._db.execute(f"SELECT learner, exercise, record, {column}, penalty, late FROM records "
                                            f"ORDER BY learner, exercise LIMIT ?", (_BATCH,)).fetchall()
                else:
                    rows = self._db.execute(f"SELECT learner, exercise, record, {column}, penalty, late FROM records "
                                            f"WHERE (learner, exercise) > (?, ?) ORDER BY learner, exercise LIMIT ?",
                                            (*after, _BATCH)).fetchall()
            for learner, exercise, text, stored, penalty, late in rows:
                yield self._decode(text, stored, penalty, late)
            if len(rows) < _BATCH:
                return
            after = rows[-1][:2]

    # ----------------------------------------------------------------------------------------------------
    # Late work and learners

    @property
    def late_policy(self) -> LatePolicy | None:
        """The policy the penalties follow, or None (no penalties)."""
        return self._policy

    def set_late_policy(self, policy: LatePolicy | None) -> int:
        """Apply ``policy`` (None: remove it) to every record, in one transaction; the records now penalised."""
        if policy is not None and not isinstance(policy, LatePolicy):
            raise TypeError(f"a late policy must be a LatePolicy or None, got {type(policy).__name__}")
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if policy is None:
                    self._db.execute("DELETE FROM meta WHERE key='late_policy'")
                else:
                    self._db.execute("INSERT OR REPLACE INTO meta VALUES ('late_policy', ?)",
                                     (json.dumps(policy.to_dict()),))
                self._policy = policy
                changes = [(*self._assess(json.loads(text), score, max_score), learner, exercise)
                           for learner, exercise, score, max_score, text in self._db.execute(
                               "SELECT learner, exercise, score, max_score, record FROM records").fetchall()]
                self._db.executemany("UPDATE records SET penalty=?, late=? WHERE learner=? AND exercise=?", changes)
            except BaseException:
                self._db.execute("ROLLBACK")
                self._policy = self._read_policy()
                raise
            self._db.execute("COMMIT")
        return sum(1 for change in changes if change[0])

    def set_submission(self, learner: str, exercise: str, facts: dict | None) -> bool:
        """Replace the submission facts of a record (its penalty follows) without grading again; False if there
        is no such record or the facts are the same."""
        with self._lock:
            record = self.get(learner, exercise)
            if record is None or (record.get("submission") or None) == (facts or None):
                return False
            if facts:
                record["submission"] = dict(facts)
            else:
                record.pop("submission", None)
            self.add(record)
            return True

    def set_learners(self, learners: dict) -> None:
        """Store ``{learner: {"name": ..., "platform": ..., "ids": {...}}}`` (from a collect manifest)."""
        rows = []
        for learner, about in learners.items():
            about = about if isinstance(about, dict) else {}
            name, platform, ids = about.get("name"), about.get("platform"), about.get("ids")
            rows.append((str(learner), name if isinstance(name, str) else None,
                         platform if isinstance(platform, str) else None,
                         json.dumps(ids if isinstance(ids, dict) else {}, ensure_ascii=False)))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("INSERT OR REPLACE INTO learners VALUES (?, ?, ?, ?)", rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def learners(self) -> dict:
        """``{learner: {"name": str or None, "platform": str or None, "ids": {...}}}`` of the collected learners."""
        with self._lock:
            rows = self._db.execute("SELECT learner, name, platform, ids FROM learners ORDER BY learner").fetchall()
        return {learner: {"name": name, "platform": platform, "ids": json.loads(ids)}
                for learner, name, platform, ids in rows}

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM records").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # ----------------------------------------------------------------------------------------------------
    # Exports

    def export(self) -> None:
        """Write ``grades.csv``, ``results.json``, every feedback page and ``summary.png`` from the database."""
        with self._lock:
            self._db.execute("BEGIN")  # one snapshot for every file
            try:
                self._write_results_and_pages()
                self._write_grades_csv()
                self.write_summary()
            finally:
                self._db.execute("COMMIT")

    def _write_grades_csv(self) -> None:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for learner, exercise, score, max_score, status, penalty in self._db.execute(
                "SELECT learner, exercise, score, max_score, status, penalty FROM records ORDER BY learner, exercise"):
            final = round(float(score) - float(penalty or 0), 2)
            writer.writerow([_spreadsheet_safe(learner), exercise, score, max_score, status, penalty or 0,
                             int(final) if final == int(final) else final])
        _write_atomically(self.folder / "grades.csv", text.getvalue().encode("utf-8"))

    def _write_results_and_pages(self) -> None:
        """``results.json`` (every record without its answers, which stay in the database) and the pages."""
        with _atomic_file(self.folder / "results.json", "w") as out:
            out.write(f'{{"version": {RESULTS_VERSION}, "submissions": [')
            separator = "\n"
            for row in self._db.execute("SELECT record, NULL, penalty, late FROM records ORDER BY learner, exercise"):
                record = self._decode(*row)
                out.write(separator + json.dumps(record, ensure_ascii=False))
                separator = ",\n"
                self.write_feedback(record)
            out.write("\n]}\n")

    def feedback_path(self, learner: str, exercise: str) -> Path:
        return self.folder / "feedback" / learner / f"{exercise}.html"

    def write_feedback(self, record: dict) -> None:
        """Write the learner's page for ``record`` (:func:`feedback_page`)."""
        page = feedback_page(record)
        _write_atomically(self.feedback_path(record["learner"], record["exercise"]), page.encode("utf-8"), sync=False)

    def write_summary(self) -> Path | None:
        """``summary.png``: each exercise's score distribution, as a share of its maximum."""
        with self._lock:
            rows = self._db.execute("SELECT exercise, score, max_score FROM records ORDER BY exercise, learner"
                                    ).fetchall()
        if not rows:
            return None
        import matplotlib

        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure

        exercises = sorted({exercise for exercise, _, _ in rows})
        shares = {name: [] for name in exercises}
        for exercise, score, max_score in rows:
            shares[exercise].append(100 * score / max_score if max_score else 0.0)
        shares = [shares[name] for name in exercises]
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
