"""Correct answers to exercises/16_text_and_attention.ipynb written differently from the solutions.

``tests/test_exercises.py`` runs this file with ``right`` defined: ``@right(task)`` registers a function
whose check must pass on every seed.
"""

import numpy as np
from scipy.special import softmax


@right("scaled_dot_attention")
def scaled_dot_attention(Q, K, V, mask=None):
    scores = np.einsum("qd,kd->qk", Q, K) / K.shape[-1] ** 0.5
    if mask is not None:
        scores = scores + np.where(mask, 0.0, -1e9)   # a large negative number instead of -inf
    weights = softmax(scores, axis=-1)                  # scipy subtracts the maximum itself
    return np.einsum("qk,kv->qv", weights, V), weights


@right("scaled_dot_attention")
def scaled_dot_attention(Q, K, V, mask=None):
    # Mask after the softmax, then renormalize: the same weights as masking before it.
    scores = Q @ K.T / np.sqrt(K.shape[1])
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    if mask is not None:
        exp = exp * mask
    weights = exp / exp.sum(axis=1, keepdims=True)
    return (weights @ V, weights)


@right("scaled_dot_attention")
def scaled_dot_attention(Q, K, V, mask=None):
    rows = []
    for i, q in enumerate(Q):                          # one query at a time
        scores = np.array([q @ k for k in K]) / np.sqrt(len(q))
        if mask is not None:
            scores[~mask[i]] = -np.inf                  # on our own array, not the caller's mask
        scores -= scores.max()
        rows.append(np.exp(scores) / np.exp(scores).sum())
    weights = np.array(rows)
    return [weights @ V, weights]


@right("causal_mask")
def causal_mask(n):
    i, j = np.indices((n, n))
    return j <= i


@right("causal_mask")
def causal_mask(n):
    return ~np.triu(np.ones((n, n), dtype=bool), k=1)


@right("causal_mask")
def causal_mask(n):
    return np.arange(n)[None, :] <= np.arange(n)[:, None]


@right("positional_encoding")
def positional_encoding(length, depth):
    encoding = np.empty((length, depth))
    for p in range(length):
        for i in range(depth // 2):
            angle = p / 10000 ** (2 * i / depth)
            encoding[p, 2 * i] = np.sin(angle)
            encoding[p, 2 * i + 1] = np.cos(angle)
    return encoding


@right("positional_encoding")
def positional_encoding(length, depth):
    columns = np.arange(depth)
    angles = np.arange(length)[:, None] / np.power(10000.0, 2 * (columns // 2) / depth)  # (length, depth)
    return np.where(columns % 2 == 0, np.sin(angles), np.cos(angles))


@right("positional_encoding")
def positional_encoding(length, depth):
    angles = np.outer(np.arange(length), np.exp(-np.log(10000.0) * np.arange(0, depth, 2) / depth))
    return np.stack([np.sin(angles), np.cos(angles)], axis=-1).reshape(length, depth)  # interleaved pairs


@right("q_learning_update")
def q_learning_update(Q, state, action, reward, next_state, done, alpha, gamma):
    Q_new = np.array(Q, dtype=float)                 # np.array copies
    future = 0.0 if done else gamma * Q_new[next_state].max()
    Q_new[state, action] = (1 - alpha) * Q[state, action] + alpha * (reward + future)
    return Q_new


@right("q_learning_update")
def q_learning_update(Q, state, action, reward, next_state, done, alpha, gamma):
    error = reward + gamma * np.max(Q[next_state]) * (1 - done) - Q[state, action]
    change = np.zeros_like(Q)
    change[state, action] = alpha * error
    return Q + change


@right("epsilon_greedy")
def epsilon_greedy(q_values, epsilon, rng):
    explore = rng.uniform() < epsilon
    if explore:
        return int(rng.choice(len(q_values)))
    best = [action for action, value in enumerate(q_values) if value == max(q_values)]
    return best[rng.integers(len(best))]


@right("epsilon_greedy")
def epsilon_greedy(q_values, epsilon, rng):
    # Break ties first with a random permutation, then take the first maximum in that order.
    if rng.random() >= epsilon:
        order = rng.permutation(len(q_values))
        return int(order[np.argmax(q_values[order])])
    return int(rng.integers(0, len(q_values)))


import keras  # noqa: E402 - only the last task needs Keras
from keras import layers  # noqa: E402


class PositionEmbedding(layers.Layer):  # given in the exercise notebook
    def __init__(self, length, dim, **kwargs):
        super().__init__(**kwargs)
        self.length, self.dim = length, dim
        self.supports_masking = True

    def build(self, input_shape):
        self.positions = self.add_weight(shape=(self.length, self.dim), initializer="uniform", name="positions")

    def call(self, x):
        return x + self.positions


@right("build_text_transformer")
def build_text_transformer(vocab_size, length, dim, num_heads, hidden):
    token_ids = keras.Input(shape=(length,), dtype="int32", name="token_ids")
    words = layers.Embedding(input_dim=vocab_size, output_dim=dim, mask_zero=True, name="words")(token_ids)
    x = PositionEmbedding(length, dim, name="positions")(words)
    attention = layers.MultiHeadAttention(num_heads=num_heads, key_dim=dim // num_heads, name="attention")
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([attention(query=x, value=x, key=x), x]))
    feed_forward = keras.Sequential([layers.Dense(hidden, activation="relu"), layers.Dense(dim)])
    # A nested Sequential is one node in the graph; written out, layer by layer, instead:
    del feed_forward
    mixed = layers.Dense(dim, activation="linear")(layers.Dense(hidden, activation=keras.activations.relu)(x))
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([mixed, x]))
    probability = layers.Dense(1, activation="sigmoid")(layers.GlobalAveragePooling1D()(x))
    return keras.Model(inputs=token_ids, outputs=probability, name="classifier")
