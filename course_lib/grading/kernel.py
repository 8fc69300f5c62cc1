"""Run untrusted notebook code in a Jupyter kernel that cannot take the grader, or the machine, with it.

- With ``sandbox=True`` (the default) every kernel runs inside bubblewrap namespaces
  (:mod:`course_lib.grading.sandbox`): no network, its own processes only, a read-only view of Python and
  the course package, size-limited tmpfs to write to, an unprivileged uid and a cap on its processes. It
  talks to the grader over Unix sockets and is interrupted by message, since signals do not cross in;
  stopping it means killing ``bwrap``, which takes every process inside with it. A cell after which the
  sandbox holds as many processes and threads as it may is reported as such and its sandbox stopped.
- The kernel starts through :func:`main`, which caps its data memory (``RLIMIT_DATA``, so a memory bomb
  gets a ``MemoryError`` instead of the machine), the size of files it writes, core dumps and, in the
  sandbox, its processes, switches to the sandbox's uid, then ``exec``'s the real kernel;
- every cell runs under a time limit and the notebook under a total one; a cell that overruns, also one
  that swallows ``KeyboardInterrupt`` or ignores ``SIGINT``, has its kernel killed;
- when a kernel dies or is killed, a fresh one replays the cells that had worked and execution goes on
  after the culprit, so one bad cell costs only what depended on it;
- with ``sandbox=False`` the kernel runs outside any namespace; if the grader is root (Gradescope's container,
  where bubblewrap may not start) it still runs as an unprivileged uid of its own (:class:`OwnUser`), which owns
  only its working folder and ``HOME`` and cannot signal the grader;
- the grading process is a *child subreaper*: processes a learner starts and detaches (``setsid``, double
  ``fork``) are re-parented to it and killed with the rest when that notebook's grading ends (what keeps
  ``sandbox=False`` grading tidy; root may signal every uid, the kernel's included);
- only error messages and grader answers are kept from the kernel's output, so tens of megabytes of prints
  or images never accumulate.

Run as ``python -m course_lib.grading.kernel --memory-mb 2048 [--max-processes 256 --uid U] -- <kernel
command>`` (what :class:`SandboxKernelManager` does).
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import signal
import stat
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .sandbox import DEFAULT_MAX_PROCESSES, Sandbox, become, kernel_environment, next_uid, tasks_below

__all__ = ["OwnUser", "Step", "StepOutcome", "become_subreaper", "closed_to_others", "execute_steps", "kill_descendants",
           "own_user"]

_MAX_ERROR_CHARS = 3000
_PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux only); ``True`` if that worked."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _descendants(pid: int) -> list[int]:
    children, found, todo = _children_map(), [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_descendants(pid: int | None = None, *, rounds: int = 5) -> int:
    """SIGKILL every process below ``pid`` (default: this one); returns how many were killed.

    Repeats a few times, since a dying process's children are re-parented to a subreaper in between.
    """
    pid = os.getpid() if pid is None else pid
    killed = 0
    for _ in range(rounds):
        victims = _descendants(pid)
        if not victims:
            break
        for victim in victims:
            try:
                os.kill(victim, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 1.0
        for victim in victims:  # reap the zombies that are our own children
            while time.monotonic() < deadline:
                try:
                    if os.waitpid(victim, os.WNOHANG) != (0, 0):
                        break
                except ChildProcessError:
                    break
                time.sleep(0.01)
    return killed


# --------------------------------------------------------------------------------------------------------
# Without the sandbox, as root: a uid of the kernel's own


@dataclass
class OwnUser:
    """Without the sandbox, as root: the unprivileged uid a kernel runs as, and the only folders it may write.

    ``workdir`` (the grader's private temporary folder, made 0700 by ``mkdtemp``) becomes 0711, root's: the
    uid may pass through it but not list it, add to it or rename what is in it. Inside, it owns ``run`` (its
    working folder) and ``home`` (its ``HOME``), both 0700, and reads its connection file, which is handed over
    as the sandbox hands over its own (:meth:`~course_lib.grading.sandbox.Sandbox.hand_over`), in ``kernels``, a
    folder of root's it cannot change. One uid per notebook, from the sandbox's range
    (:func:`~course_lib.grading.sandbox.next_uid`): a kernel started again after a crash finds the files the
    previous one wrote in ``run`` still its own. Everything else the grader writes stays root's and, where it
    is not world-writable, out of the kernel's reach; what it can still *read* is what any user of the machine
    can read.
    """

    uid: int
    run: Path
    home: Path
    kernels: Path

    @classmethod
    def create(cls, workdir) -> "OwnUser":
        """A fresh uid and its folders in ``workdir`` (an absolute folder of root's).

        ``RuntimeError`` if that uid could not run Python here (see :func:`closed_to_others`): better no grade,
        with the reason, than the learner's code run as root after all.
        """
        closed = closed_to_others(_kernel_paths())
        if closed:
            raise RuntimeError(f"without the sandbox, as root, the kernel runs as an unprivileged user, and {closed}: "
                               f"install Python and the course where every user may read them (Gradescope's "
                               f"/autograder/venv is such a place), or grade in the sandbox or as a user other than root")
        workdir = Path(workdir)
        user = cls(next_uid(), workdir / "run", workdir / "home", workdir / "kernels")
        workdir.chmod(0o711)
        user.kernels.mkdir(exist_ok=True)
        user.kernels.chmod(0o711)
        for folder in (user.run, user.home):
            folder.mkdir(exist_ok=True)
            folder.chmod(0o700)
            user.hand_over(folder)
        return user

    def hand_over(self, path) -> None:
        """Let the kernel's uid (and its group, of the same number) own ``path``."""
        os.chown(path, self.uid, self.uid, follow_symlinks=False)

    def connection_file(self) -> str:
        """A new path for a kernel's connection file, in a folder the kernel can read files from but not change."""
        return str(self.kernels / f"kernel-{uuid.uuid4().hex}.json")

    def environment(self, env) -> dict:
        """``env`` cut down as for the sandbox (none of the instructor's tokens), ``HOME`` the kernel's own folder."""
        return {**kernel_environment(env), "HOME": str(self.home)}


def _kernel_paths() -> list[Path]:
    """What the kernel's uid must reach: the interpreter, the Python installation and environment, the course."""
    return [Path(os.path.realpath(sys.executable)), Path(sys.base_prefix), Path(sys.prefix),
            Path(__file__).resolve().parent.parent]


def closed_to_others(paths) -> str | None:
    """Why a user other than the owners could not use ``paths`` (a folder it may not enter, a file it may not
    read); ``None`` when it could. ``/root`` (0700) holding a pyenv Python is the usual culprit.

    Example
    -------
    >>> closed_to_others([Path("/")]) is None
    True
    """
    for path in paths:
        path = Path(os.path.realpath(path))
        for folder in [*reversed(path.parents), path]:
            try:
                mode = folder.stat().st_mode
            except OSError as error:
                return f"{folder} cannot be read ({error.strerror or error})"
            if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
                return f"others may not enter {folder} (mode {stat.S_IMODE(mode):04o}), on the way to {path}"
            if not stat.S_ISDIR(mode) and not mode & stat.S_IROTH:
                return f"others may not read {folder} (mode {stat.S_IMODE(mode):04o})"
    return None


def own_user(workdir, sandbox: bool) -> OwnUser | None:
    """The :class:`OwnUser` a kernel outside the sandbox runs as when the grader is root; ``None`` otherwise."""
    if sandbox or os.geteuid() != 0:
        return None
    return OwnUser.create(workdir)


# --------------------------------------------------------------------------------------------------------
# The kernel launcher


def _limit(memory_mb: int, file_mb: int, max_processes: int | None = None) -> None:
    memory = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb * 2**20, file_mb * 2**20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if max_processes is not None:  # counts the uid's threads too; root ignores it, hence --uid
        resource.setrlimit(resource.RLIMIT_NPROC, (max_processes, max_processes))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m course_lib.grading.kernel")
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--file-mb", type=int, default=200)
    parser.add_argument("--max-processes", type=int, help="RLIMIT_NPROC: processes and threads of this user")
    parser.add_argument("--uid", type=int, help="switch to this uid (and gid) after setting the limits")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no kernel command given")
    _limit(args.memory_mb, args.file_mb, args.max_processes)
    if args.uid is not None:
        become(args.uid)
    os.execvp(command[0], command)


def _kernel_manager_class():
    from jupyter_client.manager import AsyncKernelManager

    class SandboxKernelManager(AsyncKernelManager):
        """Starts the kernel through :func:`main`, under limits, and inside ``sandbox`` when there is one."""

        memory_mb = 2048
        max_processes = DEFAULT_MAX_PROCESSES
        sandbox = None  # a course_lib.grading.sandbox.Sandbox
        user = None  # an OwnUser, without the sandbox as root

        def use_sandbox(self, sandbox) -> None:
            """Talk over Unix sockets in the sandbox's IPC folder, interrupt by message, launch inside it."""
            self.sandbox = sandbox
            self.transport = "ipc"
            self.connection_file = str(sandbox.ipc / "kernel.json")
            self.ip = str(sandbox.ipc / "kernel")
            self.kernel_spec.interrupt_mode = "message"  # signals do not cross into the PID namespace

        def use_own_user(self, user: OwnUser) -> None:
            """Outside the sandbox, as root: launch as ``user``'s uid, with a connection file it can read."""
            self.user = user
            self.connection_file = user.connection_file()  # not in root's runtime folder or /tmp, 0600

        def write_connection_file(self, **kwargs):
            super().write_connection_file(**kwargs)
            if self.sandbox is not None:
                self.sandbox.hand_over(self.connection_file)
            elif self.user is not None:
                self.user.hand_over(self.connection_file)

        def format_kernel_cmd(self, extra_arguments=None):
            command = super().format_kernel_cmd(extra_arguments)
            launcher = [sys.executable, "-m", "course_lib.grading.kernel", "--memory-mb", str(self.memory_mb)]
            if self.sandbox is None and self.user is not None:  # RLIMIT_NPROC caps this uid as it would inside
                launcher += ["--max-processes", str(self.max_processes), "--uid", str(self.user.uid)]
            if self.sandbox is None:
                return [*launcher, "--", *command]
            launcher += ["--max-processes", str(self.max_processes)]
            if self.sandbox.uid is not None:
                launcher += ["--uid", str(self.sandbox.uid)]
            return self.sandbox.wrap([*launcher, "--", *command])

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            if self.sandbox is not None:
                kw["env"] = kernel_environment(kw.get("env") or os.environ)
                kw["cwd"] = str(self.sandbox.workdir)  # bwrap's own; the kernel's is set by --chdir
            return await super()._async_launch_kernel(kernel_cmd, **kw)

        def at_process_limit(self) -> bool:
            """Whether the sandbox holds as many processes and threads as RLIMIT_NPROC lets it (bwrap's included)."""
            pid = getattr(self.provisioner, "pid", None)
            return self.sandbox is not None and pid is not None and tasks_below(pid) >= self.max_processes

    return SandboxKernelManager


def _stop_at_process_limit(manager, done: threading.Event, tripped: threading.Event, every=0.2) -> None:
    """Kill ``bwrap`` (so the sandbox and all in it) as soon as it reaches its process limit; set ``tripped``.

    A fork bomb's copies of the kernel spin until stopped: waiting for the cell's time limit would lend them
    the machine's cores, and the other kernels' time, for that long.
    """
    while not done.wait(every):
        if manager.at_process_limit():
            tripped.set()
            try:
                os.kill(manager.provisioner.pid, signal.SIGKILL)
            except (ProcessLookupError, AttributeError, TypeError):
                pass
            return


# --------------------------------------------------------------------------------------------------------
# Executing steps


@dataclass
class Step:
    """One code cell to run: the learner's (``kind="learner"``) or one the grader added (``"grader"``)."""

    kind: str
    source: str
    cell: int | None = None  # the learner's code-cell number, for messages


@dataclass
class StepOutcome:
    """``status``: ok, error (the code raised), timeout, kernel_died, or not_run; ``outputs`` are kept ones."""

    status: str = "not_run"
    seconds: float = 0.0
    error: str = ""
    answers: list = field(default_factory=list)


def _client_class(answer_mime: str, max_answer_chars: int):
    import nbformat
    from nbclient import NotebookClient

    class QuietClient(NotebookClient):
        """Keeps only errors and grader answers from a kernel's output; widgets are ignored."""

        def output(self, outs, msg, display_id, cell_index):
            kind, content = msg["msg_type"], msg["content"]
            if kind == "error":
                traceback = "\n".join(content.get("traceback") or [])[-_MAX_ERROR_CHARS:]
                out = nbformat.v4.new_output("error", ename=str(content.get("ename", ""))[:200],
                                             evalue=str(content.get("evalue", ""))[:_MAX_ERROR_CHARS],
                                             traceback=[traceback])
            elif kind == "display_data" and answer_mime in (content.get("data") or {}):
                payload = content["data"][answer_mime]
                if not isinstance(payload, str) or len(payload) > max_answer_chars:
                    return None
                out = nbformat.v4.new_output("display_data", data={answer_mime: payload})
            else:
                return None
            outs.append(out)
            return out

        def handle_comm_msg(self, outs, msg, cell_index):
            return None

    return QuietClient


_ANSI = None


def _plain(text: str) -> str:
    global _ANSI
    if _ANSI is None:
        import re

        _ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
    return _ANSI.sub("", text)


def execute_steps(steps, *, workdir, env=None, cell_timeout=60, notebook_timeout=600, memory_mb=2048, sandbox=True,
                  max_processes=DEFAULT_MAX_PROCESSES, answer_mime="application/x-nn-course-answer",
                  max_answer_chars=2_000_000, max_restarts=4, more_steps=None):
    """Run ``steps`` in order in a kernel; one :class:`StepOutcome` per step.

    ``workdir`` is a private temporary folder the caller made and will delete. With ``sandbox=True`` each
    kernel runs inside bubblewrap (:mod:`course_lib.grading.sandbox`) with at most ``max_processes``
    processes and threads, its ``HOME``, ``TMPDIR`` and working folder on a tmpfs of its own; with
    ``sandbox=False`` it runs in ``workdir/run`` with ``env`` as given, as the grader's user or, if that is
    root, as an unprivileged uid of its own with ``workdir/home`` as ``HOME``, ``env`` cut down as in the
    sandbox and at most ``max_processes`` processes and threads (:class:`OwnUser`).
    ``more_steps(outcomes)``, if given, is called once all steps ran and may return extra steps to run in
    the same kernel (the grader uses it to collect answers that were not collected yet).
    """
    import nbformat
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    steps = list(steps)
    outcomes = [StepOutcome() for _ in steps]
    bad: set[int] = set()
    client_class = _client_class(answer_mime, max_answer_chars)
    manager_class = _kernel_manager_class()
    started = time.monotonic()
    next_step, restarts, asked_for_more = 0, 0, more_steps is None

    workdir = Path(workdir).resolve()
    cwd = workdir / "run"
    user = own_user(workdir, sandbox)
    if user is not None:
        env = user.environment(os.environ if env is None else env)
    elif not sandbox:
        cwd.mkdir(exist_ok=True)
    too_many = (f"started more processes or threads than the grader allows each notebook ({max_processes}); "
                f"its sandbox was stopped")

    def notebook(all_steps):
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(step.source) for step in all_steps])

    while True:
        nb = notebook(steps)
        manager = manager_class(kernel_name="python3")
        manager.memory_mb, manager.max_processes = memory_mb, max_processes
        if sandbox:
            manager.use_sandbox(Sandbox.create(workdir))  # a fresh uid and IPC folder for each start
        elif user is not None:
            manager.use_own_user(user)
        client = client_class(nb, km=manager, timeout=cell_timeout, allow_errors=True, interrupt_on_timeout=False,
                              kernel_name="python3", startup_timeout=60, iopub_timeout=5, shutdown_kernel="immediate",
                              resources={"metadata": {"path": str(workdir if sandbox else cwd)}})
        crashed, done, tripped = False, threading.Event(), threading.Event()
        try:
            launch = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}  # the learner's noise stays out
            if env is not None:
                launch["env"] = env
            with client.setup_kernel(**launch):
                if sandbox:
                    threading.Thread(target=_stop_at_process_limit, args=(manager, done, tripped), daemon=True,
                                     name="process-limit watch").start()
                index = 0
                while True:
                    if index == len(steps):
                        if asked_for_more:
                            break
                        asked_for_more = True
                        extra = list(more_steps(outcomes) or [])
                        if not extra:
                            break
                        steps.extend(extra)
                        outcomes.extend(StepOutcome() for _ in extra)
                        nb.cells.extend(nbformat.v4.new_code_cell(step.source) for step in extra)
                        continue
                    replay = index < next_step
                    if index in bad or (replay and steps[index].kind == "grader"):
                        index += 1
                        continue
                    remaining = notebook_timeout - (time.monotonic() - started)
                    if remaining <= 0:
                        for later in range(index, len(steps)):
                            if outcomes[later].status == "not_run" or later >= next_step:
                                outcomes[later] = StepOutcome("timeout", error="the notebook's total time ran out")
                        return outcomes
                    client.timeout = max(1, int(min(cell_timeout, remaining)))
                    cell = nb.cells[index]
                    cell.outputs = []
                    tick = time.monotonic()
                    try:
                        client.execute_cell(cell, index)
                    except CellTimeoutError:
                        outcomes[index] = StepOutcome("timeout", time.monotonic() - tick,
                                                      f"did not finish within {client.timeout} s")
                        if tripped.is_set() or manager.at_process_limit():
                            outcomes[index] = StepOutcome("kernel_died", outcomes[index].seconds, too_many)
                        bad.add(index)
                        next_step, crashed = max(next_step, index + 1), True
                        break
                    except DeadKernelError:
                        outcomes[index] = StepOutcome("kernel_died", time.monotonic() - tick,
                                                      too_many if tripped.is_set() else "the kernel died while running it")
                        bad.add(index)
                        next_step, crashed = max(next_step, index + 1), True
                        break
                    if tripped.is_set() or manager.at_process_limit():  # stop a fork bomb here, not in the next cell
                        outcomes[index] = StepOutcome("kernel_died", time.monotonic() - tick, too_many)
                        bad.add(index)
                        next_step, crashed = max(next_step, index + 1), True
                        break
                    if not replay:
                        errors = [out for out in cell.outputs if out.output_type == "error"]
                        answers = [out.data[answer_mime] for out in cell.outputs if out.output_type == "display_data"]
                        outcomes[index] = StepOutcome(
                            "error" if errors else "ok", time.monotonic() - tick,
                            _plain(f"{errors[0].ename}: {errors[0].evalue}") if errors else "", answers)
                    index += 1
        except RuntimeError as error:  # the kernel would not start
            for later in range(next_step, len(steps)):
                outcomes[later] = StepOutcome("kernel_died", error=f"the kernel could not start: {error}"[:500])
            crashed = False
        finally:
            done.set()
            kill_descendants()
        if not crashed:
            return outcomes
        restarts += 1
        if restarts > max_restarts:
            for later in range(next_step, len(steps)):
                outcomes[later] = StepOutcome("kernel_died", error="not run: the kernel died too many times")
            return outcomes


if __name__ == "__main__":
    main()
