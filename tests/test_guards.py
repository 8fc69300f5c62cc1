"""What every check holds a learner's function to, whatever the task: inputs unchanged, data as given."""

import numpy as np
import pytest

from course_lib import checks, data
from course_lib.checks import Fail
from course_lib.checks.guards import guarded, loaders_off


def _scale_in_place(X, factor):
    X *= factor
    return X


def _scale(X, factor):
    return X * factor


def test_a_function_that_changes_an_array_argument_fails_naming_it():
    with pytest.raises(Fail, match=r"`scale` changed its input `X` in place.*`X = X.copy\(\)`"):
        guarded(_scale_in_place, "scale")(np.ones(3), 2.0)
    with pytest.raises(Fail, match="`X` in place"):
        guarded(_scale_in_place, "scale")(X=np.ones(3), factor=2.0)
    X = np.arange(6.0).reshape(2, 3)
    assert guarded(_scale, "scale")(X, 2.0).tolist() == [[0, 2, 4], [6, 8, 10]]


def test_arrays_inside_lists_and_dicts_and_generators_are_watched():
    def sort_first(arrays):
        arrays[0].sort()
        return arrays

    def set_weight(params):
        params["W"][0, 0] = 1.0

    def batches(X, size):
        np.random.default_rng(0).shuffle(X)
        yield X[:size]

    with pytest.raises(Fail, match=r"`arrays\[0\]`"):
        guarded(sort_first, "f")([np.array([3.0, 1.0]), np.zeros(2)])
    with pytest.raises(Fail, match=r"`params\['W'\]`.*Leave `params` and everything in it"):
        guarded(set_weight, "f")({"W": np.zeros((2, 2))})
    batch_iterator = guarded(batches, "batches")(np.arange(10.0), 4)
    with pytest.raises(Fail, match="`X` in place"):
        list(batch_iterator)


def test_arguments_a_task_means_to_change_are_exempt_and_classes_pass_through():
    def step(params, grads):
        params["W"] -= grads["W"]

    def step_that_clears_grads(params, grads):
        step(params, grads)
        grads["W"].fill(0.0)

    params = {"W": np.ones(2)}
    guarded(step, "step", exempt=("params",))(params, {"W": np.ones(2)})
    assert params["W"].tolist() == [0.0, 0.0]
    with pytest.raises(Fail, match=r"`grads\['W'\]` in place"):
        guarded(step_that_clears_grads, "step", exempt=("params",))(params, {"W": np.ones(2)})

    class Layer:
        pass

    assert guarded(Layer, "Layer") is Layer


def test_run_task_reports_an_input_changed_in_place():
    task = checks.get_exercise("02_numpy_forward_pass")["dense_forward"]

    def dense_forward(X, W, b):
        X += 0.0  # harmless for the values, but the caller's array was written to: ok
        return X @ W + b

    def dense_forward_clobber(X, W, b):
        W *= 1.0
        W[0] = 0.0
        return X @ W + b

    assert checks.run_task(task, {"dense_forward": dense_forward}, seed=1).passed
    result = checks.run_task(task, {"dense_forward": dense_forward_clobber}, seed=1)
    assert result.status == "failed" and "changed its input `W` in place" in result.message


def test_loaders_off_refuses_every_name_of_load_digits_and_puts_them_back():
    import sklearn.datasets

    original, sklearn_original = data.load_digits, sklearn.datasets.load_digits
    namespace = {"load_digits": original, "sk_digits": sklearn_original, "other": np.zeros}
    with loaders_off(namespace, "train_digits"):
        for loader in (data.load_digits, sklearn.datasets.load_digits, namespace["load_digits"],
                       namespace["sk_digits"]):
            with pytest.raises(Fail, match="`train_digits` called .*load_digits.* itself.*held-out images"):
                loader()
        assert namespace["other"] is np.zeros
    assert data.load_digits is original and sklearn.datasets.load_digits is sklearn_original
    assert namespace["load_digits"] is original and namespace["sk_digits"] is sklearn_original
    with pytest.raises(RuntimeError), loaders_off(namespace, "t"):
        raise RuntimeError("the block failed")
    assert data.load_digits is original and namespace["load_digits"] is original


def test_a_data_given_task_cannot_load_the_digits_and_others_can():
    exercise = checks.Exercise("00_demo")
    for name, given in (("mean_pixel", True), ("mean_pixel_free", False)):
        exercise.task(name, points=1, inputs=lambda rng: {"X": np.ones((2, 2))}, answer=checks.Number(),
                      data_given=given)(lambda data, inputs: None)

    def mean_pixel(X):
        return float(data.load_digits(return_X_y=True)[0].mean())

    refused = checks.run_task(exercise["mean_pixel"], {"mean_pixel": mean_pixel}, seed=1)
    assert refused.status == "failed" and "course_lib.data.load_digits() itself" in refused.message
    assert checks.run_task(exercise["mean_pixel_free"], {"mean_pixel_free": mean_pixel}, seed=1).passed
