"""Exercise checks, written once for two places: the learner's notebook and the instructor's grader.

A graded task is a function the learner writes (``softmax``, ``build_model``, ``choose_threshold`` …),
some points, and four pieces that never trust the learner's objects:

``inputs(rng)``
    Makes the arguments the learner's function is called with, from a random generator, using NumPy
    only. Both sides call it with the same seed, so both see the same arguments.
``collect(answer, inputs)``
    Runs where the learner's code runs (their kernel). It calls the learner's function and turns what
    came back into *plain data*: numbers, strings, lists, dicts, and arrays spelled out as lists
    (:func:`to_plain`). Learner objects never leave this function.
``answer``
    The structure the plain data must have for these inputs (one answer per case, an array of this shape,
    a dict with these keys; :mod:`course_lib.checks.answers`). It is checked before the judge runs, in the
    grader's process, so nothing a kernel sends can skip a case or smuggle in a malformed value.
``judge(data, inputs)``
    Runs anywhere, in the grader's own clean process too. It compares the plain data with a trusted
    reference and raises :class:`Fail` with a hint that teaches when they differ.

In a notebook, ``check = checker("02_numpy_forward_pass")`` then ``check("dense_forward")`` runs all three
with fresh random inputs and shows the verdict. The answer goes through a JSON round trip even then, so a
learner sees exactly the verdict the grader will give. The grader runs :func:`emit_answers` in the
learner's kernel and :func:`judge_answer` in its own process.

The modules, each of one concern: :mod:`.plain` (plain data and the ``expect_*`` helpers), :mod:`.answers`
(answer structures), :mod:`.registry` (tasks and exercises), :mod:`.models` (Keras models as data),
:mod:`.running` (collect, judge, :class:`Result`), :mod:`.guards` (what every learner function is held to:
its array inputs come back unchanged; a ``data_given`` task's function cannot load the held-out data), :mod:`.notebook` (the learner's ``check``),
:mod:`.progress` (the learner's record), :mod:`.exercises` (exercise notebooks made from solutions) and
:mod:`.tasks` (one module per exercise notebook). Nothing here imports the grader.
"""

from __future__ import annotations

from .answers import ANY, Array, Cases, CasesUntilError, Either, Flag, Integer, Items, ListOf, Number, Record, Spec, Text
from .models import describe_model, weights_digest
from .notebook import checker
from .plain import (Fail, check_gradients, expect_array, expect_close, expect_number, from_plain, numeric_gradient,
                    relative_error, to_plain)
from .registry import (Exercise, Task, call_each_case, call_each_case_until_error, call_with_inputs, exercise_names,
                       get_exercise)
from .running import (ANSWER_MIME, MAX_ANSWER_CHARS, Result, collect_answer, emit_answers, judge_answer, parse_answer,
                      run_task)

__all__ = [
    "ANSWER_MIME", "ANY", "Array", "Cases", "CasesUntilError", "Either", "Exercise", "Fail", "Flag", "Integer",
    "Items", "ListOf", "MAX_ANSWER_CHARS", "Number", "Record", "Result", "Spec", "Task", "Text", "call_each_case",
    "call_each_case_until_error", "call_with_inputs", "check_gradients", "checker", "collect_answer", "describe_model", "emit_answers",
    "exercise_names", "expect_array", "expect_close", "expect_number", "from_plain", "get_exercise",
    "judge_answer", "numeric_gradient", "parse_answer", "relative_error", "run_task", "to_plain", "weights_digest",
]
