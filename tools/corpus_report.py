"""How many answers of the corpus each exercise's checks get right: python tools/corpus_report.py [exercise ...]

For every exercise: the wrong answers in ``tests/files/wrong_answers`` and how many the checks catch (fail on
every seed), how many of those with the hint the corpus names, and the correct variants in
``tests/files/right_answers`` the checks accept. To count what an older version of the checks caught, put
its checkout first on the path: ``PYTHONPATH=/path/to/old/checkout python tools/corpus_report.py``.
``--list`` prints each answer that does not behave as the corpus says.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import corpus  # noqa: E402  (tests/corpus.py, found through the line above)


def _run(answer, seed):
    """The answer's result, or an ``error`` result naming the crash when the check itself raised."""
    try:
        return corpus.run(answer, seed)
    except Exception as error:  # an old or broken judge: count it, say so, go on
        from course_lib import checks

        return checks.Result(answer.task, "error", 0, 0, f"the CHECK raised {type(error).__name__}: {error}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exercises", nargs="*", help="exercise names or their two-digit numbers (default: all)")
    parser.add_argument("--list", action="store_true", help="print every answer the checks get wrong")
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated seeds (default 1,2,3)")
    args = parser.parse_args(argv)

    from course_lib import checks

    seeds = tuple(int(s) for s in args.seeds.split(","))
    names = [name for name in checks.exercise_names()
             if not args.exercises or name in args.exercises or name[:2] in args.exercises]
    print(f"course_lib from {Path(checks.__file__).parent.parent}; seeds {seeds}")
    print(f"{'exercise':32} {'wrong':>5} {'caught':>6} {'hint':>5} {'right':>5} {'pass':>5} {'time':>6}")
    totals = [0] * 5
    for name in names:
        started = time.perf_counter()
        exercise = checks.get_exercise(name)
        answers = [a for a in corpus.load(name) if a.task in exercise.tasks]
        wrong = [a for a in answers if not a.correct]
        right = [a for a in answers if a.correct]
        row = [len(wrong), 0, 0, len(right), 0]
        problems = []
        for answer in answers:
            results = [(seed, _run(answer, seed)) for seed in seeds]
            ok, why = corpus.verdict(answer, results)
            if answer.correct:
                row[4] += ok
            else:
                row[1] += corpus.caught(results)
                row[2] += ok
            if not ok:
                problems.append(f"    {answer.label}: {why}"[:400])
        totals = [t + r for t, r in zip(totals, row)]
        print(f"{name:32} {row[0]:5} {row[1]:6} {row[2]:5} {row[3]:5} {row[4]:5} {time.perf_counter() - started:5.0f}s",
              flush=True)
        if args.list:
            print("\n".join(problems), flush=True)
    print(f"{'total':32} {totals[0]:5} {totals[1]:6} {totals[2]:5} {totals[3]:5} {totals[4]:5}")


if __name__ == "__main__":
    main()
