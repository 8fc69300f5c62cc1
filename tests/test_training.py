"""course_lib.training: fit_seeds gives every seed the weights a separate fit gives it, reset_optimizer lets a model
train again as if fresh, and both refuse bad input."""

import numpy as np
import pytest

from course_lib.training import fit_seeds, prepare_to_fit, reset_optimizer


@pytest.fixture(scope="module")
def keras():
    from course_lib.env import import_keras

    return import_keras()[0]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return rng.random((120, 6)).astype("float32"), rng.integers(0, 3, 120)


def make_builder(keras, units=8):
    def build(seed):
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(units),
                                  keras.layers.BatchNormalization(momentum=0.9), keras.layers.Activation("relu"),
                                  keras.layers.Dropout(0.5), keras.layers.Dense(3, activation="softmax")])
        # A constant learning rate is an optimizer variable: fit_seeds must not reset it with the others.
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy")
        return model
    return build


def separate_fits(build, seeds, x, y):
    weights = []
    for seed in seeds:
        model = build(seed)
        model.fit(x, y, epochs=2, batch_size=32, verbose=0)
        weights.append(model.get_weights())
    return weights


def assert_same_weights(expected, models):
    assert len(expected) == len(models)
    for weights, model in zip(expected, models):
        for want, got in zip(weights, model.get_weights()):
            np.testing.assert_array_equal(want, got)


def test_fit_seeds_gives_the_weights_of_separate_fits(keras, data):
    x, y = data
    build = make_builder(keras)
    expected = separate_fits(build, [3, 4, 5], x, y)
    models, histories = fit_seeds(build, [3, 4, 5], x, y, epochs=2, batch_size=32)
    assert_same_weights(expected, models)
    assert len({id(model) for model in models}) == 3
    assert [len(history["loss"]) for history in histories] == [2, 2, 2]


def test_fit_seeds_with_a_trained_trainer_gives_its_weights_back(keras, data):
    x, y = data
    build = make_builder(keras)
    trainer = build(0)
    trainer.fit(x, y, epochs=1, verbose=0)
    before = [variable.numpy().copy() for variable in trainer.variables]
    models, _ = fit_seeds(build, [4, 5], x, y, trainer=trainer, epochs=2, batch_size=32)
    assert_same_weights(separate_fits(build, [4, 5], x, y), models)
    for want, variable in zip(before, trainer.variables):
        np.testing.assert_array_equal(want, variable.numpy())


@pytest.mark.parametrize("seeds, kwargs, error, fragment", [
    ([], {}, ValueError, "seeds is empty"),
    ([1, 2.0], {}, TypeError, "whole numbers"),
    ([1, True], {}, TypeError, "whole numbers"),
    ([1], {"steps_per_execution": 0}, ValueError, "steps_per_execution"),
])
def test_fit_seeds_refuses_bad_arguments(keras, data, seeds, kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        fit_seeds(make_builder(keras), seeds, *data, **kwargs)


def test_fit_seeds_refuses_a_changing_architecture_and_steps_on_a_given_trainer(keras, data):
    build = make_builder(keras)
    with pytest.raises(ValueError, match="variables differ"):
        fit_seeds(lambda seed: make_builder(keras, units=8 + seed)(seed), [1, 2], *data, epochs=1)
    with pytest.raises(ValueError, match="traced already"):
        fit_seeds(build, [1], *data, trainer=build(0), steps_per_execution=2)


def test_prepare_to_fit_traces_the_training_step_once_and_changes_no_weight(keras, data):
    # Two outputs, each with its own loss (lesson 14's side-by-side networks): both the optimizer's and the
    # loss trackers' variables would otherwise be made in the first trace.
    x, y = data
    traces = []

    class Counting(keras.Model):
        def train_step(self, batch):
            traces.append(self.name)  # runs once per trace, never per batch
            return super().train_step(batch)

    def build(name):
        keras.utils.set_random_seed(4)
        inputs = keras.Input(shape=(6,))
        hidden = keras.layers.Dropout(0.5)(keras.layers.Dense(8, activation="relu")(inputs))
        hidden = keras.layers.BatchNormalization()(hidden)
        outputs = [keras.layers.Dense(3, activation="softmax")(hidden),
                   keras.layers.Dense(3, activation="softmax")(inputs)]
        model = Counting(inputs, outputs, name=name)
        model.compile(optimizer="adam", loss=["sparse_categorical_crossentropy"] * 2, metrics=[["accuracy"], []])
        return model

    plain = build("plain")
    plain.fit(x, [y, y], epochs=2, batch_size=32, verbose=0)
    prepared = build("prepared")
    prepare_to_fit(prepared, x, [y, y])
    prepared.fit(x, [y, y], epochs=2, batch_size=32, verbose=0)
    assert traces.count("plain") == 2 and traces.count("prepared") == 1
    for before, after in zip(plain.get_weights(), prepared.get_weights()):
        np.testing.assert_array_equal(before, after)


def test_prepare_to_fit_refuses_a_model_that_is_not_compiled(keras):
    model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="not compiled"):
        prepare_to_fit(model, np.zeros((2, 6)), np.zeros(2))


def test_reset_optimizer_lets_a_trained_model_train_again_as_if_fresh(keras, data):
    x, y = data
    model = make_builder(keras)(3)
    starting = [variable.numpy() for variable in model.variables]  # weights, BN statistics, dropout seed state

    def train_from_the_start():
        for variable, value in zip(model.variables, starting):
            variable.assign(value)
        keras.utils.set_random_seed(11)  # the same order of batches each time
        model.fit(x, y, epochs=2, batch_size=32, verbose=0)
        return model.get_weights()

    first = train_from_the_start()
    carried_over = train_from_the_start()  # Adam's step count and moments from the first run carried over
    assert any(not np.array_equal(a, b) for a, b in zip(first, carried_over))
    reset_optimizer(model.optimizer)
    assert int(model.optimizer.iterations) == 0
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)  # a constant rate is kept, not zeroed
    for want, got in zip(first, train_from_the_start()):
        np.testing.assert_array_equal(want, got)


def test_reset_optimizer_refuses_an_optimizer_that_is_not_built(keras):
    model = make_builder(keras)(0)
    with pytest.raises(ValueError, match="not built"):
        reset_optimizer(model.optimizer)
