"""Notebook run times (median of 3) and peak memory; the time ``import course_lib`` takes."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S, COURSE_LIMIT_S = 45, 300

_RUN = """
import json, resource, sys, time
import nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}})
start = time.perf_counter()
client.execute()
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def kernel_env():
    env = dict(os.environ, NN_COURSE_PROGRESS="off", TF_CPP_MIN_LOG_LEVEL="3", PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.pop("MPLBACKEND", None)
    return env


def course_notebooks(root: Path = ROOT) -> list[Path]:
    """The lessons, then the solutions, of the checkout at ``root``."""
    return [path for folder in ("notebooks", "solutions")
            for path in sorted((root / folder).glob("[0-9][0-9]_*.ipynb"))]


def time_notebook(path: Path, *, checkout: Path | None = None) -> dict:
    """One run in a fresh process: wall time of executing every cell, and the kernel's peak resident memory.

    ``checkout``: run from that folder, with its own ``course_lib`` first on the kernel's path (an older commit's).
    """
    env = kernel_env() if checkout is None else dict(kernel_env(), PYTHONPATH=str(checkout))
    done = subprocess.run([sys.executable, "-c", _RUN, str(path), str(path.parent)], capture_output=True, text=True,
                          env=env, cwd=checkout)
    if done.returncode:
        raise RuntimeError(f"{path} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(quick=False) -> dict:
    paths = course_notebooks()
    if quick:
        paths = [ROOT / "notebooks" / "01_neurons.ipynb", ROOT / "solutions" / "01_neurons.ipynb"]
    repeats = 1 if quick else 3
    rows = []
    for path in paths:
        runs = [time_notebook(path) for _ in range(repeats)]
        row = {"notebook": f"{path.parent.name}/{path.name}", "seconds": round(statistics.median(r["seconds"] for r in runs), 1),
               "runs": [round(r["seconds"], 1) for r in runs], "peak_mb": round(max(r["peak_mb"] for r in runs))}
        rows.append(row)
        print(f"  {row['notebook']:<48} {row['seconds']:>6.1f} s  {row['peak_mb']:>5} MB", flush=True)
    total = round(sum(row["seconds"] for row in rows), 1)
    return {"rows": rows, "total_seconds": total, "repeats": repeats,
            "targets": {"each_s": LIMIT_S, "course_s": COURSE_LIMIT_S},
            "met": {"each": all(row["seconds"] <= LIMIT_S for row in rows), "course": total <= COURSE_LIMIT_S}}


def import_time(quick=False) -> dict:
    """Median wall time of ``import course_lib`` in a fresh interpreter, less an empty interpreter's start."""
    def median_start(code, n):
        times = []
        for _ in range(n):
            done = subprocess.run([sys.executable, "-c", f"import time; t = time.perf_counter(); {code}; "
                                   f"print(time.perf_counter() - t)"], capture_output=True, text=True, check=True)
            times.append(float(done.stdout))
        return statistics.median(times)

    seconds = median_start("import course_lib", 3 if quick else 9)
    return {"seconds": round(seconds, 3), "target_s": 0.3, "met": seconds <= 0.3}
