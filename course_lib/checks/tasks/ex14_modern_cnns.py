"""Graded tasks of ``exercises/14_modern_cnns.ipynb``: dead units, a residual block, a warm-up + cosine schedule,
Grad-CAM.

Each judge's docstring states, clause by clause, what a correct answer must satisfy; the inputs hold a case for
every clause (tiny positive activations that are alive, whole images without any activation, channels that
differ and channels that match, steps exactly at the ends of the warm-up and of the schedule, a class that is
not the model's top class), so that an answer which ignores one of them fails on every seed.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import (ANY, Array, Cases, CasesUntilError, Exercise, Fail, ListOf, Record, Text, call_each_case,
                expect_array, expect_close, to_plain)
from ._common import reference_softmax, shape_text

EXERCISE = Exercise("14_modern_cnns", "Modern CNNs")
task = EXERCISE.task


# --------------------------------------------------------------------------------------------------------
# Task 1: dead units


def _dense_activations(rng, n, units, dead, tiny, silent_rows):
    """ReLU outputs (n, units): ``dead`` units zero everywhere, ``tiny`` units alive only by a hair (1e-6), one
    unit alive on a single input, and ``silent_rows`` inputs on which no unit fires."""
    Z = np.maximum(rng.normal(0.2, 1.0, size=(n, units)), 0.0)
    columns = rng.permutation(units)
    Z[:, columns[:dead]] = 0.0
    for column in columns[dead:dead + tiny]:
        Z[:, column] = 0.0
        Z[rng.integers(n), column] = 1e-6  # alive: a tiny positive value is still a gradient
    lonely = columns[dead + tiny]
    Z[:, lonely] = 0.0
    Z[rng.integers(n), lonely] = rng.uniform(0.5, 2.0)  # zero for all inputs but one: alive
    Z[rng.choice(n, size=silent_rows, replace=False)] = 0.0
    for column in columns[dead + tiny + 1:]:  # every other alive unit fires on a few inputs only
        if not Z[:, column].any():
            Z[rng.integers(n), column] = 1.0
    return Z


def _conv_activations(rng, n, height, width, channels, dead):
    """ReLU feature maps (n, h, w, c): ``dead`` channels zero everywhere; others zero on whole images or at most
    positions but alive somewhere."""
    A = np.maximum(rng.normal(-0.8, 1.0, size=(n, height, width, channels)), 0.0)
    order = rng.permutation(channels)
    A[..., order[:dead]] = 0.0
    sparse = order[dead]
    A[..., sparse] = 0.0
    A[rng.integers(n), rng.integers(height), rng.integers(width), sparse] = 0.3  # one position of one image
    for channel in order[dead + 1:]:
        A[rng.choice(n, size=n // 2, replace=False), :, :, channel] = 0.0  # silent on half the images
        if not A[..., channel].any():
            A[0, 0, 0, channel] = 1.0
    return A


def _dead_inputs(rng):
    units = int(rng.integers(20, 40))
    n = int(rng.integers(45, 70))
    return {"cases": [
        {"activations": _dense_activations(rng, n, units, dead=int(rng.integers(4, 9)), tiny=int(rng.integers(2, 4)),
                                           silent_rows=int(rng.integers(2, 5)))},
        {"activations": _conv_activations(rng, int(rng.integers(5, 9)), int(rng.integers(3, 6)),
                                          int(rng.integers(6, 9)), int(rng.integers(10, 17)),
                                          dead=int(rng.integers(2, 6)))},
    ]}


@task("count_dead_units", points=2, inputs=_dead_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, ANY))
def judge_count_dead_units(data, inputs):
    """A correct answer, on both cases:

    - is an int (a count; a NumPy integer is accepted, a float is not);
    - counts the units along the LAST axis whose activation is exactly 0 for every input, and for feature maps
      (n, h, w, channels) at every position too: a channel counts once;
    - counts a unit with a tiny positive value (1e-6) on one input, or a large value on a single input, as
      alive; an input on which no unit fires is not a dead unit.
    """
    for number, (case, got) in enumerate(zip(inputs["cases"], data), start=1):
        A = case["activations"]
        what = f"count_dead_units(activations of shape {shape_text(A.shape)})"
        flat = A.reshape(-1, A.shape[-1])                      # (inputs x positions, units)
        want = int(np.all(flat == 0, axis=0).sum())
        if type(got) is float:
            if 0 < got < 1 or got == want / A.shape[-1]:
                raise Fail(f"{what} returned {got:.3g}, a share; return the NUMBER of dead units, an int.")
            raise Fail(f"{what} returned the float {got!r}; return an int (a count), e.g. int(np.sum(...)).")
        if type(got) is not int:
            raise Fail(f"{what} returned {type(got).__name__ if got is not None else 'None'}; expected an int"
                       + (": did you forget to `return` it?" if got is None else "."))
        if got == want:
            continue
        hints = {
            int(np.any(flat == 0, axis=0).sum()): "it counts units that are zero for at least ONE input; a unit "
                                                  "is dead only when it is zero for EVERY input (np.all).",
            int(np.sum(A == 0)): "it counts the zero VALUES; count the units (the last axis) that are zero for "
                                 "every input.",
            int(np.all(flat < 1e-3, axis=0).sum()): "it treats tiny positive values as zero; a unit is dead only "
                                                    "when its activation is exactly 0 for every input: a tiny "
                                                    "value still passes a gradient.",
            int(np.all(A.reshape(len(A), -1) == 0, axis=1).sum()): "it counts the INPUTS on which no unit fires; "
                                                                   "count the units (the last axis) instead.",
        }
        if A.ndim == 4:
            hints[int(np.all(A.reshape(len(A), -1) == 0, axis=0).sum())] = (
                "it counts each (row, column, channel) position as a unit; a unit of a convolution layer is a "
                "CHANNEL, dead when it is zero at every position of every image: reshape to (-1, channels).")
            hints[int(np.all(A == 0, axis=(0, 1)).sum())] = (
                "it reduces over the images and rows only; a channel is dead when it is zero over every image, "
                "row AND column: np.all(activations == 0, axis=(0, 1, 2)).")
        hints.pop(want, None)
        hint = hints.get(got, "a unit is dead when its activation is exactly 0 for every input (and, for "
                              "feature maps, at every position); count those units along the last axis.")
        raise Fail(f"{what} returned {got}, expected {want} (case {number}): {hint}")


# --------------------------------------------------------------------------------------------------------
# Task 2: a residual block with the functional API


def _block_inputs(rng):
    same = int(rng.integers(4, 9))
    channels, filters = (int(v) for v in rng.choice(np.arange(3, 13), size=2, replace=False))
    return {"cases": [
        {"shape": (int(rng.integers(5, 8)), int(rng.integers(8, 11)), same), "filters": same},
        {"shape": (int(rng.integers(8, 11)), int(rng.integers(5, 8)), channels), "filters": filters},
    ]}


def _describe_operation(operation):
    """One node of a functional model as plain data: its class, its settings, and the names of its inputs."""
    config = operation.get_config() if hasattr(operation, "get_config") else {}
    parents = [parent.operation.name for node in operation._inbound_nodes for parent in node.parent_nodes]
    described = {"name": operation.name, "class": type(operation).__name__, "parents": parents}
    for key in ("filters", "kernel_size", "strides", "padding", "use_bias", "activation", "negative_slope",
                "max_value", "threshold"):
        if key in config:
            value = config[key]
            described[key] = to_plain(list(value) if isinstance(value, tuple) else value)
    return described


def _collect_block(answer, inputs):
    import keras

    collected = []
    for number, case in enumerate(inputs["cases"], start=1):
        try:
            x = keras.Input(shape=case["shape"])
            y = answer(x, case["filters"])
            model = keras.Model(x, y)
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001 - reported to the learner by the judge
            collected.append({"raised": f"{type(error).__name__}: {error}"[:500]})
            break
        collected.append({"returned": {
            "operations": [_describe_operation(operation) for operation in model.operations],
            "input": model.inputs[0].name if hasattr(model.inputs[0], "name") else "",
            "input_op": model.operations[0].name,
            "output_op": model.outputs[0]._keras_history.operation.name,
            "output_shape": [None if n is None else int(n) for n in model.outputs[0].shape]}})
    return collected


OPERATION = Record({"name": Text(), "class": Text(), "parents": ListOf(Text())}, extra=True)
BLOCK = Record({"operations": ListOf(OPERATION, min_length=1), "input": Text(), "input_op": Text(),
                "output_op": Text(), "output_shape": ListOf(ANY)})


def _is_relu(op):
    kind = op["class"]
    if kind == "Relu":  # keras.ops.relu
        return True
    if kind == "Activation":
        return op.get("activation") == "relu"
    if kind == "ReLU":
        return not op.get("negative_slope") and op.get("max_value") is None and not op.get("threshold")
    return False


def _label(op, input_op):
    """A short name for the kind of an operation: "input", "conv3x3", "conv1x1", "BN", "ReLU", "add", or its class."""
    if op["name"] == input_op:
        return "input"
    if op["class"] == "Conv2D":
        size = op.get("kernel_size") or []
        return f"conv{'x'.join(str(s) for s in size)}"
    if op["class"] == "BatchNormalization":
        return "BN"
    if _is_relu(op):
        return "ReLU"
    if op["class"] == "Add":
        return "add"
    return op["class"]


def _chain(ops, name, input_op):
    """The labels and names from the first operation with no single parent (the input, or an addition) to ``name``."""
    labels, names = [], []
    while name in ops:
        op = ops[name]
        labels.append(_label(op, input_op))
        names.append(name)
        if name == input_op or len(op["parents"]) != 1 or len(labels) > 12:
            break
        name = op["parents"][0]
    return labels[::-1], names[::-1]


MAIN_PATH = ["input", "conv3x3", "BN", "ReLU", "conv3x3", "BN"]


def _main_path_hint(chain):
    if "BN" not in chain:
        return "there is no BatchNormalization on the main path: Conv2D -> BN -> ReLU -> Conv2D -> BN."
    if chain[:4] == ["input", "conv3x3", "ReLU", "BN"]:
        return ("the ReLU comes before the BN; the order is Conv2D -> BatchNormalization -> ReLU, so that BN "
                "normalises the convolution's output and ReLU cuts the normalised values.")
    if chain[:3] == ["input", "BN", "conv3x3"]:
        return "BN comes before the convolution; normalise what the convolution gives: Conv2D -> BN -> ReLU."
    if any(label.startswith("conv") and label != "conv3x3" for label in chain):
        return "the main path's convolutions are 3x3 (kernel_size=3); only the projection is 1x1."
    if chain.count("conv3x3") != 2:
        return f"the main path has {chain.count('conv3x3')} 3x3 convolutions; it has two."
    if chain and chain[-1] == "ReLU":
        return ("the main path ends with a ReLU before the addition; it ends with BN, and the ReLU comes AFTER "
                "the addition: relu(shortcut + f(x)).")
    return "the main path is Conv2D(3x3) -> BN -> ReLU -> Conv2D(3x3) -> BN."


@task("residual_block", points=4, inputs=_block_inputs, collect=_collect_block,
      answer=lambda inputs: CasesUntilError(inputs, BLOCK))
def judge_residual_block(data, inputs):
    """A correct answer, for x with as many channels as ``filters`` and for x with another number:

    - builds relu(shortcut + f(x)) with Keras layers or ops on the symbolic tensor x (an ``Add`` layer or ``+``,
      a ReLU layer, ``Activation("relu")`` or ``keras.ops.relu``);
    - f(x) = Conv2D(filters, 3, padding="same", use_bias=False) -> BatchNormalization -> ReLU -> Conv2D(filters,
      3, padding="same", use_bias=False) -> BatchNormalization, with no activation inside a Conv2D;
    - the shortcut is x itself when x has ``filters`` channels, and Conv2D(filters, 1, use_bias=False) ->
      BatchNormalization of x when it has not; it starts at x, not inside the main path;
    - the output has x's height and width and ``filters`` channels.
    """
    for number, (case, got) in enumerate(zip(inputs["cases"], data), start=1):
        height, width, channels = case["shape"]
        filters = case["filters"]
        what = f"residual_block(x of shape {shape_text((None, height, width, channels))}, filters={filters})"
        if "raised" in got:
            if "shape" not in got["raised"].lower():
                raise Fail(f"{what} raised {got['raised']}; build the block from Keras layers (or keras.ops) applied "
                           f"to the symbolic tensor x, and return the output tensor.")
            hint = ("the two branches must have the same shape to be added: padding='same' keeps the height and "
                    "width, and when x has another number of channels than `filters`, project the shortcut "
                    "with Conv2D(filters, 1, use_bias=False) then BatchNormalization().")
            raise Fail(f"{what} raised {got['raised']}: {hint}")
        block = got["returned"]
        ops = {op["name"]: op for op in block["operations"]}
        input_op = block["input_op"]
        for op in block["operations"]:
            if op["class"] == "Conv2D":
                if op.get("activation") not in (None, "linear"):
                    raise Fail(f"{what}: a Conv2D has activation={op.get('activation')!r}: its ReLU then comes "
                               f"before the BN. Leave the convolutions linear: Conv2D -> BN -> ReLU.")
                if op.get("use_bias"):
                    raise Fail(f"{what}: a Conv2D has a bias (use_bias=True). BatchNormalization subtracts the "
                               f"mean right after it, which cancels any bias, and adds its own offset (beta): "
                               f"pass use_bias=False.")
                if op.get("strides") not in (None, [1, 1], 1):
                    raise Fail(f"{what}: a Conv2D has strides={op.get('strides')}; this block keeps the size "
                               f"(strides 1).")
                if op.get("filters") != filters:
                    raise Fail(f"{what}: a Conv2D has {op.get('filters')} filters; every convolution in the block "
                               f"has `filters` ({filters}).")
        shape = block["output_shape"]
        if shape[1:] != [height, width, filters]:
            raise Fail(f"{what} gives outputs of shape {shape_text(shape)}, expected "
                       f"{shape_text((None, height, width, filters))}: padding='same' keeps the height and width.")
        out = ops.get(block["output_op"])
        if out is None or not _is_relu(out):
            kind = "nothing" if out is None else _label(out, input_op)
            if kind == "add" and any(_chain(ops, name, input_op)[0][-1:] == ["ReLU"] for name in out["parents"]):
                raise Fail(f"{what} applies the last ReLU to f(x) BEFORE the addition and none after it; the main "
                           f"path ends with BN, and the ReLU comes AFTER the addition: relu(shortcut + f(x)).")
            if kind == "add":
                raise Fail(f"{what} ends with the addition; the final ReLU comes after it: relu(shortcut + f(x)).")
            raise Fail(f"{what} ends with {kind}; it ends with ReLU applied to shortcut + f(x).")
        parents = out["parents"]
        added = ops.get(parents[0]) if len(parents) == 1 else None
        if added is None or added["class"] != "Add":
            raise Fail(f"{what} never adds the shortcut: the block's output is relu(shortcut + f(x)), with an Add "
                       f"layer or `+` on the two tensors.")
        if len(added["parents"]) != 2:
            raise Fail(f"{what} adds {len(added['parents'])} tensors; a residual block adds two: the shortcut and "
                       f"f(x).")
        (first, first_names), (second, second_names) = (_chain(ops, name, input_op) for name in added["parents"])
        if first == MAIN_PATH and second == MAIN_PATH:
            raise Fail(f"{what} adds f(x) to itself; the shortcut is x (or its projection).")
        if MAIN_PATH not in (first, second):
            main = max(first, second, key=len)
            raise Fail(f"{what}: {_main_path_hint(main)}")
        shortcut, shortcut_names, main_names = ((second, second_names, first_names) if first == MAIN_PATH
                                                else (first, first_names, second_names))
        shared = [label for label, name in zip(shortcut[1:], shortcut_names[1:]) if name in main_names]
        if shared:
            raise Fail(f"{what}: the shortcut does not start at the block's input x: it branches off the main path "
                       f"after its {shared[-1]}. Keep a reference to x and add x (or its projection) at the end.")
        if shortcut[:1] != ["input"]:
            raise Fail(f"{what}: the shortcut does not start at the block's input x (it starts at "
                       f"{shortcut[0] if shortcut else 'nothing'}); keep a reference to x and add it at the end.")
        if channels == filters and shortcut != ["input"]:
            raise Fail(f"{what}: x already has {filters} channels, so the shortcut is x itself (the identity); a "
                       f"projection is only for shapes that differ, and it would take the clean path away.")
        if channels != filters and shortcut != ["input", "conv1x1", "BN"]:
            if shortcut == ["input", "conv1x1"]:
                raise Fail(f"{what}: the 1x1 projection needs its BatchNormalization too: Conv2D(filters, 1, "
                           f"use_bias=False) then BatchNormalization(), as on the main path.")
            raise Fail(f"{what}: with {channels} channels in and {filters} out, the shortcut is Conv2D(filters, 1, "
                       f"use_bias=False) -> BatchNormalization() of x; got {' -> '.join(shortcut)}.")


# --------------------------------------------------------------------------------------------------------
# Task 3: warm-up then cosine decay, in NumPy


def _schedule_inputs(rng):
    cases = []
    for warmup in (int(rng.integers(3, 12)), 0):
        total = warmup + int(rng.integers(20, 60))
        peak = float(rng.choice([0.01, 0.03, 0.1, 0.3]))
        final = float(peak * rng.choice([0.0, 0.01, 0.1]))
        edges = [0, 1, max(warmup - 1, 0), warmup, warmup + 1, total - 1, total, total + 1, total + 7]
        steps = np.unique(np.concatenate([edges, rng.integers(0, total + 10, size=6)])).astype(np.int64)
        cases.append({"steps": rng.permutation(steps), "peak_lr": peak, "warmup_steps": warmup,
                      "total_steps": total, "final_lr": final})
    cases[1]["final_lr"] = 0.0 if cases[0]["final_lr"] else cases[1]["peak_lr"] * 0.05  # both kinds of final_lr
    return {"cases": cases}


def _warmup_cosine(steps, peak_lr, warmup_steps, total_steps, final_lr):
    steps = np.asarray(steps, dtype=float)
    warm = peak_lr * steps / max(warmup_steps, 1)
    progress = np.clip((steps - warmup_steps) / (total_steps - warmup_steps), 0.0, 1.0)
    cosine = final_lr + (peak_lr - final_lr) * 0.5 * (1 + np.cos(np.pi * progress))
    return np.where(steps < warmup_steps, warm, cosine)


@task("warmup_cosine", points=3, inputs=_schedule_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, lambda case: Array(shape=case["steps"].shape)))
def judge_warmup_cosine(data, inputs):
    """A correct answer, for every step of an unsorted integer array, with and without warm-up:

    - rises linearly from 0 at step 0 to peak_lr at step warmup_steps: peak_lr * step / warmup_steps;
    - from step warmup_steps to total_steps follows final_lr + (peak_lr - final_lr) * (1 + cos(pi * p)) / 2 with
      p = (step - warmup_steps) / (total_steps - warmup_steps), so it is peak_lr at the end of the warm-up and
      final_lr at total_steps; final_lr may be 0 or not;
    - stays at final_lr after total_steps;
    - with warmup_steps = 0, starts at peak_lr (no division by zero);
    - returns an array of the steps' shape.
    """
    for case, got in zip(inputs["cases"], data):
        steps, peak, warmup, total, final = (case["steps"], case["peak_lr"], case["warmup_steps"],
                                             case["total_steps"], case["final_lr"])
        what = (f"warmup_cosine(steps, peak_lr={peak}, warmup_steps={warmup}, total_steps={total}, "
                f"final_lr={final:.3g})")
        rates = expect_array(got, what, shape=steps.shape, finite=False)
        want = _warmup_cosine(steps, peak, warmup, total, final)
        s = steps.astype(float)
        no_clip = final + (peak - final) * 0.5 * (1 + np.cos(np.pi * (s - warmup) / (total - warmup)))
        hints = [
            (np.where(s < warmup, peak * s / max(warmup, 1), no_clip),
             f"after total_steps ({total}) the rate climbs again: the cosine must stop there. Clip the "
             f"progress to at most 1 (np.clip or np.minimum) so the rate stays at final_lr."),
            (np.where(s < warmup, peak * s / max(warmup, 1),
                      final + (peak - final) * 0.5 * (1 + np.cos(np.pi * np.clip(s / total, 0, 1)))),
             "the cosine counts from step 0 over total_steps; it starts at the END of the warm-up: progress = "
             "(step - warmup_steps) / (total_steps - warmup_steps)."),
            (np.where(s < warmup, peak * (s + 1) / max(warmup, 1), want),
             "the warm-up is one step ahead: at step 0 the rate is 0, at step warmup_steps it reaches peak_lr: "
             "peak_lr * step / warmup_steps."),
            (np.where(s < warmup, peak * s / max(warmup, 1),
                      peak * 0.5 * (1 + np.cos(np.pi * np.clip((s - warmup) / (total - warmup), 0, 1)))),
             "final_lr is ignored: the cosine goes from peak_lr down to final_lr, final_lr + (peak_lr - final_lr) "
             "* (1 + cos(pi * p)) / 2."),
            (np.where(s < warmup, peak * s / max(warmup, 1),
                      final + (peak - final) * np.cos(np.pi * np.clip((s - warmup) / (total - warmup), 0, 1))),
             "the cosine term lacks (1 + cos) / 2: cos(pi * p) alone goes from 1 to -1, so the rate goes below "
             "final_lr. Use (1 + cos(pi * p)) / 2, which goes from 1 to 0."),
            (np.where(s < warmup, peak * s / max(warmup, 1),
                      final + (peak - final) * 0.5 * (1 + np.cos(np.clip((s - warmup) / (total - warmup), 0, 1)))),
             "the angle lacks pi: cos(p) for p from 0 to 1 covers only a small part of the half wave; use "
             "cos(pi * p)."),
        ]
        if not np.all(np.isfinite(rates)):
            bad = steps[~np.isfinite(rates)]
            raise Fail(f"{what} gives nan or inf at steps {bad[:5].tolist()}"
                       + (": with warmup_steps = 0 there is no warm-up; do not divide by warmup_steps then."
                          if warmup == 0 else ".") + " (np.where computes both branches: guard the division.)")
        # float32 arithmetic (Keras's own CosineDecay) is right to about 1e-7 of peak_lr
        expect_close(rates, want, what, rtol=1e-5, atol=1e-7 * peak, hints=[
            (candidate, hint) for candidate, hint in hints if not np.allclose(candidate, want, rtol=1e-5,
                                                                              atol=1e-7 * peak)])


# --------------------------------------------------------------------------------------------------------
# Task 4: Grad-CAM on a small given model


LAYER_NAMES = ["conv", "features", "last_conv", "block_out"]


def _cam_inputs(rng):
    cases = []
    for _ in range(2):
        height, width = int(rng.integers(7, 11)), int(rng.integers(7, 11))
        filters, classes = int(rng.integers(4, 7)), int(rng.integers(3, 6))
        case = {"image": rng.uniform(0, 1, size=(height, width, 1)).astype(np.float32),
                "K": rng.normal(0, 0.6, size=(3, 3, 1, filters)).astype(np.float32),
                "b": rng.normal(0, 0.1, size=filters).astype(np.float32),
                "W": rng.normal(0, 0.3, size=((height - 2) * (width - 2) * filters, classes)).astype(np.float32),
                "c": rng.normal(0, 0.1, size=classes).astype(np.float32),
                "layer_name": str(rng.choice(LAYER_NAMES))}
        logits = _cam_forward(case)[2]
        ranked = np.argsort(logits)
        case["class_index"] = int(ranked[-2])  # not the top class: the argmax would be a slip
        if _grad_cam(case).max() <= 0:          # a map with something in it
            case["class_index"] = int(ranked[-3]) if classes > 2 else int(ranked[0])
        cases.append(case)
    return {"cases": cases}


def _cam_forward(case):
    X = case["image"].astype(np.float64)[None]                                       # (1, h, w, 1)
    windows = sliding_window_view(X, (3, 3), axis=(1, 2))                            # (1, h-2, w-2, 1, 3, 3)
    A = np.maximum(np.einsum("nhwcuv,uvco->nhwo", windows, case["K"].astype(np.float64)) + case["b"], 0.0)[0]
    logits = A.reshape(-1) @ case["W"].astype(np.float64) + case["c"]
    return X, A, logits


def _grad_cam(case, gradients=None, relu=True, normalize=True):
    _, A, logits = _cam_forward(case)
    W = case["W"].astype(np.float64).reshape(*A.shape, -1)                           # (h', w', k, classes)
    G = W[..., case["class_index"]] if gradients is None else gradients              # d logit / d A: (h', w', k)
    cam = A @ G.mean(axis=(0, 1))                                                     # (h', w')
    if relu:
        cam = np.maximum(cam, 0.0)
    if normalize and cam.max() > 0:
        cam = cam / cam.max()
    return cam


def _collect_cam(answer, inputs):
    import keras
    from keras import layers

    answers = []
    for number, case in enumerate(inputs["cases"], start=1):
        height, width = case["image"].shape[:2]
        inputs = keras.Input(shape=(height, width, 1))
        maps = layers.Conv2D(case["K"].shape[-1], 3, activation="relu", name=case["layer_name"])(inputs)
        scores = layers.Dense(case["W"].shape[1], name="logits")(layers.Flatten(name="flatten")(maps))  # no softmax
        model = keras.Model(inputs, scores)
        model.get_layer(case["layer_name"]).set_weights([case["K"], case["b"]])
        model.get_layer("logits").set_weights([case["W"], case["c"]])
        value = answer(model, case["image"], case["class_index"], case["layer_name"])
        if keras.ops.is_tensor(value):
            value = keras.ops.convert_to_numpy(value)
        answers.append(to_plain(value, f"the value it returned for case {number}"))
    return answers


@task("grad_cam", points=3, inputs=_cam_inputs, collect=_collect_cam, answer=lambda inputs: Cases(inputs, Array()))
def judge_grad_cam(data, inputs):
    """A correct answer, for two models with a randomly named conv layer and a class that is not the top one:

    - has the conv layer's height and width (h - 2, w - 2), no batch or channel axis;
    - weights each feature map by the MEAN (or the sum: the scale goes away) over positions of the gradient of
      the class's score (the model's output, logits) with respect to that layer's output, adds the weighted maps,
      and keeps the positive part (ReLU);
    - uses ``class_index``, not the predicted class;
    - is divided by its largest value, so that its maximum is 1.
    """
    for number, (case, got) in enumerate(zip(inputs["cases"], data), start=1):
        what = f"grad_cam(model, image, class_index={case['class_index']}, layer_name={case['layer_name']!r})"
        cam = expect_array(got, what)
        want = _grad_cam(case)
        if cam.shape != want.shape:
            hint = ""
            if cam.shape == (1, *want.shape) or cam.shape == (*want.shape, 1):
                hint = ": drop the batch/channel axis (cam[0] or np.squeeze): one map of the layer's height and width."
            elif cam.shape == case["image"].shape[:2]:
                hint = (": that is the image's size; the map has the conv layer's size (no upsampling here), "
                        "and it comes from the layer's output, not the input.")
            elif cam.ndim == 3:
                hint = ": these are the weighted maps, one per channel; add them up over the channels."
            raise Fail(f"{what} has shape {cam.shape}, expected {want.shape}{hint}")
        X, A, logits = _cam_forward(case)
        W = case["W"].astype(np.float64).reshape(*A.shape, -1)
        probabilities = reference_softmax(logits)
        c = case["class_index"]
        softmax_gradient = probabilities[c] * (W[..., c] - W @ probabilities)        # d p_c / d A
        top = int(np.argmax(logits))
        top_case = dict(case, class_index=top)
        raw = _grad_cam(case, relu=False, normalize=False)
        expect_close(cam, want, what, rtol=1e-4, atol=1e-5, hints=[
            (_grad_cam(case, relu=False), "it has negative values: keep only the positive part (ReLU), the "
                                          "regions that push the class score up."),
            (np.abs(raw) / np.abs(raw).max(), "it takes the absolute value; Grad-CAM keeps the positive part "
                                              "(ReLU): regions that argue against the class are set to 0."),
            (_grad_cam(case, normalize=False), "it is not divided by its largest value: the map's maximum must "
                                               "be 1."),
            (_grad_cam(top_case), f"it explains class {top}, the model's top class; explain class_index "
                                  f"({c}), the class asked for."),
            (_grad_cam(case, gradients=softmax_gradient), "it uses the gradient of the softmax probability; "
                                                          "Grad-CAM uses the class SCORE, the model's output "
                                                          "here (logits), before any softmax."),
            (_normalized(np.maximum((A * W[..., c]).sum(axis=2), 0)),
             "each position is weighted by its own gradient; Grad-CAM gives each MAP one weight, the mean of its "
             "gradients over all positions (axis=(0, 1)), then adds the weighted maps."),
            (_normalized(np.maximum(A.mean(axis=2), 0)), "it averages the feature maps without the gradients; "
                                                         "weight each map by its mean gradient for the class."),
        ])


def _normalized(cam):
    return cam / cam.max() if cam.max() > 0 else cam
