"""Training many small Keras models quickly: the performance plumbing the lessons keep out of sight.

For networks as small as the course's, most of a ``fit`` call goes into TensorFlow *tracing* the training
step into a graph, not into the arithmetic, and every new model pays that again. Lessons 09 and 13 train the
same architecture from many seeds; :func:`fit_seeds` traces once and gives each seed the very training it
would get on its own. :func:`prepare_to_fit` makes a new model's first ``fit`` trace its training step once
instead of twice. :func:`reset_optimizer` lets a trained model start again without being traced again.
:func:`skip_graph_optimizer` switches off TensorFlow's graph optimizer, which costs more than it saves for
networks this small.

The lessons show plain Keras (``build(seed)``, ``compile``, ``fit``); these functions only make the same
thing faster, and the docstrings say exactly how.
"""

from __future__ import annotations

__all__ = ["fit_seeds", "prepare_to_fit", "reset_optimizer", "skip_graph_optimizer"]


def skip_graph_optimizer() -> None:
    """Switch off TensorFlow's graph optimizer (Grappler) for the rest of the session.

    Grappler rewrites each traced graph before it runs. For the course's small networks, which are traced
    many times and run briefly, that rewriting costs more than it saves (lesson 09 runs noticeably faster
    without it). Leave it on for real-sized networks. Lesson 09 calls this in its Setup cell.

    Examples
    --------
    >>> from course_lib.training import skip_graph_optimizer
    >>> skip_graph_optimizer()  # doctest: +SKIP
    """
    from .env import import_keras

    _, tf = import_keras()
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})


def prepare_to_fit(model, x, y) -> None:
    """Create a compiled model's training variables now, so that its first ``fit`` traces the step once.

    With the TensorFlow back end, Keras creates the optimizer's variables (Adam's running averages, its step
    counter) and the loss and metric trackers' inside the first trace of the training step. A traced function
    that creates variables is traced a second time without creating them, so every new model pays for
    tracing twice. Calling this first creates them outside: the optimizer is built for the trainable weights,
    and the compiled loss and metrics are computed once on the first example (with ``training=False``, so no
    dropout mask is drawn and no batch-normalization statistic moves), then reset. Nothing about the
    training changes: the same weights come out, bit for bit; only the second trace is saved (about a third
    of a first epoch for the course's networks).

    Parameters
    ----------
    model : keras.Model
        A compiled model.
    x, y : array-like or nested structure of arrays
        Training data in the form ``fit`` takes it (only the first example is used).

    Examples
    --------
    Lesson 14 prepares each of its models this way (not run here: it needs TensorFlow)::

        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        prepare_to_fit(model, X_train, y_train)
        model.fit(X_train, y_train, epochs=5)  # traced once
    """
    from .env import import_keras

    keras, _ = import_keras()
    if getattr(model, "optimizer", None) is None:
        raise ValueError(f"model {getattr(model, 'name', model)!r} is not compiled: "
                         "call compile() before prepare_to_fit")
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    x_first = keras.tree.map_structure(lambda array: array[:1], x)
    y_first = keras.tree.map_structure(lambda array: array[:1], y)
    y_pred = model(x_first, training=False)
    model.compute_loss(x=x_first, y=y_first, y_pred=y_pred)
    model.compute_metrics(x_first, y_first, y_pred, sample_weight=None)
    model.reset_metrics()


def reset_optimizer(optimizer) -> None:
    """Put a built optimizer back where it stood before its first step, keeping its learning rate.

    The step counter and every running average (Adam's first and second moments, SGD's momentum) go back to
    zero, so that the next ``fit`` of the same model trains as a freshly compiled one would, but without tracing
    its training step again. A constant learning rate is an optimizer variable too and is kept (assign
    ``optimizer.learning_rate`` afterwards to change it); a schedule depends only on the step counter, so it
    starts again from its first step. :func:`fit_seeds` and lesson 14's ``train_again`` use it.

    Parameters
    ----------
    optimizer : keras.optimizers.Optimizer
        A built optimizer: one that has trained, or a compiled model's after :func:`prepare_to_fit`.

    Raises
    ------
    ValueError
        If the optimizer is not built yet (it has nothing to reset).

    Examples
    --------
    Lesson 14 trains the same networks again at another learning rate (not run here: it needs TensorFlow)::

        model.set_weights(starting_weights)
        reset_optimizer(model.optimizer)
        model.optimizer.learning_rate = 0.003
        model.fit(X_train, y_train, epochs=6)  # the traced step is reused
    """
    from .env import import_keras

    keras, _ = import_keras()
    if not optimizer.built:
        raise ValueError(f"optimizer {optimizer.name!r} is not built: it has no state to reset yet "
                         "(train the model once, or call prepare_to_fit)")
    learning_rate = getattr(optimizer, "_learning_rate", None)
    for variable in optimizer.variables:
        if variable is not learning_rate:
            variable.assign(keras.ops.zeros_like(variable))


def _check_arguments(seeds, steps_per_execution):
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds is empty: expected at least one seed, e.g. seeds=[0, 1, 2]")
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seeds must be whole numbers, got {seed!r} of type {type(seed).__name__}")
    if steps_per_execution is not None and (isinstance(steps_per_execution, bool)
                                            or not isinstance(steps_per_execution, int) or steps_per_execution < 1):
        raise ValueError(f"steps_per_execution must be a whole number >= 1 or None, got {steps_per_execution!r}")
    return seeds


def fit_seeds(build, seeds, x, y, *, trainer=None, steps_per_execution=None, **fit_kwargs):
    """Train ``build(seed)`` for every seed, exactly as separate ``fit`` calls would, tracing only once.

    The plain way is ``model = build(seed); history = model.fit(x, y, **fit_kwargs)`` for each seed, and
    TensorFlow traces the training step again for every new model. Here the first seed's model becomes the
    *trainer*: for every seed, the freshly built model's variables (its starting weights and the state of
    its dropout layers' random streams) are copied into the trainer, the trainer's optimizer is reset (step
    counter and running averages back to zero, its learning rate kept), the trainer is fitted, and its
    trained variables are copied back into that seed's model. Because ``build(seed)`` is called right before
    each fit, the data are shuffled in the same order as well: each model ends with the weights a separate
    ``fit`` gives it (bit for bit on the CPU), in a fraction of the time.

    Parameters
    ----------
    build : callable
        ``build(seed)`` returns a Keras model; every seed must give the same architecture. Without
        ``trainer``, the first seed's model is compiled with its optimizer and loss and does the training
        for all (so ``build`` must compile it). It should call ``keras.utils.set_random_seed(seed)`` itself
        (the lessons' builders do); if it does not, the seed is set before calling it.
    seeds : iterable of int
        One model per seed, in this order.
    x, y : array-like
        Training data, passed to ``fit``.
    trainer : keras.Model, optional
        A compiled model of the same architecture that has already been trained once (so its training step
        is traced already), e.g. the one-seed run a lesson made before: it does the training, and its own
        variables are put back afterwards (its optimizer's state is not).
    steps_per_execution : int, optional
        Run this many batches per graph call (``compile``'s option of that name), set on the trainer only:
        less Python overhead per batch for small networks. Not with ``trainer``, whose step is traced already.
    **fit_kwargs
        Passed to every ``fit`` call (``epochs``, ``batch_size``, ``validation_data``, ``callbacks``...).
        ``verbose`` defaults to 0.

    Returns
    -------
    models : list of keras.Model
        The trained models, one per seed, each a separate object.
    histories : list of dict
        Each model's ``History.history``, as ``fit`` returns it.

    Raises
    ------
    ValueError
        If ``seeds`` is empty, ``steps_per_execution`` is not a whole number >= 1, or a seed's model does not
        have the same variables as the first one.
    TypeError
        If a seed is not a whole number.

    Examples
    --------
    Lesson 13 trains its ensemble's members this way (not run here: it needs TensorFlow)::

        members, histories = fit_seeds(build_member, [0, 1, 2], X_train, y_train, epochs=15, batch_size=64)
        len(members)  # 3 trained models, as three separate fits would give
    """
    seeds = _check_arguments(seeds, steps_per_execution)
    if trainer is not None and steps_per_execution is not None:
        raise ValueError("steps_per_execution cannot be changed on a given trainer: its training step is traced "
                         "already; pass one or the other")
    from .env import import_keras

    keras, _ = import_keras()
    fit_kwargs.setdefault("verbose", 0)

    def fresh(seed):
        keras.utils.set_random_seed(seed)  # the builder normally does this again itself
        return build(seed)

    kept = None if trainer is None else [variable.numpy() for variable in trainer.variables]
    models, histories = [], []
    for seed in seeds:
        model = fresh(seed)
        if trainer is None:
            trainer = fresh(seeds[0])  # a model of its own: `model` must keep its own variables
            if steps_per_execution is not None:
                trainer.steps_per_execution = steps_per_execution
        if not trainer.optimizer.built:  # its variables come with the first fit; made now, so they can be reset
            prepare_to_fit(trainer, x, y)  # and the step is traced once, not twice
        if len(model.variables) != len(trainer.variables) or any(
                tuple(a.shape) != tuple(b.shape) for a, b in zip(model.variables, trainer.variables)):
            raise ValueError(f"build({seed}) gave a model whose variables differ from build({seeds[0]})'s: "
                             "fit_seeds needs the same architecture for every seed")
        # Starting weights, batch-normalization statistics and the dropout layers' seed-generator states.
        for target, source in zip(trainer.variables, model.variables):
            target.assign(source)
        reset_optimizer(trainer.optimizer)  # a fresh optimizer: step 0, no running averages
        history = trainer.fit(x, y, **fit_kwargs)
        for target, source in zip(model.variables, trainer.variables):
            target.assign(source)
        models.append(model)
        histories.append(history.history)
    if kept is not None:  # the given trainer gets its own weights back
        for variable, value in zip(trainer.variables, kept):
            variable.assign(value)
    return models, histories
