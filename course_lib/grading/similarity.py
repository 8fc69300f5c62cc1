"""``course-grade similarity``: flag learners whose answers to a task are more alike than independent work is.

It flags, it never accuses: similar code is a reason to look at two notebooks and talk with the learners.

The stages, each a small function over plain data:

1. **Task code** (:func:`task_code`). For each graded task, the learner's top-level function of that name,
   then the helper functions and classes it uses that the learner wrote, in the order the code first uses
   them (so that moving helpers around changes nothing). Definitions the exercise notebook gives unchanged,
   and the other graded tasks (compared under their own name), are left out.
2. **Fingerprints** (:func:`fingerprint`), by winnowing as in MOSS (Schleimer, Wilkerson and Aiken, 2003),
   through the ``copydetect`` library: the code is tokenised and every name becomes ``V``, ``F`` or ``O``,
   every string ``S``, comments and whitespace are dropped; hashes of its ``NOISE``-character k-grams are
   winnowed in windows of ``WINDOW``.
3. **Discounting what everyone shares** (:func:`discount`): the k-grams of the exercise notebook (its given
   code), of the reference solution, and fingerprints found in the code of more than ``max(10, 10 %)`` of the
   learners who answered the task (MOSS's ``-m 10``) are removed, with the fingerprints that straddle the edge
   of such a passage. Answers with fewer than ``min_tokens``
   tokens of the learner's own, or with little left after discounting, are not compared: a one-line
   ``return x @ w + b`` is written identically by half a class.
4. **Comparing** (:func:`compare_exercise`): an index from fingerprint to learners gives the pairs that share
   any, and only those are compared (``copydetect.compare_files``). A task's score is the mean, over the two
   learners, of the share of their fingerprinted code that lies in passages found in both; a pair's score is
   that share over every task both answered at length. The reference solution is compared with every learner
   too: the learners whose answer matches it are one line per task ("k learners handed in code matching the
   reference solution"), and it is no evidence between them.
5. **The report** (:func:`write_report`): ``similarity.csv`` (pairs from ``threshold`` on, highest first),
   ``reference.csv``, ``index.html``, one side-by-side page per flagged pair under ``pairs/`` and one per
   exercise for the answers matching the reference; self-contained (no script, no link outside) and escaped.

The k-grams are hashed with BLAKE2b (:func:`kgram_hashes`) rather than copydetect's salted ``hash()``, so a
class gives the same report on every run.

``copydetect`` 0.5's own boilerplate removal is not used: it intersects non-unique hash arrays with
``assume_unique=True``, which drops a fingerprint that merely repeats within a file (and it removes only exact
fingerprints). :func:`discount` masks the passages in a :class:`copydetect.CodeFingerprint` directly and
recomputes its coverage.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import io
import math
import re
import sys
import time
import tokenize
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from .. import checks
from .submissions import GradingError, Unreadable, find_submissions, read_code_cells

__all__ = ["NOISE", "WINDOW", "ExerciseResult", "PairResult", "TaskMatch", "compare_exercise", "definitions",
           "discount", "fingerprint", "groups", "highlight", "kgram_hashes", "main", "own_tokens", "rank_key",
           "similarity", "task_code", "write_report"]

NOISE = 20  # k: characters of *filtered* code (``V=V.V((V==1)&(V==1))`` is 20): about one statement
WINDOW = 4  # winnowing window: any shared run of NOISE + WINDOW - 1 = 23 filtered characters is found
COMMON_COUNT = 10  # a fingerprint in more than max(COMMON_COUNT, COMMON_SHARE of the class) learners' code ...
COMMON_SHARE = 0.10  # ... is something the class has in common, not evidence (MOSS's -m option)
MIN_TOKENS = 30  # answers shorter than this (own tokens) are written alike by many: not compared
THRESHOLD = 0.5  # a pair is flagged, and a task named as matching (or matching the reference), from this score
MIN_COVERAGE = 2 * NOISE  # filtered characters left once shared code is discounted, below which: not compared

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = None  # the reference solution's key where learners' names are keys: no folder is called None


# ---------------------------------------------------------------------------------------------- task code
@dataclass(frozen=True)
class Definition:
    """A top-level ``def`` or ``class`` of a notebook: its name, its source text and its dumped AST."""

    name: str
    source: str
    dump: str
    uses: tuple  # names it loads, in the order they first appear in the source


def _parse_cell(source: str):
    """The module AST of a cell, or None; IPython lines (``%magic``, ``!shell``) are blanked first."""
    for attempt in (source, "\n".join("" if line.lstrip()[:1] in ("%", "!") else line
                                      for line in source.split("\n"))):
        try:
            return ast.parse(attempt)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return None


def definitions(cells) -> dict[str, Definition]:
    """The top-level functions and classes of a notebook's code cells; a later one replaces an earlier one.

    >>> found = definitions(["def helper(x):\\n    return 2 * x", "def task(x):\\n    return helper(x) + 1"])
    >>> list(found), found["task"].uses
    (['helper', 'task'], ('helper', 'x'))
    """
    found = {}
    for source in cells:
        tree = _parse_cell(source)
        if tree is None:
            continue
        lines = source.split("\n")
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = node.name
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and isinstance(node.value, ast.Lambda):  # softmax = lambda z: ... answers a task too
                name = node.targets[0].id
            else:
                continue
            first = min([node.lineno] + [decorator.lineno for decorator in getattr(node, "decorator_list", ())])
            names = sorted((used.lineno, used.col_offset, used.id) for used in ast.walk(node)
                           if isinstance(used, ast.Name) and isinstance(used.ctx, ast.Load))
            uses = tuple(dict.fromkeys(used for _, _, used in names))
            found.pop(name, None)  # keep the order of the last definition
            found[name] = Definition(name, "\n".join(lines[first - 1:node.end_lineno]), ast.dump(node), uses)
    return found


def task_code(defined: dict, task: str, *, given: dict | None = None, others=()) -> str | None:
    """The code of ``task``: its function, then the learner's helpers it uses (depth first, in order of use).

    ``given`` holds the exercise notebook's definitions: one the learner left unchanged is not theirs (an
    untouched task stub gives None). ``others`` are the exercise's other tasks, compared on their own.

    >>> defined = definitions(["def b(x):\\n    return x", "def a(x):\\n    return x",
    ...                        "def t(x):\\n    return b(a(x))"])
    >>> print(task_code(defined, "t"))
    def t(x):
        return b(a(x))
    <BLANKLINE>
    def b(x):
        return x
    <BLANKLINE>
    def a(x):
        return x
    """
    given = given or {}

    def is_given(name):
        return name in given and given[name].dump == defined[name].dump

    if task not in defined or is_given(task):
        return None
    order, seen, stack = [], {task}, [task]
    while stack:  # depth first, without recursion: a learner's call graph can be deep
        name = stack.pop()
        order.append(name)
        helpers = [use for use in defined[name].uses
                   if use in defined and use not in seen and use not in others and not is_given(use)]
        seen.update(helpers)
        stack.extend(reversed(helpers))
    return "\n\n".join(defined[name].source for name in order)


_NOT_TOKENS = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}


def own_tokens(code: str) -> int:
    """Lexical tokens in ``code`` less its first function's signature and docstring (given by the exercise).

    >>> own_tokens('def dense(x, w, b):\\n    "Given."\\n    return x @ w + b  # the whole answer')
    6
    """
    tree = _parse_cell(code)
    if tree is not None and tree.body and isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        body = tree.body[0].body
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            body = body[1:]
        start = body[0].lineno if body else tree.body[0].end_lineno + 1
        code = "\n".join(code.split("\n")[start - 1:])
    try:  # the standard library's tokenizer: five times faster than the lexer copydetect uses
        return sum(1 for item in tokenize.generate_tokens(io.StringIO(code).readline) if item.type not in _NOT_TOKENS)
    except (tokenize.TokenError, SyntaxError):  # IndentationError is a SyntaxError
        return len(re.findall(r"\w+|[^\w\s]", code))


# ------------------------------------------------------------------------------------------- fingerprints
def kgram_hashes(filtered: str, k: int = NOISE):
    """The hash of every ``k``-character slice of filtered code, as a 64-bit NumPy array.

    copydetect's own ``hashed_kgrams`` uses Python's ``hash()``, which is salted afresh in every process: the
    fingerprints winnowing keeps, and so the borderline pairs, would change from one run to the next. BLAKE2b
    gives the same report for the same class every time.
    """
    import numpy as np

    return np.array([int.from_bytes(hashlib.blake2b(filtered[at:at + k].encode("utf-8"), digest_size=8).digest(),
                                    "little", signed=True) for at in range(len(filtered) - k + 1)], dtype=np.int64)


def fingerprint(code: str, *, window: int = WINDOW):
    """The :class:`copydetect.CodeFingerprint` of a string of Python (``window=1``: every k-gram).

    copydetect filters the code (``filter_code``) and winnows (``winnow``); the k-grams are hashed by
    :func:`kgram_hashes`, which is what ``CodeFingerprint("task.py", NOISE, window, fp=...)`` does but for the
    hash. Its attributes are the ones ``copydetect.compare_files`` reads.
    """
    from copydetect import CodeFingerprint
    from copydetect.utils import filter_code, get_token_coverage, winnow

    filtered, offsets = filter_code(code, "task.py", "python")
    hashes = kgram_hashes(filtered)
    where = {}
    if len(hashes):
        selected, positions = winnow(hashes, window, remove_duplicates=False)
        for value, at in zip(selected.tolist(), positions.tolist()):
            where.setdefault(value, []).append(at)
    print_ = CodeFingerprint.__new__(CodeFingerprint)
    print_.filename, print_.raw_code, print_.filtered_code, print_.offsets = "task.py", code, filtered, offsets
    print_.hashes, print_.hash_idx, print_.k = set(where), where, NOISE
    print_.token_coverage = get_token_coverage(where, NOISE, len(filtered))
    print_.kgrams = hashes  # every k-gram's hash, for discount()
    return print_


def discount(print_, drop) -> None:
    """Discount the k-grams whose hashes are in ``drop`` from fingerprint ``print_`` (of :func:`fingerprint`).

    Every place where such a k-gram occurs in the filtered code is masked, and a fingerprint goes when half or
    more of its own k characters are masked: not only the shared passage's fingerprints but those that merely
    straddle its edge (the end of a pasted check and the first ``V=V.V(`` of a line many learners begin
    with) say nothing about the pair. The coverage is computed again.
    """
    import numpy as np
    from copydetect.utils import get_token_coverage

    drop = np.fromiter(drop, dtype=np.int64)
    if not drop.size or not print_.hash_idx:
        return
    k, size = print_.k, len(print_.filtered_code)
    starts = np.flatnonzero(np.isin(print_.kgrams, drop))
    edges = np.zeros(size + 1, dtype=np.int64)
    np.add.at(edges, starts, 1)
    np.add.at(edges, np.minimum(starts + k, size), -1)
    masked = np.concatenate([[0], np.cumsum(np.cumsum(edges)[:size] > 0)])  # masked[i]: masked chars before i
    kept = {}
    for value, where in print_.hash_idx.items():
        where = [at for at in where if (masked[min(at + k, size)] - masked[at]) * 2 < k]
        if where:
            kept[value] = where
    print_.hash_idx = kept
    print_.hashes = set(kept)
    print_.token_coverage = get_token_coverage(kept, k, size)


def _compare(first, second):
    """``(overlap_1, overlap_2, score_1, score_2, slices)`` of two fingerprints (copydetect.compare_files)."""
    from copydetect import compare_files

    overlap, (score_1, score_2), slices = compare_files(first, second)
    return (int(overlap), int(round(score_2 * second.token_coverage)), float(score_1), float(score_2), slices)


# --------------------------------------------------------------------------------------------- comparing
@dataclass
class TaskMatch:
    """One task compared between two learners (or a learner and the reference)."""

    task: str
    score: float  # the mean of the two shares
    share_a: float  # the share of A's fingerprinted code found in B's
    share_b: float
    overlap: int  # filtered characters in shared passages, both sides together
    coverage: int  # filtered characters fingerprinted, both sides together


@dataclass
class PairResult:
    """Two learners of one exercise: the tasks compared, and the share of all their compared code shared."""

    exercise: str
    learner_a: str
    learner_b: str
    tasks: dict = field(default_factory=dict)  # task -> TaskMatch, for the tasks both answered at length

    @property
    def score(self) -> float:
        coverage = sum(match.coverage for match in self.tasks.values())
        return sum(match.overlap for match in self.tasks.values()) / coverage if coverage else 0.0

    @property
    def overlap(self) -> int:
        """Filtered characters in shared passages, all tasks and both sides together: the amount of evidence."""
        return sum(match.overlap for match in self.tasks.values())

    def matched(self, threshold: float) -> list[TaskMatch]:
        """The tasks scoring ``threshold`` or more, highest first."""
        return sorted((match for match in self.tasks.values() if match.score >= threshold),
                      key=lambda match: (-match.score, match.task))


@dataclass
class ExerciseResult:
    """Everything :func:`compare_exercise` found for one exercise."""

    exercise: str
    tasks: list
    learners: list
    code: dict  # (learner, task) -> the task code compared (None: not answered); (REFERENCE, task) too
    pairs: dict  # (a, b) -> PairResult, for every pair that shares a fingerprint
    reference: dict  # task -> {learner: TaskMatch} against the reference solution
    not_compared: dict  # (learner, task) -> why
    notes: list = field(default_factory=list)
    seconds: float = 0.0
    prints: dict = field(default_factory=dict)  # (learner, task) -> discounted fingerprint, for the pages
    reference_slices: dict = field(default_factory=dict)  # (learner, task) -> (theirs, reference's), highlighted


def _notebook_definitions(path: Path) -> dict:
    return definitions(read_code_cells(path)) if path.is_file() else {}


def compare_exercise(exercise: str, notebooks: dict, *, exercises_dir=None, solutions_dir=None,
                     threshold: float = THRESHOLD, min_tokens: int = MIN_TOKENS) -> ExerciseResult:
    """Compare, task by task, the notebooks ``{learner: path}`` of one exercise.

    ``exercises_dir`` and ``solutions_dir`` hold ``<exercise>.ipynb`` (default: the course's ``exercises/`` and
    ``solutions/``); the exercise notebook is the given code, the solution notebook the reference.
    """
    started = time.monotonic()
    exercises_dir = Path(exercises_dir) if exercises_dir is not None else ROOT / "exercises"
    solutions_dir = Path(solutions_dir) if solutions_dir is not None else ROOT / "solutions"
    tasks = list(checks.get_exercise(exercise).tasks)
    result = ExerciseResult(exercise, tasks, [], {}, {}, {task: {} for task in tasks}, {})
    given = _notebook_definitions(exercises_dir / f"{exercise}.ipynb")
    boilerplate = set()
    if given:  # every k-gram of the given code, as copydetect does for boilerplate files
        boilerplate = fingerprint("\n".join(read_code_cells(exercises_dir / f"{exercise}.ipynb")), window=1).hashes
    else:
        result.notes.append(f"{exercise}: no exercise notebook in {exercises_dir}: given code is not discounted")
    reference = _notebook_definitions(solutions_dir / f"{exercise}.ipynb")
    if not reference:
        result.notes.append(f"{exercise}: no solution notebook in {solutions_dir}: nobody is compared with the "
                            f"reference")
    defined = {}
    for learner, path in sorted(notebooks.items()):
        try:
            defined[learner] = definitions(read_code_cells(path))
        except Unreadable as error:
            result.notes.append(f"{learner}/{exercise}: not compared: {error}")
    result.learners = sorted(defined)
    for task in tasks:
        _compare_task(result, task, defined, given, reference, boilerplate, threshold=threshold,
                      min_tokens=min_tokens)
    # a pair's score counts every task both answered at length, the ones without a shared passage too
    for pair in result.pairs.values():
        for task in tasks:
            if task not in pair.tasks and (pair.learner_a, task) in result.prints \
                    and (pair.learner_b, task) in result.prints:
                coverage = result.prints[pair.learner_a, task].token_coverage \
                    + result.prints[pair.learner_b, task].token_coverage
                pair.tasks[task] = TaskMatch(task, 0.0, 0.0, 0.0, 0, int(coverage))
    result.seconds = time.monotonic() - started
    return result


def _compare_task(result, task, defined, given, reference, boilerplate, *, threshold, min_tokens) -> None:
    """One task of :func:`compare_exercise`: fingerprints, the reference, discounting, the index, the pairs."""
    others = set(result.tasks) - {task}
    reference_code = result.code[REFERENCE, task] = \
        task_code(reference, task, given=given, others=others) if reference else None
    reference_print, reference_all = None, set()
    if reference_code:
        reference_print = fingerprint(reference_code)
        discount(reference_print, boilerplate)
        reference_all = fingerprint(reference_code, window=1).hashes - boilerplate
    prints, initial = {}, {}
    for learner in result.learners:
        text = result.code[learner, task] = task_code(defined[learner], task, given=given, others=others)
        if text is None:
            result.not_compared[learner, task] = "no answer of their own"
        elif own_tokens(text) < min_tokens:
            result.not_compared[learner, task] = f"under {min_tokens} tokens of their own"
        else:
            prints[learner] = fingerprint(text)
            initial[learner] = prints[learner].token_coverage
            discount(prints[learner], boilerplate)
    if reference_print is not None and reference_print.token_coverage >= MIN_COVERAGE:
        for learner, print_ in prints.items():
            if print_.token_coverage:
                match = _task_match(task, print_, reference_print)
                if match.score >= threshold:
                    result.reference[task][learner] = match
                    result.reference_slices[learner, task] = _compare(print_, reference_print)[4]
    # what everyone shares: the reference solution, then fingerprints common in the class (MOSS's -m)
    for print_ in prints.values():
        discount(print_, reference_all)
    counts = Counter(value for print_ in prints.values() for value in print_.hashes)
    limit = max(COMMON_COUNT, math.ceil(COMMON_SHARE * len(prints)))
    common = {value for value, count in counts.items() if count > limit}
    index = defaultdict(list)  # fingerprint -> the learners whose answer has it
    for learner, print_ in list(prints.items()):
        discount(print_, common)
        left = print_.token_coverage
        if not left or (left < initial[learner] and left < MIN_COVERAGE):  # mostly what others wrote too
            result.not_compared[learner, task] = "little left once shared code is discounted"
            del prints[learner]
            continue
        for value in print_.hashes:
            index[value].append(learner)
    # only pairs that share a fingerprint are compared; a posting list is at most `limit` long
    candidates = {(a, b) for holders in index.values() for i, a in enumerate(holders) for b in holders[i + 1:]}
    for a, b in sorted(candidates):
        pair = result.pairs.setdefault((a, b), PairResult(result.exercise, a, b))
        pair.tasks[task] = _task_match(task, prints[a], prints[b])
    result.prints.update({(learner, task): print_ for learner, print_ in prints.items()})


def _task_match(task, first, second) -> TaskMatch:
    overlap_1, overlap_2, share_1, share_2, _ = _compare(first, second)
    return TaskMatch(task, (share_1 + share_2) / 2, share_1, share_2, overlap_1 + overlap_2,
                     int(first.token_coverage + second.token_coverage))


def rank_key(pair: PairResult):
    """The order of the report: score (as shown, two decimals), then the pair sharing more code first.

    Two answers to one short task can be alike by chance; four answers alike are stronger evidence.
    """
    return -round(pair.score, 2), -pair.overlap, pair.exercise, pair.learner_a, pair.learner_b


def groups(result: ExerciseResult, threshold: float) -> list[list[str]]:
    """Every three or more learners linked by flagged pairs (score ``threshold`` or more): one line each."""
    links = defaultdict(set)
    for (a, b), pair in result.pairs.items():
        if pair.score >= threshold:
            links[a].add(b)
            links[b].add(a)
    found, seen = [], set()
    for start in sorted(links):
        if start in seen:
            continue
        component, stack = set(), [start]
        while stack:  # the connected component of ``start``
            learner = stack.pop()
            if learner not in component:
                component.add(learner)
                stack.extend(links[learner] - component)
        seen |= component
        if len(component) >= 3:
            found.append(sorted(component))
    return found


# ------------------------------------------------------------------------------------------------ report
HOW_TO_READ = """\
<p><strong>This report flags, it does not accuse.</strong> Similar code is a reason to open both notebooks and
talk with the learners, never proof of copying on its own.</p>
<p>A task's <em>score</em> is the share of the two learners' own code for that task, on average over the two,
that lies in passages found in both, once names are replaced by placeholders and comments, whitespace and the
order of helper functions are set aside. Left out before comparing: the code the exercise notebook gives, the
reference solution, passages written by more than a tenth of the class (and at least ten learners), and answers
too short to tell apart. A pair's score is that share over every task both answered; pairs from the threshold
on are listed, highest first. 1.0 means every fingerprinted passage of each answer is also in the other. In the
course's test class of 30 learners who wrote their answers independently, no pair scored above 0.34, while a
learner who copied another's notebook and renamed every variable scored 1.0.</p>
<p>Innocent reasons for similar code: the task leaves little room (a formula written the obvious way); both
followed the same lesson cell, documentation page or tutorial; they worked together in a way the course allows;
one learner explained an idea to another; both pasted the reference solution, which is listed separately and
never counted between learners. On a pair's page, <mark>marked</mark> passages are found in both answers;
unmarked code was written differently, or is common in the class, given or in the reference, and not
counted.</p>
"""

_STYLE = """body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
.side{display:grid;grid-template-columns:1fr 1fr;gap:1em}pre{background:#f7f7f7;padding:.6em;overflow-x:auto;
white-space:pre-wrap;word-break:break-all}mark{background:#ffd36b}.note{color:#555}"""


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body>\n<h1>{escape(title)}</h1>\n{body}\n</body></html>\n")


def highlight(text: str, slices) -> str:
    """``text`` as escaped HTML with the character ranges ``slices`` (copydetect's 2×N array) in ``<mark>``.

    >>> highlight("a<b> & c", [[0, 6], [4, 8]])  # starts, then ends: a<b> and " c"
    '<mark>a&lt;b&gt;</mark> &amp;<mark> c</mark>'
    """
    parts, at = [], 0
    if len(slices) == 2:
        for start, end in sorted(zip((int(s) for s in slices[0]), (int(e) for e in slices[1]))):
            start, end = max(start, at), min(end, len(text))
            if start < end:
                parts += [escape(text[at:start]), "<mark>", escape(text[start:end]), "</mark>"]
                at = end
    parts.append(escape(text[at:]))
    return "".join(parts)


def _pair_page(result: ExerciseResult, pair: PairResult, threshold: float) -> str:
    a, b = pair.learner_a, pair.learner_b
    rows = "".join(f"<tr><td>{escape(m.task)}</td><td>{m.score:.2f}</td><td>{m.share_a:.2f}</td>"
                   f"<td>{m.share_b:.2f}</td><td>{'match' if m.score >= threshold else ''}</td></tr>"
                   for m in sorted(pair.tasks.values(), key=lambda m: -m.score))
    body = [f"<p>Exercise {escape(pair.exercise)}. Pair score {pair.score:.2f}. "
            f"<a href=\"../index.html\">Back to the list</a>.</p>", HOW_TO_READ,
            f"<table><tr><th>task</th><th>score</th><th>share of {escape(a)}</th><th>share of {escape(b)}</th>"
            f"<th></th></tr>{rows}</table>"]
    missing = []
    for task in result.tasks:
        if task not in pair.tasks:
            why = [f"{who}: {result.not_compared[who, task]}" for who in (a, b) if (who, task) in result.not_compared]
            missing.append(f"{task} ({'; '.join(why)})")
    if missing:
        body.append(f"<p class=\"note\">Not compared: {escape(', '.join(missing))}.</p>")
    for match in sorted(pair.tasks.values(), key=lambda m: -m.score):
        if not match.overlap:
            continue
        _, _, _, _, (slices_a, slices_b) = _compare(result.prints[a, match.task], result.prints[b, match.task])
        body.append(f"<h2>{escape(match.task)}: score {match.score:.2f}</h2><div class=\"side\">"
                    f"<div><h3>{escape(a)}</h3><pre>{highlight(result.code[a, match.task], slices_a)}</pre></div>"
                    f"<div><h3>{escape(b)}</h3><pre>{highlight(result.code[b, match.task], slices_b)}</pre></div>"
                    f"</div>")
    return _page(f"Similar code: {a} and {b}", "\n".join(body))


def _reference_page(result: ExerciseResult) -> str:
    body = [f"<p>Exercise {escape(result.exercise)}: answers that match the reference solution (left: the "
            f"learner's, right: the reference). <a href=\"index.html\">Back to the list</a>.</p>", HOW_TO_READ]
    for task, matches in result.reference.items():
        for learner, match in sorted(matches.items()):
            theirs, ours = result.reference_slices[learner, task]
            body.append(f"<h2>{escape(task)}: {escape(learner)}, score {match.score:.2f}</h2><div class=\"side\">"
                        f"<div><h3>{escape(learner)}</h3><pre>{highlight(result.code[learner, task], theirs)}</pre>"
                        f"</div><div><h3>reference solution</h3><pre>{highlight(result.code[REFERENCE, task], ours)}"
                        f"</pre></div></div>")
    return _page(f"Answers matching the reference: {result.exercise}", "\n".join(body))


def _spreadsheet_safe(text: str) -> str:
    """A leading ``= + - @`` makes spreadsheets run a cell as a formula: an apostrophe stops that."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_report(results, output, *, threshold: float = THRESHOLD, skipped=()) -> list[PairResult]:
    """Write ``similarity.csv``, ``reference.csv``, ``index.html`` and ``pairs/pair-NNNN.html``; the flagged pairs.

    Pairs scoring ``threshold`` or more are flagged, highest first (at equal scores, the pair that shares more
    code), with the tasks that scored as much. ``skipped`` are notes on files that were not submissions.
    """
    output = Path(output)
    (output / "pairs").mkdir(parents=True, exist_ok=True)
    for stale in (output / "pairs").glob("pair-[0-9][0-9][0-9][0-9]*.html"):  # an earlier run's, ranked otherwise
        stale.unlink()
    by_result = {}
    for result in results:
        for pair in result.pairs.values():
            if pair.score >= threshold:
                by_result[id(pair)] = result
    flagged = sorted((pair for result in results for pair in result.pairs.values() if id(pair) in by_result),
                     key=rank_key)
    with open(output / "similarity.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["rank", "exercise", "learner_a", "learner_b", "score", "matched_tasks", "tasks_compared",
                         "page"])
        for rank, pair in enumerate(flagged, start=1):
            matched = ";".join(f"{m.task}:{m.score:.2f}" for m in pair.matched(threshold))
            writer.writerow([rank, pair.exercise, _spreadsheet_safe(pair.learner_a), _spreadsheet_safe(pair.learner_b),
                             f"{pair.score:.3f}", matched, len(pair.tasks), f"pairs/pair-{rank:04d}.html"])
    with open(output / "reference.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["exercise", "task", "learner", "score"])
        for result in results:
            for task, matches in result.reference.items():
                for learner, match in sorted(matches.items()):
                    writer.writerow([result.exercise, task, _spreadsheet_safe(learner), f"{match.score:.3f}"])
    for rank, pair in enumerate(flagged, start=1):
        (output / "pairs" / f"pair-{rank:04d}.html").write_text(_pair_page(by_result[id(pair)], pair, threshold),
                                                                encoding="utf-8")
    body = [HOW_TO_READ]
    for result in results:
        body.append(f"<h2>Exercise {escape(result.exercise)}: {len(result.learners)} learners</h2><ul>")
        page = f"reference-{result.exercise}.html"
        for stale in output.glob(page):
            stale.unlink()
        for task, matches in result.reference.items():
            if matches:
                names = ", ".join(f"{escape(learner)} ({match.score:.2f})"
                                  for learner, match in sorted(matches.items()))
                body.append(f"<li>{escape(task)}: {len(matches)} learner(s) handed in code matching the reference "
                            f"solution: {names} (<a href=\"{escape(page)}\">side by side</a>)</li>")
        if any(result.reference.values()):
            (output / page).write_text(_reference_page(result), encoding="utf-8")
        for members in groups(result, threshold):
            body.append(f"<li>{len(members)} learners share code with one another (read their pairs together): "
                        f"{escape(', '.join(members))}</li>")
        body.extend(f"<li class=\"note\">{escape(note)}</li>" for note in result.notes)
        body.append("</ul>")
    rows = "".join(f"<tr><td>{rank}</td><td>{escape(pair.exercise)}</td><td>{escape(pair.learner_a)}</td>"
                   f"<td>{escape(pair.learner_b)}</td><td>{pair.score:.2f}</td><td>"
                   f"{escape(', '.join(f'{m.task} {m.score:.2f}' for m in pair.matched(threshold)))}</td>"
                   f"<td>{len(pair.tasks)}</td>"
                   f"<td><a href=\"pairs/pair-{rank:04d}.html\">side by side</a></td></tr>"
                   for rank, pair in enumerate(flagged, start=1))
    body.append(f"<h2>Pairs scoring {threshold:.2f} or more ({len(flagged)})</h2>"
                f"<table><tr><th>rank</th><th>exercise</th><th>learner</th><th>learner</th><th>score</th>"
                f"<th>tasks that matched</th><th>tasks compared</th><th></th></tr>{rows}</table>")
    if skipped:
        body.append("<h2>Files that are not submissions</h2><ul>" + "".join(
            f"<li class=\"note\">{escape(note)}</li>" for note in skipped) + "</ul>")
    (output / "index.html").write_text(_page("Similar code in the class", "\n".join(body)), encoding="utf-8")
    return flagged


def similarity(submissions, output, *, exercise=None, threshold: float = THRESHOLD, min_tokens: int = MIN_TOKENS,
               exercises_dir=None, solutions_dir=None) -> list[ExerciseResult]:
    """Compare the class in ``submissions/<learner>/<exercise>.ipynb`` and write the report in ``output``."""
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    if min_tokens < 0:
        raise ValueError(f"min_tokens must be 0 or more, got {min_tokens!r}")
    found, skipped = find_submissions(submissions, exercise)
    if not found:
        raise GradingError(f"no submissions in {submissions}: expected <learner>/<exercise>.ipynb files")
    by_exercise = defaultdict(dict)
    for submission in found:
        by_exercise[submission.exercise][submission.learner] = submission.path
    results = [compare_exercise(name, notebooks, exercises_dir=exercises_dir, solutions_dir=solutions_dir,
                                threshold=threshold, min_tokens=min_tokens)
               for name, notebooks in sorted(by_exercise.items())]
    write_report(results, output, threshold=threshold, skipped=skipped)
    return results


def main(argv=None) -> int:
    """``course-grade similarity SUBMISSIONS --output OUT [--exercise NAME] [--threshold T] [--min-tokens N]``."""
    parser = argparse.ArgumentParser(prog="course-grade similarity",
                                     description="Flag pairs of learners whose answers to a task are unusually "
                                                 "alike (winnowing fingerprints, as in MOSS). It flags, it does not "
                                                 "accuse: read OUT/index.html first.")
    parser.add_argument("submissions", type=Path, help="folder with one sub-folder per learner")
    parser.add_argument("--output", "-o", type=Path, required=True, help="report folder (created if needed)")
    parser.add_argument("--exercise", metavar="NAME", help="compare only this exercise, e.g. 08_evaluating_models")
    parser.add_argument("--threshold", type=float, default=THRESHOLD, metavar="T",
                        help=f"flag pairs, and name their tasks, from this score on, 0 to 1 (default {THRESHOLD})")
    parser.add_argument("--min-tokens", type=int, default=MIN_TOKENS, metavar="N",
                        help=f"answers with fewer tokens of the learner's own are not compared (default {MIN_TOKENS})")
    parser.add_argument("--exercises", type=Path, metavar="DIR", help="exercise notebooks (the given code; "
                                                                      "default: the course's exercises/)")
    parser.add_argument("--solutions", type=Path, metavar="DIR", help="solution notebooks (the reference; "
                                                                      "default: the course's solutions/)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        results = similarity(args.submissions, args.output, exercise=args.exercise, threshold=args.threshold,
                             min_tokens=args.min_tokens, exercises_dir=args.exercises, solutions_dir=args.solutions)
    except (GradingError, ValueError) as error:
        print(f"course-grade similarity: error: {error}", file=sys.stderr)
        return 2
    for result in results:
        for note in result.notes:
            print(f"note: {note}", file=sys.stderr)
        flagged = sum(1 for pair in result.pairs.values() if pair.score >= args.threshold)
        print(f"{result.exercise}: {len(result.learners)} learners, {flagged} pair(s) flagged, "
              f"{sum(len(m) for m in result.reference.values())} answer(s) matching the reference")
    print(f"compared in {time.monotonic() - started:.1f} s; report: {args.output / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
