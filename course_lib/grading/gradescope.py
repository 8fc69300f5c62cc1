"""Gradescope's autograder: the course's checks, graded where Gradescope runs them, and the zip that sets them up.

Gradescope's autograder specification: the zip holds ``setup.sh`` (run once, as root, when Gradescope builds the
autograder's image) and ``run_autograder`` (run for every submission, in a fresh container, from
``/autograder``). The learner's files are in ``/autograder/submission``, the zip's in ``/autograder/source``,
and ``run_autograder`` must write ``/autograder/results/results.json``: ``score``, ``tests`` (each with ``name``,
``score``, ``max_score``, ``output``, ``visibility``), and optionally ``output``, ``execution_time`` and
``stdout_visibility``.

- ``course-grade gradescope [--exercise NAME] [--root /autograder]`` finds the learner's notebook in
  ``ROOT/submission`` (:func:`find_notebook`), grades it with the course's own pipeline
  (:func:`~course_lib.grading.pipeline.grade_submission`) and writes ``ROOT/results/results.json``: one test per
  task, with its hint as output (:func:`results_json`). A missing or wrong notebook scores 0 with an output that
  says what to upload.
- ``course-grade gradescope-bundle EXERCISE [...] --output autograder.zip`` writes the zip (:func:`bundle`): the
  course's source and requirements, a ``setup.sh`` that installs them in ``/autograder/venv``, and a
  ``run_autograder`` that runs the command above.

Every kernel runs in the bubblewrap sandbox where it can start. Gradescope's containers may not allow the
namespaces it needs; then, and only then, the notebook is graded without it, and the results' output says so
(each submission has a throwaway container of its own there). Either way the learner's code cannot write the
results: the kernel and every process it started are gone before ``results.json`` is written, from the answers
judged in this process; without the sandbox, a file the learner's code wrote there is replaced.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import sys
import time
import zipfile
from pathlib import Path

from .. import checks
from .gradebook import _write_atomically

__all__ = ["NotebookNotFound", "bundle", "find_notebook", "grade", "main", "results_json"]

SUBCOMMANDS = ("gradescope", "gradescope-bundle")
#: Where Gradescope puts everything; ``--root`` points elsewhere for a trial run.
ROOT = Path("/autograder")
VENV = "/autograder/venv"
_SKIPPED_FOLDERS = (".ipynb_checkpoints", "__MACOSX", "__pycache__")
_VISIBLE = "visible"
# Files of the course that the autograder needs (the package, and what pip needs to install it).
_PROJECT_FILES = ("pyproject.toml", "README.md", "LICENSE", "requirements.txt")


class NotebookNotFound(Exception):
    """No notebook in the submission can be graded as the exercise; the message tells the learner what to upload."""


# --------------------------------------------------------------------------------------------------------
# Finding the learner's notebook


def _named(path: Path) -> tuple[str | None, int]:
    """The exercise a notebook's file name points at, as ``course-grade collect`` reads names, and how strongly
    (0 for the exact name; ``01_neurons (1).ipynb``, ``Neurons-Copy1.ipynb`` point at 01 less strongly)."""
    from .collect import RULES, match_exercise

    exercise, rule = match_exercise(path.name)
    return exercise, (RULES.index(rule) if exercise is not None and rule in RULES else len(RULES))


def _notebooks(folder: Path) -> list:
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        parts = path.relative_to(folder).parts
        if not any(part in _SKIPPED_FOLDERS or part.startswith(".") for part in parts):
            found.append(path)
    return sorted(found, key=lambda path: (len(path.relative_to(folder).parts), str(path)))


def find_notebook(folder, exercise: str | None = None) -> tuple[str, Path, str]:
    """``(exercise, path, note)``: the notebook in ``folder`` to grade, and a note when it was not the exact name.

    With ``exercise``: ``<exercise>.ipynb`` anywhere in the submission; else the one notebook whose name points at
    the exercise (``01_neurons (1).ipynb``, ``Neurons.ipynb``); else the only notebook, unless its name points at
    another exercise. Without: the exercise the notebooks' names point at, if exactly one. Raises
    :class:`NotebookNotFound` with what the learner should upload.

    Example
    -------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "Neurons-Copy1.ipynb").write_text("{}")
    >>> exercise, path, note = find_notebook(folder)
    >>> exercise, path.name, note
    ('01_neurons', 'Neurons-Copy1.ipynb', 'Graded Neurons-Copy1.ipynb as 01_neurons.ipynb.')
    """
    folder = Path(folder)
    notebooks = _notebooks(folder) if folder.is_dir() else []
    others = [path.relative_to(folder).as_posix() for path in sorted(folder.rglob("*")) if path.is_file()] \
        if folder.is_dir() else []
    if exercise is None:
        named = sorted({_named(path)[0] for path in notebooks} - {None})
        if len(named) != 1:
            what = (f"notebooks of several exercises ({', '.join(named)})" if named else
                    f"no exercise notebook (found: {', '.join(others[:10]) or 'no files'})")
            raise NotebookNotFound(f"Your submission has {what}. Upload one exercise notebook, keeping the name it "
                                   f"has in the course's exercises/ folder, e.g. {checks.exercise_names()[0]}.ipynb.")
        exercise = named[0]
    wanted = f"{exercise}.ipynb"
    exact = [path for path in notebooks if path.name == wanted]
    if exact:
        return exercise, exact[0], ""
    strengths = {path: _named(path) for path in notebooks}
    named = [path for path in notebooks if strengths[path][0] == exercise]
    if named:
        best = min(strengths[path][1] for path in named)
        named = [path for path in named if strengths[path][1] == best]
    if len(named) == 1 or (len(notebooks) == 1 and strengths[notebooks[0]][0] is None):
        path = (named or notebooks)[0]
        return exercise, path, f"Graded {path.relative_to(folder).as_posix()} as {wanted}."
    if len(named) > 1:
        listed = ", ".join(path.relative_to(folder).as_posix() for path in named)
        raise NotebookNotFound(f"Your submission has several notebooks that could be {wanted} ({listed}). Upload "
                               f"only one, named {wanted}.")
    found = ", ".join(others[:10]) or "no files at all"
    raise NotebookNotFound(f"No notebook for this exercise was found: this assignment grades {wanted} "
                           f"({checks.get_exercise(exercise).title}), and your submission has {found}. Upload "
                           f"{wanted}, saved from Jupyter, under that name.")


# --------------------------------------------------------------------------------------------------------
# results.json


def _test(exercise, task: dict, several: bool) -> dict:
    name = f"{exercise}: {task['task']}" if several else task["task"]
    output = task.get("message") or ("passed" if task.get("status") == "passed" else task.get("status", ""))
    return {"name": name, "score": task["points"], "max_score": task["max_points"],
            "status": "passed" if task.get("status") == "passed" else "failed",
            "output": output if task.get("status") == "passed" else f"{task.get('status')}: {output}",
            "visibility": _VISIBLE}


def _not_graded_tests(exercise: str, reason: str, several: bool) -> list:
    return [_test(exercise, {"task": name, "points": 0, "max_points": task.points, "status": "not graded",
                             "message": reason}, several)
            for name, task in checks.get_exercise(exercise).tasks.items()]


def results_json(parts, *, seconds: float = 0.0, notes=()) -> dict:
    """Gradescope's results for the graded ``parts``: each ``(exercise, record or None, message)``.

    A record (:func:`~course_lib.grading.pipeline.grade_submission`) gives one test per task, its hint as output;
    ``None`` (no notebook) gives every task 0 points with ``message`` (no tests when the exercise is None too: it
    could not be told). ``score`` adds the tests' scores.
    """
    several = len(parts) > 1
    tests, lines = [], list(notes)
    for exercise, record, message in parts:
        if record is None:  # no notebook: every task of the exercise at 0, so the total out of its points shows
            tests += _not_graded_tests(exercise, message, several) if exercise is not None else []
            lines.append(message)
            continue
        tests += [_test(exercise, task, several) for task in record["tasks"]]
        head = f"{exercise}: {record['score']}/{record['max_score']} points"
        if record["status"] != "ok":
            head += f" ({record['status']}: {record.get('message', '')})"
        lines.append(head + "." + (f" {message}" if message else ""))
        lines += [f"- {note}" for note in record.get("notes", [])]
    if any(record is not None and record["status"] == "unreadable" for _, record, _ in parts):
        lines.append("Save the notebook in Jupyter (File → Save) and upload the .ipynb file itself.")
    return {"score": sum(test["score"] for test in tests), "execution_time": int(round(seconds)),
            "output": "\n".join(lines), "stdout_visibility": "hidden", "visibility": _VISIBLE, "tests": tests}


# --------------------------------------------------------------------------------------------------------
# Grading one submission


def _sandbox_choice(no_sandbox: bool) -> tuple[bool, str]:
    """Whether kernels run in bubblewrap, and the note for the results when they do not."""
    if no_sandbox:
        return False, ""
    from .sandbox import unavailable_reason

    reason = unavailable_reason()
    if reason is None:
        return True, ""
    return False, (f"Graded without the course's sandbox, which cannot start in this container ({reason}). "
                   f"Your notebook ran in a container of its own, which Gradescope discards after grading.")


def grade(root=ROOT, exercises=None, *, no_sandbox=False, cell_timeout=120, notebook_timeout=600,
          memory_mb=2048) -> dict:
    """Grade the submission in ``root/submission`` and write ``root/results/results.json``; the results.

    ``exercises``: the exercises this assignment grades (one notebook each); None finds the one the submitted
    notebook is named after.
    """
    from .kernel import become_subreaper
    from .pipeline import grade_submission
    from .submissions import Submission

    started = time.monotonic()
    root = Path(root)
    folder = root / "submission"
    become_subreaper()  # what the learner's code leaves running is adopted, and killed after each notebook
    sandbox, note = _sandbox_choice(no_sandbox)
    if not sandbox:
        print("course-grade gradescope: grading WITHOUT the sandbox" + (f": {note}" if note else " (--no-sandbox)"),
              flush=True)
    parts = []
    for exercise in exercises or [None]:
        try:
            exercise, path, found = find_notebook(folder, exercise)
        except NotebookNotFound as missing:
            parts.append((exercise, None, str(missing)))  # exercise None: not even told from the file names
            continue
        checks.get_exercise(exercise)  # its judges are imported before any learner code runs
        record = grade_submission(Submission("submission", exercise, path), cell_timeout=cell_timeout,
                                  notebook_timeout=notebook_timeout, memory_mb=memory_mb,
                                  threads=os.cpu_count() or 1, sandbox=sandbox)
        parts.append((exercise, record, found))
        print(f"{exercise}: {record['score']}/{record['max_score']} ({record['status']}, {record['seconds']:.1f} s)",
              flush=True)
    notes = [note] if note and any(record is not None for _, record, _ in parts) else []
    results = results_json(parts, seconds=time.monotonic() - started, notes=notes)
    # Written last, once every kernel and whatever it started is gone; replaces anything put there before.
    _write_atomically(root / "results" / "results.json",
                      (json.dumps(results, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return results


# --------------------------------------------------------------------------------------------------------
# The autograder zip


SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image: it installs Python, bubblewrap and
# the course (its source is in this zip, under course/) with its requirements, in /autograder/venv.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip bubblewrap ca-certificates
PYTHON=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    # The course needs Python 3.11 or later (Ubuntu 22.04 ships 3.10 as python3, and 3.11 beside it).
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
    PYTHON=python3.11
fi
"$PYTHON" -m venv {venv}
{venv}/bin/pip install --no-cache-dir --upgrade pip
{venv}/bin/pip install --no-cache-dir -r /autograder/source/course/requirements.txt /autograder/source/course
{venv}/bin/python -c 'import course_lib.grading.gradescope'
# Without bubblewrap the learner's kernel runs as an unprivileged uid of its own, which must reach Python and the
# course (read and enter), and nothing else here.
chmod o+x /autograder
chmod -R o+rX {venv} /autograder/source
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission, as root, in a fresh container, from /autograder: it grades the
# notebook in /autograder/submission and writes /autograder/results/results.json.
{venv}/bin/python -m course_lib.grading.gradescope gradescope --root /autograder {arguments}
if [ $? -ne 0 ]; then
    # The grader itself failed: say so rather than leave Gradescope with no results (or with someone else's).
    mkdir -p /autograder/results
    cat > /autograder/results/results.json <<'JSON'
{{"score": 0, "output": "The autograder failed before it could grade this submission; tell your instructor.", "stdout_visibility": "hidden", "tests": []}}
JSON
fi
"""


def _course_root() -> Path:
    root = Path(checks.__file__).resolve().parent.parent.parent
    missing = [name for name in _PROJECT_FILES if not (root / name).is_file()]
    if missing:
        raise FileNotFoundError(f"the course's source is not beside course_lib in {root} (no {', '.join(missing)}): "
                                f"run gradescope-bundle from a checkout of the course, installed with pip install -e .")
    return root


def _requirements(text: str) -> str:
    """The course's requirements without the line that installs this checkout in place (the zip brings its source)."""
    kept = [line for line in text.splitlines() if not re.match(r"^\s*(-e\s+)?\.\s*(#.*)?$", line)]
    return "\n".join(kept) + "\n"


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # fixed: the same course gives the same zip
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def bundle(exercises, output, *, cell_timeout=120, notebook_timeout=600, memory_mb=2048) -> Path:
    """Write Gradescope's autograder zip for ``exercises`` to ``output``; its path.

    At the zip's root: ``setup.sh``, ``run_autograder`` (executable) and ``course/`` (``course_lib``, its
    ``pyproject.toml``, ``requirements.txt``, README and licence).
    """
    exercises = list(exercises)
    known = checks.exercise_names()
    if not exercises:
        raise ValueError(f"name at least one exercise to grade, e.g. {known[0]}")
    for exercise in exercises:
        if exercise not in known:
            raise ValueError(f"unknown exercise {exercise!r}; expected one of: {', '.join(known)}")
    source = _course_root()
    arguments = " ".join([*(f"--exercise {exercise}" for exercise in exercises), f"--cell-timeout {cell_timeout:g}",
                          f"--notebook-timeout {notebook_timeout:g}", f"--memory-mb {int(memory_mb)}"])
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.tmp")
    try:
        with zipfile.ZipFile(temporary, "w") as archive:
            _add(archive, "setup.sh", SETUP_SH.format(venv=VENV).encode(), 0o755)
            _add(archive, "run_autograder", RUN_AUTOGRADER.format(venv=VENV, arguments=arguments).encode(), 0o755)
            for name in _PROJECT_FILES:
                data = (source / name).read_bytes()
                if name == "requirements.txt":
                    data = _requirements(data.decode("utf-8")).encode("utf-8")
                _add(archive, f"course/{name}", data)
            package = source / "course_lib"
            for path in sorted(package.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
                    _add(archive, f"course/{path.relative_to(source).as_posix()}", path.read_bytes())
        os.replace(temporary, output)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return output


# --------------------------------------------------------------------------------------------------------
# The command line


def _grading_options(parser) -> None:
    parser.add_argument("--cell-timeout", type=float, default=120, metavar="S", help="seconds per cell (120)")
    parser.add_argument("--notebook-timeout", type=float, default=600, metavar="S",
                        help="seconds per notebook, all cells together (600; Gradescope's own limit is set on the "
                             "assignment)")
    parser.add_argument("--memory-mb", type=int, default=2048, metavar="M", help="memory per kernel in MB (2048)")


def main(argv=None) -> int:
    """``course-grade gradescope ...`` and ``course-grade gradescope-bundle ...`` (``argv[0]`` says which)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] not in SUBCOMMANDS:
        print(f"usage: course-grade {{{','.join(SUBCOMMANDS)}}} ...", file=sys.stderr)
        return 2
    command, argv = argv[0], argv[1:]
    if command == "gradescope-bundle":
        parser = argparse.ArgumentParser(
            prog="course-grade gradescope-bundle",
            description="Write the autograder zip to upload to a Gradescope programming assignment (Configure "
                        "Autograder → Zip file upload): it installs the course and grades the named exercises.")
        parser.add_argument("exercises", nargs="+", metavar="EXERCISE", help="e.g. 01_neurons")
        parser.add_argument("--output", "-o", type=Path, default=Path("autograder.zip"),
                            help="the zip to write (autograder.zip)")
        _grading_options(parser)
        args = parser.parse_args(argv)
        try:
            path = bundle(args.exercises, args.output, cell_timeout=args.cell_timeout,
                          notebook_timeout=args.notebook_timeout, memory_mb=args.memory_mb)
        except (ValueError, OSError) as error:
            print(f"course-grade gradescope-bundle: error: {error}", file=sys.stderr)
            return 2
        print(f"wrote {path}: upload it in Gradescope (Configure Autograder → Zip file upload)")
        return 0
    parser = argparse.ArgumentParser(
        prog="course-grade gradescope",
        description="Grade one Gradescope submission (ROOT/submission) with the course's checks and write "
                    "ROOT/results/results.json; what run_autograder calls.",
        epilog="Exit status: 0 when results.json was written, whatever the score; 2 when it was not, or for an "
               "unknown exercise.")
    parser.add_argument("--exercise", action="append", metavar="NAME",
                        help="the exercise graded (repeat for several notebooks); default: the one the submitted "
                             "notebook is named after")
    parser.add_argument("--root", type=Path, default=ROOT, help="Gradescope's folder (/autograder)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="do not try the bubblewrap sandbox (it is tried, and left out only if it cannot start)")
    _grading_options(parser)
    args = parser.parse_args(argv)
    known = checks.exercise_names()
    for exercise in args.exercise or []:
        if exercise not in known:
            print(f"course-grade gradescope: error: unknown exercise {exercise!r}; expected one of: "
                  f"{', '.join(known)}", file=sys.stderr)
            return 2
    try:
        results = grade(args.root, args.exercise, no_sandbox=args.no_sandbox, cell_timeout=args.cell_timeout,
                        notebook_timeout=args.notebook_timeout, memory_mb=args.memory_mb)
    except OSError as error:
        print(f"course-grade gradescope: error: {error}", file=sys.stderr)
        return 2
    print(f"score {results['score']}/{sum(test['max_score'] for test in results['tests'])}; wrote "
          f"{args.root / 'results' / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
