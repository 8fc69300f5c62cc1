"""The course's best digits model, lesson 13's recipe: five regularized CNNs, soft voting.

Member ``i`` of base seed ``b`` starts from the seed ``10 * b + i``, trained exactly as in the lesson, so base
seed 0 is the lesson's ensemble and the other base seeds give the spread.
"""

import numpy as np

MEMBERS, EPOCHS, BATCH, WIDTH, DROPOUT, LEARNING_RATE = 5, 15, 64, 32, 0.3, 0.003


def build_member(seed, steps_per_epoch):
    from course_lib.env import import_keras

    keras, _ = import_keras()
    layers = keras.layers
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(WIDTH, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(2 * WIDTH, 3, padding="same", activation="relu"),
        layers.Conv2D(2 * WIDTH, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dropout(DROPOUT), layers.Dense(128, activation="relu"), layers.Dropout(DROPOUT),
        layers.Dense(10, activation="softmax")])
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, decay_steps=EPOCHS * steps_per_epoch)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule), loss="sparse_categorical_crossentropy",
                  steps_per_execution=steps_per_epoch)
    return model


def predict_best(x_train, y_train, x_test, seed):
    """Train ``MEMBERS`` CNNs (seeds ``10 * seed + i``) and average their probabilities (soft voting).

    As in the lesson, one compiled ``trainer`` trains every member in turn (fresh starting weights, a reset
    optimizer), so TensorFlow traces the training step once instead of once per member.
    """
    from course_lib.env import import_keras

    keras, _ = import_keras()  # quietly: a plain `import keras` here would print TensorFlow's start-up lines
    steps_per_epoch = int(np.ceil(len(x_train) / BATCH))
    trainer = build_member(10 * seed, steps_per_epoch)
    probabilities = 0
    for member in range(MEMBERS):
        trainer.set_weights(build_member(10 * seed + member, steps_per_epoch).get_weights())
        for variable in trainer.optimizer.variables:
            variable.assign(keras.ops.zeros_like(variable))
        trainer.fit(x_train, y_train, epochs=EPOCHS, batch_size=BATCH, verbose=0)
        probabilities = probabilities + np.asarray(trainer(x_test, training=False))
    return np.argmax(probabilities, axis=1)
