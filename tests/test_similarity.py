"""``course-grade similarity``: copied answers are flagged task by task; shared and given code is not evidence.

The class is synthetic (``tests/files/similarity/make_class.py``): 30 learners whose answers to four tasks of
exercise 08 are composed from independent draws of many choices, and a planted copier who renamed every
variable and helper, moved the helpers and changed comments and whitespace.
"""

import ast
import csv
import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_lib.grading import similarity
from course_lib.grading.submissions import read_code_cells

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = "08_evaluating_models"


def _load_make_class():
    spec = importlib.util.spec_from_file_location("make_class", ROOT / "tests/files/similarity/make_class.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_class"] = module
    spec.loader.exec_module(module)
    return module


make_class = _load_make_class()


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _solution_notebook():
    notebook = nbformat.read(ROOT / "solutions" / f"{EXERCISE}.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """30 independent learners and ``copier``, who copied the one among them with the most helper functions."""
    folder = tmp_path_factory.mktemp("class")
    seeds = make_class.write_class(folder / "submissions", 30)
    original = max(seeds, key=lambda name: (make_class.helper_count(seeds[name]), name))
    make_class.write(folder / "submissions", original,
                     make_class.notebook(make_class.learner(seeds[original], helpers_before=True)))
    make_class.write(folder / "submissions", "copier", make_class.notebook(*make_class.planted_copy(seeds[original])))
    results = similarity.similarity(folder / "submissions", folder / "out")
    return folder, seeds, original, results[0]


def test_the_independent_answers_are_correct_and_not_alike(planted):
    """The fixture's premise: every learner's answers work, and no two learners wrote a task alike."""
    folder, seeds, _, result = planted
    def run(path):  # the notebook's definitions, without its set-up and check cells
        namespace = {"np": np}
        exec("\n".join(cell for cell in read_code_cells(path)[1:] if not cell.startswith(("check(", "print("))),
             namespace)
        return namespace

    reference = run(ROOT / "solutions" / f"{EXERCISE}.ipynb")
    rng = np.random.default_rng(0)
    y_true, y_pred, classes = rng.integers(0, 2, 60), rng.integers(0, 2, 60), rng.integers(0, 4, (2, 60))
    scores = rng.integers(0, 10, 60) / 10
    for name in [*seeds, "copier"]:
        namespace = run(folder / "submissions" / name / f"{EXERCISE}.ipynb")
        for task, args in [("binary_scores", (y_true, y_pred)), ("balanced_accuracy", tuple(classes)),
                           ("confusion_counts", (*classes, 4)), ("auc_by_pairs", (y_true, scores))]:
            got, want = namespace[task](*args), reference[task](*args)
            if isinstance(want, dict):
                got, want = [got[key] for key in want], list(want.values())
            np.testing.assert_allclose(np.asarray(got, float), np.asarray(want, float), err_msg=f"{name} {task}")
    for task in make_class.TASKS:
        normalised = [similarity.fingerprint(result.code[name, task]).filtered_code for name in seeds]
        assert len(set(normalised)) == len(normalised), f"two independent learners wrote {task} alike"


def test_the_planted_pair_ranks_first_and_independent_pairs_score_low(planted):
    folder, seeds, original, result = planted
    rows = _rows(folder / "out" / "similarity.csv")
    assert {rows[0]["learner_a"], rows[0]["learner_b"]} == {original, "copier"}
    assert float(rows[0]["score"]) > 0.9
    assert {item.split(":")[0] for item in rows[0]["matched_tasks"].split(";")} == set(make_class.TASKS)
    independent = [pair.score for (a, b), pair in result.pairs.items() if "copier" not in (a, b)]
    assert len(independent) > 100  # they do share passages: the score, not the index, keeps them apart
    assert max(independent) < 0.4  # 0.34 when written
    assert len(rows) == 1, f"independent pairs flagged: {rows[1:]}"
    # the copy really is disguised: no local or helper name in common, helpers in another place and order
    for task in make_class.TASKS:
        copied, own = result.code["copier", task], result.code[original, task]
        names = {node.id for code in (copied,) for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Name)}
        theirs = {node.id for node in ast.walk(ast.parse(own)) if isinstance(node, ast.Name)}
        assert names & theirs <= {"np", "y_true", "y_pred", "scores", "num_classes", "float", "int", "len", "sum",
                                  "max", "zip", "range", "dict", "list", "map", "set", "sorted", "itertools",
                                  "rankdata", "Counter", "ValueError", "enumerate", "k", "v"}, task
    cells = read_code_cells(folder / "submissions" / "copier" / f"{EXERCISE}.ipynb")
    assert cells[-1].startswith("def ") and make_class.helper_count(seeds[original]) >= 2


def test_the_pair_page_shows_both_sides_highlighted(planted):
    folder, _, original, _ = planted
    page = (folder / "out" / "pairs" / "pair-0001.html").read_text(encoding="utf-8")
    assert page.count("<mark>") >= 8 and "it does not accuse" in page and "copier" in page and original in page
    index = (folder / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="pairs/pair-0001.html"' in index and "Innocent reasons" in index


def test_the_reference_solution_is_one_line_per_task_not_a_pair(tmp_path):
    """Four learners hand in the reference solution (one renamed and re-commented): no pair among them."""
    submissions = tmp_path / "submissions"
    seeds = make_class.write_class(submissions, 6)
    for number in range(3):
        nbformat.write(_solution_notebook(), (submissions / f"ref_{number}").mkdir() or
                       submissions / f"ref_{number}" / f"{EXERCISE}.ipynb")
    renamed = _solution_notebook()
    for cell in renamed.cells:
        source = re.sub(r"#.*", "# copied", cell.source)
        for old, new in [("tp", "hits"), ("fp", "false_alarms"), ("fn", "misses"), ("recalls", "per_class"),
                         ("positive", "pos"), ("negative", "neg"), ("higher", "wins"), ("ties", "draws")]:
            source = re.sub(rf"\b{old}\b", new, source)
        cell.source = source
    (submissions / "ref_renamed").mkdir()
    nbformat.write(renamed, submissions / "ref_renamed" / f"{EXERCISE}.ipynb")
    name = next(iter(seeds))
    make_class.write(submissions, "copier", make_class.notebook(*make_class.planted_copy(seeds[name])))
    results = similarity.similarity(submissions, tmp_path / "out")
    rows = _rows(tmp_path / "out" / "similarity.csv")
    assert [{row["learner_a"], row["learner_b"]} for row in rows] == [{name, "copier"}]
    references = {"ref_0", "ref_1", "ref_2", "ref_renamed"}
    assert not [pair for (a, b), pair in results[0].pairs.items() if {a, b} <= references and pair.score > 0]
    found = {}
    for row in _rows(tmp_path / "out" / "reference.csv"):
        found.setdefault(row["task"], set()).add(row["learner"])
    for task in ("binary_scores", "threshold_for_recall", "auc_by_pairs"):
        assert found[task] >= references, task
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "auc_by_pairs: 4 learner(s) handed in code matching the reference solution" in index
    page = (tmp_path / "out" / f"reference-{EXERCISE}.html").read_text(encoding="utf-8")
    assert page.count("<h2>auc_by_pairs: ref_") == 4 and "<mark>" in page


HEADER = "def binary_scores(y_true, y_pred):\n"
GIVEN_LINES = """\
    \"\"\"Precision, recall and F1 of the positive class (1) as a dict.\"\"\"
    y_true = np.asarray(y_true, dtype=int).ravel()  # given: plain integer vectors
    y_pred = np.asarray(y_pred, dtype=int).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}")
    summary = describe(y_true, y_pred)
"""


def test_the_given_exercise_code_alone_is_not_a_match(tmp_path):
    """Untouched exercise notebooks, and given code kept next to different answers, are no evidence."""
    exercises = tmp_path / "exercises"
    exercises.mkdir()
    given = nbformat.read(ROOT / "exercises" / f"{EXERCISE}.ipynb", as_version=4)
    given.cells.insert(1, nbformat.v4.new_code_cell(
        "def describe(y_true, y_pred):\n    \"\"\"Given: a summary the tasks may use.\"\"\"\n"
        "    counts = {label: int(np.sum(y_true == label)) for label in np.unique(y_true)}\n"
        "    agree = float(np.mean(y_true == y_pred))\n"
        "    return {'counts': counts, 'agreement': agree, 'size': len(y_true), 'labels': sorted(counts)}"))
    stub = next(cell for cell in given.cells if "def binary_scores(" in cell.source)
    stub.source = stub.source.replace(HEADER, HEADER + GIVEN_LINES)
    nbformat.write(given, exercises / f"{EXERCISE}.ipynb")
    submissions = tmp_path / "submissions"
    for learner in ("untouched_a", "untouched_b"):
        (submissions / learner).mkdir(parents=True)
        nbformat.write(given, submissions / learner / f"{EXERCISE}.ipynb")
    for learner, seed in zip(("uses_given_a", "uses_given_b"), make_class.independent(2)):
        answers = make_class.learner(seed)
        answers["binary_scores"] = [cell.replace(HEADER, HEADER + GIVEN_LINES) for cell in answers["binary_scores"]]
        notebook = make_class.notebook(answers)
        notebook.cells.insert(1, nbformat.v4.new_code_cell(given.cells[1].source))
        make_class.write(submissions, learner, notebook)
    result = similarity.similarity(submissions, tmp_path / "out", exercises_dir=exercises)[0]
    assert ("untouched_a", "untouched_b") not in result.pairs
    assert result.not_compared["untouched_a", "binary_scores"] == "no answer of their own"
    assert "summary = describe(" in result.code["uses_given_a", "binary_scores"]
    assert "def describe" not in result.code["uses_given_a", "binary_scores"]
    match = result.pairs["uses_given_a", "uses_given_b"].tasks["binary_scores"]
    assert match.score < 0.3, "the given lines count as shared code"
    assert _rows(tmp_path / "out" / "similarity.csv") == []


COMMON_SNIPPET = """\
    if not isinstance(y_true, np.ndarray) or not isinstance(y_pred, np.ndarray):
        raise TypeError(f"expected NumPy arrays, got {type(y_true).__name__} and {type(y_pred).__name__}")
    if y_true.ndim != 1 or y_pred.ndim != 1 or y_true.size != y_pred.size:
        raise ValueError(f"expected two 1-D arrays of one length, got shapes {y_true.shape} and {y_pred.shape}")
    if not np.isin(y_true, (0, 1)).all() or not np.isin(y_pred, (0, 1)).all():
        raise ValueError("expected labels 0 and 1 only")
"""


def test_code_most_of_the_class_shares_is_discounted(tmp_path):
    """A check from a tutorial pasted by 12 of 14 learners (more than 10: MOSS's rule) is not evidence: their
    scores are what they would be without it."""
    scores = {}
    for pasted in (False, True):
        submissions = tmp_path / f"pasted_{pasted}"
        for number, seed in enumerate(make_class.independent(14)):
            answers = make_class.learner(seed)
            if pasted and number < 12:
                answers["binary_scores"] = [cell.replace(HEADER, HEADER + COMMON_SNIPPET)
                                             for cell in answers["binary_scores"]]
            make_class.write(submissions, f"learner_{number:02d}", make_class.notebook(answers))
        result = similarity.similarity(submissions, tmp_path / f"out_{pasted}")[0]
        scores[pasted] = {key: pair.tasks["binary_scores"].score for key, pair in result.pairs.items()
                          if "binary_scores" in pair.tasks}
    # winnowing picks other fingerprints next to a removed passage: scores move a little, either way (0.57 when
    # the common passage counts)
    assert max(abs(scores[True].get(key, 0) - scores[False].get(key, 0)) for key in scores[True]) < 0.2
    assert _rows(tmp_path / "out_True" / "similarity.csv") == []


def test_learners_sharing_one_answer_are_one_group_line(tmp_path):
    submissions = tmp_path / "submissions"
    seeds = make_class.independent(4)
    for number, seed in enumerate(seeds):
        make_class.write(submissions, f"learner_{number}", make_class.notebook(make_class.learner(seed)))
    for copier in ("copier_a", "copier_b"):
        make_class.write(submissions, copier, make_class.notebook(make_class.learner(seeds[0], surface=copier)))
    result = similarity.similarity(submissions, tmp_path / "out")[0]
    assert similarity.groups(result, similarity.THRESHOLD) == [["copier_a", "copier_b", "learner_0"]]
    assert "3 learners share code with one another (read their pairs together): copier_a, copier_b, learner_0" in \
        (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_short_answers_are_not_compared_unless_asked(tmp_path):
    """``choose_and_report`` in two lines is written alike by many; --min-tokens 0 compares it after all."""
    submissions = tmp_path / "submissions"
    short = ("def choose_and_report(val_accuracy, test_accuracy):\n"
             "    ranked = sorted(val_accuracy, key=val_accuracy.get)\n"
             "    return ranked[-1], test_accuracy[ranked[-1]]")
    for learner in ("a", "b"):
        make_class.write(submissions, learner, make_class.notebook({"choose_and_report": [short]}))
    result = similarity.similarity(submissions, tmp_path / "out")[0]
    assert result.not_compared["a", "choose_and_report"] == "under 30 tokens of their own"
    assert not result.pairs
    result = similarity.similarity(submissions, tmp_path / "out", min_tokens=0)[0]
    assert result.pairs["a", "b"].tasks["choose_and_report"].score == 1.0


def test_helper_order_and_names_do_not_change_the_task_code():
    first = ["def scale(v):\n    return v * 2.0\n", "def shift(v):\n    return v - 1\n",
             "def task(x):\n    # doubled, then moved\n    return shift(scale(x)) + other(x)\n",
             "def other(x):\n    return x"]
    second = ["def t2(q):\n    return q-1", "def task(x):\n    return t2(t1(x))+other(x)",
              "def t1(q):\n    return q*2.0"]
    code = [similarity.task_code(similarity.definitions(cells), "task", others={"other"}) for cells in (first, second)]
    assert [similarity.fingerprint(text).filtered_code for text in code] == [
        "defF(V):returnV(V(V))+V(V)defF(V):returnV-1defF(V):returnV*2.0"] * 2  # in order of use: shift, scale


def test_discount_masks_a_passage_and_the_fingerprints_straddling_its_edges():
    from copydetect.utils import filter_code

    header = "def f(y_true, y_pred):\n"
    passage = ("    if y_true.ndim != 1 or y_pred.ndim != 1 or y_true.size != y_pred.size:\n"
               "        raise ValueError(f'expected two 1-D arrays of one length, got {y_true.shape}')\n")
    code = (header + "    total = np.sum(y_true * 2 + y_pred) - np.count_nonzero(y_pred)\n" + passage
            + "    return float(total) / max(len(y_true), 1) + np.mean(y_pred) * np.std(y_true)\n")
    print_ = similarity.fingerprint(code, window=1)
    shared = filter_code(header + passage, "x.py", "python")[0][len("defF(V,V):"):]
    start, end, k = print_.filtered_code.find(shared), print_.filtered_code.find(shared) + len(shared), print_.k
    assert start > k and end < len(print_.filtered_code) - k
    before = [at for where in print_.hash_idx.values() for at in where]
    similarity.discount(print_, similarity.fingerprint(header + passage, window=1).hashes)
    after = [at for where in print_.hash_idx.values() for at in where]
    inside = [max(0, min(at + k, end) - max(at, start)) for at in after]
    assert max(inside) * 2 < k  # none is half inside the passage ...
    assert [at for at in before if 0 < min(at + k, end) - max(at, start) < k and at not in after]  # ... edges went
    assert min(after) == 0 and max(after) == len(print_.filtered_code) - k  # the rest stays
    assert print_.token_coverage < len(print_.filtered_code) - (end - start) + k  # coverage computed again


def test_at_equal_scores_the_pair_sharing_more_code_ranks_first():
    def pair(name, tasks):
        return similarity.PairResult(EXERCISE, "a", name, {task: similarity.TaskMatch(task, 1.0, 1.0, 1.0, 200, 200)
                                                           for task in tasks})

    one, four = pair("b", ["confusion_counts"]), pair("z", make_class.TASKS)
    assert sorted([one, four], key=similarity.rank_key) == [four, one]


def test_magics_and_broken_cells_are_skipped_and_lambdas_count():
    found = similarity.definitions(["%matplotlib inline\ndef f(x):\n    return x", "def g(:\n  broken", "!ls\nx = 1",
                                    "relu = lambda z: f(z) * (z > 0)"])
    assert list(found) == ["f", "relu"]
    assert similarity.task_code(found, "relu") == "relu = lambda z: f(z) * (z > 0)\n\ndef f(x):\n    return x"


def test_hostile_code_and_names_are_escaped(tmp_path):
    submissions = tmp_path / "submissions"
    hostile = ("def binary_scores(y_true, y_pred):\n    # </pre><script>alert('comment')</script>\n"
               "    note = \"</pre><script>alert('string')</script><img src=x onerror=alert(1)>\"\n"
               "    tp = np.sum((y_pred == 1) & (y_true == 1)) + len(note) * 0\n"
               "    fp = np.sum((y_pred == 1) & (y_true == 0))\n    fn = np.sum((y_pred == 0) & (y_true == 1))\n"
               "    return {'precision': tp / max(tp + fp, 1), 'recall': tp / max(tp + fn, 1), '<b>': note}\n")
    for learner in ("<script>alert(1)", "<img src=x onerror=alert(2)>", "=HYPERLINK(1)"):
        make_class.write(submissions, learner, make_class.notebook({"binary_scores": [hostile]}))
    similarity.similarity(submissions, tmp_path / "out")
    pages = [tmp_path / "out" / "index.html", *sorted((tmp_path / "out" / "pairs").iterdir())]
    assert len(pages) == 4
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text.lower() and "<img" not in text.lower() and "<b>" not in text
    assert "&lt;script&gt;alert(&#x27;string&#x27;)" in pages[1].read_text(encoding="utf-8")
    names = {row[column] for row in _rows(tmp_path / "out" / "similarity.csv") for column in ("learner_a", "learner_b")}
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names


def test_command_line(tmp_path, capsys):
    submissions = tmp_path / "submissions"
    make_class.write_class(submissions, 3)
    assert similarity.main([str(submissions), "--output", str(tmp_path / "out"), "--exercise", EXERCISE]) == 0
    assert "3 learners, 0 pair(s) flagged" in capsys.readouterr().out
    assert (tmp_path / "out" / "index.html").is_file() and (tmp_path / "out" / "similarity.csv").is_file()
    assert similarity.main([str(submissions), "--output", str(tmp_path / "out"), "--threshold", "2"]) == 2
    assert "threshold must be in (0, 1], got 2.0" in capsys.readouterr().err
    (submissions / "notes.txt").write_text("not a learner")
    (submissions / "learner_000" / "softmax.ipynb").write_text("{}")
    assert similarity.main([str(submissions), "--output", str(tmp_path / "out")]) == 0
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "notes.txt: not a learner folder" in index and "softmax.ipynb: not the name of an exercise" in index
    assert similarity.main([str(tmp_path / "nowhere"), "--output", str(tmp_path / "out")]) == 2
    assert similarity.main([str(submissions), "--output", str(tmp_path / "out"), "--exercise", "99_x"]) == 2
