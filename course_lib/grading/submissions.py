"""Finding a class's submissions and reading each notebook's code cells, trusting nothing in the file."""

from __future__ import annotations

import hashlib
import json
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from .. import checks

# jsonschema (which nbformat uses) imports rfc3987_syntax when it is installed, and that compiles some forty
# grammars on import: 2-3 s of CPU in every grading process for a URI format nbformat never checks.
if "rfc3987_syntax" not in sys.modules:
    sys.modules["rfc3987_syntax"] = None

__all__ = ["GradingError", "MAX_NOTEBOOK_BYTES", "Submission", "Unreadable", "find_submissions", "read_code_cells",
           "sha256"]

MAX_NOTEBOOK_BYTES = 50 * 2**20


class GradingError(Exception):
    """The instructor's mistake (no such folder, nothing to grade, unknown exercise): say so, grade nothing."""


class Unreadable(Exception):
    """A submission that is not a notebook the grader can run."""


@dataclass(frozen=True)
class Submission:
    learner: str
    exercise: str
    path: Path

    @property
    def key(self):
        return self.learner, self.exercise


def find_submissions(folder, exercise=None) -> tuple[list[Submission], list[str]]:
    """The submissions in ``folder/<learner>/<exercise>.ipynb``, and notes on files that were skipped."""
    folder = Path(folder)
    if not folder.is_dir():
        raise GradingError(f"no submissions folder at {folder}: expected a folder with one sub-folder per learner")
    known = checks.exercise_names()
    if exercise is not None:
        exercise = str(exercise).removesuffix(".ipynb")
        if exercise not in known:
            raise GradingError(f"unknown exercise {exercise!r}; expected one of: {', '.join(known)}")
    found, skipped = [], []
    for learner_dir in sorted(folder.iterdir()):
        if learner_dir.name.startswith(".") or learner_dir.is_symlink() or not learner_dir.is_dir():
            if not learner_dir.name.startswith("."):
                skipped.append(f"{learner_dir.name}: not a learner folder")
            continue
        for path in sorted(learner_dir.iterdir()):
            if path.suffix != ".ipynb":
                continue
            if path.stem not in known:
                skipped.append(f"{learner_dir.name}/{path.name}: not the name of an exercise notebook")
            elif exercise is None or path.stem == exercise:
                found.append(Submission(learner_dir.name, path.stem, path))
    return found, skipped


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_code_cells(path) -> list[str]:
    """The sources of a notebook's code cells, in order; :class:`Unreadable` with the reason if it is not one.

    Old nbformat versions are converted; outputs, tags and metadata are ignored.
    """
    import nbformat

    path = Path(path)
    if path.is_symlink() or not path.is_file():
        raise Unreadable("not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise Unreadable("the file is empty")
    if size > MAX_NOTEBOOK_BYTES:
        raise Unreadable(f"the file is {size / 2**20:.0f} MB; notebooks over {MAX_NOTEBOOK_BYTES // 2**20} MB are "
                         f"not graded (clear its outputs and resubmit)")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("the file is not text (a binary file renamed to .ipynb?)") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise Unreadable(f"the file is not valid JSON ({error}); was it saved completely?") from None
    if not isinstance(data, dict):
        raise Unreadable(f"the file holds a JSON {type(data).__name__}, not a notebook")
    version = data.get("nbformat")
    if type(version) is not int or not 1 <= version <= 4:
        raise Unreadable(f"unknown notebook format version {version!r}; expected 1 to 4")
    try:
        with warnings.catch_warnings():  # nbformat's notes on ids and schema are not the learner's concern
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat raises many kinds for damaged notebooks
        raise Unreadable(f"not a notebook nbformat can read ({type(error).__name__}: {str(error)[:200]})") from None
    cells = []
    for cell in notebook.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(part for part in source if isinstance(part, str))
        if isinstance(source, str) and source.strip():
            cells.append(source)
    return cells
