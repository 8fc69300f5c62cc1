"""Unit tests for course_lib.plots: what is drawn, what is returned, and the errors for bad input."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib import plots


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------------------------------
# plot_activations
# --------------------------------------------------------------------------------------------------


def test_reference_activations():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(plots.ACTIVATIONS["step"](z), [0, 1, 1])
    np.testing.assert_allclose(plots.ACTIVATIONS["sigmoid"](z), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(plots.ACTIVATIONS["relu"](z), [0, 0, 3])
    np.testing.assert_allclose(plots.ACTIVATIONS["tanh"](z), np.tanh(z))


def test_plot_activations_draws_each_function_with_its_slope():
    fig = plots.plot_activations(derivatives=True)
    assert isinstance(fig, Figure)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["step", "sigmoid", "tanh", "relu"]
    sigmoid_axes = visible[1]
    curve, slope = sigmoid_axes.get_lines()[:2]
    x, y = curve.get_data()
    np.testing.assert_allclose(y, 1 / (1 + np.exp(-x)))
    # the slope of the sigmoid peaks at 1/4 where z = 0
    assert slope.get_ydata().max() == pytest.approx(0.25, abs=1e-3)


def test_plot_activations_lays_out_panels_and_hides_spares():
    functions = {f"f{i}": np.sin for i in range(5)}
    fig = plots.plot_activations(functions, ncols=3)
    assert len(fig.axes) == 6
    assert [ax.get_visible() for ax in fig.axes] == [True] * 5 + [False]


def test_plot_activations_is_not_left_open_in_pyplot():
    before = plt.get_fignums()
    plots.plot_activations()
    assert plt.get_fignums() == before, "a returned figure must not also be shown by pyplot (no double plots)"


@pytest.mark.parametrize(
    "functions, kwargs, error, fragment",
    [
        ({}, {}, TypeError, "non-empty dict"),
        ([np.sin], {}, TypeError, "dict"),
        ({"bad": 3}, {}, TypeError, "callable"),
        ({"sum": np.sum}, {}, ValueError, "one value per input"),
        ({"sin": np.sin}, {"x_range": (2, -2)}, ValueError, "low < high"),
    ],
)
def test_plot_activations_rejects_bad_input(functions, kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        plots.plot_activations(functions, **kwargs)


# --------------------------------------------------------------------------------------------------
# plot_decision_boundary
# --------------------------------------------------------------------------------------------------

X_GATE = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def test_decision_boundary_from_a_function_of_probabilities():
    ax = plots.plot_decision_boundary(lambda P: 1 / (1 + np.exp(-(P.sum(axis=1) - 1.5) * 10)), X_GATE, [0, 0, 0, 1])
    assert isinstance(ax, Axes)
    assert ax.get_xlim() == (-0.5, 1.5)
    # a shaded surface, a 0.5 contour line and one scatter per class
    assert len(ax.collections) >= 3
    assert sorted(ax.get_legend_handles_labels()[1]) == ["class 0", "class 1"]
    assert ax.figure.number in plt.get_fignums(), "a new axes-level plot shows through pyplot"


def test_decision_boundary_with_class_probabilities_and_names():
    def three_regions(P):
        scores = np.stack([-P[:, 0], P[:, 0] - P[:, 1], P[:, 1]], axis=1)
        return np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)

    X = np.array([[0, 0], [2, 0], [2, 2]], dtype=float)
    ax = plots.plot_decision_boundary(three_regions, X, np.array([0, 1, 2]), class_names=["a", "b", "c"])
    assert ax.get_legend_handles_labels()[1] == ["a", "b", "c"]


class Estimator:
    """Looks like a scikit-learn classifier, and records what it was asked."""

    def __init__(self):
        self.calls = []

    def predict_proba(self, X):
        self.calls.append(X.shape)
        p = (X[:, 0] > 0.5).astype(float)
        return np.stack([1 - p, p], axis=1)


def test_decision_boundary_uses_predict_proba_on_a_grid():
    model = Estimator()
    fig, ax = plt.subplots()
    returned = plots.plot_decision_boundary(model, X_GATE, [0, 0, 1, 1], ax=ax, resolution=30)
    assert returned is ax
    assert model.calls == [(900, 2)]


def test_decision_boundary_with_a_keras_model():
    from course_lib.env import import_keras

    keras, _ = import_keras()
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, activation="sigmoid")])
    ax = plots.plot_decision_boundary(model, X_GATE, [0, 1, 1, 1], resolution=20)
    assert len(ax.collections) >= 2


@pytest.mark.parametrize(
    "model, X, y, kwargs, error, fragment",
    [
        (lambda P: P[:, 0], np.zeros((4, 3)), None, {}, ValueError, r"shape \(n_samples, 2\)"),
        (lambda P: P[:, 0], X_GATE, [0, 1], {}, ValueError, "one label per row"),
        (lambda P: P[:5, 0], X_GATE, None, {}, ValueError, "expected"),
        ("not a model", X_GATE, None, {}, TypeError, "predict method"),
        (lambda P: P[:, 0], X_GATE, None, {"resolution": 1}, ValueError, "resolution"),
    ],
)
def test_decision_boundary_rejects_bad_input(model, X, y, kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        plots.plot_decision_boundary(model, X, y, **kwargs)


# --------------------------------------------------------------------------------------------------
# plot_history
# --------------------------------------------------------------------------------------------------

HISTORY = {"loss": [1.0, 0.6, 0.4], "accuracy": [0.5, 0.7, 0.8], "val_loss": [1.1, 0.8, 0.9],
           "val_accuracy": [0.4, 0.6, 0.65], "learning_rate": [0.01, 0.01, 0.01]}


def test_plot_history_one_panel_per_metric_train_and_validation():
    fig = plots.plot_history(HISTORY)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]  # learning_rate left out by default
    train, validation = fig.axes[0].get_lines()
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(validation.get_ydata(), HISTORY["val_loss"])
    ticks = fig.axes[0].get_xticks()
    np.testing.assert_array_equal(ticks, np.round(ticks))  # whole epochs only


def test_plot_history_accepts_a_keras_history_object_and_a_metric_choice():
    class History:
        history = HISTORY

    fig = plots.plot_history(History(), metrics="accuracy", title="run 1")
    assert [ax.get_title() for ax in fig.axes] == ["accuracy"]
    assert fig.get_suptitle() == "run 1"


def test_plot_history_validation_only():
    fig = plots.plot_history({"val_loss": [0.5, 0.4]})
    assert fig.axes[0].get_legend_handles_labels()[1] == ["validation"]


@pytest.mark.parametrize(
    "history, metrics, error, fragment",
    [
        ({}, None, TypeError, "non-empty dict"),
        ([1, 2], None, TypeError, "History"),
        (HISTORY, ["f1"], ValueError, r"\['f1'\] not in the history"),
    ],
)
def test_plot_history_rejects_bad_input(history, metrics, error, fragment):
    with pytest.raises(error, match=fragment):
        plots.plot_history(history, metrics=metrics)


# --------------------------------------------------------------------------------------------------
# plot_image_grid
# --------------------------------------------------------------------------------------------------


def test_image_grid_titles_and_colours_wrong_predictions_red():
    images = np.random.default_rng(0).uniform(size=(5, 8, 8, 1))
    fig = plots.plot_image_grid(images, labels=[0, 1, 2, 1, 0], predictions=[0, 2, 2, 1, 1],
                                class_names=["cat", "dog", "fox"], ncols=3)
    titles = [ax.title for ax in fig.axes[:5]]
    assert [t.get_text() for t in titles] == ["cat", "fox (true dog)", "fox", "dog", "dog (true cat)"]
    assert [matplotlib.colors.to_hex(t.get_color()) for t in titles] == ["#000000", "#ff0000", "#000000",
                                                                         "#000000", "#ff0000"]
    assert len(fig.axes) == 6 and not fig.axes[5].images


def test_image_grid_shows_rgb_and_caps_the_count():
    images = np.zeros((50, 4, 4, 3), dtype=np.uint8)
    fig = plots.plot_image_grid(images, max_images=10, ncols=5)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 10
    assert shown[0].images[0].get_array().shape == (4, 4, 3)


@pytest.mark.parametrize(
    "images, kwargs, fragment",
    [
        (np.zeros((8, 8)), {}, "must be"),
        (np.zeros((2, 8, 8, 2)), {}, "must be"),
        (np.zeros((0, 8, 8)), {}, "no images"),
        (np.zeros((3, 8, 8)), {"labels": [0, 1]}, "one entry per image"),
    ],
)
def test_image_grid_rejects_bad_input(images, kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        plots.plot_image_grid(images, **kwargs)


def test_plot_activations_keeps_the_step_readable_with_slopes():
    fig = plots.plot_activations({"step": plots.ACTIVATIONS["step"]}, derivatives=True)
    low, high = fig.axes[0].get_ylim()
    assert -0.5 < low < 0 and 1 < high < 1.5, "the step's spike at 0 must not squash the panel"


# --------------------------------------------------------------------------------------------------
# Evaluation and CNN plots
# --------------------------------------------------------------------------------------------------


def test_confusion_matrix_counts_and_normalized_rows():
    y_true = [0, 0, 0, 1, 1, 2]
    y_pred = [0, 0, 1, 1, 1, 0]
    ax = plots.plot_confusion_matrix(y_true, y_pred, class_names=["a", "b", "c"])
    assert [t.get_text() for t in ax.texts] == ["2", "1", "0", "0", "2", "0", "1", "0", "0"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted", "true")
    ax = plots.plot_confusion_matrix(y_true, y_pred, normalize=True)
    assert [t.get_text() for t in ax.texts][:3] == ["0.67", "0.33", "0.00"]


@pytest.mark.parametrize(
    "y_true, y_pred, kwargs, fragment",
    [
        ([0, 1], [0], {}, "same length"),
        ([0.9, 0.1], [1, 0], {}, "argmax"),
        ([0, 3], [0, 1], {"class_names": ["a", "b"]}, "only 2 class names"),
        ([], [], {}, "non-empty"),
    ],
)
def test_confusion_matrix_rejects_bad_input(y_true, y_pred, kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        plots.plot_confusion_matrix(np.array(y_true), np.array(y_pred), **kwargs)


def test_misclassified_shows_only_the_mistakes():
    images = np.arange(5)[:, None, None] * np.ones((5, 4, 4)) / 10  # image i is filled with the value i/10
    fig = plots.plot_misclassified(images, [0, 1, 2, 3, 4], [0, 2, 2, 3, 1], class_names=list("abcde"))
    shown = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in shown] == ["c (true b)", "b (true e)"]
    assert [ax.images[0].get_array().max() for ax in shown] == [0.1, 0.4]
    assert fig.get_suptitle() == "2 of 5 misclassified"
    assert plots.plot_misclassified(images, [0] * 5, [0] * 5).get_suptitle() == "0 of 5 misclassified"
    with pytest.raises(ValueError, match="same length"):
        plots.plot_misclassified(images, [0] * 5, [0] * 4)


def test_plot_filters_gray_and_colour():
    kernels = np.zeros((3, 3, 1, 4))
    kernels[1, 1, 0, 2] = -1.0
    fig = plots.plot_filters(kernels, ncols=2)
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 4
    assert panels[2].images[0].get_array()[1, 1] == -1.0
    colour = plots.plot_filters(np.random.default_rng(0).normal(size=(5, 5, 3, 2)))
    array = colour.axes[0].images[0].get_array()
    assert array.shape == (5, 5, 3) and array.min() == 0.0 and array.max() == 1.0
    with pytest.raises(ValueError, match="get_weights"):
        plots.plot_filters(np.zeros((3, 3, 4)))


def test_plot_feature_maps_accepts_a_batch_of_one_and_caps_panels():
    maps = np.random.default_rng(0).uniform(size=(1, 6, 6, 40))
    fig = plots.plot_feature_maps(maps, max_maps=10, ncols=5, title="conv1")
    assert sum(1 for ax in fig.axes if ax.images) == 10
    assert fig.get_suptitle() == "conv1"
    with pytest.raises(ValueError, match="one image's layer output"):
        plots.plot_feature_maps(np.zeros((2, 6, 6, 3)))
