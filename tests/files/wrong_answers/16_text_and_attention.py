"""Typical wrong answers to exercises/16_text_and_attention.ipynb, each with the hint its check must give.

``tests/test_exercises.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a
function as a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""

import random

import numpy as np


def _softmax_rows(scores):
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


# --------------------------------------------------------------------------------------------------------
# scaled_dot_attention


@wrong("scaled_dot_attention", "not scaled")
def scaled_dot_attention(Q, K, V, mask=None):
    scores = Q @ K.T
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = _softmax_rows(scores)
    return weights @ V, weights


@wrong("scaled_dot_attention", "SQUARE ROOT")
def scaled_dot_attention(Q, K, V, mask=None):
    scores = Q @ K.T / K.shape[1]
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = _softmax_rows(scores)
    return weights @ V, weights


@wrong("scaled_dot_attention", "number of keys")
def scaled_dot_attention(Q, K, V, mask=None):
    scores = Q @ K.T / np.sqrt(len(K))          # len(K) is the number of keys, not their length
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = _softmax_rows(scores)
    return weights @ V, weights


@wrong("scaled_dot_attention", "length of a VALUE")
def scaled_dot_attention(Q, K, V, mask=None):
    scores = Q @ K.T / np.sqrt(V.shape[1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = _softmax_rows(scores)
    return weights @ V, weights


@wrong("scaled_dot_attention", "Check which one is transposed")
def scaled_dot_attention(Q, K, V, mask=None):
    scores = Q.T @ K / np.sqrt(K.shape[1])      # the transpose on the wrong matrix
    weights = _softmax_rows(scores)
    return weights @ V, weights


@wrong("scaled_dot_attention", "without transposing K")
def scaled_dot_attention(Q, K, V, mask=None):
    if K.shape[0] != K.shape[1]:                # (so that it runs where it can, as a learner's would)
        K = K.T
    scores = Q @ K / np.sqrt(Q.shape[1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = _softmax_rows(scores)
    return weights @ V, weights


@wrong("scaled_dot_attention", "down the columns")
def scaled_dot_attention(Q, K, V, mask=None):
    scores = Q @ K.T / np.sqrt(K.shape[1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    exp = np.exp(scores - scores.max(axis=0, keepdims=True))
    weights = exp / exp.sum(axis=0, keepdims=True)
    return weights @ V, weights


@wrong("scaled_dot_attention", "AFTER the softmax")
def scaled_dot_attention(Q, K, V, mask=None):
    weights = _softmax_rows(Q @ K.T / np.sqrt(K.shape[1]))
    if mask is not None:
        weights = weights * mask
    return weights @ V, weights


@wrong("scaled_dot_attention", "exp(0) = 1")
def scaled_dot_attention(Q, K, V, mask=None):
    scores = Q @ K.T / np.sqrt(K.shape[1])
    if mask is not None:
        scores = scores * mask                  # blocked scores become 0, not -inf
    weights = _softmax_rows(scores)
    return weights @ V, weights


@wrong("scaled_dot_attention", "inverted")
def scaled_dot_attention(Q, K, V, mask=None):
    scores = Q @ K.T / np.sqrt(K.shape[1])
    if mask is not None:
        scores = np.where(mask, -1e9, scores)   # True read as "blocked"
    weights = _softmax_rows(scores)
    return weights @ V, weights


@wrong("scaled_dot_attention", "overflows")
def scaled_dot_attention(Q, K, V, mask=None):
    scores = Q @ K.T / np.sqrt(K.shape[1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    exp = np.exp(scores)                        # no max subtracted
    weights = exp / exp.sum(axis=1, keepdims=True)
    return weights @ V, weights


@wrong("scaled_dot_attention", "order (output, weights)")
def scaled_dot_attention(Q, K, V, mask=None):
    scores = Q @ K.T / np.sqrt(K.shape[1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = _softmax_rows(scores)
    return weights, weights @ V


# --------------------------------------------------------------------------------------------------------
# causal_mask


@wrong("causal_mask", "look at ITSELF")
def causal_mask(n):
    return np.tril(np.ones((n, n), dtype=bool), k=-1)


@wrong("causal_mask", "UPPER triangle")
def causal_mask(n):
    return np.triu(np.ones((n, n), dtype=bool))


@wrong("causal_mask", "inverted")
def causal_mask(n):
    return np.triu(np.ones((n, n), dtype=bool), k=1)  # True where blocked


@wrong("causal_mask", "dtype=bool")
def causal_mask(n):
    return np.tril(np.ones((n, n)))


@wrong("causal_mask", "dtype=bool")
def causal_mask(n):
    return [[1 if j <= i else 0 for j in range(n)] for i in range(n)]


@wrong("causal_mask", "nothing is masked")
def causal_mask(n):
    return np.ones((n, n), dtype=bool)


# --------------------------------------------------------------------------------------------------------
# positional_encoding


@wrong("positional_encoding", "INTERLEAVES")
def positional_encoding(length, depth):
    positions = np.arange(length)[:, None]
    angles = positions / 10000 ** (np.arange(0, depth, 2) / depth)
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=-1)  # the halves layout of some tutorials


@wrong("positional_encoding", "sin and cos are swapped")
def positional_encoding(length, depth):
    angles = np.arange(length)[:, None] / 10000 ** (np.arange(0, depth, 2) / depth)
    encoding = np.zeros((length, depth))
    encoding[:, 0::2], encoding[:, 1::2] = np.cos(angles), np.sin(angles)
    return encoding


@wrong("positional_encoding", "SAME frequency")
def positional_encoding(length, depth):
    encoding = np.zeros((length, depth))
    for p in range(length):
        for j in range(depth):
            angle = p / 10000 ** (j / depth)       # the column's own index, odd ones too
            encoding[p, j] = np.sin(angle) if j % 2 == 0 else np.cos(angle)
    return encoding


@wrong("positional_encoding", "exponent is i / depth")
def positional_encoding(length, depth):
    angles = np.arange(length)[:, None] / 10000 ** (np.arange(depth // 2) / depth)
    encoding = np.zeros((length, depth))
    encoding[:, 0::2], encoding[:, 1::2] = np.sin(angles), np.cos(angles)
    return encoding


@wrong("positional_encoding", "doubled twice")
def positional_encoding(length, depth):
    angles = np.arange(length)[:, None] / 10000 ** (2 * np.arange(0, depth, 2) / depth)
    encoding = np.zeros((length, depth))
    encoding[:, 0::2], encoding[:, 1::2] = np.sin(angles), np.cos(angles)
    return encoding


@wrong("positional_encoding", "MULTIPLIED")
def positional_encoding(length, depth):
    angles = np.arange(length)[:, None] * 10000 ** (np.arange(0, depth, 2) / depth)
    encoding = np.zeros((length, depth))
    encoding[:, 0::2], encoding[:, 1::2] = np.sin(angles), np.cos(angles)
    return encoding


@wrong("positional_encoding", "start at 1")
def positional_encoding(length, depth):
    angles = np.arange(1, length + 1)[:, None] / 10000 ** (np.arange(0, depth, 2) / depth)
    encoding = np.zeros((length, depth))
    encoding[:, 0::2], encoding[:, 1::2] = np.sin(angles), np.cos(angles)
    return encoding


@wrong("positional_encoding", "looks transposed")
def positional_encoding(length, depth):
    angles = np.arange(0, depth, 2)[:, None] / depth
    angles = np.arange(length)[None, :] / 10000 ** angles          # (depth / 2, length)
    encoding = np.zeros((depth, length))
    encoding[0::2], encoding[1::2] = np.sin(angles), np.cos(angles)
    return encoding


# --------------------------------------------------------------------------------------------------------
# q_learning_update


@wrong("q_learning_update", "changed its input `Q` in place")
def q_learning_update(Q, state, action, reward, next_state, done, alpha, gamma):
    target = reward if done else reward + gamma * Q[next_state].max()
    Q[state, action] += alpha * (target - Q[state, action])
    return Q


@wrong("q_learning_update", "ENDED (done=True)")
def q_learning_update(Q, state, action, reward, next_state, done, alpha, gamma):
    target = reward + gamma * Q[next_state].max()   # done ignored
    Q_new = Q.copy()
    Q_new[state, action] += alpha * (target - Q[state, action])
    return Q_new


@wrong("q_learning_update", "not 0")
def q_learning_update(Q, state, action, reward, next_state, done, alpha, gamma):
    target = 0.0 if done else reward + gamma * Q[next_state].max()
    Q_new = Q.copy()
    Q_new[state, action] += alpha * (target - Q[state, action])
    return Q_new


@wrong("q_learning_update", "SAME action")
def q_learning_update(Q, state, action, reward, next_state, done, alpha, gamma):
    target = reward if done else reward + gamma * Q[next_state, action]
    Q_new = Q.copy()
    Q_new[state, action] += alpha * (target - Q[state, action])
    return Q_new


@wrong("q_learning_update", "CURRENT state")
def q_learning_update(Q, state, action, reward, next_state, done, alpha, gamma):
    target = reward if done else reward + gamma * Q[state].max()
    Q_new = Q.copy()
    Q_new[state, action] += alpha * (target - Q[state, action])
    return Q_new


@wrong("q_learning_update", "replaced by the target")
def q_learning_update(Q, state, action, reward, next_state, done, alpha, gamma):
    Q_new = Q.copy()
    Q_new[state, action] = reward if done else reward + gamma * Q[next_state].max()
    return Q_new


@wrong("q_learning_update", "the ERROR of the current estimate")
def q_learning_update(Q, state, action, reward, next_state, done, alpha, gamma):
    target = reward if done else reward + gamma * Q[next_state].max()
    Q_new = Q.copy()
    Q_new[state, action] += alpha * target
    return Q_new


@wrong("q_learning_update", "not discounted")
def q_learning_update(Q, state, action, reward, next_state, done, alpha, gamma):
    target = reward if done else reward + Q[next_state].max()
    Q_new = Q.copy()
    Q_new[state, action] += alpha * (target - Q[state, action])
    return Q_new


@wrong("q_learning_update", "other than")
def q_learning_update(Q, state, action, reward, next_state, done, alpha, gamma):
    target = reward if done else reward + gamma * Q[next_state].max()
    Q_new = Q.copy()
    Q_new[state] += alpha * (target - Q[state])     # the whole row
    return Q_new


@wrong("q_learning_update", "WHOLE table")
def q_learning_update(Q, state, action, reward, next_state, done, alpha, gamma):
    target = reward if done else reward + gamma * Q[next_state].max()
    row = Q[state].copy()
    row[action] += alpha * (target - row[action])
    return row


# --------------------------------------------------------------------------------------------------------
# epsilon_greedy


@wrong("epsilon_greedy", "FIRST best action")
def epsilon_greedy(q_values, epsilon, rng):
    if rng.random() < epsilon:
        return int(rng.integers(len(q_values)))
    return int(np.argmax(q_values))


@wrong("epsilon_greedy", "probability 1 - epsilon")
def epsilon_greedy(q_values, epsilon, rng):
    if rng.random() > epsilon:
        return int(rng.integers(len(q_values)))
    return int(rng.choice(np.flatnonzero(q_values == q_values.max())))


@wrong("epsilon_greedy", "SMALLEST value")
def epsilon_greedy(q_values, epsilon, rng):
    if rng.random() < epsilon:
        return int(rng.integers(len(q_values)))
    return int(rng.choice(np.flatnonzero(q_values == q_values.min())))


@wrong("epsilon_greedy", "OTHER actions")
def epsilon_greedy(q_values, epsilon, rng):
    best = np.flatnonzero(q_values == q_values.max())
    if rng.random() < epsilon:
        others = [a for a in range(len(q_values)) if a not in best]
        return int(rng.choice(others))
    return int(rng.choice(best))


@wrong("epsilon_greedy", "not from np.random")
def epsilon_greedy(q_values, epsilon, rng):
    if np.random.random() < epsilon:                # the global generator, not rng
        return int(np.random.randint(len(q_values)))
    return int(np.random.choice(np.flatnonzero(q_values == q_values.max())))


@wrong("epsilon_greedy", "the random module")
def epsilon_greedy(q_values, epsilon, rng):
    if random.random() < epsilon:
        return random.randrange(len(q_values))
    return random.choice([a for a, q in enumerate(q_values) if q == max(q_values)])


@wrong("epsilon_greedy", "not its value")
def epsilon_greedy(q_values, epsilon, rng):
    if rng.random() < epsilon:
        return float(rng.choice(q_values))
    return float(q_values.max())                    # the value, not the action


@wrong("epsilon_greedy", "epsilon is ignored")
def epsilon_greedy(q_values, epsilon, rng):
    return int(rng.integers(len(q_values)))


# --------------------------------------------------------------------------------------------------------
# build_text_transformer (PositionEmbedding is given in the exercise notebook; the same layer here)

import keras  # noqa: E402 - only the last task needs Keras
from keras import layers  # noqa: E402


class PositionEmbedding(layers.Layer):
    def __init__(self, length, dim, **kwargs):
        super().__init__(**kwargs)
        self.length, self.dim = length, dim
        self.supports_masking = True

    def build(self, input_shape):
        self.positions = self.add_weight(shape=(self.length, self.dim), initializer="uniform", name="positions")

    def call(self, x):
        return x + self.positions


def _block(vocab_size, length, dim, num_heads, hidden, *, mask_zero=True, positions=True, key_dim=None,
           residual=True, operator=False, pre_norm=False, pooling="average", second_activation=None):
    """The lesson's classifier with one thing changed, as the wrong answers below need it."""
    inputs = keras.Input(shape=(length,), dtype="int32")
    x = layers.Embedding(vocab_size, dim, mask_zero=mask_zero)(inputs)
    if positions:
        x = PositionEmbedding(length, dim)(x)
    if pre_norm:
        normalized = layers.LayerNormalization()(x)
        x = layers.Add()([x, layers.MultiHeadAttention(num_heads, key_dim or dim // num_heads)(normalized,
                                                                                                normalized)])
    else:
        attended = layers.MultiHeadAttention(num_heads=num_heads, key_dim=key_dim or dim // num_heads)(x, x)
        if not residual:
            x = layers.LayerNormalization()(attended)
        elif operator:
            x = layers.LayerNormalization()(x + attended)
        else:
            x = layers.LayerNormalization()(layers.Add()([x, attended]))
    mixed = layers.Dense(dim, activation=second_activation)(layers.Dense(hidden, activation="relu")(x))
    x = layers.LayerNormalization()(layers.Add()([x, mixed]))
    x = layers.GlobalAveragePooling1D()(x) if pooling == "average" else layers.Flatten()(x)
    return keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))


@wrong("build_text_transformer", "mask_zero=True")
def build_text_transformer(vocab_size, length, dim, num_heads, hidden):
    return _block(vocab_size, length, dim, num_heads, hidden, mask_zero=False)


@wrong("build_text_transformer", "the positions are missing")
def build_text_transformer(vocab_size, length, dim, num_heads, hidden):
    return _block(vocab_size, length, dim, num_heads, hidden, positions=False)


@wrong("build_text_transformer", "size of EACH head")
def build_text_transformer(vocab_size, length, dim, num_heads, hidden):
    return _block(vocab_size, length, dim, num_heads, hidden, key_dim=dim)


@wrong("build_text_transformer", "no residual connection around the attention")
def build_text_transformer(vocab_size, length, dim, num_heads, hidden):
    return _block(vocab_size, length, dim, num_heads, hidden, residual=False)


@wrong("build_text_transformer", "drops the padding mask")
def build_text_transformer(vocab_size, length, dim, num_heads, hidden):
    return _block(vocab_size, length, dim, num_heads, hidden, operator=True)


@wrong("build_text_transformer", "pre-norm")
def build_text_transformer(vocab_size, length, dim, num_heads, hidden):
    return _block(vocab_size, length, dim, num_heads, hidden, pre_norm=True)


@wrong("build_text_transformer", "GlobalAveragePooling1D")
def build_text_transformer(vocab_size, length, dim, num_heads, hidden):
    return _block(vocab_size, length, dim, num_heads, hidden, pooling="flatten")


@wrong("build_text_transformer", "no activation")
def build_text_transformer(vocab_size, length, dim, num_heads, hidden):
    return _block(vocab_size, length, dim, num_heads, hidden, second_activation="relu")


@wrong("build_text_transformer", "Embedding(")
def build_text_transformer(vocab_size, length, dim, num_heads, hidden):
    inputs = keras.Input(shape=(length,), dtype="int32")
    x = layers.Embedding(length, dim, mask_zero=True)(inputs)           # the sentence length, not the vocabulary
    x = PositionEmbedding(length, dim)(x)
    x = layers.LayerNormalization()(layers.Add()([x, layers.MultiHeadAttention(num_heads, dim // num_heads)(x, x)]))
    mixed = layers.Dense(dim)(layers.Dense(hidden, activation="relu")(x))
    x = layers.LayerNormalization()(layers.Add()([x, mixed]))
    return keras.Model(inputs, layers.Dense(1, activation="sigmoid")(layers.GlobalAveragePooling1D()(x)))
