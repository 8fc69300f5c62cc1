"""Grading on many machines: each submission one task on a running dask.distributed scheduler.

``course-grade SUBMISSIONS --output OUT --scheduler tcp://HOST:8786`` (:func:`course_lib.grading.pipeline.grade`
with ``scheduler=``) hands the submissions to :class:`ClusterGrader`:

- **A submission travels as bytes** with its learner's and exercise's names (:func:`grade_on_worker`, run on a
  worker, writes it into a private temporary folder and grades it with
  :func:`~course_lib.grading.pipeline.grade_submission`, with the same limits and sandbox as on this machine);
  **its record comes back as plain data**, and only the instructor's process writes the gradebook.
- **Every worker checks its sandbox**: a worker where bubblewrap does not work returns a record that says so
  (status ``error``, graded again by the next run) instead of running a learner's code unsandboxed, and one
  whose checks differ from this machine's (another course version) says that.
- **Retries**: a task that raises runs again (``retries``), and the scheduler reschedules the tasks of a worker
  that dies (up to ``distributed.scheduler.allowed-failures`` deaths, 3 by default); each submission's record
  is taken once, by its (learner, exercise).
- **A bounded number of tasks in flight** (:data:`IN_FLIGHT_PER_THREAD` per worker thread), fed from an
  iterator, so that 100,000 submissions never sit in memory as bytes at once.

A worker process grades one notebook at a time (:data:`_ONE_AT_A_TIME`): the kernel module cleans up after a
notebook by killing every process the grading process started. Start workers with ``--nthreads 1`` and as
many processes as cores (``dask worker ADDRESS --nworkers N --nthreads 1``).
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
import uuid
from pathlib import Path

from .fingerprint import checks_version
from .record import GradeRecord
from .submissions import MAX_NOTEBOOK_BYTES, GradingError, Submission

__all__ = ["CONNECT_TIMEOUT_S", "IN_FLIGHT_PER_THREAD", "RETRIES", "ClusterGrader", "grade_on_worker"]

CONNECT_TIMEOUT_S = 10  # an address where no scheduler answers fails after this, rather than hanging
IN_FLIGHT_PER_THREAD = 2  # tasks submitted per worker thread: each thread has its next notebook waiting
MIN_IN_FLIGHT = 4  # while no worker has joined yet (a cluster that scales up on demand)
RETRIES = 2  # runs again of a task that raised on its worker

_ONE_AT_A_TIME = threading.Lock()
_subreaper = []


# --------------------------------------------------------------------------------------------------------
# On the worker


def worker_sandbox_problem() -> str | None:
    """Why this machine cannot run the bubblewrap sandbox, or None when it can (run on each worker)."""
    from .sandbox import unavailable_reason

    return unavailable_reason()


def _kernel_threads() -> int:
    """Threads each kernel may use: the worker's threads, as it grades one notebook at a time.

    A worker stands for its share of the machine (``--nworkers N --nthreads 1``: one core each), as a process of
    the local pool does; it cannot see how many other workers share its machine.
    """
    try:
        from distributed import get_worker

        return max(1, int(get_worker().state.nthreads))
    except (ImportError, ValueError, AttributeError, TypeError):
        return 1


def grade_on_worker(learner: str, exercise: str, notebook: bytes, options: dict, expected_checks: str) -> dict:
    """Grade one notebook sent as bytes; its record as plain data. Runs on a dask worker.

    ``options`` are :func:`~course_lib.grading.pipeline.grade_submission`'s (limits, ``sandbox``);
    ``expected_checks`` is the instructor's ``checks_version`` of the exercise, which this worker must share.
    """
    from .kernel import become_subreaper
    from .pipeline import grade_submission

    folder = Path(tempfile.mkdtemp(prefix="nn-course-submission-"))
    try:
        path = folder / f"{exercise}.ipynb"  # the learner's name, which may be anything, stays out of paths
        path.write_bytes(notebook)
        submission = Submission(learner, exercise, path)
        sandboxed = bool(options.get("sandbox", True))
        if sandboxed and (reason := worker_sandbox_problem()):
            return GradeRecord.not_graded(submission, "error", f"not graded: the worker {socket.gethostname()} "
                                          f"cannot run the sandbox ({reason})", sandboxed=True).to_dict()
        version = checks_version(exercise)
        if version != expected_checks:
            return GradeRecord.not_graded(
                submission, "error", f"not graded: the worker {socket.gethostname()} has other checks for "
                f"{exercise} (version {version}) than the instructor's machine ({expected_checks}); install the "
                f"same version of the course on every worker", checks_version=version, sandboxed=sandboxed).to_dict()
        with _ONE_AT_A_TIME:
            if not _subreaper:  # adopt what a learner's code detaches, so it dies with the notebook's grading
                _subreaper.append(become_subreaper())
            return grade_submission(submission, **dict(options, threads=_kernel_threads()))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------------------------------------
# On the instructor's machine


class ClusterGrader:
    """A connection to a dask.distributed scheduler that grades submissions on its workers.

    ``ClusterGrader(address)`` raises :class:`GradingError` within ``connect_timeout`` seconds when no
    scheduler answers there; :meth:`check_workers` before grading, :meth:`results` to grade, :meth:`close`.
    """

    def __init__(self, address: str, *, connect_timeout: float | None = None):
        from distributed import Client

        self.address = str(address)
        connect_timeout = CONNECT_TIMEOUT_S if connect_timeout is None else connect_timeout
        try:
            self.client = Client(self.address, timeout=connect_timeout, set_as_default=False)
        except Exception as error:  # OSError on a timeout, ValueError for an address that is not one, ...
            raise GradingError(
                f"no dask scheduler answered at {self.address!r} within {connect_timeout:g} s ({error}); expected "
                f"the address a running `dask scheduler` prints, like tcp://HOST:8786 (is it running, and can this "
                f"machine reach that port?)") from None

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _threads(self) -> int:
        return sum(self.client.nthreads().values())

    def check_workers(self, *, sandbox: bool) -> list[str]:
        """Stop (:class:`GradingError`) if a connected worker cannot sandbox; notes on how the workers are set up."""
        notes = []
        nthreads = self.client.nthreads()
        if not nthreads:
            notes.append(f"no worker has joined the scheduler at {self.address} yet; submissions wait for one")
        busy = sorted(address for address, threads in nthreads.items() if threads > 1)
        if busy:
            notes.append(f"{len(busy)} worker(s) have more than one thread ({busy[0]}, ...) but grade one notebook at "
                         f"a time each; start workers with `--nworkers N --nthreads 1` to use every core")
        if sandbox and nthreads:
            problems = {address: reason for address, reason in self.client.run(worker_sandbox_problem).items() if reason}
            if problems:
                address, reason = next(iter(sorted(problems.items())))
                raise GradingError(f"{len(problems)} of {len(nthreads)} dask worker(s) cannot run the bubblewrap "
                                   f"sandbox, e.g. {address}: {reason}\n(Install bubblewrap on every worker, or pass "
                                   f"--no-sandbox to grade without it, trusting every learner's code.)")
        return notes

    def results(self, submissions, options: dict, *, retries: int = RETRIES):
        """Grade ``submissions`` (any iterable) on the workers; yields ``(submission, record)`` as each finishes.

        Files the grader refuses before starting a kernel (not a regular file, or over the size limit) are graded
        here and never sent. A submission whose task fails on every try gets a record with status ``error``.
        """
        from distributed import as_completed

        pending = iter(submissions)
        running = {}  # task key -> submission
        taken = set()  # (learner, exercise) recorded in this run
        versions = {}  # exercise -> this machine's checks_version, which the workers must share
        finished = as_completed(loop=self.client.loop)
        limit, checked = MIN_IN_FLIGHT, 0.0

        def refill():
            nonlocal limit, checked
            if time.monotonic() - checked > 5:  # workers may join or leave while grading
                limit, checked = max(MIN_IN_FLIGHT, IN_FLIGHT_PER_THREAD * self._threads()), time.monotonic()
            while len(running) < limit:
                submission = next(pending, None)
                if submission is None:
                    return
                data = _payload(submission)
                if data is None:
                    local.append(submission)
                    return
                key = f"course-grade-{uuid.uuid4().hex}"
                if submission.exercise not in versions:
                    versions[submission.exercise] = checks_version(submission.exercise)
                future = self.client.submit(grade_on_worker, submission.learner, submission.exercise, data, options,
                                            versions[submission.exercise], key=key, pure=False, retries=retries)
                running[key] = submission
                finished.add(future)

        local = []
        refill()
        while running or local:
            if local:
                submission = local.pop()
                result = _graded_here(submission, options)
            else:
                future = next(finished)
                submission = running.pop(future.key)
                result = self._record_of(future, submission, options)
                future.release()
            if submission.key not in taken:  # a task that came back twice is recorded once
                taken.add(submission.key)
                yield submission, result
            refill()

    def _record_of(self, future, submission, options) -> dict:
        from concurrent.futures import CancelledError

        from distributed import KilledWorker

        try:
            result = future.result()
        except CancelledError:
            raise GradingError(f"the scheduler at {self.address} dropped the task of {submission.learner}/"
                               f"{submission.exercise} (was it restarted?); everything recorded so far is kept: run "
                               f"the same command again to grade the rest") from None
        except KilledWorker as error:
            return _not_graded(submission, options, f"every worker that tried to grade it died ({error})")
        except Exception as error:  # the task raised on every try
            return _not_graded(submission, options, f"the grader failed on a worker ({type(error).__name__}: "
                                                    f"{error})"[:500])
        if not isinstance(result, dict) or (result.get("learner"), result.get("exercise")) != submission.key:
            return _not_graded(submission, options, "a worker sent back a record of another submission")
        return result


def _payload(submission: Submission) -> bytes | None:
    """The notebook's bytes to send, or None for a file the grader refuses before running it."""
    path = submission.path
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def _graded_here(submission: Submission, options: dict) -> dict:
    """A file refused before any kernel starts: graded in this process, which only reads and names it."""
    from .pipeline import grade_submission

    return grade_submission(submission, **dict(options, threads=1))


def _not_graded(submission: Submission, options: dict, message: str) -> dict:
    return GradeRecord.not_graded(submission, "error", message, sandboxed=bool(options.get("sandbox", True))).to_dict()
