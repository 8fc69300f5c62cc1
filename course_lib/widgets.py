"""Interactive explorers for Jupyter (ipywidgets): move a slider, watch a neuron change its mind.

Each explorer is a small object: its ``widget`` is what you see in JupyterLab, its ``update()`` redraws
from the current slider values, and its ``figure`` is the last drawing. Displaying the object shows the
widget, with a still picture of the same drawing for viewers that cannot run widgets (GitHub, a PDF).
"""

from __future__ import annotations

import io

import numpy as np

from .plots import ACTIVATIONS

__all__ = ["GATES", "KERNELS", "ActivationExplorer", "KernelExplorer", "NeuronExplorer", "activation_explorer",
           "kernel_explorer", "neuron_explorer"]

#: Truth tables of the logic gates a single neuron can (or cannot) compute, on inputs (0,0),(0,1),(1,0),(1,1).
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0], "NOR": [1, 0, 0, 0], "XOR": [0, 1, 1, 0]}
_GATE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def _check_activations(activations):
    activations = dict(ACTIVATIONS if activations is None else activations)
    if not activations or not all(callable(f) for f in activations.values()):
        raise TypeError("activations must be a non-empty dict of name -> function")
    return activations


class _Explorer:
    """Shared plumbing: an Output area redrawn whenever a control changes."""

    def _build(self, title, rows, controls):
        """Lay out ``rows`` of widgets under ``title``; redraw whenever one of ``controls`` changes."""
        import ipywidgets as widgets

        self._output = widgets.Output()
        self._summary = widgets.HTML()
        self._paused = False
        for control in controls:
            control.observe(lambda _change: None if self._paused else self.update(), names="value")
        self.widget = widgets.VBox([widgets.HTML(f"<b>{title}</b>"), *rows, self._summary, self._output])
        self.update()

    def set(self, **values):
        """Move several sliders at once, with a single redraw: ``explorer.set(w1=0.5, b=-1)``."""
        unknown = sorted(set(values) - set(self.sliders))
        if unknown:
            raise ValueError(f"no slider named {unknown}; the sliders are {list(self.sliders)}")
        self._paused = True
        try:
            for name, value in values.items():
                self.sliders[name].value = value
        finally:
            self._paused = False
        self.update()
        return self

    def update(self):
        """Redraw from the current control values."""
        self.figure = self._draw()
        self._summary.value = self.summary
        self._output.outputs = ()
        self._output.append_display_data(self.figure)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        picture = io.BytesIO()
        self.figure.savefig(picture, format="png", dpi=80)
        bundle["image/png"] = picture.getvalue()
        return bundle


class NeuronExplorer(_Explorer):
    """Sliders for the two weights and the bias of one neuron, its decision boundary drawn live.

    The plane shows the neuron's output ``f(w1*x1 + w2*x2 + b)`` for every input; the black line is
    where the weighted sum is zero. The four corners are the inputs of a logic gate, coloured by the
    output the gate wants. Introduced in ``01_neurons``: find weights for AND, OR, NAND, and see why no
    weights work for XOR.

    Parameters
    ----------
    w1, w2, b : float
        Starting values.
    activation : str, default "step"
        A key of ``activations``.
    gate : str, default "AND"
        A key of :data:`GATES`.
    activations : dict of str to callable, optional
        Activation functions to choose from; :data:`course_lib.plots.ACTIVATIONS` by default.

    Examples
    --------
    >>> explorer = NeuronExplorer(w1=0.5, w2=0.5, b=-0.7)
    >>> explorer.outputs().tolist(), explorer.correct
    ([0.0, 0.0, 0.0, 1.0], 4)
    >>> explorer.sliders["b"].value = -0.2  # as if the learner moved the slider
    >>> explorer.outputs().tolist(), explorer.correct
    ([0.0, 1.0, 1.0, 1.0], 2)
    """

    def __init__(self, w1=1.0, w2=1.0, b=-0.5, *, activation="step", gate="AND", activations=None):
        import ipywidgets as widgets

        self.activations = _check_activations(activations)
        if activation not in self.activations:
            raise ValueError(f"unknown activation {activation!r}; choose from {list(self.activations)}")
        if gate not in GATES:
            raise ValueError(f"unknown gate {gate!r}; choose from {list(GATES)}")
        style = {"description_width": "2.5em"}
        self.sliders = {name: widgets.FloatSlider(value=value, min=-2.0, max=2.0, step=0.05, description=name,
                                                  style=style, continuous_update=True)
                        for name, value in (("w1", w1), ("w2", w2), ("b", b))}
        self.activation = widgets.Dropdown(options=list(self.activations), value=activation, description="f")
        self.gate = widgets.Dropdown(options=list(GATES), value=gate, description="gate")
        controls = [*self.sliders.values(), self.activation, self.gate]
        self._build("One neuron: y = f(w1·x1 + w2·x2 + b)",
                    [widgets.HBox(controls[:3]), widgets.HBox(controls[3:])], controls)

    def outputs(self, X=_GATE_INPUTS):
        """The neuron's output for each row of ``X`` (by default the four gate inputs)."""
        w = np.array([self.sliders["w1"].value, self.sliders["w2"].value])
        z = np.asarray(X, dtype=float) @ w + self.sliders["b"].value
        return np.asarray(self.activations[self.activation.value](z), dtype=float)

    @property
    def correct(self):
        """How many of the four gate inputs the neuron gets right (output rounded at 0.5)."""
        return int(np.sum((self.outputs() >= 0.5) == np.array(GATES[self.gate.value], dtype=bool)))

    @property
    def summary(self):
        cell = '<td style="padding: 0 1.2em 0 0">'
        rows = "".join(f"{cell}({x1:.0f}, {x2:.0f}) → {out:.2f}</td>"
                       for (x1, x2), out in zip(_GATE_INPUTS, self.outputs()))
        verdict = "✔ all four right" if self.correct == 4 else f"{self.correct}/4 right"
        return f"<table><tr>{cell}<i>y for</i></td>{rows}<td><b>{self.gate.value}: {verdict}</b></td></tr></table>"

    def _draw(self):
        from .plots import _figure

        fig, axes = _figure(1, 1, (4.8, 4.4))
        ax = axes[0, 0]
        grid = np.linspace(-0.5, 1.5, 121)
        xx, yy = np.meshgrid(grid, grid)
        zz = self.outputs(np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape)
        shading = ax.contourf(xx, yy, zz, levels=20, cmap="RdBu_r", alpha=0.6)
        fig.colorbar(shading, ax=ax, label="output y")
        w1, w2, b = (self.sliders[k].value for k in ("w1", "w2", "b"))
        if abs(w2) > 1e-9:
            ax.plot(grid, -(w1 * grid + b) / w2, "k-", lw=2, label="w·x + b = 0")
        elif abs(w1) > 1e-9:
            ax.axvline(-b / w1, color="k", lw=2, label="w·x + b = 0")
        wanted = np.array(GATES[self.gate.value])
        for value, marker in ((0, "o"), (1, "s")):
            points = _GATE_INPUTS[wanted == value]
            ax.scatter(*points.T, s=140, marker=marker, c="white" if value == 0 else "black",
                       edgecolors="k", linewidths=1.5, label=f"{self.gate.value} wants {value}", zorder=3)
        ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="$x_1$", ylabel="$x_2$",
               title=f"w1={w1:+.2f}  w2={w2:+.2f}  b={b:+.2f}")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=3, fontsize="x-small", frameon=False)
        return fig


class ActivationExplorer(_Explorer):
    """A neuron with one input, ``y = f(w·x + b)``: see how weight and bias stretch and shift ``f``.

    Parameters
    ----------
    w, b : float
        Starting weight and bias.
    activation : str, default "sigmoid"
        A key of ``activations``.
    activations : dict of str to callable, optional
        :data:`course_lib.plots.ACTIVATIONS` by default.

    Examples
    --------
    >>> explorer = ActivationExplorer(w=2.0, b=-1.0, activation="relu")
    >>> explorer.outputs(np.array([0.0, 1.0, 2.0])).tolist()
    [0.0, 1.0, 3.0]
    """

    def __init__(self, w=1.0, b=0.0, *, activation="sigmoid", activations=None):
        import ipywidgets as widgets

        self.activations = _check_activations(activations)
        if activation not in self.activations:
            raise ValueError(f"unknown activation {activation!r}; choose from {list(self.activations)}")
        self.sliders = {name: widgets.FloatSlider(value=value, min=-5.0, max=5.0, step=0.1, description=name)
                        for name, value in (("w", w), ("b", b))}
        self.activation = widgets.Dropdown(options=list(self.activations), value=activation, description="f")
        controls = [self.activation, *self.sliders.values()]
        self._build("One input: y = f(w·x + b)", [widgets.HBox(controls)], controls)

    def outputs(self, x):
        """``f(w·x + b)`` for the current slider values."""
        z = self.sliders["w"].value * np.asarray(x, dtype=float) + self.sliders["b"].value
        return np.asarray(self.activations[self.activation.value](z), dtype=float)

    @property
    def summary(self):
        w, b = self.sliders["w"].value, self.sliders["b"].value
        centre = f"centred at x = {-b / w:+.2f}" if w else "flat: w = 0 ignores the input"
        return f"{self.activation.value}: steepness w = {w:+.1f}, {centre}"

    def _draw(self):
        from .plots import _figure

        fig, axes = _figure(1, 1, (5.0, 3.2))
        ax = axes[0, 0]
        x = np.linspace(-5, 5, 401)
        reference = np.asarray(self.activations[self.activation.value](x), dtype=float)
        ax.plot(x, reference, color="0.6", ls="--", label="f(x)")
        ax.plot(x, self.outputs(x), lw=2.5, label="f(w·x + b)")
        ax.axhline(0, color="0.8", lw=0.8)
        ax.axvline(0, color="0.8", lw=0.8)
        ax.set(xlabel="x", ylabel="y", title=self.activation.value)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize="small")
        return fig


#: 3x3 kernels to start from in the kernel explorer.
KERNELS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "box blur": [[1 / 9] * 3] * 3,
    "gaussian blur": [[1 / 16, 2 / 16, 1 / 16], [2 / 16, 4 / 16, 2 / 16], [1 / 16, 2 / 16, 1 / 16]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "edges (laplacian)": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "vertical edges (sobel x)": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "horizontal edges (sobel y)": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
}


class KernelExplorer(_Explorer):
    """Pick or type a 3x3 kernel and see the photo it filters, side by side with the original.

    The filtered image is the cross-correlation that deep-learning libraries call convolution (the kernel
    slides over the image without being flipped), computed with SciPy so the lesson's own code stays yours.
    Introduced in ``06_convolution_from_scratch``.

    Parameters
    ----------
    image : array_like, optional
        A gray ``(height, width)`` or RGB ``(height, width, 3)`` image; RGB is turned to gray. By default
        the sample photo ``china.jpg``, at half size.
    kernel : str, default "edges (laplacian)"
        A key of :data:`KERNELS` to start with.

    Examples
    --------
    >>> explorer = KernelExplorer(image=np.eye(5), kernel="identity")
    >>> np.allclose(explorer.filtered(), np.eye(5))
    True
    >>> explorer.set(k11=0.0, k12=1.0)  # move the 1 one place right: the image shifts left
    KernelExplorer(kernel=[[0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    >>> explorer.filtered()[0, :3].tolist()
    [0.0, 0.0, 0.0]
    """

    def __init__(self, image=None, *, kernel="edges (laplacian)"):
        import ipywidgets as widgets

        from .data import load_sample_photo, resize, to_grayscale

        if kernel not in KERNELS:
            raise ValueError(f"unknown kernel {kernel!r}; choose from {list(KERNELS)}")
        if image is None:
            image = resize(load_sample_photo("china.jpg"), (213, 320))
        image = np.asarray(image, dtype=float)
        if image.ndim == 3 and image.shape[-1] == 3:
            image = to_grayscale(image)
        if image.ndim != 2:
            raise ValueError(f"image must be gray (height, width) or RGB (height, width, 3), got shape {image.shape}")
        self.image = image / 255.0 if image.max() > 1 else image
        self.sliders = {f"k{row}{col}": widgets.FloatText(value=float(KERNELS[kernel][row][col]), step=0.25,
                                                         layout=widgets.Layout(width="5.5em"))
                        for row in range(3) for col in range(3)}
        self.preset = widgets.Dropdown(options=list(KERNELS), value=kernel, description="kernel")
        self.preset.observe(lambda change: self.set(**{f"k{r}{c}": float(KERNELS[change["new"]][r][c])
                                                       for r in range(3) for c in range(3)}), names="value")
        grid = widgets.GridBox(list(self.sliders.values()), layout=widgets.Layout(grid_template_columns="repeat(3, 6em)"))
        self._build("Slide a 3x3 kernel over a photo", [widgets.HBox([self.preset, grid])], self.sliders.values())

    @property
    def kernel(self):
        """The current kernel as a (3, 3) array."""
        return np.array([[self.sliders[f"k{r}{c}"].value for c in range(3)] for r in range(3)])

    def filtered(self):
        """The image filtered by the current kernel (same size, zero padding)."""
        from scipy.ndimage import correlate

        return correlate(self.image, self.kernel, mode="constant", cval=0.0)

    @property
    def summary(self):
        total = self.kernel.sum()
        if np.isclose(total, 1):
            return "weights sum to 1: overall brightness kept"
        if np.isclose(total, 0):
            return "weights sum to 0: flat areas go to 0, only changes (edges) remain"
        return f"weights sum to {total:g}: brightness scaled by that much"

    def __repr__(self):
        return f"KernelExplorer(kernel={self.kernel.tolist()})"

    def _draw(self):
        from .plots import _figure

        fig, axes = _figure(1, 3, (10, 3.2))
        original, kernel_ax, result = axes[0]
        original.imshow(self.image, cmap="gray", vmin=0, vmax=1)
        original.set_title("original (gray)")
        limit = np.abs(self.kernel).max() or 1.0
        kernel_ax.imshow(self.kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for (row, col), value in np.ndenumerate(self.kernel):
            strong = abs(value) > 0.6 * limit  # dark cell: white text
            kernel_ax.text(col, row, f"{value:.2g}", ha="center", va="center", fontsize="small",
                           color="white" if strong else "black")
        kernel_ax.set_title("kernel")
        filtered = self.filtered()
        result.imshow(filtered, cmap="gray")
        result.set_title(f"filtered (values {filtered.min():.2f} to {filtered.max():.2f})")
        for ax in axes[0]:
            ax.set_axis_off()
        return fig


def kernel_explorer(image=None, **kwargs):
    """Build a :class:`KernelExplorer`; display it as the last line of a cell."""
    return KernelExplorer(image, **kwargs)


def neuron_explorer(**kwargs):
    """Build a :class:`NeuronExplorer`; display it as the last line of a cell."""
    return NeuronExplorer(**kwargs)


def activation_explorer(**kwargs):
    """Build an :class:`ActivationExplorer`; display it as the last line of a cell."""
    return ActivationExplorer(**kwargs)
