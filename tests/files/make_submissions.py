"""Write the grader's test submissions: ``tests/files/submissions/<case>/01_neurons.ipynb``.

Each case is a learner's notebook for exercise 01 with one kind of trouble in it (an endless loop, a kernel
crash, a memory bomb, tampering, damaged files, ...). ``tests/test_grade.py`` grades them all in one run
and says what each must get. Re-run after changing ``solutions/01_neurons.ipynb``::

    python tests/files/make_submissions.py
"""

import copy
import json
import shutil
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
OUT = HERE / "submissions"
NAME = "01_neurons.ipynb"


def base():
    """The worked solution as a learner would hand it in: solutions, outputs cleared."""
    notebook = nbformat.read(ROOT / "solutions" / NAME, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


def blank():
    return nbformat.read(ROOT / "exercises" / NAME, as_version=4)


def index_of(notebook, text):
    return next(i for i, cell in enumerate(notebook.cells) if text in cell.source)


def replace_function(notebook, name, source):
    notebook.cells[index_of(notebook, f"def {name}(")].source = source
    return notebook


def insert_after(notebook, text, *sources):
    at = index_of(notebook, text) + 1
    notebook.cells[at:at] = [new_code_cell(source) for source in sources]
    return notebook


def write(case, notebook=None, *, raw=None):
    folder = OUT / case
    folder.mkdir(parents=True, exist_ok=True)
    if raw is not None:
        (folder / NAME).write_bytes(raw)
    else:
        nbformat.write(notebook, folder / NAME)


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    write("solved", base())
    write("blank", blank())

    # Endless loops: a top-level one in a cell, and ones inside a task that shrug off interrupts.
    write("loop_in_cell", insert_after(base(), 'check("sigmoid")', "while True:\n    pass"))
    write("loop_ignores_interrupt", replace_function(base(), "softmax", (
        "import signal, time\n\ndef softmax(z):\n    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "    while True:\n        try:\n            time.sleep(0.05)\n        except KeyboardInterrupt:\n"
        "            pass")))

    # Kernel deaths: os._exit in a cell, a segfault inside a task.
    write("os_exit", insert_after(base(), 'check("relu")', "import os\nos._exit(3)"))
    write("segfault", replace_function(base(), "and_gate", (
        "import ctypes\n\ndef and_gate():\n    return ctypes.string_at(0)")))

    # Resources: a memory bomb, and tens of megabytes of output.
    write("memory_bomb", insert_after(base(), 'check("weighted_sum")',
                                      "hog = bytearray(8 * 2**30)  # 8 GB, far above --memory-mb"))
    write("huge_output", insert_after(base(), 'check("weighted_sum")', (
        "import sys\nfor _ in range(40):\n    sys.stdout.write('x' * 1_000_000 + '\\n')"),
        ("from IPython.display import Image, display\nimport numpy as np\nfrom PIL import Image as PILImage\n"
         "import io\nbuffer = io.BytesIO()\n"
         "PILImage.fromarray(np.random.default_rng(0).integers(0, 255, (1500, 1500, 3), dtype=np.uint8))"
         ".save(buffer, 'PNG')\nfor _ in range(3):\n    display(Image(buffer.getvalue()))")))

    # Damaged and odd files.
    write("not_json", raw=b'{"cells": [ this is not json')
    write("json_list", raw=b"[1, 2, 3]")
    write("unknown_version", raw=json.dumps({"nbformat": 99, "nbformat_minor": 0, "cells": []}).encode())
    write("empty", raw=b"")
    write("binary", raw=bytes(range(256)) * 20)
    old = nbformat.v3.convert.downgrade(copy.deepcopy(base()))
    write("old_format", raw=nbformat.writes(old, version=3).encode())

    # Edited structure: check cells deleted, a task moved above its check, a cell duplicated, one retyped.
    notebook = base()
    notebook.cells = [cell for cell in notebook.cells if 'check("relu")' not in cell.source]
    defining = notebook.cells.pop(index_of(notebook, "def sigmoid("))
    notebook.cells.insert(index_of(notebook, 'check("softmax")') + 1, defining)
    duplicate = copy.deepcopy(notebook.cells[index_of(notebook, "def weighted_sum(")])
    duplicate.id = "duplicated-cell"
    notebook.cells.insert(index_of(notebook, "def weighted_sum("), duplicate)
    notebook.cells[index_of(notebook, "def and_gate(")] = new_markdown_cell(
        notebook.cells[index_of(notebook, "def and_gate(")].source)
    write("cells_edited", notebook)

    # Tags and metadata a learner (or their editor) added.
    notebook = base()
    notebook.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    for cell in notebook.cells:
        cell.metadata["tags"] = ["skip-execution", "raises-exception"]
        cell.metadata["nbgrader"] = {"points": 1000, "grade": True}
    write("tags_and_metadata", notebook)

    write("renamed", replace_function(base(), "softmax", (
        "def my_softmax(z):\n    exps = np.exp(z - np.max(z))\n    return exps / exps.sum()")))
    write("stderr_warnings", insert_after(base(), 'check("weighted_sum")', (
        "import sys, warnings\nprint('WARNING: All log messages before absl::InitializeLog()', file=sys.stderr)\n"
        "warnings.warn('tf.function retracing', UserWarning)")))

    # Tampering: patched NumPy, builtins and checks, answers that pretend, fake messages and result files.
    tampered = insert_after(base(), "checker(", (
        "import builtins, numpy, course_lib.checks as c\n"
        "numpy.allclose = lambda *a, **k: True\nnumpy.isclose = lambda *a, **k: True\n"
        "c.expect_close = lambda *a, **k: None\nc.judge_answer = lambda task, answer, seed: c.Result(task.name, "
        "'passed', task.points, task.points)\nbuiltins.print = lambda *a, **k: None\nbuiltins.abs = lambda x: 0"))
    replace_function(tampered, "weighted_sum", "def weighted_sum(x, w, b):\n    return float(x @ w)  # no bias")
    write("monkeypatch", tampered)
    write("always_equal", replace_function(base(), "relu", (
        "class AlwaysEqual:\n    def __eq__(self, other):\n        return True\n    __hash__ = None\n"
        "    def __array__(self, *args, **kwargs):\n        raise TypeError('nope')\n\n"
        "def relu(z):\n    return AlwaysEqual()")))
    write("malicious_pickle", replace_function(base(), "relu", (
        "import os, pickle\n\nclass Evil:\n    def __reduce__(self):\n        return (os.system, ('touch /tmp/pwned',))\n\n"
        "def relu(z):\n    return pickle.dumps(Evil())")))
    write("numpy_subclass", replace_function(base(), "relu", (
        "class Sneaky(np.ndarray):\n    def __eq__(self, other):\n        return np.ones(np.shape(other), bool)\n\n"
        "def relu(z):\n    return np.zeros_like(np.asarray(z, dtype=float)).view(Sneaky)")))
    write("nan_answer", replace_function(base(), "sigmoid", "def sigmoid(z):\n    return np.full_like(np.asarray(z, float), np.nan)"))
    notebook = replace_function(base(), "softmax", "def softmax(z):\n    return z / z.sum()")
    insert_after(notebook, 'check("softmax")', "print('✓ softmax: passed (2/2 points)')\nprint('All tests passed! 11/11')")
    write("prints_passed", notebook)
    write("fake_result_files", insert_after(base(), "checker(", (
        "import json, os\nfake = 'learner,exercise,score,max_score,status\\nfake_result_files,01_neurons,999,11,ok\\n'\n"
        "for folder in ['.', '..', '../..', os.path.expanduser('~')]:\n"
        "    for name in ['grades.csv', 'results.json']:\n"
        "        try:\n            open(os.path.join(folder, name), 'w').write(fake)\n"
        "        except OSError:\n            pass")))

    # A detached background process that would outlive the notebook.
    write("background_process", insert_after(base(), "checker(", (
        "import subprocess\nsubprocess.Popen(['sleep', '987654'], start_new_session=True, stdout=subprocess.DEVNULL)\n"
        "import os\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        "        os.execvp('sleep', ['sleep', '987655'])\n    os._exit(0)")))


if __name__ == "__main__":
    main()
