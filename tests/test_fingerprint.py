"""A change to anything a judge depends on regrades its notebooks (course_lib.grading.fingerprint)."""

import shutil
from pathlib import Path

import pytest

from course_lib.grading import fingerprint

PACKAGE = Path(fingerprint.__file__).resolve().parent.parent


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    copy = tmp_path / "course_lib"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprint, "_PACKAGE", copy)
    return copy


def _names(exercise):
    return {str(path.relative_to(fingerprint._PACKAGE)) for path in fingerprint.judge_dependencies(exercise)}


def test_dependencies_include_lazy_imports_and_the_framework():
    names = _names("07_first_cnns")
    assert {"checks/tasks/ex07_first_cnns.py", "checks/answers.py", "checks/running.py", "checks/plain.py",
            "data.py"} <= names  # data.py: the digits loader, imported inside a function
    assert not any(name.startswith("checks/tasks/ex0") and "ex07" not in name for name in names)
    assert not any(name.startswith("grading/") for name in names)


@pytest.mark.parametrize(("changed", "affected", "unaffected"), [
    ("data.py", "07_first_cnns", None),  # a data loader a judge uses
    ("checks/tasks/ex01_neurons.py", "01_neurons", "02_numpy_forward_pass"),
    ("checks/answers.py", "01_neurons", None),  # the framework: every exercise
])
def test_a_change_to_a_dependency_changes_the_version(package_copy, changed, affected, unaffected):
    before = {name: fingerprint.checks_version(name) for name in (affected, unaffected) if name}
    path = package_copy / changed
    path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert fingerprint.checks_version(affected) != before[affected]
    if unaffected:
        assert fingerprint.checks_version(unaffected) == before[unaffected]


def test_unknown_exercise_is_named():
    with pytest.raises(ValueError, match="unknown exercise '99_x'"):
        fingerprint.judge_dependencies("99_x")
