"""``course-grade report OUT``: one offline HTML page of what a class struggled with, for the instructor.

The page (``OUT/report.html`` unless ``--to``) is self-contained: inline CSS, inline SVG charts drawn here, no
script and nothing fetched from the web, so it opens from a USB stick on a projector. For each exercise it shows

- each task's outcomes (passed, failed, error, not defined, not attempted) as bars, and the score distribution;
- each task's **discrimination index**: the corrected item-total correlation, i.e. the point-biserial
  correlation between passing the task and the points scored on the exercise's *other* tasks
  (:func:`point_biserial`, :func:`discrimination`);
- the most common failure messages of each task, counted after :func:`normalise_message` has replaced the
  numbers, arrays and quoted values in them, so "got 3.2, expected 4.1" and "got 0.7, expected 1.5" count as one
  misconception (:class:`MessageGroups`);
- who submitted nothing (:func:`missing_submissions`, from the gradebook, its ``learners()`` and ``--roster``),
  and the submissions that timed out, crashed their kernel, were unreadable or broke the grader.

The work is in three stages a reader can name: :func:`collect` reads the gradebook once, streaming, into
per-exercise tallies (:class:`ExerciseData`; nothing per learner is kept beyond one small tuple per
submission); the small functions above compute the numbers from plain data; :func:`render` writes the page,
escaping every piece of text that came from the gradebook (learner names and hint messages are untrusted).
``--anonymous`` replaces every learner's name by a stable pseudonym ("Learner 07"), in the lists and inside
messages too (:class:`NameScrubber`).

Example
-------
::

    course-grade report graded/ --anonymous --roster class.csv
    # writes graded/report.html; open it in any browser
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import math
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from .gradebook import DATABASE, Gradebook, GradebookError, _write_atomically

__all__ = ["Discrimination", "ExerciseData", "MessageGroups", "NameScrubber", "collect", "discrimination",
           "main", "missing_submissions", "normalise_message", "point_biserial", "pseudonyms", "read_roster",
           "render", "score_histogram", "task_outcomes", "write_report"]

#: Below this many graded submissions a correlation says nothing worth reading.
MIN_LEARNERS = 5
#: Record statuses whose tasks were judged (a timeout or a crash still judged the tasks that answered).
GRADED_STATUSES = ("ok", "timeout", "kernel_died")
#: Record statuses listed as trouble, in the order the page shows them.
TROUBLE_STATUSES = ("timeout", "kernel_died", "unreadable", "error")
TASK_STATUSES = ("passed", "failed", "error", "not defined", "not attempted")
#: How many names a list shows before "and N more", and message groups per task.
MAX_NAMES = 30
MAX_GROUPS = 5
_STATUS_COLOURS = {"passed": "#1a7f37", "failed": "#cf222e", "error": "#82071e", "not defined": "#bf8700",
                   "not attempted": "#8c959f"}
_TROUBLE_WORDS = {"timeout": "ran out of time", "kernel_died": "crashed their kernel",
                  "unreadable": "could not be read", "error": "broke the grader"}


# --------------------------------------------------------------------------------------------------------
# Numbers from plain data


def point_biserial(passed, rest) -> float | None:
    """Pearson's correlation between 0/1 ``passed`` and the numbers ``rest``; None where either is constant.

    >>> round(point_biserial([1, 1, 0, 0], [3, 2, 1, 0]), 3)
    0.894
    """
    passed, rest = [float(value) for value in passed], [float(value) for value in rest]
    if len(passed) != len(rest):
        raise ValueError(f"point_biserial needs as many verdicts as scores, got {len(passed)} and {len(rest)}")
    n = len(passed)
    if n < 2:
        return None
    mean_p, mean_r = sum(passed) / n, sum(rest) / n
    cov = sum((p - mean_p) * (r - mean_r) for p, r in zip(passed, rest))
    var_p = sum((p - mean_p) ** 2 for p in passed)
    var_r = sum((r - mean_r) ** 2 for r in rest)
    if var_p <= 0 or var_r <= 1e-12:
        return None
    return max(-1.0, min(1.0, cov / math.sqrt(var_p * var_r)))


@dataclass(frozen=True)
class Discrimination:
    """A task's discrimination index: ``value`` (None when undefined), ``n`` submissions, and why it is None."""

    value: float | None
    n: int
    reason: str = ""

    @property
    def reading(self) -> str:
        """A few words for the page: how well the task separates strong from weak learners."""
        if self.value is None:
            return self.reason
        rough = f" (rough: only {self.n} submissions)" if self.n < 30 else ""
        if self.value < 0:
            return "negative: weak learners pass it more often; check its wording or its check" + rough
        if self.value < 0.2:
            return "does not separate strong from weak learners; check its wording or its check" + rough
        if self.value < 0.3:
            return "separates a little" + rough
        return "separates strong from weak learners well" + rough


def discrimination(submissions, task: str) -> Discrimination:
    """The corrected item-total correlation of ``task``: passing it against the points on the other tasks.

    ``submissions`` is a list of ``{task: (status, points)}``, one per graded submission of one exercise;
    a submission without ``task`` is left out.

    >>> subs = [{"a": ("passed", 1), "b": ("passed", 2)}, {"a": ("failed", 0), "b": ("failed", 0)}] * 3
    >>> discrimination(subs, "a").value
    1.0
    """
    passed, rest = [], []
    for tasks in submissions:
        if task not in tasks:
            continue
        passed.append(1 if tasks[task][0] == "passed" else 0)
        rest.append(sum(points for _, points in tasks.values()) - tasks[task][1])  # the task's own points left out
    n = len(passed)
    if n < MIN_LEARNERS:
        return Discrimination(None, n, f"only {n} graded submission{'s' * (n != 1)}: too few to read "
                                       f"(needs {MIN_LEARNERS} or more)")
    if all(passed):
        return Discrimination(None, n, "everyone passed: nothing to separate")
    if not any(passed):
        return Discrimination(None, n, "no one passed: nothing to separate")
    if all(len(tasks) == 1 for tasks in submissions if task in tasks):
        return Discrimination(None, n, "the exercise has no other task to compare with")
    value = point_biserial(passed, rest)
    if value is None:
        return Discrimination(None, n, "everyone scored the same on the other tasks")
    return Discrimination(value, n)


def task_outcomes(submissions, tasks) -> dict:
    """``{task: Counter(status -> submissions)}`` over the graded ``submissions`` (see :func:`discrimination`)."""
    outcomes = {task: Counter() for task in tasks}
    for verdicts in submissions:
        for task, (status, _) in verdicts.items():
            outcomes.setdefault(task, Counter())[status if status in TASK_STATUSES else "error"] += 1
    return outcomes


def score_histogram(scores, max_score: float, *, max_bins: int = 24) -> list[tuple[float, float, int]]:
    """``[(low, high, count), ...]`` covering 0 to ``max_score``: one bin per point where that fits, else wider.

    Each bin holds ``low <= score < high``; the last one also holds ``max_score``.

    >>> score_histogram([0, 1, 1, 3], 3)
    [(0, 1, 1), (1, 2, 2), (2, 3, 0), (3, 4, 1)]
    """
    scores = list(scores)
    top = max([max_score, *scores])
    if top <= 0:
        return [(0, 1, len(scores))]
    if top == int(top) and top + 1 <= max_bins:
        edges = list(range(int(top) + 2))  # one bin per whole point, the maximum included
    else:
        width = top / max_bins
        edges = [i * width for i in range(max_bins)] + [top]
    counts = [0] * (len(edges) - 1)
    for score in scores:
        index = next((i for i in range(len(counts) - 1, 0, -1) if score >= edges[i]), 0)
        counts[index] += 1
    return [(edges[i], edges[i + 1], counts[i]) for i in range(len(counts))]


_HEX = re.compile(r"\b0x[0-9a-fA-F]+\b")
_QUOTED = re.compile(r"""(?<!\w)'[^'\n]{0,200}?'(?!\w)|(?<!\w)"[^"\n]{0,200}?"(?!\w)""")
_INNER_BRACKETS = re.compile(r"\[(?:[^\[\]]|\[…\])*\]")  # an array whose inner arrays are collapsed
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?!\w)")
_SPACES = re.compile(r"\s+")


def normalise_message(message: str) -> str:
    """``message`` with its numbers as ``#``, its arrays as ``[…]`` and its quoted values as ``'…'``.

    Two learners who made the same slip get different numbers in their hints; this makes their hints equal.

    >>> normalise_message("relu(z) returned 3.2 for z=[[1, -2], [0.5, 4]], expected 4.1")
    'relu(z) returned # for z=[…], expected #'
    >>> normalise_message("activation 'sigmoid' in layer 2 of shape (10, 32)")
    "activation '…' in layer # of shape (#, #)"
    """
    return _normalise(str(message))


@functools.lru_cache(maxsize=65536)  # a class repeats many messages word for word ("not attempted yet")
def _normalise(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    if "0x" in text:
        text = _HEX.sub("0x…", text)
    if "'" in text or '"' in text:
        text = _QUOTED.sub("'…'", text)
    for _ in range(20 if "[" in text else 0):  # nested arrays collapse from the inside out
        text, before = _INNER_BRACKETS.sub("[…]", text), text
        if text == before:
            break
    return _NUMBER.sub("#", text)[:500]


class MessageGroups:
    """Failure messages grouped by :func:`normalise_message`, counted per key (a task, or a status).

    Only one real example is kept per group, so memory grows with the kinds of messages, not the class.
    """

    def __init__(self):
        self._counts = defaultdict(Counter)  # key -> Counter(pattern -> submissions)
        self._examples = {}  # (key, pattern) -> (the first real message, its learner)

    def add(self, key, message: str, learner: str = "") -> None:
        pattern = normalise_message(message)
        self._counts[key][pattern] += 1
        self._examples.setdefault((key, pattern), (str(message)[:2000], learner))

    def total(self, key) -> int:
        return sum(self._counts[key].values())

    def top(self, key, limit: int = MAX_GROUPS) -> tuple[list[dict], int, int]:
        """The ``limit`` biggest groups of ``key`` (``pattern``, ``count``, ``example``, ``learner``), most first;
        and how many further groups and messages were left out."""
        ranked = sorted(self._counts[key].items(), key=lambda item: (-item[1], item[0]))
        shown = [{"pattern": pattern, "count": count, "example": self._examples[key, pattern][0],
                  "learner": self._examples[key, pattern][1]} for pattern, count in ranked[:limit]]
        rest = ranked[limit:]
        return shown, len(rest), sum(count for _, count in rest)


def missing_submissions(learners, submitted: dict) -> dict:
    """``{exercise: sorted learners without a record}`` for every exercise in ``submitted``.

    >>> missing_submissions(["ann", "bob", "cy"], {"01": {"ann"}, "02": {"ann", "bob", "cy"}})
    {'01': ['bob', 'cy'], '02': []}
    """
    everyone = set(learners)
    for names in submitted.values():
        everyone |= set(names)
    return {exercise: sorted(everyone - set(names)) for exercise, names in submitted.items()}


def pseudonyms(learners) -> dict:
    """``{learner: "Learner 07"}``: numbered in an order drawn from a hash of the names, not their alphabet,
    so the numbers stay the same for the same class and reveal nothing of the names.

    >>> sorted(pseudonyms(["ann", "bob"]).values())
    ['Learner 1', 'Learner 2']
    """
    names = sorted(set(learners), key=lambda name: (hashlib.sha256(name.encode("utf-8", "surrogatepass")).digest(),
                                                    name))
    width = max(2, len(str(len(names))))
    return {name: f"Learner {number:0{width}d}" if len(names) >= 10 else f"Learner {number}"
            for number, name in enumerate(names, start=1)}


class NameScrubber:
    """Replaces each of many secret texts (names, logins, ids) by its pseudonym wherever it appears in a text.

    A text is looked up by its first three characters at each position, so ten thousand names cost no more
    than a few; case does not matter ("ADA LOVELACE" is found too), and a match must not sit inside a longer
    word (a learner called "al" leaves "also" alone).

    >>> NameScrubber({"ada.l": "Learner 1", "al": "Learner 2"})("ADA.L's notebook, also al's")
    "Learner 1's notebook, also Learner 2's"
    """

    def __init__(self, replacements: dict):
        self._index = defaultdict(list)  # a name's first 1-3 characters -> [(name, pseudonym)], longest first
        for secret, pseudonym in replacements.items():
            secret = _fold(str(secret))
            if secret.strip():
                self._index[secret[:3]].append((secret, pseudonym))
        for candidates in self._index.values():
            candidates.sort(key=lambda pair: -len(pair[0]))
        self._lengths = sorted({len(key) for key in self._index}, reverse=True)

    def __call__(self, text: str) -> str:
        text, out, position = str(text), [], 0
        folded = _fold(text)
        while position < len(text):
            found = None
            for length in self._lengths:
                for secret, pseudonym in self._index.get(folded[position:position + length], ()):
                    end = position + len(secret)
                    if folded.startswith(secret, position) and self._bounded(text, position, end, secret):
                        found = (end, pseudonym)
                        break
                if found:
                    break
            if found:
                out.append(found[1])
                position = found[0]
            else:
                out.append(text[position])
                position += 1
        return "".join(out)

    @staticmethod
    def _bounded(text: str, start: int, end: int, secret: str) -> bool:
        """Whether ``text[start:end]`` is not glued to letters or digits on a side where the secret has them."""
        before = start > 0 and text[start - 1].isalnum() and secret[0].isalnum()
        after = end < len(text) and text[end].isalnum() and secret[-1].isalnum()
        return not before and not after


def _fold(text: str) -> str:
    """``text`` in lower case, letter by letter, keeping its length (a letter whose lower case is longer stays)."""
    folded = text.casefold()
    if len(folded) == len(text):
        return folded
    return "".join(letter.casefold() if len(letter.casefold()) == 1 else letter for letter in text)


def read_roster(path) -> dict:
    """``{learner: name}`` from a class list: a CSV with a header, or a text file of one learner a line.

    In a CSV, the learner is the column called ``learner``, ``id``, ``login``, ``username`` or ``folder``
    (else the first column) and the name is a ``name``, ``student`` or ``full name`` column if there is one. In
    a text file, blank lines and lines starting with ``#`` are skipped. The learner is the name of the learner's
    folder in SUBMISSIONS, or the platform's id of a collected learner: Canvas's gradebook export (``ID``) and a
    Moodle grading worksheet (``Participant 5001``) are rosters too (:func:`write_report` finds the folders).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"the roster {path} could not be read ({error}); expected a UTF-8 CSV or text file") from None
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ValueError(f"the roster {path} names no learner; expected one learner a line, or a CSV with a header")
    if path.suffix.lower() != ".csv" and "," not in lines[0]:
        return {line.strip(): "" for line in lines}
    # Canvas writes its gradebook export with ";" in locales whose decimal comma would clash with ","
    rows = list(csv.reader(lines, delimiter=";" if lines[0].count(";") > lines[0].count(",") else ","))
    header = [cell.strip().lower() for cell in rows[0]]
    column = next((header.index(key) for key in ("learner", "id", "login", "username", "folder") if key in header), 0)
    name = next((header.index(key) for key in ("name", "student", "full name")
                 if key in header and header.index(key) != column), None)
    roster = {}
    for row in rows[1:]:
        if len(row) > column and row[column].strip():
            roster[row[column].strip()] = row[name].strip() if name is not None and len(row) > name else ""
    if not roster:
        raise ValueError(f"the roster {path} has a header ({', '.join(rows[0])}) but no learner under its "
                         f"{rows[0][column]!r} column")
    return roster


# --------------------------------------------------------------------------------------------------------
# Reading the gradebook once


@dataclass
class ExerciseData:
    """What :func:`collect` keeps of one exercise: the graded submissions' verdicts, tallies and capped lists."""

    name: str
    tasks: list = field(default_factory=list)  # in the order the records list them
    task_points: dict = field(default_factory=dict)  # task -> max points
    max_score: float = 0
    submissions: list = field(default_factory=list)  # {task: (status, points)} per graded submission
    scores: list = field(default_factory=list)  # the checks' score of each graded submission
    final_scores: list = field(default_factory=list)  # the score after penalties, where records have one
    learners: set = field(default_factory=set)  # everyone with a record, graded or not
    late: int = 0  # records submitted late (a ``late`` dict with days_late > 0, or ``late: True``)
    penalised: int = 0  # records with a late penalty
    statuses: Counter = field(default_factory=Counter)  # record status -> records
    failures: MessageGroups = field(default_factory=MessageGroups)  # keyed by task
    trouble: MessageGroups = field(default_factory=MessageGroups)  # keyed by record status
    trouble_learners: dict = field(default_factory=lambda: defaultdict(list))  # status -> first MAX_NAMES learners

    def add(self, record: dict) -> None:
        learner, status = str(record.get("learner", "")), str(record.get("status", "ok"))
        self.learners.add(learner)
        self.statuses[status] += 1
        late = record.get("late")
        self.late += late is True or isinstance(late, dict) and _number(late.get("days_late")) > 0
        self.penalised += _number(record.get("penalty")) > 0
        if status != "ok":
            self.trouble.add(status, record.get("message") or "(no message)", learner)
            if len(self.trouble_learners[status]) < MAX_NAMES:
                self.trouble_learners[status].append(learner)
        if status not in GRADED_STATUSES:
            return  # its tasks were never judged: counting them would blame the tasks for the grader's trouble
        verdicts = {}
        for task in record.get("tasks") or []:
            name = str(task.get("task", ""))
            if name not in self.task_points:
                self.tasks.append(name)
            self.task_points[name] = max(self.task_points.get(name, 0), _number(task.get("max_points")))
            verdicts[name] = (str(task.get("status", "error")), _number(task.get("points")))
            if verdicts[name][0] != "passed":
                self.failures.add(name, task.get("message") or f"({verdicts[name][0]}, no message)", learner)
        self.submissions.append(verdicts)
        self.scores.append(_number(record.get("score")))
        self.max_score = max(self.max_score, _number(record.get("max_score")))
        if record.get("final_score") is not None:
            self.final_scores.append(_number(record.get("final_score")))


def _number(value) -> float:
    """A record's number as a float; anything else (a damaged record) counts as 0."""
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else 0.0


def collect(records, *, exercise: str | None = None, total: int | None = None, progress=None,
            everyone: set | None = None) -> dict:
    """``{exercise: ExerciseData}`` from an iterable of gradebook records, in exercise order.

    ``progress(line)`` is called about every two seconds on a long read, with ``total`` records if known;
    ``everyone``, a set, receives the learner of every record, of other exercises too.
    """
    data, started, reported = {}, time.monotonic(), time.monotonic()
    for count, record in enumerate(records, start=1):
        name = str(record.get("exercise", ""))
        if everyone is not None:
            everyone.add(str(record.get("learner", "")))
        if exercise is None or name == exercise:
            if name not in data:
                data[name] = ExerciseData(name)
            data[name].add(record)
        if progress and time.monotonic() - reported > 2:
            reported = time.monotonic()
            rate = count / (reported - started)
            left = f", about {(total - count) / rate:.0f} s left" if total else ""
            progress(f"report: read {count}{f'/{total}' if total else ''} records ({rate:.0f}/s{left})")
    return {name: data[name] for name in sorted(data)}


# --------------------------------------------------------------------------------------------------------
# The page


def _pct(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _outcome_chart(tasks: list, outcomes: dict) -> str:
    """An inline SVG: one stacked bar per task, the share of each outcome, passed first."""
    label_width, bar_width, row, top = 190, 420, 30, 34
    height = top + row * len(tasks) + 8
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {label_width + bar_width + 110} {height}" '
             f'width="{label_width + bar_width + 110}" height="{height}"><title>Outcome of each task</title>']
    x = label_width
    for status in TASK_STATUSES:  # the legend
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{_STATUS_COLOURS[status]}"/>'
                     f'<text x="{x + 16}" y="16" class="small">{status}</text>')
        x += 16 + 7 * len(status) + 14
    for index, task in enumerate(tasks):
        counts, y = outcomes.get(task, Counter()), top + index * row
        total = sum(counts.values())
        parts.append(f'<text x="{label_width - 8}" y="{y + 19}" text-anchor="end"><title>{escape(task)}</title>'
                     f'{escape(_short(task, 24))}</text>')
        x = float(label_width)
        for status in TASK_STATUSES:
            if total and counts[status]:
                width = bar_width * counts[status] / total
                parts.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{width:.1f}" height="{row - 8}" '
                             f'fill="{_STATUS_COLOURS[status]}"><title>{escape(task)}: {counts[status]} '
                             f'{status} ({_pct(counts[status], total)})</title></rect>')
                x += width
        parts.append(f'<text x="{label_width + bar_width + 8}" y="{y + 19}">'
                     f'{_pct(counts["passed"], total)} passed</text>')
    parts.append("</svg>")
    return "".join(parts)


def _histogram_chart(bins: list, max_score: float) -> str:
    """An inline SVG: how many graded submissions scored in each bin of points."""
    width, height, left, bottom, top = 460, 230, 40, 40, 16
    most = max((count for _, _, count in bins), default=0) or 1
    step = (width - left - 10) / max(len(bins), 1)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
             f'<title>Score distribution</title>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#57606a"/>']
    whole = all(low == int(low) and high - low == 1 for low, high, _ in bins)
    for index, (low, high, count) in enumerate(bins):
        bar = (height - bottom - top) * count / most
        x = left + index * step
        label = f"{low:g}" if whole else f"{low:.3g}"
        parts.append(f'<rect x="{x + 1:.1f}" y="{height - bottom - bar:.1f}" width="{max(step - 2, 1):.1f}" '
                     f'height="{bar:.1f}" fill="#0969da"><title>{count} scored {label}'
                     f'{"" if whole else f" to {high:.3g}"}</title></rect>')
        if count and step >= 14:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom - bar - 3:.1f}" text-anchor="middle" '
                         f'class="small">{count}</text>')
        if whole and step >= 14 or index % max(1, len(bins) // 6) == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom + 15}" text-anchor="middle" '
                         f'class="small">{label}</text>')
    parts.append(f'<text x="{(left + width) / 2:.0f}" y="{height - 6}" text-anchor="middle" class="small">points '
                 f'(of {max_score:g})</text></svg>')
    return "".join(parts)


def _names(learners: list, total: int, show) -> str:
    """A capped, escaped list of learners, in the order of what the page calls them: ``ann, bob and 12 more``."""
    shown = ", ".join(sorted(escape(show(learner)) for learner in learners[:MAX_NAMES]))
    more = total - min(len(learners), MAX_NAMES)
    return shown + (f" <i>and {more} more</i>" if more > 0 else "")


def _groups_html(groups: list, left_groups: int, left_count: int, whole: int, scrub) -> str:
    items = []
    for group in groups:
        # The pattern shown is made from the scrubbed example, never from the raw message: normalising could
        # cut a name in two ("Ada 2" -> "Ada #") so that the scrubber no longer recognised it.
        example = scrub(group["example"])
        pattern = normalise_message(example)
        grouped = pattern != _SPACES.sub(" ", example).strip() and group["count"] > 1
        items.append(f'<li><b>{group["count"]}</b> <span class="muted">({_pct(group["count"], whole)})</span> '
                     f'<q>{escape(_short(example, 400))}</q>'
                     + (f'<div class="muted small">all written like: {escape(_short(pattern, 300))}</div>'
                        if grouped else "") + "</li>")
    more = (f'<p class="muted">and {left_groups} other kind{"s" * (left_groups != 1)} of message '
            f'({left_count} submission{"s" * (left_count != 1)})</p>' if left_groups else "")
    return f'<ol class="groups">{"".join(items)}</ol>{more}'


def _exercise_section(index: int, data: ExerciseData, missing: list, show, scrub) -> str:
    graded = len(data.submissions)
    outcomes = task_outcomes(data.submissions, data.tasks)
    head = (f'<section id="ex-{index}"><h2>{escape(data.name)}</h2><p>{len(data.learners)} submission'
            f'{"s" * (len(data.learners) != 1)}, {graded} graded'
            + (f", median score {_median(data.scores):g} of {data.max_score:g} points" if graded else "")
            + (f"; {len(missing)} learner{'s' * (len(missing) != 1)} submitted nothing" if missing else "")
            + (f"; {data.late} late" if data.late else "") + ".</p>")
    if not graded:
        body = '<p class="muted">No submission of this exercise could be graded, so there is nothing to chart.</p>'
    else:
        rows = []
        for task in data.tasks:
            counts, disc = outcomes[task], discrimination(data.submissions, task)
            total = sum(counts.values())
            value = "—" if disc.value is None else f"{disc.value:+.2f}"
            flag = ' class="flag"' if disc.value is not None and disc.value < 0.2 else ""
            rows.append(f"<tr><td><code>{escape(task)}</code></td><td>{data.task_points.get(task, 0):g}</td>"
                        f"<td>{_pct(counts['passed'], total)} <span class='muted'>({counts['passed']}/{total})"
                        f"</span></td><td{flag}><b>{value}</b></td><td{flag}>{escape(disc.reading)}</td></tr>")
        body = (f'<div class="charts"><figure>{_outcome_chart(data.tasks, outcomes)}<figcaption>Outcome of each '
                f'task, as a share of the {graded} graded submissions</figcaption></figure>'
                f'<figure>{_histogram_chart(score_histogram(data.scores, data.max_score), data.max_score)}'
                f'<figcaption>Scores of the graded submissions</figcaption></figure></div>'
                f'<table><tr><th>Task</th><th>Points</th><th>Passed</th><th>Discrimination</th><th>Reading</th>'
                f'</tr>{"".join(rows)}</table>')
        failing = [task for task in data.tasks if data.failures.total(task)]
        if failing:
            body += "<h3>Most common failure messages</h3>"
            for task in sorted(failing, key=lambda name: -data.failures.total(name)):
                groups, left_groups, left_count = data.failures.top(task)
                body += (f"<h4><code>{escape(task)}</code>: {data.failures.total(task)} did not pass</h4>"
                         + _groups_html(groups, left_groups, left_count, graded, scrub))
    if missing:
        body += (f"<h3>Submitted nothing ({len(missing)})</h3><p>{_names(missing, len(missing), show)}</p>")
    trouble = [status for status in TROUBLE_STATUSES if data.statuses[status]] + sorted(
        status for status in data.statuses if status not in TROUBLE_STATUSES and status != "ok")
    if trouble:
        body += "<h3>Submissions in trouble</h3>"
        for status in trouble:
            count = data.statuses[status]
            groups, left_groups, left_count = data.trouble.top(status)
            body += (f"<h4>{escape(status)}: {count} {_TROUBLE_WORDS.get(status, '')}</h4>"
                     f"<p>{_names(data.trouble_learners[status], count, show)}</p>"
                     + _groups_html(groups, left_groups, left_count, count, scrub))
    return head + body + "</section>"


def _median(values: list) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


_CSS = """body{font-family:system-ui,sans-serif;font-size:18px;max-width:72em;margin:1.5em auto;padding:0 1em;
line-height:1.45;color:#1f2328}h1{font-size:1.8em}h2{border-top:3px solid #d0d7de;padding-top:.6em;margin-top:2em}
h4{margin:1em 0 .3em}table{border-collapse:collapse;width:100%;margin:.8em 0}th,td{border-bottom:1px solid #d0d7de;
padding:.35em .5em;text-align:left;vertical-align:top}.muted{color:#57606a}.small{font-size:12px}
.flag{color:#9a3412;background:#fff4e5}.charts{display:flex;flex-wrap:wrap;gap:1.5em}figure{margin:0}
figcaption{color:#57606a;font-size:.85em}svg text{font-size:14px;fill:#1f2328}svg text.small{font-size:11px}
.note{background:#f6f8fa;border-left:4px solid #0969da;padding:.6em 1em}q{quotes:none;font-family:ui-monospace,
monospace;font-size:.85em;background:#f6f8fa;padding:0 .2em}ol.groups li{margin:.3em 0}"""


def render(exercises: dict, *, missing: dict, source: str = "", anonymous: bool = False, names: dict | None = None,
           scrub=None) -> str:
    """The page, as text, from :func:`collect`'s exercises and :func:`missing_submissions`' lists.

    ``names`` maps learners to what the page calls them (pseudonyms when ``anonymous``); ``scrub`` is applied to
    every message shown (a :class:`NameScrubber` when ``anonymous``). Every text from the gradebook is escaped.
    """
    names, scrub = names or {}, scrub or (lambda text: text)

    def show(learner):
        return names.get(learner, "Learner ?" if anonymous else learner)

    rows, sections = [], []
    penalties = any(data.penalised for data in exercises.values())  # the column only where a policy took points
    for index, (name, data) in enumerate(exercises.items(), start=1):
        lost = missing.get(name, [])
        trouble = sum(data.statuses[status] for status in data.statuses if status != "ok")
        median = f"{_median(data.scores):g} / {data.max_score:g}" if data.scores else "—"
        finals = f"{_median(data.final_scores):g}" if data.final_scores else "—"
        rows.append(f'<tr><td><a href="#ex-{index}">{escape(name)}</a></td><td>{len(data.learners)}</td>'
                    f'<td>{len(lost)}</td><td>{trouble}</td><td>{median}</td>'
                    + (f"<td>{finals} <span class='muted'>({data.penalised} penalised)</span></td>" if penalties
                       else "") + "</tr>")
        sections.append(_exercise_section(index, data, lost, show, scrub))
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    everyone = set().union(*(data.learners for data in exercises.values()), *map(set, missing.values()))
    overview = (f"<table><tr><th>Exercise</th><th>Submissions</th><th>Submitted nothing</th><th>In trouble</th>"
                f"<th>Median score</th>{'<th>Median after late penalties</th>' if penalties else ''}</tr>"
                f"{''.join(rows)}</table>"
                if rows else "<p>The gradebook holds no record of this exercise yet.</p>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>What the class struggled with</title><style>{_CSS}</style></head><body>
<h1>What the class struggled with</h1>
<p class="muted">{len(everyone)} learners{" (names hidden)" if anonymous else ""}; from {escape(source)};
made {made}.</p>
<div class="note"><p><b>How to read the discrimination index:</b> it is the correlation between passing a task and
the points on the exercise's other tasks (from −1 to +1); 0.3 or more means the task separates strong from weak
learners, while a value near 0 or negative means it does not: check the task's wording or its check.</p>
<p>Charts and tables count graded submissions only (those that ran, even if part of them timed out or crashed);
unreadable notebooks and the grader's own errors are listed under <i>Submissions in trouble</i>. Failure messages
are grouped after replacing their numbers (#), arrays ([…]) and quoted values ('…'), and ranked by how many
submissions got them: these are the misconceptions to revisit in class.</p></div>
{overview}
{''.join(sections)}
</body></html>
"""


def write_report(folder, to=None, *, anonymous: bool = False, roster=None, exercise: str | None = None,
                 progress=None) -> Path:
    """Read the gradebook in ``folder`` and write the page to ``to`` (default ``folder/report.html``).

    ``roster`` is a path (:func:`read_roster`) or a ``{learner: name}`` dict. Returns the page's path.
    """
    folder = Path(folder)
    if not (folder / DATABASE).is_file() and not (folder / "results.json").is_file():
        raise FileNotFoundError(f"no gradebook in {folder} (no {DATABASE}): expected the --output folder of a "
                                f"course-grade run")
    roster = read_roster(roster) if roster is not None and not isinstance(roster, dict) else dict(roster or {})
    with Gradebook(folder) as book:
        known = getattr(book, "learners", None)
        people = known() if callable(known) else {}
        in_gradebook = set()
        exercises = collect(book.records(answers=False), exercise=exercise, total=len(book), progress=progress,
                            everyone=in_gradebook)
    roster = _roster_by_folder(roster, people or {})
    if exercise is not None and exercise not in exercises:
        from ..checks import exercise_names

        if exercise not in exercise_names():
            raise ValueError(f"unknown exercise {exercise!r}: the gradebook has {', '.join(exercises) or 'none'}, "
                             f"the course has {', '.join(exercise_names())}")
        exercises[exercise] = ExerciseData(exercise)
    # Everyone the class knows of, whatever --exercise says: missing an exercise needs no other submission, and
    # the pseudonyms stay the same in a report of one exercise and in the report of all.
    learners = set(roster) | set(people or {}) | in_gradebook
    missing = missing_submissions(learners, {name: data.learners for name, data in exercises.items()})
    display = {learner: (people.get(learner) or {}).get("name") or roster.get(learner) or "" for learner in learners}
    if anonymous:
        names = pseudonyms(learners)
        secrets = {}
        for learner in learners:  # a name, a login, a student number: whatever identifies someone is hidden
            secrets[learner] = names[learner]
            for name in (display[learner], roster.get(learner)):  # collect's name and the roster's may differ
                if name:
                    secrets[name] = names[learner]
            for value in ((people.get(learner) or {}).get("ids") or {}).values():
                if isinstance(value, (str, int)) and not isinstance(value, bool) and len(str(value)) >= 3:
                    secrets[str(value)] = names[learner]
        scrub = NameScrubber(secrets)
    else:
        names = {learner: f"{display[learner]} ({learner})" if display[learner] and display[learner] != learner
                 else learner for learner in learners}
        scrub = None
    if progress:
        progress(f"report: {len(exercises)} exercise(s), {len(learners)} learner(s); writing the page")
    # Anonymous: the folder's path could hold a learner's name (a gradebook of one), so it stays out too.
    page = render(exercises, missing=missing, source="the gradebook" if anonymous else str(folder),
                  anonymous=anonymous, names=names, scrub=scrub)
    path = Path(to) if to is not None else folder / "report.html"
    _write_atomically(path, page.encode("utf-8"), sync=False)
    return path


def _roster_by_folder(roster: dict, people: dict) -> dict:
    """``roster`` keyed by learner folders where it names a collected learner by the platform's id instead.

    A platform's own class list (Canvas's gradebook export, a Moodle worksheet) knows its ids, not the folders
    ``course-grade collect`` made (``lovelaceada-1001``); without this, everyone in it would count twice, once
    as "submitted nothing".
    """
    by_id = {}
    for learner, about in people.items():
        for key in ("user_id", "participant_id"):
            value = ((about or {}).get("ids") or {}).get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
                by_id.setdefault(str(value), learner)
    found = {}
    for key, name in roster.items():
        learner = key if key in people else by_id.get(key.removeprefix("Participant ").strip(), key)
        found[learner] = found.get(learner) or name
    return found


def main(argv=None) -> int:
    """``course-grade report OUT``; ``argv`` is what follows ``report``."""
    parser = argparse.ArgumentParser(prog="course-grade report", description="Write one offline HTML page of what the "
                                     "class struggled with: each task's pass share and discrimination, the score "
                                     "distribution, the most common failure messages, who submitted nothing and the "
                                     "submissions in trouble.",
                                     epilog="Exit status: 0 when the page was written; 2 for a problem with the "
                                            "gradebook, the roster or the exercise.")
    parser.add_argument("output", type=Path, help="the gradebook folder (--output of course-grade)")
    parser.add_argument("--to", type=Path, metavar="FILE", help="where to write the page (default: OUT/report.html)")
    parser.add_argument("--anonymous", action="store_true",
                        help="call learners 'Learner 07' and so on everywhere, messages included (for projecting)")
    parser.add_argument("--roster", type=Path, metavar="FILE",
                        help="the class list (CSV with a learner column, or one learner a line), to find who "
                             "submitted nothing")
    parser.add_argument("--exercise", metavar="NAME", help="only this exercise, e.g. 01_neurons")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    started = time.monotonic()
    progress = None if args.quiet else lambda line: print(line, flush=True)
    try:
        path = write_report(args.output, args.to, anonymous=args.anonymous, roster=args.roster,
                            exercise=args.exercise, progress=progress)
    except (GradebookError, NotADirectoryError, FileNotFoundError, ValueError, OSError) as error:
        print(f"course-grade report: error: {error}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB) in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
