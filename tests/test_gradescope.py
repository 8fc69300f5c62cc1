"""Gradescope's autograder mode (course_lib/grading/gradescope.py): a fake /autograder in a temporary folder, graded
end to end as run_autograder does it, results.json held to Gradescope's documented structure, and the zip."""

import json
import os
import shlex
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from course_lib import checks
from course_lib.grading import gradescope, kernel, sandbox
from test_grade import open_folder, open_python  # noqa: F401 (a fixture, and a Python the kernel's uid can run)

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = Path(__file__).parent / "files" / "submissions"
EXERCISE = "01_neurons"
MAX = checks.get_exercise(EXERCISE).max_points  # 11
SANDBOX = sandbox.unavailable_reason() is None or os.environ.get("CI", "").lower() in ("1", "true", "yes")
FAST = ["--cell-timeout", "20", "--notebook-timeout", "120", "--memory-mb", "1024"]

# Gradescope's autograder specification (gradescope-autograders.readthedocs.io/en/latest/specs/): the keys of
# results.json and of each test, and the values of "visibility", "stdout_visibility" and a test's "status".
TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
            "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
             "visibility", "extra_data"}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


def valid_results(root) -> dict:
    """``root/results/results.json``, checked against the documented structure; scores must add up."""
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert set(results) <= TOP_KEYS, set(results) - TOP_KEYS
    assert isinstance(results["score"], (int, float)) and isinstance(results["output"], str)
    assert isinstance(results.get("execution_time", 0), int) and results.get("execution_time", 0) >= 0
    assert results.get("visibility", "visible") in VISIBILITIES
    assert results.get("stdout_visibility", "visible") in VISIBILITIES
    for test in results["tests"]:
        assert set(test) <= TEST_KEYS and {"name", "score", "max_score", "output", "visibility"} <= set(test), test
        assert isinstance(test["name"], str) and isinstance(test["output"], str) and test["output"]
        assert 0 <= test["score"] <= test["max_score"] and test["visibility"] in VISIBILITIES
        assert test.get("status", "passed") in ("passed", "failed")
    assert results["score"] == sum(test["score"] for test in results["tests"])
    return results


def fake_root(tmp_path, files) -> Path:
    """``/autograder`` as Gradescope lays it out, with ``files`` ({path in the submission: bytes}) submitted."""
    root = tmp_path / "autograder"
    for name, data in files.items():
        path = root / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "submission").mkdir(parents=True, exist_ok=True)
    (root / "source").mkdir()
    return root


def run_autograder(root, *arguments, env=None, python=sys.executable):
    """What run_autograder does: the grader in a process of its own (it kills what the learner leaves behind)."""
    command = [python, "-m", "course_lib.grading.gradescope", "gradescope", "--root", str(root), *FAST,
               *arguments]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def notebook(learner) -> bytes:
    return (SUBMISSIONS / learner / f"{EXERCISE}.ipynb").read_bytes()


# --------------------------------------------------------------------------------------------------------
# Graded end to end (two gradings: a few seconds each)


def test_correct_solution_scores_full_marks_in_the_sandbox(tmp_path):
    root = fake_root(tmp_path, {f"{EXERCISE}.ipynb": notebook("solved")})
    run_autograder(root, "--exercise", EXERCISE)
    results = valid_results(root)
    assert results["score"] == MAX
    assert [test["name"] for test in results["tests"]] == list(checks.get_exercise(EXERCISE).tasks)
    assert sum(test["max_score"] for test in results["tests"]) == MAX
    assert all(test["status"] == "passed" for test in results["tests"])
    assert results["output"].startswith(f"{EXERCISE}: {MAX}/{MAX} points.")
    if SANDBOX:
        assert "without the course's sandbox" not in results["output"]


HOSTILE_CELL = """
import json, os, subprocess, sys, time
target, marks = TARGET, MARKS
try:  # as root without the sandbox, the kernel is an unprivileged uid: refused
    open(target, "w").write(json.dumps({"score": 999, "tests": []}))
    open(os.path.join(marks, "learner_wrote"), "w").close()
except PermissionError:
    open(os.path.join(marks, "learner_refused"), "w").close()
try:
    os.kill(os.getppid(), 0)  # signal 0: whether it could send the grader a signal, without sending one
    open(os.path.join(marks, "could_signal_grader"), "w").close()
except PermissionError:
    open(os.path.join(marks, "cannot_signal_grader"), "w").close()
# and once more later, from a process that leaves the notebook's session and outlives its kernel
writer = ("import os, sys, time\\nif os.fork():\\n    os._exit(0)\\n"  # an orphan at once: its parent is gone
          "open(os.path.join(sys.argv[2], 'writer_started'), 'w').close(); time.sleep(3)\\n"
          "open(sys.argv[1], 'w').write('{\\"score\\": 999}'); open(os.path.join(sys.argv[2], 'writer_done'), 'w').close()")
subprocess.Popen([sys.executable, "-c", writer, target, marks], start_new_session=True)
for _ in range(200):  # the writer runs before this cell ends
    if os.path.exists(os.path.join(marks, "writer_started")):
        break
    time.sleep(0.05)
"""


def test_without_bubblewrap_a_renamed_partly_wrong_notebook_is_graded_and_cannot_forge_its_results(open_folder):
    """bwrap that cannot create namespaces, as in Gradescope's containers: graded without it, and it says so.

    The notebook (monkeypatch: `weighted_sum` forgets the bias) is renamed and in a folder, and writes a
    results.json of 999 points, now and again 3 s later from a detached process. As root (Gradescope runs the
    grader as root) its kernel is an unprivileged uid: both writes are refused and it cannot signal the grader;
    as another user they succeed and the grader replaces the file. In a folder others may enter, as
    /autograder is, so that what stops the kernel is the permissions of the files themselves."""
    import nbformat

    tmp_path = open_folder
    root, marks = tmp_path / "autograder", tmp_path / "marks"
    marks.mkdir()
    marks.chmod(0o777)  # the learner's code reports what it managed here
    book = nbformat.reads(notebook("monkeypatch").decode("utf-8"), as_version=4)
    book.cells.append(nbformat.v4.new_code_cell(HOSTILE_CELL.replace("TARGET", repr(str(root / "results" / "results.json")))
                                                .replace("MARKS", repr(str(marks)))))
    root = fake_root(tmp_path, {f"work/{EXERCISE} (1).ipynb": nbformat.writes(book).encode("utf-8"),
                                "work/notes.txt": b"my notes"})
    (root / "results").mkdir()  # as Gradescope has it: root's, 0755
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "bwrap").write_text("#!/bin/sh\necho 'bwrap: Creating new namespace failed: Operation not "
                                    "permitted' >&2\nexit 1\n")
    (fake_bin / "bwrap").chmod(0o755)
    done = run_autograder(root, "--exercise", EXERCISE, python=open_python(),
                          env={**os.environ, "PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}"})
    assert "WITHOUT the sandbox" in done.stdout  # for the instructor, in Gradescope's stdout
    time.sleep(4)  # longer than the detached writer waits: it must be dead
    tried = ["cannot_signal_grader", "learner_refused"] if os.geteuid() == 0 else ["could_signal_grader",
                                                                                  "learner_wrote"]
    assert sorted(path.name for path in marks.iterdir()) == [*tried, "writer_started"]  # it did try
    results = valid_results(root)
    assert results["score"] == MAX - 2
    tests = {test["name"]: test for test in results["tests"]}
    assert tests["weighted_sum"]["score"] == 0 and tests["weighted_sum"]["status"] == "failed"
    assert "without the bias" in tests["weighted_sum"]["output"]  # the hint, as the learner's output
    assert sum(test["max_score"] for test in results["tests"]) == MAX
    assert f"Graded work/{EXERCISE} (1).ipynb as {EXERCISE}.ipynb." in results["output"]
    assert "Graded without the course's sandbox" in results["output"]
    assert "Creating new namespace failed" in results["output"]


# --------------------------------------------------------------------------------------------------------
# Nothing to run: in this process, no kernel


@pytest.fixture
def no_subreaper(monkeypatch):
    monkeypatch.setattr(kernel, "become_subreaper", lambda: True)  # leave the test process as it is


@pytest.mark.parametrize(("files", "words"), [
    ({}, ["this assignment grades 01_neurons.ipynb (Neurons)", "no files at all", "Upload 01_neurons.ipynb"]),
    ({"notes.txt": b"x", "02_numpy_forward_pass.ipynb": b"{}"},
     ["this assignment grades 01_neurons.ipynb", "02_numpy_forward_pass.ipynb, notes.txt"]),
    ({"a/01_neurons (1).ipynb": b"{}", "b/01_neurons (2).ipynb": b"{}", "c/Neurons.ipynb": b"{}"},
     ["several notebooks that could be 01_neurons.ipynb", "a/01_neurons (1).ipynb, b/01_neurons (2).ipynb)"]),
])
def test_missing_or_wrong_notebook_scores_zero_and_says_what_to_upload(tmp_path, no_subreaper, files, words):
    root = fake_root(tmp_path, files)
    assert gradescope.main(["gradescope", "--root", str(root), "--exercise", EXERCISE, "--no-sandbox"]) == 0
    results = valid_results(root)
    assert results["score"] == 0
    assert sum(test["max_score"] for test in results["tests"]) == MAX  # the total still shows out of 11
    for word in words:
        assert word in results["output"]
    assert all(word in test["output"] for test in results["tests"] for word in words[:1])


def test_unreadable_notebook_scores_zero_with_the_reason(tmp_path, no_subreaper):
    root = fake_root(tmp_path, {f"{EXERCISE}.ipynb": notebook("not_json")})
    assert gradescope.main(["gradescope", "--root", str(root), "--no-sandbox"]) == 0  # exercise from its name
    results = valid_results(root)
    assert results["score"] == 0 and sum(test["max_score"] for test in results["tests"]) == MAX
    assert "unreadable" in results["output"] and "not valid JSON" in results["output"]
    assert "Save the notebook in Jupyter" in results["output"]


def test_without_exercise_an_unnamed_submission_says_what_to_upload(tmp_path, no_subreaper):
    root = fake_root(tmp_path, {"homework.ipynb": b"{}"})
    assert gradescope.main(["gradescope", "--root", str(root), "--no-sandbox"]) == 0
    results = valid_results(root)
    assert results["score"] == 0 and results["tests"] == []
    assert "no exercise notebook (found: homework.ipynb)" in results["output"]


@pytest.mark.parametrize(("name", "expected"), [
    ("01_neurons.ipynb", "01_neurons"), ("01_neurons (2).ipynb", "01_neurons"), ("Neurons-Copy1.ipynb", "01_neurons"),
    ("1 neurons.ipynb", "01_neurons"), ("13_ensembles.ipynb", "13_ensembles"), ("10_data_augmentation.ipynb",
                                                                                 "10_data_augmentation"),
])
def test_notebook_names_point_at_their_exercise(tmp_path, name, expected):
    (tmp_path / name).write_text("{}")
    assert gradescope.find_notebook(tmp_path)[0] == expected


def test_the_name_closest_to_the_exercise_is_graded_as_collect_would_choose(tmp_path):
    for name in ("Neurons.ipynb", "01_neurons (1).ipynb", "Untitled.ipynb"):
        (tmp_path / name).write_text("{}")
    assert gradescope.find_notebook(tmp_path, EXERCISE)[1].name == "01_neurons (1).ipynb"
    (tmp_path / f"{EXERCISE}.ipynb").write_text("{}")
    assert gradescope.find_notebook(tmp_path, EXERCISE)[1:] == (tmp_path / f"{EXERCISE}.ipynb", "")


def test_unknown_exercise_is_an_instructor_mistake(tmp_path, capsys):
    assert gradescope.main(["gradescope", "--root", str(tmp_path), "--exercise", "99_nope"]) == 2
    assert "unknown exercise '99_nope'" in capsys.readouterr().err
    assert not (tmp_path / "results").exists()


# --------------------------------------------------------------------------------------------------------
# The zip


def test_bundle_holds_setup_run_autograder_and_the_course(tmp_path, no_subreaper):
    path = tmp_path / "autograder.zip"
    assert gradescope.main(["gradescope-bundle", EXERCISE, "--output", str(path), "--cell-timeout", "60"]) == 0
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        setup = archive.read("setup.sh").decode()
        run = archive.read("run_autograder").decode()
        requirements = archive.read("course/requirements.txt").decode()
    assert names[:2] == ["setup.sh", "run_autograder"]  # at the root of the zip, not in a folder
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert run.startswith("#!/usr/bin/env bash") and setup.startswith("#!/usr/bin/env bash")
    for name in ("course/pyproject.toml", "course/README.md", "course/course_lib/__init__.py",
                 "course/course_lib/grading/gradescope.py", f"course/course_lib/checks/tasks/ex{EXERCISE}.py"):
        assert name in names
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)
    assert "pip install --no-cache-dir -r /autograder/source/course/requirements.txt /autograder/source/course" in setup
    assert "bubblewrap" in setup
    assert "tensorflow" in requirements and "-e ." not in requirements
    # run_autograder's command is one this module takes: run it on a fake root (nothing submitted).
    line = next(line for line in run.splitlines() if "course_lib.grading.gradescope" in line)
    arguments = shlex.split(line)[shlex.split(line).index("gradescope"):]
    assert arguments[arguments.index("--exercise") + 1] == EXERCISE and "--cell-timeout" in arguments
    root = fake_root(tmp_path, {})
    arguments[arguments.index("--root") + 1] = str(root)
    assert gradescope.main([*arguments, "--no-sandbox"]) == 0
    assert valid_results(root)["score"] == 0
    # The same course gives the same zip.
    gradescope.bundle([EXERCISE], tmp_path / "again.zip", cell_timeout=60)
    assert (tmp_path / "again.zip").read_bytes() == path.read_bytes()


def test_bundle_refuses_unknown_exercises(tmp_path, capsys):
    assert gradescope.main(["gradescope-bundle", "99_nope", "--output", str(tmp_path / "a.zip")]) == 2
    assert "unknown exercise '99_nope'" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_run_autograder_script_grades_and_stands_in_when_the_grader_fails(tmp_path):
    """The zip's scripts run: setup.sh parses, and run_autograder (its /autograder paths pointed at a fake root and
    this environment) writes results.json; if the grader cannot run, it writes a failure of its own."""
    path = gradescope.bundle([EXERCISE], tmp_path / "autograder.zip")
    with zipfile.ZipFile(path) as archive:
        setup, run = archive.read("setup.sh").decode(), archive.read("run_autograder").decode()
    assert subprocess.run(["bash", "-n"], input=setup, text=True).returncode == 0
    root = fake_root(tmp_path, {"Untitled.ipynb": b"not a notebook"})
    script = run.replace(gradescope.VENV, sys.prefix).replace("/autograder", str(root))
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    results = valid_results(root)
    assert results["score"] == 0 and "Graded Untitled.ipynb as 01_neurons.ipynb" in results["output"]
    broken = script.replace(f"{sys.prefix}/bin/python", "false")  # the grader dies before writing anything
    (root / "results" / "results.json").write_text('{"score": 999, "tests": []}')  # e.g. what a learner left
    subprocess.run(["bash", "-c", broken], capture_output=True, text=True, timeout=60)
    results = valid_results(root)
    assert results["score"] == 0 and "autograder failed" in results["output"]
