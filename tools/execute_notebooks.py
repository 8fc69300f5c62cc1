"""Run notebooks top to bottom and store their outputs in place; print how long each took.

Usage (from the repository root, in the course's virtual environment)::

    python tools/execute_notebooks.py notebooks/03_training_from_scratch.ipynb
    python tools/execute_notebooks.py notebooks/*.ipynb          # all lessons, a timing table at the end
    python tools/execute_notebooks.py --check notebooks/*.ipynb  # run and time only, change nothing

Run it after editing a lesson so the stored outputs (what a reader sees without running anything, and
what nbval compares against) match the code. A cell that raises stops the run and nothing is written.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KERNEL_NAME = "python3"
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}


def execute(path: Path, *, timeout: int = 300) -> tuple[nbformat.NotebookNode, float]:
    """Execute one notebook in its own folder; return it with outputs and the wall time in seconds."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name=KERNEL_NAME,
                            resources={"metadata": {"path": str(path.parent)}})
    # A fresh, empty progress record: stored outputs show what a new learner sees, and running the
    # solutions leaves the maintainer's own record alone.
    with tempfile.TemporaryDirectory() as scratch:
        saved = os.environ.get("NN_COURSE_PROGRESS")
        os.environ["NN_COURSE_PROGRESS"] = os.path.join(scratch, "progress.json")
        try:
            start = time.perf_counter()
            client.execute()
            seconds = time.perf_counter() - start
        finally:
            if saved is None:
                os.environ.pop("NN_COURSE_PROGRESS")
            else:
                os.environ["NN_COURSE_PROGRESS"] = saved
    return notebook, seconds


def tidy(notebook: nbformat.NotebookNode) -> None:
    """Drop what changes on every run without meaning anything (timestamps, the Python patch version)."""
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                       "name": KERNEL_NAME}
    notebook.metadata["language_info"] = dict(LANGUAGE_INFO)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="run and time only; do not write")
    parser.add_argument("--timeout", type=int, default=300, help="seconds allowed per cell (default 300)")
    args = parser.parse_args(argv)

    missing = [str(p) for p in args.notebooks if not p.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    timings = []
    for path in args.notebooks:
        print(f"running {path} ...", flush=True)
        notebook, seconds = execute(path, timeout=args.timeout)
        timings.append((path.name, seconds))
        if not args.check:
            tidy(notebook)
            nbformat.validate(notebook)
            nbformat.write(notebook, path)
        print(f"  {seconds:5.1f} s" + ("" if args.check else "  (outputs stored)"), flush=True)
    if len(timings) > 1:
        print("\nnotebook                                   seconds")
        for name, seconds in timings:
            print(f"{name:<42} {seconds:6.1f}")
        print(f"{'total':<42} {sum(s for _, s in timings):6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
