"""``course-grade collect DOWNLOAD --from canvas|moodle|folder --output SUBMISSIONS``: a learning platform's bulk
download, made into the ``SUBMISSIONS/<learner>/<exercise>.ipynb`` layout that ``course-grade`` grades.

The stages, each a function below:

1. :func:`read_download`: list the download (a ``.zip``, or the folder it was extracted to) and copy each
   notebook's bytes into a private temporary folder, never by the archive's own paths. A corrupt archive, a
   member whose path leaves the folder (``../x``, ``/etc/x``, ``C:\\x``) or is a symbolic link, and a zip bomb
   (more than :data:`MAX_TOTAL_BYTES` in all, or a member expanding more than :data:`MAX_RATIO` times, counting
   the bytes really read, not what the archive's headers claim) stop the collection before anything is written.
2. :func:`parse_member`: who submitted each file and when, by the platform's naming:

   - **canvas**: ``{lastfirst}_[late_|LATE_]{user id}_{submission id}_{file name}``, where a file uploaded again
     under the same name gets ``-1``, ``-2``, ... before its extension; only the late flag tells the time.
   - **moodle**: ``{Full Name}_{participant id}_assignsubmission_file_/{file name}`` (one folder per learner,
     files possibly nested), or the same as a flat prefix of each file; the zip entries' times tell the time.
   - **folder**: one folder per learner, files named loosely; file times (or zip entry times) tell the time.
3. :func:`match_exercise`: which of the course's exercises a file name means, and by which rule
   (:data:`RULES`: ``exact``, ``case``, ``copy-suffix`` for ``01_neurons (1).ipynb`` or ``Copy of …``,
   ``normalised``, ``number-and-topic``, ``topic``, ``number``, ``checkpoint``).
4. :func:`collect`: place each learner's best file per exercise in ``SUBMISSIONS/<folder>/<exercise>.ipynb``:
   the latest Canvas resubmission, else the file matched by the strongest rule; a tie between different files
   is ambiguous and places neither. A learner's folder is an ASCII slug of their name plus the platform's id
   (:func:`learner_folder`): safe, unique and the same in every collection. A file already at the target is
   never replaced (an identical one is noted). Every file that was not placed is listed with the reason.

``SUBMISSIONS/.collect.json`` (the manifest, a dot-file so the grader's scan skips it) keeps, per learner
folder, the platform's name and ids and, per exercise, the original file name, the rule that matched it,
the late flag and the submission time with its source; ``course-grade`` reads it to apply a late policy
(:mod:`course_lib.grading.late`). Collecting into a folder that has a manifest merges into it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import stat
import sys
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path

from .. import checks
from .submissions import MAX_NOTEBOOK_BYTES

__all__ = ["CollectError", "MANIFEST", "MAX_RATIO", "MAX_TOTAL_BYTES", "PLATFORMS", "RULES", "collect",
           "learner_folder", "main", "match_exercise", "parse_member", "read_download", "read_manifest"]

PLATFORMS = ("canvas", "moodle", "folder")
MANIFEST = ".collect.json"
MANIFEST_VERSION = 1
#: How a file name was matched to an exercise, strongest first (a stronger match wins over a weaker one).
RULES = ("exact", "case", "copy-suffix", "normalised", "number-and-topic", "topic", "number", "checkpoint")
#: Real bytes extracted from an archive, all notebooks together; beyond it the download is refused.
MAX_TOTAL_BYTES = 4 * 2**30
#: Uncompressed / compressed size of one member beyond which (past the first MiB) it is taken for a zip bomb;
#: notebooks compress about 3 to 10 times, a run of zeros about 1000 times.
MAX_RATIO = 200
MAX_MEMBERS = 100_000
_RATIO_FLOOR = 2**20
_SHOWN = 5

_CANVAS = re.compile(r"^(?P<lastfirst>[^_/]*)_(?:(?P<late>late|LATE)_)?(?P<user>\d+)_(?P<submission>\d+)_(?P<name>.+)$")
_CANVAS_VERSION = re.compile(r"^(?P<stem>.+)-(?P<version>\d+)(?P<suffix>\.[^.]+)$")
_MOODLE_DIR = re.compile(r"^(?P<name>.*)_(?P<id>\d+)_assign(?:submission|feedback)_(?P<plugin>[a-z]+)_?$")
_MOODLE_FLAT = re.compile(r"^(?P<name>.*)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.+)$")
_COPY_SUFFIXES = (re.compile(r"^copy of\s+", re.I), re.compile(r"\s*\(\d+\)$"),
                  re.compile(r"\s*-\s*copy(?:\s*\(\d+\))?$", re.I), re.compile(r"[ _-]copy\d*$", re.I),
                  re.compile(r"[ _-]\d+$"))
_SAFE_FOLDER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class CollectError(Exception):
    """A download or manifest that cannot be collected (corrupt, hostile, wrong platform): nothing is written."""


# --------------------------------------------------------------------------------------------------------
# 1. Read the download


@dataclass
class Member:
    """One file of the download: its path there (``/``-separated), where its bytes are, and when it was made."""

    path: str
    data: Path | None = None
    size: int = 0
    submitted_at: str | None = None
    time_source: str | None = None
    problem: str = ""  # why it cannot be placed, whoever it belongs to


def _is_notebook_name(path: str) -> bool:
    return path.lower().endswith(".ipynb")


def _ignored(path: str) -> str:
    """Why a member is not a submission at all (a macOS resource fork), or empty."""
    parts = path.split("/")
    if "__MACOSX" in parts or parts[-1].startswith("._"):
        return "macOS metadata, not a submission"
    return ""


def _unsafe(name: str) -> str:
    """Why an archive member's name is hostile (it would land outside the folder), or empty."""
    text = name.replace("\\", "/")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        return "an absolute path"
    if ".." in text.split("/"):
        return "a path that climbs out of the folder (..)"
    return ""


def _zip_time(info: zipfile.ZipInfo, zone: tzinfo) -> tuple[str | None, str | None]:
    """A zip entry's time: the extended timestamp (UTC) where the zip has one, else its local DOS time in ``zone``."""
    extra = info.extra
    while len(extra) >= 4:
        kind, size = int.from_bytes(extra[:2], "little"), int.from_bytes(extra[2:4], "little")
        body = extra[4:4 + size]
        if kind == 0x5455 and len(body) >= 5 and body[0] & 1:
            moment = datetime.fromtimestamp(int.from_bytes(body[1:5], "little"), timezone.utc)
            return moment.isoformat(), "zip entry's extended timestamp (UTC)"
        extra = extra[4 + size:]
    if info.date_time[:3] == (1980, 1, 1):  # the zip format's "no time"
        return None, None
    moment = datetime(*info.date_time, tzinfo=zone)
    return moment.isoformat(), f"zip entry time (read as {moment.strftime('%z') if zone is not timezone.utc else 'UTC'})"


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: list) -> str:
    """Copy one member to ``target``, counting real bytes; the problem that keeps it from being placed, or empty.

    ``budget`` is ``[bytes left for the whole archive]``; a zip bomb raises :class:`CollectError`.
    """
    read = 0
    try:
        with archive.open(info) as source, open(target, "wb") as out:
            while True:
                chunk = source.read(2**16)
                if not chunk:
                    return ""
                read += len(chunk)
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise CollectError(f"the archive expands to more than {MAX_TOTAL_BYTES // 2**30} GiB of notebooks "
                                       f"(a zip bomb?); nothing was collected")
                if read > _RATIO_FLOOR and read > MAX_RATIO * max(info.compress_size, 1):
                    raise CollectError(f"the archive member {info.filename!r} expands more than {MAX_RATIO} times "
                                       f"its compressed size of {info.compress_size} bytes (a zip bomb?); nothing was "
                                       f"collected")
                if read > MAX_NOTEBOOK_BYTES:
                    return (f"larger than {MAX_NOTEBOOK_BYTES // 2**20} MB, the most the grader reads (clear its "
                            f"outputs and resubmit)")
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        return f"damaged in the archive ({type(error).__name__}: {str(error)[:120]})"
    except RuntimeError as error:  # an encrypted member
        return f"cannot be read from the archive ({str(error)[:120]})"


def _read_zip(path: Path, staging: Path, zone: tzinfo) -> list[Member]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise CollectError(f"{path} is not a zip archive that can be read ({error}); expected the .zip the platform "
                           f"gave (or the folder it extracts to)") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise CollectError(f"{path} holds {len(infos)} entries, more than the {MAX_MEMBERS} a class download has")
        hostile = [f"{info.filename!r} ({why})" for info in infos
                   for why in [_unsafe(info.filename) or ("a symbolic link" if stat.S_ISLNK(info.external_attr >> 16)
                                                          else "")] if why]
        if hostile:
            raise CollectError(f"{path} has {len(hostile)} entr{'y' if len(hostile) == 1 else 'ies'} that would land "
                               f"outside the folder it is extracted to: {'; '.join(hostile[:_SHOWN])}"
                               f"{' ...' if len(hostile) > _SHOWN else ''}; nothing was collected (is this the "
                               f"platform's own download?)")
        members, budget = [], [MAX_TOTAL_BYTES]
        for number, info in enumerate(infos):
            if info.is_dir():
                continue
            member = Member(info.filename.replace("\\", "/"), size=info.file_size)
            member.submitted_at, member.time_source = _zip_time(info, zone)
            member.problem = _ignored(member.path)
            if not member.problem and _is_notebook_name(member.path):
                member.data = staging / f"{number:06d}.ipynb"  # our name, never the archive's
                member.problem = _extract(archive, info, member.data, budget)
            members.append(member)
        return members


def _read_folder(folder: Path) -> list[Member]:
    members = []
    for root, directories, files in os.walk(folder, followlinks=False):
        directories.sort()
        for name in [*sorted(files), *(name for name in directories if os.path.islink(os.path.join(root, name)))]:
            path = Path(root, name)
            relative = path.relative_to(folder).as_posix()
            member = Member(relative, problem=_ignored(relative))
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                member.problem = "a symbolic link, not a file: not followed"
            elif not stat.S_ISREG(info.st_mode):
                member.problem = "not a regular file"
            else:
                member.size = info.st_size
                member.submitted_at = datetime.fromtimestamp(info.st_mtime, timezone.utc).isoformat(timespec="seconds")
                member.time_source = "file modification time"
                member.data = path
                if member.size > MAX_NOTEBOOK_BYTES and not member.problem and _is_notebook_name(relative):
                    member.problem = (f"larger than {MAX_NOTEBOOK_BYTES // 2**20} MB, the most the grader reads (clear "
                                      f"its outputs and resubmit)")
            members.append(member)
    return members


def read_download(download, staging, *, zone: tzinfo = timezone.utc) -> list[Member]:
    """Every file of ``download`` (a zip, or a folder), with notebooks' bytes copied into ``staging`` (zips)."""
    download = Path(download)
    if download.is_dir():
        return _read_folder(download)
    if not download.is_file():
        raise CollectError(f"no download at {download}: expected the platform's .zip or the folder it extracts to")
    return _read_zip(download, Path(staging), zone)


# --------------------------------------------------------------------------------------------------------
# 2. Who submitted each file


@dataclass
class Parsed:
    """What a file's path says: whose it is, their ids, its original name, and (Canvas) its late flag and version."""

    key: tuple  # (platform, id or name): the same learner in every download of the platform
    name: str
    ids: dict
    original: str
    late: bool | None = None
    version: tuple = (0, 0)  # (submission id, resubmission number): the highest is the latest
    checkpoint: bool = False


def _strip_root(paths: list[str], platform: str) -> str:
    """A single folder around everything (a download zipped again, or extracted into a folder of its own)."""
    tops = {path.split("/")[0] for path in paths if "/" in path}
    if len(tops) != 1 or any("/" not in path for path in paths):
        return ""
    top = tops.pop()
    if platform == "canvas" or (platform == "moodle" and not _MOODLE_DIR.match(top)) or (
            platform == "folder" and all(path.count("/") >= 2 for path in paths)):
        return top + "/"
    return ""


def parse_member(path: str, platform: str) -> Parsed | str:
    """Whose file ``path`` (inside the download, ``/``-separated) is; a string saying why it cannot tell otherwise.

    >>> parse_member("smithjane_late_4021_88731_01_neurons-2.ipynb", "canvas").version
    (88731, 2)
    """
    parts = path.split("/")
    checkpoint = ".ipynb_checkpoints" in parts
    if platform == "canvas":
        match = _CANVAS.match(parts[-1])
        if not match:
            return ("not named like a Canvas download ({lastfirst}_{user id}_{submission id}_{file name}); was it "
                    "renamed?")
        original, version = match["name"], 0
        resubmitted = _CANVAS_VERSION.match(original)
        if resubmitted:
            original, version = resubmitted["stem"] + resubmitted["suffix"], int(resubmitted["version"])
        return Parsed(("canvas", match["user"]), match["lastfirst"],
                      {"user_id": match["user"], "submission_id": match["submission"]}, original,
                      late=match["late"] is not None, version=(int(match["submission"]), version),
                      checkpoint=checkpoint)
    if platform == "moodle":
        match = _MOODLE_DIR.match(parts[0]) if len(parts) > 1 else None
        if match:
            if match["plugin"] != "file":
                return f"Moodle's {match['plugin']} part of a submission, not an uploaded file"
            return Parsed(("moodle", match["id"]), match["name"], {"participant_id": match["id"]}, parts[-1],
                          checkpoint=checkpoint)
        match = _MOODLE_FLAT.match(parts[-1])
        if match:
            if match["plugin"] != "file":
                return f"Moodle's {match['plugin']} part of a submission, not an uploaded file"
            return Parsed(("moodle", match["id"]), match["name"], {"participant_id": match["id"]}, match["file"],
                          checkpoint=checkpoint)
        return ("not in a Moodle learner's folder ({Full Name}_{participant id}_assignsubmission_file_/); was it "
                "moved?")
    if len(parts) < 2:
        return "not inside a learner's folder (expected LEARNER/FILE)"
    return Parsed(("folder", parts[0]), parts[0], {}, parts[-1], checkpoint=checkpoint)


# --------------------------------------------------------------------------------------------------------
# 3. Which exercise


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _number_and_topic(text: str) -> tuple[int | None, str]:
    match = re.match(r"^(?:ex(?:ercise)?_?)?0*(\d+)(?:_(.*))?$", text)
    if match:
        return int(match[1]), match[2] or ""
    return None, text


def match_exercise(filename: str, exercises=None) -> tuple[str | None, str]:
    """``(exercise, rule)`` for a learner's file name, or ``(None, why not)``; rules in :data:`RULES`.

    >>> match_exercise("Copy of 01_neurons (1).ipynb", ["01_neurons", "02_numpy_forward_pass"])
    ('01_neurons', 'copy-suffix')
    >>> match_exercise("numpy forward pass.IPYNB", ["01_neurons", "02_numpy_forward_pass"])
    ('02_numpy_forward_pass', 'topic')
    """
    exercises = list(checks.exercise_names() if exercises is None else exercises)
    if not filename.lower().endswith(".ipynb"):
        return None, "not a notebook (.ipynb file)"
    stem = filename[:-len(".ipynb")].strip()
    if stem in exercises:
        return stem, "exact"
    lowered = {name.lower(): name for name in exercises}
    if stem.lower() in lowered:
        return lowered[stem.lower()], "case"
    rule, bare = "copy-suffix", stem
    if bare.lower().endswith("-checkpoint"):
        rule, bare = "checkpoint", bare[:-len("-checkpoint")]
    while True:  # "Copy of 01_neurons (1) - Copy" has several
        stripped = bare
        for pattern in _COPY_SUFFIXES:
            stripped = pattern.sub("", stripped).strip()
        if stripped == bare or not stripped:
            break
        bare = stripped
    if bare in exercises or bare.lower() in lowered:
        return lowered[bare.lower()], rule
    candidates = {_normalise(bare), _normalise(stem)}
    normalised = {_normalise(name): name for name in exercises}
    for text in candidates:
        if text in normalised:
            return normalised[text], "normalised" if rule != "checkpoint" else rule
    found, why = None, "no exercise matches this name"
    for text in dict.fromkeys((bare, stem)):  # "ex_01" is a number, not "ex" with a copy number
        found, how = _loose(_normalise(text), exercises)
        if found:
            return found, how if rule != "checkpoint" else rule
        why = how if why.startswith("no exercise") else why
    return None, why


def _loose(text: str, exercises: list) -> tuple[str | None, str]:
    """An exercise by its number and the start of its topic, its topic alone, or its number alone."""
    parsed = {name: _number_and_topic(_normalise(name)) for name in exercises}
    number, topic = _number_and_topic(text)
    if number is not None and topic:
        found = [name for name, (n, t) in parsed.items() if n == number and (t.startswith(topic) or topic.startswith(t))]
        if len(found) == 1:
            return found[0], "number-and-topic"
        by_topic = [name for name, (_, t) in parsed.items() if t == topic]
        by_number = [name for name, (n, _) in parsed.items() if n == number]
        if by_topic:
            return None, (f"ambiguous: its number says {', '.join(by_number) or 'no exercise'} but its name says "
                          f"{', '.join(by_topic)}")
        return None, "no exercise matches this name"
    if number is None:
        found = [name for name, (_, t) in parsed.items() if t == topic]
        if len(found) > 1:
            return None, f"ambiguous: it matches {', '.join(found)}"
        return (found[0], "topic") if found else (None, "no exercise matches this name")
    found = [name for name, (n, _) in parsed.items() if n == number]
    if len(found) == 1:
        return found[0], "number"
    return None, f"ambiguous: it matches {', '.join(found)}" if found else "no exercise has this number"


# --------------------------------------------------------------------------------------------------------
# 4. Place, and keep the manifest


def learner_folder(name: str, platform_id: str | None = None) -> str:
    """A safe, stable folder name for a learner: an ASCII slug of ``name`` and the platform's id.

    Without an id (a ``folder`` download), a name that is already safe is kept; any other gets a digest of
    the original, so that two names with the same slug stay apart.

    >>> learner_folder("Zoë O'Brien / ../x", "4021")
    'zoe-o-brien-x-4021'
    >>> learner_folder("alice"), learner_folder("..")[:8]
    ('alice', 'learner-')
    """
    slug = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")[:40].strip("-") or "learner"
    if platform_id is not None:
        return f"{slug}-{platform_id}"
    if _SAFE_FOLDER.match(name) and not name.endswith("."):
        return name
    return f"{slug}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def _notebook_problem(data: bytes) -> str:
    """Why ``data`` is not a notebook the grader could read, or empty."""
    if not data.strip():
        return "the file is empty"
    try:
        notebook = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return "not a notebook: not text (a binary file renamed to .ipynb?)"
    except ValueError:
        return "not a notebook: not valid JSON (saved incompletely?)"
    if not isinstance(notebook, dict) or type(notebook.get("nbformat")) is not int:
        return "not a notebook: JSON without an nbformat version"
    return ""


def _valid_time(text) -> bool:
    if text is None:
        return True
    try:
        return isinstance(text, str) and datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def _check_manifest(data, path) -> dict:
    """``data`` if it is a manifest this module writes; :class:`CollectError` naming the first thing wrong."""
    def wrong(what):
        raise CollectError(f"the collect manifest {path} is damaged: {what}; expected the file written by "
                           f"`course-grade collect` (move it away, and collect again)")

    if not isinstance(data, dict):
        wrong("not a JSON object")
    if data.get("version") != MANIFEST_VERSION:
        wrong(f"version {data.get('version')!r}, this course reads version {MANIFEST_VERSION}")
    learners, unplaced = data.get("learners"), data.get("unplaced", [])
    if not isinstance(learners, dict) or not isinstance(unplaced, list):
        wrong("no 'learners' object or 'unplaced' list")
    for folder, about in learners.items():
        if not _SAFE_FOLDER.match(folder) and not re.fullmatch(r"[a-z0-9-]+", folder):
            wrong(f"the learner folder {folder!r} is not a name collect makes")
        if not isinstance(about, dict) or not isinstance(about.get("ids", {}), dict) \
                or not isinstance(about.get("exercises", {}), dict) \
                or not isinstance(about.get("name"), (str, type(None))) \
                or not isinstance(about.get("platform"), (str, type(None))):
            wrong(f"the entry of {folder!r} is not an object with a name, platform, ids and exercises")
        for exercise, entry in about.get("exercises", {}).items():
            if not isinstance(entry, dict) or entry.get("late") not in (True, False, None) \
                    or not _valid_time(entry.get("submitted_at")):
                wrong(f"{folder}/{exercise}: expected late true/false/null and submitted_at ISO 8601 with a time "
                      f"zone, or null")
    return data


def _load_manifest(path: Path) -> dict | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise CollectError(f"the collect manifest {path} cannot be read ({str(error)[:200]}); expected the JSON "
                           f"written by `course-grade collect` (move it away, and collect again)") from None
    return _check_manifest(data, path)


def read_manifest(path) -> tuple[dict, dict]:
    """``(learners, facts)`` of a manifest: ``{folder: {"name", "platform", "ids"}}`` and ``{(folder, exercise):
    {"submitted_at", "late_flag", "time_source"}}``; :class:`CollectError` if it is damaged."""
    data = _load_manifest(Path(path))
    learners, facts = {}, {}
    for folder, about in (data or {}).get("learners", {}).items():
        learners[folder] = {"name": about.get("name"), "platform": about.get("platform"), "ids": about.get("ids", {})}
        for exercise, entry in about.get("exercises", {}).items():
            facts[(folder, exercise)] = {"submitted_at": entry.get("submitted_at"), "late_flag": entry.get("late"),
                                         "time_source": entry.get("time_source")}
    return learners, facts


def _write_json(path: Path, data: dict) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
            out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class _Candidate:
    member: Member
    parsed: Parsed
    exercise: str
    rule: str

    def order(self, platform: str) -> tuple:
        """Sorts the best candidate first: the latest Canvas resubmission, else the strongest rule."""
        rank = RULES.index("checkpoint") if self.parsed.checkpoint else RULES.index(self.rule)
        latest = tuple(-part for part in self.parsed.version)
        return (latest, rank) if platform == "canvas" else (rank,)


@dataclass
class Report:
    """What one collection did: the files placed (with their rule), noted as identical, and not placed."""

    placed: list = field(default_factory=list)      # (folder, exercise, original, rule)
    identical: list = field(default_factory=list)   # (folder, exercise, original)
    unplaced: list = field(default_factory=list)    # {"file": ..., "reason": ...}
    manifest: Path | None = None

    def summary(self) -> str:
        rules = {}
        for *_, rule in self.placed:
            rules[rule] = rules.get(rule, 0) + 1
        lines = [f"placed {len(self.placed)} notebook(s)" + (": " + ", ".join(
            f"{count} {rule}" for rule, count in sorted(rules.items(), key=lambda item: RULES.index(item[0])))
            if rules else "")]
        if self.identical:
            lines.append(f"already there, identical (not copied again): {len(self.identical)}")
        lines.append(f"not placed: {len(self.unplaced)}")
        lines += [f"  {entry['file']}: {entry['reason']}" for entry in self.unplaced]
        if self.manifest:
            lines.append(f"manifest: {self.manifest}")
        return "\n".join(lines)


def _zone(text: str) -> tzinfo:
    if text.upper() in ("UTC", "Z"):
        return timezone.utc
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", text)
    if match:
        sign = 1 if match[1] == "+" else -1
        return timezone(sign * timedelta(hours=int(match[2]), minutes=int(match[3])))
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(text)
    except (ValueError, KeyError, OSError):
        raise ValueError(f"unknown time zone {text!r}; expected UTC, an offset like +01:00, or a name like "
                         f"Europe/Berlin") from None


def collect(download, output, platform: str, *, zip_timezone="UTC", exercises=None) -> Report:
    """Collect ``download`` (a zip or folder from ``platform``) into ``output``; the :class:`Report`.

    :class:`CollectError` (and nothing written) for a download or manifest that cannot be used.
    ``zip_timezone`` is the zone of zip entries' local times (UTC, ``+01:00``, ``Europe/Berlin``), used where
    an entry has no extended timestamp.
    """
    if platform not in PLATFORMS:
        raise CollectError(f"unknown platform {platform!r}; expected one of {', '.join(PLATFORMS)}")
    try:
        zone = _zone(str(zip_timezone)) if not isinstance(zip_timezone, tzinfo) else zip_timezone
    except ValueError as error:
        raise CollectError(str(error)) from None
    download, output = Path(download), Path(output)
    if output.exists() and not output.is_dir():
        raise CollectError(f"the --output {output} exists and is not a folder")
    if download.is_dir() and (output.resolve() == download.resolve() or download.resolve() in output.resolve().parents):
        raise CollectError(f"the --output {output} is inside the download {download}; collect into another folder")
    exercises = list(checks.exercise_names() if exercises is None else exercises)
    manifest_path = output / MANIFEST
    manifest = _load_manifest(manifest_path) or {"version": MANIFEST_VERSION, "learners": {}, "unplaced": []}
    report = Report()
    with tempfile.TemporaryDirectory(prefix="nn-course-collect-") as staging:
        members = read_download(download, staging, zone=zone)  # every fatal problem is found here
        prefix = _strip_root([member.path for member in members], platform)
        best: dict = {}
        for member in members:
            shown = member.path.removeprefix(prefix)
            parsed = member.problem or parse_member(shown, platform)
            if isinstance(parsed, str):
                report.unplaced.append({"file": member.path, "reason": parsed})
                continue
            exercise, rule = match_exercise(parsed.original, exercises)
            if exercise is None:
                report.unplaced.append({"file": member.path, "reason": rule})
                continue
            best.setdefault((parsed.key, exercise), []).append(_Candidate(member, parsed, exercise, rule))
        folders = _folders(manifest, {key for key, _ in best}, {key: cands[0].parsed for (key, _), cands in best.items()})
        output.mkdir(parents=True, exist_ok=True)
        for (key, exercise), candidates in sorted(best.items(), key=lambda item: (folders[item[0][0]], item[0][1])):
            _place(output, folders[key], exercise, candidates, platform, manifest, report)
    for entry in report.unplaced:
        if entry not in manifest["unplaced"]:
            manifest["unplaced"].append(entry)
    manifest.update(platform=platform, source=str(download))
    manifest.setdefault("collections", []).append(
        {"platform": platform, "source": str(download), "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
         "placed": len(report.placed), "unplaced": len(report.unplaced)})
    _write_json(manifest_path, manifest)
    report.manifest = manifest_path
    return report


def _folders(manifest: dict, keys: set, parsed: dict) -> dict:
    """Each learner's folder: the one the manifest already gave them, else a new unique one."""
    known = {}
    for folder, about in manifest["learners"].items():
        ids = about.get("ids", {})
        identity = ids.get("user_id") or ids.get("participant_id") or about.get("name")
        known[(about.get("platform"), identity)] = folder
    used, folders = set(manifest["learners"]), {}
    for key in sorted(keys):
        if key in known:
            folders[key] = known[key]
            continue
        about = parsed[key]
        folder = learner_folder(about.name, None if key[0] == "folder" else key[1])
        if folder in used:  # another learner's already (two names with one slug)
            folder = f"{folder}-{hashlib.sha256(repr(key).encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
        used.add(folder)
        folders[key] = folder
    return folders


def _place(output: Path, folder: str, exercise: str, candidates: list, platform: str, manifest: dict,
           report: Report) -> None:
    """Place the best of one learner's files for ``exercise``; list the others with the reason."""
    candidates.sort(key=lambda candidate: candidate.order(platform))
    chosen, rest = candidates[0], candidates[1:]
    contents = {}

    def data(candidate):
        if id(candidate) not in contents:
            contents[id(candidate)] = candidate.member.data.read_bytes()
        return contents[id(candidate)]

    if platform != "canvas":
        ties = [other for other in rest if other.order(platform) == chosen.order(platform)]
        different = [other for other in ties if data(other) != data(chosen)]
        if different:
            names = ", ".join(candidate.member.path for candidate in [chosen, *different])
            for candidate in [chosen, *rest]:
                report.unplaced.append({"file": candidate.member.path, "reason": f"ambiguous: several different "
                                        f"files of this learner match {exercise} equally well ({names})"})
            return
    for other in rest:
        why = (f"an earlier Canvas submission; the latest, {chosen.member.path}, was kept"
               if platform == "canvas" and other.parsed.version != chosen.parsed.version
               else f"{chosen.member.path} matches {exercise} better ({chosen.rule}) or is the same file")
        report.unplaced.append({"file": other.member.path, "reason": why})
    problem = _notebook_problem(data(chosen))
    if problem:
        report.unplaced.append({"file": chosen.member.path, "reason": problem})
        return
    learner_dir = output / folder
    target = learner_dir / f"{exercise}.ipynb"
    if learner_dir.resolve().parent != output.resolve():  # cannot happen with learner_folder(); never write elsewhere
        raise CollectError(f"the learner folder {folder!r} would leave {output}")
    learner_dir.mkdir(exist_ok=True)
    parsed, member = chosen.parsed, chosen.member
    about = manifest["learners"].get(folder) or {"name": parsed.name, "platform": platform, "ids": {}, "exercises": {}}
    entry = {"original": parsed.original, "file": member.path, "matched_by": chosen.rule,
             "late": parsed.late if platform == "canvas" else None,
             "submitted_at": None if platform == "canvas" else member.submitted_at,
             "time_source": "canvas: late flag only" if platform == "canvas" else member.time_source,
             "sha256": hashlib.sha256(data(chosen)).hexdigest()}
    if platform == "canvas":
        entry["submission_id"] = parsed.ids["submission_id"]
    try:
        with open(target, "xb") as out:  # never replaces a file, even one written a moment ago
            out.write(data(chosen))
    except FileExistsError:
        if target.is_file() and not target.is_symlink() and target.read_bytes() == data(chosen):
            report.identical.append((folder, exercise, member.path))
            about["ids"].update(parsed.ids)
            about["exercises"].setdefault(exercise, entry)
            manifest["learners"][folder] = about
        else:
            report.unplaced.append({"file": member.path, "reason": f"a different file is already at {folder}/"
                                    f"{exercise}.ipynb; not replaced (move it away to collect this one)"})
        return
    about["ids"].update(parsed.ids)
    about["exercises"][exercise] = entry
    manifest["learners"][folder] = about
    report.placed.append((folder, exercise, member.path, chosen.rule))


# --------------------------------------------------------------------------------------------------------
# The command


def main(argv=None) -> int:
    """``course-grade collect DOWNLOAD --from canvas|moodle|folder --output SUBMISSIONS``."""
    parser = argparse.ArgumentParser(
        prog="course-grade collect",
        description="Turn a learning platform's bulk download (a .zip, or the folder it extracts to) into "
                    "SUBMISSIONS/<learner>/<exercise>.ipynb for course-grade, with a manifest "
                    "(SUBMISSIONS/.collect.json) of who submitted what, when, and how each file was matched.",
        epilog="Files already in SUBMISSIONS are never replaced; every file that is not placed is listed with the "
               "reason. Exit status: 0 when the download was collected (whatever was not placed); 2 for a problem "
               "with the command or a download that cannot be used (nothing is written then).")
    parser.add_argument("download", type=Path, help="the platform's .zip, or the folder it was extracted to")
    parser.add_argument("--from", dest="platform", required=True, choices=PLATFORMS,
                        help="the platform that made the download")
    parser.add_argument("--output", "-o", type=Path, required=True, help="the submissions folder (created if needed)")
    parser.add_argument("--zip-timezone", default="UTC", metavar="ZONE",
                        help="time zone of zip entries' times where the zip gives no UTC time: UTC (default), an "
                             "offset like +01:00 or a name like Europe/Berlin (the Moodle server's zone)")
    args = parser.parse_args(argv)
    try:
        report = collect(args.download, args.output, args.platform, zip_timezone=args.zip_timezone)
    except CollectError as error:
        print(f"course-grade collect: error: {error}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
