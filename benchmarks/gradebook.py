"""The gradebook's cost per recorded submission at 1k, 10k and 100k records, before and after SQLite.

Synthetic records of the size the grader writes: 6 tasks with a few hundred characters of message each, notes,
and the plain answers a graded record keeps (about 1,000 characters of JSON per task; a solved
``01_neurons`` notebook's are 2,600 in all). For each size the gradebook is first filled to that size in one
transaction, then ``add()`` is timed record by record (each its own transaction, on disk when it returns),
so the figure is the cost of one more record in a gradebook of that size. ``export()`` is timed at 10k and
100k. The JSON gradebook of before (copied below from ``git show 9241201:course_lib/grading/gradebook.py``)
rewrote ``results.json`` and ``grades.csv`` after every record, a cost that grows with the gradebook; it is
measured at 500, 1,000 and 2,000 records only, with the same records less their answers (it had none).
"""

import csv
import io
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from course_lib.grading.gradebook import Gradebook, _spreadsheet_safe, feedback_page

TASKS = ("weighted_sum", "sigmoid", "relu", "and_gate", "xor_network", "softmax")


def synthetic_record(number: int) -> dict:
    """A record the size of a graded one: 6 tasks, a few hundred characters of message each, answers."""
    learner, exercise = f"learner{number // 13:06d}", f"{number % 13 + 1:02d}_exercise"
    message = (f"relu(z) for z of shape (7, 2) is wrong at {number % 7} of 14 places: it returned z where z < 0 "
               f"(e.g. -1.25 -> -1.25); ReLU keeps the positive numbers and puts 0 instead of each negative one: "
               f"np.maximum(z, 0). The other activations passed on the same inputs, and so did the shapes. ") * 2
    tasks = [{"task": name, "status": "failed" if (number + index) % 3 == 0 else "passed",
              "points": 0 if (number + index) % 3 == 0 else 2, "max_points": 2, "message": message[:300],
              "exercise": exercise} for index, name in enumerate(TASKS)]
    answers = {name: {"status": "answered", "data": {"__ndarray__": "float64", "shape": [60],
                                                     "data": [round((number * 7 + i) % 1000 / 7, 12) for i in range(60)]}}
               for name in TASKS}
    return {"learner": learner, "exercise": exercise, "file": f"{learner}/{exercise}.ipynb", "max_score": 12,
            "sha256": f"{number:064x}", "checks_version": "0123456789abcdef", "status": "ok",
            "score": sum(task["points"] for task in tasks), "message": "", "tasks": tasks,
            "notes": ["Code cell 7 raised ZeroDivisionError: division by zero"], "seed": 1234567 + number,
            "sandboxed": True, "seconds": 6.1, "execution_seconds": 4.2, "graded_at": "2026-12-07T09:00:00+00:00",
            "answers": answers, "inputs_sha256": {name: "0123456789abcdef" for name in TASKS}}


# --------------------------------------------------------------------------------------------------------
# Before: the JSON gradebook, as it was (only what add() did)


def _old_write_atomically(path: Path, data: bytes) -> None:
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


class OldJsonGradebook:
    """The gradebook before SQLite: every add() rewrote results.json and grades.csv in full."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.records: dict[tuple[str, str], dict] = {}

    def add(self, record: dict) -> None:
        self.records[(record["learner"], record["exercise"])] = record
        self.write_feedback(record)
        self.save()

    def save(self) -> None:
        records = [self.records[key] for key in sorted(self.records)]
        results = {"version": 1, "submissions": records}
        _old_write_atomically(self.folder / "results.json",
                              json.dumps(results, indent=1, ensure_ascii=False, allow_nan=False).encode("utf-8"))
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(("learner", "exercise", "score", "max_score", "status"))
        for record in records:
            writer.writerow([_spreadsheet_safe(record["learner"]), record["exercise"], record["score"], record["max_score"],
                             record["status"]])
        _old_write_atomically(self.folder / "grades.csv", text.getvalue().encode("utf-8"))

    def write_feedback(self, record: dict) -> None:
        page = feedback_page(record)  # the same page as today's gradebook writes
        _old_write_atomically(self.folder / "feedback" / record["learner"] / f"{record['exercise']}.html",
                              page.encode("utf-8"))


# --------------------------------------------------------------------------------------------------------


def _fill(book: Gradebook, count: int) -> None:
    """Put ``count`` records in ``book`` in one transaction: the state a long run leaves, without its hours."""
    with book._lock:
        book._db.execute("BEGIN")
        for number in range(count):
            book._insert(synthetic_record(number))
        book._db.execute("COMMIT")


def _without_answers(record: dict) -> dict:
    """What the grader gave the JSON gradebook: records had no answers then."""
    return {key: value for key, value in record.items() if key not in ("answers", "inputs_sha256")}


def _time_adds(book, first: int, count: int, make=synthetic_record) -> list[float]:
    seconds = []
    for number in range(first, first + count):
        record = make(number)
        start = time.perf_counter()
        book.add(record)
        seconds.append(time.perf_counter() - start)
    return seconds


def _summary(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    return {"timed_adds": len(seconds), "mean_ms": round(1000 * statistics.fmean(seconds), 3),
            "median_ms": round(1000 * statistics.median(seconds), 3),
            "p99_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 3)}


def run(quick=False) -> dict:
    sizes, old_sizes = ((1000,), (500,)) if quick else ((1000, 10_000, 100_000), (500, 1000, 2000))
    timed, old_timed = (200, 5) if quick else (1000, 20)
    export_at = (1000,) if quick else (10_000, 100_000)
    rows, old_rows, exports = [], [], {}
    with tempfile.TemporaryDirectory() as scratch:
        for size in sizes:
            folder = Path(scratch) / f"sqlite{size}"
            with Gradebook(folder) as book:
                _fill(book, size - timed)
                row = {"records": size, **_summary(_time_adds(book, size - timed, timed))}
                if size in export_at:
                    start = time.perf_counter()
                    book.export()
                    exports[str(size)] = round(time.perf_counter() - start, 1)
            row["database_mb"] = round((folder / "gradebook.sqlite").stat().st_size / 1e6, 1)
            rows.append(row)
            print(f"  SQLite, {size:>7,} records: {row['mean_ms']:.2f} ms per add (median {row['median_ms']:.2f}, "
                  f"p99 {row['p99_ms']:.2f})" + (f"; export() {exports[str(size)]} s" if size in export_at else ""),
                  flush=True)
            shutil.rmtree(folder)
        for size in old_sizes:
            book = OldJsonGradebook(Path(scratch) / f"json{size}")
            for number in range(size - old_timed):
                record = _without_answers(synthetic_record(number))
                book.records[(record["learner"], record["exercise"])] = record
            row = {"records": size, **_summary(_time_adds(book, size - old_timed, old_timed,
                                                           lambda number: _without_answers(synthetic_record(number)))),
                   "results_json_mb": round((book.folder / "results.json").stat().st_size / 1e6, 1)}
            old_rows.append(row)
            print(f"  JSON (before), {size:>5,} records: {row['mean_ms']:.1f} ms per add "
                  f"(results.json {row['results_json_mb']} MB)", flush=True)
            shutil.rmtree(book.folder)
    record_kb = round(len(json.dumps(synthetic_record(0))) / 1000, 1)
    result = {"record_kb": record_kb, "sqlite": rows, "json_before": old_rows, "export_s": exports,
              "target_ms_at_100k": 2}
    if not quick:
        result["met"] = rows[-1]["mean_ms"] <= 2
    print(f"\n  | Gradebook | Records | ms per add (mean) | median | p99 |\n  |---|---:|---:|---:|---:|")
    for name, table in (("JSON (before)", old_rows), ("SQLite", rows)):
        for row in table:
            print(f"  | {name} | {row['records']:,} | {row['mean_ms']:.2f} | {row['median_ms']:.2f} | "
                  f"{row['p99_ms']:.2f} |")
    print(f"  records of {record_kb} kB of JSON; export(): " +
          ", ".join(f"{seconds} s at {int(size):,}" for size, seconds in exports.items()), flush=True)
    return result
