"""Graded tasks of ``exercises/07_first_cnns.ipynb``: parameter counts, output layers and losses, CNNs in Keras."""

import contextlib
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import (ANY, Array, Cases, Exercise, Fail, Flag, Integer, Items, ListOf, Number, Record, Text, call_each_case,
                describe_model, expect_array, expect_close, expect_number, to_plain, weights_digest)
from ._common import (MODEL, compile_problem, compiled_layers, digits, distinct_sizes, output_activation, shape_text,
                      softmax_twice, watching)

EXERCISE = Exercise("07_first_cnns", "First CNNs in Keras")
task = EXERCISE.task

LOSSES = ("binary_crossentropy", "sparse_categorical_crossentropy", "categorical_crossentropy")

#: :data:`MODEL`, and what a compiled model describes: the metrics' names and the optimizer,
#: ``{"class": "Adam", "learning_rate": 0.001, ...its other settings}``.
COMPILED_MODEL = Record(MODEL.fields, optional={**MODEL.optional, "metrics": ListOf(ANY),
                                                "optimizer": Record({"class": Text(), "learning_rate": Number()},
                                                                    extra=True)},
                        extra=True)


# --------------------------------------------------------------------------------------------------------
# Task 1: parameters of a Conv2D layer


def _params_inputs(rng):
    def pick(values):
        return int(rng.choice(values))

    # Channels and filters from sets that never meet (swapping them shows); kernels that are not square,
    # taller and wider, whose sides squared are never 9 (a side used twice, and 3x3 hard-coded, both show);
    # a single input channel.
    return {"cases": [
        {"kernel_size": pick([3, 5]), "in_channels": pick([3, 5, 12, 24]), "filters": pick([8, 16, 32, 64])},
        {"kernel_size": (pick([1, 2]), pick([5, 7])), "in_channels": pick([4, 6, 10]), "filters": pick([16, 20])},
        {"kernel_size": (pick([5, 7]), pick([2, 4])), "in_channels": pick([2, 7]), "filters": pick([12, 24])},
        {"kernel_size": pick([3, 5, 7]), "in_channels": 1, "filters": pick([6, 10, 24])},
    ]}


@task("conv_params", points=1, inputs=_params_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Integer()))
def judge_conv_params(data, inputs):
    """A correct answer: an int (a count), (kh * kw * in_channels + 1) * filters, for a square kernel given as
    an int and for a (kh, kw) pair, with kh != kw either way round, and for a single input channel.
    Only the value is graded (the text says so): Keras's own count_params() gives the same number."""
    for case, got in zip(inputs["cases"], data):
        k, C, F = case["kernel_size"], case["in_channels"], case["filters"]
        kh, kw = (k, k) if isinstance(k, int) else k
        what = f"conv_params(kernel_size={k}, in_channels={C}, filters={F})"
        count = expect_number(got, what)
        expect_close(count, (kh * kw * C + 1) * F, what, rtol=0, atol=0.5, hints=[
            (kh * kw * C * F, "the biases are missing: each filter has one bias, (kh * kw * in_channels + 1) * "
                              "filters."),
            ((kh * kw + 1) * F, "the input channels are missing: a filter spans ALL input channels, so it has "
                                "kh * kw * in_channels weights."),
            ((kh * kw + 1) * C * F, "one bias per filter, not per input channel: (kh * kw * in_channels + 1) * "
                                    "filters."),
            (kh * kw * C * F + 1, "one bias per filter, not one for the whole layer: (kh * kw * in_channels + 1) "
                                  "* filters."),
            ((kh * kw * F + 1) * C, "in_channels and filters are swapped: each of the `filters` filters has "
                                    "kh * kw * in_channels weights and one bias."),
            ((kh * kh * C + 1) * F, "the kernel height is used twice; a (kh, kw) kernel has kh * kw positions."),
            ((kw * kw * C + 1) * F, "the kernel width is used twice; a (kh, kw) kernel has kh * kw positions."),
            ((9 * C + 1) * F, "that is the count for a 3x3 kernel; use kernel_size, an int k (k x k) or a pair "
                              "(kh, kw)."),
        ])


# --------------------------------------------------------------------------------------------------------
# Task 2: output layer and loss


def _head_inputs(rng):
    k = int(rng.integers(3, 13))
    return {"cases": [{"num_classes": 2, "label_format": "integers"}, {"num_classes": k, "label_format": "integers"},
                      {"num_classes": k, "label_format": "one-hot"}, {"num_classes": 2, "label_format": "one-hot"}]}


def _head_options(num_classes, label_format):
    if label_format == "one-hot":
        return [(num_classes, "softmax", "categorical_crossentropy")]
    options = [(num_classes, "softmax", "sparse_categorical_crossentropy")]
    if num_classes == 2:
        options.insert(0, (1, "sigmoid", "binary_crossentropy"))
    return options


#: The loss names Keras also accepts as strings: its classes' names.
LOSS_CLASSES = {"BinaryCrossentropy": "binary_crossentropy", "CategoricalCrossentropy": "categorical_crossentropy",
                "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy"}


# Anything per case: the judge checks for the triple (units, activation, loss) itself, to show an example.
@task("choose_head", points=2, inputs=_head_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, ANY))
def judge_choose_head(data, inputs):
    """A correct answer, per case: a tuple (units: int, activation, loss) with the strings Keras accepts.
    Integer labels, k > 2: (k, "softmax", "sparse_categorical_crossentropy"). One-hot labels, any k (2 too):
    (k, "softmax", "categorical_crossentropy"). Two classes with integer labels: (1, "sigmoid",
    "binary_crossentropy"), the text's choice; (2, "softmax", "sparse_categorical_crossentropy") is accepted
    too, as the text says. Keras's class names ("SparseCategoricalCrossentropy") are accepted as losses, since
    Keras accepts them; activation names are lower case, as Keras needs them."""
    for case, got in zip(inputs["cases"], data):
        k, labels = case["num_classes"], case["label_format"]
        what = f"choose_head({k}, {labels!r})"
        if type(got) is not list or len(got) != 3:
            raise Fail(f"{what} should return a tuple (units, activation, loss), e.g. (10, 'softmax', "
                       f"'sparse_categorical_crossentropy'); got {str(got)[:80]}")
        if type(got[0]) is str and type(got[1]) in (int, float):
            raise Fail(f"{what} gave {tuple(got)}: the order is (units, activation, loss), the number of units "
                       f"first.")
        Integer().check(got[0], f"the units of {what}")
        units = got[0]
        if type(got[1]) is not str or type(got[2]) is not str:
            raise Fail(f"{what}: activation and loss should be the strings Keras accepts, e.g. 'softmax' and "
                       f"'categorical_crossentropy'.")
        activation, loss = got[1], LOSS_CLASSES.get(got[2], got[2])
        shown = f"{what} gave ({units}, {got[1]!r}, {got[2]!r})"
        if activation != activation.strip().lower() and activation.strip().lower() in ("sigmoid", "softmax"):
            raise Fail(f"{shown}: Keras knows the activation as {activation.strip().lower()!r}, in lower case "
                       f"without spaces; Dense(..., activation={activation!r}) raises an error.")
        if loss != loss.strip().lower() and loss.strip().lower() in LOSSES:
            raise Fail(f"{shown}: Keras knows the loss as {loss.strip().lower()!r}, in lower case without spaces; "
                       f"compile(loss={got[2]!r}) raises an error.")
        if (units, activation, loss) in _head_options(k, labels):
            continue
        label_text = ("integer labels 0 .. {}, shape (n,)".format(k - 1) if labels == "integers"
                      else f"one-hot labels, shape (n, {k})")
        if activation not in ("sigmoid", "softmax"):
            raise Fail(f"{shown}: the output layer must give probabilities, so its activation is 'sigmoid' "
                       f"(one unit, two classes) or 'softmax' (one unit per class).")
        if loss not in LOSSES:
            raise Fail(f"{shown}: the loss should be one of {', '.join(LOSSES)}.")
        if activation == "sigmoid" and k > 2:
            raise Fail(f"{shown}: sigmoid scores every class on its own (several could be 'yes' at once); for "
                       f"exactly one class out of {k}, softmax gives probabilities that sum to 1, with "
                       f"{_head_options(k, labels)[-1][2]}.")
        if labels == "one-hot" and loss == "sparse_categorical_crossentropy":
            raise Fail(f"{shown}: with {label_text} the loss is categorical_crossentropy; the sparse loss "
                       f"expects integer labels.")
        if labels == "integers" and loss == "categorical_crossentropy":
            raise Fail(f"{shown}: with {label_text} the loss is sparse_categorical_crossentropy; "
                       f"categorical_crossentropy expects one-hot rows.")
        if loss == "binary_crossentropy" and (k > 2 or labels == "one-hot"):
            raise Fail(f"{shown}: binary_crossentropy is for two classes with one sigmoid unit and labels 0 or 1. "
                       f"With {label_text}, use softmax and "
                       f"{'categorical' if labels == 'one-hot' else 'sparse_categorical'}_crossentropy.")
        if activation == "sigmoid" and units != 1:
            raise Fail(f"{shown}: a sigmoid output for two classes is ONE unit, the probability of class 1.")
        if activation == "softmax" and units != k:
            raise Fail(f"{shown}: a softmax output has one unit per class, {k} here.")
        if activation == "softmax" and loss == "binary_crossentropy":
            raise Fail(f"{shown}: binary_crossentropy goes with one sigmoid unit; a softmax output with "
                       f"{label_text} goes with {_head_options(k, labels)[-1][2]}.")
        raise Fail(f"{shown}; expected {' or '.join(str(option) for option in _head_options(k, labels))}.")


# --------------------------------------------------------------------------------------------------------
# Task 3: a CNN to a specification


def _build_inputs(rng):
    # Height and width differ (swapped axes show), and the sizes make the poolings drop a row or column where
    # padding="same" would keep it: 4n + 3 is odd, and so is its half minus 2; 4n + 2 halves to an odd number.
    odd = [int(n) for n in rng.choice([15, 19, 23, 27], size=2, replace=False)]
    even = [int(n) for n in rng.choice([14, 16, 18, 20, 22, 24, 26, 28], size=2, replace=False)]
    classes = distinct_sizes(rng, 2, 3, 10)  # never 10, the digits' count
    return {"cases": [{"input_shape": (odd[0], even[0], 3), "num_classes": classes[0]},
                      {"input_shape": (even[1], odd[1], 1), "num_classes": classes[1]}]}


SPEC = [("Conv2D", dict(filters=16, kernel_size=[3, 3], strides=[1, 1], padding="same", activation="relu")),
        ("MaxPooling2D", dict(pool_size=[2, 2], strides=[2, 2], padding="valid")),
        ("Conv2D", dict(filters=32, kernel_size=[3, 3], strides=[1, 1], padding="valid", activation="relu")),
        ("MaxPooling2D", dict(pool_size=[2, 2], strides=[2, 2], padding="valid")),
        ("Flatten", {}),
        ("Dense", dict(units=64, activation="relu")),
        ("Dense", dict(activation="softmax"))]

#: Layers that only apply an activation, and the activation each applies (``Activation`` says its own).
ACTIVATION_LAYERS = {"ReLU": "relu", "Softmax": "softmax", "Activation": None}


def _expected_layers(input_shape, num_classes):
    """Output shape and parameter count of every layer of the specification, worked out by hand."""
    h, w, c = input_shape
    shapes, params = [], []
    shapes.append((h, w, 16)), params.append((9 * c + 1) * 16)
    h, w = h // 2, w // 2
    shapes.append((h, w, 16)), params.append(0)
    h, w = h - 2, w - 2
    shapes.append((h, w, 32)), params.append((9 * 16 + 1) * 32)
    h, w = h // 2, w // 2
    shapes.append((h, w, 32)), params.append(0)
    shapes.append((h * w * 32,)), params.append(0)
    shapes.append((64,)), params.append((h * w * 32 + 1) * 64)
    shapes.append((num_classes,)), params.append(65 * num_classes)
    return shapes, params


def _folded(model_layers):
    """The layers with each activation-only layer folded into the layer before it.

    ``Conv2D(16, 3)`` then ``layers.ReLU()``, or ``Dense(k)`` then ``layers.Softmax()``, read as
    ``Conv2D(16, 3, activation="relu")`` and ``Dense(k, activation="softmax")``: the same network. An
    activation layer after a layer that already has one stays a layer of its own (and fails the comparison).
    """
    folded = []
    for layer in model_layers:
        kind = layer.get("class")
        if kind in ACTIVATION_LAYERS and folded and folded[-1].get("activation") == "linear":
            activation = ACTIVATION_LAYERS[kind] or layer.get("activation")
            if kind != "Softmax" or layer.get("axis") in (-1, None):
                folded[-1] = dict(folded[-1], activation=activation, output_shape=layer.get("output_shape"))
                continue
        folded.append(layer)
    return folded


def _regularized(model_layers):
    """``(layer number, class, setting)`` of the first layer with a regularizer, or ``None``."""
    for number, layer in enumerate(model_layers, start=1):
        for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
            if layer.get(key):
                return number, layer.get("class"), key
    return None


def _collect_cnns(answer, inputs):
    return [describe_model(answer(**case)) for case in inputs["cases"]]


@task("build_cnn", points=3, inputs=_build_inputs, collect=_collect_cnns,
      answer=lambda inputs: Cases(inputs, COMPILED_MODEL))
def judge_build_cnn(data, inputs):
    """A correct answer, for each input shape (height != width, odd sizes) and class count (never 10):

    - input (None, height, width, channels), channels last;
    - the layers of SPEC in order, each with its settings (filters, kernel, strides, padding, activation;
      pooling 2x2, stride 2, no padding), every output shape and the parameter count as worked out by hand;
      an activation may be its own layer (``Dense(k)`` then ``layers.Softmax()``); no regularizer;
    - the output: k units, softmax, applied once;
    - compiled with sparse_categorical_crossentropy, from_logits left False (the outputs are probabilities),
      an accuracy metric that fits integer labels (not keras.metrics.Accuracy()), Adam at 0.001.
    """
    for case, model in zip(inputs["cases"], data):
        _judge_cnn(model, case["input_shape"], case["num_classes"])


def _judge_cnn(data, input_shape, k):
    where = f"build_cnn({tuple(input_shape)}, {k})"
    model_input = data.get("input_shape")
    if model_input != [None, *input_shape]:
        hint = ""
        if type(model_input) is list and model_input[1:] == [input_shape[2], input_shape[0], input_shape[1]]:
            hint = ": that is channels first; Keras wants (height, width, channels)."
        elif type(model_input) is list and model_input[1:] == [input_shape[1], input_shape[0], input_shape[2]]:
            hint = ": height and width are swapped."
        raise Fail(f"{where}: the model's input shape is {model_input}, expected "
                   f"[None, {', '.join(map(str, input_shape))}]: start with keras.Input(shape=input_shape){hint}")
    if softmax_twice(data):
        raise Fail(f"{where}: the outputs go through softmax twice (a softmax activation, then a Softmax "
                   f"layer): the second one squashes the probabilities towards 1/{k}. Apply it once.")
    model_layers = _folded(compiled_layers(data))
    classes = [layer.get("class") for layer in model_layers]
    wanted = [name for name, _ in SPEC]
    if classes != wanted:
        position = next((i for i, (a, b) in enumerate(zip(classes, wanted)) if a != b), min(len(classes), len(wanted)))
        got = classes[position] if position < len(classes) else "nothing"
        expected = wanted[position] if position < len(wanted) else "nothing"
        raise Fail(f"{where}: the layers are {classes}; expected {wanted}. Layer {position + 1} is {got}, "
                   f"expected {expected}.")
    shapes, params = _expected_layers(input_shape, k)
    for number, (layer, (name, spec), shape) in enumerate(zip(model_layers, SPEC, shapes), start=1):
        spec = dict(spec, units=k) if number == len(SPEC) else spec
        for key, value in spec.items():
            if layer.get(key) != value:
                extra = ""
                if key == "padding" and value == "same":
                    extra = " so the first convolution keeps the height and width"
                if key == "padding" and name == "MaxPooling2D":
                    extra = ": a 2x2 pooling without padding halves the size, dropping an odd last row or column"
                if key == "activation" and number == len(SPEC):
                    extra = ": the output layer gives one probability per class"
                    if (data.get("loss_detail") or {}).get("from_logits"):
                        extra += (" (from_logits=True lets the loss apply softmax itself, but the specification "
                                  "asks for probabilities out of the model, and from_logits=False)")
                if key == "units" and value == k and layer.get(key) == 10:
                    extra = f": one unit per class, num_classes={k} here, not always 10"
                raise Fail(f"{where}: layer {number} ({name}) has {key}={layer.get(key)!r}, expected "
                           f"{key}={value!r}{extra}.")
        if layer.get("output_shape") != [None, *shape]:
            raise Fail(f"{where}: layer {number} ({name}) outputs {layer.get('output_shape')}, expected "
                       f"{shape_text((None, *shape))}.")
    if data.get("params") != sum(params):
        raise Fail(f"{where}: the model has {data.get('params')} parameters, expected {sum(params)}.")
    regularized = _regularized(model_layers)
    if regularized:
        number, name, key = regularized
        raise Fail(f"{where}: layer {number} ({name}) has a {key}; the specification asks for none (lesson 09 "
                   f"adds regularization where it is needed).")
    if not data.get("compiled"):
        raise Fail("the model is not compiled: call model.compile(optimizer=..., loss=..., metrics=['accuracy']) "
                   "before returning it.")
    loss = data.get("loss")
    if loss != "sparse_categorical_crossentropy":
        hint = (": the labels are integers, not one-hot rows" if loss == "categorical_crossentropy" else "")
        raise Fail(f"the loss is {loss!r}; expected 'sparse_categorical_crossentropy' for integer labels{hint}.")
    problem = compile_problem(data, labels="integer")
    if problem:
        raise Fail(f"{where}: {problem}")
    metrics = data.get("metrics")
    if metrics is not None and not any("acc" in str(metric) for metric in metrics):
        raise Fail(f"the model is compiled with metrics {metrics}; add metrics=['accuracy'] so that fit and "
                   f"evaluate report the accuracy.")
    optimizer = data.get("optimizer") or {}  # when given, it has a class and a learning rate (COMPILED_MODEL)
    if optimizer.get("class") != "Adam" or not math.isclose(
            expect_number(optimizer["learning_rate"], "the learning rate", finite=False), 0.001, rel_tol=1e-4):
        raise Fail(f"the optimizer is {optimizer.get('class')} with learning rate {optimizer['learning_rate']:.3g}; "
                   f"expected keras.optimizers.Adam(learning_rate=0.001).")


# --------------------------------------------------------------------------------------------------------
# Task 4: train a CNN on the digits


def _train_inputs(rng):
    images, target = digits()  # scikit-learn's digits as (8, 8, 1) images: no TensorFlow here
    order = rng.permutation(len(target))
    train, test = order[:800], order[800:1100]
    return {"X_train": images[train].copy(), "y_train": target[train].copy(), "X_test": images[test].copy(),
            "y_test": target[test].copy()}


def _all_layers(layers):
    """Every Keras layer in ``layers``, looking inside models used as layers (their own layers count)."""
    for layer in layers:
        inner = getattr(layer, "layers", None)
        if inner:
            yield from _all_layers(inner)
        else:
            yield layer


def _all_classes(layers):
    """The classes of described ``layers`` and of the layers nested in them."""
    for layer in layers if type(layers) is list else []:
        if type(layer) is dict:
            yield layer.get("class")
            yield from _all_classes(layer.get("layers"))


def _model_problem(described, what="the model"):
    """What the text forbids in a model's structure or compile settings, as a hint, or ``None``.

    Read from the model ``fit`` is about to train (so a wrong network fails before it trains) and again from
    the model that comes back.
    """
    if "Conv2D" not in _all_classes(described["layers"]):
        return f"{what} has no Conv2D layer: this task asks for a convolutional network, trained whole."
    if softmax_twice(described):
        return ("the outputs go through softmax twice (a softmax activation, then a Softmax layer): the second "
                "squashes every probability towards 1/10 and slows training. Apply it once.")
    activation = output_activation(described)
    if activation != "softmax":
        shown = "raw scores (logits: no activation)" if activation in ("linear", None) else f"{activation}"
        return (f"the model's last layer gives {shown}; the task asks for 10 softmax probabilities: "
                f"Dense(10, activation='softmax') with a loss that expects probabilities (from_logits=False, the "
                f"default).")
    if described.get("compiled"):
        problem = compile_problem(described, labels="integer")
        if problem:
            return problem
    frozen = [layer["name"] for layer in _described_layers(described["layers"])
              if not layer.get("trainable") and layer.get("params")]
    if frozen:
        return (f"layers {frozen} are frozen (trainable=False): their weights keep their random start values. "
                f"Train the whole network; only the last layer learning is not a trained CNN.")
    return None


def _described_layers(layers):
    for layer in layers:
        if layer.get("layers"):
            yield from _described_layers(layer["layers"])
        else:
            yield layer


@contextlib.contextmanager
def _watched_fits():
    """Record, for every ``fit`` inside the block, the weights of each layer as training starts.

    Before training starts, the model ``fit`` is given is held to the text (:func:`_model_problem`), so a
    wrong network fails at once instead of after its training.
    """
    import keras

    started = {}  # id(layer) -> (layer, its weights digest when the first fit that trains it started)

    def before_fit(model, *args, **kwargs):
        problem = _model_problem(describe_model(model), "the model passed to fit()")
        if problem:
            raise Fail(f"train_digits_cnn: {problem}")
        for layer in _all_layers(model.layers):
            started.setdefault(id(layer), (layer, weights_digest(layer)))

    with watching(keras.Model, "fit", before_fit):
        yield started


def _collect_training(answer, inputs):
    import keras

    keras.utils.set_random_seed(0)  # the same starting weights every time: a fair band
    with _watched_fits() as started:
        model = answer(inputs["X_train"], inputs["y_train"])
    if isinstance(model, keras.callbacks.History):
        raise Fail("train_digits_cnn returned the History that fit() gives back; return the trained model itself.")
    described = describe_model(model)
    untrained = []  # layers with weights that no fit changed
    for layer in _all_layers(model.layers):
        if layer.weights and started:
            before = started.get(id(layer))
            if before is None or before[1] == weights_digest(layer):
                untrained.append((layer.name, "never trained" if before is None else "unchanged"))
    probabilities = keras.ops.convert_to_numpy(model(inputs["X_test"], training=False))
    if probabilities.ndim != 2 or probabilities.shape[1] != 10:
        raise Fail(f"the model gives outputs of shape {probabilities.shape} for {len(inputs['X_test'])} test images; "
                   f"expected ({len(inputs['X_test'])}, 10): one probability per digit (Dense(10, "
                   f"activation='softmax')).")
    return {"model": described, "trained": bool(started), "untrained": to_plain(untrained),
            "predicted": to_plain(probabilities.argmax(axis=1)),
            "row_sums": to_plain(np.array([probabilities.sum(axis=1).min(), probabilities.sum(axis=1).max(),
                                           probabilities.min()], dtype=float))}


@task("train_digits_cnn", points=3, inputs=_train_inputs, collect=_collect_training, data_given=True,
      answer=lambda inputs: Record({"model": MODEL, "trained": Flag(), "untrained": ListOf(ListOf(Text(), length=2)),
                                    "predicted": Array(shape=inputs["y_test"].shape), "row_sums": Array(shape=(3,))}))
def judge_train_digits_cnn(data, inputs):
    """A correct answer returns a trained keras model, not a History, such that:

    - it was trained only on X_train, y_train (the digit loaders are off while it runs, data_given) and left
      them unchanged;
    - it has a Conv2D layer and ends in 10 softmax probabilities, softmax applied once, with a loss that expects
      probabilities (from_logits False) and no keras.metrics.Accuracy();
    - every layer with weights was trained: none frozen, none left out of the model fit trained;
    - at least 90% of 300 held-out digits are right.
    """
    problem = _model_problem(data["model"])
    if problem:
        raise Fail(problem)
    for name, why in data["untrained"]:
        if why == "never trained":
            raise Fail(f"layer {name!r} of the returned model was never trained: it was not part of the model "
                       f"that fit() trained, so its weights are random. Build one network and fit it whole.")
        raise Fail(f"layer {name!r} kept its starting weights through training: it is frozen, or was replaced. "
                   f"Train the whole network.")
    low, high, smallest = expect_array(data["row_sums"], "the outputs' sums", shape=(3,))
    if abs(low - 1) > 1e-3 or abs(high - 1) > 1e-3 or smallest < -1e-6:
        raise Fail(f"the model's outputs are not probabilities (each row should sum to 1; they sum to {low:.3g} "
                   f"to {high:.3g}): end with Dense(10, activation='softmax').")
    y_test = inputs["y_test"]
    predicted = expect_array(data["predicted"], "the predicted digits", shape=y_test.shape)
    accuracy = float(np.mean(predicted == y_test))
    if accuracy < 0.9:
        if accuracy < 0.25 and not data["trained"]:
            hint = ("about chance level (10%): the model was never trained; call model.fit(X_train, y_train, ...) "
                    "before returning it.")
        elif accuracy < 0.25:
            hint = ("about chance level (10%): was the model trained (model.fit)? Are the labels the "
                    "integers 0-9 with a softmax output and sparse_categorical_crossentropy?")
        else:
            hint = "train a little longer (more epochs) or with a larger learning rate (Adam, 0.003)."
        raise Fail(f"accuracy on {len(y_test)} held-out digits is {accuracy:.1%}; the target is at least 90%: {hint}")


# --------------------------------------------------------------------------------------------------------
# Task 5: feature maps of a named layer


FIRST_NAMES = ["conv1", "edges", "first_conv", "conv_a"]
SECOND_NAMES = ["conv2", "parts", "second_conv", "conv_b"]


def _maps_inputs(rng):
    return {"images": rng.uniform(0, 1, size=(3, 10, 10, 1)).astype(np.float32),
            "K1": rng.normal(0, 0.6, size=(3, 3, 1, 4)).astype(np.float32),
            "b1": rng.normal(0, 0.1, size=4).astype(np.float32),
            "K2": rng.normal(0, 0.3, size=(3, 3, 4, 6)).astype(np.float32),
            "b2": rng.normal(0, 0.1, size=6).astype(np.float32),
            "first": str(rng.choice(FIRST_NAMES)), "second": str(rng.choice(SECOND_NAMES)),
            "classes": int(rng.integers(3, 6))}


def _collect_maps(answer, inputs):
    import keras
    from keras import layers

    model = keras.Sequential([
        keras.Input(shape=(10, 10, 1)),
        layers.Conv2D(4, 3, activation="relu", name=inputs["first"]),                   # (8, 8, 4)
        layers.MaxPooling2D(2, name="pool"),                                              # (4, 4, 4)
        layers.Conv2D(6, 3, padding="same", activation="relu", name=inputs["second"]),  # (4, 4, 6)
        layers.Flatten(name="flatten"),
        layers.Dense(inputs["classes"], activation="softmax", name="output"),
    ])
    model.get_layer(inputs["first"]).set_weights([inputs["K1"], inputs["b1"]])
    model.get_layer(inputs["second"]).set_weights([inputs["K2"], inputs["b2"]])
    maps = []
    for name in (inputs["first"], inputs["second"]):
        value = answer(model, name, inputs["images"])
        if keras.ops.is_tensor(value):  # the extractor called directly, extractor(images): the same numbers
            value = keras.ops.convert_to_numpy(value)
        maps.append(to_plain(value, f"the value it returned for layer {name!r}"))
    return maps


def _conv_relu(X, K, b, padding):
    if padding == "same":
        X = np.pad(X, [(0, 0), (1, 1), (1, 1), (0, 0)])
    windows = sliding_window_view(X, (3, 3), axis=(1, 2))
    return np.maximum(np.einsum("nhwcuv,uvco->nhwo", windows, K) + b, 0.0)


def _maps_answer(inputs):
    # The maps of the first and the second layer, of any shape: the judge's hint names whose output came back.
    return Items(Array(), Array(), names=(f"the maps of {inputs['first']!r}", f"the maps of {inputs['second']!r}"))


@task("feature_maps", points=2, inputs=_maps_inputs, collect=_collect_maps, answer=_maps_answer)
def judge_feature_maps(data, inputs):
    """A correct answer: for each of two convolution layers, named at random, the OUTPUT of the layer with that
    name (after its ReLU), for every image, shape (n, height, width, filters), as the model computes it (not
    rescaled), without changing ``images``. A NumPy array or a tensor (``extractor(images)``) both do."""
    X = inputs["images"].astype(np.float64)
    first = _conv_relu(X, inputs["K1"].astype(np.float64), inputs["b1"], "valid")          # (3, 8, 8, 4)
    pooled = first.reshape(3, 4, 2, 4, 2, 4).max(axis=(2, 4))                               # (3, 4, 4, 4)
    second = _conv_relu(pooled, inputs["K2"].astype(np.float64), inputs["b2"], "same")     # (3, 4, 4, 6)
    for name, want, got, before in ((inputs["first"], first, data[0], X), (inputs["second"], second, data[1], pooled)):
        what = f"feature_maps(model, {name!r}, images)"
        maps = expect_array(got, what)
        if maps.shape != want.shape:
            hint = ""
            if maps.shape == (3, inputs["classes"]):
                hint = (": these are the model's predictions, the output of its LAST layer. Build "
                        "keras.Model(inputs=model.inputs, outputs=model.get_layer(layer_name).output) and predict "
                        "with that.")
            elif maps.shape == before.shape and np.allclose(maps, before, rtol=1e-4, atol=1e-5):
                hint = (": that is what goes INTO the layer (layer.input); its feature maps are what comes out, "
                        "layer.output.")
            elif maps.shape == pooled.shape and name == inputs["first"]:
                hint = ": these look like the pooled maps, the output of the layer after it."
            elif maps.shape == want.shape[1:]:
                hint = ": the maps of one image only; return them for every image, (n, height, width, filters)."
            elif maps.ndim == 4 and maps.shape[:2] == (3, 3) and maps.shape != want.shape:
                hint = ": these are the layer's weights (its kernels), not its output for the images."
            elif maps.shape == (want.shape[0], want.shape[3], want.shape[1], want.shape[2]):
                hint = (": the filters axis comes second (channels first); Keras gives (n, height, width, "
                        "filters), keep that order.")
            elif maps.shape == first.shape:
                hint = f": the maps of layer {inputs['first']!r}; use the layer named layer_name."
            else:
                hint = ": the output of another layer? Use model.get_layer(layer_name).output."
            raise Fail(f"{what} has shape {maps.shape}, expected {want.shape}{hint}")
        if not np.allclose(maps, want, rtol=1e-4, atol=1e-5):
            scale = np.max(np.abs(maps))
            if scale > 0 and np.allclose(maps / scale * np.max(want), want, rtol=1e-4, atol=1e-5):
                raise Fail(f"{what} has the right pattern but rescaled (to a largest value of {scale:.3g}): return "
                           f"the layer's output as it is; scale a copy for display only.")
        expect_close(maps, want, what, rtol=1e-4, atol=1e-5)
