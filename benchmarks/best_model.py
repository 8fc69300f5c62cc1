"""The course's best digits model (lesson 13's recipe): an ensemble of small regularized CNNs, soft voting."""

import numpy as np

MEMBERS, EPOCHS, BATCH, WIDTH = 5, 15, 64, 32


def build_member(seed, steps):
    from course_lib.env import import_keras

    keras, _ = import_keras()
    layers = keras.layers
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(WIDTH, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(2 * WIDTH, 3, padding="same", activation="relu"),
        layers.Conv2D(2 * WIDTH, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dropout(0.5), layers.Dense(128, activation="relu"), layers.Dropout(0.5),
        layers.Dense(10, activation="softmax")])
    schedule = keras.optimizers.schedules.CosineDecay(0.003, steps)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule), loss="sparse_categorical_crossentropy")
    return model


def predict_best(x_train, y_train, x_test, seed):
    """Train ``MEMBERS`` CNNs from different seeds and average their probabilities (soft voting)."""
    steps = EPOCHS * int(np.ceil(len(x_train) / BATCH))
    probabilities = 0
    for member in range(MEMBERS):
        model = build_member(1000 * seed + member, steps)
        model.fit(x_train, y_train, epochs=EPOCHS, batch_size=BATCH, verbose=0)
        probabilities = probabilities + model.predict(x_test, verbose=0)
    return np.argmax(probabilities, axis=1)
