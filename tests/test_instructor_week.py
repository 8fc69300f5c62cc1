"""The instructor's week, end to end, through ``cli.main`` exactly as README.md's section "The week's loop" writes
the commands: collect a Canvas bulk download, grade it with a late policy, change the policy, the class report,
copied answers, and the grades back to Canvas, Moodle and a spreadsheet (issue 16).

The class: six learners of exercise 01_neurons, built from ``solutions/01_neurons.ipynb`` and
``exercises/01_neurons.ipynb``: a full solution, a blank copy, a half-done one, a late one (Canvas's ``_late_``
flag, the only time a Canvas download gives), a resubmission (``-1``, the later file the better one), and a
copier of the late learner's own code, with every name changed, handed in as ``Copy of 01_Neurons (1).ipynb``.
"""

import contextlib
import copy
import csv
import io
import json
import os
import re
import shlex
import zipfile
from pathlib import Path

import nbformat
import pytest

from course_lib.grading import cli, sandbox

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = "01_neurons"
DUE = "2026-12-01T23:59+01:00"
# As tests/test_grade.py: in the sandbox wherever bubblewrap works, and always in CI, where its absence is a failure.
SANDBOX = sandbox.unavailable_reason() is None or os.environ.get("CI", "").lower() in ("1", "true", "yes")
GRADE_OPTIONS = ["--workers", "2", "--cell-timeout", "20", "--notebook-timeout", "120", "--memory-mb", "1024",
                 *([] if SANDBOX else ["--no-sandbox"])]

# A learner's own answers, written differently from the solution and long enough to compare (30 tokens or more).
ZOE = {
    "weighted_sum": '''
def weighted_sum(x, w, b):
    total = 0.0
    for position in range(len(x)):
        total = total + x[position] * w[position]  # one product at a time
    total = total + b
    return float(total)
''',
    "sigmoid": '''
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    small = np.exp(-np.abs(z))  # never overflows
    result = np.where(z >= 0, 1.0 / (1.0 + small), small / (1.0 + small))
    return result
''',
    "relu": '''
def relu(z):
    z = np.asarray(z, dtype=float)
    positive = z > 0
    output = np.zeros_like(z)
    output[positive] = z[positive]
    return output
''',
    "xor_network": '''
def xor_network(X):
    or_weights, or_bias = np.array([1.0, 1.0]), -0.5
    nand_weights, nand_bias = np.array([-1.0, -1.0]), 1.5
    or_out = step(X @ or_weights + or_bias)
    nand_out = step(X @ nand_weights + nand_bias)
    both = np.stack([or_out, nand_out], axis=1)
    return step(both @ np.array([1.0, 1.0]) - 1.5)
''',
    "softmax": '''
def softmax(z):
    largest = np.max(z)
    shifted = z - largest
    exponentials = np.exp(shifted)
    total = np.sum(exponentials)
    return exponentials / total
''',
}
# The copier: Zoë's code with every name changed, its comments gone and its own.
RENAMES = {"total": "acc", "position": "k", "small": "tiny", "result": "out_val", "positive": "mask",
           "output": "res", "or_weights": "w_a", "or_bias": "b_a", "nand_weights": "w_b", "nand_bias": "b_b",
           "or_out": "h_a", "nand_out": "h_b", "both": "hidden_layer", "largest": "m", "shifted": "diffs",
           "exponentials": "e_vals"}
# Sam's own answers: short and plain, unlike Zoë's.
SAM = {
    "weighted_sum": "def weighted_sum(x, w, b):\n    return np.sum(x * w) + b\n",
    "sigmoid": "def sigmoid(z):\n    return 0.5 * (1 + np.tanh(z / 2))\n",
    "relu": "def relu(z):\n    return np.clip(z, 0, None)\n",
    "and_gate": "def and_gate():\n    return [0.5, 0.5], -0.75\n",
    "xor_network": "def xor_network(X):\n    return step(X @ [1.0, 1.0] - 0.5) - step(X @ [1.0, 1.0] - 1.5)\n",
    "softmax": "def softmax(z):\n    e = np.exp(z - z.max())\n    return e / e.sum()\n",
}


def _copier_code(source: str) -> str:
    source = re.sub(r"\s*#.*", "", source)
    for old, new in RENAMES.items():
        source = re.sub(rf"\b{old}\b", new, source)
    return source.replace("def relu", "# my relu\ndef relu")


def notebook(answers: dict, *, solved=()) -> bytes:
    """The exercise notebook with ``answers`` ({task: code}) and the solution's code for the tasks in ``solved``."""
    exercise = nbformat.read(ROOT / "exercises" / f"{EXERCISE}.ipynb", as_version=4)
    solution = nbformat.read(ROOT / "solutions" / f"{EXERCISE}.ipynb", as_version=4)
    solutions = {re.findall(r"def (\w+)\(", cell.source)[-1]: cell.source for cell in solution.cells
                 if cell.cell_type == "code" and "BEGIN SOLUTION" in cell.source}
    made = copy.deepcopy(exercise)
    for cell in made.cells:
        if cell.cell_type != "code" or "raise NotImplementedError()" not in cell.source:
            continue
        task = re.findall(r"def (\w+)\(", cell.source)[-1]
        if task in solved:
            cell.source = solutions[task]
        elif task in answers:
            keep = cell.source.split(f"def {task}(")[0]  # the code the exercise gives (xor_network's step)
            cell.source = keep + answers[task].strip() + "\n"
    return nbformat.writes(made).encode()


TASKS = ("weighted_sum", "sigmoid", "relu", "and_gate", "xor_network", "softmax")
# (file name in Canvas's zip, the notebook's bytes)
DOWNLOAD = [
    ("lovelaceada_1001_9001_01_neurons.ipynb", notebook({}, solved=TASKS)),
    ("hoppergrace_1004_9004_01_neurons.ipynb", notebook({})),
    ("turingalan_1005_9005_01_neurons.ipynb", notebook({}, solved=("weighted_sum", "sigmoid", "relu"))),
    ("müllerzoë_late_1002_9002_01_neurons.ipynb", notebook(ZOE, solved=("and_gate",))),
    ("obriensam_1003_9003_01_neurons.ipynb", notebook({task: SAM[task] for task in ("weighted_sum", "sigmoid")})),
    ("obriensam_1003_9003_01_neurons-1.ipynb", notebook(SAM)),
    ("vanrossumguido_1006_9006_Copy of 01_Neurons (1).ipynb",
     notebook({task: _copier_code(code) for task, code in ZOE.items()}, solved=("and_gate",))),
]
# learner folder -> (raw score, late penalty under the README's 10 % a day)
EXPECTED = {"lovelaceada-1001": (11, 0), "hoppergrace-1004": (0, 0), "turingalan-1005": (5, 0),
            "mullerzoe-1002": (11, 1.1), "obriensam-1003": (11, 0), "vanrossumguido-1006": (11, 0)}

# Canvas's Export Entire Gradebook, as Canvas writes it: the muted row, Points Possible, read-only totals, a test
# student, and a learner who submitted nothing.
CANVAS_ROSTER = """\
Student,ID,SIS User ID,SIS Login ID,Section,01 Neurons (123456),Reading quiz 1 (123460),Current Points,Final Points,Current Score,Unposted Current Score,Final Score,Unposted Final Score
    Points Possible,,,,,11.00,5.00,(read only),(read only),(read only),(read only),(read only),(read only)
"Lovelace, Ada",1001,S-1001,ada@uni.example,NN 2026,,4.00,4.00,4.00,80.00,80.00,25.00,25.00
"Müller, Zoë",1002,S-1002,zoe@uni.example,NN 2026,,5.00,5.00,5.00,100.00,100.00,31.25,31.25
"O'Brien, Sam",1003,S-1003,sam@uni.example,NN 2026,,,0.00,0.00,,,0.00,0.00
"Hopper, Grace",1004,S-1004,grace@uni.example,NN 2026,,,0.00,0.00,,,0.00,0.00
"Turing, Alan",1005,S-1005,alan@uni.example,NN 2026,,,0.00,0.00,,,0.00,0.00
"van Rossum, Guido",1006,S-1006,guido@uni.example,NN 2026,,,0.00,0.00,,,0.00,0.00
"Lamarr, Hedy",1007,S-1007,hedy@uni.example,NN 2026,,,0.00,0.00,,,0.00,0.00
"Student, Test",1099,,b5c1a0e2d3f44a6e8c9d0e1f2a3b4c5d,NN 2026,,,0.00,0.00,,,0.00,0.00
"""


# Moodle's grading worksheet of the same class (Download grading worksheet, in English), for --format moodle.
MOODLE_WORKSHEET = """\
Identifier,"Full name","Email address",Status,Grade,"Maximum Grade","Grade can be changed","Last modified (submission)","Online text","Last modified (grade)","Feedback comments"
"Participant 5001","Ada Lovelace",ada@uni.example,"Submitted for grading - Not graded",,11.00,Yes,"Tuesday, 1 December 2026, 10:15 AM",,-,
"Participant 5002","Zoë Müller",zoe@uni.example,"Submitted for grading - Not graded",,11.00,Yes,"Wednesday, 2 December 2026, 9:02 AM",,-,
"Participant 5003","Sam O'Brien",sam@uni.example,"Submitted for grading - Not graded",,11.00,Yes,"Tuesday, 1 December 2026, 11:01 PM",,-,
"Participant 5004","Grace Hopper",grace@uni.example,"Submitted for grading - Not graded",,11.00,Yes,"Tuesday, 1 December 2026, 8:00 PM",,-,
"Participant 5005","Alan Turing",alan@uni.example,"Submitted for grading - Not graded",,11.00,Yes,"Tuesday, 1 December 2026, 9:30 PM",,-,
"Participant 5006","Guido van Rossum",guido@uni.example,"Submitted for grading - Not graded",,11.00,Yes,"Tuesday, 1 December 2026, 9:45 PM",,-,
"Participant 5007","Hedy Lamarr",hedy@uni.example,"No submission - Not graded",,11.00,Yes,-,,-,
"""


def readme_commands() -> list:
    """The commands of README.md's worked example (section "The week's loop"), as argument lists without
    ``course-grade``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### The week's loop"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S)[1]
    commands = []
    for line in re.sub(r"\\\n\s*", " ", block).splitlines():
        words = shlex.split(line, comments=True)
        if words:
            assert words[0] == "course-grade", line
            commands.append(words[1:])
    return commands


def readme_inline(start: str) -> list:
    """The one command written inline (in backquotes) in README.md's section "The week's loop" that begins with
    ``start``, as an argument list without ``course-grade``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = " ".join(text[text.index("### The week's loop"):text.index("### Grading with many machines")].split())
    found = [command for command in re.findall(r"`(course-grade [^`]+)`", section) if command.startswith(start)]
    assert len(found) == 1, f"README's section has {len(found)} commands beginning {start!r}: {found}"
    return shlex.split(found[0])[1:]


def _run(*argv) -> tuple:
    """``course-grade ARGV`` through ``cli.main``: (stdout, stderr); fails unless it exits with 0."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(arg) for arg in argv])
    assert code == 0, (f"course-grade {shlex.join(map(str, argv))} exited with {code}:\n{out.getvalue()}\n"
                       f"{err.getvalue()}")
    return out.getvalue(), err.getvalue()


def _csv(path, *, dicts=True):
    text = Path(path).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline="")) if dicts else csv.reader(io.StringIO(text, newline=""))
    return list(reader)


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    """The week's commands, run once in README order in a folder holding Canvas's download and gradebook export;
    ``{"folder": ..., step: (stdout, stderr), "grades_before_late": {...}}``."""
    if not SANDBOX and os.geteuid() == 0:
        pytest.skip("bubblewrap is missing and this is root: without the sandbox the kernel runs as a uid of its own, "
                    "which cannot enter pytest's folders (tests/test_grade.py covers grading there)")
    base = tmp_path_factory.mktemp("week")
    with zipfile.ZipFile(base / "submissions.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in DOWNLOAD:
            archive.writestr(name, data)
    commands = readme_commands()
    assert [command[0] for command in commands] == ["collect", "submissions", "report", "similarity", "export"]
    roster = commands[4][commands[4].index("--roster") + 1]
    (base / roster).write_text(CANVAS_ROSTER, encoding="utf-8")
    ran, before = {"folder": base}, os.getcwd()
    os.chdir(base)  # the README's paths are relative
    try:
        ran["collect"] = _run(*commands[0])
        ran["grade"] = _run(*commands[1], *GRADE_OPTIONS)
        ran["grades_before_late"] = {row["learner"]: row for row in _csv("out/grades.csv")}
        records = json.loads(Path("out/results.json").read_text(encoding="utf-8"))["submissions"]
        ran["graded_at"] = {record["learner"]: record["graded_at"] for record in records}
        late = readme_inline("course-grade late out --due")
        assert late == ["late", "out", "--due", DUE, "--late-penalty", "20"]  # what the tests below expect
        ran["late"] = _run(*late)
        ran["report"] = _run(*commands[2])
        ran["report_roster"] = _run("report", "out", "--anonymous", "--roster", roster, "--to", "report_roster.html")
        ran["similarity"] = _run(*commands[3])
        ran["canvas"] = _run(*commands[4])
        ran["wide"] = _run("export", "out", "--format", "wide")
        Path("worksheet.csv").write_text(MOODLE_WORKSHEET, encoding="utf-8-sig")
        ran["moodle"] = _run("export", "out", "--format", "moodle", "--roster", f"{EXERCISE}=worksheet.csv")
        # Gradescope, as the README's section tries it locally: the bundle, and one learner's renamed notebook
        ran["bundle"] = _run(*readme_inline("course-grade gradescope-bundle"))
        Path("autograder/submission").mkdir(parents=True)
        Path("autograder/submission/Copy of 01_Neurons (1).ipynb").write_bytes(DOWNLOAD[-1][1])
        trial = readme_inline("course-grade gradescope --root")  # README's /tmp/autograder, here in this folder
        trial[trial.index("--root") + 1] = "autograder"
        ran["gradescope"] = _run(*trial, "--cell-timeout", "20", *([] if SANDBOX else ["--no-sandbox"]))
    finally:
        os.chdir(before)
    return ran


def test_collect_places_each_learners_latest_notebook_under_a_safe_folder(week):
    submissions = week["folder"] / "submissions"
    assert sorted(path.name for path in submissions.iterdir() if path.is_dir()) == sorted(EXPECTED)
    assert all((submissions / learner / f"{EXERCISE}.ipynb").is_file() for learner in EXPECTED)
    # the resubmission: the later, better file, and the earlier one listed as left out with the reason
    assert (submissions / "obriensam-1003" / f"{EXERCISE}.ipynb").read_bytes() == notebook(SAM)
    out = week["collect"][0]
    assert "placed 6 notebook(s)" in out and "1 copy-suffix" in out
    assert "obriensam_1003_9003_01_neurons.ipynb: an earlier Canvas submission" in out
    manifest = json.loads((submissions / ".collect.json").read_text(encoding="utf-8"))["learners"]
    entries = {learner: about["exercises"][EXERCISE] for learner, about in manifest.items()}
    assert entries["obriensam-1003"]["file"].endswith("01_neurons-1.ipynb")
    assert entries["vanrossumguido-1006"]["matched_by"] == "copy-suffix"
    assert entries["vanrossumguido-1006"]["original"] == "Copy of 01_Neurons (1).ipynb"
    assert {learner for learner, entry in entries.items() if entry["late"]} == {"mullerzoe-1002"}
    assert manifest["mullerzoe-1002"]["ids"]["user_id"] == "1002"


def test_grading_applies_the_late_policy_to_the_flagged_learner_only(week):
    assert "late policy: due 2026-12-01T23:59:00+01:00, 15 min grace: 10% of the points possible" in week["grade"][0]
    assert "mullerzoe-1002/01_neurons: 11/11 (ok" in week["grade"][0] and "late: -1.1 -> 9.9" in week["grade"][0]
    grades = week["grades_before_late"]
    assert sorted(grades) == sorted(EXPECTED)
    for learner, (score, penalty) in EXPECTED.items():
        row = grades[learner]
        assert (row["status"], float(row["score"]), float(row["penalty"])) == ("ok", score, penalty), learner
        assert float(row["final_score"]) == pytest.approx(score - penalty), learner


def test_late_changes_the_policy_without_grading_again(week):
    out = week["folder"] / "out"
    assert "1 record(s) penalised, 2.2 point(s) in all" in week["late"][0]
    grades = {row["learner"]: row for row in _csv(out / "grades.csv")}
    assert (grades["mullerzoe-1002"]["score"], grades["mullerzoe-1002"]["penalty"],
            grades["mullerzoe-1002"]["final_score"]) == ("11", "2.2", "8.8")  # 20 % of 11 points, one day late
    assert all(float(row["penalty"]) == 0 for learner, row in grades.items() if learner != "mullerzoe-1002")
    records = json.loads((out / "results.json").read_text(encoding="utf-8"))["submissions"]
    assert {record["learner"]: record["graded_at"] for record in records} == week["graded_at"]  # nothing regraded
    late = next(record for record in records if record["learner"] == "mullerzoe-1002")["late"]
    assert (late["late_flag"], late["days_late"], late["percent"]) == (True, 1, 20.0)
    page = (out / "feedback" / "mullerzoe-1002" / f"{EXERCISE}.html").read_text(encoding="utf-8")
    assert "Late penalty: &minus;2.2 points" in page and "8.8/11" in page


def _secrets(week) -> set:
    """Everything that names a learner: folders, the names and ids Canvas gave, the roster's names and logins."""
    manifest = json.loads((week["folder"] / "submissions" / ".collect.json").read_text(encoding="utf-8"))
    found = set(EXPECTED)
    for about in manifest["learners"].values():
        found |= {about["name"], *about["ids"].values()}
    for row in list(csv.reader(io.StringIO(CANVAS_ROSTER)))[2:]:
        found |= {*re.findall(r"\w{3,}", row[0]), row[1], row[3]} - {"Student", "Test", "van"}
    return found


def test_the_anonymous_report_names_no_learner_and_shows_the_class(week):
    out = week["folder"] / "out"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "wrote out/report.html" in week["report"][0]
    named = [secret for secret in _secrets(week) if re.search(rf"(?<!\w){re.escape(secret)}(?!\w)", page, re.I)]
    assert not named, f"the anonymous report names {named}"
    finals = sorted(float(row["final_score"]) for row in _csv(out / "grades.csv"))
    median_after = (finals[2] + finals[3]) / 2  # six learners
    assert "6 submissions, 6 graded, median score 11 of 11 points" in page and "1 late" in page
    assert f"{median_after:g}" in page and "(1 penalised)" in page
    assert re.search(r"weighted_sum: 5 passed \(83%\)", page)  # all but the blank copy
    assert re.search(r"softmax: 4 passed \(67%\)", page)  # and the half-done one
    # with Canvas's own gradebook export as the roster, the two without a notebook, not everyone by their id
    with_roster = (week["folder"] / "report_roster.html").read_text(encoding="utf-8")
    assert "2 learners submitted nothing" in with_roster and "Submitted nothing (2)" in with_roster
    assert not [secret for secret in _secrets(week) if re.search(rf"(?<!\w){re.escape(secret)}(?!\w)", with_roster)]


def test_similarity_ranks_the_copier_first(week):
    folder = week["folder"] / "similarity"
    rows = _csv(folder / "similarity.csv")
    assert rows, "no pair flagged"
    first = rows[0]
    assert (first["rank"], {first["learner_a"], first["learner_b"]}) == ("1", {"mullerzoe-1002", "vanrossumguido-1006"})
    assert float(first["score"]) >= 0.9 and int(first["tasks_compared"]) >= 4
    assert all({row["learner_a"], row["learner_b"]} != {"mullerzoe-1002", "obriensam-1003"} for row in rows)
    assert (folder / "index.html").is_file() and (folder / first["page"]).is_file()
    assert "similarity/index.html" in week["similarity"][0]


def test_canvas_import_has_points_possible_and_every_roster_learner(week):
    rows = _csv(week["folder"] / "out" / "canvas_import.csv", dicts=False)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01 Neurons (123456)"]
    assert rows[1][0].strip() == "Points Possible" and float(rows[1][5]) == 11
    roster = list(csv.reader(io.StringIO(CANVAS_ROSTER)))[2:]
    assert [row[:2] for row in rows[2:]] == [row[:2] for row in roster]  # one row per roster learner, in its order
    by_id = {row[1]: row[5] for row in rows[2:]}
    finals = {learner: float(row["final_score"]) for learner, row in
              ((row["learner"], row) for row in _csv(week["folder"] / "out" / "grades.csv"))}
    for learner, final in finals.items():
        assert float(by_id[learner.rsplit("-", 1)[1]]) == final, learner
    # the late learner after the policy `late` set; no notebook (Hedy, Canvas's test student): Canvas keeps its own
    assert by_id == {"1001": "11", "1002": "8.8", "1003": "11", "1004": "0", "1005": "5", "1006": "11", "1007": "",
                     "1099": ""}
    assert "Lamarr, Hedy" in week["canvas"][1] and "wrote out/canvas_import.csv" in week["canvas"][0]


def test_wide_and_moodle_exports_carry_the_final_scores(week):
    out = week["folder"] / "out"
    finals = {row["learner"]: row["final_score"] for row in _csv(out / "grades.csv")}
    wide = _csv(out / "grades_wide.csv", dicts=False)
    assert wide[0] == ["learner", "name", EXERCISE, "total"] and wide[1][2:] == ["11", "11"]
    assert {row[0]: row[2] for row in wide[2:]} == finals
    moodle = _csv(out / "moodle" / f"{EXERCISE}.csv")
    sheet = list(csv.DictReader(io.StringIO(MOODLE_WORKSHEET)))
    assert [row["Identifier"] for row in moodle] == [row["Identifier"] for row in sheet]
    grades = {row["Full name"]: row["Grade"] for row in moodle}
    # Moodle's "First Last" matched to the names Canvas's download gives (lastfirst: "vanrossumguido")
    assert grades == {"Ada Lovelace": "11.00", "Zoë Müller": "8.80", "Sam O'Brien": "11.00", "Grace Hopper": "0.00",
                      "Alan Turing": "5.00", "Guido van Rossum": "11.00", "Hedy Lamarr": ""}
    zoe = next(row for row in moodle if row["Full name"] == "Zoë Müller")
    assert "Late penalty: 2.2 points" in zoe["Feedback comments"]
    assert "6 grade(s) for moodle" in week["moodle"][0]


def test_gradescope_bundle_and_a_renamed_submission(week):
    with zipfile.ZipFile(week["folder"] / "autograder.zip") as archive:
        names = set(archive.namelist())
    assert {"setup.sh", "run_autograder", "course/course_lib/grading/gradescope.py"} <= names
    results = json.loads((week["folder"] / "autograder" / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 11 and [test["name"] for test in results["tests"]] == list(TASKS)
