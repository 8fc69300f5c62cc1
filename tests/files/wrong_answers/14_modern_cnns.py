"""Typical wrong answers to exercises/14_modern_cnns.ipynb, each with the hint its check must give.

``tests/test_exercises.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a
function as a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import layers


# --------------------------------------------------------------------------------------------------------
# count_dead_units


@wrong("count_dead_units", "zero for at least ONE input")
def count_dead_units(activations):
    per_unit = activations.reshape(-1, activations.shape[-1])
    return int(np.sum(np.any(per_unit == 0, axis=0)))


@wrong("count_dead_units", "counts the zero VALUES")
def count_dead_units(activations):
    return int(np.sum(activations == 0))


@wrong("count_dead_units", "tiny positive values")
def count_dead_units(activations):
    per_unit = activations.reshape(-1, activations.shape[-1])
    return int(np.sum(per_unit.max(axis=0) < 1e-3))


@wrong("count_dead_units", "counts the INPUTS")
def count_dead_units(activations):
    return int(np.sum(np.all(activations.reshape(len(activations), -1) == 0, axis=1)))


@wrong("count_dead_units", "a unit of a convolution layer is a CHANNEL")
def count_dead_units(activations):
    flat = activations.reshape(len(activations), -1)  # (n, h*w*c): every position its own unit
    return int(np.sum(np.all(flat == 0, axis=0)))


@wrong("count_dead_units", "a share")
def count_dead_units(activations):
    per_unit = activations.reshape(-1, activations.shape[-1])
    return float(np.mean(np.all(per_unit == 0, axis=0)))


# --------------------------------------------------------------------------------------------------------
# residual_block


@wrong("residual_block", "use_bias=False")
def residual_block(x, filters):
    shortcut = x
    if x.shape[-1] != filters:
        shortcut = layers.BatchNormalization()(layers.Conv2D(filters, 1, use_bias=False)(x))
    y = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same")(x)))
    y = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same")(y))
    return layers.ReLU()(layers.Add()([shortcut, y]))


@wrong("residual_block", "activation='relu'")
def residual_block(x, filters):
    shortcut = x
    if x.shape[-1] != filters:
        shortcut = layers.BatchNormalization()(layers.Conv2D(filters, 1, use_bias=False)(x))
    y = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False, activation="relu")(x))
    y = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(y))
    return layers.ReLU()(layers.Add()([shortcut, y]))


@wrong("residual_block", "the ReLU comes AFTER the addition")
def residual_block(x, filters):
    shortcut = x
    if x.shape[-1] != filters:
        shortcut = layers.BatchNormalization()(layers.Conv2D(filters, 1, use_bias=False)(x))
    y = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)))
    y = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)))
    return layers.Add()([shortcut, y])


@wrong("residual_block", "project the shortcut")
def residual_block(x, filters):
    y = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)))
    y = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(y))
    return layers.ReLU()(x + y)  # no projection: fails when the channels differ


@wrong("residual_block", "the shortcut is x itself")
def residual_block(x, filters):
    shortcut = layers.BatchNormalization()(layers.Conv2D(filters, 1, use_bias=False)(x))  # always projected
    y = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)))
    y = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(y))
    return layers.ReLU()(layers.Add()([shortcut, y]))


@wrong("residual_block", "padding='same'")
def residual_block(x, filters):
    shortcut = x
    if x.shape[-1] != filters:
        shortcut = layers.BatchNormalization()(layers.Conv2D(filters, 1, use_bias=False)(x))
    y = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(filters, 3, use_bias=False)(x)))
    y = layers.BatchNormalization()(layers.Conv2D(filters, 3, use_bias=False)(y))
    return layers.ReLU()(layers.Add()([shortcut, y]))


@wrong("residual_block", "never adds the shortcut")
def residual_block(x, filters):
    y = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)))
    y = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(y))
    return layers.ReLU()(y)


@wrong("residual_block", "does not start at the block's input x")
def residual_block(x, filters):
    first = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
    y = layers.ReLU()(layers.BatchNormalization()(first))
    y = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(y))
    return layers.ReLU()(layers.Add()([first, y]))  # the shortcut taken after the first convolution


@wrong("residual_block", "the 1x1 projection needs its BatchNormalization")
def residual_block(x, filters):
    shortcut = x if x.shape[-1] == filters else layers.Conv2D(filters, 1, use_bias=False)(x)
    y = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)))
    y = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(y))
    return layers.ReLU()(layers.Add()([shortcut, y]))


@wrong("residual_block", "the ReLU comes before the BN")
def residual_block(x, filters):
    shortcut = x
    if x.shape[-1] != filters:
        shortcut = layers.BatchNormalization()(layers.Conv2D(filters, 1, use_bias=False)(x))
    y = layers.BatchNormalization()(layers.ReLU()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)))
    y = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(y))
    return layers.ReLU()(layers.Add()([shortcut, y]))


# --------------------------------------------------------------------------------------------------------
# warmup_cosine


@wrong("warmup_cosine", "climbs again")
def warmup_cosine(steps, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    steps = np.asarray(steps, dtype=float)
    progress = (steps - warmup_steps) / (total_steps - warmup_steps)  # not clipped: past the end it goes on
    cosine = final_lr + (peak_lr - final_lr) * 0.5 * (1 + np.cos(np.pi * progress))
    return np.where(steps < warmup_steps, peak_lr * steps / max(warmup_steps, 1), cosine)


@wrong("warmup_cosine", "starts at the END of the warm-up")
def warmup_cosine(steps, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    steps = np.asarray(steps, dtype=float)
    progress = np.clip(steps / total_steps, 0, 1)
    cosine = final_lr + (peak_lr - final_lr) * 0.5 * (1 + np.cos(np.pi * progress))
    return np.where(steps < warmup_steps, peak_lr * steps / max(warmup_steps, 1), cosine)


@wrong("warmup_cosine", "one step ahead")
def warmup_cosine(steps, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    steps = np.asarray(steps, dtype=float)
    progress = np.clip((steps - warmup_steps) / (total_steps - warmup_steps), 0, 1)
    cosine = final_lr + (peak_lr - final_lr) * 0.5 * (1 + np.cos(np.pi * progress))
    return np.where(steps < warmup_steps, peak_lr * (steps + 1) / max(warmup_steps, 1), cosine)


@wrong("warmup_cosine", "final_lr is ignored")
def warmup_cosine(steps, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    steps = np.asarray(steps, dtype=float)
    progress = np.clip((steps - warmup_steps) / (total_steps - warmup_steps), 0, 1)
    return np.where(steps < warmup_steps, peak_lr * steps / max(warmup_steps, 1),
                    peak_lr * 0.5 * (1 + np.cos(np.pi * progress)))


@wrong("warmup_cosine", "(1 + cos(pi * p)) / 2")
def warmup_cosine(steps, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    steps = np.asarray(steps, dtype=float)
    progress = np.clip((steps - warmup_steps) / (total_steps - warmup_steps), 0, 1)
    return np.where(steps < warmup_steps, peak_lr * steps / max(warmup_steps, 1),
                    final_lr + (peak_lr - final_lr) * np.cos(np.pi * progress))


@wrong("warmup_cosine", "do not divide by warmup_steps")
def warmup_cosine(steps, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    steps = np.asarray(steps, dtype=float)
    progress = np.clip((steps - warmup_steps) / (total_steps - warmup_steps), 0, 1)
    cosine = final_lr + (peak_lr - final_lr) * 0.5 * (1 + np.cos(np.pi * progress))
    with np.errstate(divide="ignore", invalid="ignore"):
        warm = peak_lr * steps / warmup_steps
    return np.where(steps <= warmup_steps, warm, cosine)  # <=: at step 0 with no warm-up, 0 / 0


# --------------------------------------------------------------------------------------------------------
# grad_cam


def _maps_and_gradients(model, image, class_index, layer_name, probability=False):
    both = keras.Model(model.input, [model.get_layer(layer_name).output, model.output])
    with tf.GradientTape() as tape:
        maps, scores = both(image[None], training=False)
        score = tf.nn.softmax(scores)[0, class_index] if probability else scores[0, class_index]
    return maps[0].numpy(), tape.gradient(score, maps)[0].numpy()


@wrong("grad_cam", "keep only the positive part")
def grad_cam(model, image, class_index, layer_name):
    maps, gradients = _maps_and_gradients(model, image, class_index, layer_name)
    cam = maps @ gradients.mean(axis=(0, 1))
    return cam / cam.max()


@wrong("grad_cam", "not divided by its largest value")
def grad_cam(model, image, class_index, layer_name):
    maps, gradients = _maps_and_gradients(model, image, class_index, layer_name)
    return np.maximum(maps @ gradients.mean(axis=(0, 1)), 0)


@wrong("grad_cam", "the model's top class")
def grad_cam(model, image, class_index, layer_name):
    top = int(np.argmax(model(image[None], training=False)[0]))
    maps, gradients = _maps_and_gradients(model, image, top, layer_name)
    cam = np.maximum(maps @ gradients.mean(axis=(0, 1)), 0)
    return cam / cam.max()


@wrong("grad_cam", "gradient of the softmax probability")
def grad_cam(model, image, class_index, layer_name):
    maps, gradients = _maps_and_gradients(model, image, class_index, layer_name, probability=True)
    cam = np.maximum(maps @ gradients.mean(axis=(0, 1)), 0)
    return cam / cam.max() if cam.max() > 0 else cam


@wrong("grad_cam", "each position is weighted by its own gradient")
def grad_cam(model, image, class_index, layer_name):
    maps, gradients = _maps_and_gradients(model, image, class_index, layer_name)
    cam = np.maximum((maps * gradients).sum(axis=-1), 0)
    return cam / cam.max()


@wrong("grad_cam", "drop the batch/channel axis")
def grad_cam(model, image, class_index, layer_name):
    maps, gradients = _maps_and_gradients(model, image, class_index, layer_name)
    cam = np.maximum(maps @ gradients.mean(axis=(0, 1)), 0)
    return (cam / cam.max())[None]


@wrong("grad_cam", "takes the absolute value")
def grad_cam(model, image, class_index, layer_name):
    maps, gradients = _maps_and_gradients(model, image, class_index, layer_name)
    cam = np.abs(maps @ gradients.mean(axis=(0, 1)))
    return cam / cam.max()
