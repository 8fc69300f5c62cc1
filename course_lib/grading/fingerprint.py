"""Which version of the checks graded a notebook: a change to anything a judge depends on means a regrade.

:func:`checks_version` hashes the exercise's task module and every ``course_lib`` module it reaches through
imports, lazy ones inside functions included (a judge's data loader, the shared task helpers, the answer
structures, the framework that judges): an instructor who fixes any of them and reruns ``course-grade``
gets every affected notebook graded again, and only those.
"""

from __future__ import annotations

import ast
import functools
import hashlib
from pathlib import Path

__all__ = ["checks_version", "judge_dependencies"]

_PACKAGE = Path(__file__).resolve().parent.parent  # the course_lib folder
# The framework that turns an answer into a verdict, whatever the task module imports.
_FRAMEWORK = ("checks/__init__.py", "checks/running.py", "checks/answers.py", "checks/plain.py", "checks/registry.py")


def _module_file(parts: list[str]) -> Path | None:
    """The file of module ``course_lib.<parts>`` (a package's ``__init__.py``), or None if there is none."""
    base = _PACKAGE.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path) -> set[Path]:
    """The ``course_lib`` module files that ``path`` imports, anywhere in its body."""
    package = list(path.relative_to(_PACKAGE).parent.parts)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name.split(".") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
                module = base + (node.module.split(".") if node.module else [])
                targets = [["course_lib", *module]] + [["course_lib", *module, alias.name] for alias in node.names]
            elif node.module:
                targets = [node.module.split(".")] + [[*node.module.split("."), alias.name] for alias in node.names]
        for target in targets:
            if target[:1] == ["course_lib"]:
                file = _module_file(target[1:])
                if file is not None:
                    found.add(file)
                for depth in range(1, len(target)):  # importing a.b.c runs a/__init__ and a/b/__init__
                    init = _PACKAGE.joinpath(*target[1:depth], "__init__.py")
                    if depth > 1 and init.is_file():
                        found.add(init)
    return found


def judge_dependencies(exercise: str) -> list[Path]:
    """Every ``course_lib`` file the checks of ``exercise`` depend on, sorted."""
    start = _PACKAGE / "checks" / "tasks" / f"ex{exercise}.py"
    if not start.is_file():
        raise ValueError(f"unknown exercise {exercise!r}: no {start}")
    seen, todo = set(), [start, *(_PACKAGE / name for name in _FRAMEWORK)]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo.extend(_imports(path) - seen)
    return sorted(seen)


@functools.lru_cache(maxsize=None)
def _cached_version(exercise: str, stamp: tuple) -> str:
    digest = hashlib.sha256()
    for path in judge_dependencies(exercise):
        digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def checks_version(exercise: str) -> str:
    """A fingerprint of everything that judges ``exercise``; it changes when any of those files changes."""
    files = judge_dependencies(exercise)
    stamp = tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in files)
    return _cached_version(exercise, stamp)
