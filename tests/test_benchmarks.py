"""The benchmark command runs (quick mode) and writes its table, figures and plot. Speed is reported, never
asserted: the figures live in benchmarks/results/ and the README."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmark_writes_every_section(tmp_path):
    subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--output", str(tmp_path)], cwd=ROOT, check=True,
                   capture_output=True, timeout=900)
    results = json.loads((tmp_path / "results.json").read_text())
    assert set(results["sections"]) == {"notebooks", "import", "digits", "conv", "grading", "gradebook"}
    sections = results["sections"]
    assert [row["notebook"] for row in sections["notebooks"]["rows"]] == ["notebooks/01_neurons.ipynb",
                                                                          "solutions/01_neurons.ipynb"]
    assert all(row["seconds"] > 0 and row["peak_mb"] > 0 for row in sections["notebooks"]["rows"])
    assert sections["conv"]["max_abs_difference"] < 1e-3  # the three convolutions agree
    digits = {row["model"]: row for row in sections["digits"]["rows"]}
    assert digits["NumPy network (from scratch)"]["accuracy_mean"] > 0.9
    assert sections["grading"]["submissions"] == 4
    sandbox = sections["grading"]["sandbox"]
    assert sandbox["per_submission_s_sandboxed"] > 0 and sandbox["per_submission_s_unsandboxed"] > 0
    table = (tmp_path / "results.md").read_text()
    assert "| notebooks/01_neurons.ipynb |" in table and "`import course_lib`" in table
    assert "The bubblewrap sandbox:" in table and "| SQLite | 1,000 |" in table
    assert sections["gradebook"]["sqlite"][0]["mean_ms"] > 0 and sections["grading"]["local_vs_cluster"]["seconds_cluster"] > 0
    assert (tmp_path / "notebook_times.png").read_bytes()[:4] == b"\x89PNG"


def test_only_re_measures_some_sections_and_keeps_the_others(tmp_path):
    from benchmarks.__main__ import machine

    old_import = {"seconds": 9.999, "target_s": 0.3, "met": False}
    kept = {"date": "2000-01-01", "machine": machine(), "quick": True,
            "sections": {"import": old_import, "conv": {"numpy_s": -1}}}
    (tmp_path / "results.json").write_text(json.dumps(kept))
    subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--only", "conv", "--output", str(tmp_path)],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["sections"]["import"] == old_import and results["rerun"] == ["conv"]
    assert results["sections"]["conv"]["numpy_s"] > 0
    assert "9999 ms" in (tmp_path / "results.md").read_text()


def test_update_readme_replaces_the_block_and_the_syllabus_run_times(tmp_path):
    from benchmarks import report

    readme = tmp_path / "README.md"
    readme.write_text("| 01 | [Neurons](x) | a \\| b | ~6 s |\n| 02 | Two | c | ~10 s |\n| 03 | Three | d | ~12 s |\n\n"
                      f"{report.START}\nold table\n{report.END}\n")
    image = tmp_path / "times.png"
    rows = [{"notebook": "notebooks/01_neurons.ipynb", "seconds": 7.4},
            {"notebook": "solutions/02_two.ipynb", "seconds": 99.0},
            {"notebook": "notebooks/03_three.ipynb", "seconds": 12.6}]
    report.update_readme(readme, "new table", image, notebook_rows=rows)
    text = readme.read_text()
    assert "| 01 | [Neurons](x) | a \\| b | ~7 s |" in text
    assert "| 02 | Two | c | ~10 s |" in text  # a solution's time is not a lesson's
    assert "| 03 | Three | d | ~13 s |" in text
    assert "old table" not in text and "new table\n\n![Notebook run times](times.png)" in text
