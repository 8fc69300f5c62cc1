"""The check framework (course_lib.checks), the progress record and the exercise generator."""

import json
import math

import nbformat
import numpy as np
import pytest

from course_lib import checks
from course_lib.checks import progress
from course_lib.checks import Fail
from course_lib.checks.exercises import make_exercise, strip_solutions


class AlwaysEqual:
    def __eq__(self, other):
        return True


class Sneaky(np.ndarray):
    def __eq__(self, other):
        return True


# --------------------------------------------------------------------------------------------------------
# Plain data


def test_to_plain_keeps_numbers_strings_lists_and_arrays():
    plain = checks.to_plain({"a": np.arange(3), "b": [1, 2.5, "x", None, True], "c": np.float32(0.5), "d": (1, 2)})
    assert plain == {"a": {"__ndarray__": "int64", "shape": [3], "data": [0, 1, 2]}, "b": [1, 2.5, "x", None, True],
                     "c": 0.5, "d": [1, 2]}
    assert json.loads(json.dumps(plain)) == plain


@pytest.mark.parametrize(("value", "words"), [
    (AlwaysEqual(), "AlwaysEqual"), ({1: 2}, "key of type int"), (np.array(["a"]), "expected numbers"),
    (b"pickle", "bytes"), ({"deep": [AlwaysEqual()]}, "AlwaysEqual"), (lambda: 1, "function"),
])
def test_to_plain_refuses_what_could_pretend(value, words):
    with pytest.raises(Fail, match=words):
        checks.to_plain(value)


def test_to_plain_views_array_subclasses_as_plain_arrays():
    sneaky = np.zeros(3).view(Sneaky)
    array = checks.expect_array(checks.to_plain(sneaky), "x")
    assert type(array) is np.ndarray and not np.array_equal(array, np.ones(3))


def test_to_plain_refuses_subclasses_of_builtins():
    class Number(float):
        def __eq__(self, other):
            return True

    with pytest.raises(Fail, match="Number"):
        checks.to_plain(Number(1.0))


def test_expect_array_names_shape_slips():
    with pytest.raises(Fail, match="transposed"):
        checks.expect_array([[1, 2, 3]], "Z", shape=(3, 1))
    with pytest.raises(Fail, match="wrong shape"):
        checks.expect_array(checks.to_plain(np.zeros(6)), "Z", shape=(2, 3))
    with pytest.raises(Fail, match="forget to `return`"):
        checks.expect_array(None, "Z")
    with pytest.raises(Fail, match="NaN"):
        checks.expect_array(checks.to_plain(np.array([1.0, np.nan])), "Z")
    assert checks.expect_array([[1, 2]], "Z", shape=(None, 2)).shape == (1, 2)


def test_expect_number_and_close():
    assert checks.expect_number(3, "n") == 3.0
    with pytest.raises(Fail, match="expected a number"):
        checks.expect_number("3", "n")
    with pytest.raises(Fail, match="finite"):
        checks.expect_number(math.inf, "n")
    checks.expect_close([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]), "v")
    with pytest.raises(Fail, match="without the bias"):
        checks.expect_close([1.0, 2.0], np.array([1.5, 2.5]), "v", hints=[([1.0, 2.0], "without the bias")])
    with pytest.raises(Fail, match=r"at index \(1,\): expected 3, got 2"):
        checks.expect_close([1.0, 2.0], np.array([1.0, 3.0]), "v")


def test_numeric_gradient_and_check_gradients_name_the_wrong_parameter():
    W = np.array([[1.0, -2.0], [0.5, 3.0]])
    reference = {"W": checks.numeric_gradient(lambda w: float((w ** 2).sum()), W.copy()), "b": np.ones(2)}
    np.testing.assert_allclose(reference["W"], 2 * W, atol=1e-6)
    good = {name: checks.to_plain(value) for name, value in reference.items()}
    checks.check_gradients(good, reference)
    with pytest.raises(Fail, match=r"gradient 'b' .* relative error"):
        checks.check_gradients(dict(good, b=checks.to_plain(np.ones(2) * 1.5)), reference)
    with pytest.raises(Fail, match="opposite sign"):
        checks.check_gradients(dict(good, W=checks.to_plain(-2 * W)), reference)
    with pytest.raises(Fail, match="has shape"):
        checks.check_gradients(dict(good, W=checks.to_plain(W.T[:1])), reference)
    with pytest.raises(Fail, match="has no 'b'"):
        checks.check_gradients({"W": good["W"]}, reference)


# --------------------------------------------------------------------------------------------------------
# Running tasks

EXERCISE = checks.get_exercise("01_neurons")


def test_run_task_statuses():
    task = EXERCISE["weighted_sum"]

    def stub(x, w, b):
        raise NotImplementedError()

    def broken(x, w, b):
        return 1 / 0

    assert checks.run_task(task, {"weighted_sum": lambda x, w, b: float(x @ w + b)}).status == "passed"
    assert checks.run_task(task, {"weighted_sum": stub}).status == "not attempted"
    result = checks.run_task(task, {"weighted_sum": broken})  # weighted_sum names the case that raised
    assert result.status == "failed" and "ZeroDivisionError" in result.message
    assert "np.dot" not in result.message  # the hint for code written for 3 inputs is not this learner's

    def count_parameters(layer_sizes):
        return 1 / 0

    result = checks.run_task(checks.get_exercise("02_numpy_forward_pass")["count_parameters"],
                             {"count_parameters": count_parameters})
    assert result.status == "error" and "ZeroDivisionError" in result.message and "line" in result.message
    assert checks.run_task(task, {"weighted_sum": 3}).status == "error"
    missing = checks.run_task(task, {"weighted_sun": lambda x, w, b: 0.0})
    assert missing.status == "not defined" and "did you rename `weighted_sum`" in missing.message
    assert missing.points == 0 and missing.max_points == 2


def test_result_display_has_text_and_html():
    result = checks.Result("softmax", "failed", 0, 2, "sums to 2 <b>", "01_neurons")
    assert str(result).startswith("✗ softmax: failed (0/2 points)")
    assert "&lt;b&gt;" in result._repr_html_()
    assert checks.Result("relu", "passed", 1, 1).score == "1/1 point"


def test_judge_answer_survives_malformed_answers():
    task = EXERCISE["weighted_sum"]
    for answer in (None, [], "passed", {"status": "passed"}, {"status": "answered", "data": AlwaysEqual}):
        try:
            result = checks.judge_answer(task, answer, seed=1)
        except TypeError:  # only the last one is not plain data at all; it must not pass either
            continue
        assert result.status in ("error", "failed") and result.points == 0


def test_answers_travel_as_json_with_a_token():
    payload = json.dumps({"token": "abc", "task": "relu", "answer": {"status": "answered", "data": 1}})
    assert checks.parse_answer(payload, "abc") == ("relu", {"status": "answered", "data": 1})
    assert checks.parse_answer(payload, "other") is None
    assert checks.parse_answer("not json", "abc") is None
    assert checks.parse_answer({"token": "abc"}, "abc") is None


def test_checker_records_progress_and_is_silent_while_grading(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_COURSE_PROGRESS", str(tmp_path / "progress.json"))
    check = checks.checker("01_neurons")

    def relu(z):
        return np.maximum(z, 0.0)

    assert check("relu").passed
    assert "✓ relu: 1/1" in check.summary() and "Total: 1/11 points" in check.summary()
    assert progress.load()["01_neurons"]["relu"]["status"] == "passed"
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "solutions" / "01_neurons.ipynb"))  # the worked solution

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    assert check("sigmoid").passed and "sigmoid" not in progress.load()["01_neurons"]
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "exercises" / "01_neurons.ipynb"))
    assert check("sigmoid").passed and progress.load()["01_neurons"]["sigmoid"]["status"] == "passed"
    monkeypatch.setenv("NN_COURSE_GRADING", "1")
    assert check("relu") is None
    with pytest.raises(KeyError, match="has no task 'relux'"):
        checks.checker("01_neurons")("relux")
    with pytest.raises(ValueError, match="unknown exercise '99_x'"):
        checks.checker("99_x")


def test_every_exercise_loads_with_numbered_names():
    names = checks.exercise_names()
    assert names == sorted(names) and "01_neurons" in names
    for name in names:
        exercise = checks.get_exercise(name)
        assert exercise.name == name and exercise.max_points == sum(t.points for t in exercise.tasks.values())


def test_describe_model_reports_what_checks_need():
    from course_lib.env import import_keras

    keras, _ = import_keras()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu", name="hidden",
                                                                     kernel_regularizer=keras.regularizers.L2(0.01)),
                              keras.layers.Dense(2, activation="softmax")])
    model.layers[0].trainable = False
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=2, name="top2")])
    described = json.loads(json.dumps(checks.describe_model(model)))
    hidden = described["layers"][0]
    assert (hidden["class"], hidden["units"], hidden["activation"], hidden["trainable"]) == ("Dense", 3, "relu", False)
    assert hidden["kernel_regularizer"] == {"class": "L2", "l2": pytest.approx(0.01)}
    assert described["output_shape"] == [None, 2] and described["params"] == 4 * 3 + 3 + 3 * 2 + 2
    assert described["trainable_params"] == 8 and described["loss"] == "sparse_categorical_crossentropy"
    assert described["optimizer"]["class"] == "Adam"
    assert described["optimizer"]["learning_rate"] == pytest.approx(0.005)
    assert described["optimizer"]["beta_1"] == pytest.approx(0.9)
    assert described["metrics"] == ["accuracy", "top2"]
    assert described["metrics_detail"][0] == {"name": "accuracy", "class": None}
    assert described["metrics_detail"][1]["class"] == "SparseTopKCategoricalAccuracy"
    assert described["loss_detail"] == {"name": "sparse_categorical_crossentropy", "class": None, "from_logits": False}
    assert hidden["kernel_initializer"] == "GlorotUniform" and hidden["weights"] == checks.weights_digest(model.layers[0])
    model.compile(optimizer="sgd", loss=keras.losses.categorical_crossentropy)
    assert checks.describe_model(model)["loss"] == "categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True), metrics=[keras.metrics.Accuracy()])
    described = checks.describe_model(model)
    assert described["loss"] == "categorical_crossentropy" and described["loss_detail"]["from_logits"] is True
    assert described["metrics"] == ["accuracy"] and described["metrics_detail"][0]["class"] == "Accuracy"
    assert described["optimizer"]["momentum"] == pytest.approx(0.9)
    with pytest.raises(Fail, match="forget to `return model`"):
        checks.describe_model(None)


def test_describe_model_reads_layers_whose_settings_are_keras_lists():
    """LayerNormalization keeps its ``axis`` in a Keras TrackedList, which to_plain refuses as it is."""
    from course_lib.env import import_keras

    keras, _ = import_keras()
    model = keras.Sequential([keras.Input((5, 4)), keras.layers.LayerNormalization(axis=[-2, -1]),
                              keras.layers.Conv1D(2, 3, padding="causal")])
    normalization, convolution = checks.describe_model(model)["layers"]
    assert (normalization["class"], normalization["axis"]) == ("LayerNormalization", [-2, -1])
    assert (convolution["kernel_size"], convolution["padding"]) == ([3], "causal")


# --------------------------------------------------------------------------------------------------------
# Progress record


def test_progress_keeps_passes_and_resets(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_COURSE_PROGRESS", str(tmp_path / "sub" / "progress.json"))
    progress.record(checks.Result("relu", "passed", 1, 1, "", "01_neurons"))
    progress.record(checks.Result("relu", "failed", 0, 1, "", "01_neurons"))  # a pass is not forgotten
    assert progress.load()["01_neurons"]["relu"]["points"] == 1
    row = next(row for row in progress.summary() if row["exercise"] == "01_neurons")
    assert (row["passed"], row["points"], row["max_points"]) == (1, 1, 11)
    shown = progress.report()
    assert "01_neurons" in str(shown) and "1/11" in str(shown) and "<table>" in shown._repr_html_()
    progress.reset("01_neurons")
    assert progress.load() == {}
    (tmp_path / "sub" / "progress.json").write_text("{broken")
    assert progress.load() == {}
    monkeypatch.setenv("NN_COURSE_PROGRESS", "off")
    progress.record(checks.Result("relu", "passed", 1, 1, "", "01_neurons"))
    assert progress.path() is None and progress.load() == {}


# --------------------------------------------------------------------------------------------------------
# Exercise generation


def test_strip_solutions_keeps_indentation_and_given_code():
    source = "def f(x):\n    '''Given.'''\n    # BEGIN SOLUTION\n    y = 2 * x\n    return y\n    # END SOLUTION\n\nz = 1"
    assert strip_solutions(source) == ("def f(x):\n    '''Given.'''\n    # YOUR CODE HERE\n    raise "
                                       "NotImplementedError()\n\nz = 1")


@pytest.mark.parametrize(("source", "words"), [
    ("# BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n# END SOLUTION", "without a '# BEGIN SOLUTION'"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
])
def test_strip_solutions_refuses_broken_markers(source, words):
    with pytest.raises(ValueError, match=words):
        strip_solutions(source)


def test_make_exercise_clears_outputs_and_drops_solution_only_cells():
    solution = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Explain. <!-- BEGIN SOLUTION -->It overfits.<!-- END SOLUTION -->"),
        nbformat.v4.new_markdown_cell("Solutions only", metadata={"tags": ["solution-only"]}),
        nbformat.v4.new_code_cell("x = 1\n# BEGIN SOLUTION\nx = 2\n# END SOLUTION", execution_count=3,
                                  outputs=[nbformat.v4.new_output("stream", text="hi")]),
    ])
    exercise = make_exercise(solution)
    assert [cell.cell_type for cell in exercise.cells] == ["markdown", "code"]
    assert exercise.cells[0].source == "Explain. _Write your answer here._"
    assert exercise.cells[1].source == "x = 1\n# YOUR CODE HERE\nraise NotImplementedError()"
    assert exercise.cells[1].outputs == [] and exercise.cells[1].execution_count is None
    assert solution.cells[2].outputs  # the master is untouched
