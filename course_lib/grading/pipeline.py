"""Grade a class's exercise notebooks: ``course-grade SUBMISSIONS --output OUT``.

``SUBMISSIONS/<learner>/<exercise>.ipynb``, with the file names of ``exercises/``, become:

- ``OUT/grades.csv``: ``learner,exercise,score,max_score,status`` (status ``ok``, ``timeout``,
  ``kernel_died``, ``unreadable`` or ``error``);
- ``OUT/results.json``: every task's points and message, and what was graded with which checks;
- ``OUT/feedback/<learner>/<exercise>.html``: a page for the learner;
- ``OUT/summary.png``: the score distribution per exercise.

Each submission is copied to its own temporary folder, rebuilt from its code cells only (outputs, tags and
metadata are ignored), and run top to bottom in a sandboxed kernel (:mod:`course_lib.sandbox`). After each
``check("task")`` cell, and once more at the end for tasks not collected yet, the grader asks the kernel
for that task's answer as plain data; the checks then judge it here, in the grader's process
(:mod:`course_lib.checks`). Submissions are graded in parallel; the gradebook is rewritten after each, and a
rerun grades only new or changed notebooks unless ``--force``. The Python API is :func:`grade`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .. import checks
from .gradebook import Gradebook

# jsonschema (which nbformat uses) imports rfc3987_syntax when it is installed, and that compiles some forty
# grammars on import: 2-3 s of CPU in every grading process for a URI format nbformat never checks.
if "rfc3987_syntax" not in sys.modules:
    sys.modules["rfc3987_syntax"] = None

__all__ = ["GradingError", "Submission", "find_submissions", "grade", "grade_submission", "read_code_cells"]

MAX_NOTEBOOK_BYTES = 50 * 2**20
_CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](\w+)["']""")


class GradingError(Exception):
    """The instructor's mistake (no such folder, nothing to grade, unknown exercise): say so, grade nothing."""


class Unreadable(Exception):
    """A submission that is not a notebook the grader can run."""


@dataclass(frozen=True)
class Submission:
    learner: str
    exercise: str
    path: Path

    @property
    def key(self):
        return self.learner, self.exercise


def find_submissions(folder, exercise=None) -> tuple[list[Submission], list[str]]:
    """The submissions in ``folder/<learner>/<exercise>.ipynb``, and notes on files that were skipped."""
    folder = Path(folder)
    if not folder.is_dir():
        raise GradingError(f"no submissions folder at {folder}: expected a folder with one sub-folder per learner")
    known = checks.exercise_names()
    if exercise is not None:
        exercise = str(exercise).removesuffix(".ipynb")
        if exercise not in known:
            raise GradingError(f"unknown exercise {exercise!r}; expected one of: {', '.join(known)}")
    found, skipped = [], []
    for learner_dir in sorted(folder.iterdir()):
        if learner_dir.name.startswith(".") or learner_dir.is_symlink() or not learner_dir.is_dir():
            if not learner_dir.name.startswith("."):
                skipped.append(f"{learner_dir.name}: not a learner folder")
            continue
        for path in sorted(learner_dir.iterdir()):
            if path.suffix != ".ipynb":
                continue
            if path.stem not in known:
                skipped.append(f"{learner_dir.name}/{path.name}: not the name of an exercise notebook")
            elif exercise is None or path.stem == exercise:
                found.append(Submission(learner_dir.name, path.stem, path))
    return found, skipped


def checks_version(exercise: str) -> str:
    """A fingerprint of the check code for ``exercise``: changing the checks regrades its notebooks."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for path in (here / "checks.py", here / "tasks" / f"ex{exercise}.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_code_cells(path) -> list[str]:
    """The sources of a notebook's code cells, in order; :class:`Unreadable` with the reason if it is not one.

    Old nbformat versions are converted; outputs, tags and metadata are ignored.
    """
    import nbformat

    path = Path(path)
    if path.is_symlink() or not path.is_file():
        raise Unreadable("not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise Unreadable("the file is empty")
    if size > MAX_NOTEBOOK_BYTES:
        raise Unreadable(f"the file is {size / 2**20:.0f} MB; notebooks over {MAX_NOTEBOOK_BYTES // 2**20} MB are "
                         f"not graded (clear its outputs and resubmit)")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("the file is not text (a binary file renamed to .ipynb?)") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise Unreadable(f"the file is not valid JSON ({error}); was it saved completely?") from None
    if not isinstance(data, dict):
        raise Unreadable(f"the file holds a JSON {type(data).__name__}, not a notebook")
    version = data.get("nbformat")
    if type(version) is not int or not 1 <= version <= 4:
        raise Unreadable(f"unknown notebook format version {version!r}; expected 1 to 4")
    try:
        with warnings.catch_warnings():  # nbformat's notes on ids and schema are not the learner's concern
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat raises many kinds for damaged notebooks
        raise Unreadable(f"not a notebook nbformat can read ({type(error).__name__}: {str(error)[:200]})") from None
    cells = []
    for cell in notebook.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(part for part in source if isinstance(part, str))
        if isinstance(source, str) and source.strip():
            cells.append(source)
    return cells


def _collect_source(exercise: str, names, seed: int, token: str) -> str:
    return (f"import course_lib.checks as _nn_course_checks\n"
            f"_nn_course_checks.emit_answers({exercise!r}, {list(names)!r}, {seed}, {token!r})")


def _kernel_env(workdir: Path, threads: int) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JPY_", "NN_COURSE_", "PYTEST", "COV_"))}
    env.update({
        "HOME": str(workdir), "NN_COURSE_GRADING": "1", "NN_COURSE_PROGRESS": "off", "MPLBACKEND": "Agg",
        "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "PYTHONDONTWRITEBYTECODE": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
        "TF_NUM_INTRAOP_THREADS": str(threads), "TF_NUM_INTEROP_THREADS": "1",
    })
    return env


def grade_submission(submission: Submission, *, cell_timeout=120, notebook_timeout=600, memory_mb=2048,
                     threads=1, seed=None) -> dict:
    """Grade one notebook in a sandboxed kernel; the gradebook record (plain data)."""
    from .kernel import Step, execute_steps

    started = time.monotonic()
    exercise = checks.get_exercise(submission.exercise)
    seed = secrets.randbits(32) if seed is None else int(seed)
    token = secrets.token_hex(16)
    record = {"learner": submission.learner, "exercise": submission.exercise,
              "file": f"{submission.learner}/{submission.path.name}", "sha256": "",
              "checks_version": checks_version(submission.exercise), "status": "ok", "score": 0,
              "max_score": exercise.max_points, "message": "", "tasks": [], "notes": [], "seed": seed,
              "seconds": 0.0, "execution_seconds": 0.0,
              "graded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}

    def not_graded(status, message):
        record.update(status=status, message=message, tasks=[
            checks.Result(name, checks.ERROR, 0, task.points, f"not graded: {message}", exercise.name).to_dict()
            for name, task in exercise.tasks.items()])
        record["seconds"] = round(time.monotonic() - started, 3)
        return record

    workdir = Path(tempfile.mkdtemp(prefix="nn-course-grade-"))
    try:
        copy = workdir / "submission.ipynb"
        try:
            shutil.copyfile(submission.path, copy, follow_symlinks=False)
            record["sha256"] = _sha256(copy)
            cells = read_code_cells(copy)
        except Unreadable as error:
            return not_graded("unreadable", str(error))
        except OSError as error:
            return not_graded("unreadable", f"the file could not be read ({error.strerror or error})")
        copy.unlink()
        run_dir = workdir / "run"
        run_dir.mkdir()

        # The learner's cells, each followed by the collection of the tasks its check(...) calls name.
        steps, collects = [], {}  # collects: id of a grader step -> the task names it collects

        def collect_step(names):
            step = Step("grader", _collect_source(exercise.name, names, seed, token))
            collects[id(step)] = list(names)
            return step

        for number, source in enumerate(cells, start=1):
            steps.append(Step("learner", source, number))
            steps.extend(collect_step([name]) for name in dict.fromkeys(_CHECK_CALL.findall(source))
                         if name in exercise.tasks)

        def answers_from(outcome):
            found = {}
            for payload in outcome.answers:
                parsed = checks.parse_answer(payload, token)
                if parsed is not None and parsed[0] in exercise.tasks:
                    found[parsed[0]] = parsed[1]
            return found

        def collect_the_rest(outcomes):
            answered = set()
            for step, outcome in zip(steps, outcomes):
                if step.kind == "grader":
                    answered.update(name for name, answer in answers_from(outcome).items()
                                    if isinstance(answer, dict) and answer.get("status") == "answered")
            missing = [name for name in exercise.tasks if name not in answered]
            if not missing:
                return []
            steps.append(collect_step(missing))  # execute_steps runs it; keep ours in step with its list
            return steps[-1:]

        outcomes = execute_steps(steps, cwd=run_dir, env=_kernel_env(workdir, threads), cell_timeout=cell_timeout,
                                 notebook_timeout=notebook_timeout, memory_mb=memory_mb,
                                 answer_mime=checks.ANSWER_MIME, max_answer_chars=checks.MAX_ANSWER_CHARS,
                                 more_steps=collect_the_rest)
        record["execution_seconds"] = round(sum(outcome.seconds for outcome in outcomes), 3)

        # The latest answer to each task wins; a real answer beats a later "not defined".
        answers, trouble = {}, {}
        for step, outcome in zip(steps, outcomes):
            if step.kind != "grader":
                continue
            got = answers_from(outcome)
            for name, answer in got.items():
                status = answer.get("status") if isinstance(answer, dict) else None
                if name not in answers or status == "answered" or answers[name].get("status") != "answered":
                    answers[name] = answer
            if outcome.status in ("timeout", "kernel_died", "error") and not got:
                for name in collects[id(step)]:
                    trouble[name] = outcome
        results = []
        for name, task in exercise.tasks.items():
            if name in answers:
                try:
                    result = checks.judge_answer(task, answers[name], seed)
                except Exception as error:  # a judge must never take the gradebook down
                    result = checks.Result(name, checks.ERROR, 0, task.points,
                                           f"the check itself failed on this answer ({type(error).__name__}); "
                                           f"tell your instructor", exercise.name)
            else:
                outcome = trouble.get(name)
                if outcome is not None and outcome.status == "timeout":
                    message = f"checking `{name}` did not finish ({outcome.error}): an endless loop?"
                elif outcome is not None and outcome.status == "kernel_died":
                    message = f"the notebook's kernel died while checking `{name}` (os._exit, a crash or memory)"
                elif outcome is not None:
                    message = f"the check could not run in your notebook: {outcome.error[:300]}"
                else:
                    message = "no answer could be collected (the notebook stopped before this task)"
                result = checks.Result(name, checks.ERROR, 0, task.points, message, exercise.name)
            results.append(result.to_dict())
        record["tasks"] = results
        record["score"] = sum(result["points"] for result in results)

        notes, statuses = [], set()
        for step, outcome in zip(steps, outcomes):
            if step.kind == "learner" and outcome.status in ("error", "timeout", "kernel_died"):
                statuses.add(outcome.status)
                error = outcome.error
                if error.startswith("MemoryError"):
                    error = "MemoryError: it needed more memory than the grader allows each notebook"
                what = {"error": f"raised {error}", "timeout": f"{outcome.error}; it was stopped and skipped",
                        "kernel_died": "killed the kernel (os._exit, a crash or running out of memory); it was "
                                       "skipped and the cells before it were run again"}[outcome.status]
                notes.append(f"Code cell {step.cell} {what}"[:600])
            elif step.kind == "grader" and outcome.status in ("timeout", "kernel_died"):
                statuses.add(outcome.status)
        record["notes"] = notes[:20] + ([f"… and {len(notes) - 20} more"] if len(notes) > 20 else [])
        if "timeout" in statuses:
            record["status"], record["message"] = "timeout", "part of the notebook ran out of time"
        elif "kernel_died" in statuses:
            record["status"], record["message"] = "kernel_died", "the kernel died at least once"
    except Exception as error:  # the grader's own trouble: this submission gets 'error', the rest go on
        return not_graded("error", f"the grader failed on this notebook ({type(error).__name__}: {error})"[:500])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    record["seconds"] = round(time.monotonic() - started, 3)
    return record


def _init_worker():
    from .kernel import become_subreaper

    become_subreaper()


def _grade_in_worker(submission, options):
    return grade_submission(submission, **options)


def grade(submissions, output, *, workers=None, cell_timeout=120, notebook_timeout=600, memory_mb=2048,
          exercise=None, force=False, progress=None) -> list[dict]:
    """Grade every new or changed submission into ``output``; the records graded in this run.

    ``progress(message)`` is called once per submission (``print`` in the command).
    """
    for name, value in (("workers", 1 if workers is None else workers), ("cell_timeout", cell_timeout),
                        ("notebook_timeout", notebook_timeout), ("memory_mb", memory_mb)):
        if not isinstance(value, (int, float)) or value <= 0:
            raise GradingError(f"{name} must be a positive number, got {value!r}")
    found, skipped = find_submissions(submissions, exercise)
    progress = progress or (lambda message: None)
    for note in skipped:
        progress(f"skipped {note}")
    if not found:
        raise GradingError(f"nothing to grade in {submissions}: expected <learner>/<exercise>.ipynb files named "
                           f"like those in exercises/ ({', '.join(checks.exercise_names()[:3])}, …)")
    gradebook = Gradebook(output)
    workers = int(workers or os.cpu_count() or 1)
    threads = max(1, (os.cpu_count() or 1) // workers)
    todo = []
    for submission in found:
        if not force and gradebook.is_current(*submission.key, _sha256(submission.path) if submission.path.is_file()
                                              else "", checks_version(submission.exercise)):
            progress(f"unchanged, not regraded: {submission.learner}/{submission.path.name}")
        else:
            todo.append(submission)
    options = {"cell_timeout": cell_timeout, "notebook_timeout": notebook_timeout, "memory_mb": memory_mb,
               "threads": threads}
    import nbclient  # noqa: F401  imported once here, so forked workers start with them loaded
    import nbformat  # noqa: F401
    from . import kernel  # noqa: F401
    graded, done, total = [], 0, len(todo)
    while todo:
        with ProcessPoolExecutor(max_workers=min(workers, len(todo)), initializer=_init_worker) as pool:
            futures = {pool.submit(_grade_in_worker, submission, options): submission for submission in todo}
            broken = []
            for future in as_completed(futures):
                submission = futures[future]
                try:
                    record = future.result()
                except BrokenProcessPool:
                    broken.append(submission)
                    continue
                except Exception as error:
                    record = _failed_record(submission, f"the grader failed ({type(error).__name__}: {error})")
                gradebook.add(record)
                graded.append(record)
                done += 1
                progress(f"[{done}/{total}] {record['learner']}/{record['exercise']}: "
                         f"{record['score']}/{record['max_score']} ({record['status']}, {record['seconds']:.1f} s)")
        todo = []
        if broken:  # a worker process died (not a kernel): grade its submissions once more, one at a time
            first, rest = broken[0], broken[1:]
            record = _failed_record(first, "the grading process for this notebook died")
            gradebook.add(record)
            graded.append(record)
            done += 1
            progress(f"[{done}/{total}] {first.learner}/{first.exercise}: grading process died")
            todo = rest
    gradebook.write_summary()
    return graded


def _failed_record(submission, message):
    exercise = checks.get_exercise(submission.exercise)
    return {"learner": submission.learner, "exercise": submission.exercise,
            "file": f"{submission.learner}/{submission.path.name}", "sha256": "", "checks_version": "",
            "status": "error", "score": 0, "max_score": exercise.max_points, "message": message,
            "tasks": [], "notes": [], "seed": None, "seconds": 0.0, "execution_seconds": 0.0,
            "graded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
