"""Make the learners' exercise notebooks from the solution notebooks, the single master copy.

In ``solutions/NN_topic.ipynb`` the worked answer to each task sits between two marker lines::

    def softmax(z):
        # BEGIN SOLUTION
        shifted = z - z.max(axis=-1, keepdims=True)
        ...
        # END SOLUTION

``exercises/NN_topic.ipynb`` gets the same notebook with each marked region replaced by a stub at the
same indentation (``# YOUR CODE HERE`` then ``raise NotImplementedError()``), Markdown between
``<!-- BEGIN SOLUTION -->`` and ``<!-- END SOLUTION -->`` replaced by a prompt, cells tagged
``solution-only`` left out, and all outputs cleared. Run it after editing a solution::

    python -m course_lib.exercises            # rewrite exercises/ from solutions/, and README's exercise table
    python -m course_lib.exercises --check    # exit 1 if either is out of date (the tests do this)
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

__all__ = ["generate", "make_exercise", "readme_table", "strip_solutions", "update_readme"]

_BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION[ \t]*$")
_END = re.compile(r"^[ \t]*# END SOLUTION[ \t]*$")
_MARKDOWN = re.compile(r"<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->", re.DOTALL)
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
MARKDOWN_PROMPT = "_Write your answer here._"


def strip_solutions(source: str, *, where: str = "a cell") -> str:
    """``source`` with every marked solution region replaced by the stub, at the region's indentation.

    >>> print(strip_solutions("def f(x):\\n    # BEGIN SOLUTION\\n    return 2 * x\\n    # END SOLUTION"))
    def f(x):
        # YOUR CODE HERE
        raise NotImplementedError()
    """
    lines, kept, indent = source.split("\n"), [], None
    for number, line in enumerate(lines, start=1):
        begin = _BEGIN.match(line)
        if begin:
            if indent is not None:
                raise ValueError(f"{where}, line {number}: '# BEGIN SOLUTION' inside another solution region")
            indent = begin["indent"]
            kept.extend(indent + stub_line for stub_line in STUB.split("\n"))
        elif _END.match(line):
            if indent is None:
                raise ValueError(f"{where}, line {number}: '# END SOLUTION' without a '# BEGIN SOLUTION'")
            indent = None
        elif indent is None:
            kept.append(line)
    if indent is not None:
        raise ValueError(f"{where}: '# BEGIN SOLUTION' is never closed by '# END SOLUTION'")
    return "\n".join(kept)


def make_exercise(solution):
    """The exercise notebook (a new ``nbformat`` node) for a solution notebook."""
    exercise = copy.deepcopy(solution)
    cells = []
    for index, cell in enumerate(exercise.cells):
        if "solution-only" in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, where=f"cell {index}")
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown":
            cell.source = _MARKDOWN.sub(MARKDOWN_PROMPT, cell.source)
        cells.append(cell)
    exercise.cells = cells
    return exercise


def generate(solutions_dir, exercises_dir, *, check=False) -> list[Path]:
    """Write ``exercises_dir/NAME.ipynb`` for every ``solutions_dir/NAME.ipynb``.

    Returns the exercise files that were (``check=False``) or would be (``check=True``) changed; with
    ``check=True`` nothing is written.
    """
    import nbformat

    solutions_dir, exercises_dir = Path(solutions_dir), Path(exercises_dir)
    if not solutions_dir.is_dir():
        raise FileNotFoundError(f"no solutions folder at {solutions_dir}")
    changed = []
    for solution_file in sorted(solutions_dir.glob("[0-9][0-9]_*.ipynb")):
        text = nbformat.writes(make_exercise(nbformat.read(solution_file, as_version=4)))
        if not text.endswith("\n"):
            text += "\n"
        target = exercises_dir / solution_file.name
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            changed.append(target)
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    return changed


TABLE_START, TABLE_END = "<!-- EXERCISES START -->", "<!-- EXERCISES END -->"


def readme_table() -> str:
    """The README's table of exercises: each one's graded tasks with their points, and the totals."""
    from .registry import exercise_names, get_exercise

    rows = ["| Exercise | Graded tasks (points) | Total |", "|---|---|---:|"]
    tasks = points = 0
    for name in exercise_names():
        exercise = get_exercise(name)
        listed = ", ".join(f"`{task.name}` ({task.points})" for task in exercise.tasks.values())
        rows.append(f"| [{name}](exercises/{name}.ipynb) | {listed} | {exercise.max_points} |")
        tasks, points = tasks + len(exercise.tasks), points + exercise.max_points
    rows.append(f"| **{len(exercise_names())} exercises** | **{tasks} tasks** | **{points}** |")
    return "\n".join(rows)


def update_readme(readme, *, check=False) -> bool:
    """Put :func:`readme_table` between the README's markers; whether it changed (``check``: write nothing)."""
    readme = Path(readme)
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(TABLE_START), text.find(TABLE_END)
    if start < 0 or end < start:
        raise ValueError(f"{readme} has no {TABLE_START} ... {TABLE_END} block for the exercise table")
    new = text[:start + len(TABLE_START)] + "\n" + readme_table() + "\n" + text[end:]
    if new != text and not check:
        readme.write_text(new, encoding="utf-8")
    return new != text


def main(argv=None) -> int:
    root = Path(__file__).resolve().parents[2]  # the repository: course_lib/checks/exercises.py
    parser = argparse.ArgumentParser(prog="python -m course_lib.exercises", description=__doc__.split("\n")[0])
    parser.add_argument("--solutions", default=root / "solutions", type=Path, help="master notebooks")
    parser.add_argument("--exercises", default=root / "exercises", type=Path, help="where the copies go")
    parser.add_argument("--readme", default=root / "README.md", type=Path, help="whose exercise table to rewrite")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything is out of date")
    args = parser.parse_args(argv)
    try:
        changed = generate(args.solutions, args.exercises, check=args.check)
        if args.readme.is_file() and update_readme(args.readme, check=args.check):
            changed.append(args.readme)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    verb = "out of date" if args.check else "written"
    for path in changed:
        print(f"{verb}: {path}")
    if not changed:
        print("exercises are in sync with solutions")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
