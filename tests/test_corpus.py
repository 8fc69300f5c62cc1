"""The checks against the corpus of learners' answers (``tests/corpus.py``): every wrong answer fails with the
hint that names its cause and every correctly written variant passes, on several seeds; and each kind of
guarantee, broken on purpose, lets some answer of the corpus through.
"""

import dataclasses

import pytest

from course_lib import checks

import corpus

EXERCISE_NAMES = checks.exercise_names()
TASKS = [(name, task) for name in EXERCISE_NAMES for task in checks.get_exercise(name).tasks]
CORPUS = {name: corpus.load(name) for name in EXERCISE_NAMES}
ANSWERS = [answer for name in EXERCISE_NAMES for answer in CORPUS[name]]


def test_corpus_is_large_and_has_correct_variants():
    wrong = [answer for answer in ANSWERS if not answer.correct]
    right_tasks = {(answer.exercise, answer.task) for answer in ANSWERS if answer.correct}
    assert len(wrong) >= 280 and len(right_tasks) >= 30, (len(wrong), len(right_tasks))


def _accept_anything(data, inputs):
    return None


@pytest.mark.parametrize(("name", "task_name"), TASKS)
def test_corpus_answers_get_their_verdicts(name, task_name):
    """Every wrong answer fails with its hint and every right one passes, on each seed; and the corpus reaches
    the judge: with the judge replaced by one that accepts anything, some wrong answer would pass."""
    task = checks.get_exercise(name)[task_name]
    answers = [answer for answer in CORPUS[name] if answer.task == task_name]
    wrong = [answer for answer in answers if not answer.correct]
    if len(wrong) < 4:
        pytest.fail(f"{name}/{task_name} has {len(wrong)} wrong answers in {corpus.WRONG_ANSWERS / (name + '.py')}; "
                    f"at least 4 are needed")
    broken_judge = dataclasses.replace(task, judge=_accept_anything)
    problems, caught_by_judge = [], 0
    for answer in answers:
        results = []
        for seed in corpus.SEEDS:
            collected = corpus.collect(answer, seed)
            results.append((seed, checks.judge_answer(task, collected, seed)))
            if not answer.correct and seed == corpus.SEEDS[0] and not results[-1][1].passed:
                caught_by_judge += checks.judge_answer(broken_judge, collected, seed).passed
        ok, why = corpus.verdict(answer, results)
        if not ok:
            problems.append(f"{answer.label}: {why}")
    assert not problems, "\n".join(problems)
    assert caught_by_judge, f"{name}/{task_name}: no wrong answer in the corpus reaches the judge"


def test_corpus_files_name_real_tasks():
    for path in [*corpus.WRONG_ANSWERS.glob("*.py"), *corpus.RIGHT_ANSWERS.glob("*.py")]:
        assert path.stem in EXERCISE_NAMES, f"{path}: no exercise {path.stem!r}"
        exercise = checks.get_exercise(path.stem)
        for answer in corpus.load(path.stem):
            assert answer.task in exercise.tasks, f"{path.name}: no task {answer.task!r}"


# --------------------------------------------------------------------------------------------------------
# Each guarantee, broken on purpose, lets part of the corpus through


def _old_integer_check(self, data, what):
    if type(data) is float and data.is_integer():
        return
    return _INTEGER_CHECK(self, data, what)


_INTEGER_CHECK = checks.Integer.check


def _no_compile_problem(model, **settings):
    return None


def _loaders_on(namespace, task_name):
    import contextlib

    return contextlib.nullcontext()


def _nothing_changed(snapshot):
    return None


def _break_inputs(monkeypatch):  # the comparison only: the loaders stay off
    monkeypatch.setattr("course_lib.checks.guards._changed", _nothing_changed)


def _break_integers(monkeypatch):
    monkeypatch.setattr(checks.Integer, "check", _old_integer_check)


def _break_loaders(monkeypatch):
    monkeypatch.setattr("course_lib.checks.guards.loaders_off", _loaders_on)


def _break_keras_settings(monkeypatch):
    import sys

    for name in EXERCISE_NAMES:
        module = sys.modules[f"course_lib.checks.tasks.ex{name}"]
        if hasattr(module, "compile_problem"):
            monkeypatch.setattr(module, "compile_problem", _no_compile_problem)


BREAKS = {  # the guarantee, how to break it, and words in the hints of the answers it alone should catch
    "inputs unchanged": (_break_inputs, "in place"),
    "ints are ints": (_break_integers, "expected an int"),
    "data as given": (_break_loaders, "Use only the arrays the check passes in"),
    "Keras settings names hide": (_break_keras_settings, "from_logits"),
}


@pytest.mark.parametrize("kind", BREAKS)
def test_breaking_a_guarantee_lets_part_of_the_corpus_through(kind, monkeypatch):
    """The corpus is a test of the checks only if it notices when one goes wrong: switch a guarantee off and
    some wrong answer that relied on it must pass (seed 1 is enough to show it)."""
    breaks, words = BREAKS[kind]
    answers = [answer for name in EXERCISE_NAMES for answer in corpus.load(name)
               if not answer.correct and words in answer.hint]
    assert len(answers) >= 2, f"the corpus has {len(answers)} wrong answers whose hint says {words!r}"
    breaks(monkeypatch)
    through = next((answer.label for answer in answers if corpus.run(answer, corpus.SEEDS[0]).passed), None)
    assert through, f"with '{kind}' broken, none of the {len(answers)} answers it should catch passed"
