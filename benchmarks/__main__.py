"""``python -m benchmarks [--quick] [--output DIR] [--update-readme]``: measure, print a table, write JSON."""

import argparse
import json
import platform
import sys
import time
from datetime import date
from pathlib import Path

from . import conv, digits, gradebook, grading, notebooks, report

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = {"notebooks": notebooks.run, "import": notebooks.import_time, "digits": digits.run, "conv": conv.run,
            "grading": grading.run, "gradebook": gradebook.run}


def machine() -> str:
    import os

    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()}, Python {platform.python_version()}, no GPU used"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one small run of every kind of row (about a minute)")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results",
                        help="folder for results.json, results.md and notebook_times.png")
    parser.add_argument("--only", nargs="+", choices=sorted(SECTIONS),
                        help="run only these sections; the others are kept from OUTPUT/results.json when it was "
                             "measured on this machine in the same mode")
    parser.add_argument("--update-readme", action="store_true", help="put the table in README.md")
    args = parser.parse_args(argv)
    results = {"date": date.today().isoformat(), "machine": machine(), "quick": args.quick, "sections": {}}
    previous = args.output / "results.json"
    if args.only and previous.is_file():  # re-measure some sections, keep the others from the last run
        kept = json.loads(previous.read_text())
        if kept.get("quick") == args.quick and kept.get("machine") == results["machine"]:
            results["sections"] = {name: section for name, section in kept.get("sections", {}).items()
                                   if name not in args.only}
            results["rerun"] = sorted(args.only)
    started = time.monotonic()
    for name, run in SECTIONS.items():
        if args.only and name not in args.only:
            continue
        print(f"== {name}", flush=True)
        results["sections"][name] = run(quick=args.quick)
    results["seconds"] = round(time.monotonic() - started, 1)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    table = report.markdown(results)
    (args.output / "results.md").write_text(table + "\n")
    if "notebooks" in results["sections"]:
        report.plot_notebook_times(results, args.output / "notebook_times.png")
    print(table)
    if args.update_readme:
        report.update_readme(ROOT / "README.md", table, image=args.output / "notebook_times.png",
                             notebook_rows=results["sections"].get("notebooks", {}).get("rows"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
