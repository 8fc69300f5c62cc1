"""The benchmark table (Markdown), the bar chart of notebook times, and the README section that shows them."""

import re
from pathlib import Path

START, END = "<!-- BENCHMARKS START -->", "<!-- BENCHMARKS END -->"


_TARGETS = {"numpy_within_1_point_of_keras": "the NumPy network within 1 point of its Keras twin",
            "best_at_least_99.3": "the best model at 99.3% or more",
            "best_ahead_of_svm": "the best model ahead of the tuned SVM",
            "best_ahead_of_svm_over_10_splits": "the best model ahead of the tuned SVM on the mean of 10 splits"}


def _mark(ok):
    return "✓" if ok else "✗"


def markdown(results) -> str:
    sections = results["sections"]
    lines = [f"Measured on {results['date']}, {results['machine']}" + (" (quick mode)" if results["quick"] else "")
             + "."]
    if "notebooks" in sections:
        notebooks = sections["notebooks"]
        lines += ["", f"| Notebook | Time (median of {notebooks['repeats']}) | Peak memory |", "|---|---:|---:|"]
        lines += [f"| {row['notebook']} | {row['seconds']:.1f} s | {row['peak_mb']} MB |" for row in notebooks["rows"]]
        lines.append(f"| **all {len(notebooks['rows'])} notebooks** | **{notebooks['total_seconds']:.0f} s** | |")
        lines.append(f"\nTargets: each ≤ {notebooks['targets']['each_s']} s {_mark(notebooks['met']['each'])}; "
                     f"whole course ≤ {notebooks['targets']['course_s']} s {_mark(notebooks['met']['course'])}.")
    if "import" in sections:
        imported = sections["import"]
        lines.append(f"\n`import course_lib`: {imported['seconds'] * 1000:.0f} ms (target ≤ 300 ms "
                     f"{_mark(imported['met'])}).")
    if "digits" in sections:
        digits = sections["digits"]
        lines += ["", f"Digits, {digits['test_size']} test images (25% stratified, `random_state=42`), seeds "
                      f"{', '.join(map(str, digits['seeds']))}:", "",
                  "| Model | Test accuracy (mean) | Lowest | Training time (median) |", "|---|---:|---:|---:|"]
        lines += [f"| {row['model']} | {row['accuracy_mean']:.2%} | {row['accuracy_min']:.2%} | "
                  f"{row['train_seconds_median']:.1f} s |" for row in digits["rows"]]
        if digits["met"]:
            lines.append("\nTargets: " + "; ".join(f"{_TARGETS.get(name, name.replace('_', ' '))} {_mark(ok)}"
                                                  for name, ok in digits["met"].items()) + ".")
        if "contest" in digits:
            lines += ["", contest_markdown(digits["contest"])]
    if "conv" in sections:
        conv = sections["conv"]
        lines += ["", f"Convolution, batch {tuple(conv['batch'])}, {conv['filters']} 3×3 filters:", "",
                  "| Implementation | Time | × TensorFlow |", "|---|---:|---:|",
                  f"| Python loops (one image × {conv['batch'][0]}) | {conv['loops_s_extrapolated']:.1f} s | {conv['loops_to_tf']} |",
                  f"| vectorized NumPy | {conv['numpy_s'] * 1000:.1f} ms | {conv['numpy_to_tf']} |",
                  f"| TensorFlow `tf.nn.conv2d` | {conv['tensorflow_s'] * 1000:.1f} ms | 1 |",
                  f"\nTarget: NumPy ≤ {conv['target_numpy_to_tf']}× TensorFlow's time {_mark(conv['met'])}."]
    if "grading" in sections:
        grading = sections["grading"]
        lines += ["", f"Grading {grading['submissions']} generated submissions (solved, blank, partial): "
                      f"{grading['seconds_1_worker']} s with 1 worker, {grading['seconds_2_workers']} s with 2 "
                      f"({'median of 2 runs each, ' if len(grading.get('runs', {}).get('1', [])) > 1 else ''}"
                      f"speed-up ×{grading['speedup_2_workers']}, target ≥ 1.8 {_mark(grading['met']['speedup'])}); "
                      f"overhead beyond executing the notebook {grading['overhead_median_s']} s median, "
                      f"{grading['overhead_max_s']} s at most (target ≤ 2 s {_mark(grading['met']['overhead'])})."]
        sandbox = grading.get("sandbox") or {}
        if "overhead_s" in sandbox:
            lines += [f"The bubblewrap sandbox: {sandbox['per_submission_s_sandboxed']} s per submission with it, "
                      f"{sandbox['per_submission_s_unsandboxed']} s without (1 worker, {sandbox['submissions']} "
                      f"submissions), a cost of {sandbox['overhead_s']:+} s each (target ≤ 0.3 s "
                      f"{_mark(sandbox['met'])})."]
        elif sandbox.get("skipped"):
            lines += [f"The sandbox's cost was not measured: {sandbox['skipped']}"]
        cluster = grading.get("local_vs_cluster") or {}
        if "seconds_cluster" in cluster:
            lines += [f"dask.distributed: {cluster['submissions']} submissions in {cluster['seconds_local_pool']} s "
                      f"with the local pool of 2 processes ({cluster['per_minute_local_pool']:.0f}/min), "
                      f"{cluster['seconds_cluster']} s on a 2-worker `LocalCluster` "
                      f"({cluster['per_minute_cluster']:.0f}/min), {cluster['cluster_vs_local']:+.0%} (target within "
                      f"±{cluster['target']:.0%} {_mark(cluster['met'])})."]
        cohort = grading.get("cohort") or {}
        if "per_learner_s" in cohort:
            machines = ", ".join(f"{hours} h on {count} machine{'s' if count != '1' else ''}"
                                 for count, hours in cohort["hours_on_machines"].items())
            lines += [f"A learner's {cohort['exercises']} solved exercises take {cohort['per_learner_s']} s to grade "
                      f"(sandboxed, one at a time); {cohort['learners']:,} learners are {cohort['cpu_hours']} "
                      f"CPU-hours: {machines} like this one."]
    if "gradebook" in sections:
        book = sections["gradebook"]
        lines += ["", f"Gradebook, ms per recorded submission ({book['record_kb']} kB records), SQLite now and the "
                      f"JSON files before:", "", "| Gradebook | Records | Mean | Median | p99 |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {name} | {row['records']:,} | {row['mean_ms']} ms | {row['median_ms']} ms | {row['p99_ms']} ms |"
                  for name, rows in (("JSON (before)", book["json_before"]), ("SQLite", book["sqlite"])) for row in rows]
        largest = book["sqlite"][-1]["records"]
        exports = ", ".join(f"{seconds} s at {int(size):,} records" for size, seconds in book["export_s"].items())
        target = (f"Target: ≤ {book['target_ms_at_100k']} ms per record at 100,000 records {_mark(book['met'])} "
                  f"(measured at {largest:,}). " if "met" in book else "")
        lines.append(f"\n{target}`export()`: {exports}.")
    return "\n".join(lines)


def contest_markdown(contest) -> str:
    """The paired contest of lesson 13's best model and the tuned SVM: one row per split, then the summary."""
    summary = contest["summary"]
    lines = [f"Lesson 13's contest, paired over {summary['splits']} stratified splits (25% test, `random_state` "
             f"{contest['splits'][0]['random_state']} to {contest['splits'][-1]['random_state']}; the SVM tuned by "
             f"5-fold cross-validation on each training part; {contest['members']} CNNs of {contest['epochs']} "
             f"epochs, base seed {contest['base_seed']}): test accuracy (mistakes); the difference is five CNNs "
             f"minus SVM, in points and (in brackets) in images:", "",
             "| Split | Tuned SVM | Five CNNs (best model) | Difference | One CNN | Five CNNs + SVM |",
             "|---|---:|---:|---:|---:|---:|"]
    for row in contest["splits"]:
        extra = row["svm_mistakes"] - row["ensemble_mistakes"]
        lines.append(f"| {row['random_state']} | {row['svm_accuracy']:.2%} ({row['svm_mistakes']}) | "
                     f"{row['ensemble_accuracy']:.2%} ({row['ensemble_mistakes']}) | "
                     f"{extra / row['test_size']:+.2%} ({extra:+d}) | "
                     f"{row['single_cnn_accuracy']:.2%} | {row['ensemble_and_svm_accuracy']:.2%} |")
    lines.append(f"| **mean ± sd** | {summary['svm_mean']:.2%} ± {summary['svm_sd']:.2%} | "
                 f"{summary['ensemble_mean']:.2%} ± {summary['ensemble_sd']:.2%} | "
                 f"{summary['difference_mean']:+.2%} ± {summary['difference_sd']:.2%} | "
                 f"{summary['single_cnn_mean']:.2%} ± {summary['single_cnn_sd']:.2%} | "
                 f"{summary['ensemble_and_svm_mean']:.2%} ± {summary['ensemble_and_svm_sd']:.2%} |")
    lines.append(f"\nThe five CNNs against the SVM: {summary['wins']} wins, {summary['ties']} ties, "
                 f"{summary['losses']} losses; mean difference {summary['difference_mean']:+.2%} (standard error "
                 f"{summary['difference_se']:.2%}); the best model ahead on the mean "
                 f"{_mark(summary['best_ahead_of_svm_on_mean'])}.")
    return "\n".join(lines)


def plot_notebook_times(results, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    notebooks = results["sections"]["notebooks"]
    rows = notebooks["rows"]
    fig = Figure(figsize=(8, 0.28 * len(rows) + 1.2))
    ax = fig.subplots()
    names = [row["notebook"].replace(".ipynb", "") for row in rows]
    colours = ["#0969da" if name.startswith("notebooks/") else "#8250df" for name in names]
    ax.barh(range(len(rows)), [row["seconds"] for row in rows], color=colours)
    ax.axvline(notebooks["targets"]["each_s"], color="#cf222e", linestyle="--", linewidth=1, label="45 s limit")
    ax.set_yticks(range(len(rows)), names, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("seconds (median of repeated runs)")
    ax.set_title(f"Notebook run times: lessons (blue) and solutions (purple), {results['date']}", fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


_SYLLABUS_ROW = re.compile(r"^(\| (\d\d) \|.*\| )~\d+ s( \|)$", re.MULTILINE)


def update_run_times(text: str, notebook_rows) -> str:
    """Put each lesson's measured median into the syllabus's run-time column (``| 04 | … | ~40 s |``)."""
    seconds = {}
    for row in notebook_rows:
        match = re.fullmatch(r"notebooks/(\d\d)_\w+\.ipynb", row["notebook"])
        if match:
            seconds[match.group(1)] = row["seconds"]

    def replace(match):
        number = match.group(2)
        if number not in seconds:
            return match.group(0)
        return f"{match.group(1)}~{round(seconds[number])} s{match.group(3)}"

    return _SYLLABUS_ROW.sub(replace, text)


def update_readme(readme: Path, table: str, image: Path, notebook_rows=None) -> None:
    """Replace the README's benchmark block (or append one), and its syllabus run times when given."""
    text = readme.read_text(encoding="utf-8")
    relative = image.resolve().relative_to(readme.resolve().parent)
    block = f"{START}\n{table}\n\n![Notebook run times]({relative.as_posix()})\n{END}"
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n## Benchmarks\n\n" + block + "\n"
    if notebook_rows:
        text = update_run_times(text, notebook_rows)
    readme.write_text(text, encoding="utf-8")
