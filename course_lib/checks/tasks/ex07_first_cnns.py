"""Graded tasks of ``exercises/07_first_cnns.ipynb``: parameter counts, output layers and losses, CNNs in Keras."""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import (ANY, Array, Cases, Exercise, Fail, Items, ListOf, Number, Record, Text, call_each_case, describe_model,
                expect_array, expect_close, expect_number, to_plain)
from ._common import MODEL, compiled_layers, digits, shape_text

EXERCISE = Exercise("07_first_cnns", "First CNNs in Keras")
task = EXERCISE.task

LOSSES = ("binary_crossentropy", "sparse_categorical_crossentropy", "categorical_crossentropy")

#: :data:`MODEL`, and what a compiled model describes: the metrics' names and the optimizer,
#: ``{"class": "Adam", "learning_rate": 0.001}``.
COMPILED_MODEL = Record(MODEL.fields, optional={**MODEL.optional, "metrics": ListOf(ANY),
                                                "optimizer": Record({"class": Text(), "learning_rate": Number()}, extra=True)},
                        extra=True)


# --------------------------------------------------------------------------------------------------------
# Task 1: parameters of a Conv2D layer


def _params_inputs(rng):
    def pick(values):
        return int(rng.choice(values))

    return {"cases": [
        {"kernel_size": pick([3, 5]), "in_channels": pick([3, 8, 16, 32]), "filters": pick([8, 16, 32, 64])},
        {"kernel_size": (pick([1, 3]), pick([5, 7])), "in_channels": pick([4, 6, 12]), "filters": pick([10, 20])},
        {"kernel_size": pick([3, 5, 7]), "in_channels": 1, "filters": pick([6, 12, 24])},
    ]}


@task("conv_params", points=1, inputs=_params_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Number()))
def judge_conv_params(data, inputs):
    for case, got in zip(inputs["cases"], data):
        k, C, F = case["kernel_size"], case["in_channels"], case["filters"]
        kh, kw = (k, k) if isinstance(k, int) else k
        what = f"conv_params(kernel_size={k}, in_channels={C}, filters={F})"
        count = expect_number(got, what)
        expect_close(count, (kh * kw * C + 1) * F, what, hints=[
            (kh * kw * C * F, "the biases are missing: each filter has one bias, (kh * kw * in_channels + 1) * "
                              "filters."),
            ((kh * kw + 1) * F, "the input channels are missing: a filter spans ALL input channels, so it has "
                                "kh * kw * in_channels weights."),
            ((kh * kw + 1) * C * F, "one bias per filter, not per input channel: (kh * kw * in_channels + 1) * "
                                    "filters."),
            ((kh * kh * C + 1) * F, "the kernel height is used twice; a (kh, kw) kernel has kh * kw positions."),
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


# Anything per case: the judge checks for the triple (units, activation, loss) itself, to show an example.
@task("choose_head", points=2, inputs=_head_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, ANY))
def judge_choose_head(data, inputs):
    for case, got in zip(inputs["cases"], data):
        k, labels = case["num_classes"], case["label_format"]
        what = f"choose_head({k}, {labels!r})"
        if type(got) is not list or len(got) != 3:
            raise Fail(f"{what} should return a tuple (units, activation, loss), e.g. (10, 'softmax', "
                       f"'sparse_categorical_crossentropy'); got {str(got)[:80]}")
        units = expect_number(got[0], f"the units of {what}")
        if type(got[1]) is not str or type(got[2]) is not str:
            raise Fail(f"{what}: activation and loss should be the strings Keras accepts, e.g. 'softmax' and "
                       f"'categorical_crossentropy'.")
        activation, loss = got[1].strip().lower(), got[2].strip().lower()
        if (units, activation, loss) in _head_options(k, labels):
            continue
        shown = f"{what} gave ({units:g}, {got[1]!r}, {got[2]!r})"
        label_text = ("integer labels 0 .. {}, shape (n,)".format(k - 1) if labels == "integers"
                      else f"one-hot labels, shape (n, {k})")
        if activation not in ("sigmoid", "softmax"):
            raise Fail(f"{shown}: the output layer must give probabilities, so its activation is 'sigmoid' "
                       f"(one unit, two classes) or 'softmax' (one unit per class).")
        if loss not in LOSSES:
            raise Fail(f"{shown}: the loss should be one of {', '.join(LOSSES)}.")
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
        if activation == "sigmoid" and k > 2:
            raise Fail(f"{shown}: sigmoid scores every class on its own; for exactly one class out of {k}, softmax "
                       f"gives probabilities that sum to 1.")
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
    height, width = (int(n) for n in rng.integers(12, 29, size=2))
    return {"input_shape": (height, width, int(rng.choice([1, 3]))), "num_classes": int(rng.integers(3, 11))}


SPEC = [("Conv2D", dict(filters=16, kernel_size=[3, 3], padding="same", activation="relu")),
        ("MaxPooling2D", dict(pool_size=[2, 2])),
        ("Conv2D", dict(filters=32, kernel_size=[3, 3], padding="valid", activation="relu")),
        ("MaxPooling2D", dict(pool_size=[2, 2])),
        ("Flatten", {}),
        ("Dense", dict(units=64, activation="relu")),
        ("Dense", dict(activation="softmax"))]


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


def _collect_cnn(answer, inputs):
    return describe_model(answer(**inputs))


@task("build_cnn", points=3, inputs=_build_inputs, collect=_collect_cnn, answer=COMPILED_MODEL)
def judge_build_cnn(data, inputs):
    input_shape, k = inputs["input_shape"], inputs["num_classes"]
    model_input = data.get("input_shape")
    if model_input != [None, *input_shape]:
        hint = ""
        if type(model_input) is list and model_input[1:] == [input_shape[2], input_shape[0], input_shape[1]]:
            hint = ": that is channels first; Keras wants (height, width, channels)."
        raise Fail(f"the model's input shape is {model_input}, expected [None, {', '.join(map(str, input_shape))}]: "
                   f"start with keras.Input(shape=input_shape){hint}")
    model_layers = compiled_layers(data)
    classes = [layer.get("class") for layer in model_layers]
    wanted = [name for name, _ in SPEC]
    if classes != wanted:
        position = next((i for i, (a, b) in enumerate(zip(classes, wanted)) if a != b), min(len(classes), len(wanted)))
        got = classes[position] if position < len(classes) else "nothing"
        expected = wanted[position] if position < len(wanted) else "nothing"
        raise Fail(f"the layers are {classes}; expected {wanted}. Layer {position + 1} is {got}, expected {expected}.")
    shapes, params = _expected_layers(input_shape, k)
    for number, (layer, (name, spec), shape) in enumerate(zip(model_layers, SPEC, shapes), start=1):
        spec = dict(spec, units=k) if number == len(SPEC) else spec
        for key, value in spec.items():
            if layer.get(key) != value:
                extra = ""
                if key == "padding" and value == "same":
                    extra = " so the first convolution keeps the height and width"
                if key == "activation" and number == len(SPEC):
                    extra = ": the output layer gives one probability per class"
                raise Fail(f"layer {number} ({name}) has {key}={layer.get(key)!r}, expected {key}={value!r}{extra}.")
        if layer.get("output_shape") != [None, *shape]:
            raise Fail(f"layer {number} ({name}) outputs {layer.get('output_shape')}, expected "
                       f"{shape_text((None, *shape))}.")
    if data.get("params") != sum(params):
        raise Fail(f"the model has {data.get('params')} parameters, expected {sum(params)}.")
    if not data.get("compiled"):
        raise Fail("the model is not compiled: call model.compile(optimizer=..., loss=..., metrics=['accuracy']) "
                   "before returning it.")
    loss = data.get("loss")
    if loss != "sparse_categorical_crossentropy":
        hint = (": the labels are integers, not one-hot rows" if loss == "categorical_crossentropy" else "")
        raise Fail(f"the loss is {loss!r}; expected 'sparse_categorical_crossentropy' for integer labels{hint}.")
    metrics = data.get("metrics")
    if metrics is not None and not any("accuracy" in str(metric) for metric in metrics):
        raise Fail(f"the model is compiled with metrics {metrics}; add metrics=['accuracy'] so that fit and "
                   f"evaluate report the accuracy.")
    optimizer = data.get("optimizer") or {}  # when given, it has a class and a learning rate (COMPILED_MODEL)
    if optimizer.get("class") != "Adam" or not math.isclose(
            expect_number(optimizer["learning_rate"], "the learning rate", finite=False), 0.001, rel_tol=1e-4):
        raise Fail(f"the optimizer is {optimizer.get('class')} with learning rate {optimizer.get('learning_rate')}; "
                   f"expected keras.optimizers.Adam(learning_rate=0.001).")


# --------------------------------------------------------------------------------------------------------
# Task 4: train a CNN on the digits


def _train_inputs(rng):
    images, target = digits()  # scikit-learn's digits as (8, 8, 1) images: no TensorFlow here
    order = rng.permutation(len(target))
    train, test = order[:800], order[800:1100]
    return {"X_train": images[train].copy(), "y_train": target[train].copy(), "X_test": images[test].copy(),
            "y_test": target[test].copy()}


def _collect_training(answer, inputs):
    import keras

    keras.utils.set_random_seed(0)  # the same starting weights every time: a fair band
    model = answer(inputs["X_train"], inputs["y_train"])
    if isinstance(model, keras.callbacks.History):
        raise Fail("train_digits_cnn returned the History that fit() gives back; return the trained model itself.")
    described = describe_model(model)
    probabilities = keras.ops.convert_to_numpy(model(inputs["X_test"], training=False))
    if probabilities.ndim != 2 or probabilities.shape[1] != 10:
        raise Fail(f"the model gives outputs of shape {probabilities.shape} for {len(inputs['X_test'])} test images; "
                   f"expected ({len(inputs['X_test'])}, 10): one probability per digit (Dense(10, "
                   f"activation='softmax')).")
    return {"model": described, "predicted": to_plain(probabilities.argmax(axis=1))}


def _all_classes(layers):
    """The classes of ``layers`` and of the layers nested in them (a model used as a layer lists its own)."""
    for layer in layers if type(layers) is list else []:
        if type(layer) is dict:
            yield layer.get("class")
            yield from _all_classes(layer.get("layers"))


@task("train_digits_cnn", points=3, inputs=_train_inputs, collect=_collect_training,
      answer=lambda inputs: Record({"model": MODEL, "predicted": Array(shape=inputs["y_test"].shape)}))
def judge_train_digits_cnn(data, inputs):
    if "Conv2D" not in _all_classes(data["model"]["layers"]):
        raise Fail("the model has no Conv2D layer: this task asks for a convolutional network.")
    y_test = inputs["y_test"]
    predicted = expect_array(data["predicted"], "the predicted digits", shape=y_test.shape)
    accuracy = float(np.mean(predicted == y_test))
    if accuracy < 0.9:
        if accuracy < 0.25:
            hint = ("about chance level (10%): was the model trained (model.fit)? Are the labels the integers "
                    "0-9 with a softmax output and sparse_categorical_crossentropy?")
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
    return [to_plain(answer(model, name, inputs["images"]), f"the value it returned for layer {name!r}")
            for name in (inputs["first"], inputs["second"])]


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
    X = inputs["images"].astype(np.float64)
    first = _conv_relu(X, inputs["K1"].astype(np.float64), inputs["b1"], "valid")          # (3, 8, 8, 4)
    pooled = first.reshape(3, 4, 2, 4, 2, 4).max(axis=(2, 4))                               # (3, 4, 4, 4)
    second = _conv_relu(pooled, inputs["K2"].astype(np.float64), inputs["b2"], "same")     # (3, 4, 4, 6)
    for name, want, got in ((inputs["first"], first, data[0]), (inputs["second"], second, data[1])):
        what = f"feature_maps(model, {name!r}, images)"
        maps = expect_array(got, what)
        if maps.shape != want.shape:
            hint = ""
            if maps.shape == (3, inputs["classes"]):
                hint = (": these are the model's predictions, the output of its LAST layer. Build "
                        "keras.Model(inputs=model.inputs, outputs=model.get_layer(layer_name).output) and predict "
                        "with that.")
            elif maps.shape == pooled.shape and name == inputs["first"]:
                hint = ": these look like the pooled maps, the output of the layer after it."
            elif maps.shape == want.shape[1:]:
                hint = ": the maps of one image only; return them for every image, (n, height, width, filters)."
            elif maps.ndim == 4 and maps.shape[:2] == (3, 3):
                hint = ": these are the layer's weights (its kernels), not its output for the images."
            elif maps.shape == first.shape:
                hint = f": the maps of layer {inputs['first']!r}; use the layer named layer_name."
            raise Fail(f"{what} has shape {maps.shape}, expected {want.shape}{hint}")
        expect_close(maps, want, what, rtol=1e-4, atol=1e-5)
