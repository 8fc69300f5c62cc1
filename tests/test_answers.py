"""Answers that cannot be forged into points (course_lib.checks.answers and judge_answer).

Whatever ran in the learner's kernel, only plain data reaches the judges, and a learner who did not write
working functions must score 0 on every task of every exercise, whatever data their kernel sends: empty,
partial, wrong-shaped, mistyped, well-formed but made up, or dressed up as a verdict.
"""

import copy
import math

import numpy as np
import pytest

from course_lib import checks
from course_lib.checks import (ANY, Array, Cases, CasesUntilError, Either, Fail, Flag, Integer, Items, ListOf, Number,
                               Record, Text)
from course_lib.checks.plain import is_plain_array

TASKS = [(name, task_name) for name in checks.exercise_names() for task_name in checks.get_exercise(name).tasks]
SEEDS = (1, 2)


# --------------------------------------------------------------------------------------------------------
# The building blocks


@pytest.mark.parametrize(("spec", "good", "bad", "words"), [
    (Number(), 1.5, "1.5", "expected a number"),
    (Number(), checks.to_plain(np.float64(2.0)), True, "a bool; expected a number"),
    (Number(), 3, None, "forget to `return`"),
    (Integer(), 3, 2.5, "a float \\(2.5\\); expected an int"),
    (Integer(), checks.to_plain(np.int64(3)), 3.0, "convert with `int"),
    (Integer(), 3, checks.to_plain(np.array([3.0])), "a float; expected an int"),
    (Integer(), 3, True, "a bool; expected an int"),
    (Text(["a", "b"]), "b", "c", "expected one of 'a', 'b'"),
    (Flag(), False, 0, "expected True or False"),
    (Array(shape=(2, 3)), checks.to_plain(np.zeros((2, 3))), checks.to_plain(np.zeros((3, 2))), "transposed"),
    (Array(shape=(None, 3)), [[1, 2, 3]], {"a": 1}, "expected an array"),
    (ListOf(Number(), length=2), [1, 2], [1], "has 1 item, expected 2"),
    (Items(Array(shape=(2,)), Number(), names=("w", "b")), [[1, 2], 0.5], [[1, 2]], r"expected 2 \(w, b\)"),
    (Record({"loss": Text()}), {"loss": "mse"}, {"metrics": []}, "has no 'loss'"),
    (Record({"loss": Text()}), {"loss": "mse"}, {"loss": "mse", "points": 9}, "unexpected keys 'points'"),
    (Either(Number(), Text()), "x", [], "expected a number"),
])
def test_specs_accept_their_structure_and_name_what_is_wrong(spec, good, bad, words):
    spec.check(good, "the answer")
    with pytest.raises(Fail, match=words):
        spec.check(bad, "the answer")
    spec.check(spec.example(), "the example")


def test_cases_need_one_answer_per_case():
    inputs = {"cases": [{"z": np.zeros(3)}, {"z": np.zeros((2, 2))}]}
    spec = Cases(inputs, lambda case: Array(shape=case["z"].shape))
    spec.check([[0, 0, 0], [[0, 0], [0, 0]]], "sigmoid")
    for partial, words in (([], "0 answers for the 2 cases"), ([[0, 0, 0]], "1 answer for the 2 cases"),
                           ([[0, 0, 0], [0, 0, 0, 0]], "case 2 has shape")):
        with pytest.raises(Fail, match=words):
            spec.check(partial, "sigmoid")


def test_cases_until_error_allow_only_a_last_error():
    inputs = {"cases": [{"x": 1}, {"x": 2}, {"x": 3}]}
    spec = CasesUntilError(inputs, Number())
    spec.check([{"returned": 1}, {"raised": "ValueError: no"}], "f")
    spec.check([{"returned": 1}, {"returned": 2}, {"returned": 3}], "f")
    for forged in ([], [{"returned": 1}], [{"raised": "x"}, {"returned": 2}, {"returned": 3}], [{"returned": 1, "x": 2}]):
        with pytest.raises(Fail):
            spec.check(forged, "f")


# --------------------------------------------------------------------------------------------------------
# Every task: no points without a working function


def test_every_task_declares_the_structure_of_its_answer():
    undeclared = [f"{name}/{task_name}" for name, task_name in TASKS
                  if checks.get_exercise(name)[task_name].answer is None]
    assert not undeclared, f"tasks without answer=…: {undeclared}"


def _spec(task, seed):
    return task.answer_spec(task.inputs(np.random.default_rng(seed)))


def _paths(data, path=()):
    """Every place in plain data: ``(path, value)``, arrays as leaves."""
    yield path, data
    if type(data) is list:
        for index, item in enumerate(data):
            yield from _paths(item, path + (index,))
    elif type(data) is dict and not is_plain_array(data):
        for key, item in data.items():
            yield from _paths(item, path + (key,))


def _replace(data, path, value):
    data = copy.deepcopy(data)
    if not path:
        return value
    holder = data
    for step in path[:-1]:
        holder = holder[step]
    if value is _DROP:
        del holder[path[-1]]
    else:
        holder[path[-1]] = value
    return data


_DROP = object()


def _mutations(example):
    """Partial, wrong-shaped and mistyped versions of a well-formed answer, each with a name."""
    for path, value in _paths(example):
        where = "/".join(map(str, path)) or "answer"
        if type(value) is list and value:
            yield f"{where}: last item dropped", _replace(example, path, value[:-1])
            yield f"{where}: emptied", _replace(example, path, [])
        elif type(value) is dict and not is_plain_array(value):
            for key in value:
                yield f"{where}: key {key!r} dropped", _replace(example, path + (key,), _DROP)
        elif is_plain_array(value):
            shape = value["shape"]
            yield f"{where}: extra axis", _replace(example, path, dict(value, shape=[*shape, 1], data=value["data"]))
            bigger = [*shape[:-1], shape[-1] + 1] if shape else [2]
            yield f"{where}: one value more", _replace(example, path, dict(value, shape=bigger,
                                                                           data=[0.0] * math.prod(bigger)))
        if value is not None and type(value) is not str and path:
            yield f"{where}: a string instead", _replace(example, path, "0")


FORGED_WHOLE = [("None", None), ("empty list", []), ("empty dict", {}), ("empty string", ""), ("zero", 0),
                ("True", True), ("a verdict", {"status": "passed", "points": 99})]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("name", "task_name"), TASKS)
def test_no_working_function_no_points(name, task_name, seed):
    """Empty, partial, wrong-shaped, mistyped and made-up answers all score 0, with a message."""
    task = checks.get_exercise(name)[task_name]
    example = _spec(task, seed).example()
    _spec(task, seed).check(example, "the example")  # the structure describes itself
    tried = [(f"whole answer: {label}", data) for label, data in FORGED_WHOLE]
    tried.append(("well formed, made up (zeros, first choices)", example))
    tried.extend(_mutations(example))
    for label, data in tried:
        result = checks.judge_answer(task, {"status": "answered", "data": data}, seed)
        assert result.points == 0 and result.status != "passed", (label, data, result)
        assert result.message, (label, result)


@pytest.mark.parametrize(("name", "task_name"), TASKS)
def test_forged_messages_from_the_kernel_score_nothing(name, task_name):
    task = checks.get_exercise(name)[task_name]
    for forged in [{"status": "passed", "data": None}, {"status": "answered"}, {"data": [1, 2, 3]},
                   {"status": "failed", "message": "x" * 10**6}, ["answered", None], "passed", None,
                   {"status": "answered", "data": {"__ndarray__": "float64", "shape": [10**12], "data": []}}]:
        result = checks.judge_answer(task, forged, 1)
        assert result.points == 0 and result.status != "passed", (forged, result)
        assert len(result.message) <= 2000


def test_a_judge_never_sees_a_partial_answer():
    """Today's loop over ``zip(inputs["cases"], data)`` would pass on ``[]``; the structure check fails it first."""
    task = checks.get_exercise("01_neurons")["sigmoid"]
    result = checks.judge_answer(task, {"status": "answered", "data": []}, 1)
    assert result.status == "failed" and "every case needs its answer" in result.message
