"""The bubblewrap (``bwrap``) namespaces every grading kernel runs in: what it sees, as whom, within what limits.

A learner's notebook is hostile code. Each kernel runs inside ``bwrap`` with

- **no network**, localhost included (its own network namespace, where only its own loopback exists); it talks
  to the grader over Unix sockets in one small folder both sides see at the same path (jupyter_client's
  ``ipc`` transport);
- **its own PID namespace**: it sees, signals and ptraces only its own processes, and when the sandbox's
  first process dies (the grader kills ``bwrap`` to stop a kernel) the kernel kills every process inside;
- **a read-only view of what Python needs** (``/usr`` and the ``/bin``-style links, a minimal ``/etc``, the
  Python installation, the virtual environment, the ``course_lib`` package folder) and nothing else: no
  submissions, no gradebook, no other learner's folder, no home folder of the instructor's, not ``/``;
- **size-limited tmpfs** as the only writable places (``/tmp``, holding ``HOME`` and the working folder, and
  ``/dev/shm``), so learner files never reach the host's disk; the IPC folder is the one host folder it
  may write to;
- **an unprivileged user of its own**: run as root, the grader gives each sandbox a distinct high uid
  (:func:`next_uid`), which the launcher (``python -m course_lib.grading.kernel --uid U``) switches to after
  setting its rlimits, dropping every capability; run as another user, ``bwrap`` makes a user namespace
  instead. Either way ``RLIMIT_NPROC`` caps its processes and threads (root ignores it, hence the uid);
- an environment with only the variables grading needs (:func:`kernel_environment`), none of the
  instructor's tokens.

:func:`unavailable_reason` says, once per process, whether ``bwrap`` works here and how to install it.
:mod:`course_lib.grading.kernel` uses :class:`Sandbox` to start its kernels; this module knows nothing
about cells.
"""

from __future__ import annotations

import functools
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_MAX_PROCESSES", "Sandbox", "become", "kernel_environment", "next_uid", "tasks_below",
           "unavailable_reason"]

DEFAULT_MAX_PROCESSES = 256  # processes + threads: a Keras lesson uses about 10 here, 100+ on a 64-core machine
TMP_MB = 256  # the tmpfs at /tmp (home, working folder, temporary files)
SHM_MB = 64  # the tmpfs at /dev/shm (multiprocessing's semaphores and shared memory)
UID_BASE = 0x6000_0000  # 1610612736: far above any account; uids UID_BASE .. UID_BASE + 8 * pid_max
_UIDS_PER_PROCESS = 8  # each grading process uses its uids in turn, so a kernel being torn down never shares one
HOME, TMP, RUN = "/tmp/home", "/tmp", "/tmp/run"
_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "fonts", "mime.types",
        "alternatives")
# Variables a kernel keeps from the grader's environment (exact names, or prefixes ending in "_").
_KEPT = ("NN_COURSE_", "MPLBACKEND", "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "TF_NUM_INTRAOP_THREADS",
         "TF_NUM_INTEROP_THREADS", "TF_USE_LEGACY_KERAS", "KERAS_BACKEND", "OMP_", "OPENBLAS_", "MKL_",
         "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONWARNINGS", "PYDEVD_",
         "LANG", "LC_", "TZ")
_INSTALL = ("install it with `sudo apt-get install bubblewrap` (Debian, Ubuntu), `sudo dnf install bubblewrap` "
            "(Fedora) or your system's package manager; the PyPI package called bubblewrap is unrelated")

_counter = itertools.count()


def _privileged() -> bool:
    return os.geteuid() == 0


def namespace_options() -> list[str]:
    """``bwrap``'s namespace options: every namespace but the user one for root (which switches uid itself)."""
    common = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
              "--hostname", "grading", "--die-with-parent", "--new-session"]
    if _privileged():  # no user namespace (uid 0 in one ignores RLIMIT_NPROC); bwrap keeps root's capabilities
        return [*common, "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    return ["--unshare-user", *common]


def _system_binds() -> list[str]:
    """``/usr`` read-only, and ``/bin``, ``/lib``… as the host has them: links into ``/usr`` or folders."""
    options = []
    for path in _SYSTEM:
        if os.path.islink(path):
            options += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            options += ["--ro-bind", path, path]
    return options


@functools.lru_cache(maxsize=None)
def _probe(bwrap: str) -> str | None:
    command = [bwrap, *namespace_options(), *_system_binds(), "--proc", "/proc", "--dev", "/dev",
               "--size", str(2**20), "--tmpfs", "/tmp", "true"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap ({bwrap}) could not be run ({error}); reinstall it: {_INSTALL}"
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["no message"])[-1][:300]
        hint = ("as root, check that the container or kernel allows new namespaces" if _privileged() else
                "unprivileged user namespaces may be switched off (sysctl kernel.unprivileged_userns_clone, "
                "or an AppArmor profile on Ubuntu 24.04 and later)")
        return (f"bubblewrap ({bwrap}) is installed but could not create the grading sandbox "
                f"(exit status {done.returncode}: {said}); {hint}")
    return None


def unavailable_reason() -> str | None:
    """Why kernels cannot be sandboxed here, with how to fix it; ``None`` when ``bwrap`` works.

    The first call per ``bwrap`` found runs a trivial sandbox (``bwrap … true``); the answer is cached.

    Example
    -------
    >>> reason = unavailable_reason()
    >>> reason is None or "bubblewrap" in reason
    True
    """
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return f"bubblewrap (the `bwrap` command) is not installed, and every learner's kernel runs inside it: {_INSTALL}"
    return _probe(bwrap)


def next_uid() -> int:
    """A uid no other live sandbox uses: from this process's pid and a counter (root only)."""
    return UID_BASE + os.getpid() * _UIDS_PER_PROCESS + next(_counter) % _UIDS_PER_PROCESS


def become(uid: int) -> None:
    """Switch to ``uid`` (and the group of that number, no others), dropping every capability; inside the sandbox.

    Refuses to go on if the switch could be undone.
    """
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    try:
        os.setuid(0)
    except PermissionError:
        pass
    else:
        raise SystemExit("the sandbox could not drop root: refusing to run the kernel")
    if os.getuid() != uid or os.geteuid() != uid:
        raise SystemExit(f"the sandbox could not switch to uid {uid}: refusing to run the kernel")
    with open("/proc/self/status") as status:
        kept = [line.split()[0] for line in status if line.startswith(("CapPrm:", "CapEff:", "CapAmb:"))
                and int(line.split()[1], 16)]
    if kept:
        raise SystemExit(f"the sandbox still holds capabilities ({', '.join(kept)}): refusing to run the kernel")


def kernel_environment(env) -> dict:
    """The grader's ``env`` cut down to what a kernel needs, with ``HOME``, ``TMPDIR`` and ``PATH`` of the sandbox."""
    kept = {key: value for key, value in env.items()
            if any(key.startswith(name) if name.endswith("_") else key == name for name in _KEPT)}
    kept.update(HOME=HOME, TMPDIR=TMP, USER="learner", LOGNAME="learner",
                PATH=f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin")
    return kept


def _course_package() -> Path:
    return Path(__file__).resolve().parent.parent


def _read_only_paths() -> list[Path]:
    """The Python installation, the virtual environment and the course package, without repeats."""
    paths, system = [], [Path(path) for path in _SYSTEM]
    for path in (Path(sys.base_prefix), Path(sys.prefix), _course_package()):
        path = path.resolve()
        if not any(path == kept or kept in path.parents for kept in paths + system):
            paths.append(path)
    return paths


@dataclass
class Sandbox:
    """One kernel's sandbox: its uid, its folders on the host, and the ``bwrap`` command around the kernel.

    ``workdir`` is the submission's private temporary folder: ``workdir/ipc-*`` (the connection file and the
    kernel's sockets) and ``workdir/etc`` (the sandbox's ``passwd``, ``group``, ``hosts`` and
    ``nsswitch.conf``) are made by :meth:`create`.
    """

    workdir: Path
    ipc: Path  # the one host folder the kernel may write to: its connection file and sockets
    uid: int | None  # the uid the launcher switches to; None when bwrap makes a user namespace instead
    tmp_mb: int = TMP_MB
    shm_mb: int = SHM_MB

    @classmethod
    def create(cls, workdir) -> "Sandbox":
        """Make a fresh sandbox in ``workdir`` (an absolute, private folder), with a uid of its own when root.

        Each gets a new IPC folder: a client of an earlier kernel, not yet closed, would reconnect to sockets
        at the same paths and read the new kernel's messages.
        """
        workdir = Path(workdir).resolve()
        sandbox = cls(workdir, Path(tempfile.mkdtemp(prefix="ipc-", dir=workdir)),
                      next_uid() if _privileged() else None)
        sandbox.hand_over(sandbox.ipc)
        uid = sandbox.uid if sandbox.uid is not None else os.getuid()
        etc = workdir / "etc"
        etc.mkdir(exist_ok=True)
        for name, text in (("passwd", f"root:x:0:0:root:/root:/usr/sbin/nologin\n"
                                      f"learner:x:{uid}:{uid}:learner:{HOME}:/bin/sh\n"),
                           ("group", f"root:x:0:\nlearner:x:{uid}:\n"),
                           ("hosts", "127.0.0.1 localhost\n::1 localhost\n"),
                           ("nsswitch.conf", "passwd: files\ngroup: files\nhosts: files\n")):
            (etc / name).write_text(text)
        return sandbox

    def hand_over(self, path) -> None:
        """Let the sandbox's user own ``path`` (the IPC folder, the connection file); nothing to do without root."""
        if self.uid is not None:
            os.chown(path, self.uid, self.uid)

    def wrap(self, command) -> list[str]:
        """``command`` (the launcher and the kernel, with paths as seen inside) as a ``bwrap`` command line."""
        bwrap = shutil.which("bwrap") or "bwrap"
        made: set[str] = {"/"}

        def parents(path: Path) -> list[str]:  # bwrap would make missing parents mode 0700 (root) or unreadable
            out = []
            for parent in reversed(path.parents):
                if str(parent) not in made:
                    made.add(str(parent))
                    out += ["--perms", "0755", "--dir", str(parent)]
            return out

        options = [bwrap, *namespace_options(), *_system_binds()]
        options += ["--perms", "0755", "--dir", "/etc"]
        made.add("/etc")
        for name in _ETC:
            options += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
        for name in ("passwd", "group", "hosts", "nsswitch.conf"):
            options += ["--ro-bind", str(self.workdir / "etc" / name), f"/etc/{name}"]
        # The tmpfs first: the read-only paths and the IPC folder may lie under the host's /tmp (a checkout
        # in /tmp, say), and a tmpfs mounted after them would hide them.
        options += ["--proc", "/proc", "--dev", "/dev",
                    "--perms", "01777", "--size", str(self.shm_mb * 2**20), "--tmpfs", "/dev/shm",
                    "--perms", "01777", "--size", str(self.tmp_mb * 2**20), "--tmpfs", TMP,
                    "--perms", "0777", "--dir", HOME, "--perms", "0777", "--dir", RUN]
        made.update({TMP, HOME, RUN})
        for path in _read_only_paths():
            options += [*parents(path), "--ro-bind", str(path), str(path)]
        options += [*parents(self.ipc), "--bind", str(self.ipc), str(self.ipc)]  # last: it may lie under /tmp
        options += ["--remount-ro", "/"]  # the folders bwrap made are the user's own in a user namespace
        options += ["--unsetenv", "JPY_PARENT_PID", "--chdir", RUN, "--", *command]
        return options


def _children(pid: int) -> list[int]:
    found = []
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/children") as handle:
                found += [int(child) for child in handle.read().split()]
        except OSError:
            pass
    return found


def _threads(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            stat = handle.read()
        return max(1, int(stat[stat.rfind(")") + 2:].split()[17]))
    except (OSError, ValueError, IndexError):
        return 0


def tasks_below(pid: int) -> int:
    """How many tasks (each process and each of its threads, zombies too) run below ``pid``, ``pid`` excluded.

    ``RLIMIT_NPROC`` counts the same things; called with the ``bwrap`` process, this says whether a sandbox
    reached its limit. Reads ``/proc/PID/task/TID/children``, so it costs only as much as the sandbox is big.
    """
    count, todo = 0, [pid]
    while todo:
        for child in _children(todo.pop()):
            count += _threads(child)
            todo.append(child)
    return count
