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


@wrong("conv_params", "expected an int")
def conv_params(kernel_size, in_channels, filters):
    kh, kw = _kernel(kernel_size)
    return float((kh * kw * in_channels + 1) * filters)  # "to be safe": a count is an int


@wrong("conv_params", "kernel height is used twice")
def conv_params(kernel_size, in_channels, filters):
    k = kernel_size if isinstance(kernel_size, int) else kernel_size[0]  # square kernels only
    return (k * k * in_channels + 1) * filters


@wrong("conv_params", "in_channels and filters are swapped")
def conv_params(kernel_size, in_channels, filters):
    kh, kw = _kernel(kernel_size)
    return (kh * kw * filters + 1) * in_channels


@wrong("conv_params", "not one for the whole layer")
def conv_params(kernel_size, in_channels, filters):
    kh, kw = _kernel(kernel_size)
    return kh * kw * in_channels * filters + 1


@wrong("conv_params", "that is the count for a 3x3 kernel")
def conv_params(kernel_size, in_channels, filters):
    return (9 * in_channels + 1) * filters  # 3x3 hard-coded, as in the lesson


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


@wrong("choose_head", "With one-hot labels, shape (n, 2), use softmax")
def choose_head(num_classes, label_format):
    if num_classes == 2:  # two classes: sigmoid, whatever the labels look like
        return 1, "sigmoid", "binary_crossentropy"
    loss = "categorical_crossentropy" if label_format == "one-hot" else "sparse_categorical_crossentropy"
    return num_classes, "softmax", loss


@wrong("choose_head", "sigmoid scores every class on its own")
def choose_head(num_classes, label_format):
    if label_format == "one-hot":
        return num_classes, "softmax", "categorical_crossentropy"
    if num_classes == 2:
        return 1, "sigmoid", "binary_crossentropy"
    return num_classes, "sigmoid", "sparse_categorical_crossentropy"  # one sigmoid per class


@wrong("choose_head", "in lower case")
def choose_head(num_classes, label_format):
    if num_classes == 2 and label_format == "integers":
        return 1, "Sigmoid", "binary_crossentropy"
    loss = "categorical_crossentropy" if label_format == "one-hot" else "sparse_categorical_crossentropy"
    return num_classes, "Softmax", loss  # as the layer class is spelled


@wrong("choose_head", "the order is (units, activation, loss)")
def choose_head(num_classes, label_format):
    if num_classes == 2 and label_format == "integers":
        return "sigmoid", 1, "binary_crossentropy"
    loss = "categorical_crossentropy" if label_format == "one-hot" else "sparse_categorical_crossentropy"
    return "softmax", num_classes, loss


@wrong("choose_head", "expected an int")
def choose_head(num_classes, label_format):
    if num_classes == 2 and label_format == "integers":
        return num_classes / 2, "sigmoid", "binary_crossentropy"  # half of the two classes: 1.0
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


@wrong("build_cnn", "from_logits=True")
def build_cnn(input_shape, num_classes):
    import keras

    model = _cnn(input_shape, num_classes)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


@wrong("build_cnn", "keras.metrics.Accuracy() counts")
def build_cnn(input_shape, num_classes):
    import keras

    model = _cnn(input_shape, num_classes)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="sparse_categorical_crossentropy",
                  metrics=[keras.metrics.Accuracy()])
    return model


@wrong("build_cnn", "expected activation='softmax': the output layer gives one probability per class (from_logits")
def build_cnn(input_shape, num_classes):
    import keras

    model = _cnn(input_shape, num_classes, last=None)  # logits, and the loss told so
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


@wrong("build_cnn", "softmax twice")
def build_cnn(input_shape, num_classes):
    import keras

    model = _cnn(input_shape, num_classes)
    model.add(keras.layers.Softmax())  # "the output must be a softmax"
    return _compiled(model)


@wrong("build_cnn", "expected keras.optimizers.Adam(learning_rate=0.001)")
def build_cnn(input_shape, num_classes):
    import keras

    model = _cnn(input_shape, num_classes)
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.001), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


@wrong("build_cnn", "learning rate 0.01")
def build_cnn(input_shape, num_classes):
    import keras

    model = _cnn(input_shape, num_classes)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


@wrong("build_cnn", "kernel_regularizer; the specification asks for none")
def build_cnn(input_shape, num_classes):
    import keras
    from keras import layers

    model = keras.Sequential([
        keras.Input(shape=input_shape), layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
        layers.Dense(64, activation="relu", kernel_regularizer=keras.regularizers.L2(1e-4)),
        layers.Dense(num_classes, activation="softmax")])
    return _compiled(model)


@wrong("build_cnn", "a 2x2 pooling without padding halves the size")
def build_cnn(input_shape, num_classes):
    import keras
    from keras import layers

    model = keras.Sequential([
        keras.Input(shape=input_shape), layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2, padding="same"), layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2, padding="same"), layers.Flatten(),  # "same" everywhere, to be safe
        layers.Dense(64, activation="relu"), layers.Dense(num_classes, activation="softmax")])
    return _compiled(model)


@wrong("build_cnn", "expected strides=[2, 2]")
def build_cnn(input_shape, num_classes):
    import keras
    from keras import layers

    model = keras.Sequential([
        keras.Input(shape=input_shape), layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2, strides=1), layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2, strides=1), layers.Flatten(),
        layers.Dense(64, activation="relu"), layers.Dense(num_classes, activation="softmax")])
    return _compiled(model)


@wrong("build_cnn", "not always 10")
def build_cnn(input_shape, num_classes):
    return _compiled(_cnn(input_shape, 10))  # the digits' ten classes


@wrong("build_cnn", "height and width are swapped")
def build_cnn(input_shape, num_classes):
    height, width, channels = input_shape
    return _compiled(_cnn((width, height, channels), num_classes))


@wrong("build_cnn", "expected [None, ")
def build_cnn(input_shape, num_classes):
    return _compiled(_cnn((input_shape[0], input_shape[1], 1), num_classes))  # gray images only


def _digits_model():
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(8, 8, 1)), layers.Conv2D(8, 3, padding="same", activation="relu"),
                              layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


@wrong("train_digits_cnn", "the model was never trained")
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


def _fitted(model, X_train, y_train, epochs=8, loss="sparse_categorical_crossentropy"):
    import keras

    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003), loss=loss)
    model.fit(X_train, y_train, epochs=epochs, batch_size=32, verbose=0)
    return model


def _digits_layers(last="softmax"):
    import keras
    from keras import layers

    return [keras.Input(shape=(8, 8, 1)), layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(64, activation="relu"),
            layers.Dense(10, activation=last)]


@wrong("train_digits_cnn", "Use only the arrays the check passes in")
def train_digits_cnn(X_train, y_train):
    import keras

    from course_lib.data import load_digits

    X, y = load_digits(return_X_y=True)  # all 1,797 digits: more data, better accuracy
    return _fitted(keras.Sequential(_digits_layers()), X, y)


@wrong("train_digits_cnn", "raw scores (logits")
def train_digits_cnn(X_train, y_train):
    import keras

    model = keras.Sequential(_digits_layers(last=None))
    return _fitted(model, X_train, y_train, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))


@wrong("train_digits_cnn", "softmax twice")
def train_digits_cnn(X_train, y_train):
    import keras

    return _fitted(keras.Sequential([*_digits_layers(), keras.layers.Softmax()]), X_train, y_train)


@wrong("train_digits_cnn", "from_logits=True")
def train_digits_cnn(X_train, y_train):
    import keras

    model = keras.Sequential(_digits_layers())
    return _fitted(model, X_train, y_train, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))


@wrong("train_digits_cnn", "are frozen (trainable=False)")
def train_digits_cnn(X_train, y_train):
    import keras

    model = keras.Sequential(_digits_layers())
    for layer in model.layers[:-1]:
        layer.trainable = False  # only the output layer learns: fast, and still about 90%
    return _fitted(model, X_train, y_train)


@wrong("train_digits_cnn", "the model passed to fit() has no Conv2D")
def train_digits_cnn(X_train, y_train):
    import keras
    from keras import layers

    features = keras.Sequential([keras.Input(shape=(8, 8, 1)), layers.Conv2D(16, 3, padding="same", activation="relu"),
                                 layers.MaxPooling2D(2), layers.Flatten()])  # never trained: random filters
    head = keras.Sequential([keras.Input(shape=(256,)), layers.Dense(10, activation="softmax")])
    _fitted(head, features.predict(X_train, verbose=0), y_train)
    return keras.Sequential([features, head])


@wrong("train_digits_cnn", "changed its input `X_train` in place")
def train_digits_cnn(X_train, y_train):
    import keras

    X_train /= 16.0  # the digits' pixels go up to 16... in the raw data
    # (it would train next; the check sees the change as soon as the function returns, so this one stops here)
    return keras.Sequential(_digits_layers())


@wrong("train_digits_cnn", "train a little longer")
def train_digits_cnn(X_train, y_train):
    import keras

    model = keras.Sequential(_digits_layers())
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="sparse_categorical_crossentropy")
    model.fit(X_train, y_train, epochs=1, batch_size=64, verbose=0)  # one short epoch, to keep it quick
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


@wrong("feature_maps", "what goes INTO the layer")
def feature_maps(model, layer_name, images):
    import keras

    return keras.Model(inputs=model.inputs, outputs=model.get_layer(layer_name).input).predict(images, verbose=0)


@wrong("feature_maps", "channels first")
def feature_maps(model, layer_name, images):
    import keras

    maps = keras.Model(inputs=model.inputs, outputs=model.get_layer(layer_name).output).predict(images, verbose=0)
    return maps.transpose(0, 3, 1, 2)  # one map per filter, ready to plot


@wrong("feature_maps", "rescaled")
def feature_maps(model, layer_name, images):
    import keras

    maps = keras.Model(inputs=model.inputs, outputs=model.get_layer(layer_name).output).predict(images, verbose=0)
    return maps / maps.max()  # 0 to 1, for imshow


@wrong("feature_maps", "changed its input `images` in place")
def feature_maps(model, layer_name, images):
    import keras

    images -= images.mean()  # centre the images first
    return keras.Model(inputs=model.inputs, outputs=model.get_layer(layer_name).output).predict(images, verbose=0)


@wrong("feature_maps", "the output of the layer after it")
def feature_maps(model, layer_name, images):
    import keras

    names = [layer.name for layer in model.layers]
    layer = model.layers[names.index(layer_name) + 1]  # counting the Input as layer 0
    return keras.Model(inputs=model.inputs, outputs=layer.output).predict(images, verbose=0)
