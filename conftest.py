"""pytest set-up shared by the unit tests, the doctests and nbval's notebook runs."""

import os
from pathlib import Path

# Before any kernel or library starts: no windows, no TensorFlow start-up chatter in compared outputs.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's frozen-modules notice on stderr

ROOT = Path(__file__).parent


def pytest_configure(config):
    # nbval reads the sanitizer file relative to the working directory; make it work from anywhere.
    if hasattr(config.option, "nbval_sanitize_with") and not config.option.nbval_sanitize_with:
        config.option.nbval_sanitize_with = str(ROOT / "tests" / "nbval_sanitize.cfg")
