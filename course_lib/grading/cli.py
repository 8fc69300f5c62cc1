"""``course-grade SUBMISSIONS --output OUT``: the command line over :func:`course_lib.grading.pipeline.grade`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .pipeline import GradingError, grade

__all__ = ["NO_SANDBOX_WARNING", "main"]

NO_SANDBOX_WARNING = ("course-grade: WARNING: graded WITHOUT the sandbox (--no-sandbox): every notebook ran as your "
                      "user, able to read and change your files, other learners' submissions and the gradebook, "
                      "and to reach the network. Use it only for code you trust.")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="course-grade", description="Grade a class's exercise notebooks.",
                                     epilog="Exit status: 0 when grading finished, whatever the learners' results; "
                                            "2 for a problem with the command itself.")
    parser.add_argument("submissions", type=Path, help="folder with one sub-folder per learner")
    parser.add_argument("--output", "-o", type=Path, required=True, help="gradebook folder (created if needed)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="notebooks graded at once "
                                                                                 "(default: number of cores)")
    parser.add_argument("--cell-timeout", type=float, default=120, metavar="S", help="seconds per cell (120)")
    parser.add_argument("--notebook-timeout", type=float, default=600, metavar="S",
                        help="seconds per notebook, all cells together (600)")
    parser.add_argument("--memory-mb", type=int, default=2048, metavar="M", help="memory per kernel in MB (2048)")
    parser.add_argument("--exercise", metavar="NAME", help="grade only this exercise, e.g. 02_numpy_forward_pass")
    parser.add_argument("--force", action="store_true", help="regrade notebooks that were graded before")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run learners' code WITHOUT the bubblewrap sandbox, with your user's access to your files "
                             "and network (only for code you trust, or where bubblewrap cannot be installed)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    if args.no_sandbox:
        print(NO_SANDBOX_WARNING, file=sys.stderr, flush=True)
    try:
        graded = grade(args.submissions, args.output, workers=args.workers, cell_timeout=args.cell_timeout,
                       notebook_timeout=args.notebook_timeout, memory_mb=args.memory_mb, exercise=args.exercise,
                       force=args.force, progress=None if args.quiet else lambda text: print(text, flush=True),
                       sandbox=not args.no_sandbox)
    except (GradingError, NotADirectoryError) as error:
        print(f"course-grade: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("course-grade: interrupted; everything graded so far is in the gradebook", file=sys.stderr)
        return 130
    if not args.quiet:
        print(f"graded {len(graded)} notebook(s) in {time.monotonic() - started:.1f} s; gradebook: "
              f"{args.output / 'grades.csv'}")
    if args.no_sandbox:  # again at the end, where the run's summary is read
        print(NO_SANDBOX_WARNING, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
