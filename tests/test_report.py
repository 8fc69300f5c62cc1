"""``course-grade report`` (course_lib/grading/report.py): the numbers on synthetic gradebooks with known pass
rates, messages and statuses; who submitted nothing; names hidden with --anonymous; everything escaped; offline;
a large class stays small; and a screenshot of a realistic class in headless Chromium."""

import importlib.util
import math
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from course_lib.grading import report
from course_lib.grading.gradebook import Gradebook
from course_lib.grading.report import (
    MIN_LEARNERS, MessageGroups, NameScrubber, collect, discrimination, main, missing_submissions, normalise_message,
    point_biserial, pseudonyms, read_roster, score_histogram, task_outcomes, write_report)

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "report"
CHROMIUM = next((path for path in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium")
                 if path and Path(path).exists()), None)
POINTS = {"a": 1, "b": 2, "c": 1}


def make_record(learner, verdicts, exercise="01_neurons", status="ok", message="", **fields):
    """A record in the grader's shape; ``verdicts`` maps each task to ``passed`` or ``(status, message)``."""
    tasks = []
    for task, verdict in verdicts.items():
        passed = verdict == "passed"
        tasks.append({"task": task, "status": "passed" if passed else verdict[0],
                      "points": POINTS.get(task, 1) if passed else 0, "max_points": POINTS.get(task, 1),
                      "message": "" if passed else verdict[1], "exercise": exercise})
    record = {"learner": learner, "exercise": exercise, "file": f"{learner}/{exercise}.ipynb",
              "max_score": sum(POINTS.get(task, 1) for task in verdicts), "sha256": "a" * 64, "checks_version": "v1",
              "status": status, "score": sum(task["points"] for task in tasks), "message": message, "tasks": tasks,
              "notes": [], "seed": 1, "sandboxed": True, "seconds": 1.0, "execution_seconds": 0.5,
              "graded_at": "2026-12-07T12:00:00+00:00"}
    record.update(fields)
    return record


FAIL = ("failed", "a(x) returned 1.5, expected 2.5")
# Six learners, tasks a (1 point), b (2), c (1): a is passed by the first three, who also do best on b and c.
CLASS = {
    "l1": {"a": "passed", "b": "passed", "c": "passed"},     # rest (b + c) = 3
    "l2": {"a": "passed", "b": "passed", "c": FAIL},         # rest = 2
    "l3": {"a": "passed", "b": "passed", "c": "passed"},     # rest = 3
    "l4": {"a": FAIL, "b": FAIL, "c": "passed"},             # rest = 1
    "l5": {"a": FAIL, "b": FAIL, "c": FAIL},                 # rest = 0
    "l6": {"a": FAIL, "b": "passed", "c": FAIL},             # rest = 2
}


def build(folder, records):
    with Gradebook(folder) as book:
        for record in records:
            book.add(record)
    return folder


def class_data(tmp_path, records):
    with Gradebook(build(tmp_path / "book", records)) as book:
        return collect(book.records(answers=False))


# ------------------------------------------------------------------------------------------------------
# The numbers


def test_pass_shares_and_outcomes_from_a_gradebook(tmp_path):
    records = [make_record(name, verdicts) for name, verdicts in CLASS.items()]
    records.append(make_record("l7", {"a": ("not attempted", "not attempted yet"), "b": ("error", "raised"),
                                      "c": ("not defined", "`c` is not defined")}))
    records.append(make_record("l8", {"a": ("error", "not graded: bad file"), "b": ("error", "x"), "c": ("error", "y")},
                               status="unreadable", message="the file could not be read"))
    data = class_data(tmp_path, records)["01_neurons"]
    assert data.tasks == ["a", "b", "c"] and data.task_points == {"a": 1, "b": 2, "c": 1}
    assert len(data.submissions) == 7  # the unreadable notebook's tasks were never judged: left out
    assert len(data.learners) == 8 and data.statuses == {"ok": 7, "unreadable": 1}
    outcomes = task_outcomes(data.submissions, data.tasks)
    assert outcomes["a"] == {"passed": 3, "failed": 3, "not attempted": 1}
    assert outcomes["b"] == {"passed": 4, "failed": 2, "error": 1}
    assert outcomes["c"] == {"passed": 3, "failed": 3, "not defined": 1}
    assert sorted(data.scores) == [0, 0, 1, 2, 3, 4, 4]  # l5 and l7, l4, l6, l2, l1 and l3


def test_discrimination_is_the_corrected_item_total_correlation_by_hand(tmp_path):
    data = class_data(tmp_path, [make_record(name, verdicts) for name, verdicts in CLASS.items()])["01_neurons"]
    # By hand, with the point-biserial formula r = (M1 - M0) / s * sqrt(p q) (s: the population SD of the rest
    # scores), for task a: rest = b + c = 3, 2, 3 (passed a) and 1, 0, 2 (failed a).
    rest = [3, 2, 3, 1, 0, 2]
    mean = sum(rest) / 6
    s = math.sqrt(sum((value - mean) ** 2 for value in rest) / 6)
    by_hand = (8 / 3 - 1) / s * math.sqrt(0.5 * 0.5)
    assert by_hand == pytest.approx(0.7809, abs=1e-4)
    value = discrimination(data.submissions, "a").value
    assert value == pytest.approx(by_hand, abs=1e-9)
    # corrected: the task's own points are left out of the total (with them, the correlation is higher)
    total = [score for score in data.scores]
    assert point_biserial([1, 1, 1, 0, 0, 0], total) > value + 0.05
    # task c: passed by l1, l3, l4 (rest = a + b = 3, 3, 0), failed by l2, l5, l6 (rest = 3, 0, 2)
    rest_c, passed_c = [3, 3, 3, 0, 0, 2], [1, 0, 1, 1, 0, 0]
    m1, m0 = (3 + 3 + 0) / 3, (3 + 0 + 2) / 3
    mean_c = sum(rest_c) / 6
    s_c = math.sqrt(sum((value - mean_c) ** 2 for value in rest_c) / 6)
    assert discrimination(data.submissions, "c").value == pytest.approx((m1 - m0) / s_c * 0.5, abs=1e-9)
    assert point_biserial(passed_c, rest_c) == pytest.approx((m1 - m0) / s_c * 0.5, abs=1e-9)


def test_a_task_passed_by_the_weakest_learners_reads_negative():
    submissions = [{"a": ("passed" if rest < 2 else "failed", 1 if rest < 2 else 0), "b": ("passed", rest)}
                   for rest in (0, 1, 1, 2, 3, 3)]
    result = discrimination(submissions, "a")
    assert result.value < -0.8 and "negative" in result.reading


@pytest.mark.parametrize("submissions, reason", [
    ([{"a": ("passed", 1), "b": ("failed", rest % 2)} for rest in range(6)], "everyone passed"),
    ([{"a": ("failed", 0), "b": ("passed", rest % 2)} for rest in range(6)], "no one passed"),
    ([{"a": ("passed" if i % 2 else "failed", i % 2), "b": ("passed", i)} for i in range(MIN_LEARNERS - 1)],
     "too few to read"),
    ([{"a": ("passed" if i % 2 else "failed", i % 2)} for i in range(8)], "no other task"),
    ([{"a": ("passed" if i % 2 else "failed", i % 2), "b": ("passed", 2)} for i in range(8)], "the same"),
])
def test_discrimination_is_undefined_with_its_reason(submissions, reason):
    result = discrimination(submissions, "a")
    assert result.value is None and reason in result.reason and result.reading == result.reason


def test_score_histogram_counts_every_score_once():
    assert score_histogram([0, 1, 1, 3, 3, 3], 3) == [(0, 1, 1), (1, 2, 2), (2, 3, 0), (3, 4, 3)]
    wide = score_histogram([0, 12.5, 50, 99.9, 100], 100, max_bins=10)
    assert len(wide) == 10 and sum(count for _, _, count in wide) == 5 and wide[-1][2] == 2 and wide[1][2] == 1
    assert score_histogram([], 0) == [(0, 1, 0)]


# ------------------------------------------------------------------------------------------------------
# Failure messages


@pytest.mark.parametrize("raw, expected", [
    ("returned 3.2, expected -4.1e-05", "returned #, expected #"),
    ("returned [[1, 2], [3, 4.5]] for x=[0.1, -2]", "returned […] for x=[…]"),
    ("shape (10, 32): did you swap W and X?", "shape (#, #): did you swap W and X?"),
    ("activation 'relu', expected \"softmax\"", "activation '…', expected '…'"),
    ("<function f at 0x7f3a2b1c>", "<function f at 0x…>"),
    ("float32 in W1 of Conv2D, ex01: the learner's slip", "float32 in W1 of Conv2D, ex01: the learner's slip"),
    ("two\n  lines  ", "two lines"),
])
def test_normalise_message(raw, expected):
    assert normalise_message(raw) == expected


def test_messages_with_different_numbers_group_together_ranked_by_count(tmp_path):
    hints = {"l1": "returned 3.2, expected 4.1", "l2": "returned 0.5, expected -1", "l3": "returned 7, expected 8.25",
             "l4": "returned shape (3, 4); expected (4, 3)", "l5": "returned shape (2, 5); expected (5, 2)",
             "l6": "`a` is not defined"}
    records = [make_record(name, {"a": ("failed", hint), "b": "passed"}) for name, hint in hints.items()]
    records.append(make_record("l7", {"a": "passed", "b": "passed"}))
    data = class_data(tmp_path, records)["01_neurons"]
    groups, left_groups, left_count = data.failures.top("a")
    assert [(group["pattern"], group["count"]) for group in groups] == [
        ("returned #, expected #", 3), ("returned shape (#, #); expected (#, #)", 2), ("`a` is not defined", 1)]
    assert groups[0]["example"] == "returned 3.2, expected 4.1"  # one real message, as a learner got it
    assert (left_groups, left_count) == (0, 0) and data.failures.total("a") == 6 and data.failures.total("b") == 0
    shown, left_groups, left_count = data.failures.top("a", limit=1)
    assert len(shown) == 1 and (left_groups, left_count) == (2, 3)


def test_message_groups_keep_one_example_whatever_the_class_size():
    groups = MessageGroups()
    for number in range(5000):
        groups.add("a", f"got {number}, expected {number + 1}", f"learner{number}")
    assert groups.top("a") == ([{"pattern": "got #, expected #", "count": 5000, "example": "got 0, expected 1",
                                 "learner": "learner0"}], 0, 0)
    assert len(groups._examples) == 1


# ------------------------------------------------------------------------------------------------------
# Who submitted nothing, and the submissions in trouble


def test_missing_submissions_from_the_gradebook_its_learners_and_a_roster(tmp_path):
    folder = build(tmp_path / "book", [make_record("ann", {"a": "passed"}), make_record("bob", {"a": "passed"}),
                                       make_record("ann", {"a": "passed"}, exercise="02_numpy_forward_pass")])
    with Gradebook(folder) as book:
        book.set_learners({"dee": {"name": "Dee Dee", "platform": "moodle", "ids": {"moodle": "1234"}}})
    roster = tmp_path / "class.csv"
    roster.write_text("Name,Learner\nAnn A,ann\nBob B,bob\nCy C,cy\n", encoding="utf-8")
    assert missing_submissions(["cy", "dee"], {"01": {"ann", "bob"}, "02": {"ann"}}) == {
        "01": ["cy", "dee"], "02": ["bob", "cy", "dee"]}
    page = write_report(folder, roster=roster).read_text(encoding="utf-8")
    first, second = page.split('<section id="ex-2">')
    assert "Submitted nothing (2)" in first and "Cy C (cy)" in first and "Dee Dee (dee)" in first
    assert "Submitted nothing (3)" in second and "Bob B (bob)" in second
    assert "Ann A" not in page.split("Submitted nothing")[1]


def test_trouble_is_listed_with_its_messages_and_left_out_of_the_task_numbers(tmp_path):
    records = [make_record(name, verdicts) for name, verdicts in CLASS.items()]
    records += [
        make_record("t1", {"a": "passed", "b": ("error", "checking `b` did not finish"), "c": ("error", "x")},
                    status="timeout", message="part of the notebook ran out of time"),
        make_record("k1", {"a": FAIL, "b": "passed", "c": "passed"}, status="kernel_died",
                    message="the kernel died at least once"),
        make_record("u1", {task: ("error", "not graded") for task in "abc"}, status="unreadable",
                    message="the file could not be read (not a notebook: line 3)"),
        make_record("u2", {task: ("error", "not graded") for task in "abc"}, status="unreadable",
                    message="the file could not be read (not a notebook: line 7)"),
        make_record("e1", {task: ("error", "not graded") for task in "abc"}, status="error",
                    message="the grader failed on this notebook (OSError: disk full)"),
    ]
    data = class_data(tmp_path, records)["01_neurons"]
    assert data.statuses == {"ok": 6, "timeout": 1, "kernel_died": 1, "unreadable": 2, "error": 1}
    assert len(data.submissions) == 8  # a timeout and a crash still judged their tasks
    assert task_outcomes(data.submissions, data.tasks)["a"] == {"passed": 4, "failed": 4}
    assert data.trouble.top("unreadable")[0] == [{"pattern": "the file could not be read (not a notebook: line #)",
                                                  "count": 2, "example": "the file could not be read (not a "
                                                  "notebook: line 3)", "learner": "u1"}]
    page = write_report(tmp_path / "book").read_text(encoding="utf-8")
    trouble = page.split("<h3>Submissions in trouble")[1]
    for words in ("timeout: 1 ran out of time", "kernel_died: 1 crashed their kernel", "unreadable: 2 could not be "
                  "read", "error: 1 broke the grader", "u1, u2", "OSError: disk full", "(not a notebook: line 3)"):
        assert words in trouble


def test_a_large_class_stays_fast_and_small_with_capped_lists(tmp_path, capsys):
    learners = 3000
    records = []
    for number in range(learners):
        name = f"learner{number:05d}"
        if number % 10 == 0:
            continue  # submitted nothing
        verdicts = {"a": "passed" if number % 3 else ("failed", f"got {number}, expected {number + 1}"),
                    "b": "passed" if number % 4 else ("failed", f"shape ({number},)"), "c": "passed"}
        status = "timeout" if number % 50 == 1 else "ok"
        records.append(make_record(name, verdicts, status=status, message="ran out of time" * (status != "ok")))
    folder = tmp_path / "book"
    with Gradebook(folder) as book:  # one transaction: add() would sync each of 2,700 records to disk
        with book._lock:
            book._db.execute("BEGIN IMMEDIATE")
            for record in records:
                book._insert(record)
            book._db.execute("COMMIT")
    roster = tmp_path / "roster.txt"
    roster.write_text("".join(f"learner{number:05d}\n" for number in range(learners)), encoding="utf-8")
    started = time.monotonic()
    page = write_report(folder, roster=roster, anonymous=True).read_text(encoding="utf-8")
    seconds = time.monotonic() - started
    print(f"report of {learners} learners: {seconds:.2f} s, {len(page) / 1024:.0f} KiB")
    assert seconds < 60 and len(page) < 150_000
    assert "Submitted nothing (300)" in page and f"and {300 - report.MAX_NAMES} more" in page
    timeouts = sum(1 for number in range(learners) if number % 10 and number % 50 == 1)
    assert f"timeout: {timeouts} ran out of time" in page and f"and {timeouts - report.MAX_NAMES} more" in page
    assert len(re.findall(r"Learner \d{4}", page)) <= 2 * report.MAX_NAMES + 5
    assert "<b>900</b>" in page and "got 3, expected 4" in page  # 900 failures of a, one group, one example


# ------------------------------------------------------------------------------------------------------
# Anonymity, escaping, offline


class _Page(HTMLParser):
    """Every tag, attribute and piece of text of a page."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.attributes, self.texts = [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data):
        self.texts.append(data)


SECRET = {"zebulon.q": "Zebulon Quarterfield", "ysolde.k": "Ysolde Kettleburn", "xerxes.p": "Xerxes Pemberton-Hale",
          "wilhelmina.t": "", "vivienne.o": "Vivienne Oyelaran", "ulrich.b": "Ulrich Brandvold"}


def test_anonymous_hides_every_name_id_and_login_everywhere(tmp_path):
    records = []
    for number, (learner, name) in enumerate(SECRET.items()):
        if learner == "ulrich.b":
            continue  # submitted nothing: named only by the roster
        verdicts = {"a": "passed" if number % 2 else ("failed", f"{learner}'s a(x) returned {number}.5"),
                    "b": ("failed", f"ValueError: {(name or learner).upper()} wrote this"), "c": "passed"}
        status = "error" if learner == "ysolde.k" else "ok"
        records.append(make_record(learner, verdicts, status=status,
                                   message=f"the grader failed on /srv/SUBMISSIONS/{learner}/01_neurons.ipynb "
                                           f"(student 20261234 aka @yk-codes)" if status == "error" else ""))
    # on no roster, with a record of another exercise only
    records.append(make_record("tobias.r", {"a": "passed"}, exercise="02_numpy_forward_pass"))
    folder = build(tmp_path / learner, records)  # the gradebook's own folder is named after a learner, too
    with Gradebook(folder) as book:
        book.set_learners({"ysolde.k": {"name": "Ysolde Kettleburn", "platform": "github",
                                        "ids": {"student_number": 20261234, "github": "yk-codes"}}})
    roster = tmp_path / "roster.csv"
    roster.write_text("learner,name\n" + "".join(f"{learner},{name}\n" for learner, name in SECRET.items()))
    page_path = write_report(folder, tmp_path / "anon.html", anonymous=True, roster=roster)
    page = page_path.read_text(encoding="utf-8")
    secrets = [*SECRET, *filter(None, SECRET.values()), "20261234", "yk-codes", "tobias.r",
               *(part for name in SECRET.values() for part in name.split())]
    lowered = page.lower()
    for secret in secrets:
        assert secret.lower() not in lowered, secret
    parsed = _Page(page)
    assert not any(secret.lower() in str(value).lower() for _, value in parsed.attributes for secret in secrets)
    names = pseudonyms([*SECRET, "tobias.r"])
    assert sorted(names.values()) == [f"Learner {number}" for number in range(1, 8)]
    assert names["ulrich.b"] in page.split("<h3>Submitted nothing")[1]
    assert "student Learner" in page and "@Learner" in page  # the ids inside the grader's message
    assert f"{names['xerxes.p']}&#x27;s a(x)" in page  # a learner's own name inside a hint
    # stable: the same class gets the same pseudonyms on a second run
    again = write_report(folder, tmp_path / "again.html", anonymous=True, roster=roster).read_text(encoding="utf-8")
    assert re.sub(r"made [^<]* UTC", "", again) == re.sub(r"made [^<]* UTC", "", page)
    # and the same in a report of one exercise, where a learner who submitted only another one is missing
    assert names["tobias.r"] in page.split("<h3>Submitted nothing")[1]
    one = write_report(folder, tmp_path / "one.html", anonymous=True, roster=roster, exercise="01_neurons").read_text(
        encoding="utf-8")
    assert f"{names['xerxes.p']}&#x27;s a(x)" in one
    missing = one.split("<h3>Submitted nothing (2)")[1].split("</p>")[0]
    assert sorted(missing.removeprefix("</h3><p>").split(", ")) == sorted([names["ulrich.b"], names["tobias.r"]])
    # and without --anonymous the names are there (the test above can fail)
    plain = write_report(folder, tmp_path / "plain.html", roster=roster).read_text(encoding="utf-8")
    for shown in ("Ysolde Kettleburn (ysolde.k)", "Ulrich Brandvold (ulrich.b)", "ZEBULON QUARTERFIELD", "20261234"):
        assert shown in plain


def test_a_platforms_class_list_is_a_roster_of_the_collected_learners(tmp_path):
    """Canvas's gradebook export names learners by its user id (ID) and Moodle's worksheet by "Participant N",
    where the gradebook has collect's folders: each row is the folder with that id, never a second learner who
    submitted nothing; the roster's own spelling of a name is hidden by --anonymous too."""
    folder = build(tmp_path / "book", [make_record("lovelaceada-1001", {"a": ("failed", "Lovelace, Ada wrote this")}),
                                       make_record("turing-alan", {"a": "passed"})])
    with Gradebook(folder) as book:
        book.set_learners({"lovelaceada-1001": {"name": "lovelaceada", "platform": "canvas",
                                                "ids": {"user_id": "1001", "submission_id": "9001"}},
                           "turing-alan": {"name": "Alan Turing", "platform": "moodle",
                                           "ids": {"participant_id": "77"}}})
    canvas = tmp_path / "canvas.csv"
    canvas.write_text('Student,ID,SIS User ID,SIS Login ID,Section,01 Neurons (123456)\n    Points Possible,,,,,11.00\n'
                      '"Lovelace, Ada",1001,S1,ada@x,A,\n"Lamarr, Hedy",1007,S7,hedy@x,A,\n', encoding="utf-8")
    moodle = tmp_path / "worksheet.csv"
    moodle.write_text('\ufeffIdentifier,"Full name",Grade\n"Participant 77","Alan Turing",\n'
                      '"Participant 78","Hedy Lamarr",\n', encoding="utf-8")
    assert read_roster(canvas) == {"1001": "Lovelace, Ada", "1007": "Lamarr, Hedy"}
    semicolons = tmp_path / "semicolons.csv"  # as Canvas exports it where the decimal separator is a comma
    semicolons.write_text(canvas.read_text(encoding="utf-8").replace(",", ";").replace("Lovelace; Ada", "Lovelace, Ada")
                          .replace("Lamarr; Hedy", "Lamarr, Hedy").replace("11.00", "11,00"), encoding="utf-8")
    assert read_roster(semicolons) == read_roster(canvas)
    plain = write_report(folder, tmp_path / "plain.html", roster=canvas).read_text(encoding="utf-8")
    missing = plain.split("<h3>Submitted nothing (1)</h3>")[1].split("</p>")[0]
    assert "Lamarr, Hedy (1007)" in missing and "1001" not in missing and "lovelaceada" not in missing
    page = write_report(folder, tmp_path / "anon.html", anonymous=True, roster=canvas).read_text(encoding="utf-8")
    assert "Lovelace" not in page and "Lamarr" not in page and "1007" not in page
    other = write_report(folder, tmp_path / "moodle.html", roster=moodle).read_text(encoding="utf-8")
    assert "Submitted nothing (1)</h3><p>Hedy Lamarr (Participant 78)</p>" in other


def test_name_scrubber_leaves_words_that_merely_contain_a_name():
    scrub = NameScrubber({"al": "Learner 1", "Ann Lee": "Learner 2", "ann": "Learner 3"})
    assert scrub("also al, Al and AL; ANN LEE and annals; ann") == (
        "also Learner 1, Learner 1 and Learner 1; Learner 2 and annals; Learner 3")


HOSTILE = '<script>alert("x")</script>'


def test_untrusted_names_and_messages_stay_text(tmp_path):
    records = [make_record(HOSTILE, {"a": ("failed", '<img src=x onerror=alert(1)> returned 2'), "b": "passed"},
                           status="timeout", message="</td><script>alert(2)</script>"),
               make_record("bob", {"a": ("failed", "<b onmouseover=alert(3)>x</b>"), "b": "passed"}),
               make_record("carol", {"a": "passed", "<svg onload=alert(4)>": ("failed", "'\"&<>")},
                           exercise="02_numpy_forward_pass")]
    folder = build(tmp_path / "book", records)
    page = write_report(folder).read_text(encoding="utf-8")
    parsed = _Page(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert not [name for name, _ in parsed.attributes if name.startswith("on")]
    assert "<script" not in page.lower() and "<img" not in page.lower() and "<svg onload" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;svg onload=alert(4)&gt;" in page
    assert HOSTILE in "".join(parsed.texts)  # shown as the text it is


def test_the_page_is_self_contained(tmp_path):
    folder = build(tmp_path / "book", [make_record(name, verdicts) for name, verdicts in CLASS.items()])
    page = write_report(folder).read_text(encoding="utf-8")
    parsed = _Page(page)
    assert not {"script", "link", "img", "iframe", "object"} & set(parsed.tags) and "svg" in parsed.tags
    assert not [value for name, value in parsed.attributes if name in ("src", "href") and not value.startswith("#")]
    assert "http://" not in page and "https://" not in page.replace("http://www.w3.org", "")
    assert "<b>+0.78</b>" in page  # task a's discrimination, as computed by hand above
    assert "How to read the discrimination index" in page


# ------------------------------------------------------------------------------------------------------
# The command line and the roster


def test_read_roster_csv_and_text(tmp_path):
    (tmp_path / "a.csv").write_text("\ufeffName,Login,email\nAda L,ada,a@x\n,bob,\n\nCy,,c@x\n", encoding="utf-8")
    assert read_roster(tmp_path / "a.csv") == {"ada": "Ada L", "bob": ""}
    (tmp_path / "b.txt").write_text("# the class\nada\n  bob  \n\ncy\n", encoding="utf-8")
    assert read_roster(tmp_path / "b.txt") == {"ada": "", "bob": "", "cy": ""}
    (tmp_path / "c.csv").write_text("student,group\nada,1\n", encoding="utf-8")
    assert read_roster(tmp_path / "c.csv") == {"ada": ""}  # no learner column: the first one
    (tmp_path / "d.txt").write_text("# nobody\n\n", encoding="utf-8")
    with pytest.raises(ValueError, match="names no learner"):
        read_roster(tmp_path / "d.txt")
    with pytest.raises(ValueError, match="could not be read"):
        read_roster(tmp_path / "missing.csv")


def test_command_line(tmp_path, capsys):
    folder = build(tmp_path / "book", [make_record(name, verdicts) for name, verdicts in CLASS.items()]
                   + [make_record("l1", {"a": "passed"}, exercise="02_numpy_forward_pass")])
    assert main([str(folder)]) == 0
    assert (folder / "report.html").is_file() and "wrote" in capsys.readouterr().out
    assert main([str(folder), "--to", str(tmp_path / "one.html"), "--exercise", "02_numpy_forward_pass",
                 "--quiet"]) == 0
    one = (tmp_path / "one.html").read_text(encoding="utf-8")
    assert "02_numpy_forward_pass" in one and "01_neurons" not in one and capsys.readouterr().out == ""
    assert main([str(folder), "--exercise", "03_training_from_scratch", "--quiet"]) == 0  # known, not graded yet
    assert "no submission" in (folder / "report.html").read_text(encoding="utf-8").lower()
    assert main([str(folder), "--exercise", "99_nope"]) == 2
    assert "unknown exercise '99_nope'" in capsys.readouterr().err
    assert main([str(tmp_path / "nothing")]) == 2
    assert "no gradebook" in capsys.readouterr().err
    assert main([str(folder), "--roster", str(tmp_path / "missing.csv")]) == 2


def test_late_records_are_counted(tmp_path):
    late = {"submitted_at": "2026-12-08T10:00:00+00:00", "late_flag": None, "days_late": 2, "percent": 20.0,
            "reason": "2 days late"}
    data = collect([make_record("l1", {"a": "passed"}, late=late, penalty=0.2, final_score=0.8),
                    make_record("l2", {"a": "passed"}, late={**late, "days_late": 0}, penalty=0, final_score=1),
                    make_record("l3", {"a": "passed"}, late=None)])["01_neurons"]
    assert (data.late, data.penalised, data.final_scores) == (1, 1, [0.8, 1.0])


# ------------------------------------------------------------------------------------------------------
# The screenshot


def test_screenshot_of_a_realistic_class(tmp_path):
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        pytest.skip("the screenshot needs the playwright package")
    if CHROMIUM is None:
        pytest.skip("the screenshot needs Debian's chromium (apt-get install chromium)")
    spec = importlib.util.spec_from_file_location("demo_report", ROOT / "tools" / "demo_report.py")
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    roster = demo.make_class(tmp_path / "class", learners=40, exercises=3, seed=0)
    page = write_report(tmp_path / "class", roster=roster, anonymous=True)
    requests = []
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.on("request", lambda request: requests.append(request.url))
            tab.goto(page.resolve().as_uri())
            assert tab.locator("svg.chart").count() == 6
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            browser.close()
    assert requests == [page.resolve().as_uri()]  # nothing but the page itself was loaded
    assert (ARTIFACTS / "report.png").stat().st_size > 50_000
