"""Correct answers to exercises/14_modern_cnns.ipynb written differently from the solutions.

``tests/test_exercises.py`` runs this file with ``right`` defined: ``@right(task)`` registers a function
whose check must pass on every seed.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import layers


@right("count_dead_units")
def count_dead_units(activations):
    axes = tuple(range(activations.ndim - 1))  # every axis but the units'
    return int((activations.max(axis=axes) == 0).sum())


@right("count_dead_units")
def count_dead_units(activations):
    units = activations.shape[-1]
    return sum(1 for unit in range(units) if not np.any(activations[..., unit]))


@right("residual_block")
def residual_block(x, filters):
    # keras.ops on the symbolic tensors, the shortcut built last
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
    y = layers.Activation("relu")(layers.BatchNormalization()(y))
    y = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(y))
    if x.shape[-1] == filters:
        shortcut = x
    else:
        shortcut = layers.BatchNormalization()(layers.Conv2D(filters, kernel_size=(1, 1), use_bias=False)(x))
    return keras.ops.relu(y + shortcut)


@right("residual_block")
def residual_block(x, filters):
    def conv_bn(tensor, size):
        return layers.BatchNormalization()(layers.Conv2D(filters, size, padding="same", use_bias=False)(tensor))

    shortcut = conv_bn(x, 1) if x.shape[-1] != filters else x
    return layers.ReLU()(layers.Add()([conv_bn(layers.ReLU()(conv_bn(x, 3)), 3), shortcut]))


@right("warmup_cosine")
def warmup_cosine(steps, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    rates = []
    for step in np.asarray(steps).tolist():
        if step < warmup_steps:
            rates.append(peak_lr * step / warmup_steps)
        else:
            p = min(1.0, (step - warmup_steps) / (total_steps - warmup_steps))
            rates.append(final_lr + (peak_lr - final_lr) * (1 + np.cos(np.pi * p)) / 2)
    return np.array(rates)


@right("warmup_cosine")
def warmup_cosine(steps, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    # Keras's own schedule, called step by step
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0, total_steps - warmup_steps, alpha=final_lr / peak_lr, warmup_target=peak_lr, warmup_steps=warmup_steps)
    return np.array([float(schedule(int(step))) for step in steps])


@right("grad_cam")
def grad_cam(model, image, class_index, layer_name):
    # the sum of the gradients instead of their mean: the scale goes away in the normalisation
    layer = model.get_layer(layer_name)
    both = keras.Model(model.inputs, [layer.output, model.outputs[0]])
    x = tf.constant(image[np.newaxis])
    with tf.GradientTape() as tape:
        maps, scores = both(x)
        tape.watch(maps)
        target = tf.gather(scores, class_index, axis=1)
    weights = tf.reduce_sum(tape.gradient(target, maps), axis=(1, 2))   # (1, k)
    cam = tf.nn.relu(tf.einsum("bhwk,bk->hw", maps, weights)).numpy()
    top = cam.max()
    return cam / top if top > 0 else cam
