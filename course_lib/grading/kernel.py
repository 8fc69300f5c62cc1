"""Run untrusted notebook code in a Jupyter kernel that cannot take the grader, or the machine, with it.

Without containers this is what a plain user process can do:

- the kernel starts through :func:`main`, which caps its data memory (``RLIMIT_DATA``, so a memory bomb
  gets a ``MemoryError`` instead of the machine), the size of files it writes, and core dumps, then
  ``exec``'s the real kernel;
- the kernel runs in its own session and temporary directory, with ``HOME`` pointing there too;
- every cell runs under a time limit and the notebook under a total one; a cell that overruns, also one
  that swallows ``KeyboardInterrupt`` or ignores ``SIGINT``, has its kernel killed;
- when a kernel dies or is killed, a fresh one replays the cells that had worked and execution goes on
  after the culprit, so one bad cell costs only what depended on it;
- the grading process is a *child subreaper*: processes a learner starts and detaches (``setsid``, double
  ``fork``) are re-parented to it and killed with the rest when that notebook's grading ends;
- only error messages and grader answers are kept from the kernel's output, so tens of megabytes of prints
  or images never accumulate.

Run as ``python -m course_lib.grading.kernel --memory-mb 2048 -- <kernel command>`` (what :class:`SandboxKernelManager`
does).
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Step", "StepOutcome", "execute_steps", "kill_descendants", "become_subreaper"]

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
# The kernel launcher


def _limit(memory_mb: int, file_mb: int) -> None:
    memory = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb * 2**20, file_mb * 2**20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m course_lib.grading.kernel")
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--file-mb", type=int, default=200)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no kernel command given")
    _limit(args.memory_mb, args.file_mb)
    os.execvp(command[0], command)


def _kernel_manager_class():
    from jupyter_client.manager import AsyncKernelManager

    class SandboxKernelManager(AsyncKernelManager):
        """Starts the kernel through :func:`main`, under memory and file-size limits."""

        memory_mb = 2048

        def format_kernel_cmd(self, extra_arguments=None):
            command = super().format_kernel_cmd(extra_arguments)
            return [sys.executable, "-m", "course_lib.grading.kernel", "--memory-mb", str(self.memory_mb), "--", *command]

    return SandboxKernelManager


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


def execute_steps(steps, *, cwd, env=None, cell_timeout=60, notebook_timeout=600, memory_mb=2048,
                  answer_mime="application/x-nn-course-answer", max_answer_chars=2_000_000, max_restarts=4,
                  more_steps=None):
    """Run ``steps`` in order in a sandboxed kernel; one :class:`StepOutcome` per step.

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

    def notebook(all_steps):
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(step.source) for step in all_steps])

    while True:
        nb = notebook(steps)
        manager = manager_class(kernel_name="python3")
        manager.memory_mb = memory_mb
        client = client_class(nb, km=manager, timeout=cell_timeout, allow_errors=True, interrupt_on_timeout=False,
                              kernel_name="python3", startup_timeout=60, iopub_timeout=5, shutdown_kernel="immediate",
                              resources={"metadata": {"path": str(cwd)}})
        crashed = False
        try:
            launch = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}  # the learner's noise stays out
            if env is not None:
                launch["env"] = env
            with client.setup_kernel(**launch):
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
                        bad.add(index)
                        next_step, crashed = max(next_step, index + 1), True
                        break
                    except DeadKernelError:
                        outcomes[index] = StepOutcome("kernel_died", time.monotonic() - tick,
                                                      "the kernel died while running it")
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
