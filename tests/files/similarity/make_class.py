"""Write a synthetic class of exercise 08 for ``course-grade similarity``: ``OUT/<learner>/08_evaluating_models.ipynb``.

Each learner answers four tasks (``binary_scores``, ``balanced_accuracy``, ``confusion_counts``,
``auc_by_pairs``) with code composed from their own draw of many independent choices: an approach per task,
one of several ways to write each step, optional input checks and helper functions. A second, separate draw
("surface") picks what a copier changes without changing the code: every local name, comments, blank lines,
spacing, where helpers are defined. ``learner(structure, surface)`` with a shared ``structure`` and another
``surface`` is therefore a copy with renamed variables, reordered helpers and new comments and whitespace.

``tests/test_similarity.py`` builds its classes with these functions; for a timing run::

    python tests/files/similarity/make_class.py OUT --learners 300
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[3]
EXERCISE = "08_evaluating_models"
TASKS = ("binary_scores", "balanced_accuracy", "confusion_counts", "auc_by_pairs")

_COMMENTS = ["count them", "careful with empty classes", "vectorised", "see lesson 08", "positives first",
             "no division by zero", "TODO tidy up", "this took a while", "works on the examples", "shape (n,)",
             "rows are the true class", "a tie counts half", "from the lecture notes", "float, not numpy float"]
_SUFFIXES = ["", "_", "_val", "_arr", "_n", "_count", "2", "_x", "_all", "_tmp", "_now", "_v"]
_PREFIXES = ["", "my_", "n_", "the_", "cur_", "all_", "my", "z", "o_", "k_"]


class Surface:
    """What a copier may change without changing the code: names, comments, blank lines, helper placement."""

    def __init__(self, seed):
        self.rng = random.Random(f"surface-{seed}")
        self.prefix, self.suffix = self.rng.choice(_PREFIXES), self.rng.choice(_SUFFIXES)
        self.upper = self.rng.random() < 0.2
        self.names = {}

    def name(self, role: str) -> str:
        if role not in self.names:
            base = role.upper() if self.upper and len(role) <= 3 else role
            self.names[role] = f"{self.prefix}{base}{self.suffix}"
        return self.names[role]

    def dress(self, lines: list[str]) -> str:
        """Comments, blank lines and spacing around ``=``, none of which changes the code."""
        out = []
        tight = self.rng.random() < 0.3
        for line in lines:
            if tight:
                line = re.sub(r"(\w) = (\w)", r"\1=\2", line) if "def " not in line else line
            if line.strip() and not line.rstrip().endswith(":") and self.rng.random() < 0.25:
                line += f"  # {self.rng.choice(_COMMENTS)}"
            out.append(line)
            if self.rng.random() < 0.1 and line.strip() and not line.rstrip().endswith(":"):
                out.append("")
        return "\n".join(out)


def _fill(template: str, names: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: names[m[1]], template)


class Builder:
    """One task's code: statements chosen with ``pick`` (structure), names from ``surface``."""

    def __init__(self, pick: random.Random, surface: Surface, given: dict):
        self.pick, self.surface, self.given = pick, surface, given
        self.body, self.helpers = [], []
        self.trace = []  # every choice made (the option taken): what makes two answers different

    def n(self, role):
        return self.given.get(role) or self.surface.name(role)

    def line(self, template: str, indent: int = 1):
        if not template:
            return
        names = {role: self.n(role) for role in re.findall(r"\{(\w+)\}", template)}
        self.body.extend("    " * indent + part for part in _fill(template, names).split("\n"))

    def choose(self, *options):
        chosen = options[self.pick.randrange(len(options))]
        if chosen:  # an empty option writes no code: nothing two answers could share
            self.trace.append(repr(chosen))
        return chosen

    def helper(self, role: str, params: str, *body: str):
        names = {r: self.n(r) for text in (params, *body) for r in re.findall(r"\{(\w+)\}", text)}
        source = [f"def {self.n(role)}({_fill(params, names)}):"] + ["    " + _fill(text, names) for text in body]
        self.helpers.append(source)
        return self.n(role)

    def preamble(self, first, second):
        """Optional conversion, then optional validation, of the two array arguments: two choices."""
        self.line(self.choose("", "", "",
                              f"{{{first}}} = np.asarray({{{first}}})\n{{{second}}} = np.asarray({{{second}}})",
                              f"{{{first}}}, {{{second}}} = np.ravel({{{first}}}), np.ravel({{{second}}})",
                              f"{{{first}}} = np.array({{{first}}}, dtype=int)",
                              f"{{{first}}}, {{{second}}} = map(np.asarray, ({{{first}}}, {{{second}}}))"))
        self.line(self.choose("", "", "", f"assert len({{{first}}}) == len({{{second}}})",
                              f"if {{{first}}}.shape != {{{second}}}.shape:\n    raise ValueError('the two arrays "
                              f"differ in shape')",
                              f"if len({{{first}}}) != len({{{second}}}):\n    raise ValueError(f'lengths "
                              f"{{len({{{first}}})}} and {{len({{{second}}})}}')",
                              f"assert {{{first}}}.ndim == 1, 'expected a 1-D array'"))


def _divide(b: Builder, out: str, top: str, bottom: str, *, counts: bool = True):
    kind = b.choose("ifelse", "block", "max", "helper", "errstate") if counts else \
        b.choose("ifelse", "block", "helper", "errstate")
    if kind == "ifelse":
        b.line(f"{{{out}}} = {top} / ({bottom}) if {bottom} > 0 else 0.0")
    elif kind == "block":
        b.line(f"if {bottom} == 0:\n    {{{out}}} = 0.0\nelse:\n    {{{out}}} = {top} / ({bottom})")
    elif kind == "max":
        b.line(f"{{{out}}} = {top} / max({bottom}, 1)")
    elif kind == "errstate":
        b.line(f"{{{out}}} = float({top}) / ({bottom}) if ({bottom}) != 0 else 0.0")
    else:
        if not any(source[0].startswith(f"def {b.n('safe_div')}(") for source in b.helpers):
            b.helper("safe_div", "{num}, {den}", *b.choose(
                ("return {num} / {den} if {den} else 0.0",),
                ("if {den} == 0:", "    return 0.0", "return {num} / {den}"),
                ("return 0.0 if {den} == 0 else {num} / {den}",)))
        b.line(f"{{{out}}} = {{safe_div}}({top}, {bottom})")


def binary_scores(b: Builder):
    b.preamble("y_true", "y_pred")
    style = b.choose("expr", "masks", "loop", "bincount", "helper")
    cells = {"tp": (1, 1), "fp": (0, 1), "fn": (1, 0)}
    order = list(cells) if style == "bincount" else \
        b.choose(*[[first, *[role for role in cells if role != first]] for first in cells])
    if style == "expr":
        for role in order:
            t, p = cells[role]
            b.line(b.choose(f"{{{role}}} = np.sum(({{y_pred}} == {p}) & ({{y_true}} == {t}))",
                            f"{{{role}}} = int((({{y_true}} == {t}) & ({{y_pred}} == {p})).sum())",
                            f"{{{role}}} = np.count_nonzero(np.logical_and({{y_true}} == {t}, {{y_pred}} == {p}))",
                            f"{{{role}}} = sum(1 for a, c in zip({{y_true}}, {{y_pred}}) if a == {t} and c == {p})",
                            f"{{{role}}} = len(np.where(({{y_pred}} == {p}) * ({{y_true}} == {t}))[0])"))
    elif style == "masks":
        b.line(b.choose("{said} = {y_pred} == 1", "{said} = {y_pred}.astype(bool)", "{said} = ({y_pred} > 0)"))
        b.line(b.choose("{real} = {y_true} == 1", "{real} = {y_true}.astype(bool)", "{real} = ({y_true} != 0)"))
        neg = b.choose("~{x}", "np.logical_not({x})")
        total = b.choose("np.sum({m})", "int(({m}).sum())", "np.count_nonzero({m})")
        for role in order:
            t, p = cells[role]
            left = "{said}" if p else neg.replace("{x}", "{said}")
            right = "{real}" if t else neg.replace("{x}", "{real}")
            b.line(f"{{{role}}} = " + total.replace("{m}", f"{left} & {right}"))
    elif style == "loop":
        b.line(b.choose("{tp} = {fp} = {fn} = 0", "{tp}, {fp}, {fn} = 0, 0, 0"))
        if b.choose(True, False):
            b.line("for {t}, {p} in zip({y_true}, {y_pred}):")
            a, c = "{t}", "{p}"
        else:
            b.line("for {i} in range(len({y_true})):")
            a, c = "{y_true}[{i}]", "{y_pred}[{i}]"
        if b.choose(True, False):
            for role in order:
                t, p = cells[role]
                b.line(f"{{{role}}} += int({a} == {t} and {c} == {p})", 2)
        else:
            keyword = "if"
            for role in order:
                t, p = cells[role]
                b.line(f"{keyword} {a} == {t} and {c} == {p}:\n    {{{role}}} += 1", 2)
                keyword = "elif"
    elif style == "bincount":
        b.line(b.choose("{counts} = np.bincount(2 * {y_true} + {y_pred}, minlength=4)",
                        "{counts} = np.bincount({y_true} * 2 + {y_pred}, minlength=4).tolist()"))
        if b.choose(True, False):
            b.line("{tn}, {fp}, {fn}, {tp} = {counts}")
        else:
            for role, at in (("tp", 3), ("fp", 1), ("fn", 2)):
                b.line(f"{{{role}}} = {{counts}}[{at}]")
    else:
        b.helper("count_where", "{a}, {c}, {x}, {z}", b.choose(
            "return int(np.sum(({a} == {x}) & ({c} == {z})))", "return np.count_nonzero(({a} == {x}) * ({c} == {z}))",
            "return sum(1 for {u}, {w} in zip({a}, {c}) if {u} == {x} and {w} == {z})"))
        for role in order:
            t, p = cells[role]
            b.line(f"{{{role}}} = {{count_where}}({{y_true}}, {{y_pred}}, {t}, {p})")
    _divide(b, "precision", b.n("tp"), f"{b.n('tp')} + {b.n('fp')}")
    _divide(b, "recall", b.n("tp"), f"{b.n('tp')} + {b.n('fn')}")
    if b.choose(True, False):
        _divide(b, "f1", f"2 * {b.n('precision')} * {b.n('recall')}", f"{b.n('precision')} + {b.n('recall')}",
                counts=False)
    else:
        _divide(b, "f1", f"2 * {b.n('tp')}", f"2 * {b.n('tp')} + {b.n('fp')} + {b.n('fn')}")
    b.line(b.choose('return {"precision": {precision}, "recall": {recall}, "f1": {f1}}',
                    "return dict(precision={precision}, recall={recall}, f1={f1})",
                    '{out} = {}\n{out}["precision"] = {precision}\n{out}["recall"] = {recall}\n{out}["f1"] = {f1}\n'
                    'return {out}',
                    'return {k: float(v) for k, v in zip(["precision", "recall", "f1"], [{precision}, {recall}, '
                    '{f1}])}').replace("{}", "dict()"))


def balanced_accuracy(b: Builder):
    b.preamble("y_true", "y_pred")
    style = b.choose("comprehension", "loop", "helper", "dict", "bincount", "matrix")
    if style in ("comprehension", "loop", "helper"):
        b.line(b.choose("{classes} = np.unique({y_true})", "{classes} = sorted(set({y_true}.tolist()))",
                        "{classes} = list(np.unique({y_true}))"))
    if style in ("bincount", "matrix"):
        if style == "bincount":
            b.line(b.choose("{classes}, {index} = np.unique({y_true}, return_inverse=True)",
                            "{index} = np.unique({y_true}, return_inverse=True)[1]"))
            b.line(b.choose("{hits} = np.bincount({index}, weights=({y_pred} == {y_true}))",
                            "{hits} = np.bincount({index}, weights=np.equal({y_pred}, {y_true}).astype(float))"))
            b.line(b.choose("{recalls} = {hits} / np.bincount({index})",
                            "{seen} = np.bincount({index})\n{recalls} = {hits} / {seen}"))
        else:
            b.line(b.choose("{k} = max({y_true}.max(), {y_pred}.max()) + 1",
                            "{k} = int(np.max([{y_true}, {y_pred}])) + 1"))
            b.line(b.choose("{table} = np.zeros(({k}, {k}))", "{table} = np.zeros({k} * {k}).reshape({k}, {k})"))
            b.line(b.choose("np.add.at({table}, ({y_true}, {y_pred}), 1)",
                            "for {t}, {p} in zip({y_true}, {y_pred}):\n    {table}[{t}, {p}] += 1"))
            b.line(b.choose("{seen} = {table}.sum(axis=1)", "{seen} = np.sum({table}, 1)"))
            b.line(b.choose("{recalls} = np.diag({table})[{seen} > 0] / {seen}[{seen} > 0]",
                            "{present} = {seen} != 0\n{recalls} = {table}.diagonal()[{present}] / {seen}[{present}]"))
    one = "" if style in ("helper", "dict", "bincount", "matrix") else b.choose(
        "np.mean({y_pred}[{y_true} == {c}] == {c})",
        "np.sum(({y_true} == {c}) & ({y_pred} == {c})) / np.sum({y_true} == {c})",
        "({y_pred}[{y_true} == {c}] == {c}).mean()",
        "np.count_nonzero({y_pred}[{y_true} == {c}] == {c}) / np.count_nonzero({y_true} == {c})")
    if style == "comprehension":
        b.line("{recalls} = [" + one + " for {c} in {classes}]")
    elif style == "loop":
        b.line(b.choose("{recalls} = []", "{recalls} = list()"))
        b.line("for {c} in {classes}:")
        if b.choose(True, False):
            b.line("{mask} = {y_true} == {c}", 2)
            b.line(b.choose("{recalls}.append(np.mean({y_pred}[{mask}] == {c}))",
                            "{recalls}.append(np.sum({y_pred}[{mask}] == {c}) / np.sum({mask}))"), 2)
        else:
            b.line("{recalls}.append(" + one + ")", 2)
    elif style == "helper":
        if b.choose(True, False):
            b.helper("recall_of", "{a}, {z}, {k}", "return np.mean({z}[{a} == {k}] == {k})")
        else:
            b.helper("recall_of", "{a}, {z}, {k}", "{m} = {a} == {k}", "return np.sum({z}[{m}] == {k}) / np.sum({m})")
        b.line(b.choose("{recalls} = [{recall_of}({y_true}, {y_pred}, {c}) for {c} in {classes}]",
                        "{recalls} = list(map(lambda {c}: {recall_of}({y_true}, {y_pred}, {c}), {classes}))"))
    elif style == "dict":
        b.line("{hits}, {seen} = {}, {}".replace("{}", "dict()") if b.choose(True, False)
               else "{hits} = dict()\n{seen} = dict()")
        b.line("for {t}, {p} in zip({y_true}, {y_pred}):")
        b.line("{seen}[{t}] = {seen}.get({t}, 0) + 1", 2)
        b.line(b.choose("{hits}[{t}] = {hits}.get({t}, 0) + ({t} == {p})",
                        "if {t} == {p}:\n    {hits}[{t}] = {hits}.get({t}, 0) + 1"), 2)
        b.line("{recalls} = [{hits}.get({c}, 0) / {seen}[{c}] for {c} in {seen}]")
    b.line(b.choose("return float(np.mean({recalls}))", "return float(sum({recalls}) / len({recalls}))",
                    "return np.mean({recalls}).item()", "{result} = np.mean({recalls})\nreturn float({result})"))


def confusion_counts(b: Builder):
    b.preamble("y_true", "y_pred")
    style = b.choose("zip", "index", "bincount", "cells", "comprehension", "helper", "addat", "histogram", "counter")
    zeros = "" if style in ("bincount", "comprehension", "helper", "histogram", "counter") else b.choose(
        "np.zeros(({num_classes}, {num_classes}), dtype=int)", "np.zeros([{num_classes}] * 2, int)",
        "np.zeros(({num_classes}, {num_classes}), dtype=np.int64)")
    if style == "zip":
        b.line("{matrix} = " + zeros)
        b.line("for {t}, {p} in zip({y_true}, {y_pred}):")
        b.line(b.choose("{matrix}[{t}, {p}] += 1", "{matrix}[int({t})][int({p})] += 1"), 2)
    elif style == "index":
        b.line("{matrix} = " + zeros)
        b.line(b.choose("for {i} in range(len({y_true})):", "for {i}, _ in enumerate({y_pred}):"))
        b.line("{matrix}[{y_true}[{i}], {y_pred}[{i}]] = {matrix}[{y_true}[{i}], {y_pred}[{i}]] + 1", 2)
    elif style == "bincount":
        b.line(b.choose("{flat} = {y_true} * {num_classes} + {y_pred}", "{flat} = {num_classes} * {y_true} + {y_pred}"))
        b.line(b.choose("{matrix} = np.bincount({flat}, minlength={num_classes} ** 2)",
                        "{matrix} = np.bincount({flat}, minlength={num_classes} * {num_classes})"))
        b.line(b.choose("{matrix} = {matrix}.reshape({num_classes}, {num_classes})",
                        "{matrix} = {matrix}.reshape(({num_classes}, -1))"))
    elif style == "cells":
        b.line("{matrix} = " + zeros)
        b.line("for {i} in range({num_classes}):")
        b.line("for {j} in range({num_classes}):", 2)
        b.line(b.choose("{matrix}[{i}, {j}] = np.sum(({y_true} == {i}) & ({y_pred} == {j}))",
                        "{matrix}[{i}][{j}] = np.count_nonzero({y_pred}[{y_true} == {i}] == {j})"), 3)
    elif style == "comprehension":
        b.line("{matrix} = np.array([[" + b.choose("int(np.sum(({y_true} == {i}) * ({y_pred} == {j})))",
                                                    "np.count_nonzero({y_pred}[{y_true} == {i}] == {j})")
               + " for {j} in range({num_classes})] for {i} in range({num_classes})])")
    elif style == "addat":
        b.line("{matrix} = " + zeros)
        b.line(b.choose("np.add.at({matrix}, ({y_true}, {y_pred}), 1)",
                        "np.add.at({matrix}, (np.asarray({y_true}), np.asarray({y_pred})), "
                        "np.ones(len({y_true}), int))"))
    elif style == "histogram":
        b.line(b.choose("{edges} = np.arange({num_classes} + 1) - 0.5",
                        "{edges} = np.linspace(-0.5, {num_classes} - 0.5, "
                        "{num_classes} + 1)"))
        b.line(b.choose("{matrix}, _, _ = np.histogram2d({y_true}, {y_pred}, bins=[{edges}, {edges}])",
                        "{matrix} = np.histogram2d({y_true}, {y_pred}, bins=({edges}, {edges}))[0]"))
    elif style == "counter":
        b.line("from collections import Counter")
        b.line(b.choose("{seen} = Counter(zip({y_true}.tolist(), {y_pred}.tolist()))",
                        "{seen} = Counter((int({t}), int({p})) for {t}, {p} in zip({y_true}, {y_pred}))"))
        b.line(b.choose("{matrix} = np.array([[{seen}[({i}, {j})] for {j} in range({num_classes})] for {i} in "
                        "range({num_classes})])",
                        "{matrix} = np.zeros(({num_classes}, {num_classes}), dtype=int)\nfor ({i}, {j}), {k} in "
                        "{seen}.items():\n    {matrix}[{i}, {j}] = {k}"))
    else:
        b.helper("one_row", "{a}, {z}, {r}, {k}", "{row} = [0] * {k}",
                 "for {u} in {z}[{a} == {r}]:", "    {row}[{u}] += 1", "return {row}")
        b.line("{matrix} = np.array([{one_row}({y_true}, {y_pred}, {i}, {num_classes}) for {i} in "
               "range({num_classes})])")
    b.line(b.choose("return {matrix}", "return {matrix}.astype(int)", "return np.asarray({matrix}, dtype=int)"))


def auc_by_pairs(b: Builder):
    b.preamble("y_true", "scores")
    b.line(b.choose("{pos} = {scores}[{y_true} == 1]\n{neg} = {scores}[{y_true} == 0]",
                    "{pos}, {neg} = {scores}[{y_true} == 1], {scores}[{y_true} != 1]",
                    "{pos} = {scores}[{y_true}.astype(bool)]\n{neg} = {scores}[~{y_true}.astype(bool)]"))
    style = b.choose("broadcast", "sign", "loop", "double", "product", "helper", "searchsorted", "ranks")
    if style == "broadcast":
        b.line(b.choose("{diff} = {pos}[:, None] - {neg}[None, :]", "{diff} = np.subtract.outer({pos}, {neg})"))
        b.line(b.choose("return float(np.mean(({diff} > 0) + 0.5 * ({diff} == 0)))",
                        "return float(((({diff} > 0) * 1.0) + ({diff} == 0) / 2).mean())"))
    elif style == "sign":
        b.line(b.choose("{signs} = np.sign(np.subtract.outer({pos}, {neg}))",
                        "{signs} = np.sign({pos}.reshape(-1, 1) - {neg}.reshape(1, -1))",
                        "{signs} = np.sign({pos}[:, np.newaxis] - {neg})"))
        b.line(b.choose("return float(np.mean(({signs} + 1) / 2))", "return float(({signs}.mean() + 1) / 2)"))
    elif style == "loop":
        b.line("{total} = 0.0")
        b.line("for {s} in {pos}:")
        b.line(b.choose("{total} += np.sum({s} > {neg}) + 0.5 * np.sum({s} == {neg})",
                        "{total} += np.count_nonzero({neg} < {s})\n{total} += np.count_nonzero({neg} == {s}) / 2"), 2)
        b.line(b.choose("return float({total} / (len({pos}) * len({neg})))",
                        "return {total} / {pos}.size / {neg}.size"))
    elif style == "double":
        b.line(b.choose("{wins} = {ties} = 0", "{wins}, {ties} = 0, 0"))
        b.line("for {a} in {pos}:")
        b.line("for {z} in {neg}:", 2)
        b.line(b.choose("if {a} > {z}:\n    {wins} += 1\nelif {a} == {z}:\n    {ties} += 1",
                        "{wins} += {a} > {z}\n{ties} += {a} == {z}"), 3)
        b.line(b.choose("return ({wins} + 0.5 * {ties}) / (len({pos}) * len({neg}))",
                        "{n_pairs} = len({pos}) * len({neg})\nreturn float({wins} + {ties} / 2) / {n_pairs}"))
    elif style == "searchsorted":
        b.line(b.choose("{ordered} = np.sort({neg})", "{ordered} = np.array(sorted({neg}))"))
        b.line("{below} = np.searchsorted({ordered}, {pos}, side='left')")
        b.line(b.choose("{upto} = np.searchsorted({ordered}, {pos}, side='right')\n{ties} = {upto} - {below}",
                        "{ties} = np.searchsorted({ordered}, {pos}, side='right') - {below}"))
        b.line(b.choose("return float(np.sum({below} + 0.5 * {ties}) / ({pos}.size * {neg}.size))",
                        "return float(({below} + {ties} / 2).mean() / len({neg}))"))
    elif style == "ranks":
        b.line("from scipy.stats import rankdata")
        b.line(b.choose("{r} = rankdata(np.concatenate([{pos}, {neg}]))", "{r} = rankdata(np.r_[{pos}, {neg}])"))
        b.line(b.choose("{n1}, {n0} = len({pos}), len({neg})", "{n1} = {pos}.size\n{n0} = {neg}.size"))
        b.line(b.choose("return float(({r}[:{n1}].sum() - {n1} * ({n1} + 1) / 2) / ({n1} * {n0}))",
                        "{u} = np.sum({r}[:{n1}]) - {n1} * ({n1} + 1) / 2\nreturn float({u} / {n1} / {n0})"))
    elif style == "product":
        b.line("import itertools", 1)
        b.line(b.choose("{values} = [1.0 if {a} > {z} else 0.5 if {a} == {z} else 0.0 for {a}, {z} in "
                        "itertools.product({pos}, {neg})]",
                        "{values} = []\nfor {a}, {z} in itertools.product({pos}, {neg}):\n"
                        "    {values}.append(float({a} > {z}) + 0.5 * float({a} == {z}))",
                        "{values} = np.array([({a} > {z}) + ({a} == {z}) / 2 for ({a}, {z}) in itertools.product("
                        "{pos}, {neg})])"))
        b.line(b.choose("return float(np.mean({values}))", "return sum({values}) / len({values})",
                        "{n_pairs} = len({pos}) * len({neg})\nreturn float(np.sum({values})) / {n_pairs}"))
    else:
        b.helper("pair_score", "{a}, {z}", *b.choose(("if {a} > {z}:", "    return 1.0", "if {a} == {z}:",
                                                      "    return 0.5", "return 0.0"),
                                                     ("return 1.0 if {a} > {z} else (0.5 if {a} == {z} else 0.0)",)))
        b.line(b.choose("return float(np.mean([{pair_score}({a}, {z}) for {a} in {pos} for {z} in {neg}]))",
                        "{got} = [[{pair_score}({a}, {z}) for {z} in {neg}] for {a} in {pos}]\n"
                        "return float(np.mean({got}))"))


BUILDERS = {"binary_scores": binary_scores, "balanced_accuracy": balanced_accuracy,
            "confusion_counts": confusion_counts, "auc_by_pairs": auc_by_pairs}
SIGNATURES = {"binary_scores": ("y_true", "y_pred"), "balanced_accuracy": ("y_true", "y_pred"),
              "confusion_counts": ("y_true", "y_pred", "num_classes"), "auc_by_pairs": ("y_true", "scores")}


def _build(task: str, structure, surface) -> Builder:
    b = Builder(random.Random(f"structure-{structure}-{task}"), Surface(f"{surface}-{task}"),
                {name: name for name in SIGNATURES[task]})
    BUILDERS[task](b)
    return b


def distinct(first: list[str], second: list[str]) -> bool:
    """Two answers share less than half of the options they chose (an approach, a way to write a step, ...)."""
    first, second = set(first), set(second)
    return len(first & second) * 2 < len(first | second)


def task_cells(task: str, structure, surface, *, helpers_before: bool = False) -> list[str]:
    """The cells one learner writes for ``task``: helpers (where the surface puts them) and the function."""
    b = _build(task, structure, surface)
    dressing = b.surface
    function = dressing.dress([f"def {task}({', '.join(SIGNATURES[task])}):"] + b.body)
    helpers = [dressing.dress(source) for source in b.helpers]
    dressing.rng.shuffle(helpers)
    where = "before" if helpers_before else dressing.rng.choice(["before", "after", "same"])
    if where == "same":
        return ["\n\n\n".join(helpers + [function])]
    return helpers + [function] if where == "before" else [function] + helpers


def helper_count(structure) -> int:
    return sum(len(_build(task, structure, structure).helpers) for task in TASKS)


def planted_copy(structure) -> tuple[dict, list[str]]:
    """A copy of learner ``structure``'s answers: every local and helper name changed, new comments and blank
    lines, and all helpers moved to one cell at the end of the notebook in reverse order.

    Returns the answers (task functions only) and the trailing cells for :func:`notebook`.
    """
    for attempt in range(100):  # a dressing that renames every name the original chose
        surface = f"copy{attempt}"
        if all(not set(_build(task, structure, structure).surface.names.values())
               & set(_build(task, structure, surface).surface.names.values()) for task in TASKS):
            break
    answers, helpers = {}, []
    for task in TASKS:
        b = _build(task, structure, surface)
        answers[task] = [b.surface.dress([f"def {task}({', '.join(SIGNATURES[task])}):"] + b.body)]
        helpers += [b.surface.dress(source) for source in b.helpers]
    return answers, ["\n\n\n".join(reversed(helpers))] if helpers else []


def notebook(answers: dict[str, list[str]], trailing=()):
    """The exercise notebook with the cell that defines each answered task replaced by the learner's cells,
    and ``trailing`` cells at the end."""
    nb = nbformat.read(ROOT / "exercises" / f"{EXERCISE}.ipynb", as_version=4)
    cells = []
    for cell in nb.cells:
        task = next((name for name in answers if cell.cell_type == "code" and f"def {name}(" in cell.source), None)
        if task is None:
            cells.append(cell)
        else:
            cells.extend(nbformat.v4.new_code_cell(source) for source in answers[task])
    nb.cells = cells + [nbformat.v4.new_code_cell(source) for source in trailing]
    return nb


def learner(structure, surface=None, *, helpers_before: bool = False) -> dict[str, list[str]]:
    """One learner's answers to every task; ``surface`` defaults to ``structure`` (their own dressing)."""
    surface = structure if surface is None else surface
    return {task: task_cells(task, structure, surface, helpers_before=helpers_before) for task in TASKS}


def write(folder, name: str, nb) -> Path:
    path = Path(folder) / name / f"{EXERCISE}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def independent(count: int) -> list[int]:
    """``count`` structure seeds whose answers to every task are :func:`distinct` from one another's.

    Independent learners do not write a task's code verbatim alike by accident; a draw whose answer to
    some task is too like an earlier learner's in the choices made (:func:`distinct`) is skipped.
    """
    seeds, traces, seed = [], [], 0
    while len(seeds) < count:
        trace = {task: _build(task, seed, seed).trace for task in TASKS}
        if all(distinct(trace[task], other[task]) for other in traces for task in TASKS):
            seeds.append(seed)
            traces.append(trace)
        seed += 1
        if seed > 200 * count + 1000:
            raise RuntimeError(f"only {len(seeds)} distinct learners in {seed} draws: add choices to the builders")
    return seeds


def write_class(folder, count: int, *, distinct_only: bool = True) -> dict[str, int]:
    """``count`` learners ``learner_NNN`` in ``folder``: ``{name: structure seed}``.

    With ``distinct_only`` (for tests) their answers are :func:`independent`; without (a large class for
    timing), seeds 0, 1, 2, ... as they come, some answers alike by chance as in a real class.
    """
    names = {}
    for number, seed in enumerate(independent(count) if distinct_only else range(count)):
        names[f"learner_{number:03d}"] = seed
        write(folder, f"learner_{number:03d}", notebook(learner(seed)))
    return names


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--learners", type=int, default=300)
    args = parser.parse_args(argv)
    seeds = write_class(args.output, args.learners, distinct_only=False)
    write(args.output, "copier", notebook(*planted_copy(seeds["learner_007"])))
    print(f"wrote {args.learners + 1} learners (copier copied learner_007) in {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
