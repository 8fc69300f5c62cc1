"""Grades for learning platforms: Canvas's gradebook import, Moodle's grading worksheet, and a wide CSV.

``course-grade export OUT --format canvas|moodle|wide [--roster FILE] [--to PATH]`` writes, from the gradebook
in ``OUT`` (each record's final score, after any late penalty):

- **canvas**: the CSV Canvas's *Gradebook → Import* reads. Its header is ``Student,ID,SIS User ID,SIS Login
  ID,Section``, then one column per exercise titled ``Title (assignment id)``, and its first data row holds
  each assignment's points possible. Canvas finds each student by ``ID`` (its user id), then ``SIS User ID``,
  ``SIS Login ID``, then by name; and each assignment by the id in its column title (by its title, or as a
  new assignment, without one). The read-only columns of Canvas's own export (totals, current and final
  scores, grades) are never written back. The best roster is the gradebook CSV the instructor exports from
  Canvas (*Export → Export Entire Gradebook*): learners are matched to its rows by ``ID`` (the user id that
  ``course-grade collect`` keeps), then ``SIS Login ID``, then name, and its assignment columns give the
  assignment ids when their titles name an exercise (``--assignment 01_neurons=123456`` says so explicitly).
  Every row of the roster is written, with the cells of exercises it has no grade for left as they were.
- **moodle**: one *offline grading worksheet* per exercise (Moodle's assignments take one worksheet each,
  *Grade → Upload grading worksheet*). Given the worksheet the instructor downloaded from Moodle
  (*Download grading worksheet*), ``Grade`` and ``Feedback comments`` are filled in and every other column
  is kept as it was: Moodle matches rows by ``Identifier`` (``Participant 123``) and uses ``Last modified
  (grade)`` to refuse overwriting a grade changed in Moodle since the download.
- **wide**: one row per learner, one column per exercise, and a total; the first data row holds the points
  possible. Learners and exercises sorted, so the same gradebook always gives the same file.

Learners missing from a roster, and roster rows with no grade, are listed in the :class:`ExportReport`
(and printed by the command), never dropped silently. A roster that is not what it should be raises
:class:`RosterError` naming the file, the line and what was expected. Every file is UTF-8 (with a byte order
mark where the platform's own export has one: Moodle, and the wide CSV for spreadsheets), safe to open in a
spreadsheet (no cell starts like a formula) and replaced atomically.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import checks
from .gradebook import DATABASE, Gradebook, GradebookError, _spreadsheet_safe, _write_atomically

__all__ = ["CANVAS_HEADER", "FORMATS", "MOODLE_HEADER", "CanvasRoster", "ExportReport", "MoodleWorksheet",
           "RosterError", "canvas_table", "export", "grades_from_records", "moodle_table", "read_canvas_roster",
           "read_moodle_worksheet", "wide_table"]

FORMATS = ("canvas", "moodle", "wide")
CANVAS_HEADER = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
#: What Moodle's worksheet starts with, in English, with the Email address shown and feedback comments on.
MOODLE_HEADER = ("Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade", "Grade can be changed",
                 "Last modified (submission)", "Last modified (grade)", "Feedback comments")
# Moodle's importer finds these columns by name (mod/assign/feedback/offline/importgradeslib.php).
# (Full name is missing from the worksheet of a blind-marked assignment.)
_MOODLE_REQUIRED = ("Identifier", "Grade", "Last modified (grade)")
# Canvas's exporter writes "    Points Possible" (four spaces) and its importer looks for the words.
_POINTS_POSSIBLE = "    Points Possible"
# Canvas's own read-only columns: totals and grades it computes. Its importer ignores them; we never write them.
_CANVAS_COMPUTED = re.compile(r"(Current|Final|Override|Unposted) (Score|Points|Grade|Status)")
_CANVAS_TITLE_ID = re.compile(r"^(.*?)\s*\((\d+)\)\s*$")
_PARTICIPANT = re.compile(r"^Participant (\d+)$")
# Grade cells copied from a roster keep their value (a number, Canvas's "-", "EX", "N/A"), even when it starts
# with "-": an apostrophe would make it a different grade.
_GRADE_LIKE = re.compile(r"^\s*(-?\d+([.,]\d+)?%?|-|EX|N/A)?\s*$", re.IGNORECASE)
_MAX_FEEDBACK = 1000
_MAX_NAMES = 10


class RosterError(ValueError):
    """A roster (a platform's own export) that cannot be used: says which file, which line and what was expected."""


@dataclass
class ExportReport:
    """What an export wrote, and what the instructor should look at before uploading it."""

    files: list = field(default_factory=list)  # the paths written
    grades: int = 0  # grade cells filled from the gradebook
    warnings: list = field(default_factory=list)  # learners not matched, roster rows without a grade, …

    def warn(self, message: str) -> None:
        self.warnings.append(message)


@dataclass(frozen=True)
class Grade:
    """One learner's grade for one exercise, as exported: the final score (None if grading itself failed)."""

    learner: str
    exercise: str
    points: float | None
    max_points: float
    feedback: str


# --------------------------------------------------------------------------------------------------------
# Grades from the gradebook


def _number(value) -> str:
    """``8``, ``7.5`` or ``7.25``: at most two decimals (what Canvas shows), no needless zeros."""
    value = round(float(value), 2)
    return str(int(value)) if value == int(value) else f"{value:.2f}".rstrip("0").rstrip(".")


def _feedback(record: dict, points) -> str:
    """A short text for the platform's feedback field: the score, any penalty, the tasks not passed."""
    if points is None:
        return f"Not graded: the grader failed on this notebook ({record.get('message', '')})"[:_MAX_FEEDBACK]
    parts = [f"Autograded: {_number(points)}/{_number(record['max_score'])} points."]
    penalty = record.get("penalty") or 0
    if penalty:
        parts.append(f"Late penalty: {_number(penalty)} points (score before it: {_number(record['score'])}).")
    if record.get("status") not in (None, "ok"):
        parts.append(f"{record['status']}: {record.get('message', '')}".strip().rstrip(":") + ".")
    missed = [f"{task['task']} ({task['status']})" for task in record.get("tasks", []) if task.get("status") != "passed"]
    if missed:
        parts.append(f"Not passed: {', '.join(missed)}.")
    return " ".join(parts)[:_MAX_FEEDBACK]


def grades_from_records(records, exercises=None) -> dict:
    """``{(learner, exercise): Grade}`` from gradebook records; only ``exercises`` if given.

    The final score is the record's ``final_score`` (its score less any late penalty). A record whose status
    is ``error`` (the grader failed, not the learner) has no points: the platform's cell stays as it was.
    """
    wanted = None if exercises is None else set(exercises)
    grades = {}
    for record in records:
        if wanted is not None and record["exercise"] not in wanted:
            continue
        if record.get("status") == "error":
            points = None
        else:
            points = record.get("final_score")
            if points is None:
                points = record.get("score", 0) - (record.get("penalty") or 0)
        grades[record["learner"], record["exercise"]] = Grade(record["learner"], record["exercise"], points,
                                                               record.get("max_score", 0), _feedback(record, points))
    return grades


def _exercise_title(exercise: str) -> str:
    """``01 Neurons``: the exercise's number and title, a column title a reader recognises."""
    title = checks.get_exercise(exercise).title if exercise in checks.exercise_names() else ""
    number = exercise.split("_", 1)[0]
    return f"{number} {title}" if title else exercise.replace("_", " ")


def _key(text: str) -> tuple:
    """Words of a title or file name, lower case, leading zeros off numbers: ``"01 Neurons"`` -> ``("1", "neurons")``."""
    words = re.sub(r"[\W_]+", " ", str(text).casefold()).split()
    return tuple(word.lstrip("0") or "0" if word.isdigit() else word for word in words)


def _exercise_keys(exercise: str) -> set:
    keys = {_key(exercise), _key(_exercise_title(exercise))}
    if exercise in checks.exercise_names() and checks.get_exercise(exercise).title:
        keys.add(_key(checks.get_exercise(exercise).title))
    return keys


def _name_keys(name) -> set:
    """A person's name compared loosely: its words, in any order, case and punctuation aside.

    Canvas exports ``Last, First`` (``O'Brien, Sam Jr.``), Moodle ``First Last``, a folder may hold either; and
    the name ``course-grade collect`` keeps from a Canvas download is Canvas's ``lastfirst``, the words run
    together (``obriensam``), so a name's words joined in each rotation of their order are keys too.

    >>> sorted(_name_keys("Ada Lovelace"))
    [('ada', 'lovelace'), ('adalovelace',), ('lovelaceada',)]
    """
    words = re.findall(r"\w+", str(name or "").casefold())
    if not words:
        return set()
    rotations = {("".join(words[start:] + words[:start]),) for start in range(len(words))} if len(words) > 1 else set()
    return {tuple(sorted(words))} | rotations


def _safe(text) -> str:
    """A cell no spreadsheet runs as a formula (:func:`~course_lib.grading.gradebook._spreadsheet_safe`)."""
    text = "" if text is None else str(text)
    return text if _GRADE_LIKE.match(text) else _spreadsheet_safe(text)


def _listed(items) -> str:
    items = list(items)
    shown = "; ".join(items[:_MAX_NAMES])  # names hold commas: "Hopper, Grace"
    return shown + (f" and {len(items) - _MAX_NAMES} more" if len(items) > _MAX_NAMES else "")


# --------------------------------------------------------------------------------------------------------
# Reading a roster: one CSV file, checked


def _read_rows(path, what: str) -> list:
    """The rows of the CSV file ``path`` as ``(line number, cells)``; :class:`RosterError` if it is not one.

    Accepts a byte order mark, and ``;`` as separator where the first lines say so (Canvas can export either).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RosterError(f"{path}: the {what} cannot be read ({error.strerror or error})") from None
    if data[:4] == b"PK\x03\x04":
        raise RosterError(f"{path}, line 1: this is a spreadsheet (.xlsx) or zip file, not a CSV; expected the {what} "
                          f"as CSV (in a spreadsheet: Save as → CSV UTF-8)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise RosterError(f"{path}, line {line}: not UTF-8 text; expected the {what} as a CSV file in UTF-8 (in a "
                          f"spreadsheet: Save as → CSV UTF-8)") from None
    if "\x00" in text:
        raise RosterError(f"{path}, line {text[:text.index(chr(0))].count(chr(10)) + 1}: a NUL byte: not a CSV file; "
                          f"expected the {what} as CSV")
    first = [line for line in text.splitlines()[:3] if line.strip()]
    delimiter = ","
    if first:
        counts = {}
        for separator in ";,":
            sizes = {len(next(csv.reader([line], delimiter=separator), [])) for line in first}
            counts[separator] = sizes.pop() if len(sizes) == 1 else 0
        delimiter = ";" if counts[";"] > counts[","] else ","
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        line = 1
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as error:
        raise RosterError(f"{path}, line {reader.line_num}: not a well-formed CSV row ({error}); expected the {what} "
                          f"as the platform exported it") from None
    if not rows:
        raise RosterError(f"{path}, line 1: the file is empty; expected the {what}")
    return rows


def _cell(cells, index) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


# --------------------------------------------------------------------------------------------------------
# Canvas


@dataclass
class CanvasStudent:
    line: int
    cells: list
    name: str
    user_id: str
    sis_user_id: str
    sis_login_id: str
    section: str


@dataclass
class CanvasColumn:
    index: int
    header: str
    title: str
    assignment_id: str
    points_possible: str = ""


@dataclass
class CanvasRoster:
    """A gradebook CSV exported from Canvas: its students and its assignment columns."""

    path: Path
    students: list
    assignments: list  # CanvasColumn, in the file's order


def read_canvas_roster(path) -> CanvasRoster:
    """Read the gradebook CSV exported from Canvas; :class:`RosterError` if it is not one.

    Expected: a header ``Student,ID,[SIS User ID,]SIS Login ID,[Integration ID,][Root Account,]Section``, then
    custom and assignment columns (``Title (id)``) and Canvas's read-only totals; a ``Points Possible`` row and
    perhaps a ``Manual Posting`` row; then one row per student, each with a distinct ``ID``.
    """
    path = Path(path)
    rows = _read_rows(path, "Canvas gradebook export")
    line, header = rows[0]
    header = [cell.strip() for cell in header]
    columns = {name: index for index, name in reversed(list(enumerate(header)))}
    if not header or "Student" not in header[0] or "ID" not in columns or "Section" not in columns:
        raise RosterError(f"{path}, line {line}: not a Canvas gradebook export: expected a header starting "
                          f"{','.join(CANVAS_HEADER)} (SIS User ID optional) then one column per assignment, got "
                          f"{','.join(header[:6])[:200]!r}")
    section = columns["Section"]
    assignments = []
    for index in range(section + 1, len(header)):
        title = header[index]
        found = _CANVAS_TITLE_ID.match(title)
        if found and not _CANVAS_COMPUTED.search(title):
            assignments.append(CanvasColumn(index, title, found.group(1), found.group(2)))
    students, seen = [], {}
    for line, cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        first = cells[0] if cells else ""
        if "Points Possible" in first:
            for column in assignments:
                column.points_possible = _cell(cells, column.index)
            continue
        if all(re.fullmatch(r"\s*(Muted|Manual Posting.*)?\s*", cell, re.IGNORECASE) for cell in cells):
            continue  # the row that marks manually posted assignments
        student = CanvasStudent(line, cells, _cell(cells, 0), _cell(cells, columns["ID"]),
                                _cell(cells, columns.get("SIS User ID")), _cell(cells, columns.get("SIS Login ID")),
                                _cell(cells, section))
        for kind, value in (("ID", student.user_id), ("SIS User ID", student.sis_user_id),
                            ("SIS Login ID", student.sis_login_id)):
            if value and (kind, value) in seen:
                raise RosterError(f"{path}, line {line}: {kind} {value!r} is already on line {seen[kind, value]}; "
                                  f"expected each student once, as Canvas exports them")
            if value:
                seen[kind, value] = line
        students.append(student)
    return CanvasRoster(path, students, assignments)


def _canvas_columns(exercises, roster, assignment_ids, report) -> list:
    """``[(exercise, CanvasColumn)]``: each exercise's column, from the roster, ``--assignment`` or its title."""
    chosen = []
    by_id = {column.assignment_id: column for column in (roster.assignments if roster else [])}
    for exercise in exercises:
        explicit = (assignment_ids or {}).get(exercise)
        if explicit is not None:
            column = by_id.get(str(explicit))
            if column is None:
                if roster is not None:
                    report.warn(f"{exercise}: Canvas assignment {explicit} (from --assignment) is not a column of "
                                f"{roster.path}; written as a column of its own")
                column = CanvasColumn(-1, f"{_exercise_title(exercise)} ({explicit})", _exercise_title(exercise),
                                      str(explicit))
            chosen.append((exercise, column))
            continue
        keys = _exercise_keys(exercise)
        matching = [column for column in by_id.values() if _key(column.title) in keys]
        if len(matching) == 1:
            chosen.append((exercise, matching[0]))
            continue
        if len(matching) > 1:
            report.warn(f"{exercise}: several Canvas columns look like it ({_listed(c.header for c in matching)}); "
                        f"choose one with --assignment {exercise}=ID")
        title = _exercise_title(exercise)
        report.warn(f"{exercise}: no Canvas assignment id (give --assignment {exercise}=ID, or a --roster exported "
                    f"from Canvas with its column): Canvas will use an assignment titled exactly {title!r}, or "
                    f"create a new one")
        chosen.append((exercise, CanvasColumn(-1, title, title, "")))
    return chosen


def _index_unique(items, keys_of) -> dict:
    """``{key: item}`` for keys that belong to exactly one item (a name two students share finds no one)."""
    index, shared = {}, set()
    for item in items:
        for key in keys_of(item):
            if key in index and index[key] is not item:
                shared.add(key)
            index.setdefault(key, item)
    return {key: item for key, item in index.items() if key not in shared}


def _match_canvas(learner, info, roster, indexes):
    """The roster row of ``learner``: by Canvas user id, then SIS Login ID (or SIS User ID), then name."""
    by_id, by_login, by_sis, by_name = indexes
    user_id = str((info.get("ids") or {}).get("user_id") or "")
    if user_id:  # collect kept Canvas's id: it decides, and a learner of another course matches no one
        return by_id.get(user_id), f"Canvas user id {user_id}"
    for index in (by_id, by_login, by_sis):
        if learner in index:
            return index[learner], ""
    for key in _name_keys(info.get("name")) | _name_keys(learner):
        if key in by_name:
            return by_name[key], ""
    return None, ""


def canvas_table(grades, learners=None, *, roster=None, assignment_ids=None, exercises=None, report=None) -> list:
    """The rows of Canvas's gradebook import (header first) for ``grades`` (:func:`grades_from_records`).

    ``learners`` is :meth:`Gradebook.learners` (names and platform ids); ``roster`` a :class:`CanvasRoster`;
    ``assignment_ids`` ``{exercise: Canvas assignment id}``. Problems go to ``report`` (:class:`ExportReport`).
    """
    report = report if report is not None else ExportReport()
    learners = learners or {}
    exercises = sorted(exercises or {exercise for _, exercise in grades})
    graded = sorted({learner for learner, _ in grades})
    columns = _canvas_columns(exercises, roster, assignment_ids, report)
    header = [*CANVAS_HEADER, *(_safe(column.header) for _, column in columns)]
    points = [_POINTS_POSSIBLE, "", "", "", ""]
    for exercise, column in columns:
        most = _number(checks.get_exercise(exercise).max_points) if exercise in checks.exercise_names() else ""
        if column.points_possible and most and _number(column.points_possible.replace(",", ".")) != most:
            report.warn(f"{exercise}: Canvas assignment {column.header!r} is worth {column.points_possible} points, "
                        f"the exercise {most}: the scores are points out of {most}; change the assignment's points "
                        f"in Canvas to match")
        points.append(column.points_possible or most)
    rows = [header, points]
    if roster is None:
        no_id = []
        for learner in graded:
            info = learners.get(learner) or {}
            user_id = str((info.get("ids") or {}).get("user_id") or "")
            if not user_id:
                no_id.append(learner)
            row = [_safe(info.get("name") or learner), _safe(user_id), "", "", ""]
            for exercise, _ in columns:
                grade = grades.get((learner, exercise))
                row.append("" if grade is None or grade.points is None else _number(grade.points))
                report.grades += grade is not None and grade.points is not None
            rows.append(row)
        if no_id:
            report.warn(f"{len(no_id)} learner(s) have no Canvas user id ({_listed(no_id)}): Canvas will look them up "
                        f"by name only; to match them by id, collect the submissions from Canvas's download or give "
                        f"--roster with the gradebook CSV exported from Canvas")
        return rows
    students = roster.students
    indexes = (_index_unique(students, lambda s: [s.user_id] if s.user_id else []),
               _index_unique(students, lambda s: [s.sis_login_id] if s.sis_login_id else []),
               _index_unique(students, lambda s: [s.sis_user_id] if s.sis_user_id else []),
               _index_unique(students, lambda s: _name_keys(s.name)))
    matched, unmatched = {}, []
    for learner in graded:
        student, why = _match_canvas(learner, learners.get(learner) or {}, roster, indexes)
        if student is None:
            unmatched.append(f"{learner} ({why} not in the roster)" if why else learner)
        elif id(student) in matched:
            report.warn(f"{learner} and {matched[id(student)]} both match line {student.line} of {roster.path} "
                        f"({student.name}); {learner} is left out: rename one folder or collect again")
        else:
            matched[id(student)] = learner
    if unmatched:
        report.warn(f"{len(unmatched)} graded learner(s) are not in the roster {roster.path} and are not in the "
                    f"file: {_listed(unmatched)}")
    ungraded = {exercise: [] for exercise in exercises}
    for student in students:
        learner = matched.get(id(student))
        row = [_safe(student.name), _safe(student.user_id), _safe(student.sis_user_id), _safe(student.sis_login_id),
               _safe(student.section)]
        for exercise, column in columns:
            grade = grades.get((learner, exercise)) if learner is not None else None
            if grade is not None and grade.points is not None:
                row.append(_number(grade.points))
                report.grades += 1
            else:  # what Canvas has now, so the import changes nothing there
                row.append(_safe(_cell(student.cells, column.index)) if column.index >= 0 else "")
                ungraded[exercise].append(student.name or f"line {student.line}")
        rows.append(row)
    for exercise, names in ungraded.items():
        if names:
            report.warn(f"{exercise}: {len(names)} roster row(s) have no grade here and are left as they are in "
                        f"Canvas: {_listed(names)}")
    return rows


# --------------------------------------------------------------------------------------------------------
# Moodle


@dataclass
class MoodleWorksheet:
    """Moodle's offline grading worksheet of one assignment: its header and rows, by column name."""

    path: Path
    header: list
    rows: list  # (line, cells)

    def column(self, name):
        return self.header.index(name) if name in self.header else None


def read_moodle_worksheet(path) -> MoodleWorksheet:
    """Read a grading worksheet downloaded from a Moodle assignment; :class:`RosterError` if it is not one.

    Expected: a header with at least ``Identifier``, ``Grade`` and ``Last modified (grade)``
    (Moodle's English names; the full header is :data:`MOODLE_HEADER`), and one row per participant, each with
    a distinct ``Participant <number>`` identifier.
    """
    path = Path(path)
    rows = _read_rows(path, "Moodle grading worksheet")
    line, header = rows[0]
    header = [cell.strip() for cell in header]
    missing = [name for name in _MOODLE_REQUIRED if name not in header]
    if missing:
        raise RosterError(f"{path}, line {line}: not a Moodle grading worksheet (no {', '.join(missing)} column): "
                          f"expected the header Moodle writes, {','.join(MOODLE_HEADER)} (downloaded with the site "
                          f"in English), got {','.join(header[:6])[:200]!r}")
    identifier, kept, seen = header.index("Identifier"), [], {}
    for line, cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        value = _cell(cells, identifier)
        if not _PARTICIPANT.match(value):
            raise RosterError(f"{path}, line {line}: Identifier {value!r}; expected 'Participant <number>' as Moodle "
                              f"writes it")
        if value in seen:
            raise RosterError(f"{path}, line {line}: {value} is already on line {seen[value]}; expected each "
                              f"participant once")
        seen[value] = line
        kept.append((line, list(cells) + [""] * (len(header) - len(cells))))
    return MoodleWorksheet(path, header, kept)


def _moodle_number(value) -> str:
    return f"{round(float(value), 2):.2f}"  # as Moodle's own worksheet writes grades: 8.00


def moodle_table(grades, exercise, learners=None, *, worksheet=None, report=None) -> list:
    """The rows (header first) of Moodle's grading worksheet for ``exercise``.

    With ``worksheet`` (:class:`MoodleWorksheet`) its rows and columns are kept and only ``Grade`` and
    ``Feedback comments`` change, for the rows matched to a graded learner: by ``Participant <id>`` (the
    participant id ``course-grade collect`` keeps), then e-mail address, then full name. Without one, a
    worksheet is made for the learners whose participant id is known.
    """
    report = report if report is not None else ExportReport()
    learners = learners or {}
    graded = sorted(learner for learner, name in grades if name == exercise)
    most = checks.get_exercise(exercise).max_points if exercise in checks.exercise_names() else None
    if worksheet is None:
        rows, no_id = [list(MOODLE_HEADER)], []
        for learner in graded:
            info = learners.get(learner) or {}
            participant = (info.get("ids") or {}).get("participant_id")
            grade = grades[learner, exercise]
            if participant in (None, ""):
                no_id.append(learner)
                continue
            if grade.points is None:
                continue
            rows.append([f"Participant {participant}", _safe(info.get("name") or learner), "", "",
                         _moodle_number(grade.points), "" if most is None else _moodle_number(most), "Yes", "", "",
                         _safe(grade.feedback)])
            report.grades += 1
        if no_id:
            report.warn(f"{exercise}: {len(no_id)} learner(s) have no Moodle participant id and are not in the "
                        f"worksheet: {_listed(no_id)}; give --roster with the worksheet downloaded from Moodle")
        return rows
    header = worksheet.header
    at = {name: worksheet.column(name) for name in
          ("Identifier", "Full name", "Email address", "Grade", "Maximum Grade", "Grade can be changed",
           "Feedback comments")}
    if at["Feedback comments"] is None:
        report.warn(f"{exercise}: {worksheet.path} has no Feedback comments column (the assignment's feedback "
                    f"comments are off): grades only")
    by_participant = {_cell(cells, at["Identifier"]).removeprefix("Participant "): cells for _, cells in worksheet.rows}
    by_email = _index_unique([cells for _, cells in worksheet.rows],
                             lambda cells: [_cell(cells, at["Email address"]).casefold()] if at["Email address"]
                             is not None and _cell(cells, at["Email address"]) else [])
    by_name = _index_unique([cells for _, cells in worksheet.rows],
                            lambda cells: _name_keys(_cell(cells, at["Full name"])))
    matched, unmatched = {}, []
    for learner in graded:
        info = learners.get(learner) or {}
        participant = str((info.get("ids") or {}).get("participant_id") or "")
        if participant:
            cells = by_participant.get(participant)
            why = f"Participant {participant}"
        else:
            cells = by_email.get(learner.casefold())
            for key in _name_keys(info.get("name")) | _name_keys(learner):
                cells = cells or by_name.get(key)
            why = ""
        if cells is None:
            unmatched.append(f"{learner} ({why} not in the worksheet)" if why else learner)
        elif id(cells) in matched:
            report.warn(f"{exercise}: {learner} and {matched[id(cells)]} both match "
                        f"{_cell(cells, at['Identifier'])}; {learner} is left out")
        else:
            matched[id(cells)] = learner
    if unmatched:
        report.warn(f"{exercise}: {len(unmatched)} graded learner(s) are not in the worksheet {worksheet.path} and "
                    f"are not in the file: {_listed(unmatched)}")
    rows, ungraded, locked = [[_safe(name) for name in header]], [], []
    for _, cells in worksheet.rows:
        row = [_safe(cell) for cell in cells]
        learner = matched.get(id(cells))
        grade = grades.get((learner, exercise)) if learner is not None else None
        name = _cell(cells, at["Full name"]) or _cell(cells, at["Identifier"])
        if grade is None or grade.points is None:
            ungraded.append(name)
        else:
            row[at["Grade"]] = _moodle_number(grade.points)
            if at["Feedback comments"] is not None:
                row[at["Feedback comments"]] = _safe(grade.feedback)
            report.grades += 1
            if at["Grade can be changed"] is not None and _cell(cells, at["Grade can be changed"]).casefold() == "no":
                locked.append(name)
            maximum = _cell(cells, at["Maximum Grade"]) if at["Maximum Grade"] is not None else ""
            if maximum and most is not None and _number(maximum.replace(",", ".")) != _number(most):
                report.warn(f"{exercise}: the Moodle assignment's maximum grade is {maximum}, the exercise's {most}: "
                            f"set the assignment's maximum grade to {most} before uploading")
                most = None  # said once
        rows.append(row)
    if ungraded:
        report.warn(f"{exercise}: {len(ungraded)} worksheet row(s) have no grade here and are left as they were: "
                    f"{_listed(ungraded)}")
    if locked:
        report.warn(f"{exercise}: Moodle says the grade of {_listed(locked)} cannot be changed (locked or overridden "
                    f"in the gradebook): the upload will skip them")
    return rows


# --------------------------------------------------------------------------------------------------------
# Wide


def wide_table(grades, learners=None, *, exercises=None) -> list:
    """Rows (header first): ``learner,name,<exercise>...,total``; the first data row holds the points possible.

    A cell is the learner's final score, blank where that exercise was not graded; ``total`` adds the cells.

    Example
    -------
    >>> grades = grades_from_records([{"learner": "ada", "exercise": "01_neurons", "score": 9, "max_score": 11,
    ...                                "penalty": 1.5, "final_score": 7.5, "status": "ok", "tasks": []}])
    >>> for row in wide_table(grades):
    ...     print(",".join(row))
    learner,name,01_neurons,total
    (points possible),,11,11
    ada,,7.5,7.5
    """
    learners = learners or {}
    exercises = sorted(exercises or {exercise for _, exercise in grades})
    maxima = {}
    for (_, exercise), grade in grades.items():
        maxima.setdefault(exercise, grade.max_points)
    for exercise in exercises:
        if exercise not in maxima and exercise in checks.exercise_names():
            maxima[exercise] = checks.get_exercise(exercise).max_points
    rows = [["learner", "name", *exercises, "total"],
            ["(points possible)", "", *(_number(maxima.get(exercise, 0)) for exercise in exercises),
             _number(sum(maxima.get(exercise, 0) for exercise in exercises))]]
    for learner in sorted({learner for learner, _ in grades}):
        cells, total = [], 0
        for exercise in exercises:
            grade = grades.get((learner, exercise))
            points = None if grade is None else grade.points
            cells.append("" if points is None else _number(points))
            total += points or 0
        rows.append([_spreadsheet_safe(learner), _safe((learners.get(learner) or {}).get("name") or ""), *cells,
                     _number(total)])
    return rows


# --------------------------------------------------------------------------------------------------------
# Writing files


def _csv_bytes(rows, *, bom: bool) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode("utf-8")


def _parse_rosters(rosters, exercises, fmt) -> dict:
    """``{exercise or None: path}`` from ``--roster`` values: ``PATH`` or ``EXERCISE=PATH``."""
    found = {}
    for value in rosters or ():
        value = str(value)
        name, separator, rest = value.partition("=")
        if separator and name in checks.exercise_names():
            exercise, path = name, Path(rest)
        else:
            exercise, path = None, Path(value)
            if fmt == "moodle":  # one worksheet per assignment: which exercise is it?
                if len(exercises) == 1:
                    exercise = exercises[0]
                else:
                    named = [e for e in exercises if any(set(k) <= set(_key(path.stem)) for k in _exercise_keys(e))]
                    if len(named) != 1:
                        raise RosterError(f"{path}: which exercise is this worksheet for? expected its name in the "
                                          f"file name, or --roster EXERCISE={path} (exercises: {_listed(exercises)})")
                    exercise = named[0]
        if exercise in found:
            raise RosterError(f"{path}: a second roster for {exercise or 'the export'} (the first: {found[exercise]}); "
                              f"expected one")
        found[exercise] = path
    if fmt != "moodle" and (len(found) > 1 or any(key is not None for key in found)):
        raise RosterError(f"{fmt} takes one --roster FILE (the gradebook CSV exported from Canvas), got "
                          f"{_listed(str(path) for path in found.values())}")
    return found


def export(folder, fmt: str, *, to=None, rosters=(), assignment_ids=None, exercises=None) -> ExportReport:
    """Write the gradebook in ``folder`` for a platform: ``fmt`` is ``canvas``, ``moodle`` or ``wide``.

    ``to`` is the file to write (``canvas``, ``wide``) or the folder of worksheets (``moodle``); by default
    ``folder/canvas_import.csv``, ``folder/moodle/<exercise>.csv`` and ``folder/grades_wide.csv``. ``rosters``
    are the platform's own exports (``PATH`` or, for Moodle, ``EXERCISE=PATH``), ``assignment_ids``
    ``{exercise: Canvas assignment id}``, ``exercises`` limits the export. Raises :class:`RosterError` for a
    roster that cannot be used, and ``ValueError`` for an unknown format or exercise; writes nothing then.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    known = checks.exercise_names()
    for exercise in [*(exercises or ()), *(assignment_ids or {})]:
        if exercise not in known:
            raise ValueError(f"unknown exercise {exercise!r}; expected one of: {', '.join(known)}")
    folder = Path(folder)
    if not (folder / DATABASE).is_file():
        raise GradebookError(f"no gradebook in {folder} (no {DATABASE}): expected the --output folder of a "
                             f"course-grade run")
    with Gradebook(folder) as gradebook:
        grades = grades_from_records(gradebook.records(answers=False), exercises)
        learners_of = getattr(gradebook, "learners", None)  # names and platform ids, once collect has kept them
        learners = learners_of() if callable(learners_of) else {}
    chosen = sorted(exercises or {exercise for _, exercise in grades})
    paths = _parse_rosters(rosters, chosen, fmt)
    report = ExportReport()
    if not grades:
        report.warn(f"the gradebook in {folder} has no grades{' for ' + _listed(chosen) if exercises else ''}")
    if fmt == "canvas":
        roster = read_canvas_roster(paths[None]) if None in paths else None
        files = {Path(to) if to else folder / "canvas_import.csv":
                 _csv_bytes(canvas_table(grades, learners, roster=roster, assignment_ids=assignment_ids,
                                         exercises=chosen, report=report), bom=False)}
    elif fmt == "wide":
        report.grades = sum(grade.points is not None for grade in grades.values())
        files = {Path(to) if to else folder / "grades_wide.csv":
                 _csv_bytes(wide_table(grades, learners, exercises=chosen), bom=True)}
    else:
        worksheets = {exercise: read_moodle_worksheet(path) for exercise, path in paths.items()}
        for exercise in worksheets:
            if exercise not in chosen:
                report.warn(f"{exercise}: a worksheet was given ({paths[exercise]}) but there are no grades for it")
        target = Path(to) if to else folder / "moodle"
        files = {target / f"{exercise}.csv":
                 _csv_bytes(moodle_table(grades, exercise, learners, worksheet=worksheets.get(exercise),
                                         report=report), bom=True)
                 for exercise in chosen}
    for path, data in files.items():  # only once every table was made: a bad roster writes nothing
        _write_atomically(path, data, sync=False)
        report.files.append(path)
    return report
