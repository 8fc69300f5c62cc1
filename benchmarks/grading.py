"""Grading a batch of generated submissions: seconds per notebook, overhead, the speed-up of 2 workers, and the
cost of the bubblewrap sandbox per submission (each setting timed twice, in A-B-B-A order, medians compared)."""

import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from course_lib.grading import pipeline as grading
from course_lib.checks.exercises import make_exercise, strip_solutions

from .notebooks import time_notebook

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ["01_neurons", "02_numpy_forward_pass", "05_images_as_data", "06_convolution_from_scratch"]


def partial(solution):
    """The solution with every other task's worked answer replaced by the stub: a half-finished notebook."""
    notebook = nbformat.from_dict(solution)
    answers = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if "# BEGIN SOLUTION" in cell.source:
            answers += 1
            if answers % 2:
                cell.source = strip_solutions(cell.source)
        cell.outputs, cell.execution_count = [], None
    return notebook


def make_class(folder: Path, count: int) -> list[Path]:
    """``count`` submissions cycling through solved, blank and partial notebooks of the NumPy exercises."""
    paths = []
    for number in range(count):
        name = EXERCISES[number % len(EXERCISES)]
        solution = nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4)
        kind = ("solved", "blank", "partial")[number % 3]
        notebook = {"solved": solution, "blank": make_exercise(solution), "partial": partial(solution)}[kind]
        path = folder / f"learner{number:02d}_{kind}" / f"{name}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(notebook, path)
        paths.append(path)
    return paths


def sandbox_overhead(submissions: Path, quick=False) -> dict:
    """Seconds per submission graded with and without the sandbox (1 worker), and the difference.

    The sandbox's cost is starting ``bwrap`` (namespaces, mounts, tmpfs) and the launcher's switch of user
    for each kernel; the notebooks' own work is the same in both.
    """
    from course_lib.grading.sandbox import unavailable_reason

    reason = unavailable_reason()
    if reason is not None:
        print(f"  sandbox overhead not measured: {reason}", flush=True)
        return {"skipped": reason}
    count = sum(1 for _ in submissions.glob("*/*.ipynb"))
    order = (True, False) if quick else (True, False, False, True)
    runs = {True: [], False: []}
    for sandboxed in order:
        out = submissions.parent / f"out-sandbox-{sandboxed}"
        start = time.perf_counter()
        grading.grade(submissions, out, workers=1, sandbox=sandboxed)
        runs[sandboxed].append((time.perf_counter() - start) / count)
        shutil.rmtree(out)
    with_sandbox, without = statistics.median(runs[True]), statistics.median(runs[False])
    result = {"submissions": count, "per_submission_s_sandboxed": round(with_sandbox, 3),
              "per_submission_s_unsandboxed": round(without, 3), "overhead_s": round(with_sandbox - without, 3),
              "runs": {"sandboxed": [round(seconds, 3) for seconds in runs[True]],
                       "unsandboxed": [round(seconds, 3) for seconds in runs[False]]},
              "target_s": 0.3}
    result["met"] = result["overhead_s"] <= result["target_s"]
    print(f"  sandbox: {with_sandbox:.2f} s per submission, {without:.2f} s without; overhead "
          f"{with_sandbox - without:+.2f} s (target <= 0.3 s)", flush=True)
    return result


def run(quick=False) -> dict:
    count = 4 if quick else 20
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        paths = make_class(scratch / "submissions", count)
        plain = {str(path): time_notebook(path)["seconds"] for path in paths}
        # A-B-B-A order, so that a warming cache or a drifting machine favours neither setting
        order = (1, 2) if quick else (1, 2, 2, 1)
        runs, records = {1: [], 2: []}, {}
        for workers in order:
            out = scratch / f"out{workers}"
            start = time.perf_counter()
            records[workers] = grading.grade(scratch / "submissions", out, workers=workers)
            runs[workers].append(time.perf_counter() - start)
            shutil.rmtree(out)
        walls = {workers: statistics.median(seconds) for workers, seconds in runs.items()}
        small = scratch / "small-class"
        make_class(small, 4 if quick else 8)
        sandbox = sandbox_overhead(small, quick=quick)
    one = records[1]
    overhead = [record["seconds"] - plain[str(scratch / "submissions" / record["file"])] for record in one]
    result = {"submissions": count, "seconds_1_worker": round(walls[1], 1), "seconds_2_workers": round(walls[2], 1),
              "runs": {str(workers): [round(wall, 1) for wall in seconds] for workers, seconds in runs.items()},
              "per_submission_s": round(walls[1] / count, 2),
              "plain_execution_median_s": round(statistics.median(plain.values()), 2),
              "overhead_median_s": round(statistics.median(overhead), 2),
              "overhead_max_s": round(max(overhead), 2),
              "speedup_2_workers": round(walls[1] / walls[2], 2), "targets": {"overhead_s": 2, "speedup": 1.8}}
    result["met"] = {"overhead": result["overhead_median_s"] <= 2, "speedup": result["speedup_2_workers"] >= 1.8}
    result["sandbox"] = sandbox

    print(f"  {count} notebooks: {walls[1]:.1f} s with 1 worker, {walls[2]:.1f} s with 2 "
          f"(x{result['speedup_2_workers']}); overhead beyond plain execution {result['overhead_median_s']} s "
          f"(median)", flush=True)
    return result
