"""The benchmark's paired contest (lesson 13): the summary of the splits and its Markdown table."""

import pytest

from benchmarks.best_model import summarize
from benchmarks.report import contest_markdown


def split_row(state, svm, ensemble, single=9, both=4, size=450):
    row = {"random_state": state, "test_size": size, "svm_params": {"C": 10, "gamma": 0.3}}
    for name, mistakes in (("svm", svm), ("ensemble", ensemble), ("single_cnn", single), ("ensemble_and_svm", both)):
        row[f"{name}_mistakes"] = mistakes
        row[f"{name}_accuracy"] = round(1 - mistakes / size, 4)
    return row


def test_summary_is_paired_and_counts_wins_ties_losses():
    rows = [split_row(42, 5, 3), split_row(43, 4, 4), split_row(44, 3, 6)]
    summary = summarize(rows)
    assert (summary["wins"], summary["ties"], summary["losses"]) == (1, 1, 1)
    assert summary["difference_mean"] == pytest.approx(round(-1 / 3 / 450, 4))  # +2, 0, -3 images of 450
    assert summary["difference_images_mean"] == pytest.approx(-0.33)
    assert summary["svm_mean"] == pytest.approx(round(1 - 4 / 450, 4))
    assert summary["ensemble_mean"] == pytest.approx(round(1 - 13 / 3 / 450, 4))
    assert summary["best_ahead_of_svm_on_mean"] is False
    assert summary["difference_se"] == pytest.approx(round(summary["difference_sd"] / 3 ** 0.5, 4))


def test_contest_markdown_has_one_row_per_split_and_the_verdict():
    rows = [split_row(42, 5, 3), split_row(43, 4, 4)]
    table = contest_markdown({"splits": rows, "summary": summarize(rows), "members": 5, "epochs": 15, "base_seed": 0})
    assert "| 42 | 98.89% (5) | 99.33% (3) | +0.44% (+2) |" in table
    assert "| 43 | 99.11% (4) | 99.11% (4) | +0.00% (+0) |" in table
    assert "1 wins, 1 ties, 0 losses" in table and "ahead on the mean ✓" in table
