"""Grading in shards where no scheduler runs (SLURM job arrays, Kubernetes indexed jobs, CI matrices).

``course-grade SUBMISSIONS --output OUT_I --shard I/N`` grades a deterministic 1/N of the submissions
(:func:`in_shard`: a SHA-256 of the learner's and exercise's names, the same on every machine and in every
run, unlike Python's ``hash()``), and ``course-grade merge OUT_1 ... OUT_N --output OUT`` (:func:`merge`)
joins the shards' gradebooks into one and exports it.

A merge changes nothing and says why when an input folder is missing or holds no gradebook, when two
inputs hold the same learner's exercise (overlapping shards), when the records of one exercise were graded
with different checks (``checks_version``: the shards ran different course versions), when the shards have
different late policies (:mod:`course_lib.grading.late`), or when a gradebook was written by a newer course
(:class:`~course_lib.grading.gradebook.GradebookError`). The merged gradebook keeps the shards' late policy and
their learners' platform names and ids.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from pathlib import Path

from .gradebook import DATABASE, Gradebook, GradebookError
from .submissions import GradingError

__all__ = ["in_shard", "merge", "main", "parse_shard", "shard_of"]

_SHOWN = 5  # examples named in a refusal


def parse_shard(text) -> tuple[int, int]:
    """``"I/N"`` as ``(I, N)``, with ``1 <= I <= N``; :class:`ValueError` naming the mistake otherwise.

    >>> parse_shard("2/3")
    (2, 3)
    """
    parts = str(text).strip().split("/")
    if len(parts) != 2 or not all(part.strip().isascii() and part.strip().isdigit() for part in parts):
        raise ValueError(f"a shard is written I/N with whole numbers, like 2/3 (the second of three), not {text!r}")
    index, count = (int(part) for part in parts)
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"shard {text!r} does not exist: I/N needs 1 <= I <= N, e.g. 1/{max(count, 1)} to "
                         f"{max(count, 1)}/{max(count, 1)}")
    return index, count


def shard_of(learner: str, exercise: str, count: int) -> int:
    """The shard, from 1 to ``count``, that grades ``(learner, exercise)``: the same on every machine.

    >>> shard_of("ada", "01_neurons", 1)
    1
    """
    digest = hashlib.sha256(f"{learner}\0{exercise}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def in_shard(key: tuple[str, str], shard: tuple[int, int] | None) -> bool:
    """Whether the submission ``key = (learner, exercise)`` belongs to ``shard = (I, N)`` (all do for None)."""
    return shard is None or shard_of(*key, shard[1]) == shard[0]


# --------------------------------------------------------------------------------------------------------
# Merging gradebooks


def _open_input(folder: Path) -> Gradebook:
    if not folder.is_dir():
        raise GradingError(f"no gradebook folder at {folder}: expected the --output folder of a course-grade run")
    database = folder / DATABASE
    if not database.is_file() or database.stat().st_size == 0:
        older = (folder / "results.json").is_file()
        raise GradingError(f"{folder} holds no gradebook ({DATABASE}): expected the --output folder of a "
                           f"course-grade run" + (f" (it was graded before the database existed: run `course-grade "
                                                  f"export {folder}` once to make one)" if older else ""))
    return Gradebook(folder)


def _refusals(books: dict) -> list[str]:
    """What stops these gradebooks from being merged: overlapping records, or one exercise's different checks."""
    owner, versions, overlaps = {}, {}, []
    for folder, book in books.items():
        for record in book.records(answers=False):
            key = (record["learner"], record["exercise"])
            if key in owner:
                overlaps.append(f"{key[0]}/{key[1]} in {owner[key]} and {folder}")
            else:
                owner[key] = folder
            if record.get("checks_version"):  # empty for a record made without reading the checks
                versions.setdefault(record["exercise"], {}).setdefault(record["checks_version"], folder)
    problems = []
    if overlaps:
        problems.append(f"{len(overlaps)} submission(s) are in more than one input (overlapping shards?): "
                        f"{'; '.join(overlaps[:_SHOWN])}{' ...' if len(overlaps) > _SHOWN else ''}; merge shards "
                        f"of one run, each graded with its own --shard I/N")
    for exercise, found in sorted(versions.items()):
        if len(found) > 1:
            seen = ", ".join(f"{version} in {folder}" for version, folder in sorted(found.items()))
            problems.append(f"{exercise} was graded with different checks ({seen}); grade every shard with the same "
                            f"version of the course, or regrade the odd ones")
    policies = {folder: book.late_policy for folder, book in books.items()}
    if len(set(policies.values())) > 1:
        seen = "; ".join(f"{folder}: {policy.describe() if policy else 'none'}" for folder, policy in policies.items())
        problems.append(f"the shards have different late policies ({seen}); set one on each with `course-grade late "
                        f"OUT --due ... --late-penalty ...` (or --none) first")
    return problems


def merge(inputs, output, *, progress=None) -> int:
    """Join the gradebooks of ``inputs`` into a new gradebook in ``output`` and export it; the records merged.

    :class:`GradingError` (or :class:`GradebookError` for a newer or damaged database) and nothing written
    when the inputs cannot be merged.
    """
    progress = progress or (lambda message: None)
    inputs, output = [Path(folder) for folder in inputs], Path(output)
    if not inputs:
        raise GradingError("nothing to merge: name the gradebook folders, e.g. course-grade merge out1 out2 "
                           "--output out")
    resolved = [folder.resolve() for folder in inputs]
    if len(set(resolved)) != len(resolved):
        raise GradingError("the same folder is named twice among the inputs")
    if output.resolve() in resolved:
        raise GradingError(f"the --output {output} is one of the inputs; merge into a new folder")
    if (output / DATABASE).exists():
        raise GradingError(f"{output} already holds a gradebook; merge into a new folder")
    if output.exists() and not output.is_dir():
        raise GradingError(f"the --output {output} exists and is not a folder")
    books = {}
    try:
        for folder in inputs:
            books[folder] = _open_input(folder)
        problems = _refusals(books)
        if problems:
            raise GradingError("the gradebooks were not merged:\n- " + "\n- ".join(problems))
        created = not output.exists()
        merged = 0
        try:
            with Gradebook(output) as book:
                book.set_late_policy(next(iter(books.values())).late_policy)  # the same in every input
                for folder, source in books.items():
                    book.set_learners(source.learners())
                    for record in source.records():
                        book.add(record)
                        merged += 1
                        if merged % 1000 == 0:
                            progress(f"merged {merged} records")
                    progress(f"merged {folder}")
                book.export()
        except BaseException:  # a merge that stopped half-way leaves no half gradebook behind
            for name in (DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm"):
                (output / name).unlink(missing_ok=True)
            if created:
                shutil.rmtree(output, ignore_errors=True)
            raise
        return merged
    finally:
        for book in books.values():
            book.close()


def main(argv=None) -> int:
    """``course-grade merge OUT1 OUT2 ... --output OUT``."""
    parser = argparse.ArgumentParser(prog="course-grade merge",
                                     description="Join the gradebooks of shards (course-grade --shard I/N) into one, "
                                                 "and export it.",
                                     epilog="Exit status: 0 when merged; 2 when the inputs cannot be merged (nothing "
                                            "is written then).")
    parser.add_argument("inputs", nargs="+", type=Path, help="the --output folders of the shards")
    parser.add_argument("--output", "-o", type=Path, required=True, help="a new folder for the merged gradebook")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    report = (lambda message: None) if args.quiet else (lambda message: print(message, flush=True))
    try:
        merged = merge(args.inputs, args.output, progress=report)
    except (GradingError, GradebookError) as error:
        print(f"course-grade merge: error: {error}", file=sys.stderr)
        return 2
    report(f"merged {merged} record(s) from {len(args.inputs)} gradebook(s) into {args.output / 'grades.csv'}")
    return 0
