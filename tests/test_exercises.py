"""Exercises and solutions: in sync, complete, every check catches a typical wrong answer, blanks run clean.

Solution notebooks themselves run under nbval (their stored outputs say every task passed).
"""

import re
import runpy
import warnings
from pathlib import Path

import nbformat
import pytest

from course_lib import checks
from course_lib.checks.exercises import generate

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"
WRONG_ANSWERS = Path(__file__).parent / "files" / "wrong_answers"
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


def test_every_exercise_has_a_solution_and_tasks():
    solution_names = sorted(path.stem for path in SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    assert solution_names == EXERCISE_NAMES
    assert sorted(path.stem for path in EXERCISES.glob("[0-9][0-9]_*.ipynb")) == EXERCISE_NAMES


def test_course_has_enough_graded_tasks():
    lessons = sorted(path.stem for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
                     if "01" <= path.stem[:2] <= "13")
    missing = sorted(set(lessons) - set(EXERCISE_NAMES))
    assert not missing, f"every lesson 01-13 needs an exercise with the lesson's file name: {missing}"
    assert [name[:2] for name in EXERCISE_NAMES] == [f"{n:02d}" for n in range(1, 14)]
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


def _wrong_answers(name):
    registered = []

    def wrong(task, hint):
        def register(function):
            registered.append((task, hint, function))
            return function
        return register

    path = WRONG_ANSWERS / f"{name}.py"
    if not path.is_file():
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runpy.run_path(str(path), init_globals={"wrong": wrong})
    return registered


@pytest.mark.parametrize(("name", "task_name"), TASKS)
def test_typical_wrong_answer_gets_its_hint(name, task_name):
    answers = [(hint, function) for task, hint, function in _wrong_answers(name) if task == task_name]
    assert answers, f"no wrong answer for {name}/{task_name} in {WRONG_ANSWERS / (name + '.py')}"
    task = checks.get_exercise(name)[task_name]
    for hint, function in answers:
        for seed in (1, 2, 3):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # overflow warnings are part of some wrong answers
                result = checks.run_task(task, {task_name: function}, seed=seed)
            assert result.status in ("failed", "error") and result.points == 0, result
            assert hint in result.message, f"seed {seed}: expected the hint {hint!r}, got: {result.message}"


def test_wrong_answer_files_name_real_tasks():
    for path in WRONG_ANSWERS.glob("*.py"):
        exercise = checks.get_exercise(path.stem)
        for task, _, _ in _wrong_answers(path.stem):
            assert task in exercise.tasks, f"{path.name}: no task {task!r}"


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
