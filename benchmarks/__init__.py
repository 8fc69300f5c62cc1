"""Benchmarks: what the course promises, measured side by side in one run (``python -m benchmarks``).

Timings are medians of repeated runs taken in the same run, and ratios between them; nothing here is a
timed assertion. ``--quick`` runs every kind of row once on a small scale (the test suite uses it).
"""
