"""Rewrite each lesson's ``## Exercises`` section from its exercise's graded tasks.

Usage (from the repository root)::

    python tools/sync_exercise_sections.py                # every lesson with an exercise
    python tools/sync_exercise_sections.py 05_images_as_data

The section names the exercise and solution notebooks and lists every task with its points, so a lesson
never promises tasks its exercise does not have (``tests/test_project.py`` checks this). Only Markdown
changes: no outputs need storing again.
"""

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_lib.checks import exercise_names, get_exercise  # noqa: E402

HEADING = re.compile(r"^## Task \d+ — `(\w+)`", re.MULTILINE)


def section(name: str) -> str:
    exercise = get_exercise(name)
    tasks = ", ".join(f"`{task.name}` ({task.points})" for task in exercise.tasks.values())
    return (f"## Exercises\n\nPractise this lesson in `exercises/{name}.ipynb`: {len(exercise.tasks)} graded tasks, "
            f"{exercise.max_points} points in all: {tasks}. Each task asks for one function, and the check "
            f"cell after it tells you at once whether it is right. Worked solutions are in "
            f"`solutions/{name}.ipynb`; try first, then compare.")


def main(argv=None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or exercise_names()
    changed = 0
    for name in names:
        path = ROOT / "notebooks" / f"{name}.ipynb"
        notebook = nbformat.read(path, as_version=4)
        cell = next(cell for cell in notebook.cells if cell.cell_type == "markdown"
                    and re.search(r"^## Exercises", cell.source, re.MULTILINE))
        start = re.search(r"^## Exercises", cell.source, re.MULTILINE).start()
        text = cell.source[:start] + section(name)  # the section runs to the end of its cell
        if cell.source != text:
            cell.source = text
            nbformat.write(notebook, path)
            changed += 1
            print(f"updated {path.relative_to(ROOT)}")
    print(f"{changed} lesson(s) updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
