"""``course-grade``: the command line over :func:`course_lib.grading.pipeline.grade` and its companions.

- ``course-grade SUBMISSIONS --output OUT [--scheduler ADDRESS] [--shard I/N] ...``: grade a class;
- ``course-grade export OUT``: write the gradebook's files again from its database;
- ``course-grade rejudge OUT``: judge the stored answers again with the current checks;
- ``course-grade merge OUT1 OUT2 ... --output OUT``: join the gradebooks of shards;
- ``course-grade collect DOWNLOAD --from canvas|moodle|folder --output SUBMISSIONS``: a learning platform's
  bulk download as ``SUBMISSIONS/<learner>/<exercise>.ipynb``, with a manifest of who submitted what and when;
- ``course-grade late OUT --due TIME --late-penalty PERCENT [...]`` (or ``--none``): set, change or remove
  the late policy of a graded gradebook, without grading again;
- ``course-grade report OUT``: one offline HTML page of what the class struggled with;
- ``course-grade similarity SUBMISSIONS --output DIR``: pairs of learners whose own code is alike, task by task;
- ``course-grade gradescope [--exercise NAME]``: grade one submission inside Gradescope's container, and
  ``course-grade gradescope-bundle EXERCISE --output autograder.zip``: the zip to upload to Gradescope.

The grading command takes the same late options (``--due``, ``--late-penalty``, ``--grace``, ``--late-cap``,
``--late-flag-days``, :mod:`course_lib.grading.late`); submission times come from ``course-grade collect``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .gradebook import DATABASE, Gradebook, GradebookError
from .late import add_arguments as add_late_arguments
from .late import policy_from_arguments
from .pipeline import GradingError, iter_grade

__all__ = ["NO_SANDBOX_WARNING", "main"]

NO_SANDBOX_WARNING = ("course-grade: WARNING: graded WITHOUT the sandbox (--no-sandbox): every notebook ran as your "
                      "user, able to read and change your files, other learners' submissions and the gradebook, "
                      "and to reach the network. Use it only for code you trust.")
NO_SANDBOX_WARNING_ROOT = ("course-grade: WARNING: graded WITHOUT the sandbox (--no-sandbox): every notebook ran as an "
                           "unprivileged user of its own (you are root): it could not change your files or the "
                           "gradebook, but could read what every user may read and reach the network.")


def _no_sandbox_warning() -> str:
    return NO_SANDBOX_WARNING_ROOT if os.geteuid() == 0 else NO_SANDBOX_WARNING


SUBCOMMANDS = ("collect", "export", "gradescope", "gradescope-bundle", "late", "merge", "rejudge", "report",
               "similarity")


def _shard(text):
    from .shards import parse_shard

    try:
        return parse_shard(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def export(argv=None) -> int:
    """``course-grade export OUT [--format canvas|moodle|wide ...]``: the gradebook's files, or a platform's.

    Without ``--format``: rewrite grades.csv, results.json, the feedback pages and summary.png. With it: the
    file(s) a learning platform imports (:mod:`course_lib.grading.lms`).
    """
    from .lms import FORMATS, RosterError
    from .lms import export as export_for_platform

    def assignment(text):  # --assignment 01_neurons=123456
        exercise, separator, number = str(text).partition("=")
        if not separator or not exercise.strip() or not number.strip().isdigit():
            raise argparse.ArgumentTypeError(f"{text!r}: expected EXERCISE=ID, the exercise's name and the Canvas "
                                             f"assignment's number, e.g. 01_neurons=123456")
        return exercise.strip(), number.strip()

    parser = argparse.ArgumentParser(
        prog="course-grade export",
        description="Write a gradebook's files (grades.csv, results.json, feedback pages, summary.png) again from its "
                    "database; or, with --format, the file a learning platform imports.",
        epilog="Examples: `course-grade export OUT --format canvas --roster canvas_export.csv` (Canvas: Grades → "
               "Import); `course-grade export OUT --format moodle --roster 01_neurons=worksheet.csv` (Moodle: one "
               "grading worksheet per assignment); `course-grade export OUT --format wide`. Learners a roster lacks "
               "and roster rows without a grade are listed as warnings. Exit status: 0 when written; 2 when nothing "
               "was written (no gradebook, a roster that cannot be used).")
    parser.add_argument("output", type=Path, help="the --output folder of a course-grade run")
    parser.add_argument("--format", choices=FORMATS, help="canvas: Canvas's gradebook import CSV; moodle: Moodle's "
                        "offline grading worksheet, one per exercise; wide: one row per learner, one column per "
                        "exercise, and a total")
    parser.add_argument("--roster", action="append", default=[], metavar="FILE",
                        help="the platform's own export to match learners with: Canvas's gradebook CSV (Export "
                             "Entire Gradebook); a Moodle grading worksheet, as EXERCISE=FILE or with the exercise in "
                             "its file name (repeat for several exercises)")
    parser.add_argument("--assignment", action="append", default=[], type=assignment, metavar="EXERCISE=ID",
                        help="Canvas: the assignment id of an exercise's column, e.g. 01_neurons=123456 (repeatable)")
    parser.add_argument("--exercise", action="append", metavar="NAME", help="export only this exercise (repeatable)")
    parser.add_argument("--to", type=Path, metavar="PATH", help="where to write: a file (canvas, wide) or a folder "
                        "(moodle); default OUT/canvas_import.csv, OUT/moodle/<exercise>.csv, OUT/grades_wide.csv")
    args = parser.parse_args(argv)
    if args.format is None and (args.roster or args.assignment or args.exercise or args.to):
        parser.error("--roster, --assignment, --exercise and --to need --format canvas, moodle or wide")
    if not (args.output / DATABASE).is_file() and not (args.output / "results.json").is_file():
        print(f"course-grade export: error: no gradebook in {args.output} (no {DATABASE}): expected the --output "
              f"folder of a course-grade run", file=sys.stderr)
        return 2
    if args.format is not None:
        try:
            report = export_for_platform(args.output, args.format, to=args.to, rosters=args.roster,
                                         assignment_ids=dict(args.assignment), exercises=args.exercise)
        except (RosterError, ValueError, GradebookError, NotADirectoryError) as error:
            print(f"course-grade export: error: {error}", file=sys.stderr)
            return 2
        for warning in report.warnings:
            print(f"course-grade export: warning: {warning}", file=sys.stderr)
        for path in report.files:
            print(f"wrote {path}")
        print(f"{report.grades} grade(s) for {args.format}; {len(report.warnings)} warning(s)")
        return 0
    try:
        with Gradebook(args.output) as gradebook:
            gradebook.export()
            count = len(gradebook)
    except (GradebookError, NotADirectoryError) as error:
        print(f"course-grade export: error: {error}", file=sys.stderr)
        return 2
    print(f"exported {count} record(s) to {args.output / 'grades.csv'}")
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in SUBCOMMANDS:
        if argv[0] == "export":
            return export(argv[1:])
        if argv[0] == "merge":
            from .shards import main as merge_main

            return merge_main(argv[1:])
        if argv[0] == "collect":
            from .collect import main as collect_main

            return collect_main(argv[1:])
        if argv[0] == "late":
            from .late import main as late_main

            return late_main(argv[1:])
        if argv[0] == "report":
            from .report import main as report_main

            return report_main(argv[1:])
        if argv[0] == "similarity":
            from .similarity import main as similarity_main

            return similarity_main(argv[1:])
        if argv[0] in ("gradescope", "gradescope-bundle"):
            from .gradescope import main as gradescope_main

            return gradescope_main(argv)  # it reads which of the two from argv[0]
        from .rejudge import main as rejudge_main

        return rejudge_main(argv[1:])
    parser = argparse.ArgumentParser(prog="course-grade", description="Grade a class's exercise notebooks.",
                                     epilog="Other commands: `course-grade export OUT` (write the gradebook's files "
                                            "again), `course-grade rejudge OUT` (judge the stored answers with the "
                                            "current checks), `course-grade merge OUT1 OUT2 ... --output OUT` (join "
                                            "the gradebooks of shards), `course-grade collect DOWNLOAD --from "
                                            "canvas|moodle|folder --output SUBMISSIONS` (a platform's download as "
                                            "learner folders), `course-grade late OUT --due ... --late-penalty ...` "
                                            "(change the late policy without grading again), `course-grade report OUT` "
                                            "(a page of what the class struggled with), `course-grade similarity "
                                            "SUBMISSIONS --output DIR` (pairs whose code is alike), `course-grade "
                                            "gradescope` and `gradescope-bundle` (grading on Gradescope); each has its own "
                                            "--help. (A submissions folder called like one of them is written "
                                            "./export.) Exit status: 0 "
                                            "when grading finished, whatever the learners' results; 2 for a problem "
                                            "with the command itself.")
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
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="grade on the workers of this running dask.distributed scheduler, e.g. tcp://HOST:8786 "
                             "(default: a pool of --workers processes on this machine)")
    parser.add_argument("--shard", type=_shard, metavar="I/N",
                        help="grade only the I-th of N deterministic parts of the submissions, e.g. 2/3, into this "
                             "--output (then join the parts with `course-grade merge`)")
    add_late_arguments(parser)
    args = parser.parse_args(argv)
    try:
        late_policy = policy_from_arguments(args)
    except ValueError as error:
        print(f"course-grade: error: {error}", file=sys.stderr)
        return 2
    started = time.monotonic()
    if args.no_sandbox:
        print(_no_sandbox_warning(), file=sys.stderr, flush=True)
    if late_policy is not None and not args.quiet:  # the due time as understood, zone included
        print(f"late policy: {late_policy.describe()}", flush=True)
    if late_policy is not None and args.submissions.is_dir():
        from .collect import MANIFEST

        if not (args.submissions / MANIFEST).exists():  # else every record says "no penalty", and nothing else does
            print(f"course-grade: warning: no {args.submissions / MANIFEST}: the submission times come from "
                  f"`course-grade collect`, so nobody is penalised; collect the download (or a folder: `course-grade "
                  f"collect FOLDER --from folder --output SUBMISSIONS`) and grade that", file=sys.stderr, flush=True)
    graded = 0
    try:
        for _ in iter_grade(args.submissions, args.output, workers=args.workers, cell_timeout=args.cell_timeout,
                            notebook_timeout=args.notebook_timeout, memory_mb=args.memory_mb, exercise=args.exercise,
                            force=args.force, progress=None if args.quiet else lambda text: print(text, flush=True),
                            sandbox=not args.no_sandbox, scheduler=args.scheduler, shard=args.shard,
                            late_policy=late_policy):
            graded += 1  # the records themselves are in the gradebook; a class of 100,000 is not kept here
    except (GradingError, GradebookError, NotADirectoryError) as error:
        print(f"course-grade: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"course-grade: interrupted; everything graded so far is in the gradebook (`course-grade export "
              f"{args.output}` writes its files)", file=sys.stderr)
        return 130
    if not args.quiet:
        print(f"graded {graded} notebook(s) in {time.monotonic() - started:.1f} s; gradebook: "
              f"{args.output / 'grades.csv'}")
    if args.no_sandbox:  # again at the end, where the run's summary is read
        print(_no_sandbox_warning(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
