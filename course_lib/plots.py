"""Plots the lessons use again and again.

Every function returns what it drew on and never calls ``plt.show()``, so a learner can keep adding to it:

- functions that draw a whole figure (``plot_history``, ``plot_image_grid``, ``plot_activations``) return a
  ``Figure``; it shows when it is the last value of a cell, or with ``display(fig)``;
- ``plot_decision_boundary`` draws on one ``Axes`` (pass ``ax=`` to place it in your own figure) and returns
  it; a new figure shows by itself when the cell ends, like any pyplot figure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

__all__ = ["ACTIVATIONS", "plot_activations", "plot_confusion_matrix", "plot_decision_boundary", "plot_feature_maps",
           "plot_filters", "plot_history", "plot_image_grid", "plot_misclassified"]


def _step(z):
    return np.where(z >= 0, 1.0, 0.0)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _relu(z):
    return np.maximum(z, 0.0)


#: Reference activation functions for plots and widgets (lessons write their own).
ACTIVATIONS: dict[str, Callable] = {"step": _step, "sigmoid": _sigmoid, "tanh": np.tanh, "relu": _relu}


def _new_axes(ax, figsize=(5.5, 4.2)):
    """The given Axes, or one on a new pyplot figure that the notebook shows when the cell ends."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")[1]


def _figure(nrows, ncols, figsize):
    """A figure that pyplot lets go of: it shows once, when a cell returns it, never twice."""
    import matplotlib.pyplot as plt  # also sets up Jupyter's inline display of figures

    fig, axes = plt.subplots(nrows, ncols, squeeze=False, figsize=figsize, layout="constrained")
    plt.close(fig)
    return fig, axes


def _panel_grid(n, ncols, cell_size, title=None):
    """A figure of ``n`` picture panels (axes hidden), ``ncols`` per row; returns it and the n axes."""
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    width, height = cell_size
    fig, axes = _figure(nrows, ncols, (width * ncols, height * nrows + (0.3 if title else 0)))
    for ax in axes.flat:
        ax.set_axis_off()
    if title:
        fig.suptitle(title)
    return fig, list(axes.flat)[:n]


def plot_activations(functions=None, *, x_range=(-5.0, 5.0), derivatives=False, ncols=4):
    """Plot activation functions side by side, optionally with their slopes (``01_neurons``).

    Parameters
    ----------
    functions : mapping of str to callable, optional
        Name to a NumPy function of one array. Defaults to :data:`ACTIVATIONS` (step, sigmoid, tanh,
        ReLU). Pass your own to see the functions you wrote in ``01_neurons``.
    x_range : (float, float), default (-5, 5)
        Inputs to plot.
    derivatives : bool, default False
        Also draw each function's slope (a numerical derivative), dashed.
    ncols : int, default 4
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_activations({"square": np.square}, derivatives=True)
    >>> fig.axes[0].get_legend_handles_labels()[1]
    ['square', 'slope']
    """
    functions = ACTIVATIONS if functions is None else functions
    if not isinstance(functions, Mapping) or not functions:
        raise TypeError(f"functions must be a non-empty dict of name -> function, got {type(functions).__name__}")
    for name, function in functions.items():
        if not callable(function):
            raise TypeError(f"functions[{name!r}] must be callable, got {type(function).__name__}")
    low, high = x_range
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range!r}")
    x = np.linspace(low, high, 401)
    ncols = max(1, min(ncols, len(functions)))
    nrows = -(-len(functions) // ncols)
    fig, axes = _figure(nrows, ncols, (3.2 * ncols, 2.8 * nrows))
    for ax, (name, function) in zip(axes.flat, functions.items()):
        y = np.asarray(function(x), dtype=float)
        if y.shape != x.shape:
            raise ValueError(f"{name!r} must return one value per input (shape {x.shape}), got shape {y.shape}")
        ax.plot(x, y, lw=2, label=name)
        low_y, high_y = y.min(), y.max()
        if derivatives:
            slope = np.gradient(y, x)
            ax.plot(x, slope, "--", lw=1.5, label="slope")
            # A jump (the step at 0) has an "infinite" slope: let it run off the panel instead of
            # squashing everything else flat.
            low_y, high_y = min(low_y, np.percentile(slope, 1)), max(high_y, np.percentile(slope, 99))
        pad = 0.1 * ((high_y - low_y) or 1.0)
        ax.set_ylim(low_y - pad, high_y + pad)
        ax.axhline(0, color="0.7", lw=0.8)
        ax.axvline(0, color="0.7", lw=0.8)
        ax.set(title=name, xlabel="z")
        ax.grid(alpha=0.3)
        if derivatives:
            ax.legend(loc="upper left", fontsize="small")
    for ax in axes.flat[len(functions):]:
        ax.set_visible(False)
    return fig


def _predict_grid(model, grid):
    """Call a model, an estimator or a plain function on an (n, 2) grid of points."""
    if hasattr(model, "predict_proba"):
        return np.asarray(model.predict_proba(grid))
    if hasattr(model, "predict"):
        if type(model).__module__.startswith("keras"):
            return np.asarray(model.predict(grid, verbose=0))
        return np.asarray(model.predict(grid))
    if callable(model):
        return np.asarray(model(grid))
    raise TypeError(f"model must be a function of an (n, 2) array or have a predict method, got {type(model).__name__}")


def plot_decision_boundary(model, X, y=None, *, ax=None, resolution=200, padding=0.5, class_names=None, title=None):
    """Colour the plane by what a model predicts and draw the data on top (``01_neurons``, ``03_training_from_scratch``).

    Works with a plain function of an ``(n, 2)`` array, a scikit-learn estimator (``predict_proba`` or
    ``predict``) or a Keras model. A single output per point (a probability or a score) is shaded with the
    0.5 contour drawn as the boundary; several outputs per point (class probabilities) colour each region by
    its most likely class.

    Parameters
    ----------
    model : callable or estimator
        Maps an ``(n, 2)`` array to ``(n,)``, ``(n, 1)`` or ``(n, n_classes)`` outputs.
    X : array_like, shape (n_samples, 2)
        Points to draw; they also set the plotted area.
    y : array_like, shape (n_samples,), optional
        Their labels, for colouring.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    resolution : int, default 200
        Grid points per axis.
    padding : float, default 0.5
        Margin around the data.
    class_names : sequence of str, optional
        Legend labels for the classes.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> ax = plot_decision_boundary(lambda P: P.sum(axis=1) > 1.5, X, [0, 0, 0, 1])
    >>> ax.get_xlabel()
    '$x_1$'
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2) for a 2-D plot, got {X.shape}")
    if y is not None:
        y = np.asarray(y)
        if y.shape != (len(X),):
            raise ValueError(f"y must have one label per row of X, shape ({len(X)},), got {y.shape}")
    if not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise ValueError(f"resolution must be an int of at least 2, got {resolution!r}")
    ax = _new_axes(ax)
    (x_min, y_min), (x_max, y_max) = X.min(axis=0) - padding, X.max(axis=0) + padding
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.c_[xx.ravel(), yy.ravel()]
    out = _predict_grid(model, grid).astype(float)
    if out.ndim == 2 and out.shape[1] == 1:
        out = out[:, 0]
    if out.shape[0] != len(grid) or out.ndim not in (1, 2):
        raise ValueError(f"model returned shape {out.shape} for {len(grid)} points; expected (n,), (n, 1) or (n, k)")

    if out.ndim == 1 or out.shape[1] == 2:
        score = out if out.ndim == 1 else out[:, 1]  # two columns: probability of class 1
        zz = score.reshape(xx.shape)
        in_unit = zz.min() >= 0 and zz.max() <= 1
        levels = np.linspace(0, 1, 11) if in_unit else 20
        shading = ax.contourf(xx, yy, zz, levels=levels, cmap="RdBu_r", alpha=0.55)
        if zz.min() < 0.5 < zz.max():
            ax.contour(xx, yy, zz, levels=[0.5], colors="k", linewidths=1.5)
        ax.figure.colorbar(shading, ax=ax, label="model output")
    else:
        labels = out.argmax(axis=1).reshape(xx.shape)
        ax.contourf(xx, yy, labels, levels=np.arange(out.shape[1] + 1) - 0.5, cmap="tab10", alpha=0.35,
                    vmin=0, vmax=9)
    if y is not None:
        classes = np.unique(y)
        cmap = "RdBu_r" if len(classes) <= 2 else "tab10"
        colours = {c: i / max(len(classes) - 1, 1) if cmap == "RdBu_r" else i for i, c in enumerate(classes)}
        import matplotlib

        colormap = matplotlib.colormaps[cmap]
        for c in classes:
            name = class_names[int(c)] if class_names is not None else f"class {c}"
            shade = colormap(colours[c]) if cmap == "RdBu_r" else colormap(colours[c] / 10 + 0.05)
            ax.scatter(*X[y == c].T, color=shade, edgecolor="k", s=50, label=name)
        ax.legend(loc="best", fontsize="small")
    else:
        ax.scatter(*X.T, color="0.2", s=30)
    ax.set(xlim=(x_min, x_max), ylim=(y_min, y_max), xlabel="$x_1$", ylabel="$x_2$", title=title)
    return ax


def plot_history(history, *, metrics=None, title=None):
    """Plot training curves, one panel per metric, training and validation together (``04_first_keras_network``).

    Parameters
    ----------
    history : keras.callbacks.History or dict
        What ``model.fit`` returns, or a dict such as ``{"loss": [...], "val_loss": [...]}``.
    metrics : sequence of str, optional
        Which to plot (without the ``val_`` prefix); by default every metric recorded.
    title : str, optional
        A title above the panels.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_history({"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6]})
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['training', 'validation']
    """
    from matplotlib.ticker import MaxNLocator

    record = getattr(history, "history", history)
    if not isinstance(record, Mapping) or not record:
        raise TypeError(f"history must be a keras History or a non-empty dict of lists, got {type(history).__name__}")
    available = [key for key in record if not key.startswith("val_")] or [key[4:] for key in record]
    if metrics is None:
        metrics = [m for m in available if m != "learning_rate"]
    elif isinstance(metrics, str):
        metrics = [metrics]
    missing = [m for m in metrics if m not in record and f"val_{m}" not in record]
    if missing:
        raise ValueError(f"metrics {missing} not in the history; it has {sorted(record)}")
    fig, axes = _figure(1, len(metrics), (4.2 * len(metrics), 3.2))
    for ax, metric in zip(axes.flat, metrics):
        for key, label, style in ((metric, "training", "-o"), (f"val_{metric}", "validation", "-s")):
            if key in record:
                values = np.asarray(record[key], dtype=float)
                ax.plot(np.arange(1, len(values) + 1), values, style, ms=3, label=label)
        ax.set(xlabel="epoch", ylabel=metric, title=metric)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    return fig


def plot_image_grid(images, labels=None, predictions=None, *, class_names=None, ncols=8, max_images=32,
                    cmap="gray", title=None):
    """Show images in a grid, titled with their labels; wrong predictions in red (``03_training_from_scratch``).

    Parameters
    ----------
    images : array_like
        ``(n, height, width)``, ``(n, height, width, 1)`` or ``(n, height, width, 3)``; floats in [0, 1]
        or integers in 0..255.
    labels : array_like of int, shape (n,), optional
        True labels.
    predictions : array_like of int, shape (n,), optional
        Predicted labels; each title then shows the prediction, and a wrong one reads ``4 (true 3)`` in red.
    class_names : sequence of str, optional
        Names for the label numbers.
    ncols : int, default 8
    max_images : int, default 32
        Show at most this many, from the start.
    cmap : str, default "gray"
        Colour map for one-channel images.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_image_grid(np.zeros((3, 8, 8)), labels=[0, 1, 1], predictions=[0, 1, 0])
    >>> [ax.get_title() for ax in fig.axes[:3]]
    ['0', '1', '0 (true 1)']
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] not in (3, 4)):
        raise ValueError(f"images must be (n, h, w), (n, h, w, 1) or (n, h, w, 3), got shape {images.shape}")
    n = min(len(images), max_images)
    if n == 0:
        raise ValueError("no images to show")
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values is not None and len(values) != len(images):
            raise ValueError(f"{name} must have one entry per image ({len(images)}), got {len(values)}")

    def name_of(label):
        return str(class_names[int(label)]) if class_names is not None else str(label)

    fig, axes = _panel_grid(n, ncols, (1.3, 1.45), title)
    for i, ax in enumerate(axes):
        image = images[i]
        if np.issubdtype(image.dtype, np.floating):
            image = np.clip(image, 0, 1)
        ax.imshow(image, cmap=cmap if image.ndim == 2 else None, vmin=0,
                  vmax=1 if np.issubdtype(image.dtype, np.floating) else 255)
        if predictions is not None:
            wrong = labels is not None and predictions[i] != labels[i]
            text = name_of(predictions[i]) + (f" (true {name_of(labels[i])})" if wrong else "")
            ax.set_title(text, fontsize="small", color="red" if wrong else "black")
        elif labels is not None:
            ax.set_title(name_of(labels[i]), fontsize="small")
    return fig


def plot_misclassified(images, labels, predictions, *, class_names=None, max_images=24, ncols=8, title=None):
    """Show only the images whose prediction is wrong, titled ``predicted (true …)``.

    Introduced in ``08_evaluating_models``.

    Parameters
    ----------
    images, labels, predictions
        As for :func:`plot_image_grid`; labels and predictions are required.
    class_names : sequence of str, optional
    max_images, ncols : int
    title : str, optional
        Defaults to "N of M misclassified".

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_misclassified(np.zeros((4, 8, 8)), [0, 1, 2, 3], [0, 1, 3, 3])
    >>> fig.get_suptitle(), fig.axes[0].get_title()
    ('1 of 4 misclassified', '3 (true 2)')
    """
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    if labels.shape != predictions.shape or labels.ndim != 1:
        raise ValueError(f"labels and predictions must be 1-D and the same length, got {labels.shape} and {predictions.shape}")
    if len(labels) != len(images):
        raise ValueError(f"labels must have one entry per image ({len(images)}), got {len(labels)}")
    wrong = np.flatnonzero(labels != predictions)
    title = title or f"{len(wrong)} of {len(labels)} misclassified"
    if not len(wrong):
        fig, axes = _figure(1, 1, (4, 1))
        axes[0, 0].set_axis_off()
        axes[0, 0].text(0.5, 0.5, "no mistakes", ha="center", va="center")
        fig.suptitle(title)
        return fig
    return plot_image_grid(np.asarray(images)[wrong], labels[wrong], predictions[wrong], class_names=class_names,
                           ncols=ncols, max_images=max_images, title=title)


def plot_confusion_matrix(y_true, y_pred, *, class_names=None, normalize=False, ax=None, cmap="Blues"):
    """Draw the confusion matrix: rows are true classes, columns predicted ones, counts in the cells.

    Introduced in ``08_evaluating_models``.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (n,)
        True and predicted class numbers.
    class_names : sequence of str, optional
        Names for the classes (also fixes how many there are).
    normalize : bool, default False
        Show each row as fractions of that true class (the diagonal is then per-class recall).
    ax : matplotlib Axes, optional
    cmap : str, default "Blues"

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_confusion_matrix([0, 0, 1, 1], [0, 1, 1, 1])
    >>> [text.get_text() for text in ax.texts]
    ['1', '1', '0', '2']
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1 or not len(y_true):
        raise ValueError(f"y_true and y_pred must be non-empty 1-D arrays of the same length, got {y_true.shape} and {y_pred.shape}")
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        if not np.issubdtype(values.dtype, np.integer) or values.min() < 0:
            raise ValueError(f"{name} must hold class numbers 0, 1, 2, ... (got dtype {values.dtype}); "
                             "turn probabilities into labels first, e.g. probabilities.argmax(axis=1)")
    n_classes = len(class_names) if class_names is not None else int(max(y_true.max(), y_pred.max())) + 1
    if max(y_true.max(), y_pred.max()) >= n_classes:
        raise ValueError(f"labels reach {max(y_true.max(), y_pred.max())} but only {n_classes} class names were given")
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    shown = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1) if normalize else matrix
    ax = _new_axes(ax, figsize=(1.2 + 0.55 * n_classes, 1 + 0.5 * n_classes))
    image = ax.imshow(shown, cmap=cmap, vmin=0, vmax=1 if normalize else None)
    threshold = shown.max() / 2
    for (row, col), value in np.ndenumerate(shown):
        text = f"{value:.2f}" if normalize else f"{value:d}"
        ax.text(col, row, text, ha="center", va="center", fontsize="small",
                color="white" if value > threshold else "black")
    names = [str(n) for n in class_names] if class_names is not None else [str(k) for k in range(n_classes)]
    ax.set(xticks=range(n_classes), yticks=range(n_classes), xticklabels=names, yticklabels=names,
           xlabel="predicted", ylabel="true", title="confusion matrix" + (" (rows sum to 1)" if normalize else ""))
    ax.figure.colorbar(image, ax=ax, shrink=0.8)
    return ax


def _unit_range(values):
    low, high = values.min(), values.max()
    return (values - low) / (high - low) if high > low else np.zeros_like(values)


def plot_filters(kernels, *, ncols=8, max_filters=32, title=None):
    """Show the kernels of a convolution layer, one small image per filter (``07_first_cnns``).

    Parameters
    ----------
    kernels : array_like, shape (height, width, in_channels, n_filters)
        E.g. ``conv_layer.get_weights()[0]`` of a Keras ``Conv2D``. With 3 input channels each filter is
        shown in colour (rescaled to [0, 1]); otherwise its first input channel, blue negative to red positive.
    ncols, max_filters : int
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_filters(np.random.default_rng(0).normal(size=(3, 3, 1, 6)))
    >>> sum(1 for ax in fig.axes if ax.images)
    6
    """
    kernels = np.asarray(kernels, dtype=float)
    if kernels.ndim != 4:
        raise ValueError(f"kernels must have shape (height, width, in_channels, n_filters), got {kernels.shape}; "
                         "for a Keras Conv2D layer use layer.get_weights()[0]")
    n = min(kernels.shape[-1], max_filters)
    fig, axes = _panel_grid(n, ncols, (1.1, 1.2), title)
    limit = np.abs(kernels).max() or 1.0
    for index, ax in enumerate(axes):
        kernel = kernels[..., index]
        if kernels.shape[2] == 3:
            ax.imshow(_unit_range(kernel))
        else:
            ax.imshow(kernel[..., 0], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(str(index), fontsize="x-small")
    return fig


def plot_feature_maps(maps, *, ncols=8, max_maps=32, title=None, cmap="viridis"):
    """Show what each filter of a layer produced for one image: one panel per channel (``07_first_cnns``).

    Parameters
    ----------
    maps : array_like, shape (height, width, channels) or (1, height, width, channels)
        A layer's output for a single image, e.g. from a Keras model that ends at that layer.
    ncols, max_maps : int
    title : str, optional
    cmap : str, default "viridis"

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_feature_maps(np.zeros((1, 6, 6, 4)))
    >>> sum(1 for ax in fig.axes if ax.images)
    4
    """
    maps = np.asarray(maps, dtype=float)
    if maps.ndim == 4 and maps.shape[0] == 1:
        maps = maps[0]
    if maps.ndim != 3:
        raise ValueError(f"maps must be one image's layer output, (height, width, channels) or "
                         f"(1, height, width, channels), got shape {maps.shape}")
    n = min(maps.shape[-1], max_maps)
    fig, axes = _panel_grid(n, ncols, (1.3, 1.35), title)
    for index, ax in enumerate(axes):
        ax.imshow(maps[..., index], cmap=cmap)
        ax.set_title(str(index), fontsize="x-small")
    return fig
