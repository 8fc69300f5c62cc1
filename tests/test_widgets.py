"""Unit tests for course_lib.widgets: moving a control redraws the figure and the summary."""

import numpy as np
import pytest

from course_lib import widgets


def title_of(explorer):
    return explorer.figure.axes[0].get_title()


def test_neuron_explorer_updates_when_a_slider_moves():
    explorer = widgets.neuron_explorer(w1=0.5, w2=0.5, b=-1.0, gate="AND")
    assert explorer.correct == 4
    assert "all four right" in explorer._summary.value
    assert title_of(explorer) == "w1=+0.50  w2=+0.50  b=-1.00"

    explorer.sliders["b"].value = -0.25  # now it behaves like OR
    assert explorer.outputs().tolist() == [0.0, 1.0, 1.0, 1.0]
    assert explorer.correct == 2
    assert "2/4 right" in explorer._summary.value
    assert title_of(explorer) == "w1=+0.50  w2=+0.50  b=-0.25"

    explorer.gate.value = "OR"
    assert explorer.correct == 4


def test_neuron_explorer_cannot_solve_xor_on_a_grid_of_weights():
    explorer = widgets.NeuronExplorer(gate="XOR")
    best = 0
    for w1 in (-1.0, 0.5, 1.0):
        for w2 in (-1.0, 0.5, 1.0):
            for b in (-1.5, -0.75, -0.25, 0.25):
                best = max(best, explorer.set(w1=w1, w2=w2, b=b).correct)
    assert best == 3


def test_set_moves_sliders_with_one_redraw():
    explorer = widgets.NeuronExplorer()
    drawn = []
    explorer._draw = lambda original=explorer._draw: drawn.append(1) or original()
    explorer.set(w1=-1.0, w2=0.25, b=0.5)
    assert drawn == [1]
    assert title_of(explorer) == "w1=-1.00  w2=+0.25  b=+0.50"
    with pytest.raises(ValueError, match=r"no slider named \['w3'\]"):
        explorer.set(w3=1.0)


def test_neuron_explorer_output_area_holds_the_current_picture():
    explorer = widgets.NeuronExplorer()
    explorer.activation.value = "sigmoid"
    assert len(explorer._output.outputs) == 1
    assert explorer.outputs().min() > 0  # sigmoid never reaches 0


def test_neuron_explorer_draws_boundary_also_when_w2_is_zero():
    explorer = widgets.NeuronExplorer(w1=1.0, w2=0.0, b=-0.5)
    labels = explorer.figure.axes[0].get_legend_handles_labels()[1]
    assert "w·x + b = 0" in labels


def test_display_bundle_has_widget_and_still_picture():
    bundle = widgets.NeuronExplorer()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"].startswith(b"\x89PNG")


def test_activation_explorer_stretches_and_shifts():
    explorer = widgets.activation_explorer(w=1.0, b=0.0, activation="relu")
    np.testing.assert_allclose(explorer.outputs([-1.0, 2.0]), [0.0, 2.0])
    explorer.sliders["w"].value = 2.0
    explorer.sliders["b"].value = -1.0
    np.testing.assert_allclose(explorer.outputs([-1.0, 2.0]), [0.0, 3.0])
    assert "centred at x = +0.50" in explorer._summary.value
    explorer.sliders["w"].value = 0.0
    assert "flat" in explorer._summary.value


def test_explorers_take_custom_activations():
    explorer = widgets.ActivationExplorer(activation="double", activations={"double": lambda z: 2 * z})
    np.testing.assert_allclose(explorer.outputs([1.0]), [2.0])


@pytest.mark.parametrize(
    "factory, kwargs, error, fragment",
    [
        (widgets.NeuronExplorer, {"activation": "swish"}, ValueError, "unknown activation 'swish'"),
        (widgets.NeuronExplorer, {"gate": "XNOR"}, ValueError, "unknown gate 'XNOR'"),
        (widgets.ActivationExplorer, {"activation": "step2"}, ValueError, "unknown activation"),
        (widgets.ActivationExplorer, {"activations": {"x": 1}}, TypeError, "dict of name -> function"),
    ],
)
def test_explorers_reject_bad_arguments(factory, kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        factory(**kwargs)


def test_kernel_explorer_filters_like_a_sliding_dot_product():
    image = np.arange(25, dtype=float).reshape(5, 5) / 24
    explorer = widgets.kernel_explorer(image, kernel="box blur")
    centre = explorer.filtered()[2, 2]
    assert centre == pytest.approx(image[1:4, 1:4].mean())
    explorer.preset.value = "edges (laplacian)"
    np.testing.assert_allclose(explorer.kernel, widgets.KERNELS["edges (laplacian)"])
    assert explorer.filtered()[2, 2] == pytest.approx(0.0, abs=1e-12)  # a linear ramp has no curvature
    assert "sum to 0" in explorer._summary.value
    explorer.set(k11=2.0)  # edit one weight by hand
    assert explorer.kernel[1, 1] == 2.0 and "sum to 6" in explorer._summary.value


def test_kernel_explorer_defaults_to_the_sample_photo_in_gray():
    explorer = widgets.KernelExplorer()
    assert explorer.image.shape == (213, 320) and 0 <= explorer.image.min() and explorer.image.max() <= 1
    assert explorer.figure.axes[2].get_title().startswith("filtered")


@pytest.mark.parametrize(
    "kwargs, fragment",
    [({"kernel": "blurry"}, "unknown kernel 'blurry'"), ({"image": np.zeros((2, 2, 2, 2))}, "gray")],
)
def test_kernel_explorer_rejects_bad_arguments(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        widgets.KernelExplorer(**kwargs)
