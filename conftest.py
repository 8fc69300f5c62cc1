"""pytest set-up shared by the unit tests, the doctests and nbval's notebook runs."""

import os
from pathlib import Path

from course_lib.env import quiet_tensorflow

# Inherited by the kernels nbval starts: no TensorFlow start-up chatter in outputs that are compared.
# (No MPLBACKEND here: kernels must keep Jupyter's inline backend so that figures are displayed.)
quiet_tensorflow()
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's frozen-modules notice on stderr
os.environ["NN_COURSE_PROGRESS"] = "off"  # checks run by the tests leave the learner's progress record alone

# Learners' test submissions and wrong answers are data for the tests, not tests or modules to collect.
collect_ignore_glob = ["tests/files/*"]

ROOT = Path(__file__).parent


def _run_cells_like_jupyter():
    """Make nbval execute cells as JupyterLab does, with ``store_history=True``.

    nbval sends ``store_history=False``, and IPython then ignores a trailing ``;``: a plotting cell that
    ends in ``ax.set(...);`` would print a value under test that it never prints for a learner.
    """
    try:
        from nbval.kernel import RunningKernel
    except ImportError:  # nbval not installed: nothing to adjust
        return

    def execute_cell_input(self, cell_input, allow_stdin=None):
        return self.kc.execute(cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False)

    RunningKernel.execute_cell_input = execute_cell_input


def pytest_configure(config):
    _run_cells_like_jupyter()
    # nbval reads the sanitizer file relative to the working directory; make it work from anywhere.
    if hasattr(config.option, "nbval_sanitize_with") and not config.option.nbval_sanitize_with:
        config.option.nbval_sanitize_with = str(ROOT / "tests" / "nbval_sanitize.cfg")
