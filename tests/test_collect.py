"""course-grade collect (course_lib/grading/collect.py): Canvas, Moodle and folder downloads into learner folders,
renamed files, hostile names and archives, never overwriting, and the manifest. The downloads are built here, from
the notebooks in tests/files/submissions, so each test shows exactly what the platform gave."""

import json
import os
import stat
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from course_lib.grading import cli
from course_lib.grading import collect as collect_module
from course_lib.grading.collect import (MANIFEST, CollectError, collect, learner_folder, match_exercise, parse_member,
                                        read_manifest)
from course_lib.grading.submissions import find_submissions

FILES = Path(__file__).parent / "files"
SOLVED = (FILES / "submissions" / "solved" / "01_neurons.ipynb").read_bytes()
BLANK = (FILES / "submissions" / "blank" / "01_neurons.ipynb").read_bytes()
EXERCISES = ["01_neurons", "02_numpy_forward_pass", "03_training_from_scratch", "13_ensembles"]


def make_zip(path, members, *, date_time=(2026, 12, 1, 22, 30, 0)):
    """A zip of ``{name: bytes}``, as a platform would send it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=date_time), data)
    return path


def manifest(folder):
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------------------
# Matching file names, and learners' folder names


@pytest.mark.parametrize(("name", "expected"), [
    ("01_neurons.ipynb", ("01_neurons", "exact")),
    ("01_Neurons.IPYNB", ("01_neurons", "case")),
    ("01_neurons (1).ipynb", ("01_neurons", "copy-suffix")),
    ("Copy of 01_neurons.ipynb", ("01_neurons", "copy-suffix")),
    ("01_neurons - Copy (2).ipynb", ("01_neurons", "copy-suffix")),
    ("01_neurons-checkpoint.ipynb", ("01_neurons", "checkpoint")),
    ("01 Neurons.ipynb", ("01_neurons", "normalised")),
    ("03_training.ipynb", ("03_training_from_scratch", "number-and-topic")),
    ("neurons.ipynb", ("01_neurons", "topic")),
    ("ex02.ipynb", ("02_numpy_forward_pass", "number")),
    ("01_neurons.py", (None, "not a notebook")),
    ("Untitled.ipynb", (None, "no exercise matches")),
    ("07.ipynb", (None, "no exercise has this number")),
    ("02_neurons.ipynb", (None, "ambiguous")),
])
def test_file_names_are_matched_with_the_rule_that_matched_them(name, expected):
    exercise, rule = match_exercise(name, EXERCISES)
    assert exercise == expected[0]
    assert rule.startswith(expected[1])


def test_the_course_list_of_exercises_is_used_by_default():
    assert match_exercise("13_Ensembles.ipynb") == ("13_ensembles", "case")


@pytest.mark.parametrize("name", ["../../etc", "a/b\\c", "..", ".", "", "\x00\x1b[31m", "Zoë 😀 O'Brien", "CON",
                                  "-rf", " ", "名前", "x" * 300, ".hidden"])
def test_learner_folders_are_safe_stable_and_unique(name):
    for platform_id in (None, "4021"):
        folder = learner_folder(name, platform_id)
        assert folder == learner_folder(name, platform_id)  # stable
        assert folder and len(folder) <= 64 and folder[0].isalnum() and folder.isascii()
        assert "/" not in folder and "\\" not in folder and folder not in (".", "..")
        assert all(char.isalnum() or char in "._-" for char in folder)
        if platform_id:
            assert folder.endswith("-4021")
    assert learner_folder("名前") != learner_folder("別名")  # two names with no ASCII slug stay apart
    assert learner_folder("alice") == "alice"


def test_canvas_names_give_ids_late_flags_and_resubmissions():
    parsed = parse_member("smithjane_LATE_4021_88731_01_neurons-2.ipynb", "canvas")
    assert (parsed.name, parsed.ids, parsed.late, parsed.original, parsed.version) == (
        "smithjane", {"user_id": "4021", "submission_id": "88731"}, True, "01_neurons.ipynb", (88731, 2))
    assert parse_member("doejohn_17_99_Copy of 01_neurons.ipynb", "canvas").late is False
    assert "not named like a Canvas download" in parse_member("01_neurons.ipynb", "canvas")


# --------------------------------------------------------------------------------------------------------
# Canvas


def canvas_download(tmp_path):
    return make_zip(tmp_path / "submissions.zip", {
        "smithjane_4021_88731_01_neurons.ipynb": BLANK,         # her first upload ...
        "smithjane_4021_88731_01_neurons-1.ipynb": BLANK + b" ",
        "smithjane_4021_88731_01_neurons-2.ipynb": SOLVED,      # ... and the latest
        "doejohn_late_17_99_Copy of 01_Neurons (1).ipynb": SOLVED,
        "doejohn_late_17_99_02_Numpy_Forward_Pass.ipynb": BLANK.replace(b"01_neurons", b"02_numpy_forward_pass"),
        "obrienzoe_LATE_555_100_notes.pdf": b"%PDF-1.4",
        "evil..<hacker>\x1b_5_6_01_neurons.ipynb": SOLVED,         # an odd lastfirst
        "renamed_by_hand.ipynb": SOLVED,
        "kaputt_8_9_01_neurons.ipynb": b"{not json",
    })


def test_canvas_download_keeps_the_latest_resubmission_the_late_flag_and_the_ids(tmp_path):
    out = tmp_path / "submissions"
    report = collect(canvas_download(tmp_path), out, "canvas", exercises=EXERCISES)
    assert (out / "smithjane-4021" / "01_neurons.ipynb").read_bytes() == SOLVED
    assert (out / "doejohn-17" / "01_neurons.ipynb").read_bytes() == SOLVED
    assert (out / "doejohn-17" / "02_numpy_forward_pass.ipynb").is_file()
    assert (out / "evil-hacker-5" / "01_neurons.ipynb").is_file()
    data = manifest(out)
    assert data["version"] == 1 and data["platform"] == "canvas" and data["source"].endswith("submissions.zip")
    jane = data["learners"]["smithjane-4021"]
    assert (jane["name"], jane["platform"], jane["ids"]) == ("smithjane", "canvas",
                                                             {"user_id": "4021", "submission_id": "88731"})
    entry = jane["exercises"]["01_neurons"]
    assert (entry["original"], entry["matched_by"], entry["late"], entry["submitted_at"]) == (
        "01_neurons.ipynb", "exact", False, None)
    assert entry["file"] == "smithjane_4021_88731_01_neurons-2.ipynb" and "late flag" in entry["time_source"]
    john = data["learners"]["doejohn-17"]["exercises"]
    assert (john["01_neurons"]["matched_by"], john["01_neurons"]["late"]) == ("copy-suffix", True)
    assert john["02_numpy_forward_pass"]["matched_by"] == "case"
    reasons = {entry["file"]: entry["reason"] for entry in data["unplaced"]}
    assert "latest" in reasons["smithjane_4021_88731_01_neurons.ipynb"]
    assert "latest" in reasons["smithjane_4021_88731_01_neurons-1.ipynb"]
    assert "not a notebook" in reasons["obrienzoe_LATE_555_100_notes.pdf"]
    assert "not named like a Canvas download" in reasons["renamed_by_hand.ipynb"]
    assert "not valid JSON" in reasons["kaputt_8_9_01_neurons.ipynb"]
    assert len(reasons) == len(report.unplaced) == 5
    assert not (out / "kaputt-8").exists() or not list((out / "kaputt-8").iterdir())
    found, _ = find_submissions(out)  # what the grader will see
    assert {(submission.learner, submission.exercise) for submission in found} >= {
        ("smithjane-4021", "01_neurons"), ("doejohn-17", "01_neurons"), ("doejohn-17", "02_numpy_forward_pass")}
    summary = report.summary()
    assert "placed 4 notebook(s): 2 exact, 1 case, 1 copy-suffix" in summary and "not placed: 5" in summary


def test_the_command_prints_a_summary_and_reads_an_extracted_folder(tmp_path, capsys):
    extracted = tmp_path / "extracted"
    with zipfile.ZipFile(canvas_download(tmp_path)) as archive:
        archive.extractall(extracted)
    assert cli.main(["collect", str(extracted), "--from", "canvas", "--output", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "placed 4 notebook(s)" in printed and "renamed_by_hand.ipynb: not named like a Canvas download" in printed
    assert manifest(tmp_path / "out")["learners"]["smithjane-4021"]["exercises"]["01_neurons"]["late"] is False


# --------------------------------------------------------------------------------------------------------
# Moodle


def test_moodle_zip_gives_full_names_participant_ids_and_times(tmp_path):
    download = tmp_path / "moodle.zip"
    with zipfile.ZipFile(download, "w") as archive:
        archive.writestr(zipfile.ZipInfo("Jane Smith_4021_assignsubmission_file_/01_neurons.ipynb",
                                         (2026, 12, 1, 23, 30, 0)), SOLVED)
        archive.writestr(zipfile.ZipInfo("Jane Smith_4021_assignsubmission_file_/work/nested/neurons.ipynb",
                                         (2026, 12, 1, 23, 0, 0)), BLANK)
        archive.writestr(zipfile.ZipInfo("Jane Smith_4021_assignsubmission_onlinetext_/onlinetext.html"), b"<p>hi</p>")
        # an entry with an extended timestamp (UTC), as Info-ZIP writes them
        info = zipfile.ZipInfo("Zoë O'Brien <b>.._77_assignsubmission_file_/Copy of 01_neurons.ipynb",
                               (2026, 12, 3, 1, 0, 0))
        info.extra = (0x5455).to_bytes(2, "little") + (5).to_bytes(2, "little") + b"\x01" + \
            int(datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc).timestamp()).to_bytes(4, "little")
        archive.writestr(info, SOLVED)
    out = tmp_path / "submissions"
    report = collect(download, out, "moodle", zip_timezone="+01:00", exercises=EXERCISES)
    data = manifest(out)
    jane = data["learners"]["jane-smith-4021"]
    assert (jane["name"], jane["ids"]) == ("Jane Smith", {"participant_id": "4021"})
    entry = jane["exercises"]["01_neurons"]
    assert (entry["original"], entry["matched_by"], entry["late"]) == ("01_neurons.ipynb", "exact", None)
    assert entry["submitted_at"] == "2026-12-01T23:30:00+01:00" and "+0100" in entry["time_source"]
    assert (out / "jane-smith-4021" / "01_neurons.ipynb").read_bytes() == SOLVED  # exact beats the topic match
    zoe_folder = [folder for folder in data["learners"] if folder.endswith("-77")]
    assert len(zoe_folder) == 1 and zoe_folder[0].isascii()
    zoe = data["learners"][zoe_folder[0]]
    assert zoe["name"] == "Zoë O'Brien <b>.."
    assert zoe["exercises"]["01_neurons"]["submitted_at"] == "2026-12-02T10:00:00+00:00"
    assert "extended timestamp" in zoe["exercises"]["01_neurons"]["time_source"]
    reasons = {entry["file"]: entry["reason"] for entry in report.unplaced}
    assert "matches 01_neurons better" in reasons["Jane Smith_4021_assignsubmission_file_/work/nested/neurons.ipynb"]
    assert "onlinetext" in reasons["Jane Smith_4021_assignsubmission_onlinetext_/onlinetext.html"]
    _, facts = read_manifest(out / MANIFEST)
    assert facts[("jane-smith-4021", "01_neurons")]["submitted_at"] == "2026-12-01T23:30:00+01:00"


# --------------------------------------------------------------------------------------------------------
# A plain folder


def test_folder_download_uses_file_times_and_lists_what_it_cannot_place(tmp_path):
    download = tmp_path / "download"
    for learner, files in {"alice": {"01_neurons (1).ipynb": SOLVED, "readme.txt": b"hi"},
                           "bob": {"01_neurons.ipynb": SOLVED, "01_Neurons.ipynb": BLANK},  # case loses to exact
                           "carol": {"Copy of 01_neurons.ipynb": SOLVED, "01_neurons (2).ipynb": BLANK},  # a tie
                           "dave": {"01_neurons.ipynb": b"\x89PNG\r\n\x1a\n\x00\x00"},
                           "eve": {"huge.ipynb": b"{}"}}.items():
        (download / learner).mkdir(parents=True)
        for name, data in files.items():
            (download / learner / name).write_bytes(data)
    (download / "loose.ipynb").write_bytes(SOLVED)
    os.symlink("/etc/passwd", download / "alice" / "02_numpy_forward_pass.ipynb")
    os.utime(download / "alice" / "01_neurons (1).ipynb", (0, 1_796_000_000))
    out = tmp_path / "out"
    report = collect(download, out, "folder", exercises=EXERCISES)
    data = manifest(out)
    alice = data["learners"]["alice"]["exercises"]["01_neurons"]
    assert (alice["matched_by"], alice["time_source"]) == ("copy-suffix", "file modification time")
    assert alice["submitted_at"] == datetime.fromtimestamp(1_796_000_000, timezone.utc).isoformat()
    assert (out / "bob" / "01_neurons.ipynb").read_bytes() == SOLVED
    assert not (out / "carol" / "01_neurons.ipynb").exists()
    reasons = {entry["file"]: entry["reason"] for entry in report.unplaced}
    assert "ambiguous" in reasons["carol/Copy of 01_neurons.ipynb"] and "ambiguous" in reasons["carol/01_neurons (2).ipynb"]
    assert "symbolic link" in reasons["alice/02_numpy_forward_pass.ipynb"]
    assert "not text" in reasons["dave/01_neurons.ipynb"]
    assert "no exercise matches" in reasons["eve/huge.ipynb"]
    assert "not inside a learner's folder" in reasons["loose.ipynb"]
    assert "not a notebook" in reasons["alice/readme.txt"]


def test_a_notebook_over_the_grader_limit_is_listed_not_copied(tmp_path, monkeypatch):
    monkeypatch.setattr(collect_module, "MAX_NOTEBOOK_BYTES", 1000)
    (tmp_path / "download" / "alice").mkdir(parents=True)
    (tmp_path / "download" / "alice" / "01_neurons.ipynb").write_bytes(SOLVED)
    download = make_zip(tmp_path / "d.zip", {"bob/01_neurons.ipynb": SOLVED})
    for source in (tmp_path / "download", download):
        report = collect(source, tmp_path / f"out-{source.name}", "folder", exercises=EXERCISES)
        assert report.placed == [] and "larger than" in report.unplaced[0]["reason"]


# --------------------------------------------------------------------------------------------------------
# Never overwrite, and merging manifests


def test_existing_files_are_never_replaced_and_manifests_merge(tmp_path):
    out = tmp_path / "out"
    first = make_zip(tmp_path / "first.zip", {"alice/01_neurons.ipynb": SOLVED, "bob/01_neurons.ipynb": BLANK})
    collect(first, out, "folder", exercises=EXERCISES)
    (out / "carol").mkdir()
    (out / "carol" / "01_neurons.ipynb").write_bytes(b"the instructor's own copy")
    second = make_zip(tmp_path / "second.zip", {"alice/01_neurons.ipynb": SOLVED,       # the same again
                                                "bob/01_neurons.ipynb": SOLVED,         # changed since
                                                "carol/01_neurons.ipynb": SOLVED,
                                                "dave/02_numpy_forward_pass.ipynb": SOLVED})
    report = collect(second, out, "folder", exercises=EXERCISES)
    assert (out / "bob" / "01_neurons.ipynb").read_bytes() == BLANK
    assert (out / "carol" / "01_neurons.ipynb").read_bytes() == b"the instructor's own copy"
    assert [entry[:2] for entry in report.identical] == [("alice", "01_neurons")]
    reasons = {entry["file"]: entry["reason"] for entry in report.unplaced}
    assert set(reasons) == {"bob/01_neurons.ipynb", "carol/01_neurons.ipynb"}
    assert all("a different file is already at" in reason for reason in reasons.values())
    data = manifest(out)
    assert set(data["learners"]) == {"alice", "bob", "dave"}  # merged: alice and bob kept, dave added
    assert [entry["source"].endswith(name) for entry, name in zip(data["collections"], ("first.zip", "second.zip"))]
    assert len(data["collections"]) == 2
    assert "already there, identical" in report.summary()


def test_the_same_learner_keeps_their_folder_in_a_later_download(tmp_path):
    out = tmp_path / "out"
    collect(make_zip(tmp_path / "a.zip", {"smithjane_4021_1_01_neurons.ipynb": SOLVED}), out, "canvas",
            exercises=EXERCISES)
    collect(make_zip(tmp_path / "b.zip", {"smithjane_4021_2_02_numpy_forward_pass.ipynb": SOLVED}), out, "canvas",
            exercises=EXERCISES)
    assert sorted(path.name for path in (out / "smithjane-4021").iterdir()) == ["01_neurons.ipynb",
                                                                              "02_numpy_forward_pass.ipynb"]


def test_a_damaged_manifest_stops_the_collection_untouched(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text('{"version": 1, "learners": {"../x": {}}, "unplaced": []}')
    download = make_zip(tmp_path / "a.zip", {"alice/01_neurons.ipynb": SOLVED})
    assert cli.main(["collect", str(download), "--from", "folder", "--output", str(out)]) == 2
    assert "manifest" in capsys.readouterr().err
    assert sorted(path.name for path in out.iterdir()) == [MANIFEST]


# --------------------------------------------------------------------------------------------------------
# Hostile downloads: nothing is written


@pytest.mark.parametrize(("members", "words"), [
    ({"../evil.ipynb": SOLVED}, "climbs out"),
    ({"alice/../../evil.ipynb": SOLVED}, "climbs out"),
    ({"/tmp/evil.ipynb": SOLVED}, "absolute path"),
    ({"C:\\evil.ipynb": SOLVED}, "absolute path"),
])
def test_zip_slip_is_refused_and_nothing_is_written(tmp_path, capsys, members, words):
    download = make_zip(tmp_path / "evil.zip", {"alice/01_neurons.ipynb": SOLVED, **members})
    out = tmp_path / "out"
    assert cli.main(["collect", str(download), "--from", "folder", "--output", str(out)]) == 2
    error = capsys.readouterr().err
    assert words in error and "nothing was collected" in error
    assert not out.exists() and not (tmp_path / "evil.ipynb").exists()


def test_a_symlink_in_the_archive_is_refused(tmp_path):
    download = tmp_path / "link.zip"
    with zipfile.ZipFile(download, "w") as archive:
        info = zipfile.ZipInfo("alice/01_neurons.ipynb")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(CollectError, match="symbolic link"):
        collect(download, tmp_path / "out", "folder")
    assert not (tmp_path / "out").exists()


def test_a_zip_bomb_is_stopped_by_the_bytes_really_read(tmp_path):
    download = tmp_path / "bomb.zip"
    with zipfile.ZipFile(download, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("alice/01_neurons.ipynb", SOLVED)
        archive.writestr("bob/01_neurons.ipynb", b"\0" * (40 * 2**20))  # 40 MiB of zeros, about 40 kB zipped
    assert download.stat().st_size < 100_000
    started = time.monotonic()
    with pytest.raises(CollectError, match="expands more than 200 times"):
        collect(download, tmp_path / "out", "folder")
    assert time.monotonic() - started < 10
    assert not (tmp_path / "out").exists()


def test_the_total_size_of_an_archive_is_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(collect_module, "MAX_TOTAL_BYTES", 10_000)
    download = make_zip(tmp_path / "many.zip", {f"learner{n}/01_neurons.ipynb": SOLVED for n in range(5)})
    with pytest.raises(CollectError, match="expands to more than"):
        collect(download, tmp_path / "out", "folder")


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 truncated", b"not a zip at all\n" * 10])
def test_a_corrupt_or_non_zip_download_is_a_clear_error(tmp_path, capsys, content):
    (tmp_path / "download.zip").write_bytes(content)
    assert cli.main(["collect", str(tmp_path / "download.zip"), "--from", "canvas", "--output",
                     str(tmp_path / "out")]) == 2
    assert "is not a zip archive that can be read" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_damaged_member_is_listed(tmp_path):
    download = make_zip(tmp_path / "d.zip", {"alice/01_neurons.ipynb": SOLVED, "bob/01_neurons.ipynb": SOLVED})
    data = bytearray(download.read_bytes())
    second = data.index(b"bob/01_neurons.ipynb") + len("bob/01_neurons.ipynb")  # bob's compressed bytes follow
    data[second + 20:second + 40] = b"\xff" * 20
    download.write_bytes(bytes(data))
    report = collect(download, tmp_path / "out", "folder", exercises=EXERCISES)
    assert [entry[0] for entry in report.placed] == ["alice"]
    assert "damaged in the archive" in report.unplaced[0]["reason"]


@pytest.mark.parametrize(("arguments", "words"), [
    (["collect", "missing.zip", "--from", "canvas", "--output", "out"], "no download at missing.zip"),
    (["collect", "d.zip", "--from", "moodle", "--output", "out", "--zip-timezone", "Mars/Olympus"],
     "unknown time zone"),
    (["collect", "d.zip", "--from", "folder", "--output", "afile"], "exists and is not a folder"),
])
def test_instructor_mistakes_exit_2_naming_what_was_expected(tmp_path, capsys, monkeypatch, arguments, words):
    monkeypatch.chdir(tmp_path)
    make_zip(tmp_path / "d.zip", {"alice/01_neurons.ipynb": SOLVED})
    (tmp_path / "afile").write_text("")
    assert cli.main(arguments) == 2
    assert words in capsys.readouterr().err


def test_an_unknown_platform_is_refused_by_the_command(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["collect", "d.zip", "--from", "blackboard", "--output", "out"])
    assert stopped.value.code == 2 and "canvas" in capsys.readouterr().err


def test_a_download_zipped_again_inside_one_folder_is_read_through_it(tmp_path):
    wrapped = make_zip(tmp_path / "moodle.zip", {
        "NN course-Exercise 1-12345/Jane Smith_4021_assignsubmission_file_/01_neurons.ipynb": SOLVED,
        "NN course-Exercise 1-12345/Bo Li_77_assignsubmission_file_/01_neurons.ipynb": BLANK})
    report = collect(wrapped, tmp_path / "moodle", "moodle", exercises=EXERCISES)
    assert sorted(entry[0] for entry in report.placed) == ["bo-li-77", "jane-smith-4021"]
    folder = make_zip(tmp_path / "class.zip", {"class/alice/01_neurons.ipynb": SOLVED, "class/bob/neurons.ipynb": SOLVED})
    report = collect(folder, tmp_path / "folder", "folder", exercises=EXERCISES)
    assert sorted(entry[:2] for entry in report.placed) == [("alice", "01_neurons"), ("bob", "01_neurons")]


def test_moodle_without_folders_prefixes_each_file(tmp_path):
    download = make_zip(tmp_path / "flat.zip", {
        "Jane Smith_4021_assignsubmission_file_01_neurons.ipynb": SOLVED,
        "Jane Smith_4021_assignsubmission_onlinetext_onlinetext.html": b"<p>hi</p>"})
    report = collect(download, tmp_path / "out", "moodle", exercises=EXERCISES)
    assert report.placed == [("jane-smith-4021", "01_neurons", "Jane Smith_4021_assignsubmission_file_01_neurons.ipynb",
                              "exact")]
    assert "onlinetext" in report.unplaced[0]["reason"]
