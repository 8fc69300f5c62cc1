"""The gradebook database (course_lib/grading/gradebook.py): records in and out, exports, the import of an older
results.json, bad or newer databases, and kill -9 while records are being added."""

import csv
import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from course_lib.grading import gradebook as gradebook_module
from course_lib.grading.gradebook import CSV_COLUMNS, DATABASE, Gradebook, GradebookError

ROOT = Path(__file__).resolve().parent.parent


def make_record(learner, exercise="01_neurons", score=3, **fields):
    record = {"learner": learner, "exercise": exercise, "file": f"{learner}/{exercise}.ipynb", "max_score": 11,
              "sha256": "a" * 64, "checks_version": "v1", "status": "ok", "score": score, "message": "",
              "tasks": [{"task": "relu", "status": "passed", "points": score, "max_points": 11,
                         "message": "ok", "exercise": exercise}],
              "notes": ["Code cell 2 raised ZeroDivisionError"], "seed": 12345, "sandboxed": True, "seconds": 1.5,
              "execution_seconds": 1.2, "graded_at": "2026-01-01T00:00:00+00:00",
              "answers": {"relu": {"status": "answered", "data": [[1.5, -2.0], {"raised": "ValueError: x"}]}},
              "inputs_sha256": {"relu": "0123456789abcdef"}}
    record.update(fields)
    return record


def as_read(record, penalty=0, late=None):
    """``record`` as records() and get() give it back: with its penalty, final score and late assessment."""
    return dict(record, penalty=penalty, final_score=record["score"] - penalty, late=late)


def test_records_come_back_exactly_sorted_and_replaced(tmp_path):
    with Gradebook(tmp_path) as book:
        assert len(book) == 0 and list(book.records()) == []
        added = [make_record(name) for name in ("zoë", "=cmd", "alice", "bob")]
        for record in added:
            book.add(record)
        book.add(make_record("alice", score=7))  # the same (learner, exercise): replaced
        book.add(make_record("alice", "02_numpy_forward_pass"))
        assert len(book) == 5
        got = list(book.records())
    expected = sorted([as_read(record) for record in (*added[:2], added[3], make_record("alice", score=7),
                                                      make_record("alice", "02_numpy_forward_pass"))],
                      key=lambda record: (record["learner"], record["exercise"]))
    assert got == expected
    with Gradebook(tmp_path) as book:  # and after reopening
        assert list(book.records()) == expected
        assert book.get("alice", "01_neurons")["score"] == 7 and book.get("carol", "01_neurons") is None
        assert [record.get("answers") for record in book.records(answers=False)] == [None] * 5


def test_answers_keep_nan_and_records_without_answers_stay_without(tmp_path):
    with Gradebook(tmp_path) as book:
        book.add(make_record("a", answers={"sigmoid": {"status": "answered", "data": [float("nan"), 1.0]}}))
        book.add({key: value for key, value in make_record("b").items() if key != "answers"})
        a, b = book.records()
    assert math.isnan(a["answers"]["sigmoid"]["data"][0])
    assert "answers" not in b


def test_is_current_needs_the_same_notebook_and_checks(tmp_path):
    with Gradebook(tmp_path) as book:
        book.add(make_record("alice"))
        assert book.is_current("alice", "01_neurons", "a" * 64, "v1")
        assert not book.is_current("alice", "01_neurons", "b" * 64, "v1")
        assert not book.is_current("alice", "01_neurons", "a" * 64, "v2")
        assert not book.is_current("bob", "01_neurons", "a" * 64, "v1")


def test_records_are_read_in_batches_while_the_book_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr(gradebook_module, "_BATCH", 3)
    with Gradebook(tmp_path) as book:
        for number in range(10):
            book.add(make_record(f"learner{number:02d}"))
        seen = []
        for record in book.records():
            seen.append(record["learner"])
            book.add(dict(record, score=0))  # as rejudge does
        assert seen == [f"learner{number:02d}" for number in range(10)]
        assert {record["score"] for record in book.records()} == {0}


def test_export_writes_every_file_from_the_database(tmp_path):
    with Gradebook(tmp_path) as book:
        for name in ("=HYPERLINK(1)", "<b>bob</b>", "carol"):
            book.add(make_record(name, score=len(name) % 11))
        book.add(make_record("carol", "02_numpy_forward_pass", status="timeout", message="ran out of time"))
        book.export()
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    assert [(row["learner"], row["exercise"], row["score"], row["status"]) for row in rows] == [
        ("<b>bob</b>", "01_neurons", "10", "ok"), ("'=HYPERLINK(1)", "01_neurons", "2", "ok"),
        ("carol", "01_neurons", "5", "ok"), ("carol", "02_numpy_forward_pass", "3", "timeout")]
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["version"] == 1 and len(results["submissions"]) == 4
    expected = {key: value for key, value in as_read(make_record("<b>bob</b>", score=10)).items() if key != "answers"}
    assert results["submissions"][0] == expected  # everything but the answers, which stay in the database
    page = (tmp_path / "feedback" / "<b>bob</b>" / "01_neurons.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;bob&lt;/b&gt;" in page and "<b>bob</b>" not in page and "ZeroDivisionError" in page
    assert "ran out of time" in (tmp_path / "feedback" / "carol" / "02_numpy_forward_pass.html").read_text()
    assert (tmp_path / "summary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.rglob(".*.tmp"))


def test_an_empty_gradebook_exports_empty_files(tmp_path):
    with Gradebook(tmp_path) as book:
        book.export()
    assert (tmp_path / "grades.csv").read_text() == ",".join(CSV_COLUMNS) + "\n"
    assert json.loads((tmp_path / "results.json").read_text()) == {"version": 1, "submissions": []}


def test_the_database_is_wal_with_a_schema_version(tmp_path):
    Gradebook(tmp_path).close()
    db = sqlite3.connect(tmp_path / DATABASE)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("2",)
    db.close()


# --------------------------------------------------------------------------------------------------------
# A gradebook from before the database


def test_an_older_results_json_is_imported_once(tmp_path):
    old = [make_record("alice"), make_record("bob", score=9)]
    for record in old:
        del record["answers"], record["inputs_sha256"]
    (tmp_path / "results.json").write_text(json.dumps({"version": 1, "submissions": [*old, "junk", {"learner": 3}]}))
    with Gradebook(tmp_path) as book:
        assert list(book.records()) == [as_read(record) for record in old]
        assert book.is_current("bob", "01_neurons", "a" * 64, "v1")
        book.add(make_record("carol"))
    (tmp_path / "results.json").write_text(json.dumps({"version": 1, "submissions": [make_record("dave")]}))
    with Gradebook(tmp_path) as book:  # the database exists: results.json is an export now, never read again
        assert [record["learner"] for record in book.records()] == ["alice", "bob", "carol"]


@pytest.mark.parametrize(("content", "words"), [("{not json", "could not be read"),
                                                 ('{"version": 2, "submissions": []}', "version 1")])
def test_an_unreadable_older_results_json_stops_and_changes_nothing(tmp_path, content, words):
    (tmp_path / "results.json").write_text(content)
    with pytest.raises(GradebookError, match=words):
        Gradebook(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["results.json"]
    assert (tmp_path / "results.json").read_text() == content


# --------------------------------------------------------------------------------------------------------
# Databases this course cannot use


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path):
    (tmp_path / DATABASE).write_bytes(b"grades, by hand\n" * 100)
    with pytest.raises(GradebookError, match="is not a gradebook database"):
        Gradebook(tmp_path)
    assert (tmp_path / DATABASE).read_bytes() == b"grades, by hand\n" * 100


def test_another_programs_database_is_refused(tmp_path):
    db = sqlite3.connect(tmp_path / DATABASE)
    db.execute("CREATE TABLE photos (name TEXT)")
    db.commit()
    db.close()
    with pytest.raises(GradebookError, match="not a gradebook .its tables: photos"):
        Gradebook(tmp_path)


def test_a_newer_database_names_the_version_needed(tmp_path):
    with Gradebook(tmp_path) as book:
        book.add(make_record("alice"))
    db = sqlite3.connect(tmp_path / DATABASE)
    db.execute("UPDATE meta SET value='3' WHERE key='schema_version'")
    db.commit()
    db.close()
    with pytest.raises(GradebookError, match="newer version of the course .gradebook schema 3; this version reads "
                                             "up to 2.: update course_lib"):
        Gradebook(tmp_path)


def test_an_output_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "out").write_text("")
    with pytest.raises(NotADirectoryError, match="is not a folder"):
        Gradebook(tmp_path / "out")


# --------------------------------------------------------------------------------------------------------
# kill -9 while adding

WRITER = textwrap.dedent("""\
    import sys
    sys.path.insert(0, sys.argv[2])
    from tests.test_gradebook import make_record
    from course_lib.grading.gradebook import Gradebook

    book = Gradebook(sys.argv[1])
    start = len(book)
    padding = "x" * 40_000  # answers of a realistic size, so that a kill often lands inside a transaction
    number = start
    while True:
        book.add(make_record(f"learner{number:06d}", answers={"relu": {"status": "answered", "data": padding}}))
        print(number, flush=True)  # printed only once add() returned
        number += 1
""")


@pytest.mark.parametrize("kill_after", [0, 7, 60])
def test_kill_9_loses_no_added_record_and_never_corrupts(tmp_path, kill_after):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    confirmed = set()
    (tmp_path / "out").mkdir()
    for round_ in range(3):  # killed three times, then reopened each time by the next writer
        process = subprocess.Popen([sys.executable, str(script), str(tmp_path / "out"), str(ROOT)],
                                   stdout=subprocess.PIPE, text=True)
        lines = []
        while len(lines) < kill_after + round_:
            line = process.stdout.readline()
            assert line, "the writer stopped by itself"
            lines.append(line)
        os.kill(process.pid, signal.SIGKILL)
        lines += process.stdout.readlines()  # what it printed before it died: adds that returned
        process.wait()
        assert process.returncode == -signal.SIGKILL
        confirmed.update(int(line) for line in lines)
        db = sqlite3.connect(tmp_path / "out" / DATABASE)
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        db.close()
        with Gradebook(tmp_path / "out") as book:
            stored = {int(record["learner"].removeprefix("learner")) for record in book.records(answers=False)}
            assert confirmed <= stored
            assert all(len(record["answers"]["relu"]["data"]) == 40_000 for record in book.records())
