"""Late work (course_lib/grading/late.py): the policy's arithmetic, its options, the gradebook's penalties
(schema 2, and the migration of a version-1 database), and the whole path collect -> grade -> course-grade late."""

import argparse
import csv
import json
import os
import shutil
import sqlite3
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from course_lib.grading import cli, sandbox
from course_lib.grading import pipeline as grading
from course_lib.grading.collect import MANIFEST
from course_lib.grading.gradebook import CSV_COLUMNS, DATABASE, Gradebook, GradebookError
from course_lib.grading.late import LatePolicy, add_arguments, parse_due, parse_duration, policy_from_arguments

FILES = Path(__file__).parent / "files"
DUE = "2026-12-01T23:59+00:00"
# As tests/test_grade.py: notebooks that run a kernel are graded in the sandbox wherever bubblewrap works (without
# it as root, the kernel's own uid could not enter pytest's folders) and always in CI.
SANDBOX = sandbox.unavailable_reason() is None or os.environ.get("CI", "").lower() in ("1", "true", "yes")


def policy(**changes):
    options = dict(due=DUE, percent_per_day=10, grace="15m", cap=50, flag_days=1)
    options.update(changes)
    return LatePolicy.from_options(**options)


def assess(submitted_at=None, late_flag=None, score=8, max_score=10, **changes):
    return policy(**changes).assess({"submitted_at": submitted_at, "late_flag": late_flag}, score=score,
                                    max_score=max_score)


# --------------------------------------------------------------------------------------------------------
# The arithmetic


@pytest.mark.parametrize(("submitted_at", "days", "percent", "penalty"), [
    ("2026-12-01T12:00+00:00", 0, 0, 0),          # early
    ("2026-12-01T23:59+00:00", 0, 0, 0),          # on the dot
    ("2026-12-02T00:10+00:00", 0, 0, 0),          # within the 15 minutes of grace
    ("2026-12-02T00:14+00:00", 0, 0, 0),          # the end of the grace period still counts
    ("2026-12-02T00:15+00:00", 1, 10, 1),         # one started day
    ("2026-12-02T23:59+00:00", 1, 10, 1),
    ("2026-12-03T00:00+00:00", 2, 20, 2),         # a minute into the second day
    ("2026-12-03T00:59+01:00", 1, 10, 1),         # another zone: 23:59 UTC
    ("2026-12-20T00:00+00:00", 19, 50, 5),        # capped at 50 %
])
def test_days_late_count_started_days_after_the_grace_period(submitted_at, days, percent, penalty):
    late = assess(submitted_at)
    assert (late["days_late"], late["percent"], late["penalty"]) == (days, percent, penalty)
    assert late["submitted_at"] == datetime.fromisoformat(submitted_at).isoformat()


def test_the_percent_is_of_the_points_possible_and_never_takes_a_score_below_zero():
    assert assess("2026-12-03T00:00+00:00", score=10, max_score=10)["penalty"] == 2
    assert assess("2026-12-03T00:00+00:00", score=3, max_score=10)["penalty"] == 2  # the same points for the same delay
    assert assess("2026-12-03T00:00+00:00", score=1, max_score=10)["penalty"] == 1  # clamped at the score
    assert assess("2026-12-02T01:00+00:00", score=7, max_score=11, percent_per_day=7.5)["penalty"] == 0.82


def test_a_late_flag_without_a_time_counts_flag_days():
    late = assess(late_flag=True, flag_days=2)
    assert (late["days_late"], late["percent"], late["penalty"], late["late_flag"]) == (2, 20, 2, True)
    assert "marked late" in late["reason"]
    assert assess(late_flag=False)["penalty"] == 0
    assert assess(late_flag=True, flag_days=0)["penalty"] == 0
    nothing = assess()
    assert nothing["penalty"] == 0 and "no submission time" in nothing["reason"]
    assert assess("2026-12-01T12:00+00:00", late_flag=True)["penalty"] == 0  # a known time decides


def test_the_policy_round_trips_through_plain_data():
    original = policy(cap=30, flag_days=3)
    assert LatePolicy.from_dict(json.loads(json.dumps(original.to_dict()))) == original


@pytest.mark.parametrize(("changes", "words"), [
    ({"due": "tomorrow"}, "not an ISO 8601 date and time"),
    ({"due": "2026-12-01"}, "has a date but no time"),
    ({"percent_per_day": -5}, "percentage from 0 to 100"),
    ({"percent_per_day": "ten"}, "percentage from 0 to 100"),
    ({"cap": 150}, "percentage from 0 to 100"),
    ({"grace": "15 minutes"}, "expected a number with a unit s, m, h or d"),
    ({"flag_days": -1}, "whole number of 0 or more"),
])
def test_bad_options_say_what_was_expected(changes, words):
    with pytest.raises(ValueError, match=words):
        policy(**changes)


def test_due_times_and_durations():
    assert parse_due("2026-12-01T23:59Z") == datetime(2026, 12, 1, 23, 59, tzinfo=timezone.utc)
    local = parse_due("2026-12-01T23:59")  # this machine's zone
    assert local.tzinfo is not None and local.replace(tzinfo=None) == datetime(2026, 12, 1, 23, 59)
    assert [parse_duration(text) for text in ("90", "90s", "1.5m", "2h", "1d")] == [
        timedelta(seconds=90), timedelta(seconds=90), timedelta(seconds=90), timedelta(hours=2), timedelta(days=1)]


@pytest.mark.parametrize(("arguments", "words"), [
    (["--due", DUE], "--late-penalty is missing"),
    (["--late-penalty", "10"], "--due is missing"),
    (["--grace", "1h"], "--grace need --due and --late-penalty"),
    (["--due", DUE, "--late-penalty", "10", "--late-flag-days", "1.5"], "whole number of days"),
])
def test_the_options_need_each_other(arguments, words):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    with pytest.raises(ValueError, match=words):
        policy_from_arguments(parser.parse_args(arguments))


# --------------------------------------------------------------------------------------------------------
# The gradebook


def record(learner, score=8, exercise="01_neurons", **fields):
    return {"learner": learner, "exercise": exercise, "file": f"{learner}/{exercise}.ipynb", "max_score": 10,
            "sha256": "a" * 64, "checks_version": "v1", "status": "ok", "score": score, "message": "", "tasks": [],
            **fields}


def test_the_gradebook_keeps_raw_score_penalty_and_final_score(tmp_path):
    with Gradebook(tmp_path) as book:
        book.add(record("late", submission={"submitted_at": "2026-12-03T09:00+00:00", "late_flag": None}))
        book.add(record("flagged", submission={"submitted_at": None, "late_flag": True}))
        book.add(record("unknown"))
        assert [r["penalty"] for r in book.records()] == [0, 0, 0] and book.get("late", "01_neurons")["late"] is None
        assert book.set_late_policy(policy()) == 2
        late = book.get("late", "01_neurons")
        assert (late["score"], late["penalty"], late["final_score"]) == (8, 2, 6)
        assert late["late"] == {"submitted_at": "2026-12-03T09:00:00+00:00", "late_flag": None, "days_late": 2,
                                "percent": 20.0, "reason": "submitted 2 started day(s) after the due time"}
        book.add(record("new", submission={"submitted_at": "2026-12-02T12:00+00:00"}))  # the policy applies to adds
        assert book.get("new", "01_neurons")["penalty"] == 1
        book.export()
    with Gradebook(tmp_path) as book:  # kept in the database
        assert book.late_policy == policy()
        assert {r["learner"]: r["final_score"] for r in book.records()} == {"flagged": 7, "late": 6, "new": 7,
                                                                            "unknown": 8}
        assert book.set_late_policy(None) == 0
        assert all(r["penalty"] == 0 and r["late"] is None for r in book.records())
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    assert tuple(rows["late"]) == CSV_COLUMNS and CSV_COLUMNS[-2:] == ("penalty", "final_score")
    assert (rows["late"]["score"], rows["late"]["penalty"], rows["late"]["final_score"]) == ("8", "2", "6")
    page = (tmp_path / "feedback" / "late" / "01_neurons.html").read_text(encoding="utf-8")
    assert "Late penalty" in page and "2 started day(s)" in page and "Final score: <b>6/10</b>" in page
    assert "20% of the points possible" in page
    assert "Late penalty" not in (tmp_path / "feedback" / "unknown" / "01_neurons.html").read_text(encoding="utf-8")
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert {r["learner"]: r["penalty"] for r in results["submissions"]}["late"] == 2


def test_re_adding_a_record_as_rejudge_does_keeps_its_facts(tmp_path):
    with Gradebook(tmp_path) as book:
        book.set_late_policy(policy())
        book.add(record("a", submission={"submitted_at": "2026-12-02T12:00+00:00"}))
        again = book.get("a", "01_neurons")
        book.add(dict(again, score=4))  # penalty, final_score and late are recomputed, not stored
        got = book.get("a", "01_neurons")
        assert (got["score"], got["penalty"], got["final_score"]) == (4, 1, 3)
        assert book.set_submission("a", "01_neurons", {"submitted_at": None, "late_flag": False})
        assert book.get("a", "01_neurons")["penalty"] == 0
        assert not book.set_submission("nobody", "01_neurons", {})


def test_learners_come_from_the_manifest(tmp_path):
    with Gradebook(tmp_path) as book:
        assert book.learners() == {}
        book.set_learners({"smithjane-4021": {"name": "Jane Smith", "platform": "canvas", "ids": {"user_id": "4021"}},
                           "odd": {"name": 3, "ids": "x"}})
        assert book.learners() == {"odd": {"name": None, "platform": None, "ids": {}},
                                   "smithjane-4021": {"name": "Jane Smith", "platform": "canvas",
                                                      "ids": {"user_id": "4021"}}}


V1_SCHEMA = ("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
             "CREATE TABLE records (learner TEXT NOT NULL, exercise TEXT NOT NULL, sha256 TEXT NOT NULL, "
             "checks_version TEXT NOT NULL, score NUMERIC NOT NULL, max_score NUMERIC NOT NULL, status TEXT NOT NULL, "
             "record TEXT NOT NULL, answers TEXT, PRIMARY KEY (learner, exercise))")


def test_a_version_1_database_is_migrated_in_place(tmp_path):
    db = sqlite3.connect(tmp_path / DATABASE)
    for statement in V1_SCHEMA:
        db.execute(statement)
    db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    old = record("alice", score=9)
    db.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               ("alice", "01_neurons", "a" * 64, "v1", 9, 10, "ok", json.dumps(old), '{"relu": 1}'))
    db.commit()
    db.close()
    with Gradebook(tmp_path) as book:
        assert book.get("alice", "01_neurons") == dict(old, answers={"relu": 1}, penalty=0, final_score=9, late=None)
        assert book.is_current("alice", "01_neurons", "a" * 64, "v1")  # nothing to regrade
        book.set_late_policy(policy())
        book.set_submission("alice", "01_neurons", {"submitted_at": "2026-12-02T12:00+00:00"})
        assert book.get("alice", "01_neurons")["final_score"] == 8
        book.set_learners({"alice": {"name": "Alice"}})
    db = sqlite3.connect(tmp_path / DATABASE)
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("2",)
    assert db.execute("SELECT submitted_at, late_flag, penalty FROM records").fetchone() == (
        "2026-12-02T12:00+00:00", None, 1)
    db.close()


def test_a_damaged_stored_policy_is_a_gradebook_error(tmp_path):
    with Gradebook(tmp_path) as book:
        book.set_late_policy(policy())
    db = sqlite3.connect(tmp_path / DATABASE)
    db.execute("UPDATE meta SET value='{\"due\": \"soon\"}' WHERE key='late_policy'")
    db.commit()
    db.close()
    with pytest.raises(GradebookError, match="late policy stored in"):
        Gradebook(tmp_path)


# --------------------------------------------------------------------------------------------------------
# course-grade late on a gradebook, and grading with a damaged manifest


def test_course_grade_late_applies_changes_and_removes_a_policy(tmp_path, capsys):
    with Gradebook(tmp_path) as book:
        book.add(record("a", submission={"submitted_at": "2026-12-04T12:00+00:00"}))
    assert cli.main(["late", str(tmp_path), "--due", DUE, "--late-penalty", "10"]) == 0
    assert "1 record(s) penalised, 3 point(s)" in capsys.readouterr().out
    assert cli.main(["late", str(tmp_path), "--due", DUE, "--late-penalty", "10", "--late-cap", "20"]) == 0
    with Gradebook(tmp_path) as book:
        assert book.get("a", "01_neurons")["penalty"] == 2
    assert "2" == list(csv.DictReader(open(tmp_path / "grades.csv", encoding="utf-8")))[0]["penalty"]
    assert cli.main(["late", str(tmp_path), "--none"]) == 0
    with Gradebook(tmp_path) as book:
        assert book.get("a", "01_neurons")["penalty"] == 0 and book.late_policy is None


@pytest.mark.parametrize(("arguments", "words"), [
    (["--due", DUE], "--late-penalty is missing"),
    ([], "--none to remove"),
    (["--none", "--due", DUE, "--late-penalty", "5"], "cannot be given with"),
    (["--due", "2026-13-45T00:00", "--late-penalty", "5"], "not an ISO 8601"),
])
def test_course_grade_late_mistakes_exit_2(tmp_path, capsys, arguments, words):
    Gradebook(tmp_path).close()
    assert cli.main(["late", str(tmp_path), *arguments]) == 2
    assert words in capsys.readouterr().err


def test_course_grade_late_needs_a_gradebook(tmp_path, capsys):
    assert cli.main(["late", str(tmp_path / "nothing"), "--none"]) == 2
    assert "no gradebook in" in capsys.readouterr().err


def test_a_damaged_manifest_is_an_error_with_a_policy_and_a_warning_without(tmp_path, capsys):
    submissions = tmp_path / "submissions"
    (submissions / "alice").mkdir(parents=True)
    (submissions / "alice" / "01_neurons.ipynb").write_text("{}")
    (submissions / MANIFEST).write_text("[1, 2")
    assert cli.main([str(submissions), "--output", str(tmp_path / "out"), "--no-sandbox", "--due", DUE,
                     "--late-penalty", "10"]) == 2
    error = capsys.readouterr().err
    assert "collect manifest" in error and "cannot be read" in error and "needs the submission times" in error
    assert not (tmp_path / "out").exists()
    lines = []
    with pytest.raises(grading.GradingError, match="late_policy must be"):
        grading.grade(submissions, tmp_path / "out", late_policy="10%", sandbox=False)
    records = grading.grade(submissions, tmp_path / "out", workers=1, sandbox=False, progress=lines.append)
    assert [r["status"] for r in records] == ["unreadable"]
    assert any(line.startswith("warning: the collect manifest") for line in lines)


def test_a_policy_without_a_manifest_warns_that_nobody_can_be_penalised(tmp_path, capsys):
    submissions = tmp_path / "submissions"
    (submissions / "alice").mkdir(parents=True)
    (submissions / "alice" / "01_neurons.ipynb").write_text("{}")
    assert cli.main([str(submissions), "--output", str(tmp_path / "out"), "--no-sandbox", "--due", DUE,
                     "--late-penalty", "10", "--quiet"]) == 0
    error = capsys.readouterr().err
    assert f"no {submissions / MANIFEST}" in error and "nobody is penalised" in error
    assert cli.main([str(submissions), "--output", str(tmp_path / "out"), "--no-sandbox", "--quiet"]) == 0
    assert "nobody is penalised" not in capsys.readouterr().err  # no policy, nothing to warn about


# --------------------------------------------------------------------------------------------------------
# The whole path: a Canvas download -> collect -> grade with a policy -> course-grade late


def test_collect_then_grade_with_a_policy_then_change_it(tmp_path, capsys):
    solved = (FILES / "submissions" / "solved" / "01_neurons.ipynb").read_bytes()
    blank = (FILES / "submissions" / "blank" / "01_neurons.ipynb").read_bytes()
    download = tmp_path / "canvas.zip"
    with zipfile.ZipFile(download, "w") as archive:
        archive.writestr("smithjane_4021_501_01_neurons.ipynb", solved)             # on time
        archive.writestr("doejohn_late_17_502_01_Neurons (1).ipynb", solved)       # late
        archive.writestr("roebob_LATE_9_503_01_neurons-1.ipynb", blank)            # late, and scores 0
    submissions, out = tmp_path / "submissions", tmp_path / "out"
    assert cli.main(["collect", str(download), "--from", "canvas", "--output", str(submissions)]) == 0
    assert cli.main([str(submissions), "--output", str(out), "--workers", "1", *([] if SANDBOX else ["--no-sandbox"]),
                     "--due", DUE, "--late-penalty", "20", "--late-flag-days", "2"]) == 0
    printed = capsys.readouterr().out
    assert "late policy: due 2026-12-01T23:59:00+00:00: 20% of the points possible" in printed
    assert "doejohn-17/01_neurons: 11/11 (ok" in printed and "late: -4.4 -> 6.6" in printed
    with Gradebook(out) as book:
        got = {r["learner"]: (r["score"], r["penalty"], r["final_score"], (r["late"] or {}).get("days_late"))
               for r in book.records()}
        assert got == {"smithjane-4021": (11, 0, 11, 0), "doejohn-17": (11, 4.4, 6.6, 2), "roebob-9": (0, 0, 0, 2)}
        assert book.learners()["doejohn-17"] == {"name": "doejohn", "platform": "canvas",
                                                 "ids": {"user_id": "17", "submission_id": "502"}}
        assert book.get("doejohn-17", "01_neurons")["submission"]["late_flag"] is True
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    assert (rows["doejohn-17"]["penalty"], rows["doejohn-17"]["final_score"]) == ("4.4", "6.6")
    # the instructor relents: one day for a flag, 10 % a day; nothing is graded again
    graded_at = {r["learner"]: r["graded_at"] for r in Gradebook(out).records()}
    assert cli.main(["late", str(out), "--due", DUE, "--late-penalty", "10"]) == 0
    with Gradebook(out) as book:
        assert {r["learner"]: r["final_score"] for r in book.records()} == {"smithjane-4021": 11, "doejohn-17": 9.9,
                                                                            "roebob-9": 0}
        assert {r["learner"]: r["graded_at"] for r in book.records()} == graded_at
    # a rerun without options keeps the policy, and regrades nothing
    lines = []
    assert grading.grade(submissions, out, workers=1, sandbox=False, progress=lines.append) == []
    with Gradebook(out) as book:
        assert book.get("doejohn-17", "01_neurons")["penalty"] == 1.1


def test_merged_shards_keep_their_late_policy_and_learners(tmp_path):
    from course_lib.grading.shards import merge
    from course_lib.grading.submissions import GradingError

    for number, name in enumerate(("one", "two")):
        with Gradebook(tmp_path / name) as book:
            book.set_late_policy(policy())
            book.add(record(f"learner{number}", submission={"submitted_at": "2026-12-02T12:00+00:00"}))
            book.set_learners({f"learner{number}": {"name": f"Learner {number}", "platform": "moodle",
                                                    "ids": {"participant_id": str(number)}}})
    assert merge([tmp_path / "one", tmp_path / "two"], tmp_path / "merged") == 2
    with Gradebook(tmp_path / "merged") as book:
        assert book.late_policy == policy()
        assert [r["penalty"] for r in book.records()] == [1, 1]
        assert book.learners()["learner1"]["name"] == "Learner 1"
    with Gradebook(tmp_path / "two") as book:
        book.set_late_policy(policy(cap=20))
    with pytest.raises(GradingError, match="different late policies"):
        merge([tmp_path / "one", tmp_path / "two"], tmp_path / "merged2")
    assert not (tmp_path / "merged2").exists()
