"""The instructor's side: grade a class's exercise notebooks (``course-grade``).

Modules, in the order a submission meets them: :mod:`.cli` (the command line), :mod:`.pipeline` (the
stages: prepare → execute → judge → record), :mod:`.kernel` (running cells in a Jupyter kernel under time
limits), :mod:`.sandbox` (the bubblewrap namespaces every kernel runs in) and :mod:`.gradebook` (the output
folder). Grading depends on :mod:`course_lib.checks`; nothing in ``checks`` or the learner's helpers
imports grading.
"""
