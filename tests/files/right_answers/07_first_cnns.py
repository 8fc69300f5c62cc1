"""Correct answers to exercises/07_first_cnns.ipynb written differently from the solutions: each must pass.

``tests/corpus.py`` runs this file with ``right`` defined: ``@right(task)`` registers a function as a correct
answer to ``task``.
"""

import numpy as np


@right("conv_params")
def conv_params(kernel_size, in_channels, filters):
    kernel = np.broadcast_to(kernel_size, (2,))  # an int becomes (k, k)
    return (np.prod(kernel) * in_channels + 1) * filters  # a NumPy int is an int


@right("conv_params")
def conv_params(kernel_size, in_channels, filters):
    import keras

    layer = keras.layers.Conv2D(filters, kernel_size)  # let Keras count (only the value is graded)
    layer.build((None, None, None, in_channels))
    return layer.count_params()


@right("choose_head")
def choose_head(num_classes, label_format):
    if label_format == "one-hot":
        return (num_classes, "softmax", "categorical_crossentropy")
    # two softmax units also work for two classes; the text accepts them
    return (num_classes, "softmax", "sparse_categorical_crossentropy")


@right("choose_head")
def choose_head(num_classes, label_format):
    if num_classes == 2 and label_format == "integers":
        return 1, "sigmoid", "BinaryCrossentropy"  # Keras accepts its loss classes' names too
    if label_format == "one-hot":
        return num_classes, "softmax", "CategoricalCrossentropy"
    return np.int64(num_classes), "softmax", "SparseCategoricalCrossentropy"


def _compile(model, **settings):
    import keras

    model.compile(**{"optimizer": keras.optimizers.Adam(learning_rate=0.001),
                     "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"], **settings})
    return model


@right("build_cnn")
def build_cnn(input_shape, num_classes):
    import keras
    from keras import layers

    inputs = keras.Input(shape=input_shape)  # the functional API, activations as layers of their own
    x = layers.Conv2D(16, (3, 3), padding="same")(inputs)
    x = layers.ReLU()(x)
    x = layers.MaxPooling2D(pool_size=(2, 2))(x)
    x = layers.Conv2D(32, (3, 3), padding="valid")(x)
    x = layers.Activation("relu")(x)
    x = layers.MaxPooling2D((2, 2))(x)
    x = layers.Flatten()(x)
    x = layers.Dense(64, activation="relu")(x)
    x = layers.Dense(num_classes)(x)
    outputs = layers.Softmax()(x)  # "a softmax output"
    return _compile(keras.Model(inputs, outputs))


@right("build_cnn")
def build_cnn(input_shape, num_classes):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=input_shape)])
    for filters, padding in ((16, "same"), (32, "valid")):
        model.add(layers.Conv2D(filters, kernel_size=3, padding=padding, activation="relu"))
        model.add(layers.MaxPooling2D())
    model.add(layers.Flatten())
    model.add(layers.Dense(64, activation="relu"))
    model.add(layers.Dense(num_classes, activation="softmax"))
    return _compile(model, optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(),
                    metrics=[keras.metrics.SparseCategoricalAccuracy()])


@right("train_digits_cnn")
def train_digits_cnn(X_train, y_train):
    import keras
    from keras import layers

    inputs = keras.Input(shape=X_train.shape[1:])
    x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Softmax()(layers.Dense(10)(x))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    y_one_hot = keras.utils.to_categorical(y_train, 10)  # one-hot labels, with the loss that fits them
    model.fit(X_train, y_one_hot, epochs=8, batch_size=32, validation_split=0.1, verbose=0)
    return model


@right("feature_maps")
def feature_maps(model, layer_name, images):
    import keras

    extractor = keras.Model(model.inputs, model.get_layer(layer_name).output)
    return extractor(images)  # a tensor: the same numbers as predict


@right("feature_maps")
def feature_maps(model, layer_name, images):
    x = images
    for layer in model.layers:  # run the layers one by one until the named one
        x = layer(x)
        if layer.name == layer_name:
            return np.asarray(x)
    raise ValueError(f"no layer {layer_name!r}")
