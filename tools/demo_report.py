"""A synthetic class graded into a gradebook, and its ``course-grade report`` page (and a screenshot of it).

    python tools/demo_report.py /tmp/demo-class                      # 40 learners, 3 exercises
    python tools/demo_report.py /tmp/big --learners 10000 --exercises 3   # how long a big class takes
    python tools/demo_report.py /tmp/demo-class --screenshot test-artifacts/report/report.png

Each learner has an ability; each task a difficulty and a discrimination, so passing a task goes with doing
well on the others as in a real class, except for one task per exercise that passes at random (the page
should flag it). Failing tasks get hints in the checks' manner, with numbers that differ between learners;
a few submissions time out, crash, are unreadable or break the grader, and some learners submit nothing.
Nothing is downloaded; the screenshot uses Debian's ``/usr/bin/chromium`` through Playwright.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_lib import checks  # noqa: E402
from course_lib.grading.gradebook import Gradebook  # noqa: E402
from course_lib.grading.report import write_report  # noqa: E402

FIRST = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Katherine", "Claude", "Hedy",
         "Tim", "Radia", "Ken", "Margaret", "Dennis", "Sophie", "Linus", "Anita", "Guido"]
LAST = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "McCarthy", "Johnson", "Shannon",
        "Lamarr", "Berners-Lee", "Perlman", "Thompson", "Hamilton", "Ritchie", "Wilson", "Torvalds", "Borg", "Rossum"]


def _hint(task: str, rng) -> tuple[str, str]:
    """A failing task's (status, message), drawn from the kinds of slips the checks name."""
    n, m = (int(value) for value in rng.integers(2, 12, size=2))
    got, want = float(rng.normal(3, 2)), float(rng.normal(3, 2))
    array = np.round(rng.normal(size=3), 2).tolist()
    kinds = [
        (0.34, "failed", f"{task}(...) returned {got:.3g} for x={array}, expected {want:.3g}: it equals x · w "
                         f"without the bias: add b"),
        (0.22, "failed", f"{task}(...) returned shape ({n}, {m}); expected ({m}, {n}): did you swap W and X?"),
        (0.14, "error", f"{task}(...) raised ValueError: operands could not be broadcast together with shapes "
                        f"({n},) ({m},)"),
        (0.12, "not attempted", "not attempted yet: replace `raise NotImplementedError()` by your code"),
        (0.10, "failed", f"{task}(...) gives NaN for z = {got * 100:.1f}: np.exp overflows; subtract the maximum "
                         f"first"),
        (0.08, "not defined", f"`{task}` is not defined. The checks look for exactly the name `{task}`; "
                              f"did you call it '{task.title()}'?"),
    ]
    index = rng.choice(len(kinds), p=[weight for weight, _, _ in kinds])
    return kinds[index][1], kinds[index][2]


def make_class(folder, *, learners: int = 40, exercises: int = 3, seed: int = 0) -> dict:
    """Fill ``folder``'s gradebook with a synthetic class; returns ``{learner: name}`` (the roster)."""
    rng = np.random.default_rng(seed)
    roster = {}
    for number in range(learners):
        first, last = FIRST[number % len(FIRST)], LAST[(number // len(FIRST) + number) % len(LAST)]
        roster[f"{first.lower()}.{last.lower()}{number // 400 or ''}"] = f"{first} {last}"
    ability = {learner: rng.normal() for learner in roster}
    records = []
    for exercise_name in checks.exercise_names()[:exercises]:
        exercise = checks.get_exercise(exercise_name)
        tasks = list(exercise.tasks.items())
        difficulty = {name: rng.normal(-0.3, 0.9) for name, _ in tasks}
        slope = {name: rng.uniform(1.2, 2.5) for name, _ in tasks}
        slope[tasks[-2][0]] = 0.0  # this task passes at random: the page should say it does not separate
        for learner in roster:
            if rng.random() < 0.07:
                continue  # submitted nothing
            status, message, verdicts = "ok", "", []
            trouble = rng.random()
            if trouble < 0.015:
                status, message = "unreadable", ("the file could not be read (not a notebook: Expecting value: "
                                                 f"line 1 column {rng.integers(1, 80)} (char 0))")
            elif trouble < 0.02:
                status, message = "error", "the grader failed on this notebook (OSError: No space left on device)"
            for position, (name, task) in enumerate(tasks):
                if status in ("unreadable", "error"):
                    verdicts.append((name, "error", 0, f"not graded: {message}"))
                    continue
                if status == "ok" and trouble < 0.06 and position >= len(tasks) - 2:
                    status, message = "timeout", "part of the notebook ran out of time"
                if status == "timeout":
                    verdicts.append((name, "error", 0, f"checking `{name}` did not finish (a cell ran past 120 s): "
                                                       f"an endless loop?"))
                    continue
                chance = 1 / (1 + math.exp(-slope[name] * (ability[learner] - difficulty[name])))
                if slope[name] == 0:
                    chance = 0.55
                if rng.random() < chance:
                    verdicts.append((name, "passed", task.points, ""))
                else:
                    verdict, hint = _hint(name, rng)
                    verdicts.append((name, verdict, 0, hint))
            if status == "ok" and trouble < 0.07:
                status, message = "kernel_died", "the kernel died at least once"
            score = sum(points for _, _, points, _ in verdicts)
            records.append({
                "learner": learner, "exercise": exercise_name, "file": f"{learner}/{exercise_name}.ipynb",
                "max_score": exercise.max_points, "sha256": "0" * 64, "checks_version": "demo", "status": status,
                "score": score, "message": message, "notes": [], "seed": 1, "sandboxed": True, "seconds": 1.0,
                "execution_seconds": 0.8, "graded_at": "2026-12-07T12:00:00+00:00",
                "tasks": [{"task": name, "status": verdict, "points": points, "max_points": exercise.tasks[name].points,
                           "message": text, "exercise": exercise_name} for name, verdict, points, text in verdicts]})
    with Gradebook(folder) as book:  # one transaction for the whole class: add() syncs each record to disk
        with book._lock:
            book._db.execute("BEGIN IMMEDIATE")
            for record in records:
                book._insert(record)
            book._db.execute("COMMIT")
    return roster


def screenshot(page: Path, png: Path, *, width: int = 1280) -> Path:
    """A full-page PNG of ``page`` in headless Chromium (Debian's, no download), with JavaScript off."""
    from playwright.sync_api import sync_playwright

    png.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            tab = browser.new_page(viewport={"width": width, "height": 900}, java_script_enabled=False)
            tab.goto(page.resolve().as_uri())
            tab.screenshot(path=str(png), full_page=True)
        finally:
            browser.close()
    return png


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a new folder for the synthetic gradebook and its report")
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--exercises", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--anonymous", action="store_true")
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="also save a full-page screenshot here")
    args = parser.parse_args(argv)
    if args.folder.exists() and any(args.folder.iterdir()):
        parser.error(f"{args.folder} is not empty; give a new folder")
    started = time.monotonic()
    roster = make_class(args.folder, learners=args.learners, exercises=args.exercises, seed=args.seed)
    built = time.monotonic()
    roster_file = args.folder / "roster.csv"
    roster_file.write_text("learner,name\n" + "".join(f"{learner},{name}\n" for learner, name in roster.items()),
                           encoding="utf-8")
    page = write_report(args.folder, anonymous=args.anonymous, roster=roster_file,
                        progress=lambda line: print(line, flush=True))
    done = time.monotonic()
    print(f"class of {args.learners} built in {built - started:.1f} s; report written in {done - built:.2f} s: "
          f"{page} ({page.stat().st_size / 1024:.0f} KiB)")
    if args.screenshot:
        print(f"screenshot: {screenshot(page, args.screenshot)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
