"""``python -m benchmarks.compare REVISION``: the whole course's run time, this checkout against an older commit.

A promise like "the course takes no longer than before" can only be checked on one machine at one time: the
same notebook takes 10-15% longer an hour later when the machine is busier. So this runs both versions
*interleaved*: notebook by notebook, the old commit's then this checkout's, repeated ``--repeats`` times, and
takes each notebook's median. The old commit is cloned into a scratch folder and run with this checkout's
virtual environment (``PYTHONPATH`` points its kernels at its own ``course_lib``). Each notebook is timed as
``python -m benchmarks`` times it: from starting a fresh kernel to shutting it down.

It prints a table (each notebook in either version, old and new medians, the difference) and writes
``benchmarks/results/compare.json`` and ``compare.md``. About 25 minutes for the whole course at 3 repeats.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from . import notebooks

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "benchmarks" / "results"


def course_notebooks(root: Path) -> list[str]:
    """The lessons and solutions of the checkout at ``root``, as paths relative to it."""
    return [str(path.relative_to(root)) for path in notebooks.course_notebooks(root)]


def compare(old_root: Path, new_root: Path, repeats: int = 3) -> dict:
    """Time both checkouts' notebooks interleaved; per notebook the runs and the median, and the totals."""
    old, new = course_notebooks(old_root), course_notebooks(new_root)
    runs = {"old": {name: [] for name in old}, "new": {name: [] for name in new}}
    for repeat in range(repeats):
        for name in sorted(set(old) | set(new)):
            for label, root, names in (("old", old_root, old), ("new", new_root, new)):
                if name in names:
                    seconds = notebooks.time_notebook(root / name, checkout=root)["seconds"]
                    runs[label][name].append(round(seconds, 2))
                    print(f"  run {repeat + 1}/{repeats}  {label}  {name:<48} {seconds:6.1f} s", flush=True)
    medians = {label: {name: round(statistics.median(values), 2) for name, values in rows.items()}
               for label, rows in runs.items()}
    return {"runs": runs, "medians": medians, "repeats": repeats,
            "totals": {label: round(sum(rows.values()), 1) for label, rows in medians.items()},
            "counts": {label: len(rows) for label, rows in medians.items()}}


def markdown(result: dict) -> str:
    old, new = result["medians"]["old"], result["medians"]["new"]
    lines = [f"Measured on {result['date']}, {result['machine']}; commit {result['old_commit']} against "
             f"{result['new_commit']}, interleaved, median of {result['repeats']} runs each.", "",
             "| Notebook | Old | New | Difference |", "|---|---:|---:|---:|"]
    for name in sorted(set(old) | set(new)):
        difference = f"{new[name] - old[name]:+.1f} s" if name in old and name in new else ""
        lines.append(f"| {name} | {f'{old[name]:.1f} s' if name in old else '—'} | "
                     f"{f'{new[name]:.1f} s' if name in new else '—'} | {difference} |")
    totals, counts = result["totals"], result["counts"]
    lines.append(f"| **whole course** | **{totals['old']:.0f} s** ({counts['old']}) | **{totals['new']:.0f} s** "
                 f"({counts['new']}) | **{totals['new'] - totals['old']:+.0f} s** |")
    shared = sorted(set(old) & set(new))
    lines += ["", f"Notebooks in both versions: {sum(old[n] for n in shared):.0f} s before, "
              f"{sum(new[n] for n in shared):.0f} s now."]
    return "\n".join(lines) + "\n"


def _commit(root: Path) -> str:
    return subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare", description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="the older commit to compare with, e.g. 2aae265")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each notebook in each version (default 3)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="folder for compare.json and compare.md")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    from .__main__ import machine

    with tempfile.TemporaryDirectory(prefix="compare-") as scratch:
        old_root = Path(scratch) / "old"
        cloned = subprocess.run(["git", "clone", "--quiet", str(ROOT), str(old_root)], capture_output=True, text=True)
        checked = cloned.returncode == 0 and subprocess.run(
            ["git", "-C", str(old_root), "checkout", "--quiet", args.revision], capture_output=True).returncode == 0
        if not checked:
            print(f"error: cannot check out {args.revision!r} from {ROOT}: expected a commit of this repository",
                  file=sys.stderr)
            return 2
        result = compare(old_root, ROOT, args.repeats)
        result.update(date=date.today().isoformat(), machine=machine(), old_commit=_commit(old_root),
                      new_commit=_commit(ROOT))
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "compare.json").write_text(json.dumps(result, indent=1) + "\n")
    table = markdown(result)
    (args.output / "compare.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
