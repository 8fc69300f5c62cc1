"""Grading in shards and merging their gradebooks (course_lib/grading/shards.py): which submissions a shard takes,
3 shards merged equal one full run, and every merge that must be refused changes nothing."""

import csv
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from course_lib.grading import cli, sandbox, shards
from course_lib.grading import pipeline as grading
from course_lib.grading.gradebook import DATABASE, Gradebook

SUBMISSIONS = Path(__file__).parent / "files" / "submissions"
EXERCISE = "01_neurons"
SANDBOX = sandbox.unavailable_reason() is None or os.environ.get("CI", "").lower() in ("1", "true", "yes")
OPTIONS = {"workers": 2, "cell_timeout": 10, "notebook_timeout": 120, "memory_mb": 1024, "sandbox": SANDBOX}
# Quick to grade, with different scores and statuses; 9 learners so that each of 3 shards gets some.
LEARNERS = ["solved", "blank", "renamed", "cells_edited", "monkeypatch", "nan_answer", "not_json", "empty", "binary"]


def _class(folder, learners=LEARNERS):
    for learner in learners:
        shutil.copytree(SUBMISSIONS / learner, folder / learner)
    return folder


def _csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _verdicts(record):
    return (record["score"], record["max_score"], record["status"],
            [(task["task"], task["status"], task["points"]) for task in record["tasks"]])


# --------------------------------------------------------------------------------------------------------
# Which submissions a shard grades


@pytest.mark.parametrize(("text", "expected"), [("1/1", (1, 1)), ("2/3", (2, 3)), ("3/3", (3, 3)), (" 7/10 ", (7, 10))])
def test_shard_specs_are_read(text, expected):
    assert shards.parse_shard(text) == expected


@pytest.mark.parametrize(("text", "words"), [("0/3", "1 <= I <= N"), ("4/3", "1 <= I <= N"), ("1/0", "1 <= I <= N"),
                                             ("a/b", "whole numbers"), ("2", "whole numbers"), ("1/2/3", "whole numbers"),
                                             ("-1/3", "whole numbers"), ("", "whole numbers")])
def test_bad_shard_specs_exit_2_and_write_nothing(tmp_path, capsys, text, words):
    submissions = _class(tmp_path / "submissions", ["solved"])
    with pytest.raises(SystemExit) as stopped:
        cli.main([str(submissions), "--output", str(tmp_path / "out"), f"--shard={text}"])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "--shard" in error and words in error
    assert not (tmp_path / "out").exists()


def test_the_api_refuses_a_bad_shard_too(tmp_path):
    submissions = _class(tmp_path / "submissions", ["solved"])
    with pytest.raises(grading.GradingError, match="1 <= I <= N"):
        grading.grade(submissions, tmp_path / "out", shard=(4, 3), **OPTIONS)
    assert not (tmp_path / "out").exists()


def test_shards_split_the_class_the_same_way_everywhere():
    keys = [(f"learner{number}", exercise) for number in range(300) for exercise in ("01_neurons", "13_keras_tuning")]
    for count in (1, 2, 3, 7):
        taken = [[key for key in keys if shards.in_shard(key, (index, count))] for index in range(1, count + 1)]
        assert sorted(key for part in taken for key in part) == sorted(keys)  # each key in exactly one shard
        assert min(len(part) for part in taken) > 0.6 * len(keys) / count  # and the shards are about even
    # A stable hash (SHA-256), not Python's hash(): the same shard in every process, on every machine.
    assert [shards.shard_of(f"learner{number}", "01_neurons", 3) for number in range(12)] == [3, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 2]
    assert shards.shard_of("Zoë 😀", "02_numpy_forward_pass", 10) == shards.shard_of("Zoë 😀", "02_numpy_forward_pass", 10)


# --------------------------------------------------------------------------------------------------------
# Three shards, merged, equal one full run


def test_three_shards_merged_equal_one_full_run(tmp_path, capsys):
    submissions = _class(tmp_path / "submissions")
    full = {(record["learner"], record["exercise"]): record for record in
            grading.grade(submissions, tmp_path / "full", **OPTIONS)}
    parts, lines = [], []
    for index in (1, 2, 3):
        parts.append(grading.grade(submissions, tmp_path / f"shard{index}", shard=f"{index}/3",
                                   progress=lines.append, **OPTIONS))
    assert all(parts) and sum(len(part) for part in parts) == len(LEARNERS)  # a partition, no shard empty
    assert any(line.startswith("shard 2/3: ") for line in lines)
    capsys.readouterr()
    assert cli.main(["merge", *(str(tmp_path / f"shard{index}") for index in (1, 2, 3)),
                     "--output", str(tmp_path / "merged")]) == 0
    assert f"merged {len(LEARNERS)} record(s)" in capsys.readouterr().out
    with Gradebook(tmp_path / "merged") as merged:
        records = {(record["learner"], record["exercise"]): record for record in merged.records()}
    assert sorted(records) == sorted(full)
    for key, record in records.items():
        assert _verdicts(record) == _verdicts(full[key]), key
    assert _csv(tmp_path / "merged" / "grades.csv") == _csv(tmp_path / "full" / "grades.csv")
    for learner in LEARNERS:
        assert (tmp_path / "merged" / "feedback" / learner / f"{EXERCISE}.html").is_file()
    assert (tmp_path / "merged" / "summary.png").is_file()


# --------------------------------------------------------------------------------------------------------
# Merges that must be refused, changing nothing


def make_record(learner, exercise=EXERCISE, checks_version="v1", score=5):
    return {"learner": learner, "exercise": exercise, "file": f"{learner}/{exercise}.ipynb", "max_score": 11,
            "sha256": "a" * 64, "checks_version": checks_version, "status": "ok", "score": score, "message": "",
            "tasks": [{"task": "relu", "status": "passed", "points": score, "max_points": 11, "message": "ok",
                       "exercise": exercise}], "notes": [], "seed": 1, "sandboxed": True, "seconds": 1.0,
            "execution_seconds": 1.0, "graded_at": "2026-01-01T00:00:00+00:00",
            "answers": {"relu": {"status": "answered", "data": [1.5, float("nan")]}}}


def make_gradebook(folder, records):
    with Gradebook(folder) as book:
        for record in records:
            book.add(record)
    return folder


def _snapshot(folders):
    """Every file's bytes, but SQLite's shared-memory index (``-shm``), which any reader may touch."""
    return {path: path.read_bytes() for folder in folders if folder.is_dir() for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.name.endswith("-shm")}


def test_merge_joins_records_with_their_answers(tmp_path):
    one = make_gradebook(tmp_path / "one", [make_record("ada"), make_record("bob", "02_numpy_forward_pass", "v2")])
    two = make_gradebook(tmp_path / "two", [make_record("cy"), make_record("ada", "02_numpy_forward_pass", "v2")])
    assert shards.merge([one, two], tmp_path / "out") == 4
    with Gradebook(tmp_path / "out") as book:
        records = list(book.records())
    assert [(record["learner"], record["exercise"]) for record in records] == [
        ("ada", "01_neurons"), ("ada", "02_numpy_forward_pass"), ("bob", "02_numpy_forward_pass"), ("cy", "01_neurons")]
    assert records[0]["answers"]["relu"]["data"][1] != records[0]["answers"]["relu"]["data"][1]  # NaN kept
    assert [row["learner"] for row in _csv(tmp_path / "out" / "grades.csv")] == ["ada", "ada", "bob", "cy"]


def _newer(folder):
    make_gradebook(folder, [make_record("dee")])
    db = sqlite3.connect(folder / DATABASE)
    with db:
        db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    db.close()
    return folder


@pytest.mark.parametrize(("case", "words"), [
    ("missing folder", "no gradebook folder at"),
    ("no gradebook", f"holds no gradebook ({DATABASE})"),
    ("older results.json only", "course-grade export"),
    ("different checks", "01_neurons was graded with different checks (v1 in"),
    ("overlapping shards", "1 submission(s) are in more than one input (overlapping shards?): ada/01_neurons in"),
    ("newer database", "newer version of the course"),
    ("output holds a gradebook", "already holds a gradebook"),
    ("output is an input", "is one of the inputs"),
])
def test_merges_that_cannot_be_done_exit_2_and_change_nothing(tmp_path, capsys, case, words):
    one = make_gradebook(tmp_path / "one", [make_record("ada"), make_record("bob")])
    two = tmp_path / "two"
    out = tmp_path / "out"
    if case == "missing folder":
        pass
    elif case == "no gradebook":
        two.mkdir()
    elif case == "older results.json only":
        two.mkdir()
        (two / "results.json").write_text('{"version": 1, "submissions": []}')
    elif case == "different checks":
        make_gradebook(two, [make_record("cy", checks_version="v2")])
    elif case == "overlapping shards":
        make_gradebook(two, [make_record("cy"), make_record("ada")])
    elif case == "newer database":
        _newer(two)
    elif case == "output holds a gradebook":
        make_gradebook(two, [make_record("cy")])
        make_gradebook(out, [make_record("zed")])
    elif case == "output is an input":
        make_gradebook(two, [make_record("cy")])
        out = two
    before = _snapshot([one, two, out])
    assert cli.main(["merge", str(one), str(two), "--output", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("course-grade merge: error: ") and words in error, error
    assert _snapshot([one, two, out]) == before
    if case not in ("output holds a gradebook", "output is an input"):
        assert not out.exists()
    assert not (two.exists() and case == "missing folder")


def test_export_command_rewrites_the_files_and_refuses_a_folder_without_a_gradebook(tmp_path, capsys):
    folder = make_gradebook(tmp_path / "book", [make_record("ada")])
    assert cli.main(["export", str(folder)]) == 0
    assert [row["learner"] for row in _csv(folder / "grades.csv")] == ["ada"]
    assert "exported 1 record(s)" in capsys.readouterr().out
    assert cli.main(["export", str(tmp_path / "nothing")]) == 2
    assert "no gradebook in" in capsys.readouterr().err
    assert not (tmp_path / "nothing").exists()
