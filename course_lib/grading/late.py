"""Late work: a due time, a penalty per started day late, a grace period and a cap.

:class:`LatePolicy` turns what is known of a submission (when it was handed in, or only the platform's
"late" flag, see :mod:`course_lib.grading.collect`) into a penalty in points. The gradebook keeps the raw
score, the penalty and the final score side by side (:class:`~course_lib.grading.gradebook.Gradebook`), so a
policy can be set, changed or removed later without running a notebook again: ``course-grade late OUT``.

**The percent is of the points possible**, not of the points earned: 10 % per day costs every late learner
the same points for the same delay, whatever their score (a weak late submission is not penalised less than
a strong one), and it is what Canvas's own late policy does. The deduction never takes a score below zero:
the penalty is at most the points earned.

- ``days_late``: each *started* day after the due time counts as a day (one minute late is one day), once the
  submission is later than the due time plus the grace period; the grace period only decides *whether* a
  submission is late, the days are then counted from the due time itself.
- Known time first: when the submission time is known, it decides. When only the platform's late flag is
  known (Canvas), a flagged submission counts ``flag_days`` days late, an unflagged one is on time.
  With neither, no penalty, and the record says why.
- ``percent = min(cap, days_late * percent_per_day)``; ``penalty = min(score, max_score * percent / 100)``,
  rounded to 2 decimals.

Example
-------
>>> policy = LatePolicy.from_options(due="2026-12-01T23:59+00:00", percent_per_day=10, grace="15m", cap=50)
>>> policy.assess({"submitted_at": "2026-12-02T00:10+00:00"}, score=8, max_score=10)["penalty"]
0
>>> late = policy.assess({"submitted_at": "2026-12-03T09:00+00:00"}, score=8, max_score=10)
>>> late["days_late"], late["percent"], late["penalty"]
(2, 20.0, 2)
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

__all__ = ["LatePolicy", "add_arguments", "main", "parse_due", "parse_duration", "policy_from_arguments"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")


def parse_due(text) -> datetime:
    """An ISO 8601 due time as an aware datetime; a time without a zone is in this machine's local time zone.

    >>> parse_due("2026-12-01T23:59+01:00").isoformat()
    '2026-12-01T23:59:00+01:00'
    """
    if isinstance(text, datetime):
        moment = text
    else:
        text = str(text).strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(f"the due time {text!r} has a date but no time; add one, e.g. {text}T23:59 (a date "
                             f"alone would mean midnight at its start)")
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            raise ValueError(f"the due time {text!r} is not an ISO 8601 date and time; expected e.g. "
                             f"2026-12-01T23:59+01:00 (or 2026-12-01T23:59 for this machine's time zone)") from None
    if moment.tzinfo is None:  # what the instructor's own clock says
        moment = moment.astimezone()
    return moment


def parse_duration(text) -> timedelta:
    """``"15m"``, ``"90s"``, ``"2h"``, ``"1d"`` (or a bare number of seconds) as a timedelta.

    >>> parse_duration("15m")
    datetime.timedelta(seconds=900)
    """
    if isinstance(text, timedelta):
        return text
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"the grace period {text!r} is not a duration; expected a number with a unit s, m, h or d, "
                         f"e.g. 15m or 1h")
    return timedelta(seconds=float(match[1]) * _UNITS[match[2] or "s"])


def _percent(name: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a percentage from 0 to 100, got {value!r}") from None
    if not math.isfinite(number) or not 0 <= number <= 100:
        raise ValueError(f"{name} must be a percentage from 0 to 100, got {value!r}")
    return number


def _points(value: float):
    """Points as an int when whole (``2``), else rounded to 2 decimals (``2.35``)."""
    value = round(float(value), 2)
    return int(value) if value == int(value) else value


def parse_time(text) -> datetime | None:
    """A stored submission time (ISO 8601 with its zone) as an aware datetime; None when absent or unusable."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@dataclass(frozen=True)
class LatePolicy:
    """When work is due and what lateness costs (see the module's docstring for the rules)."""

    due: datetime
    percent_per_day: float
    grace: timedelta = timedelta(0)
    cap: float = 100.0
    flag_days: int = 1

    def __post_init__(self):
        if not isinstance(self.due, datetime) or self.due.tzinfo is None:
            raise ValueError(f"the due time must be a datetime with a time zone, got {self.due!r}")
        _percent("the late penalty per day", self.percent_per_day)
        _percent("the late cap", self.cap)
        if not isinstance(self.grace, timedelta) or self.grace < timedelta(0):
            raise ValueError(f"the grace period must be a duration of 0 or more, got {self.grace!r}")
        if type(self.flag_days) is not int or self.flag_days < 0:
            raise ValueError(f"the days counted for a late flag must be a whole number of 0 or more, "
                             f"got {self.flag_days!r}")

    @classmethod
    def from_options(cls, *, due, percent_per_day, grace="0", cap=100, flag_days=1) -> "LatePolicy":
        """A policy from the command's texts: ``due`` ISO 8601, ``grace`` like ``15m``, percentages, days."""
        days = flag_days
        if isinstance(days, str) and days.strip().isdigit():
            days = int(days)
        return cls(parse_due(due), _percent("the late penalty per day", percent_per_day), parse_duration(grace),
                   _percent("the late cap", cap), days)

    def to_dict(self) -> dict:
        """Plain data, as the gradebook stores it (:meth:`from_dict` reads it back)."""
        data = asdict(self)
        data["due"], data["grace_seconds"] = self.due.isoformat(), self.grace.total_seconds()
        del data["grace"]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "LatePolicy":
        if not isinstance(data, dict):
            raise ValueError(f"a stored late policy must be a dict, got {data!r:.100}")
        try:
            return cls(parse_due(data["due"]), float(data["percent_per_day"]),
                       timedelta(seconds=float(data.get("grace_seconds", 0))), float(data.get("cap", 100)),
                       int(data.get("flag_days", 1)))
        except (KeyError, TypeError) as error:
            raise ValueError(f"a stored late policy lacks or garbles {error}") from None

    def describe(self) -> str:
        """The policy in one line, as the command prints it."""
        grace = f", {_points(self.grace.total_seconds() / 60)} min grace" if self.grace else ""
        return (f"due {self.due.isoformat()}{grace}: {_points(self.percent_per_day)}% of the points possible per "
                f"started day late, at most {_points(self.cap)}%; a late flag without a time counts "
                f"{self.flag_days} day(s)")

    def days_late(self, submitted_at: datetime | None, late_flag: bool | None) -> tuple[int, str]:
        """Days late and why, from the submission time if known, else from the platform's late flag."""
        if submitted_at is not None:
            delay = submitted_at - self.due
            if delay <= self.grace:
                return 0, "on time" if delay <= timedelta(0) else "within the grace period"
            days = math.ceil(delay.total_seconds() / 86400)
            return days, f"submitted {days} started day(s) after the due time"
        if late_flag is True:
            return self.flag_days, f"marked late by the platform (no submission time: counted as {self.flag_days} day(s))"
        if late_flag is False:
            return 0, "not marked late by the platform"
        return 0, "no submission time or late flag known: no penalty"

    def assess(self, facts: dict | None, *, score, max_score) -> dict:
        """The late dict of one record (``submitted_at``, ``late_flag``, ``days_late``, ``percent``, ``reason``)
        plus its ``penalty`` in points."""
        facts = facts if isinstance(facts, dict) else {}
        submitted_at = parse_time(facts.get("submitted_at"))
        late_flag = facts.get("late_flag") if type(facts.get("late_flag")) is bool else None
        days, reason = self.days_late(submitted_at, late_flag)
        percent = min(self.cap, days * self.percent_per_day)
        penalty = min(float(score or 0), float(max_score or 0) * percent / 100) if percent else 0
        return {"submitted_at": submitted_at.isoformat() if submitted_at else None, "late_flag": late_flag,
                "days_late": days, "percent": float(percent), "reason": reason, "penalty": _points(max(0, penalty))}


# --------------------------------------------------------------------------------------------------------
# Command-line options, shared by `course-grade` and `course-grade late`


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The late-policy options: ``--due``, ``--late-penalty``, ``--grace``, ``--late-cap``, ``--late-flag-days``."""
    group = parser.add_argument_group("late work", "a penalty for late submissions (times from `course-grade "
                                                   "collect`'s manifest); --due and --late-penalty together")
    group.add_argument("--due", metavar="TIME", help="due time, ISO 8601, e.g. 2026-12-01T23:59+01:00 (without a "
                                                     "zone: this machine's local time)")
    group.add_argument("--late-penalty", metavar="PERCENT", help="percent of the points possible lost per started "
                                                                 "day late, e.g. 10")
    group.add_argument("--grace", metavar="DURATION", default="0", help="late by up to this much counts as on time, "
                                                                        "e.g. 15m (units s, m, h, d; default 0)")
    group.add_argument("--late-cap", metavar="PERCENT", default="100", help="the most percent lost (default 100)")
    group.add_argument("--late-flag-days", metavar="DAYS", default="1",
                       help="days late counted for a submission that the platform only flags as late (default 1)")


def policy_from_arguments(args) -> LatePolicy | None:
    """The policy the options name, None when neither --due nor --late-penalty is given; ValueError saying what
    is missing or wrong otherwise."""
    if args.due is None and args.late_penalty is None:
        defaults = {"grace": "0", "late_cap": "100", "late_flag_days": "1"}
        given = [f"--{name.replace('_', '-')}" for name, default in defaults.items() if getattr(args, name) != default]
        if given:
            raise ValueError(f"{', '.join(given)} need --due and --late-penalty (e.g. --due 2026-12-01T23:59+01:00 "
                             f"--late-penalty 10)")
        return None
    if args.due is None or args.late_penalty is None:
        missing = "--due" if args.due is None else "--late-penalty"
        raise ValueError(f"a late policy needs both --due and --late-penalty; {missing} is missing (e.g. --due "
                         f"2026-12-01T23:59+01:00 --late-penalty 10)")
    flag_days = str(args.late_flag_days).strip()
    if not flag_days.isdigit():
        raise ValueError(f"--late-flag-days must be a whole number of days (0 or more), got {args.late_flag_days!r}")
    return LatePolicy.from_options(due=args.due, percent_per_day=args.late_penalty, grace=args.grace,
                                   cap=args.late_cap, flag_days=int(flag_days))


def main(argv=None) -> int:
    """``course-grade late OUT --due TIME --late-penalty PERCENT [...]`` or ``course-grade late OUT --none``."""
    from .gradebook import DATABASE, Gradebook, GradebookError

    parser = argparse.ArgumentParser(
        prog="course-grade late", description="Set, change or remove (--none) the late policy of a graded gradebook, "
                                              "without grading again, and write its files again.",
        epilog="Penalties are a percent of the points possible, never below a score of 0. Exit status: 0 when the "
               "policy was applied; 2 for a problem with the command or the gradebook.")
    parser.add_argument("output", type=Path, help="the gradebook folder (--output of course-grade)")
    add_arguments(parser)
    parser.add_argument("--none", action="store_true", help="remove the late policy: no penalties")
    args = parser.parse_args(argv)
    try:
        policy = policy_from_arguments(args)
        if args.none and policy is not None:
            raise ValueError("--none removes the policy; it cannot be given with --due/--late-penalty")
        if not args.none and policy is None:
            raise ValueError("say what to apply: --due TIME --late-penalty PERCENT (e.g. --due "
                             "2026-12-01T23:59+01:00 --late-penalty 10), or --none to remove the policy")
    except ValueError as error:
        print(f"course-grade late: error: {error}", file=sys.stderr)
        return 2
    if not (args.output / DATABASE).is_file():
        print(f"course-grade late: error: no gradebook in {args.output} (no {DATABASE}): expected the --output "
              f"folder of a course-grade run", file=sys.stderr)
        return 2
    try:
        with Gradebook(args.output) as book:
            book.set_late_policy(policy)
            book.export()
            penalised = [record for record in book.records(answers=False) if record["penalty"]]
    except (GradebookError, NotADirectoryError) as error:
        print(f"course-grade late: error: {error}", file=sys.stderr)
        return 2
    print("late policy removed" if policy is None else f"late policy: {policy.describe()}")
    print(f"{len(penalised)} record(s) penalised, {sum(record['penalty'] for record in penalised):g} point(s) in all; "
          f"gradebook: {args.output / 'grades.csv'}")
    return 0
