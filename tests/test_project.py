"""The project's promises that no single module owns: one test command, lesson skeletons, stored outputs.

nbval checks that each notebook still *runs* and gives the stored outputs; these tests check the
notebooks as documents: the shared skeleton, a clean top-to-bottom run stored, nothing machine-specific.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
STORED = NOTEBOOKS + SOLUTIONS  # notebooks stored with their outputs
# What TensorFlow prints when its start-up chatter was not silenced before the import.
TF_BANNERS = ("All log messages before absl::InitializeLog", "cuda drivers", "cpu_feature_guard", "oneDNN custom",
              "This TensorFlow binary is optimized", "Unable to register cu")
REQUIRED_PACKAGES = ["jupyterlab", "numpy", "tensorflow", "keras", "matplotlib", "pillow", "scikit-learn",
                     "nbval", "ipywidgets", "pytest"]


def code_blocks(markdown):
    return re.findall(r"```bash\n(.*?)\n```", markdown, flags=re.S)


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell):
    return "".join(cell["source"])


def test_readme_has_exactly_two_commands_set_up_and_test():
    commands = code_blocks(README)
    assert len(commands) == 2, commands
    open_course, run_tests = commands
    for command in commands:
        assert "pip install -r requirements.txt" in command
    assert "jupyter lab" in open_course
    assert "pytest" in run_tests


def test_ci_runs_the_readme_test_command():
    ci_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    run_tests = code_blocks(README)[1]
    assert run_tests in ci_script.splitlines()


def test_requirements_name_the_course_packages_and_install_course_lib():
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    names = {re.split(r"[<>=!~ \[]", line)[0].lower() for line in lines if line}
    missing = [package for package in REQUIRED_PACKAGES if package not in names]
    assert not missing, f"requirements.txt lacks {missing}"
    assert "-e ." in lines, "requirements.txt must install course_lib itself"


def test_exercise_and_solution_folders_exist():
    for folder in ("exercises", "solutions"):
        assert (ROOT / folder).is_dir()


def test_there_are_lessons_numbered_in_reading_order():
    assert NOTEBOOKS, "no lesson notebooks found"
    numbers = [int(path.name[:2]) for path in NOTEBOOKS]
    assert numbers[0] == 0 and numbers[1] == 1, "00 is the start page, 01 the first lesson"
    assert numbers == sorted(set(numbers)), [path.name for path in NOTEBOOKS]
    for path in NOTEBOOKS:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), path.name


def test_every_link_in_the_readme_leads_to_a_file():
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        if not target.startswith("http"):
            assert (ROOT / target).exists(), f"README links {target}, which does not exist"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_is_in_the_readme_syllabus(path):
    if path.name.startswith("00"):  # the start page is introduced above the table
        assert f"(notebooks/{path.name})" in README
        return
    assert re.search(rf"^\| {path.name[:2]} \|", README, re.MULTILINE), f"README's syllabus has no row for {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_follows_the_skeleton(path):
    cells = load(path)["cells"]
    title = source(cells[0])
    assert cells[0]["cell_type"] == "markdown" and title.startswith(f"# {path.name[:2]} — "), title[:60]
    headings = [line.strip() for cell in cells if cell["cell_type"] == "markdown"
                for line in source(cell).splitlines() if line.startswith("## ")]
    for required in ("## Setup", "## Summary", "## Exercises"):
        assert required in headings, f"{path.name} lacks a '{required}' section"
    assert headings.index("## Setup") < headings.index("## Summary") < headings.index("## Exercises")
    assert headings[-1] == "## Exercises"
    exercises_cell = next(c for c in cells if c["cell_type"] == "markdown" and "## Exercises" in source(c))
    if (ROOT / "exercises" / path.name).exists():
        assert f"exercises/{path.name}" in source(exercises_cell)

    else:  # the start page has no exercise notebook: it says where to go instead
        assert "exercise" in source(exercises_cell).lower()
    first_code = next(c for c in cells if c["cell_type"] == "code")
    assert "course_lib.setup(" in source(first_code), "the first code cell should call course_lib.setup(...)"


def test_syllabus_and_lessons_match_both_ways():
    linked = re.findall(r"\(notebooks/(\d\d_[a-z0-9_]+\.ipynb)\)", README)
    assert set(linked) <= {path.name for path in NOTEBOOKS}, "the syllabus links a lesson that does not exist"
    rows = re.findall(r"^\| (\d\d) \|", README, re.MULTILINE)
    assert {path.name[:2] for path in NOTEBOOKS if path.name[:2] != "00"} <= set(rows)
    assert linked[0] == "00_start_here.ipynb", "the README links the start page first"


def test_every_notebook_uses_the_same_kernel():
    for path in STORED + sorted((ROOT / "exercises").glob("*.ipynb")):
        metadata = load(path)["metadata"]
        assert metadata["kernelspec"] == {"display_name": "Python 3 (ipykernel)", "language": "python",
                                          "name": "python3"}, path.name
        assert metadata["language_info"]["name"] == "python", path.name


@pytest.mark.parametrize("path", STORED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_stored_outputs_are_clean(path):
    notebook = load(path)
    widget_state = notebook["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    models = widget_state.get("state", {})
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            text = json.dumps(output)
            assert "Traceback (most recent call last)" not in text, f"a traceback stored in {source(cell)[:60]}"
            for banner in TF_BANNERS:
                assert banner not in text, f"TensorFlow's start-up chatter stored: {banner!r}"
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view:  # a widget renders from saved state; static viewers show its fallback
                assert view["model_id"] in models, f"widget without saved state in {source(cell)[:60]}"
                assert {"text/plain", "image/png"} & set(output["data"]), "widget without a static fallback"


@pytest.mark.parametrize("path", STORED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_lesson_is_stored_from_one_clean_run(path):
    notebook = load(path)
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    counts = [cell["execution_count"] for cell in code_cells]
    assert counts == list(range(1, len(code_cells) + 1)), "re-run with tools/execute_notebooks.py"
    for cell in code_cells:
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"stored error in: {source(cell)[:80]}"
            if output["output_type"] == "stream":
                assert output["name"] == "stdout", f"stderr output (warnings?) stored for: {source(cell)[:80]}"


@pytest.mark.parametrize("path", STORED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_lesson_has_nothing_machine_specific_or_forbidden(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"/(work|root|home|tmp)/[\w.-]+/", text), "absolute machine paths in the notebook"
    for cell in load(path)["cells"]:
        if cell["cell_type"] != "code":
            continue
        code = source(cell)
        assert "pip install" not in code, "no installs inside notebooks"
        assert "plt.show()" not in code, "course plots return figures; plt.show() is not needed"
        assert not re.search(r"from tensorflow import keras|tensorflow\.keras", code), "use `import keras` (Keras 3)"
