"""Exercises and solutions: in sync, complete, blanks run clean (the checks themselves: test_corpus.py).

Solution notebooks themselves run under nbval (their stored outputs say every task passed).
"""

import re
from pathlib import Path

import nbformat
import pytest

from course_lib import checks
from course_lib.checks.exercises import generate, readme_table, update_readme

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"
EXERCISE_NAMES = checks.exercise_names()
TASKS = [(name, task) for name in EXERCISE_NAMES for task in checks.get_exercise(name).tasks]
CHECK_CALL = re.compile(r"""^check\(\s*["'](\w+)["']\s*\)\s*;?\s*$""", re.MULTILINE)


def _code_cells(path):
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def _text(outputs):
    parts = []
    for output in outputs:
        parts.append(output.get("text", "") or output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def test_exercises_are_generated_from_solutions():
    stale = generate(SOLUTIONS, EXERCISES, check=True)
    assert not stale, f"run `python -m course_lib.checks.exercises`: out of date: {[p.name for p in stale]}"


def test_readme_lists_every_exercise_with_its_tasks_and_points(tmp_path):
    assert not update_readme(ROOT / "README.md", check=True), "run `python -m course_lib.checks.exercises`"
    table = readme_table()
    for name in EXERCISE_NAMES:
        exercise = checks.get_exercise(name)
        row = next(line for line in table.splitlines() if line.startswith(f"| [{name}]"))
        assert row.endswith(f"| {exercise.max_points} |") and all(f"`{task}`" in row for task in exercise.tasks)
    stale = tmp_path / "README.md"
    stale.write_text("intro\n<!-- EXERCISES START -->\n| old |\n<!-- EXERCISES END -->\nrest\n")
    assert update_readme(stale) and not update_readme(stale, check=True)
    assert stale.read_text().startswith("intro\n<!-- EXERCISES START -->\n| Exercise |")
    assert stale.read_text().endswith("<!-- EXERCISES END -->\nrest\n")


def test_every_exercise_has_a_solution_and_tasks():
    solution_names = sorted(path.stem for path in SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    assert solution_names == EXERCISE_NAMES
    assert sorted(path.stem for path in EXERCISES.glob("[0-9][0-9]_*.ipynb")) == EXERCISE_NAMES


def test_course_has_enough_graded_tasks():
    lessons = sorted(path.stem for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if path.stem[:2] != "00")
    missing = sorted(set(lessons) - set(EXERCISE_NAMES))
    assert not missing, f"every lesson after the start page needs an exercise with the lesson's file name: {missing}"
    assert [name[:2] for name in EXERCISE_NAMES] == [f"{n:02d}" for n in range(1, len(lessons) + 1)]
    for name in EXERCISE_NAMES:
        assert len(checks.get_exercise(name).tasks) >= 4, f"{name} has fewer than 4 graded tasks"
    assert len(TASKS) >= 50


@pytest.mark.parametrize("name", EXERCISE_NAMES)
def test_solution_checks_every_task_once_and_passes(name):
    exercise = checks.get_exercise(name)
    cells = _code_cells(SOLUTIONS / f"{name}.ipynb")
    checked = [match for cell in cells for match in CHECK_CALL.findall(cell.source)]
    assert checked == list(exercise.tasks), "one check(...) cell per task, in the order the tasks are defined"
    for cell in cells:
        for task_name in CHECK_CALL.findall(cell.source):
            assert f"✓ {task_name}: passed" in _text(cell.outputs), f"stored output of check({task_name!r})"
    setup = next(cell.source for cell in cells if "checker(" in cell.source)
    assert f'checker("{name}")' in setup


@pytest.mark.parametrize("name", EXERCISE_NAMES)
def test_untouched_exercise_runs_and_reports_not_attempted(name, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("NN_COURSE_PROGRESS", str(tmp_path / "progress.json"))
    notebook = nbformat.read(EXERCISES / f"{name}.ipynb", as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    exercise = checks.get_exercise(name)
    seen = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
        for task_name in CHECK_CALL.findall(cell.source):
            task = exercise[task_name]
            text = _text(cell.outputs)
            assert f"{task_name}: not attempted (0/{task.points} point" in text, text
            seen.append(task_name)
    assert seen == list(exercise.tasks)
