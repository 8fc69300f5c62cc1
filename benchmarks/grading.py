"""Grading a batch of generated submissions: seconds per notebook, overhead, the speed-up of 2 workers, the
cost of the bubblewrap sandbox per submission, and the local pool against a 2-worker dask LocalCluster (each
setting timed twice, in A-B-B-A order, medians compared); then every exercise's solution graded once, for the
estimate of a whole cohort's grading time in the README."""

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


def local_vs_cluster(submissions: Path, quick=False) -> dict:
    """The same class graded by the local pool (2 processes) and by a dask LocalCluster of 2 worker processes
    (one thread each) on this machine: seconds and notebooks per minute for each (target: within 10%).

    The cluster is started once and warmed with one small untimed run before the timed ones (its workers import
    the grader at their first task), as a cluster that serves a course stays up between runs; connecting to its
    scheduler is part of each timed run.
    """
    import logging

    from distributed import LocalCluster

    count = sum(1 for _ in submissions.glob("*/*.ipynb"))
    order = ("local", "cluster") if quick else ("local", "cluster", "cluster", "local")
    runs = {"local": [], "cluster": []}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster:
        warm = submissions.parent / "warm-up"
        for path in sorted(submissions.glob("*/*.ipynb"))[:2]:
            (warm / path.parent.name).mkdir(parents=True)
            shutil.copy(path, warm / path.parent.name)
        grading.grade(warm, submissions.parent / "out-warm-up", scheduler=cluster.scheduler_address)
        for how in order:
            out = submissions.parent / f"out-{how}"
            start = time.perf_counter()
            if how == "local":
                grading.grade(submissions, out, workers=2)
            else:
                grading.grade(submissions, out, scheduler=cluster.scheduler_address)
            runs[how].append(time.perf_counter() - start)
            shutil.rmtree(out)
    local, remote = statistics.median(runs["local"]), statistics.median(runs["cluster"])
    result = {"submissions": count, "seconds_local_pool": round(local, 1), "seconds_cluster": round(remote, 1),
              "per_minute_local_pool": round(60 * count / local, 1), "per_minute_cluster": round(60 * count / remote, 1),
              "cluster_vs_local": round(remote / local - 1, 3),
              "runs": {how: [round(seconds, 1) for seconds in values] for how, values in runs.items()},
              "target": 0.10}
    result["met"] = abs(result["cluster_vs_local"]) <= result["target"]
    print(f"  local pool (2 processes): {local:.1f} s ({result['per_minute_local_pool']}/min); 2-worker LocalCluster: "
          f"{remote:.1f} s ({result['per_minute_cluster']}/min), {100 * result['cluster_vs_local']:+.1f}% "
          f"(target within 10%)", flush=True)
    return result


COHORT = {"learners": 10_000, "machines": (1, 10, 50, 100)}


def cohort_estimate(scratch: Path, speedup: float) -> dict:
    """Every exercise's solution graded as a submission (1 worker, in the sandbox): seconds per submission, and
    what grading a cohort (:data:`COHORT`, every exercise) costs on N machines like this one.

    A machine like this one grades ``speedup`` submissions at a time (the 1 vs 2 workers figure above); a
    solution runs every cell, so it stands for a learner who did the whole exercise (a blank one takes less, one
    that runs into time limits more).
    """
    from course_lib import checks

    names = checks.exercise_names()
    folder = scratch / "solutions" / "solution"
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(ROOT / "solutions" / f"{name}.ipynb", folder)
    records = grading.grade(scratch / "solutions", scratch / "out-solutions", workers=1)
    seconds = {record["exercise"]: record["seconds"] for record in records}
    per_learner = sum(seconds.values())
    hours = {str(machines): round(COHORT["learners"] * per_learner / speedup / machines / 3600, 1)
             for machines in COHORT["machines"]}
    result = {"per_submission_s": {name: round(seconds[name], 1) for name in sorted(seconds)},
              "statuses": sorted({record["status"] for record in records}),
              "full_marks": all(record["score"] == record["max_score"] for record in records),
              "per_learner_s": round(per_learner, 1), "learners": COHORT["learners"], "exercises": len(names),
              "cpu_hours": round(COHORT["learners"] * per_learner / 3600), "submissions_at_once": speedup,
              "hours_on_machines": hours}
    print(f"  one learner's {len(names)} solutions: {per_learner:.0f} s graded one at a time; a cohort of "
          f"{COHORT['learners']:,}: {result['cpu_hours']} CPU-hours, "
          + ", ".join(f"{hours[str(n)]} h on {n}" for n in COHORT["machines"]) + " machines like this one", flush=True)
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
        cluster = local_vs_cluster(scratch / "submissions", quick=quick)
        cohort = None if quick else cohort_estimate(scratch, round(statistics.median(runs[1]) / statistics.median(runs[2]), 2))
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
    result["local_vs_cluster"] = cluster
    if cohort is not None:
        result["cohort"] = cohort

    print(f"  {count} notebooks: {walls[1]:.1f} s with 1 worker, {walls[2]:.1f} s with 2 "
          f"(x{result['speedup_2_workers']}); overhead beyond plain execution {result['overhead_median_s']} s "
          f"(median)", flush=True)
    return result
