"""Unit tests for course_lib.env, some in a fresh Python process (imports and seeds are global state)."""

import os
import random
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from course_lib import env


def run_python(code):
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def test_setup_seeds_python_and_numpy(capsys):
    env.setup(3)
    first = (random.random(), np.random.rand())
    info = env.setup(3)
    assert (random.random(), np.random.rand()) == first
    assert info.seed == 3 and info.device == "CPU" and not info.deterministic
    out = capsys.readouterr().out
    assert out.startswith("Seed 3 set for Python, NumPy\n")
    assert "numpy " + np.__version__ in out


def test_setup_quiet_when_asked(capsys):
    env.setup(0, verbose=False)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "args, kwargs, error, fragment",
    [
        (("42",), {}, TypeError, "seed must be an int"),
        ((True,), {}, TypeError, "seed must be an int"),
        ((-1,), {}, ValueError, "between 0 and 2\\*\\*32"),
        ((0,), {"deterministic": True}, ValueError, "needs keras=True"),
    ],
)
def test_setup_rejects_bad_arguments(args, kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        env.setup(*args, **kwargs)


def test_import_course_lib_is_light():
    result = run_python("""
        import sys, course_lib
        heavy = [m for m in ("tensorflow", "keras", "sklearn", "PIL", "ipywidgets", "matplotlib") if m in sys.modules]
        print(heavy)
    """)
    assert result.stdout.strip() == "[]"


def test_setup_with_keras_seeds_tensorflow_and_is_quiet():
    """Same seed, same Keras weights; and TensorFlow's C++ start-up lines do not reach stderr."""
    result = run_python("""
        import course_lib
        info = course_lib.setup(7, keras=True, deterministic=True)
        import keras, numpy as np
        def weights():
            model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
            return model.get_weights()[0]
        first = weights()
        course_lib.setup(7, keras=True, verbose=False)
        print("same:", np.array_equal(first, weights()))
    """)
    assert "same: True" in result.stdout
    assert "Seed 7 set for Python, NumPy and Keras (TensorFlow op determinism on)" in result.stdout
    assert "tensorflow" in result.stdout and "Device: CPU" in result.stdout
    assert "cuda" not in result.stderr.lower() and "absl" not in result.stderr, result.stderr


def test_setup_info_report_mentions_gpus():
    info = env.SetupInfo(seed=1, versions={"tensorflow": "2.x"}, gpus=["/physical_device:GPU:0"])
    assert info.device == "GPU"
    assert "Device: GPU (/physical_device:GPU:0)" in str(info)


def test_setup_leaves_tensorflows_numerical_back_end_alone():
    """Only logging is quietened: oneDNN stays as the install has it, and its start-up notice is still hidden."""
    code = """
        import os, course_lib
        course_lib.setup(0, keras=True, verbose=False)
        print("TF_ENABLE_ONEDNN_OPTS:", os.environ.get("TF_ENABLE_ONEDNN_OPTS"))
    """
    environment = {key: value for key, value in os.environ.items() if key != "TF_ENABLE_ONEDNN_OPTS"}
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                            timeout=120, env=environment)
    assert result.returncode == 0, result.stderr
    assert "TF_ENABLE_ONEDNN_OPTS: None" in result.stdout
    assert "oneDNN custom operations" not in result.stderr, result.stderr


def test_import_keras_freezes_the_imports_once_and_later_objects_are_still_collected():
    result = run_python("""
        import gc, weakref
        from course_lib import env
        before = gc.get_freeze_count()
        env.import_keras()
        frozen = gc.get_freeze_count()

        class Node:  # a reference cycle: only the cyclic collector can free it
            pass
        node = Node(); node.self = node; alive = weakref.ref(node)
        env.import_keras()  # a second call must not pin the learner's objects
        del node
        gc.collect()
        print(before, frozen, gc.get_freeze_count(), alive() is None)
    """)
    before, frozen, again, collected = result.stdout.split()
    assert int(before) == 0 and int(frozen) > 100_000, "Keras's imported objects were not frozen"
    assert collected == "True", "an object made between two import_keras calls was frozen, never collected"
    assert int(again) < int(frozen) + 100
