"""The grading command on a class of troublesome submissions (tests/files/submissions, made by
tests/files/make_submissions.py), plus its command line, resuming and the gradebook files."""

import atexit
import csv
import functools
import html
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from course_lib import checks
from course_lib.grading import cli, sandbox
from course_lib.grading import pipeline as grading
from course_lib.grading.gradebook import CSV_COLUMNS, STATUSES, Gradebook

FILES = Path(__file__).parent / "files"
SUBMISSIONS = FILES / "submissions"
EXERCISE = "01_neurons"
HOSTILE_NAMES = ["; rm -rf ~", "<img src=x onerror=alert(1)>", "-rf", "=HYPERLINK(\"http:\")", "Zoë 😀 o'brien",
                 "a\nnewline", "-- --help"]
# Graded in the sandbox wherever bubblewrap works, and always in CI (CI=true), where its absence is a failure.
SANDBOX = sandbox.unavailable_reason() is None or os.environ.get("CI", "").lower() in ("1", "true", "yes")
OPTIONS = {"workers": 2, "cell_timeout": 10, "notebook_timeout": 120, "memory_mb": 1024, "sandbox": SANDBOX}

# learner -> (score, status, {task: (status, words its message must contain)})
EXPECTED = {
    "solved": (11, "ok", {}),
    "blank": (0, "ok", {task: ("not attempted", "NotImplementedError") for task in
                        ("weighted_sum", "sigmoid", "relu", "and_gate", "xor_network", "softmax")}),
    "loop_in_cell": (11, "timeout", {}),
    "loop_ignores_interrupt": (9, "timeout", {"softmax": ("error", "endless loop")}),
    "os_exit": (11, "kernel_died", {}),
    "segfault": (9, "kernel_died", {"and_gate": ("error", "kernel died")}),
    "memory_bomb": (11, "ok", {}),
    "huge_output": (11, "ok", {}),
    "old_format": (11, "ok", {}),
    "cells_edited": (9, "ok", {"and_gate": ("not defined", "`and_gate` is not defined")}),
    "tags_and_metadata": (11, "ok", {}),
    "renamed": (9, "ok", {"softmax": ("not defined", "did you rename `softmax`")}),
    "stderr_warnings": (11, "ok", {}),
    "monkeypatch": (9, "ok", {"weighted_sum": ("failed", "without the bias")}),
    "always_equal": (10, "ok", {"relu": ("failed", "AlwaysEqual")}),
    "malicious_pickle": (10, "ok", {"relu": ("failed", "bytes")}),
    "numpy_subclass": (10, "ok", {"relu": ("failed", "is wrong")}),
    "nan_answer": (9, "ok", {"sigmoid": ("failed", "NaN")}),
    "prints_passed": (9, "ok", {"softmax": ("failed", "divides z by its sum")}),
    "fake_result_files": (11, "ok", {}),
    "background_process": (11, "ok", {}),
    "not_json": (0, "unreadable", "not valid JSON"),
    "json_list": (0, "unreadable", "JSON list"),
    "unknown_version": (0, "unreadable", "version 99"),
    "empty": (0, "unreadable", "empty"),
    "binary": (0, "unreadable", "not text"),
}


@functools.lru_cache(maxsize=None)
def open_python() -> str:
    """A Python, with this environment's packages, that the kernel can run without the sandbox.

    As root, grading without the sandbox runs the kernel as an unprivileged uid, which must be able to run the
    grader's Python. This one's, if so (or when not root); else a virtual environment, in an open temporary
    folder, of the system's Python of the same version that reads this environment's packages: a pyenv Python
    under ``/root`` (0700), as on the course's machines, is closed to other users. Skips when there is none.
    """
    from course_lib.grading.kernel import _kernel_paths, closed_to_others

    closed = closed_to_others(_kernel_paths())
    if os.geteuid() != 0 or closed is None:
        return sys.executable
    system = shutil.which(f"python{sys.version_info.major}.{sys.version_info.minor}", path="/usr/bin:/usr/local/bin")
    if system is None:
        pytest.skip(f"no Python an unprivileged user can run: {closed}")
    folder = Path(tempfile.mkdtemp(prefix="nn-course-python-"))
    folder.chmod(0o755)
    atexit.register(shutil.rmtree, folder, True)
    subprocess.run([system, "-m", "venv", "--without-pip", str(folder)], check=True, capture_output=True)
    python = folder / "bin" / "python"
    theirs = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            check=True, capture_output=True, text=True).stdout.strip()
    ours = sysconfig.get_paths()["purelib"]
    Path(theirs, "nn_course_environment.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    return str(python)


def _sleepers():
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"98765" in command and b"sleep" in command:
                found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade every fixture, plus copies of the solved notebook under hostile learner names, in one run."""
    root = tmp_path_factory.mktemp("class")
    submissions = root / "submissions"
    shutil.copytree(SUBMISSIONS, submissions)
    for name in HOSTILE_NAMES:
        (submissions / name).mkdir()
        shutil.copy(SUBMISSIONS / "solved" / f"{EXERCISE}.ipynb", submissions / name)
    (submissions / "solved" / "notes.txt").write_text("not a notebook")
    (submissions / "solved" / "01_neurons (1).ipynb").write_text("{}")
    Path("/tmp/pwned").unlink(missing_ok=True)
    lines = []
    started = time.monotonic()
    records = grading.grade(submissions, root / "out", progress=lines.append, **OPTIONS)
    return {"records": {record["learner"]: record for record in records}, "out": root / "out", "lines": lines,
            "seconds": time.monotonic() - started}


@pytest.mark.parametrize("learner", sorted(EXPECTED))
def test_each_submission_gets_its_own_result(graded, learner):
    score, status, expected = EXPECTED[learner]
    record = graded["records"][learner]
    assert (record["score"], record["status"]) == (score, status), record
    if isinstance(expected, str):  # unreadable: the reason is in the message
        assert expected in record["message"]
        return
    tasks = {task["task"]: task for task in record["tasks"]}
    assert len(tasks) == 6
    for name, task in tasks.items():
        want_status, words = expected.get(name, ("passed", ""))
        assert task["status"] == want_status, (name, task)
        assert words in task["message"], (name, task["message"])


def test_troubles_are_explained_in_notes(graded):
    records = graded["records"]
    assert any("did not finish within 10 s" in note for note in records["loop_in_cell"]["notes"])
    assert any("killed the kernel" in note for note in records["os_exit"]["notes"])
    assert any("MemoryError" in note for note in records["memory_bomb"]["notes"])
    assert records["solved"]["notes"] == []


def test_hostile_learner_names_are_graded_and_escaped(graded):
    for name in HOSTILE_NAMES:
        record = graded["records"][name]
        assert (record["score"], record["status"]) == (11, "ok")
        page = (graded["out"] / "feedback" / name / f"{EXERCISE}.html").read_text(encoding="utf-8")
        assert html.escape(name) in page
        assert "<img" not in page
    with open(graded["out"] / "grades.csv", newline="", encoding="utf-8") as handle:
        learners = [row["learner"] for row in csv.DictReader(handle)]
    assert "'=HYPERLINK(\"http:\")" in learners and "'-rf" in learners  # no formulas for spreadsheets
    assert "a\nnewline" in learners


def test_gradebook_is_complete_and_valid(graded):
    out = graded["out"]
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    assert len(rows) == len(EXPECTED) + len(HOSTILE_NAMES)
    assert all(row["status"] in STATUSES and row["exercise"] == EXERCISE for row in rows)
    assert not any(row["score"] == "999" for row in rows)  # the fake result files changed nothing
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert len(results["submissions"]) == len(rows)
    for record in results["submissions"]:
        assert record["max_score"] == 11 and record["score"] == sum(task["points"] for task in record["tasks"])
        assert (out / "feedback" / record["learner"] / f"{EXERCISE}.html").is_file()
    assert (out / "summary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(out.glob(".*.tmp"))


def test_nothing_is_left_running_or_unpickled(graded):
    assert _sleepers() == []
    assert not Path("/tmp/pwned").exists()


def test_progress_and_skipped_files_are_reported(graded):
    lines = graded["lines"]
    assert sum(line.startswith("[") for line in lines) == len(EXPECTED) + len(HOSTILE_NAMES)
    assert any("01_neurons (1).ipynb: not the name of an exercise notebook" in line for line in lines)


# --------------------------------------------------------------------------------------------------------
# Reading notebooks, without a kernel


@pytest.mark.parametrize(("case", "words"), [(name, EXPECTED[name][2]) for name in EXPECTED
                                             if EXPECTED[name][1] == "unreadable"])
def test_unreadable_files_are_named(case, words):
    with pytest.raises(grading.Unreadable, match=words):
        grading.read_code_cells(SUBMISSIONS / case / f"{EXERCISE}.ipynb")


def test_old_notebook_format_is_converted():
    old = grading.read_code_cells(SUBMISSIONS / "old_format" / f"{EXERCISE}.ipynb")
    assert old == grading.read_code_cells(SUBMISSIONS / "solved" / f"{EXERCISE}.ipynb")


# --------------------------------------------------------------------------------------------------------
# The command line: the instructor's mistakes, resuming, --force, --exercise


def _class(tmp_path, learners=("solved", "blank")):
    submissions = tmp_path / "submissions"
    for learner in learners:
        shutil.copytree(SUBMISSIONS / learner, submissions / learner)
    return submissions


@pytest.mark.parametrize(("arguments", "message"), [
    (["missing-folder"], "no submissions folder"),
    (["empty-folder"], "nothing to grade"),
    (["submissions", "--exercise", "99_nope"], "unknown exercise '99_nope'"),
    (["submissions", "--workers", "0"], "workers must be a positive number"),
])
def test_instructor_mistakes_exit_2_with_a_message(tmp_path, capsys, monkeypatch, arguments, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty-folder").mkdir()
    _class(tmp_path, ["solved"])
    assert cli.main([*arguments, "--output", "out"]) == 2
    assert message in capsys.readouterr().err


def test_rerun_grades_only_what_changed_and_force_regrades(tmp_path):
    submissions = _class(tmp_path)
    out = tmp_path / "out"
    options = dict(OPTIONS, workers=1)
    first = grading.grade(submissions, out, **options)
    assert sorted(record["learner"] for record in first) == ["blank", "solved"]
    lines = []
    assert grading.grade(submissions, out, progress=lines.append, **options) == []
    assert sum("unchanged, not regraded" in line for line in lines) == 2
    shutil.copy(SUBMISSIONS / "solved" / f"{EXERCISE}.ipynb", submissions / "blank")
    again = grading.grade(submissions, out, **options)
    assert [(record["learner"], record["score"]) for record in again] == [("blank", 11)]
    assert len(grading.grade(submissions, out, force=True, **options)) == 2
    assert len(Gradebook(out)) == 2


def test_exercise_option_grades_only_that_exercise(tmp_path):
    submissions = _class(tmp_path, ["solved"])
    (submissions / "solved" / "02_numpy_forward_pass.ipynb").write_text("[]")
    records = grading.grade(submissions, tmp_path / "out", exercise=EXERCISE, **dict(OPTIONS, workers=1))
    assert [record["exercise"] for record in records] == [EXERCISE]


def _recorded(out):
    """The records in ``out``'s database so far, read only (an empty list before it exists)."""
    if not (out / "gradebook.sqlite").is_file():
        return []
    db = sqlite3.connect(f"file:{out / 'gradebook.sqlite'}?mode=ro", uri=True)
    try:
        return [json.loads(text) for (text,) in db.execute("SELECT record FROM records")]
    except sqlite3.OperationalError:  # its tables are not made yet
        return []
    finally:
        db.close()


def test_killed_grader_loses_nothing_and_resumes_without_duplicates(tmp_path):
    submissions = _class(tmp_path, ["solved", "blank", "loop_in_cell", "stderr_warnings"])
    out = tmp_path / "out"
    command = [sys.executable, "-m", "course_lib.grade", str(submissions), "--output", str(out), "--workers", "1",
               "--cell-timeout", "10", "--quiet", *([] if SANDBOX else ["--no-sandbox"])]
    process = subprocess.Popen(command, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not _recorded(out):
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    before = _recorded(out)  # the database, as the killed run left it (the exports come at the end of a run)
    assert 1 <= len(before) < 4
    subprocess.run(command, check=True, timeout=300)
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(row["learner"] for row in rows) == ["blank", "loop_in_cell", "solved", "stderr_warnings"]
    after = {record["learner"]: record for record in
             json.loads((out / "results.json").read_text(encoding="utf-8"))["submissions"]}
    for record in before:  # what was graded before the kill was kept, not graded again
        assert after[record["learner"]]["graded_at"] == record["graded_at"]


def test_console_script_and_module_are_the_same_command():
    for command in (["course-grade", "--help"], [sys.executable, "-m", "course_lib.grade", "--help"]):
        executable = shutil.which(command[0]) or str(Path(sys.executable).parent / command[0])
        shown = subprocess.run([executable, *command[1:]], capture_output=True, text=True, check=True).stdout
        for option in ("--output", "--workers", "--cell-timeout", "--notebook-timeout", "--memory-mb",
                       "--exercise", "--force"):
            assert option in shown


# --------------------------------------------------------------------------------------------------------
# Forged answers, end to end: no working function, no points, whatever the kernel sends

FORGER = """\
import json
import numpy as np
import course_lib.checks as _checks
from IPython.display import publish_display_data

def _forged_emit(exercise, names, seed, token):
    # A learner who read the grader: publish a well-formed answer of every task's declared structure,
    # and a verdict for good measure, under the grader's own token.
    ex = _checks.get_exercise(exercise)
    for name in ex.tasks:
        task = ex[name]
        example = task.answer_spec(task.inputs(np.random.default_rng(seed))).example()
        for answer in ({"status": "answered", "data": example}, {"status": "passed", "points": task.points}):
            payload = json.dumps({"token": token, "task": name, "answer": answer})
            publish_display_data({_checks.ANSWER_MIME: payload, "text/plain": ""})

_checks.emit_answers = _forged_emit
_checks.judge_answer = lambda task, answer, seed: _checks.Result(task.name, "passed", task.points, task.points)
"""


def test_forged_answers_score_zero_in_every_exercise(tmp_path):
    """Untouched exercise notebooks whose kernel forges every answer: 0 points on every task of every exercise."""
    import nbformat
    from nbformat.v4 import new_code_cell

    submissions = tmp_path / "submissions" / "forger"
    submissions.mkdir(parents=True)
    exercises = sorted((Path(__file__).resolve().parent.parent / "exercises").glob("[0-9][0-9]_*.ipynb"))
    for path in exercises:
        notebook = nbformat.read(path, as_version=4)
        at = next(i for i, cell in enumerate(notebook.cells) if "checker(" in cell.source) + 1
        notebook.cells.insert(at, new_code_cell(FORGER))
        nbformat.write(notebook, submissions / path.name)
    # A cell limit for a loaded machine: importing TensorFlow alone can pass OPTIONS' 10 s when the suite runs in
    # parallel, and a timeout here would say nothing about forged answers.
    records = grading.grade(tmp_path / "submissions", tmp_path / "out",
                            **dict(OPTIONS, cell_timeout=60, notebook_timeout=300))
    assert len(records) == len(exercises) == len(checks.exercise_names())
    for record in records:
        assert (record["status"], record["notes"]) == ("ok", []), record  # the forger's kernel really ran
        assert record["score"] == 0, [(task["task"], task["status"], task["message"]) for task in record["tasks"]]
        assert all(task["status"] != "passed" and task["message"] for task in record["tasks"]), record["tasks"]


# --------------------------------------------------------------------------------------------------------
# Without bubblewrap: a clear stop, or an explicit --no-sandbox with a warning


def test_missing_bubblewrap_stops_with_how_to_install_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sandbox, "unavailable_reason", lambda: "bubblewrap (bwrap) is not installed: install it "
                                                               "with `sudo apt-get install bubblewrap`")
    submissions = _class(tmp_path, ["solved"])
    assert cli.main([str(submissions), "--output", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "sudo apt-get install bubblewrap" in error and "--no-sandbox" in error
    assert not (tmp_path / "out").exists()  # nothing graded, nothing written


def test_no_sandbox_grades_with_a_warning_in_the_summary(tmp_path):
    submissions = _class(tmp_path, ["solved"])
    out = tmp_path / "out"
    done = subprocess.run([open_python(), "-m", "course_lib.grade", str(submissions), "--output", str(out),
                           "--workers", "1", "--no-sandbox"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stderr.count("WITHOUT the sandbox") == 2  # at the start and in the run's summary
    record = json.loads((out / "results.json").read_text(encoding="utf-8"))["submissions"][0]
    assert (record["score"], record["sandboxed"]) == (11, False)


def test_grading_works_in_a_process_that_has_used_tensorflow(tmp_path):
    """A notebook or a test run that trained a Keras model can still grade: the workers are not forked from it."""
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.zeros((4, 3)), np.zeros((4, 2)), epochs=1, verbose=0)
    model.predict(np.zeros((2, 3)), verbose=0)
    records = grading.grade(_class(tmp_path, ["solved"]), tmp_path / "out", **OPTIONS)
    assert [(record["learner"], record["status"], record["score"]) for record in records] == [
        ("solved", "ok", records[0]["max_score"])]


# --------------------------------------------------------------------------------------------------------
# Without the sandbox, as root (Gradescope's container): the kernel still runs as an unprivileged uid

AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="the kernel changes uid only when the grader is root")

INTRUDER = """\
import json, os, signal, subprocess
exchange = EXCHANGE
report = {"uid": os.getuid(), "home": os.environ["HOME"], "token": os.environ.get("NN_TEST_GRADER_TOKEN")}

def attempt(name, action):
    try:
        action()
        report[name] = "done"
    except PermissionError:
        report[name] = "PermissionError"
    except Exception as error:
        report[name] = f"{type(error).__name__}: {error}"

def write(path):
    with open(path, "a") as handle:
        handle.write("the learner was here")

attempt("own folder", lambda: write("mine.txt"))
attempt("own home", lambda: write(os.path.join(os.environ["HOME"], "mine.txt")))
attempt("beside the submissions", lambda: write(os.path.join(SUBMISSIONS, "planted.py")))
attempt("the submission", lambda: write(os.path.join(SUBMISSIONS, "intruder", "01_neurons.ipynb")))
attempt("output folder", lambda: write(os.path.join(OUTPUT, "planted.txt")))
attempt("gradebook", lambda: write(os.path.join(OUTPUT, "gradebook.sqlite")))
attempt("grading folder", lambda: write(os.path.join(os.path.dirname(os.getcwd()), "planted.txt")))
attempt("root's file", lambda: write(ROOT_FILE))
subprocess.Popen(["sleep", "97531"], start_new_session=True)  # detached: it must not outlive the grading
attempt("kill parent", lambda: os.kill(os.getppid(), signal.SIGKILL))
attempt("kill grader", lambda: os.kill(int(open(os.path.join(exchange, "grader.pid")).read()), signal.SIGKILL))
with open(os.path.join(exchange, "report.json"), "w") as handle:
    json.dump(report, handle)
"""


@pytest.fixture
def open_folder():
    """A temporary folder others may enter (pytest's own are root's, 0700, which would stop the kernel anyway)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="nn-course-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@AS_ROOT
def test_without_sandbox_as_root_the_kernel_is_not_root(open_folder):
    """A solved notebook that also tries to write the grader's files and to kill the grader: full marks, and
    every attempt refused, as a uid of the sandbox's range; what it left running is gone."""
    import nbformat

    submissions, out, exchange = open_folder / "submissions", open_folder / "out", open_folder / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    root_file = open_folder / "root's.txt"
    root_file.write_text("root's own")
    root_file.chmod(0o644)
    book = nbformat.read(SUBMISSIONS / "solved" / f"{EXERCISE}.ipynb", as_version=4)
    intruder = INTRUDER.replace("EXCHANGE", repr(str(exchange))).replace("SUBMISSIONS", repr(str(submissions)))
    intruder = intruder.replace("OUTPUT", repr(str(out))).replace("ROOT_FILE", repr(str(root_file)))
    book.cells.append(nbformat.v4.new_code_cell(intruder))
    (submissions / "intruder").mkdir(parents=True)
    nbformat.write(book, submissions / "intruder" / f"{EXERCISE}.ipynb")
    command = [sys.executable, "-m", "course_lib.grade", str(submissions), "--output", str(out), "--workers", "1",
               "--cell-timeout", "30", "--memory-mb", "1024", "--quiet", "--no-sandbox"]
    command[0] = open_python()
    grader = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "NN_TEST_GRADER_TOKEN": "secret"})
    (exchange / "grader.pid").write_text(str(grader.pid))
    _, errors = grader.communicate(timeout=300)
    assert grader.returncode == 0, errors[-3000:]  # the grader survived (a SIGKILL would be -9)
    report = json.loads((exchange / "report.json").read_text(encoding="utf-8"))
    assert report.pop("uid") >= sandbox.UID_BASE
    assert not report.pop("home").startswith("/root") and report.pop("token") is None
    assert report == {"own folder": "done", "own home": "done", **{attempt: "PermissionError" for attempt in (
        "beside the submissions", "the submission", "output folder", "gradebook", "grading folder", "root's file",
        "kill parent", "kill grader")}}
    assert root_file.read_text() == "root's own" and not (submissions / "planted.py").exists()
    record = json.loads((out / "results.json").read_text(encoding="utf-8"))["submissions"][0]
    assert (record["score"], record["max_score"], record["status"], record["sandboxed"]) == (11, 11, "ok", False)
    assert not [entry for entry in Path("/proc").iterdir() if entry.name.isdigit()
                and b"97531" in (entry / "cmdline").read_bytes()]


def test_without_sandbox_the_kernel_changes_uid_only_for_root(tmp_path, monkeypatch):
    from course_lib.grading import kernel

    assert kernel.own_user(tmp_path, sandbox=True) is None  # the sandbox picks its own uid
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert kernel.own_user(tmp_path, sandbox=False) is None
    assert list(tmp_path.iterdir()) == []  # nothing made, nothing handed over


def test_without_sandbox_as_root_a_python_others_cannot_run_is_an_error_not_a_root_kernel(open_folder, monkeypatch):
    """Where the kernel's uid could not run Python (a pyenv under /root, 0700), the notebook is not graded, and the
    record says why, rather than its code running as root after all. No kernel starts: as any user."""
    from course_lib.grading import kernel
    from course_lib.grading.submissions import Submission

    closed = open_folder / "closed"
    (closed / "bin").mkdir(parents=True)
    (closed / "bin" / "python").write_text("")
    (closed / "bin" / "python").chmod(0o755)
    assert kernel.closed_to_others([closed / "bin" / "python"]) is None
    closed.chmod(0o700)
    monkeypatch.setattr(kernel, "_kernel_paths", lambda: [closed / "bin" / "python"])
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    submission = Submission("solved", EXERCISE, SUBMISSIONS / "solved" / f"{EXERCISE}.ipynb")
    record = grading.grade_submission(submission, sandbox=False)
    assert (record["status"], record["score"]) == ("error", 0)
    assert f"others may not enter {closed} (mode 0700)" in record["message"], record["message"]
