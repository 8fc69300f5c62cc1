"""The bubblewrap sandbox around each grading kernel (course_lib/grading/sandbox.py): one class of hostile
learners, graded once, each trying one way out; plus the availability probe and the command line."""

import hashlib
import json
import os
import socket
import stat
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from course_lib.grading import pipeline, sandbox
from course_lib.grading.kernel import Step, execute_steps

ROOT = Path(__file__).resolve().parent.parent
SOLVED = Path(__file__).parent / "files" / "submissions" / "solved" / "01_neurons.ipynb"
NAME = "01_neurons.ipynb"
SECRET = "instructor-secret-7f3a9c"  # in a file outside the course, under the grader's HOME and in its environment
MARKER = "classmate-marker-51d2"  # only in the classmate's notebook

# Without bubblewrap these tests are skipped with the reason, except in CI (CI=true), where that is a failure.
_IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
needs_bwrap = pytest.mark.skipif(sandbox.unavailable_reason() is not None and not _IN_CI,
                                 reason=str(sandbox.unavailable_reason()))


def _hostile(source: str, after: str = 'check("weighted_sum")', prelude: str = ""):
    """The worked solution of exercise 01 with one code cell (``prelude`` then ``source``) inserted after the
    cell containing ``after``."""
    notebook = nbformat.read(SOLVED, as_version=4)
    at = next(i for i, cell in enumerate(notebook.cells) if after in cell.source) + 1
    notebook.cells.insert(at, nbformat.v4.new_code_cell(prelude + textwrap.dedent(source)))
    return notebook


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if text.encode() in command:
                found.append(f"{entry.name}: {command[:200]!r}")
    return found


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    """Grade, once and sandboxed, a class of learners each trying one way out, and two honest classmates."""
    root = tmp_path_factory.mktemp("hostile")
    submissions, out = root / "submissions", root / "out"
    scratch = tmp_path_factory.mktemp("scratch")  # the grader's temporary folders; kernels see their own path
    classmate = submissions / "classmate" / NAME
    outside = Path(tempfile.mkdtemp(prefix="nn-course-outside-"))  # a folder outside everything the grader knows
    (outside / "secret.txt").write_text(SECRET)
    grader_home = root / "grader-home"
    grader_home.mkdir()
    (grader_home / ".secret").write_text(SECRET)
    localhost = socket.create_server(("127.0.0.1", 0))
    localhost.setblocking(False)
    abstract = socket.socket(socket.AF_UNIX)
    abstract_name = f"\0nn-course-test-{os.getpid()}"
    abstract.bind(abstract_name)
    abstract.listen()
    abstract.setblocking(False)
    paths = {"CLASSMATE": str(classmate), "SUBMISSIONS": str(submissions), "OUT": str(out),
             "SECRET_FILES": [str(outside / "secret.txt"), str(grader_home / ".secret")],
             "PORT": localhost.getsockname()[1], "ABSTRACT": abstract_name, "REPO": str(ROOT),
             "COURSE_LIB": str(ROOT / "course_lib"), "PREFIX": sys.prefix, "BASE_PREFIX": sys.base_prefix}
    given = "".join(f"{key} = {value!r}\n" for key, value in paths.items())
    learners = {
        "a_killer": _hostile("""
            import os, signal
            for pid in os.listdir("/proc"):
                if pid.isdigit() and int(pid) != os.getpid():
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except OSError:
                        pass
            try:
                os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
            """),
        "classmate": _hostile(f"# {MARKER}\nnote = 'mine'"),
        "forkbomb": _hostile("import os\nwhile True:\n    os.fork()", after='check("relu")'),
        "gradebook": _hostile(prelude=given, source="""
            import os
            wrote = []
            for name in ("grades.csv", "results.json", "hacked.txt", "feedback/classmate/01_neurons.html"):
                try:
                    with open(os.path.join(OUT, name), "w") as handle:
                        handle.write("learner,exercise,score,max_score,status\\ngradebook,01_neurons,999,11,ok\\n")
                    wrote.append(name)
                except OSError:
                    pass
            raise RuntimeError(f"GRADEBOOK wrote {wrote}")
            """),
        "network": _hostile(prelude=given, source="""
            import socket
            report = []
            for address in [("127.0.0.1", PORT), ("8.8.8.8", 53), ("10.0.0.1", 80)]:
                try:
                    socket.create_connection(address, timeout=3).close()
                    report.append(f"{address} CONNECTED")
                except OSError as error:
                    report.append(f"{address} {type(error).__name__}")
            unix = socket.socket(socket.AF_UNIX)
            try:
                unix.connect(ABSTRACT)
                report.append("abstract socket CONNECTED")
            except OSError as error:
                report.append(f"abstract socket {type(error).__name__}")
            raise RuntimeError("NETWORK " + "; ".join(report))
            """),
        "secret": _hostile(prelude=given, source="""
            import os
            seen = []
            for path in SECRET_FILES:
                try:
                    seen.append(open(path).read())
                except OSError as error:
                    seen.append(type(error).__name__)
            tokens = {key: value for key, value in os.environ.items() if "TOKEN" in key or "SECRET" in key}
            raise RuntimeError("SECRET " + " | ".join(seen) + f" | {tokens}")
            """),
        "snoop": _hostile(prelude=given, source="""
            import os
            found = []
            for path in (CLASSMATE, SUBMISSIONS, os.path.dirname(SUBMISSIONS), OUT):
                try:
                    found.append(f"listed {path}: {os.listdir(path)[:3]}" if os.path.isdir(path)
                                 else f"read {path}: {len(open(path).read())} chars")
                except OSError:
                    pass
            try:
                with open(CLASSMATE, "w") as handle:
                    handle.write("{}")
                found.append("overwrote the classmate")
            except OSError:
                pass
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                for link in ("cwd", "root"):
                    try:
                        names = os.listdir(f"/proc/{pid}/{link}")
                    except OSError:
                        continue
                    if any(name.endswith(".ipynb") or name in ("submissions", "out") for name in names):
                        found.append(f"/proc/{pid}/{link}: {names[:5]}")
                try:
                    if b"submissions" in open(f"/proc/{pid}/cmdline", "rb").read():
                        found.append(f"/proc/{pid}/cmdline")
                except OSError:
                    pass
            for top in ("/tmp", "/root", "/home", "/work", "/var", os.path.dirname(SUBMISSIONS)):
                for folder, _, files in os.walk(top):
                    found += [os.path.join(folder, name) for name in files
                              if name.endswith(".ipynb") or name in ("grades.csv", "results.json")]
            raise RuntimeError(f"SNOOP found {len(found)}: {found[:4]}")
            """),
        "writer": _hostile(prelude=given, source="""
            import os
            wrote = []
            for folder in (COURSE_LIB, os.path.join(COURSE_LIB, "grading"), PREFIX, BASE_PREFIX, REPO, "/usr/local",
                           "/etc", "/", os.path.dirname(SUBMISSIONS)):
                try:
                    with open(os.path.join(folder, "PWNED_BY_LEARNER"), "w") as handle:
                        handle.write("x")
                    wrote.append(folder)
                except OSError:
                    pass
            raise RuntimeError(f"WRITER wrote {wrote}; uid {os.getuid()}")
            """),
        "z_after": _hostile("note = 'graded after the others'"),
    }
    for learner, notebook in learners.items():
        (submissions / learner).mkdir(parents=True)
        nbformat.write(notebook, submissions / learner / NAME)
    before = _sha256(classmate)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(grader_home))
        patch.setenv("NN_TEST_TOKEN", SECRET)
        patch.setattr(tempfile, "tempdir", str(scratch))  # every workdir, so every sandbox, lies under scratch
        started = time.monotonic()
        records = pipeline.grade(submissions, out, workers=2, cell_timeout=10, notebook_timeout=120, memory_mb=1024,
                                 sandbox=True)
        seconds = time.monotonic() - started
    try:
        accepted = []
        for listener in (localhost, abstract):
            try:
                accepted.append(listener.accept())
            except BlockingIOError:
                pass
    finally:
        localhost.close()
        abstract.close()
    planted = [path for path in (ROOT / "course_lib" / "PWNED_BY_LEARNER", ROOT / "course_lib" / "grading" /
                                 "PWNED_BY_LEARNER", Path(sys.prefix) / "PWNED_BY_LEARNER",
                                 Path(sys.base_prefix) / "PWNED_BY_LEARNER", ROOT / "PWNED_BY_LEARNER",
                                 submissions / "PWNED_BY_LEARNER") if path.exists()]
    for path in planted:  # a broken sandbox must not leave the repository dirty
        path.unlink()
    yield {"records": {record["learner"]: record for record in records}, "out": out, "seconds": seconds,
           "classmate_before": before, "classmate": classmate, "accepted": accepted, "planted": planted,
           "scratch": scratch, "learners": sorted(learners)}
    for path in outside.iterdir():
        path.unlink()
    outside.rmdir()


def _note(record, word):
    return next((note for note in record["notes"] if word in note), f"no note with {word}: {record['notes']}")


@needs_bwrap
def test_no_network_not_even_localhost(hostile_class):
    assert hostile_class["accepted"] == []
    note = _note(hostile_class["records"]["network"], "NETWORK")
    assert "CONNECTED" not in note and "ConnectionRefusedError" in note, note
    assert hostile_class["records"]["network"]["score"] == 11


@needs_bwrap
def test_a_classmates_notebook_can_be_neither_read_nor_changed(hostile_class):
    assert _sha256(hostile_class["classmate"]) == hostile_class["classmate_before"]
    classmate = hostile_class["records"]["classmate"]
    assert (classmate["score"], classmate["status"]) == (11, "ok")
    assert "SNOOP found 0:" in _note(hostile_class["records"]["snoop"], "SNOOP")
    snoop = json.dumps(hostile_class["records"]["snoop"])
    assert MARKER not in snoop


@needs_bwrap
def test_the_gradebook_cannot_be_changed(hostile_class):
    out = hostile_class["out"]
    assert "GRADEBOOK wrote []" in _note(hostile_class["records"]["gradebook"], "GRADEBOOK")
    assert not (out / "hacked.txt").exists()
    assert "999" not in (out / "grades.csv").read_text(encoding="utf-8")
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert sorted(record["learner"] for record in results["submissions"]) == hostile_class["learners"]


@needs_bwrap
def test_killing_every_visible_process_harms_no_one_else(hostile_class):
    records = hostile_class["records"]
    assert sorted(records) == hostile_class["learners"]  # the grader lived to grade everyone
    for learner in ("a_killer", "classmate", "z_after", "gradebook", "snoop", "writer", "secret", "network"):
        assert records[learner]["score"] == 11, (learner, records[learner])
    assert records["a_killer"]["status"] == "ok"


@needs_bwrap
def test_secrets_outside_the_course_never_reach_the_output(hostile_class):
    note = _note(hostile_class["records"]["secret"], "SECRET")
    assert note.endswith("SECRET FileNotFoundError | FileNotFoundError | {}"), note
    for path in hostile_class["out"].rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


@needs_bwrap
def test_the_course_python_and_repository_are_read_only(hostile_class):
    assert hostile_class["planted"] == []
    note = _note(hostile_class["records"]["writer"], "WRITER")
    assert "WRITER wrote []" in note and "uid 0" not in note, note


@needs_bwrap
def test_a_fork_bomb_is_stopped_reported_and_leaves_nothing_running(hostile_class):
    record = hostile_class["records"]["forkbomb"]
    assert (record["score"], record["status"]) == (11, "kernel_died"), record
    assert any(f"more processes or threads than the grader allows each notebook "
               f"({sandbox.DEFAULT_MAX_PROCESSES})" in note for note in record["notes"]), record["notes"]
    assert _processes_mentioning(str(hostile_class["scratch"])) == []
    assert hostile_class["seconds"] < 90


# --------------------------------------------------------------------------------------------------------
# Limits, one kernel at a time


@needs_bwrap
def test_max_processes_counts_threads_and_is_reported(tmp_path):
    steps = [Step("learner", "x = 41", 1),
             Step("learner", "import threading, time\nfor _ in range(100):\n"
                             "    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()", 2),
             Step("learner", "print(x + 1)", 3)]
    outcomes = execute_steps(steps, workdir=tmp_path, cell_timeout=20, max_processes=40)
    assert [outcome.status for outcome in outcomes] == ["ok", "kernel_died", "ok"]
    assert outcomes[1].error == ("started more processes or threads than the grader allows each notebook (40); "
                                 "its sandbox was stopped")


@pytest.mark.skipif(os.geteuid() == 0, reason="as root the kernel runs as a uid of its own (tests/test_grade.py)")
def test_without_the_sandbox_the_kernel_runs_as_the_grader(tmp_path):
    steps = [Step("learner", "import os\nraise RuntimeError(f'{os.getuid()} {os.getcwd()}')", 1)]
    outcome, = execute_steps(steps, workdir=tmp_path, cell_timeout=20, sandbox=False)
    assert outcome.error == f"RuntimeError: {os.getuid()} {tmp_path.resolve() / 'run'}"


# --------------------------------------------------------------------------------------------------------
# Whether bubblewrap works here, and the command line


def test_unavailable_reason_says_how_to_install_bubblewrap(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    reason = sandbox.unavailable_reason()
    assert reason is not None and "sudo apt-get install bubblewrap" in reason and "PyPI" in reason


def test_unavailable_reason_when_bwrap_cannot_make_namespaces(tmp_path, monkeypatch):
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(tmp_path))
    reason = sandbox.unavailable_reason()
    assert "could not create the grading sandbox" in reason and "No permissions to create new namespace" in reason


@needs_bwrap
@needs_bwrap
def test_unavailable_reason_is_none_where_bwrap_works():
    assert sandbox.unavailable_reason() is None


@needs_bwrap
def test_the_sandbox_sees_only_what_the_kernel_needs(tmp_path):
    box = sandbox.Sandbox.create(tmp_path)
    command = box.wrap(["python", "-m", "ipykernel_launcher"])
    binds = [(command[i], command[i + 1], command[i + 2]) for i in range(len(command) - 2)
             if command[i] in ("--bind", "--ro-bind", "--ro-bind-try", "--dev-bind")]
    writable = [(source, dest) for kind, source, dest in binds if kind in ("--bind", "--dev-bind")]
    assert writable == [(str(box.ipc), str(box.ipc))]
    sources = {source for _, source, _ in binds}
    for forbidden in ("/", str(ROOT), str(Path.home()), "/root", "/home", "/tmp"):
        assert forbidden not in sources
    assert str(ROOT / "course_lib") in sources and sys.base_prefix in sources
    for option in ("--unshare-net", "--unshare-pid", "--die-with-parent", "--new-session"):
        assert option in command
    assert command[command.index("--remount-ro") + 1] == "/"
    if os.geteuid() == 0:
        assert box.uid >= sandbox.UID_BASE and box.ipc.stat().st_uid == box.uid
        assert command[command.index("--cap-drop") + 1] == "ALL"
