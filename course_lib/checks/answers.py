"""The structure a task's answer must have, checked before any judge sees it.

Everything that comes out of a learner's kernel is untrusted data: the code that gathered it may be the
course's, or a replacement the learner slipped in. Each task therefore declares, next to its judge, the
*structure* its inputs call for: one answer per case, a number here, an array of this shape there, a dict
with these keys. :func:`course_lib.checks.judge_answer` holds the plain data against that structure in the
grader's own process and fails the task, with a message naming what is missing, before the judge runs. A
judge can then loop over ``zip(inputs["cases"], data)`` knowing that nothing was left out.

Declare a structure with ``answer=`` when registering a task, either fixed or made from the inputs::

    @EXERCISE.task("softmax", points=2, inputs=_softmax_inputs, collect=call_each_case,
                   answer=lambda inputs: Cases(inputs, lambda case: Array(shape=case["z"].shape)))

The building blocks: :data:`ANY`, :class:`Number`, :class:`Integer`, :class:`Text`, :class:`Flag`,
:class:`Array`, :class:`ListOf`, :class:`Items`, :class:`Record`, :class:`Either`, :class:`Cases` and
:class:`CasesUntilError`.

>>> spec = ListOf(Number(), length=2)
>>> spec.check([1.0, 2], "the answer")
>>> spec.check([1.0], "the answer")
Traceback (most recent call last):
course_lib.checks.Fail: the answer has 1 item, expected 2.
"""

from __future__ import annotations

import math

from .plain import Fail, expect_array, is_plain_array

__all__ = ["ANY", "Array", "Cases", "CasesUntilError", "Either", "Flag", "Integer", "Items", "ListOf", "Number",
           "Record", "Spec", "Text"]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _kind(data) -> str:
    """How plain ``data`` reads in a message: ``a list``, ``None``, ``an array``."""
    if data is None:
        return "None"
    if is_plain_array(data):
        return "an array"
    name = {bool: "a bool", int: "an int", float: "a float", str: "a string", list: "a list", dict: "a dict"}
    return name.get(type(data), f"a {type(data).__name__}")


def _none_hint(data) -> str:
    return ": did the function forget to `return` its result?" if data is None else ""


class Spec:
    """One level of an answer's structure. :meth:`check` raises :class:`Fail` or returns ``None``."""

    def check(self, data, what: str) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def example(self):
        """A plain value of this structure (zeros, first choices): well formed, almost never right."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides it

    def __repr__(self):
        return type(self).__name__


class _Any(Spec):
    """Anything the plain-data conversion lets through; the judge reads it itself."""

    def check(self, data, what):
        return None

    def example(self):
        return None

    def __repr__(self):
        return "ANY"


#: No constraint at this level (use it where the judge reads a value itself, e.g. a free-text note).
ANY = _Any()


class Number(Spec):
    """An ``int`` or ``float`` (not a bool), or an array holding exactly one number."""

    def __init__(self, *, finite: bool = False):
        self.finite = finite

    def check(self, data, what):
        if type(data) in (int, float):
            value = float(data)
        elif is_plain_array(data):
            array = expect_array(data, what, finite=False)
            if array.size != 1:
                raise Fail(f"{what} has shape {array.shape}; expected a single number.")
            value = float(array.ravel()[0])
        else:
            raise Fail(f"{what} is {_kind(data)}; expected a number{_none_hint(data)}.")
        if self.finite and not math.isfinite(value):
            raise Fail(f"{what} is {value}; expected a finite number.")

    def example(self):
        return 0.0


class Integer(Spec):
    """An ``int``, or a one-element integer array (NumPy integers become ``int``); never a float, even 3.0."""

    def check(self, data, what):
        if type(data) is int:
            return
        if is_plain_array(data) and str(data["__ndarray__"]).startswith(("int", "uint")) and len(data["data"]) == 1:
            return
        if type(data) is float or (is_plain_array(data) and str(data["__ndarray__"]).startswith("float")):
            shown = f" ({data!r})" if type(data) is float else ""
            raise Fail(f"{what} is a float{shown}; expected an int. `/`, `np.mean`, `np.prod` of floats and "
                       f"`np.sqrt` all give floats, and `np.zeros(shape)` or `range(n)` refuse them: convert "
                       f"with `int(...)`, or use `//` for whole-number division.")
        raise Fail(f"{what} is {_kind(data)}; expected an int{_none_hint(data)}.")

    def example(self):
        return 0


class Text(Spec):
    """A string, optionally one of ``choices``."""

    def __init__(self, choices=None):
        self.choices = None if choices is None else tuple(choices)

    def check(self, data, what):
        if type(data) is not str:
            raise Fail(f"{what} is {_kind(data)}; expected a string{_none_hint(data)}.")
        if self.choices is not None and data not in self.choices:
            raise Fail(f"{what} is {data[:80]!r}; expected one of {', '.join(map(repr, self.choices))}.")

    def example(self):
        return self.choices[0] if self.choices else ""


class Flag(Spec):
    """``True`` or ``False``."""

    def check(self, data, what):
        if type(data) is not bool:
            raise Fail(f"{what} is {_kind(data)}; expected True or False{_none_hint(data)}.")

    def example(self):
        return False


class Array(Spec):
    """An array of numbers (or a nested list of them) of ``shape`` (``None`` for any size on that axis)."""

    def __init__(self, shape=None, *, ndim=None):
        self.shape = None if shape is None else tuple(None if n is None else int(n) for n in shape)
        self.ndim = ndim

    def check(self, data, what):
        if type(data) is bool or not (is_plain_array(data) or type(data) in (list, int, float)):
            raise Fail(f"{what} is {_kind(data)}; expected an array of numbers{_none_hint(data)}.")
        expect_array(data, what, shape=self.shape, ndim=self.ndim, finite=False)

    def example(self):
        shape = [1 if n is None else n for n in self.shape] if self.shape is not None else [1] * (self.ndim or 1)
        return {"__ndarray__": "float64", "shape": shape, "data": [0.0] * math.prod(shape)}

    def __repr__(self):
        return f"Array(shape={self.shape})" if self.shape is not None else f"Array(ndim={self.ndim})"


class ListOf(Spec):
    """A list (a tuple becomes one) of items that each have structure ``item``; ``length`` if fixed."""

    def __init__(self, item: Spec = ANY, *, length=None, min_length=0):
        self.item, self.length, self.min_length = item, length, min_length

    def check(self, data, what):
        if type(data) is not list:
            raise Fail(f"{what} is {_kind(data)}; expected a list{_none_hint(data)}.")
        if self.length is not None and len(data) != self.length:
            raise Fail(f"{what} has {_plural(len(data), 'item')}, expected {self.length}.")
        if len(data) < self.min_length:
            raise Fail(f"{what} has {_plural(len(data), 'item')}, expected at least {self.min_length}.")
        for number, item in enumerate(data, start=1):
            self.item.check(item, f"item {number} of {what}")

    def example(self):
        count = self.length if self.length is not None else max(self.min_length, 1)
        return [self.item.example() for _ in range(count)]


class Items(Spec):
    """A list of fixed length whose items have one structure each: ``Items(Array(...), Number())`` for ``(w, b)``."""

    def __init__(self, *items: Spec, names=None):
        self.items = items
        self.names = names

    def check(self, data, what):
        if type(data) is not list:
            raise Fail(f"{what} is {_kind(data)}; expected {_plural(len(self.items), 'value')} "
                       f"({', '.join(self.names) if self.names else 'a tuple or list'}){_none_hint(data)}.")
        if len(data) != len(self.items):
            raise Fail(f"{what} has {_plural(len(data), 'value')}, expected {len(self.items)}"
                       + (f" ({', '.join(self.names)})." if self.names else "."))
        for number, (spec, item) in enumerate(zip(self.items, data)):
            name = self.names[number] if self.names else f"value {number + 1}"
            spec.check(item, f"{name} in {what}")

    def example(self):
        return [spec.example() for spec in self.items]


class Record(Spec):
    """A dict with string keys: every key of ``fields`` present with its structure, plus ``optional`` ones.

    Keys not named are allowed only with ``extra=True``.
    """

    def __init__(self, fields: dict, *, optional: dict | None = None, extra: bool = False):
        self.fields, self.optional, self.extra = dict(fields), dict(optional or {}), extra

    def check(self, data, what):
        if type(data) is not dict or is_plain_array(data):
            raise Fail(f"{what} is {_kind(data)}; expected a dict with the keys "
                       f"{', '.join(map(repr, self.fields))}{_none_hint(data)}.")
        missing = [key for key in self.fields if key not in data]
        if missing:
            raise Fail(f"{what} has no {', '.join(map(repr, missing))}; expected the keys "
                       f"{', '.join(map(repr, self.fields))}.")
        if not self.extra:
            unknown = sorted(key for key in data if key not in self.fields and key not in self.optional)
            if unknown:
                raise Fail(f"{what} has unexpected keys {', '.join(map(repr, unknown[:5]))}.")
        for key, spec in self.fields.items():
            spec.check(data[key], f"{key!r} of {what}")
        for key, spec in self.optional.items():
            if key in data:
                spec.check(data[key], f"{key!r} of {what}")

    def example(self):
        return {key: spec.example() for key, spec in self.fields.items()}


class Either(Spec):
    """One of several structures; the message of the first one is shown when none fits."""

    def __init__(self, *options: Spec):
        self.options = options

    def check(self, data, what):
        first = None
        for option in self.options:
            try:
                option.check(data, what)
                return
            except Fail as fail:
                first = first or fail
        raise first

    def example(self):
        return self.options[0].example()


def _case_spec(item, case):
    return item(case) if callable(item) and not isinstance(item, Spec) else item


class Cases(Spec):
    """One answer per case of ``inputs["cases"]``, in order; ``item`` is a :class:`Spec` or ``case -> Spec``."""

    def __init__(self, inputs: dict, item=ANY):
        self.cases = list(inputs["cases"])
        self.item = item

    def check(self, data, what):
        if type(data) is not list:
            raise Fail(f"{what} is {_kind(data)}; expected a list with one answer per case{_none_hint(data)}.")
        if len(data) != len(self.cases):
            raise Fail(f"{what} holds {_plural(len(data), 'answer')} for the {len(self.cases)} cases the check "
                       f"tried; every case needs its answer.")
        for number, (case, got) in enumerate(zip(self.cases, data), start=1):
            _case_spec(self.item, case).check(got, f"the answer to case {number}")

    def example(self):
        return [_case_spec(self.item, case).example() for case in self.cases]


class CasesUntilError(Cases):
    """Like :class:`Cases`, for a collect that records ``{"raised": message}`` and stops at the first error.

    Each answer is ``{"returned": value}``; only the last may be ``{"raised": text}``, and the list is
    shorter than the cases only when it ends with one.
    """

    def check(self, data, what):
        if type(data) is not list:
            raise Fail(f"{what} is {_kind(data)}; expected a list with one answer per case{_none_hint(data)}.")
        raised = bool(data) and type(data[-1]) is dict and set(data[-1]) == {"raised"}
        if len(data) > len(self.cases) or (len(data) < len(self.cases) and not raised) or not data:
            raise Fail(f"{what} holds {_plural(len(data), 'answer')} for the {len(self.cases)} cases the check "
                       f"tried; every case needs its answer.")
        for number, (case, got) in enumerate(zip(self.cases, data), start=1):
            if raised and number == len(data):
                Text().check(got["raised"], f"the error of case {number}")
                continue
            if type(got) is not dict or set(got) != {"returned"}:
                raise Fail(f"the answer to case {number} is malformed; expected what the function returned.")
            _case_spec(self.item, case).check(got["returned"], f"the answer to case {number}")

    def example(self):
        return [{"returned": _case_spec(self.item, case).example()} for case in self.cases]
