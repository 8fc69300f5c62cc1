"""Grades for learning platforms (course_lib/grading/lms.py): Canvas's gradebook import, Moodle's grading worksheet and
the wide CSV, each against the platform's documented format and a hand-written export in tests/files/lms_exports."""

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from course_lib.grading import cli, lms
from course_lib.grading.gradebook import Gradebook

EXPORTS = Path(__file__).parent / "files" / "lms_exports"
CANVAS_ROSTER = EXPORTS / "canvas_gradebook_export.csv"
MOODLE_ROSTER = EXPORTS / "Grades-NN2026-01 Neurons-4321.csv"
N1, N2 = "01_neurons", "02_numpy_forward_pass"  # 11 and 9 points
BOM = b"\xef\xbb\xbf"


def record(learner, exercise, score, *, status="ok", penalty=None, failed=()):
    maximum = {N1: 11, N2: 9}[exercise]
    tasks = [{"task": name, "status": "failed" if name in failed else "passed", "points": 0, "max_points": 1,
              "message": "", "exercise": exercise} for name in ("weighted_sum", "relu")]
    made = {"learner": learner, "exercise": exercise, "file": f"{learner}/{exercise}.ipynb", "max_score": maximum,
            "sha256": "a" * 64, "checks_version": "v1", "status": status, "score": score, "message": "", "tasks": tasks,
            "notes": [], "seed": 1, "sandboxed": True, "seconds": 1.0, "execution_seconds": 1.0,
            "graded_at": "2026-12-01T00:00:00+00:00"}
    if penalty is not None:
        made.update(penalty=penalty, final_score=score - penalty)
    return made


# The class: folder names as `course-grade collect` or an instructor made them.
RECORDS = [record("ada", N1, 9, failed=("relu",)), record("ada", N2, 7),
           record("zoe@uni.example", N1, 11),
           record("sam", N1, 5),
           record("ghost", N1, 11),  # in no roster
           record("=HYPERLINK(\"http://x\")", N2, 4)]
# What collect keeps (Gradebook.learners()): Ada's Canvas and Moodle ids, Sam's name as the platforms spell it.
LEARNERS = {"ada": {"name": "Ada Lovelace", "platform": "canvas",
                    "ids": {"user_id": "1001", "submission_id": "77", "participant_id": "5001"}},
            "sam": {"name": "Sam \"Sammy\" O'Brien, Jr.", "platform": "moodle", "ids": {}},
            "zoe@uni.example": {"name": "Zoë Müller", "platform": "folder", "ids": {}}}


@pytest.fixture
def out(tmp_path):
    """A gradebook with RECORDS, and LEARNERS as `course-grade collect` leaves them in it."""
    folder = tmp_path / "out"
    with Gradebook(folder) as book:
        for made in RECORDS:
            book.add(made)
        book.set_learners(LEARNERS)
    return folder


def read_csv(path, *, bom):
    data = Path(path).read_bytes()
    assert data.startswith(BOM) == bom
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --------------------------------------------------------------------------------------------------------
# Canvas


def canvas_accepts(rows):
    """What Canvas's importer (app/models/gradebook_importer.rb) requires of a file, and what it reads from it.

    Header: first cell with "Student", second with "ID", the SIS columns, then "Section" closing the student
    columns; a row whose first cell has "Points Possible"; each assignment column "Title (id)"."""
    header = rows[0]
    assert "Student" in header[0] and "ID" in header[1]
    assert re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3])
    assert "Section" in header[4]
    assert "Points Possible" in rows[1][0]
    assert all(len(row) == len(header) for row in rows)
    return {title: re.match(r"^(.*?)\s*\((\d+)\)$", title).group(2) for title in header[5:]}


def test_canvas_file_follows_the_documented_import_format(out):
    report = lms.export(out, "canvas", rosters=[CANVAS_ROSTER], assignment_ids={N2: "123457"})
    rows = read_csv(out / "canvas_import.csv", bom=False)
    assert tuple(rows[0][:5]) == lms.CANVAS_HEADER
    assert canvas_accepts(rows) == {"01 Neurons (123456)": "123456",
                                    "Week 2: A forward pass in NumPy (123457)": "123457"}
    assert rows[1] == ["    Points Possible", "", "", "", "", "11.00", "9.00"]  # as Canvas wrote them
    # No custom column, no other assignment, none of Canvas's read-only totals goes back.
    assert not any("Score" in title or "Points" in title or title in ("Notes", "Reading quiz 1 (123460)")
                   for title in rows[0])
    assert report.files == [out / "canvas_import.csv"]
    assert not list(out.glob(".*.tmp"))


def test_canvas_roster_rows_are_matched_by_id_login_and_name_and_left_alone_otherwise(out):
    report = lms.export(out, "canvas", rosters=[CANVAS_ROSTER], assignment_ids={N2: "123457"})
    rows = read_csv(out / "canvas_import.csv", bom=False)
    by_name = {row[0]: row for row in rows[2:]}
    assert list(by_name) == ["Lovelace, Ada", "Müller, Zoë", "O'Brien, Sam \"Sammy\" Jr.", "Hopper, Grace",
                             "Student, Test"]  # every roster row, in Canvas's order
    assert by_name["Lovelace, Ada"][1:] == ["1001", "S-1001", "ada@uni.example", "NN 2026 - Group A", "9", "7"]  # id
    assert by_name["Müller, Zoë"][5:] == ["11", ""]  # SIS Login ID; 02 was blank in Canvas and stays blank
    assert by_name["O'Brien, Sam \"Sammy\" Jr."][5:] == ["5", "EX"]  # by name; the excused grade is kept
    assert by_name["Hopper, Grace"][5:] == ["-", ""]  # no grade here: Canvas's own cells, unchanged
    assert report.grades == 4
    warnings = "\n".join(report.warnings)
    assert "ghost" in warnings and "not in the roster" in warnings
    assert "Hopper, Grace" in warnings and "Student, Test" in warnings


def test_canvas_learner_with_a_user_id_is_matched_by_it_only(out):
    with Gradebook(out) as book:
        book.set_learners({"ada": {"name": "Ada Lovelace", "platform": "canvas", "ids": {"user_id": "4242"}}})
    report = lms.export(out, "canvas", rosters=[CANVAS_ROSTER])
    rows = read_csv(out / "canvas_import.csv", bom=False)
    assert [row[5] for row in rows if row[0] == "Lovelace, Ada"] == [""]  # not matched by name instead
    assert any("ada (Canvas user id 4242 not in the roster)" in warning for warning in report.warnings)


def test_canvas_assignment_ids_come_from_the_roster_titles_or_are_missing_with_a_warning(out):
    report = lms.export(out, "canvas", rosters=[CANVAS_ROSTER])
    header = read_csv(out / "canvas_import.csv", bom=False)[0]
    assert header[5:] == ["01 Neurons (123456)", "02 A forward pass in NumPy"]  # "Week 2: …" is not its title
    assert any(warning.startswith(f"{N2}: no Canvas assignment id") and f"--assignment {N2}=ID" in warning
               for warning in report.warnings)


def test_canvas_without_roster_uses_collected_ids_and_says_who_has_none(out):
    report = lms.export(out, "canvas", assignment_ids={N1: 123456, N2: 123457})
    rows = read_csv(out / "canvas_import.csv", bom=False)
    assert rows[0] == [*lms.CANVAS_HEADER, "01 Neurons (123456)", "02 A forward pass in NumPy (123457)"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "11", "9"]
    assert rows[2:] == [["'=HYPERLINK(\"http://x\")", "", "", "", "", "", "4"],  # no formula for a spreadsheet
                        ["Ada Lovelace", "1001", "", "", "", "9", "7"],
                        ["ghost", "", "", "", "", "11", ""],
                        ["Sam \"Sammy\" O'Brien, Jr.", "", "", "", "", "5", ""],
                        ["Zoë Müller", "", "", "", "", "11", ""]]
    assert any("4 learner(s) have no Canvas user id" in warning for warning in report.warnings)


def test_semicolon_separated_canvas_export_is_read(tmp_path):
    rows = list(csv.reader(CANVAS_ROSTER.open(encoding="utf-8", newline="")))
    path = tmp_path / "semicolons.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    roster = lms.read_canvas_roster(path)
    assert [student.user_id for student in roster.students] == ["1001", "1002", "1003", "1004", "1099"]
    assert [(column.title, column.assignment_id, column.points_possible) for column in roster.assignments] == [
        ("01 Neurons", "123456", "11.00"), ("Week 2: A forward pass in NumPy", "123457", "9.00"),
        ("Reading quiz 1", "123460", "5.00")]


def _bad(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


CANVAS_TEXT = CANVAS_ROSTER.read_text(encoding="utf-8")


@pytest.mark.parametrize(("data", "words"), [
    (MOODLE_ROSTER.read_bytes(), ["line 1", "not a Canvas gradebook export", "expected a header starting Student,ID"]),
    (CANVAS_TEXT.replace("\"Hopper, Grace\",1004", "\"Hopper, Grace\",1002"),
     ["line 7", "ID '1002' is already on line 5", "expected each student once"]),
    (CANVAS_TEXT.replace("grace@uni.example", "zoe@uni.example"), ["line 7", "SIS Login ID 'zoe@uni.example'"]),
    (b"PK\x03\x04\x14\x00\x06\x00", ["line 1", "spreadsheet (.xlsx)", "expected the Canvas gradebook export as CSV"]),
    ("Student,ID,Section\n".encode("utf-8") + "Zoë".encode("latin-1"), ["line 2", "not UTF-8"]),
    (b"", ["line 1", "empty"]),
    (CANVAS_TEXT.replace("\"Lovelace, Ada\"", "\"Lovelace, Ada"), ["not a well-formed CSV row"]),
    (b"Student,ID\x00,Section\n", ["NUL byte", "not a CSV"]),
])
def test_bad_canvas_rosters_name_file_line_and_expectation(tmp_path, data, words):
    path = _bad(tmp_path, "roster.csv", data)
    with pytest.raises(lms.RosterError) as raised:
        lms.read_canvas_roster(path)
    message = str(raised.value)
    assert message.startswith(str(path))
    for word in words:
        assert word in message


# --------------------------------------------------------------------------------------------------------
# Moodle


def test_moodle_worksheet_keeps_every_column_and_fills_grade_and_feedback(out):
    report = lms.export(out, "moodle", rosters=[MOODLE_ROSTER], exercises=[N1])
    assert report.files == [out / "moodle" / f"{N1}.csv"]
    rows = read_csv(out / "moodle" / f"{N1}.csv", bom=True)  # Moodle's own download has one
    before = read_csv(MOODLE_ROSTER, bom=True)
    assert rows[0] == before[0]
    grade, feedback = rows[0].index("Grade"), rows[0].index("Feedback comments")
    for old, new in zip(before[1:], rows[1:], strict=True):  # same rows, same order
        changed = {i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b}
        assert changed <= {grade, feedback}, (old, new)
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["Participant 5001"][grade] == "9.00"  # Ada, by the participant id collect kept
    assert by_id["Participant 5001"][feedback].startswith("Autograded: 9/11 points.")
    assert "relu (failed)" in by_id["Participant 5001"][feedback]
    assert by_id["Participant 5002"][grade] == "11.00"  # Zoë, by e-mail address (her folder's name)
    assert by_id["Participant 5003"][grade] == "5.00"  # Sam, by full name
    assert by_id["Participant 5004"][grade] == ""  # Grace: nothing graded, nothing changed
    assert report.grades == 3
    warnings = "\n".join(report.warnings)
    assert "ghost" in warnings and "Grace Hopper" in warnings
    assert "cannot be changed" in warnings and "Sam" in warnings  # Moodle will skip the locked grade


def test_names_from_a_canvas_download_match_names_written_out(tmp_path):
    """`course-grade collect --from canvas` keeps Canvas's lastfirst ("hoppergrace"): it matches "Grace Hopper" in a
    Moodle worksheet and "Hopper, Grace" in a Canvas roster, and no one else."""
    folder = tmp_path / "out"
    with Gradebook(folder) as book:
        book.add(record("hoppergrace-1004", N1, 7))
        book.add(record("lovelace-1001", N1, 3))  # "lovelace" alone is not Ada Lovelace
        book.set_learners({"hoppergrace-1004": {"name": "hoppergrace", "platform": "canvas", "ids": {}},
                           "lovelace-1001": {"name": "lovelace", "platform": "canvas", "ids": {}}})
    report = lms.export(folder, "moodle", rosters=[MOODLE_ROSTER], exercises=[N1])
    rows = {row[0]: row[4] for row in read_csv(folder / "moodle" / f"{N1}.csv", bom=True)[1:]}
    assert rows["Participant 5004"] == "7.00" and rows["Participant 5001"] == ""
    assert report.grades == 1
    lms.export(folder, "canvas", rosters=[CANVAS_ROSTER])
    rows = {row[0]: row[5] for row in read_csv(folder / "canvas_import.csv", bom=False)[2:]}
    assert rows["Hopper, Grace"] == "7" and rows["Lovelace, Ada"] == ""
    assert ("adalovelace",) in lms._name_keys("Ada Lovelace") and ("lovelaceada",) in lms._name_keys("Lovelace, Ada")


def test_moodle_worksheet_is_found_for_its_exercise_by_file_name(out, tmp_path):
    # Two exercises, one worksheet: its Moodle file name says 01 Neurons.
    report = lms.export(out, "moodle", rosters=[MOODLE_ROSTER], to=tmp_path / "sheets")
    assert sorted(path.name for path in report.files) == [f"{N1}.csv", f"{N2}.csv"]
    assert read_csv(tmp_path / "sheets" / f"{N1}.csv", bom=True)[0] == read_csv(MOODLE_ROSTER, bom=True)[0]
    # 02 has no worksheet: one is made for those with a participant id (Ada), the others are named.
    rows = read_csv(tmp_path / "sheets" / f"{N2}.csv", bom=True)
    assert rows[0] == list(lms.MOODLE_HEADER)
    assert [row[:7] for row in rows[1:]] == [["Participant 5001", "Ada Lovelace", "", "", "7.00", "9.00", "Yes"]]
    assert any(f"{N2}: 1 learner(s) have no Moodle participant id" in warning for warning in report.warnings)


def test_moodle_worksheet_for_an_unknown_exercise_is_refused(out, tmp_path):
    path = shutil.copy(MOODLE_ROSTER, tmp_path / "grades.csv")
    with pytest.raises(lms.RosterError, match="which exercise is this worksheet for"):
        lms.export(out, "moodle", rosters=[path])
    assert not (out / "moodle").exists()


MOODLE_TEXT = MOODLE_ROSTER.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(("data", "words"), [
    (CANVAS_ROSTER.read_bytes(), ["line 1", "not a Moodle grading worksheet", "no Identifier, Grade",
                                  "expected the header Moodle writes, Identifier,Full name,Email address"]),
    (MOODLE_TEXT.replace("\"Participant 5004\"", "\"Participant 5002\""),
     ["line 5", "Participant 5002 is already on line 3"]),
    (MOODLE_TEXT.replace("\"Participant 5003\"", "5003"), ["line 4", "Identifier '5003'", "Participant <number>"]),
])
def test_bad_moodle_worksheets_name_file_line_and_expectation(tmp_path, data, words):
    path = _bad(tmp_path, "worksheet.csv", data)
    with pytest.raises(lms.RosterError) as raised:
        lms.read_moodle_worksheet(path)
    for word in [str(path), *words]:
        assert word in str(raised.value)


# --------------------------------------------------------------------------------------------------------
# Wide, and the final score


def test_wide_csv_is_sorted_totalled_safe_and_deterministic(out, tmp_path):
    assert lms.export(out, "wide").grades == len(RECORDS)
    first = (out / "grades_wide.csv").read_bytes()
    lms.export(out, "wide", to=tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == first
    rows = read_csv(out / "grades_wide.csv", bom=True)
    assert rows == [["learner", "name", N1, N2, "total"],
                    ["(points possible)", "", "11", "9", "20"],
                    ["'=HYPERLINK(\"http://x\")", "", "", "4", "4"],
                    ["ada", "Ada Lovelace", "9", "7", "16"],
                    ["ghost", "", "11", "", "11"],
                    ["sam", "Sam \"Sammy\" O'Brien, Jr.", "5", "", "5"],
                    ["zoe@uni.example", "Zoë Müller", "11", "", "11"]]


def test_exports_use_the_final_score_after_the_late_policy(out):
    from course_lib.grading.late import LatePolicy

    late = dict(record("ada", N1, 9), submission={"submitted_at": "2026-12-03T09:00+00:00"})  # 2 days late
    with Gradebook(out) as book:
        book.add(late)
        book.set_late_policy(LatePolicy.from_options(due="2026-12-01T23:59+00:00", percent_per_day=10))
    lms.export(out, "wide")
    rows = read_csv(out / "grades_wide.csv", bom=True)
    assert [row for row in rows if row[0] == "ada"] == [["ada", "Ada Lovelace", "6.8", "7", "13.8"]]  # 9 - 20% of 11
    lms.export(out, "moodle", rosters=[MOODLE_ROSTER], exercises=[N1])
    ada = next(row for row in read_csv(out / "moodle" / f"{N1}.csv", bom=True) if row[0] == "Participant 5001")
    assert ada[4] == "6.80" and "Late penalty: 2.2 points (score before it: 9)" in ada[-1]


def test_exports_use_the_final_score_and_skip_what_the_grader_failed_on():
    grades = lms.grades_from_records([record("ada", N1, 9, penalty=1.5), record("bo", N1, 0, status="error"),
                                      record("cy", N1, 0, status="unreadable")])
    assert (grades["ada", N1].points, grades["bo", N1].points, grades["cy", N1].points) == (7.5, None, 0)
    assert "Late penalty: 1.5 points (score before it: 9)" in grades["ada", N1].feedback
    rows = lms.wide_table(grades)
    assert rows[2:] == [["ada", "", "7.5", "7.5"], ["bo", "", "", "0"], ["cy", "", "0", "0"]]
    canvas = lms.canvas_table(grades, assignment_ids={N1: 1})
    assert [row[5] for row in canvas[2:]] == ["7.5", "", "0"]


# --------------------------------------------------------------------------------------------------------
# The command


def test_export_command_writes_the_platform_file_and_prints_the_warnings(out, capsys):
    assert cli.main(["export", str(out), "--format", "canvas", "--roster", str(CANVAS_ROSTER),
                     "--assignment", f"{N2}=123457"]) == 0
    captured = capsys.readouterr()
    assert str(out / "canvas_import.csv") in captured.out
    assert "ghost" in captured.err and "warning" in captured.err
    assert read_csv(out / "canvas_import.csv", bom=False)[0][6] == "Week 2: A forward pass in NumPy (123457)"


def test_export_command_without_format_still_writes_the_gradebook_files(out):
    assert cli.main(["export", str(out)]) == 0
    assert (out / "grades.csv").is_file() and not (out / "canvas_import.csv").exists()


@pytest.mark.parametrize(("arguments", "words"), [
    (["--format", "canvas", "--roster", str(MOODLE_ROSTER)], "not a Canvas gradebook export"),
    (["--format", "canvas", "--roster", "missing.csv"], "cannot be read"),
    (["--format", "canvas", "--assignment", "99_nope=1"], "unknown exercise '99_nope'"),
    (["--format", "canvas", "--assignment", "01_neurons"], "EXERCISE=ID"),
    (["--roster", str(CANVAS_ROSTER)], "--format"),
])
def test_export_command_mistakes_exit_2_and_write_nothing(out, capsys, arguments, words):
    try:
        code = cli.main(["export", str(out), *arguments])
    except SystemExit as stopped:  # argparse's own errors
        code = stopped.code
    assert code == 2
    assert words in capsys.readouterr().err
    assert not (out / "canvas_import.csv").exists()
