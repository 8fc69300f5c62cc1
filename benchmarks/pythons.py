"""``python -m benchmarks.pythons``: install the course on every Python it supports and run a smoke test on each.

The course is developed on Python 3.11; Linux distributions today ship 3.12 and 3.13. For each interpreter this
finds (``python3.X`` on the ``PATH``, else a pyenv installation), it clones the current commit into a scratch
folder, makes a virtual environment there, runs the README's install (``pip install -r requirements.txt``) and
then a smoke test: the checks, the corpus of wrong and right answers, grading in the sandbox, and four lessons
under nbval (``--full`` runs the whole suite instead). It prints one row per Python and writes
``benchmarks/results/pythons.json`` and ``pythons.md``.

Installing takes a minute or two per Python and about 2.6 GB of disk each; ``--keep DIR`` keeps the clones and
their environments in ``DIR`` and reuses an environment that is already there (its install time is then shown
as "reused").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ("3.11", "3.12", "3.13")
SMOKE = ("tests/test_checks.py", "tests/test_corpus.py", "tests/test_grade.py", "tests/test_env.py",
         "notebooks/01_neurons.ipynb", "notebooks/04_first_keras_network.ipynb", "notebooks/07_first_cnns.ipynb",
         "notebooks/15_sequences.ipynb")


def find_python(version: str) -> Path | None:
    """The interpreter for ``version`` ("3.12"): ``python3.12`` on the PATH, else the newest pyenv one."""
    on_path = shutil.which(f"python{version}")
    if on_path and subprocess.run([on_path, "-c", "pass"], capture_output=True).returncode == 0:
        return Path(on_path)  # pyenv's shims are on the PATH but fail for versions that are not selected
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = sorted(pyenv.glob(f"{version}.*/bin/python{version}"),
                        key=lambda path: [int(part) for part in re.findall(r"\d+", path.parent.parent.name)])
    return candidates[-1] if candidates else None


def _run(command, cwd, log) -> tuple[int, float]:
    start = time.monotonic()
    with open(log, "a") as out:
        out.write(f"$ {' '.join(map(str, command))}\n")
        out.flush()
        code = subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                              env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}).returncode
    return code, time.monotonic() - start


def _summary(log: Path) -> dict:
    """pytest's last line, e.g. ``2 failed, 240 passed in 812.4s``, as counts."""
    lines = [line for line in log.read_text(errors="replace").splitlines() if re.search(r" in [\d.]+s", line)]
    counts = dict.fromkeys(("passed", "failed", "errors", "skipped"), 0)
    for number, word in re.findall(r"(\d+) (passed|failed|errors?|skipped)", lines[-1] if lines else ""):
        counts["errors" if word.startswith("error") else word] = int(number)
    counts["failures"] = [line.split(" ", 1)[1].split(" - ")[0] for line in log.read_text(errors="replace")
                          .splitlines() if line.startswith(("FAILED ", "ERROR "))]
    return counts


def measure(version: str, workdir: Path, *, full: bool, workers: int) -> dict:
    """Clone, install and test on one Python; a row of the table."""
    python = find_python(version)
    if python is None:
        return {"python": version, "found": False}
    exact = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                           capture_output=True, text=True).stdout.strip()
    checkout, log = workdir / f"py{version}", workdir / f"py{version}.log"
    row = {"python": exact, "found": True, "log": str(log)}
    reused = (checkout / ".venv" / "bin" / "python").is_file()
    if not reused:
        shutil.rmtree(checkout, ignore_errors=True)
        subprocess.run(["git", "clone", "-q", str(ROOT), str(checkout)], check=True)
        code, seconds = _run([python, "-m", "venv", ".venv"], checkout, log)
        if code == 0:
            code, seconds = _run([".venv/bin/pip", "install", "-q", "-r", "requirements.txt"], checkout, log)
        row["install_s"] = round(seconds, 1)
        if code != 0:
            return {**row, "installed": False}
    else:  # bring the kept clone to the current commit; its environment stays
        subprocess.run(["git", "fetch", "-q", str(ROOT), "HEAD"], cwd=checkout, check=True)
        subprocess.run(["git", "reset", "-q", "--hard", "FETCH_HEAD"], cwd=checkout, check=True)
        _run([".venv/bin/pip", "install", "-q", "-r", "requirements.txt"], checkout, log)  # what changed since
        row["install_s"] = "reused"
    row["installed"] = True
    versions = subprocess.run([".venv/bin/python", "-c", "import tensorflow, keras, numpy; print(tensorflow.__version__,"
                               " keras.__version__, numpy.__version__)"], cwd=checkout, capture_output=True, text=True)
    row["tensorflow"], row["keras"], row["numpy"] = (versions.stdout.split() + ["?"] * 3)[:3]
    tests = [] if full else list(SMOKE)
    code, seconds = _run([".venv/bin/python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", str(workers),
                          *tests], checkout, log)
    return {**row, "tests": "full suite" if full else "smoke", "test_s": round(seconds, 1), **_summary(log),
            "exit": code}


def markdown(rows) -> str:
    lines = ["| Python | install | TensorFlow / Keras / NumPy | tests | passed | failed | time |",
             "|---|---|---|---|---:|---:|---:|"]
    for row in rows:
        if not row.get("found"):
            lines.append(f"| {row['python']} | not found on this machine | | | | | |")
        elif not row.get("installed"):
            lines.append(f"| {row['python']} | **failed** after {row['install_s']} s (see {row['log']}) | | | | | |")
        else:
            install = row["install_s"] if row["install_s"] == "reused" else f"{row['install_s']:.0f} s"
            lines.append(f"| {row['python']} | {install} | {row['tensorflow']} / {row['keras']} / {row['numpy']} | "
                         f"{row['tests']} | {row['passed']} | {row['failed'] + row['errors']} | "
                         f"{row['test_s']:.0f} s |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pythons", description=__doc__.split("\n\n")[0])
    parser.add_argument("versions", nargs="*", default=list(VERSIONS), help=f"default: {' '.join(VERSIONS)}")
    parser.add_argument("--full", action="store_true", help="the whole test suite, not the smoke test")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep (and reuse) the clones and environments here")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers (2)")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="course-pythons-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for version in args.versions:
            print(f"== Python {version}", flush=True)
            rows.append(measure(version, workdir, full=args.full, workers=args.workers))
            print(markdown(rows[-1:]).splitlines()[-1], flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    results = {"date": date.today().isoformat(), "machine": f"{os.cpu_count()} cores, {platform.system()}",
               "rows": rows}
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "pythons.json").write_text(json.dumps(results, indent=1) + "\n")
    table = markdown(rows)
    (args.output / "pythons.md").write_text(table + "\n")
    print(table)
    return 0 if all(row.get("installed") and row.get("exit") == 0 for row in rows if row.get("found")) else 1


if __name__ == "__main__":
    sys.exit(main())
