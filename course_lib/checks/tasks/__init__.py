"""The graded tasks of every exercise notebook, one module per notebook.

``ex02_numpy_forward_pass.py`` defines ``EXERCISE = Exercise("02_numpy_forward_pass", …)`` and registers its
tasks with ``@EXERCISE.task(...)``. Judges use NumPy only, so the grader never imports TensorFlow; see
:mod:`course_lib.checks` for how a task is collected and judged.
"""
