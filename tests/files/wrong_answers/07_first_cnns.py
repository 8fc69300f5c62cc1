"""Typical wrong answers to exercises/07_first_cnns.ipynb, each with the hint its check must give.

``tests/test_exercises.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a
function as a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""


def _kernel(kernel_size):
    return (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size


@wrong("conv_params", "biases are missing")
def conv_params(kernel_size, in_channels, filters):
    kh, kw = _kernel(kernel_size)
    return kh * kw * in_channels * filters


@wrong("conv_params", "input channels are missing")
def conv_params(kernel_size, in_channels, filters):
    kh, kw = _kernel(kernel_size)
    return (kh * kw + 1) * filters


@wrong("choose_head", "the sparse loss expects integer labels")
def choose_head(num_classes, label_format):
    return num_classes, "softmax", "sparse_categorical_crossentropy"  # ignores the label format


@wrong("choose_head", "expects one-hot rows")
def choose_head(num_classes, label_format):
    if num_classes == 2 and label_format == "integers":
        return 1, "sigmoid", "binary_crossentropy"
    return num_classes, "softmax", "categorical_crossentropy"


@wrong("choose_head", "ONE unit")
def choose_head(num_classes, label_format):
    if num_classes == 2 and label_format == "integers":
        return 2, "sigmoid", "binary_crossentropy"
    loss = "categorical_crossentropy" if label_format == "one-hot" else "sparse_categorical_crossentropy"
    return num_classes, "softmax", loss


def _cnn(input_shape, num_classes, *, padding="same", last="softmax", flatten=True):
    import keras
    from keras import layers

    return keras.Sequential(
        [keras.Input(shape=input_shape), layers.Conv2D(16, 3, padding=padding, activation="relu"),
         layers.MaxPooling2D(2), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2)]
        + ([layers.Flatten()] if flatten else [])
        + [layers.Dense(64, activation="relu"), layers.Dense(num_classes, activation=last)])


def _compiled(model, loss="sparse_categorical_crossentropy"):
    import keras

    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss=loss, metrics=["accuracy"])
    return model


@wrong("build_cnn", "expected padding='same'")
def build_cnn(input_shape, num_classes):
    return _compiled(_cnn(input_shape, num_classes, padding="valid"))


@wrong("build_cnn", "the labels are integers")
def build_cnn(input_shape, num_classes):
    return _compiled(_cnn(input_shape, num_classes), loss="categorical_crossentropy")


@wrong("build_cnn", "one probability per class")
def build_cnn(input_shape, num_classes):
    return _compiled(_cnn(input_shape, num_classes, last="sigmoid"))


@wrong("build_cnn", "Layer 5 is Dense, expected Flatten")
def build_cnn(input_shape, num_classes):
    return _compiled(_cnn(input_shape, num_classes, flatten=False))


@wrong("build_cnn", "metrics=['accuracy']")
def build_cnn(input_shape, num_classes):
    import keras

    model = _cnn(input_shape, num_classes)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="sparse_categorical_crossentropy")
    return model


@wrong("build_cnn", "not compiled")
def build_cnn(input_shape, num_classes):
    return _cnn(input_shape, num_classes)


def _digits_model():
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(8, 8, 1)), layers.Conv2D(8, 3, padding="same", activation="relu"),
                              layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


@wrong("train_digits_cnn", "was the model trained")
def train_digits_cnn(X_train, y_train):
    return _digits_model()  # never fitted


@wrong("train_digits_cnn", "returned the History")
def train_digits_cnn(X_train, y_train):
    return _digits_model().fit(X_train, y_train, epochs=1, verbose=0)


@wrong("train_digits_cnn", "no Conv2D layer")
def train_digits_cnn(X_train, y_train):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(8, 8, 1)), layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


@wrong("feature_maps", "the model's predictions")
def feature_maps(model, layer_name, images):
    return model.predict(images, verbose=0)


@wrong("feature_maps", "use the layer named layer_name")
def feature_maps(model, layer_name, images):
    import keras

    return keras.Model(inputs=model.inputs, outputs=model.layers[0].output).predict(images, verbose=0)


@wrong("feature_maps", "the layer's weights")
def feature_maps(model, layer_name, images):
    return model.get_layer(layer_name).get_weights()[0]
