"""One call to prepare a notebook: seeds, quiet TensorFlow, and a report of the versions in use.

Every lesson's ``## Setup`` section starts with :func:`setup`. TensorFlow is imported only when a lesson
asks for it (``keras=True``), so the NumPy lessons start in a fraction of a second.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import platform
import random
import sys
import warnings
from dataclasses import dataclass, field

__all__ = ["SetupInfo", "import_keras", "quiet_tensorflow", "setup"]

# Module loggers whose start-up chatter means nothing to a learner.
_NOISY_LOGGERS = ("tensorflow", "absl", "h5py")


@dataclass(frozen=True)
class SetupInfo:
    """What :func:`setup` did and found, printed as a short report.

    Attributes
    ----------
    seed : int
        The seed given to every random number generator.
    versions : dict
        Package name to version string, for the packages the course relies on.
    gpus : list of str
        Names of the GPUs TensorFlow can see; empty on a CPU-only machine or when Keras was not set up.
    deterministic : bool
        Whether TensorFlow's op determinism was switched on.
    """

    seed: int
    versions: dict = field(default_factory=dict)
    gpus: list = field(default_factory=list)
    deterministic: bool = False

    @property
    def device(self) -> str:
        """``"GPU"`` when TensorFlow sees at least one GPU, else ``"CPU"``."""
        return "GPU" if self.gpus else "CPU"

    def __str__(self) -> str:
        packages = ", ".join(f"{name} {version}" for name, version in self.versions.items())
        lines = [f"Seed {self.seed} set for Python, NumPy" + (" and Keras" if "keras" in self.versions else "")]
        if self.deterministic:
            lines[0] += " (TensorFlow op determinism on)"
        lines.append(f"Versions: {packages}")
        if "tensorflow" in self.versions:
            lines.append(f"Device: {self.device}" + (f" ({', '.join(self.gpus)})" if self.gpus else ""))
        return "\n".join(lines)


def quiet_tensorflow() -> None:
    """Silence TensorFlow's start-up log lines and Python warnings from its dependencies.

    Must run before TensorFlow is first imported to hide the C++ messages (oneDNN notices, CUDA
    look-ups); :func:`setup` calls it for you. Errors are still shown.

    Only logging is changed, never how TensorFlow computes: oneDNN, TensorFlow's optimized CPU back end,
    stays as the installed TensorFlow sets it (on by default in its Linux x86 packages;
    ``TF_ENABLE_ONEDNN_OPTS=0`` in the environment switches it off). Its start-up notice is printed
    before ``TF_CPP_MIN_LOG_LEVEL`` is read, so :func:`import_keras` hides it by silencing the import.

    Examples
    --------
    >>> quiet_tensorflow()
    >>> os.environ["TF_CPP_MIN_LOG_LEVEL"]
    '3'
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # C++ logs: errors only
    os.environ.setdefault("ABSL_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(tensorflow|keras|google|absl)")


@contextlib.contextmanager
def _stderr_fd_silenced():
    """Send the process's file descriptor 2 to /dev/null for a moment.

    TensorFlow's C++ code prints some start-up lines ("Could not find cuda drivers ...") before it reads
    ``TF_CPP_MIN_LOG_LEVEL``; they go straight to the descriptor, past Python's ``sys.stderr``.
    Python exceptions are unaffected and still reach the learner.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (some embedded interpreters): nothing to silence
        yield
        return
    try:
        sys.stderr.flush()
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


_imports_frozen = False


def _freeze_imports() -> None:
    """Take everything imported so far out of the garbage collector's sight, once per process.

    Importing Keras brings in about 4,000 modules and 390,000 objects that Python's cyclic garbage collector
    tracks. They live as long as the kernel does, yet every full collection walks all of them: about 0.2 s
    each, seven to nine times in a Keras lesson, and once more, for about a second, when the kernel shuts
    down. ``gc.freeze()`` moves the objects alive now into a permanent generation that collections skip;
    nothing is computed differently. Later objects (models, arrays) are collected as usual. Only once: a
    second freeze would also pin whatever the learner had made by then.
    """
    global _imports_frozen
    if not _imports_frozen:
        gc.collect()  # what is garbage already must not be frozen
        gc.freeze()
        _imports_frozen = True


def import_keras():
    """Import Keras and TensorFlow quietly and return both modules: ``keras, tf = import_keras()``.

    The first call also freezes the imported modules' objects for the garbage collector
    (:func:`_freeze_imports`): a Keras lesson ran and shut down 1.4 to 2.2 seconds sooner when this was measured.

    Examples
    --------
    >>> keras, tf = import_keras()
    >>> keras.__version__.split(".")[0]
    '3'
    """
    quiet_tensorflow()
    with _stderr_fd_silenced():
        import keras
        import tensorflow as tf
    # In a notebook TensorFlow resets its logger to INFO the first time it logs (model.export prints
    # "INFO:tensorflow:Assets written to …" on stdout and stderr); errors are all a learner needs.
    tf.get_logger().setLevel(logging.ERROR)
    _freeze_imports()
    return keras, tf


def _version(package: str) -> str:
    from importlib import metadata  # only when a report is printed: it is slow to import

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def setup(seed: int = 42, *, keras: bool = False, deterministic: bool = False, verbose: bool = True) -> SetupInfo:
    """Seed every random number generator a lesson uses and report the environment.

    Parameters
    ----------
    seed : int, default 42
        Seed for Python's ``random``, NumPy's global generator and, with ``keras=True``, Keras and
        TensorFlow (through ``keras.utils.set_random_seed``).
    keras : bool, default False
        Also import and seed Keras/TensorFlow, after silencing TensorFlow's start-up log lines.
        Leave it off in NumPy-only lessons: importing TensorFlow takes several seconds.
    deterministic : bool, default False
        Switch on ``tf.config.experimental.enable_op_determinism()`` so that repeated runs on the same
        machine give bit-identical training. It can slow some GPU operations down; on a CPU the cost is small.
        Requires ``keras=True``.
    verbose : bool, default True
        Print the report (seed, versions, CPU or GPU).

    Returns
    -------
    SetupInfo
        The seed, package versions and visible GPUs.

    Examples
    --------
    >>> info = setup(0, verbose=False)
    >>> info.seed, info.device
    (0, 'CPU')
    >>> import numpy as np
    >>> first = np.random.rand()
    >>> _ = setup(0, verbose=False)
    >>> np.random.rand() == first
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {seed!r} of type {type(seed).__name__}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be between 0 and 2**32 - 1, got {seed}")
    if deterministic and not keras:
        raise ValueError("deterministic=True controls TensorFlow, so it needs keras=True as well")

    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    versions = {"python": platform.python_version(), "numpy": np.__version__, "matplotlib": _version("matplotlib")}
    gpus: list[str] = []
    if keras:
        keras_module, tf = import_keras()

        keras_module.utils.set_random_seed(seed)  # seeds Python, NumPy and TensorFlow together
        if deterministic:
            tf.config.experimental.enable_op_determinism()
        versions["tensorflow"] = tf.__version__
        versions["keras"] = keras_module.__version__
        gpus = [device.name for device in tf.config.list_physical_devices("GPU")]

    info = SetupInfo(seed=seed, versions=versions, gpus=gpus, deterministic=deterministic)
    if verbose:
        print(info)
    return info
