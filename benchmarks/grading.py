"""Grading a batch of generated submissions: seconds per notebook, overhead, and the speed-up of 2 workers
(each setting timed twice, in A-B-B-A order, medians compared)."""

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
    print(f"  {count} notebooks: {walls[1]:.1f} s with 1 worker, {walls[2]:.1f} s with 2 "
          f"(x{result['speedup_2_workers']}); overhead beyond plain execution {result['overhead_median_s']} s "
          f"(median)", flush=True)
    return result
