"""The package's layers depend one way: learner helpers ← checks ← grading, never back.

``import course_lib`` is the learner's face and stays NumPy-only; ``course_lib.checks`` runs inside a
learner's kernel and must not drag in the grader or Jupyter's machinery; ``course_lib.grading`` may use both.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "course_lib"
LEARNER_FACE = ["env", "data", "plots", "widgets"]
# layer -> the layers it must never import
FORBIDDEN = {"learner": {"checks", "grading"}, "checks": {"grading"}, "grading": set()}


def _layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    if parts == ("grade.py",):  # `python -m course_lib.grade`, the grader's old entry point
        return "grading"
    return parts[0] if parts[0] in ("checks", "grading") else "learner"


def _imported_layers(path: Path) -> set[str]:
    """The course_lib layers (``checks``, ``grading``, ``learner``) a module imports anywhere in its body."""
    package = ["course_lib", *path.relative_to(PACKAGE).parent.parts]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "course_lib" and len(parts) > 1:
                found.add(parts[1] if parts[1] in ("checks", "grading") else "learner")
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_module_imports_a_layer_above_it(path):
    wrong = _imported_layers(path) & FORBIDDEN[_layer(path)]
    assert not wrong, f"{path.relative_to(PACKAGE)} ({_layer(path)}) imports {sorted(wrong)}"


def test_the_import_scan_sees_lazy_and_relative_imports(tmp_path):
    """The scan above must be able to fail: a lazy relative import of grading from checks is caught."""
    module = PACKAGE / "checks" / "_probe_for_test.py"
    try:
        module.write_text("def f():\n    from ..grading import pipeline\n", encoding="utf-8")
        assert _imported_layers(module) == {"grading"}
    finally:
        module.unlink()


def _modules_after(statement: str) -> list[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    return json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def test_import_course_lib_stays_numpy_only():
    loaded = _modules_after("import course_lib")
    heavy = [name for name in loaded if name.split(".")[0] in ("tensorflow", "keras", "matplotlib", "sklearn",
                                                               "ipywidgets", "PIL", "nbclient", "jupyter_client")]
    assert not heavy, heavy
    assert not [name for name in loaded if name.startswith(("course_lib.checks", "course_lib.grading"))]


def test_checks_do_not_load_the_grader():
    loaded = _modules_after("import course_lib.checks; course_lib.checks.get_exercise('01_neurons')")
    assert not [name for name in loaded if name.startswith("course_lib.grading")]
    assert not [name for name in loaded if name.split(".")[0] in ("nbclient", "jupyter_client", "tensorflow")]


def test_old_entry_points_still_work():
    shown = subprocess.run([sys.executable, "-m", "course_lib.grade", "--help"], capture_output=True, text=True,
                           check=True).stdout
    assert "--no-sandbox" in shown
    from course_lib.checks import checker  # what every exercise notebook imports

    assert callable(checker)
