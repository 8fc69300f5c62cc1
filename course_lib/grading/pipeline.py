"""Grade a class's exercise notebooks: ``course-grade SUBMISSIONS --output OUT``.

``SUBMISSIONS/<learner>/<exercise>.ipynb``, with the file names of ``exercises/``, become:

- ``OUT/grades.csv``: ``learner,exercise,score,max_score,status`` (status ``ok``, ``timeout``,
  ``kernel_died``, ``unreadable`` or ``error``);
- ``OUT/results.json``: every task's points and message, and what was graded with which checks;
- ``OUT/feedback/<learner>/<exercise>.html``: a page for the learner;
- ``OUT/summary.png``: the score distribution per exercise.

One submission goes through four stages, each a function below:

1. :func:`prepare`: copy the notebook to a private folder, fingerprint it, and rebuild it from its code
   cells only (outputs, tags and metadata are ignored); then plan the steps to run: each learner cell,
   followed by the collection of the tasks its ``check("…")`` calls name.
2. :func:`execute`: run the steps top to bottom in a kernel inside the sandbox
   (:mod:`course_lib.grading.sandbox`, :mod:`course_lib.grading.kernel`); answers leave the kernel as JSON
   only, published under a per-run token, and a last step collects the tasks not collected yet.
3. :func:`judge`: hold each answer against its task's declared structure and judge it, here in the grader's
   process (:mod:`course_lib.checks`); whatever ran in the kernel, only data crosses.
4. :func:`record`: the :class:`~course_lib.grading.record.GradeRecord` with the score, each task's verdict
   and notes on cells that failed.

:func:`grade` runs submissions in parallel and writes each record to the gradebook as it arrives; a rerun
grades only new or changed notebooks, or all of those whose checks changed, unless ``--force``.

Late work: where ``SUBMISSIONS/.collect.json`` exists (written by ``course-grade collect``,
:mod:`course_lib.grading.collect`), each record gets its submission's facts (``record["submission"]``: when
it was handed in, the platform's late flag) and the gradebook gets each learner's platform name and ids; with
``late_policy=`` (:class:`~course_lib.grading.late.LatePolicy`) the gradebook deducts a penalty from late
work, beside the raw score (:mod:`course_lib.grading.gradebook`).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from .. import checks
from .fingerprint import checks_version
from .gradebook import Gradebook
from .late import LatePolicy
from .record import GradeRecord
from .submissions import GradingError, Submission, Unreadable, find_submissions, read_code_cells, sha256

__all__ = ["GradingError", "Submission", "Unreadable", "execute", "find_submissions", "grade", "grade_submission",
           "iter_grade", "judge", "prepare", "read_code_cells", "record"]

_CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](\w+)["']""")
_MAX_NOTES = 20


@dataclass
class Plan:
    """What :func:`prepare` makes of one submission: the steps to run and what each grader step collects."""

    exercise: checks.Exercise
    seed: int
    token: str
    steps: list = field(default_factory=list)
    collects: dict = field(default_factory=dict)  # index of a grader step -> the task names it collects

    def collect_step(self, names):
        """Append a grader step that collects ``names``; returns it."""
        from .kernel import Step

        source = (f"import course_lib.checks as _nn_course_checks\n"
                  f"_nn_course_checks.emit_answers({self.exercise.name!r}, {list(names)!r}, {self.seed}, "
                  f"{self.token!r})")
        self.collects[len(self.steps)] = list(names)
        self.steps.append(Step("grader", source))
        return self.steps[-1]

    def answers_of(self, index, outcome) -> dict:
        """The answers step ``index`` published under this run's token, for the tasks it asked for only."""
        wanted, found = self.collects.get(index, []), {}
        for payload in outcome.answers:
            parsed = checks.parse_answer(payload, self.token)
            if parsed is not None and parsed[0] in wanted:
                found[parsed[0]] = parsed[1]
        return found


# --------------------------------------------------------------------------------------------------------
# 1. Prepare


def prepare(submission: Submission, workdir: Path, record: GradeRecord, *, seed: int) -> Plan:
    """Read the submission's code cells (:class:`Unreadable` if it is not a notebook) and plan its steps."""
    from .kernel import Step

    copy = workdir / "submission.ipynb"
    try:
        shutil.copyfile(submission.path, copy, follow_symlinks=False)
    except OSError as error:
        raise Unreadable(f"the file could not be read ({error.strerror or error})") from None
    record.sha256 = sha256(copy)
    cells = read_code_cells(copy)
    copy.unlink()
    plan = Plan(checks.get_exercise(submission.exercise), seed, secrets.token_hex(16))
    for number, source in enumerate(cells, start=1):
        plan.steps.append(Step("learner", source, number))
        for name in dict.fromkeys(_CHECK_CALL.findall(source)):
            if name in plan.exercise.tasks:
                plan.collect_step([name])
    return plan


# --------------------------------------------------------------------------------------------------------
# 2. Execute


def _kernel_env(workdir: Path, threads: int) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JPY_", "NN_COURSE_", "PYTEST", "COV_")) and key != "PYTHONPATH"}
    env.update({
        "HOME": str(workdir), "NN_COURSE_GRADING": "1", "NN_COURSE_PROGRESS": "off", "MPLBACKEND": "Agg",
        "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONDONTWRITEBYTECODE": "1",  # TensorFlow computes as in the learner's run
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
        "TF_NUM_INTRAOP_THREADS": str(threads), "TF_NUM_INTEROP_THREADS": "1",
    })
    return env


def execute(plan: Plan, workdir: Path, *, cell_timeout, notebook_timeout, memory_mb, threads, sandbox) -> list:
    """Run the plan's steps in a kernel; one :class:`~course_lib.grading.kernel.StepOutcome` per step.

    When every step has run, one more grader step collects the tasks that no step answered yet.
    """
    from .kernel import execute_steps

    def collect_the_rest(outcomes):
        answered = set()
        for index, outcome in enumerate(outcomes):
            answered.update(name for name, answer in plan.answers_of(index, outcome).items()
                            if type(answer) is dict and answer.get("status") == "answered")
        missing = [name for name in plan.exercise.tasks if name not in answered]
        return [plan.collect_step(missing)] if missing else []

    return execute_steps(plan.steps, workdir=workdir, env=_kernel_env(workdir, threads), cell_timeout=cell_timeout,
                         notebook_timeout=notebook_timeout, memory_mb=memory_mb, sandbox=sandbox,
                         answer_mime=checks.ANSWER_MIME, max_answer_chars=checks.MAX_ANSWER_CHARS,
                         more_steps=collect_the_rest)


# --------------------------------------------------------------------------------------------------------
# 3. Judge


def _latest_answers(plan: Plan, outcomes) -> tuple[dict, dict]:
    """Each task's latest answer (a real answer beats a later "not defined"), and the trouble of tasks with none."""
    answers, trouble = {}, {}
    for index, outcome in enumerate(outcomes):
        if index not in plan.collects:
            continue
        got = plan.answers_of(index, outcome)
        for name, answer in got.items():
            status = answer.get("status") if type(answer) is dict else None
            if name not in answers or status == "answered" or answers[name].get("status") != "answered":
                answers[name] = answer if type(answer) is dict else {}
        if outcome.status in ("timeout", "kernel_died", "error") and not got:
            for name in plan.collects[index]:
                trouble[name] = outcome
    return answers, trouble


def _no_answer_message(name: str, outcome) -> str:
    if outcome is not None and outcome.status == "timeout":
        return f"checking `{name}` did not finish ({outcome.error}): an endless loop?"
    if outcome is not None and outcome.status == "kernel_died":
        return f"the notebook's kernel died while checking `{name}` (os._exit, a crash or memory)"
    if outcome is not None:
        return f"the check could not run in your notebook: {outcome.error[:300]}"
    return "no answer could be collected (the notebook stopped before this task)"


def judge_task(task, answer, seed: int):
    """The :class:`~course_lib.checks.Result` of one plain answer; a check that crashes gives an error, no points."""
    try:
        return checks.judge_answer(task, answer, seed)
    except Exception as error:  # a judge must never take the gradebook down
        return checks.Result(task.name, "error", 0, task.points, f"the check itself failed on this answer "
                             f"({type(error).__name__}); tell your instructor", task.exercise)


def judge(plan: Plan, outcomes) -> list:
    """One :class:`~course_lib.checks.Result` per task of the exercise, judged in this process."""
    answers, trouble = _latest_answers(plan, outcomes)
    exercise, results = plan.exercise, []
    for name, task in exercise.tasks.items():
        if name not in answers:
            results.append(checks.Result(name, "error", 0, task.points, _no_answer_message(name, trouble.get(name)),
                                         exercise.name))
            continue
        results.append(judge_task(task, answers[name], plan.seed))
    return results


# --------------------------------------------------------------------------------------------------------
# 4. Record


def _cell_note(step, outcome) -> str:
    """What went wrong in one of the learner's cells, in words a learner can act on."""
    error = outcome.error
    if outcome.status == "error":
        if error.startswith("MemoryError"):
            error = "MemoryError: it needed more memory than the grader allows each notebook"
        elif error.startswith("BlockingIOError") and "Resource temporarily unavailable" in error:
            error = (f"{error}: it started more processes or threads than the grader allows each notebook")
        what = f"raised {error}"
    elif outcome.status == "timeout":
        what = f"{error}; it was stopped and skipped"
    elif error in ("", "the kernel died while running it"):
        what = ("killed the kernel (os._exit, a crash or running out of memory); it was skipped and the cells "
                "before it were run again")
    elif error.startswith(("not run", "the kernel could not start")):
        what = f"was not run: {error.removeprefix('not run: ')}"
    else:  # the sandbox's own sentence, e.g. the process limit
        what = f"{error}; it was skipped and the cells before it were run again"
    return f"Code cell {step.cell} {what}"[:600]


def record(record_: GradeRecord, plan: Plan, outcomes, results) -> GradeRecord:
    """Fill ``record_`` with the results, the answers they judged, the notes on the learner's cells and the status."""
    record_.set_results(results)
    record_.set_answers(_latest_answers(plan, outcomes)[0], plan.seed)
    record_.execution_seconds = round(sum(outcome.seconds for outcome in outcomes), 3)
    notes, statuses = [], set()
    for step, outcome in zip(plan.steps, outcomes):
        if outcome.status not in ("error", "timeout", "kernel_died"):
            continue
        if step.kind == "learner":
            statuses.add(outcome.status)
            notes.append(_cell_note(step, outcome))
        elif outcome.status != "error":
            statuses.add(outcome.status)
    record_.notes = notes[:_MAX_NOTES] + ([f"… and {len(notes) - _MAX_NOTES} more"] if len(notes) > _MAX_NOTES else [])
    statuses.discard("error")
    if "timeout" in statuses:
        record_.status, record_.message = "timeout", "part of the notebook ran out of time"
    elif "kernel_died" in statuses:
        record_.status, record_.message = "kernel_died", "the kernel died at least once"
    return record_


# --------------------------------------------------------------------------------------------------------
# One submission, then a class


def grade_submission(submission: Submission, *, cell_timeout=120, notebook_timeout=600, memory_mb=2048,
                     threads=1, seed=None, sandbox=True) -> dict:
    """Grade one notebook through the four stages; the gradebook record as plain data."""
    started = time.monotonic()
    seed = secrets.randbits(32) if seed is None else int(seed)
    result = GradeRecord.start(submission, checks_version=checks_version(submission.exercise), seed=seed,
                               sandboxed=bool(sandbox))
    workdir = Path(tempfile.mkdtemp(prefix="nn-course-grade-"))
    try:
        plan = prepare(submission, workdir, result, seed=seed)
        outcomes = execute(plan, workdir, cell_timeout=cell_timeout, notebook_timeout=notebook_timeout,
                           memory_mb=memory_mb, threads=threads, sandbox=sandbox)
        record(result, plan, outcomes, judge(plan, outcomes))
    except Unreadable as error:
        result.mark_not_graded("unreadable", str(error))
    except Exception as error:  # the grader's own trouble: this submission gets 'error', the rest go on
        result.mark_not_graded("error", f"the grader failed on this notebook ({type(error).__name__}: {error})"[:500])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result.seconds = round(time.monotonic() - started, 3)
    return result.to_dict()


def _init_worker():
    from .kernel import become_subreaper

    become_subreaper()


def _grade_in_worker(submission, options):
    return grade_submission(submission, **options)


def _duration(seconds: float) -> str:
    """``42 s``, ``3 min 05 s`` or ``2 h 10 min``."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class _Progress:
    """Puts ``[done/total, notebooks per minute, time left]`` in front of each graded submission's line."""

    def __init__(self, total: int, report):
        self.total, self.done, self.report, self.started = total, 0, report, time.monotonic()

    def graded(self, text: str) -> None:
        self.done += 1
        minutes = (time.monotonic() - self.started) / 60
        rate = self.done / minutes if minutes > 0 else 0.0
        left = _duration((self.total - self.done) / rate * 60) if rate else "?"
        self.report(f"[{self.done}/{self.total}, {rate:.1f}/min, {left} left] {text}")


def _worker_context():
    """Workers started as fresh interpreters (``spawn``), never forked from the caller.

    Forking the caller copies whatever it holds: in a notebook or a test run that has used TensorFlow, the
    child then aborts when it frees TensorFlow's objects (TensorFlow is not fork-safe). A fork server is no
    cure here: the kernel clean-up reaps every child of the grading process, the fork server included. A
    spawned worker costs about a second to start, once per worker, not per notebook.
    """
    import multiprocessing

    return multiprocessing.get_context("spawn")


def _grade_locally(todo: list, workers: int, options: dict):
    """Grade ``todo`` in a pool of ``workers`` processes on this machine; yields ``(submission, record)``."""
    context = _worker_context()
    while todo:
        with ProcessPoolExecutor(max_workers=min(workers, len(todo)), initializer=_init_worker,
                                 mp_context=context) as pool:
            futures = {pool.submit(_grade_in_worker, submission, options): submission for submission in todo}
            broken = []
            for future in as_completed(futures):
                submission = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken.append(submission)
                    continue
                except Exception as error:
                    result = GradeRecord.not_graded(submission, "error", f"the grader failed ({type(error).__name__}: "
                                                    f"{error})", sandboxed=options["sandbox"]).to_dict()
                yield submission, result
        todo = []
        if broken:  # a worker process died (not a kernel): grade its submissions once more, one at a time
            first, todo = broken[0], broken[1:]
            yield first, GradeRecord.not_graded(first, "error", "the grading process for this notebook died",
                                                sandboxed=options["sandbox"]).to_dict()


def _collected(submissions, late_policy, progress) -> tuple[dict, dict] | None:
    """The learners and submission facts of ``submissions/.collect.json``; None where there is none.

    A manifest that cannot be read is a warning, or an error when a late policy needs its times: penalising
    nobody because the times were lost would be silent and wrong.
    """
    from .collect import MANIFEST, CollectError, read_manifest

    path = Path(submissions) / MANIFEST
    if not path.exists():
        return None
    try:
        return read_manifest(path)
    except CollectError as error:
        if late_policy is not None:
            raise GradingError(f"{error}\nThe late policy needs the submission times of this manifest: run "
                               f"`course-grade collect` again into a new folder, or grade without --due.") from None
        progress(f"warning: {error}; graded without the submission times and learner names")
        return None


def iter_grade(submissions, output, *, workers=None, cell_timeout=120, notebook_timeout=600, memory_mb=2048,
               exercise=None, force=False, progress=None, sandbox=True, scheduler=None, shard=None, late_policy=None):
    """:func:`grade`, yielding each record once it is in the gradebook and keeping none (what the command uses)."""
    if late_policy is not None and not isinstance(late_policy, LatePolicy):
        raise GradingError(f"late_policy must be a course_lib.grading.late.LatePolicy or None, got "
                           f"{type(late_policy).__name__}")
    for name, value in (("workers", 1 if workers is None else workers), ("cell_timeout", cell_timeout),
                        ("notebook_timeout", notebook_timeout), ("memory_mb", memory_mb)):
        if not isinstance(value, (int, float)) or value <= 0:
            raise GradingError(f"{name} must be a positive number, got {value!r}")
    if shard is not None:
        from .shards import in_shard, parse_shard

        try:
            shard = parse_shard(shard if isinstance(shard, str) else "/".join(str(part) for part in shard))
        except (TypeError, ValueError) as error:
            raise GradingError(str(error)) from None
    if sandbox and scheduler is None:  # with a scheduler, every worker checks its own sandbox
        from .sandbox import unavailable_reason

        reason = unavailable_reason()
        if reason:
            raise GradingError(f"{reason}\n(To grade without the sandbox anyway, trusting every learner's code "
                               f"with your files, pass --no-sandbox.)")
    found, skipped = find_submissions(submissions, exercise)
    progress = progress or (lambda message: None)
    collected = _collected(submissions, late_policy, progress)
    learners, facts = collected if collected else ({}, {})
    for note in skipped:
        progress(f"skipped {note}")
    if not found:
        raise GradingError(f"nothing to grade in {submissions}: expected <learner>/<exercise>.ipynb files named "
                           f"like those in exercises/ ({', '.join(checks.exercise_names()[:3])}, …)")
    if shard is not None:
        everything, found = len(found), [submission for submission in found if in_shard(submission.key, shard)]
        progress(f"shard {shard[0]}/{shard[1]}: {len(found)} of the {everything} submissions")
    cluster = None
    if scheduler is not None:
        from .distributed import ClusterGrader

        cluster = ClusterGrader(scheduler)  # GradingError within seconds if no scheduler answers
    try:
        for note in cluster.check_workers(sandbox=bool(sandbox)) if cluster else []:
            progress(note)
        gradebook = Gradebook(output)
        try:
            if late_policy is not None:
                gradebook.set_late_policy(late_policy)
            if learners:
                gradebook.set_learners(learners)
            todo = []
            for submission in found:
                current = submission.path.is_file() and gradebook.is_current(
                    *submission.key, sha256(submission.path), checks_version(submission.exercise))
                if current and not force:
                    progress(f"unchanged, not regraded: {submission.learner}/{submission.path.name}")
                    if collected is not None:  # the manifest may know more now (a later collect)
                        gradebook.set_submission(*submission.key, facts.get(submission.key))
                else:
                    todo.append(submission)
            options = {"cell_timeout": cell_timeout, "notebook_timeout": notebook_timeout, "memory_mb": memory_mb,
                       "sandbox": bool(sandbox)}
            if cluster:
                results = cluster.results(todo, options)
            else:
                workers = int(workers or os.cpu_count() or 1)
                threads = max(1, (os.cpu_count() or 1) // workers)
                results = _grade_locally(todo, workers, dict(options, threads=threads))
            meter = _Progress(len(todo), progress)
            for _, result in results:
                known = facts.get((result["learner"], result["exercise"]))
                if known:
                    result["submission"] = dict(known)
                gradebook.add(result)
                late = gradebook.get(result["learner"], result["exercise"]) if gradebook.late_policy else None
                penalty = f", late: -{late['penalty']} -> {late['final_score']}" if late and late["penalty"] else ""
                meter.graded(f"{result['learner']}/{result['exercise']}: {result['score']}/{result['max_score']} "
                             f"({result['status']}, {result['seconds']:.1f} s{penalty})")
                yield result
            gradebook.export()
        finally:
            gradebook.close()
    finally:
        if cluster:
            cluster.close()


def grade(submissions, output, *, workers=None, cell_timeout=120, notebook_timeout=600, memory_mb=2048,
          exercise=None, force=False, progress=None, sandbox=True, scheduler=None, shard=None,
          late_policy=None) -> list[dict]:
    """Grade every new or changed submission into ``output``; the records graded in this run.

    ``progress(message)`` is called once per submission (``print`` in the command), with the count done, the
    rate and the time left. With ``sandbox=True`` (the default) every kernel runs in bubblewrap namespaces and
    :class:`GradingError` says how to install bubblewrap where it is missing; ``sandbox=False`` runs kernels as
    the grader's own user. Each record is added to the gradebook as it arrives, and the gradebook's files are
    exported once at the end.

    ``scheduler="tcp://HOST:8786"`` grades on the workers of that dask.distributed scheduler instead of a
    local pool of ``workers`` processes (:mod:`course_lib.grading.distributed`); ``shard=(I, N)`` (or
    ``"I/N"``) grades only the I-th of N deterministic parts of the submissions (:mod:`course_lib.grading.shards`).

    ``late_policy`` (a :class:`~course_lib.grading.late.LatePolicy`) is stored in the gradebook and applied to
    every record, old and new, from the submission times in ``submissions/.collect.json``; None keeps the
    gradebook's policy as it is (``course-grade late OUT --none`` removes it). The records returned are those
    graded (without ``penalty``/``final_score``/``late``, which :meth:`Gradebook.records` gives).
    """
    return list(iter_grade(submissions, output, workers=workers, cell_timeout=cell_timeout,
                           notebook_timeout=notebook_timeout, memory_mb=memory_mb, exercise=exercise, force=force,
                           progress=progress, sandbox=sandbox, scheduler=scheduler, shard=shard,
                           late_policy=late_policy))
