"""benchmarks.compare: two checkouts timed interleaved, notebook by notebook, and a table of the difference."""

import json

import nbformat
import pytest

from benchmarks import compare


def make_checkout(root, lessons, solutions=()):
    for folder, names in (("notebooks", lessons), ("solutions", solutions)):
        (root / folder).mkdir(parents=True)
        for name in names:
            nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"print({name!r})")]),
                           root / folder / name)
    (root / "notebooks" / "not_a_lesson.ipynb").write_text("{}")  # no number: not part of the course
    return root


def test_compare_times_every_notebook_of_each_version_and_totals_them(tmp_path):
    old = make_checkout(tmp_path / "old", ["01_a.ipynb", "02_b.ipynb"], ["01_a.ipynb"])
    new = make_checkout(tmp_path / "new", ["01_a.ipynb", "03_c.ipynb"])
    result = compare.compare(old, new, repeats=1)
    assert sorted(result["medians"]["old"]) == ["notebooks/01_a.ipynb", "notebooks/02_b.ipynb", "solutions/01_a.ipynb"]
    assert sorted(result["medians"]["new"]) == ["notebooks/01_a.ipynb", "notebooks/03_c.ipynb"]
    assert result["counts"] == {"old": 3, "new": 2}
    for label in ("old", "new"):
        assert all(0 < seconds < 60 for seconds in result["medians"][label].values())
        assert result["totals"][label] == pytest.approx(sum(result["medians"][label].values()), abs=0.1)


def test_markdown_lists_notebooks_of_either_version_and_the_difference():
    result = {"date": "2026-12-07", "machine": "2 cores", "old_commit": "aaa", "new_commit": "bbb", "repeats": 3,
              "medians": {"old": {"notebooks/01_a.ipynb": 2.0, "notebooks/02_b.ipynb": 5.0},
                          "new": {"notebooks/01_a.ipynb": 1.5, "notebooks/03_c.ipynb": 4.0}},
              "totals": {"old": 7.0, "new": 5.5}, "counts": {"old": 2, "new": 2}}
    table = compare.markdown(result)
    assert "| notebooks/01_a.ipynb | 2.0 s | 1.5 s | -0.5 s |" in table
    assert "| notebooks/02_b.ipynb | 5.0 s | — |  |" in table
    assert "| notebooks/03_c.ipynb | — | 4.0 s |  |" in table
    assert "| **whole course** | **7 s** (2) | **6 s** (2) | **-2 s** |" in table
    assert "Notebooks in both versions: 2 s before, 2 s now." in table


def test_an_unknown_revision_is_refused_and_nothing_is_written(tmp_path, capsys):
    assert compare.main(["no-such-commit", "--output", str(tmp_path)]) == 2
    assert "cannot check out 'no-such-commit'" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
