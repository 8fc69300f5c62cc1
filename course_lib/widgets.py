"""Interactive explorers for Jupyter (ipywidgets): move a slider, watch a neuron change its mind.

Each explorer is a small object: its ``widget`` is what you see in JupyterLab, its ``update()`` redraws
from the current slider values, and its ``figure`` is the last drawing. Displaying the object shows the
widget, with a still picture of the same drawing for viewers that cannot run widgets (GitHub, a PDF).
"""

from __future__ import annotations

import io

import numpy as np

from .plots import ACTIVATIONS

__all__ = ["GATES", "ActivationExplorer", "NeuronExplorer", "activation_explorer", "neuron_explorer"]

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

    def _build(self, controls, title):
        import ipywidgets as widgets

        self._output = widgets.Output()
        self._summary = widgets.HTML()
        self._paused = False
        for control in controls:
            control.observe(lambda _change: None if self._paused else self.update(), names="value")
        self.widget = widgets.VBox([widgets.HTML(f"<b>{title}</b>"), widgets.HBox(controls[:3]),
                                    widgets.HBox(controls[3:]), self._summary, self._output])
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
        self._build([*self.sliders.values(), self.activation, self.gate], "One neuron: y = f(w1·x1 + w2·x2 + b)")

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
        self._build([self.activation, *self.sliders.values()], "One input: y = f(w·x + b)")

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


def neuron_explorer(**kwargs):
    """Build a :class:`NeuronExplorer`; display it as the last line of a cell."""
    return NeuronExplorer(**kwargs)


def activation_explorer(**kwargs):
    """Build an :class:`ActivationExplorer`; display it as the last line of a cell."""
    return ActivationExplorer(**kwargs)
