"""Grading through a dask.distributed cluster (course_lib/grading/distributed.py): the same records as local
grading, a worker killed mid-run, a client killed mid-run and restarted, and the errors of a bad setup.

One LocalCluster of 2 worker processes (one thread each) serves the whole module."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from course_lib.grading import cli, sandbox  # noqa: E402
from course_lib.grading import distributed as cluster_grading  # noqa: E402
from course_lib.grading import pipeline as grading  # noqa: E402
from course_lib.grading.fingerprint import checks_version  # noqa: E402
from course_lib.grading.gradebook import DATABASE, Gradebook  # noqa: E402

SUBMISSIONS = Path(__file__).parent / "files" / "submissions"
EXERCISE = "01_neurons"
SANDBOX = sandbox.unavailable_reason() is None or os.environ.get("CI", "").lower() in ("1", "true", "yes")
LIMITS = {"cell_timeout": 10, "notebook_timeout": 120, "memory_mb": 1024, "sandbox": SANDBOX}
QUICK = ["solved", "blank", "renamed", "cells_edited", "monkeypatch", "nan_answer", "prints_passed", "always_equal"]
PROGRESS = re.compile(r"^\[(\d+)/(\d+), \d+\.\d/min, (\d+ s|\d+ min \d\d s|\d+ h \d\d min|\?) left\] ")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0",
                                  silence_logs=40) as local_cluster:
        yield local_cluster


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as watcher:
        yield watcher


def _class(folder, learners):
    for learner in learners:
        shutil.copytree(SUBMISSIONS / learner, folder / learner)
    return folder


def _verdicts(record):
    """What grading decided, without timings, seeds or the random inputs quoted in messages."""
    return (record["score"], record["max_score"], record["status"], record["sandboxed"], len(record["notes"]),
            [(task["task"], task["status"], task["points"]) for task in record["tasks"]],
            record["message"] if record["status"] == "unreadable" else "")


# --------------------------------------------------------------------------------------------------------
# The troublesome submissions: the cluster gives local grading's records


def test_the_cluster_grades_the_troublesome_submissions_as_local_grading_does(cluster, tmp_path):
    lines = []
    remote = grading.grade(SUBMISSIONS, tmp_path / "cluster", scheduler=cluster.scheduler_address,
                           progress=lines.append, **LIMITS)
    local = grading.grade(SUBMISSIONS, tmp_path / "local", workers=2, **LIMITS)
    learners = sorted(path.name for path in SUBMISSIONS.iterdir())
    assert sorted(record["learner"] for record in remote) == learners  # each once
    local = {record["learner"]: record for record in local}
    for record in remote:
        assert _verdicts(record) == _verdicts(local[record["learner"]]), record["learner"]
        assert record["checks_version"] == checks_version(EXERCISE) and record["sha256"]
    # the table of tests/test_grade.py, so that both agreeing on something wrong would fail too
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        from test_grade import EXPECTED
    finally:
        sys.path.remove(str(Path(__file__).parent))
    assert {record["learner"]: (record["score"], record["status"]) for record in remote} == {
        learner: expected[:2] for learner, expected in EXPECTED.items()}
    # progress: done/total, the rate and the time left, once per submission, counting up to the total
    counted = [PROGRESS.match(line) for line in lines if line.startswith("[")]
    assert all(counted) and [int(match[1]) for match in counted] == list(range(1, len(learners) + 1))
    assert {int(match[2]) for match in counted} == {len(learners)}
    with Gradebook(tmp_path / "cluster") as book:
        assert len(book) == len(learners)
    assert (tmp_path / "cluster" / "grades.csv").is_file() and (tmp_path / "cluster" / "summary.png").is_file()


# --------------------------------------------------------------------------------------------------------
# A worker killed mid-run; the client killed mid-run


def test_a_worker_killed_mid_run_costs_a_rerun_and_each_submission_is_graded_once(cluster, client, tmp_path):
    submissions = _class(tmp_path / "submissions", QUICK)
    killed = []

    def _executing(dask_worker):  # defined here, so that it travels to the workers by value
        return os.getpid(), [str(key) for key, task in dask_worker.state.tasks.items() if task.state == "executing"]

    def kill_a_busy_worker(line):
        if killed or not line.startswith("["):
            return
        for _ in range(100):  # wait until a worker is in the middle of a notebook
            busy = [(pid, keys) for pid, keys in client.run(_executing).values() if keys]
            if busy:
                os.kill(busy[0][0], signal.SIGKILL)
                killed.append(busy[0])
                return
            time.sleep(0.05)

    records = grading.grade(submissions, tmp_path / "out", scheduler=cluster.scheduler_address,
                            progress=kill_a_busy_worker, **LIMITS)
    assert killed, "no worker was busy: nothing was tested"
    assert sorted(record["learner"] for record in records) == sorted(QUICK)  # each exactly once
    assert all(record["status"] == "ok" and record["sandboxed"] == SANDBOX for record in records), records
    scores = {record["learner"]: record["score"] for record in records}
    assert scores["solved"] == 11 and scores["blank"] == 0 and scores["renamed"] == 9
    with Gradebook(tmp_path / "out") as book:
        assert len(book) == len(QUICK)
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it, for the tests after this one


def test_a_client_killed_mid_run_resumes_grading_only_what_is_left(cluster, tmp_path):
    submissions = _class(tmp_path / "submissions", [*QUICK, "loop_in_cell"])
    out = tmp_path / "out"
    command = [sys.executable, "-m", "course_lib.grade", str(submissions), "--output", str(out), "--cell-timeout", "5",
               "--scheduler", cluster.scheduler_address, "--quiet", *([] if SANDBOX else ["--no-sandbox"])]
    process = subprocess.Popen(command, start_new_session=True)
    before, deadline = [], time.monotonic() + 120
    while time.monotonic() < deadline and not before:
        if (out / DATABASE).is_file():
            with Gradebook(out) as book:
                before = list(book.records(answers=False))
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    with Gradebook(out) as book:
        before = {record["learner"]: record for record in book.records(answers=False)}
    assert 1 <= len(before) < len(QUICK) + 1
    again = grading.grade(submissions, out, scheduler=cluster.scheduler_address, **dict(LIMITS, cell_timeout=5))
    assert sorted(record["learner"] for record in again) == sorted(set(QUICK + ["loop_in_cell"]) - set(before))
    with Gradebook(out) as book:
        after = {record["learner"]: record for record in book.records(answers=False)}
    assert sorted(after) == sorted([*QUICK, "loop_in_cell"])
    for learner, record in before.items():  # what was recorded before the kill was kept, not graded again
        assert after[learner]["graded_at"] == record["graded_at"] and after[learner]["seed"] == record["seed"]
    assert after["loop_in_cell"]["status"] == "timeout"


# --------------------------------------------------------------------------------------------------------
# A bad setup: a clear error, nothing written


def test_an_unreachable_scheduler_stops_with_a_message_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cluster_grading, "CONNECT_TIMEOUT_S", 2)
    submissions = _class(tmp_path / "submissions", ["solved"])
    assert cli.main([str(submissions), "--output", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:1"]) == 2
    error = capsys.readouterr().err
    assert "no dask scheduler answered at 'tcp://127.0.0.1:1' within 2 s" in error and "dask scheduler" in error
    assert cli.main([str(submissions), "--output", str(tmp_path / "out"), "--scheduler", "not an address"]) == 2
    assert "expected the address a running `dask scheduler` prints" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def _solved_bytes():
    return (SUBMISSIONS / "solved" / f"{EXERCISE}.ipynb").read_bytes()


def test_a_worker_without_bubblewrap_records_that_instead_of_grading_unsandboxed(monkeypatch):
    monkeypatch.setattr(cluster_grading, "worker_sandbox_problem", lambda: "bubblewrap (bwrap) is not installed")
    record = cluster_grading.grade_on_worker("ada", EXERCISE, _solved_bytes(), dict(LIMITS, sandbox=True),
                                             checks_version(EXERCISE))
    assert (record["status"], record["score"], record["learner"]) == ("error", 0, "ada")
    assert "cannot run the sandbox (bubblewrap (bwrap) is not installed)" in record["message"]
    assert not record["sha256"]  # so the next run grades it again


def test_a_cluster_whose_workers_cannot_sandbox_is_refused_before_grading(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster_grading, "worker_sandbox_problem", lambda: "bubblewrap (bwrap) is not installed")
    submissions = _class(tmp_path / "submissions", ["solved"])
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=":0", silence_logs=40) as threads:
        with pytest.raises(grading.GradingError, match=r"1 of 1 dask worker\(s\) cannot run the bubblewrap sandbox"):
            grading.grade(submissions, tmp_path / "out", scheduler=threads.scheduler_address, **LIMITS)
    assert not (tmp_path / "out").exists()


def test_a_worker_with_other_checks_says_so(tmp_path):
    record = cluster_grading.grade_on_worker("ada", EXERCISE, _solved_bytes(), LIMITS, "0123456789abcdef")
    assert (record["status"], record["score"]) == ("error", 0)
    assert "other checks for 01_neurons" in record["message"] and "same version of the course" in record["message"]
