"""Judging stored answers again (course_lib/grading/rejudge.py): a changed judge changes exactly the scores it
affects, changed inputs send a notebook back to be run, and records without answers are left alone."""

import copy
import csv
import dataclasses
import json
import os
import shutil
from pathlib import Path

import pytest

from course_lib import checks
from course_lib.grading import pipeline, rejudge, sandbox
from course_lib.grading.gradebook import Gradebook

SUBMISSIONS = Path(__file__).parent / "files" / "submissions"
LEARNERS = ["solved", "blank", "monkeypatch", "prints_passed", "nan_answer", "not_json"]
SANDBOX = sandbox.unavailable_reason() is None or os.environ.get("CI", "").lower() in ("1", "true", "yes")
EXERCISE = checks.get_exercise("01_neurons")


def change_task(monkeypatch, name, **fields):
    """Replace a task of 01_neurons by a copy with other ``fields`` (a judge, inputs) until the test ends."""
    monkeypatch.setitem(EXERCISE.tasks, name, dataclasses.replace(EXERCISE.tasks[name], **fields))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A few real submissions graded once; each test works on its own copy of the gradebook."""
    root = tmp_path_factory.mktemp("rejudge")
    for learner in LEARNERS:
        shutil.copytree(SUBMISSIONS / learner, root / "submissions" / learner)
    pipeline.grade(root / "submissions", root / "out", workers=2, cell_timeout=10, notebook_timeout=120,
                   memory_mb=1024, sandbox=SANDBOX)
    with Gradebook(root / "out") as book:
        records = {record["learner"]: record for record in book.records()}
    return root / "out", records


@pytest.fixture
def out(graded, tmp_path):
    shutil.copytree(graded[0], tmp_path / "out")
    return tmp_path / "out"


def _stored(out):
    with Gradebook(out) as book:
        return {record["learner"]: record for record in book.records()}


def _without_stamps(record):
    return {key: value for key, value in record.items() if key != "rejudged_at"}


def test_graded_records_keep_their_answers_and_inputs(graded):
    records = graded[1]
    for learner in LEARNERS[:-1]:
        record = records[learner]
        assert set(record["answers"]) == set(EXERCISE.tasks) == set(record["inputs_sha256"]), learner
        again = [pipeline.judge_task(EXERCISE.tasks[name], answer, record["seed"]).to_dict()
                 for name, answer in record["answers"].items()]
        assert again == record["tasks"]  # the stored answers are what was judged
    assert records["not_json"]["answers"] == {} and records["not_json"]["status"] == "unreadable"


def test_unchanged_checks_change_nothing(out, graded, capsys):
    assert rejudge.main([str(out)]) == 0
    printed = capsys.readouterr().out
    assert "0 score(s) changed, 0 record(s) rewritten, 1 left as they were\n  1: no answers stored" in printed
    assert _stored(out) == graded[1]


def test_a_changed_judge_changes_exactly_the_affected_scores_and_back(out, graded, monkeypatch):
    """relu's judge now fails every answer it passed; weighted_sum's accepts anything, a forgotten bias too."""
    original = copy.deepcopy(graded[1])
    relu_judge = EXERCISE.tasks["relu"].judge

    def stricter_relu(data, inputs):
        relu_judge(data, inputs)
        raise checks.Fail("a new rule of the instructor's")

    change_task(monkeypatch, "relu", judge=stricter_relu)
    change_task(monkeypatch, "weighted_sum", judge=lambda data, inputs: None)
    changes = rejudge.rejudge(out)

    def status(learner, task):
        return next(item["status"] for item in original[learner]["tasks"] if item["task"] == task)

    expected = {}  # learner -> the tasks whose verdict must change
    for learner in LEARNERS[:-1]:
        tasks = {}
        if status(learner, "relu") == "passed":
            tasks["relu"] = ("passed", "failed")
        if status(learner, "weighted_sum") == "failed":
            tasks["weighted_sum"] = ("failed", "passed")
        if tasks:
            expected[learner] = tasks
    assert set(expected) == {"solved", "monkeypatch", "prints_passed", "nan_answer"}  # blank: not attempted
    assert expected["monkeypatch"] == {"relu": ("passed", "failed"), "weighted_sum": ("failed", "passed")}
    assert {change["learner"]: {task["task"]: (task["old_status"], task["new_status"]) for task in change["tasks"]}
            for change in changes} == expected
    for change in changes:
        gained = sum(task["new_points"] - task["old_points"] for task in change["tasks"])
        assert change["new_score"] == change["old_score"] + gained == original[change["learner"]]["score"] + gained
        assert all(task["message"] == "a new rule of the instructor's" for task in change["tasks"]
                   if task["task"] == "relu")
    stored = _stored(out)
    for learner, record in stored.items():
        if learner not in expected:
            assert record == original[learner]  # nothing else changed, not even a stamp
            continue
        assert record["rejudged_at"] and record["answers"] == original[learner]["answers"]
        for before, after in zip(original[learner]["tasks"], record["tasks"]):
            assert (before == after) == (before["task"] not in expected[learner])
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        exported = {row["learner"]: int(row["score"]) for row in csv.DictReader(handle)}
    assert exported == {learner: record["score"] for learner, record in stored.items()}
    assert "a new rule of the instructor" in (out / "feedback" / "solved" / "01_neurons.html").read_text()

    monkeypatch.undo()  # the checks as they were: every score goes back
    back = rejudge.rejudge(out)
    assert {(change["learner"], change["old_score"], change["new_score"]) for change in back} == \
        {(change["learner"], change["new_score"], change["old_score"]) for change in changes}
    assert {learner: _without_stamps(record) for learner, record in _stored(out).items()} == original


def test_changed_inputs_leave_the_record_for_a_rerun(out, graded, monkeypatch):
    def failing(data, inputs):
        raise checks.Fail("computed from other inputs")

    inputs = EXERCISE.tasks["relu"].inputs
    change_task(monkeypatch, "relu", inputs=lambda rng: {**inputs(rng), "one more case": 1},
                judge=failing)  # would fail every answer: it must not be asked
    lines = []
    assert rejudge.rejudge(out, progress=lines.append) == []
    assert _stored(out) == graded[1]
    assert "5: inputs changed since grading\n  1: no answers stored" in lines[-1]


def test_a_gradebook_from_before_the_answers_is_left_as_it_was(tmp_path, graded):
    old = [{key: value for key, value in record.items() if key not in ("answers", "inputs_sha256")}
           for record in graded[1].values()]
    (tmp_path / "results.json").write_text(json.dumps({"version": 1, "submissions": old}))
    lines = []
    assert rejudge.rejudge(tmp_path, progress=lines.append) == []
    assert lines[-1].endswith(f"{len(old)}: no answers stored")
    assert sorted(_stored(tmp_path).values(), key=lambda record: record["learner"]) == \
        sorted(old, key=lambda record: record["learner"])


def test_rejudging_a_folder_without_a_gradebook_is_an_error(tmp_path, capsys):
    assert rejudge.main([str(tmp_path / "nowhere")]) == 2
    assert "no gradebook in" in capsys.readouterr().err
    assert not (tmp_path / "nowhere").exists()


def test_the_changes_are_printed_in_words(out, monkeypatch, capsys):
    change_task(monkeypatch, "weighted_sum", judge=lambda data, inputs: None)
    assert rejudge.main([str(out), "--quiet"]) == 0
    assert capsys.readouterr().out == "monkeypatch/01_neurons: 9 -> 11 of 11\n  weighted_sum: failed -> passed\n"


def test_stored_answers_are_bounded_in_all(monkeypatch):
    from course_lib.grading import record as record_module

    monkeypatch.setattr(record_module, "MAX_ANSWERS_CHARS", 1000)
    record = record_module.GradeRecord("alice", "01_neurons", "alice/01_neurons.ipynb", 11)
    answers = {name: {"status": "answered", "data": "x" * size}
               for name, size in zip(EXERCISE.tasks, (300, 500, 400, 50, 10, 10))}
    record.set_answers({**answers, "not_a_task": {"status": "answered"}}, seed=7)
    assert list(record.answers) == ["weighted_sum", "sigmoid", "and_gate", "xor_network"]  # relu, softmax: over 1000
    assert set(record.inputs_sha256) == set(record.answers)
    assert record.inputs_sha256["sigmoid"] == record_module.inputs_digest(EXERCISE.tasks["sigmoid"], 7)
