"""``python -m course_lib.grade``: the same command as ``course-grade`` (see :mod:`course_lib.grading`)."""

import sys

from .grading.cli import main

if __name__ == "__main__":
    sys.exit(main())
