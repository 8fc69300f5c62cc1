"""Typical wrong answers to exercises/03_training_from_scratch.ipynb, each with the hint its check must give.

``tests/test_exercises.py`` runs this file with ``wrong`` defined: ``@wrong(task, hint)`` registers a
function as a wrong answer to ``task`` whose check must fail with a message containing ``hint``.
"""

import numpy as np


def _one_hot(y, k):
    return np.eye(k)[y]


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _forward(params, X):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.maximum(Z1, 0)
    P = _softmax(A1 @ params["W2"] + params["b2"])
    return P, {"X": X, "Z1": Z1, "A1": A1, "P": P}


def _backward(params, cache, Y):
    X, Z1, A1, P = cache["X"], cache["Z1"], cache["A1"], cache["P"]
    dZ2 = (P - Y) / len(X)
    dZ1 = (dZ2 @ params["W2"].T) * (Z1 > 0)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


@wrong("cross_entropy", "Clip the probabilities")
def cross_entropy(P, y):
    return -np.mean(np.log(P[np.arange(len(y)), y]))


@wrong("cross_entropy", "P[np.arange(n), y]")
def cross_entropy(P, y):
    return -np.mean(np.log(np.clip(P[:, y], 1e-12, 1.0)))


@wrong("cross_entropy", "it is the SUM")
def cross_entropy(P, y):
    return -np.sum(np.log(np.clip(P[np.arange(len(y)), y], 1e-12, 1.0)))


@wrong("backward", "dZ1 = dA1 * (Z1 > 0)")
def backward(params, cache, Y):
    X, A1, P = cache["X"], cache["A1"], cache["P"]
    dZ2 = (P - Y) / len(X)
    dZ1 = dZ2 @ params["W2"].T  # the ReLU mask is missing
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


@wrong("backward", "MEAN over the batch")
def backward(params, cache, Y):
    X, Z1, A1, P = cache["X"], cache["Z1"], cache["A1"], cache["P"]
    dZ2 = P - Y  # no division by the batch size
    dZ1 = (dZ2 @ params["W2"].T) * (Z1 > 0)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


@wrong("backward", "a gradient always has its parameter's shape")
def backward(params, cache, Y):
    X, Z1, A1, P = cache["X"], cache["Z1"], cache["A1"], cache["P"]
    dZ2 = (P - Y) / len(X)
    dZ1 = (dZ2 @ params["W2"].T) * (Z1 > 0)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=1)}  # wrong axis


@wrong("backward", "opposite sign")
def backward(params, cache, Y):
    X, Z1, A1, P = cache["X"], cache["Z1"], cache["A1"], cache["P"]
    dZ2 = (Y - P) / len(X)
    dZ1 = (dZ2 @ params["W2"].T) * (Z1 > 0)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


def _numeric(compute_loss, array, h, central=True):
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + h
        plus = compute_loss()
        array[index] = original - h if central else original
        minus = compute_loss()
        array[index] = original
        grad[index] = (plus - minus) / ((2 if central else 1) * h)
    return grad


def _relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12)


@wrong("gradient_check", "use the central difference")
def gradient_check(compute_loss, params, grads, h=1e-5):
    return {name: _relative_error(grads[name], _numeric(compute_loss, params[name], h, central=False))
            for name in params}


@wrong("gradient_check", "put every nudged number back")
def gradient_check(compute_loss, params, grads, h=1e-5):
    errors = {}
    for name, array in params.items():
        numeric = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            array[index] += h
            plus = compute_loss()
            array[index] -= 2 * h  # and never put back: the array ends h below where it started
            numeric[index] = (plus - compute_loss()) / (2 * h)
        errors[name] = _relative_error(grads[name], numeric)
    return errors


@wrong("gradient_check", "Check the formula")
def gradient_check(compute_loss, params, grads, h=1e-5):
    return {name: float(np.max(np.abs(grads[name] - _numeric(compute_loss, params[name], h))
                               / (np.abs(grads[name]) + 1e-12)))
            for name in params}


@wrong("sgd_step", "went UP the gradient")
def sgd_step(params, grads, learning_rate):
    for name in params:
        params[name] += learning_rate * grads[name]


@wrong("sgd_step", "params did not change")
def sgd_step(params, grads, learning_rate):
    params = {name: params[name] - learning_rate * grads[name] for name in params}
    return params


@wrong("minibatches", "the last")
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]])
            for i in range(0, len(X) - batch_size + 1, batch_size)]


@wrong("minibatches", "Draw ONE permutation")
def minibatches(X, y, batch_size, rng):
    X, y = X[rng.permutation(len(X))], y[rng.permutation(len(y))]
    return [(X[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(X), batch_size)]


@wrong("minibatches", "without replacement")
def minibatches(X, y, batch_size, rng):
    order = rng.integers(0, len(X), size=len(X))
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]]) for i in range(0, len(X), batch_size)]


@wrong("minibatches", "original order")
def minibatches(X, y, batch_size, rng):
    return [(X[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(X), batch_size)]


@wrong("train_moons", "move downhill")
def train_moons(X, y, rng):
    params = {"W1": rng.normal(0, 1.0, size=(2, 16)), "b1": np.zeros(16),
              "W2": rng.normal(0, 0.25, size=(16, 2)), "b2": np.zeros(2)}
    for epoch in range(20):
        for start in range(0, len(X), 16):
            P, cache = _forward(params, X[start:start + 16])
            grads = _backward(params, cache, _one_hot(y[start:start + 16], 2))
            for name in params:
                params[name] += 0.5 * grads[name]  # uphill
    return params


@wrong("train_moons", "the target is 90%")
def train_moons(X, y, rng):
    params = {"W1": rng.normal(0, 1.0, size=(2, 16)), "b1": np.zeros(16),
              "W2": rng.normal(0, 0.25, size=(16, 2)), "b2": np.zeros(2)}
    for epoch in range(3):  # far too short
        for start in range(0, len(X), 16):
            P, cache = _forward(params, X[start:start + 16])
            grads = _backward(params, cache, _one_hot(y[start:start + 16], 2))
            for name in params:
                params[name] -= 0.1 * grads[name]
    return params


@wrong("train_moons", "did you forget to `return params`")
def train_moons(X, y, rng):
    params = {"W1": rng.normal(0, 1.0, size=(2, 16)), "b1": np.zeros(16),
              "W2": rng.normal(0, 0.25, size=(16, 2)), "b2": np.zeros(2)}


# --------------------------------------------------------------------------------------------------------
# Added for issue 14: mistakes the first checks let through or explained with the wrong cause.

EPS = 1e-12


@wrong("cross_entropy", "put a minus sign")
def cross_entropy(P, y):
    return np.mean(np.log(np.clip(P[np.arange(len(y)), y], EPS, 1.0)))  # the minus sign is missing


@wrong("cross_entropy", "natural log")
def cross_entropy(P, y):
    return -np.mean(np.log10(np.clip(P[np.arange(len(y)), y], EPS, 1.0)))


@wrong("cross_entropy", "changed its input `P` in place")
def cross_entropy(P, y):
    np.clip(P, EPS, 1.0, out=P)  # clips the caller's array
    return -np.mean(np.log(P[np.arange(len(y)), y]))


@wrong("cross_entropy", "to 1e-07, not EPS")
def cross_entropy(P, y):
    return -np.mean(np.log(np.clip(P[np.arange(len(y)), y], 1e-7, 1.0)))  # Keras's epsilon, not the lesson's


@wrong("cross_entropy", "LARGEST probability")
def cross_entropy(P, y):
    return -np.mean(np.log(np.clip(P.max(axis=1), EPS, 1.0)))  # the predicted class, not the true one


@wrong("cross_entropy", "averages over all n x k entries")
def cross_entropy(P, y):
    return -np.mean(_one_hot(y, P.shape[1]) * np.log(np.clip(P, EPS, 1.0)))


@wrong("backward", "changed its input `cache['P']` in place")
def backward(params, cache, Y):
    X, Z1, A1 = cache["X"], cache["Z1"], cache["A1"]
    dZ2 = cache["P"]
    dZ2 -= Y  # the cache's own array
    dZ2 /= len(X)
    dZ1 = (dZ2 @ params["W2"].T) * (Z1 > 0)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


@wrong("backward", "the 1/batch is already in dZ2")
def backward(params, cache, Y):
    X, Z1, A1, P = cache["X"], cache["Z1"], cache["A1"], cache["P"]
    dZ2 = (P - Y) / len(X)
    dZ1 = (dZ2 @ params["W2"].T) * (Z1 > 0)
    return {"W1": X.T @ dZ1, "b1": dZ1.mean(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.mean(axis=0)}  # mean, not sum


@wrong("backward", "divided by the batch size twice")
def backward(params, cache, Y):
    X, Z1, A1, P = cache["X"], cache["Z1"], cache["A1"], cache["P"]
    batch = len(X)
    dZ2 = (P - Y) / batch
    dZ1 = (dZ2 @ params["W2"].T) * (Z1 > 0)
    return {"W1": X.T @ dZ1 / batch, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2 / batch, "b2": dZ2.sum(axis=0)}


@wrong("backward", "multiplies by A1")
def backward(params, cache, Y):
    X, A1, P = cache["X"], cache["A1"], cache["P"]
    dZ2 = (P - Y) / len(X)
    dZ1 = (dZ2 @ params["W2"].T) * A1  # ReLU's output, not its derivative
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


def _numeric_loop(compute_loss, array, h, *, divisor=2, sign=1):
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + h
        plus = compute_loss()
        array[index] = original - h
        minus = compute_loss()
        array[index] = original
        grad[index] = sign * (plus - minus) / (divisor * h)
    return grad


@wrong("gradient_check", "h = 1e-12 is too small")
def gradient_check(compute_loss, params, grads, h=1e-12):  # "the smaller the better"
    return {name: _relative_error(grads[name], _numeric_loop(compute_loss, params[name], h)) for name in params}


@wrong("gradient_check", "divide by 2h")
def gradient_check(compute_loss, params, grads, h=1e-5):
    return {name: _relative_error(grads[name], _numeric_loop(compute_loss, params[name], h, divisor=1))
            for name in params}


@wrong("gradient_check", "opposite sign")
def gradient_check(compute_loss, params, grads, h=1e-5):
    return {name: _relative_error(grads[name], _numeric_loop(compute_loss, params[name], h, sign=-1))
            for name in params}


@wrong("gradient_check", "nudge the arrays inside params")
def gradient_check(compute_loss, params, grads, h=1e-5):
    errors = {}
    for name in params:
        array = params[name].copy()  # compute_loss() never sees these nudges
        errors[name] = _relative_error(grads[name], _numeric_loop(compute_loss, array, h))
    return errors


@wrong("gradient_check", "one number at a time")
def gradient_check(compute_loss, params, grads, h=1e-5):
    errors = {}
    for name, array in params.items():
        numeric = np.zeros_like(array)
        for i in range(array.shape[0]):  # a whole row of a matrix at once
            original = array[i].copy()
            array[i] = original + h
            plus = compute_loss()
            array[i] = original - h
            minus = compute_loss()
            array[i] = original
            numeric[i] = (plus - minus) / (2 * h)
        errors[name] = _relative_error(grads[name], numeric)
    return errors


@wrong("gradient_check", "the planted bug went unnoticed")
def gradient_check(compute_loss, params, grads, h=1e-5):
    # Only the weight matrices are checked; "biases are simple", so they get 0.
    return {name: _relative_error(grads[name], _numeric_loop(compute_loss, params[name], h))
            if name.startswith("W") else 0.0 for name in params}


@wrong("gradient_check", "changed its input `grads[")
def gradient_check(compute_loss, params, grads, h=1e-5):
    errors = {}
    for name in params:
        numeric = _numeric_loop(compute_loss, params[name], h)
        difference = grads[name]
        difference -= numeric  # the caller's gradient array
        errors[name] = np.linalg.norm(difference) / max(np.linalg.norm(grads[name] + numeric)
                                                        + np.linalg.norm(numeric), 1e-12)
    return errors


@wrong("sgd_step", "update every parameter")
def sgd_step(params, grads, learning_rate):
    for name in ("W1", "W2"):  # the biases are left out
        params[name] -= learning_rate * grads[name]


@wrong("sgd_step", "learning_rate argument")
def sgd_step(params, grads, learning_rate):
    for name in params:
        params[name] -= 0.1 * grads[name]  # the lesson's number, not the argument


@wrong("sgd_step", "changed its input `grads[")
def sgd_step(params, grads, learning_rate):
    for name in params:
        grads[name] *= learning_rate  # scales the caller's gradients
        params[name] -= grads[name]


@wrong("sgd_step", "learning rate is missing")
def sgd_step(params, grads, learning_rate):
    for name in params:
        params[name] -= grads[name]


@wrong("minibatches", "an empty batch")
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    return [(X[order[b * batch_size:(b + 1) * batch_size]], y[order[b * batch_size:(b + 1) * batch_size]])
            for b in range(len(X) // batch_size + 1)]  # one too many when batch_size divides len(X)


@wrong("minibatches", "batches of sizes")
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    return [(X[part], y[part]) for part in np.array_split(order, max(len(X) // batch_size, 1))]


@wrong("minibatches", "missing. Keep the last, smaller batch")
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    count = round(len(X) / batch_size)  # rounds the last, smaller batch away when it is less than half full
    return [(X[order[b * batch_size:(b + 1) * batch_size]], y[order[b * batch_size:(b + 1) * batch_size]])
            for b in range(count)]


@wrong("minibatches", "changed its input `X` in place")
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    X[:], y[:] = X[order], y[order]  # shuffles the caller's arrays
    return [(X[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(X), batch_size)]


@wrong("minibatches", "different seeds gave the same order")
def minibatches(X, y, batch_size, rng):
    order = np.random.default_rng(0).permutation(len(X))  # the same order every epoch
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]]) for i in range(0, len(X), batch_size)]


@wrong("minibatches", "same seed gave different batches")
def minibatches(X, y, batch_size, rng):
    order = np.random.permutation(len(X))  # NumPy's global generator, not rng
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]]) for i in range(0, len(X), batch_size)]


@wrong("minibatches", "the same samples every epoch")
def minibatches(X, y, batch_size, rng):
    batches = [(X[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(X), batch_size)]
    return [batches[b] for b in rng.permutation(len(batches))]  # shuffles the batches, not the samples


@wrong("minibatches", "the same samples every epoch")
def minibatches(X, y, batch_size, rng):
    for i in range(0, len(X), batch_size):
        inside = rng.permutation(min(batch_size, len(X) - i)) + i  # shuffled inside each batch only
        yield X[inside], y[inside]


@wrong("minibatches", "without replacement")
def minibatches(X, y, batch_size, rng):
    order = rng.choice(len(X), size=len(X))  # replace=True is choice's default
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]]) for i in range(0, len(X), batch_size)]


def _train(X, y, params, rng, *, epochs=100, batch_size=16, learning_rate=0.5):
    for epoch in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            P, cache = _forward(params, X[batch])
            grads = _backward(params, cache, _one_hot(y[batch], 2))
            for name in params:
                params[name] -= learning_rate * grads[name]
    return params


def _init(rng, hidden=16):
    return {"W1": rng.normal(0, np.sqrt(2 / 2), size=(2, hidden)), "b1": np.zeros(hidden),
            "W2": rng.normal(0, np.sqrt(1 / hidden), size=(hidden, 2)), "b2": np.zeros(2)}


@wrong("train_moons", "not on the points it was given")
def train_moons(X, y, rng):
    from sklearn.datasets import make_moons

    X_own, y_own = make_moons(n_samples=1000, noise=0.2, random_state=0)  # "more data is better"
    return _train(X_own, y_own, _init(rng), rng)


@wrong("train_moons", "every hidden unit")
def train_moons(X, y, rng):
    params = {"W1": np.zeros((2, 16)), "b1": np.zeros(16), "W2": np.zeros((16, 2)), "b2": np.zeros(2)}
    return _train(X, y, params, rng)


@wrong("train_moons", "changed its input `X` in place")
def train_moons(X, y, rng):
    X -= X.mean(axis=0)  # standardises the caller's array
    X /= X.std(axis=0)
    return _train(X, y, _init(rng), rng)


@wrong("train_moons", "still the initial ones")
def train_moons(X, y, rng):
    params = _init(rng)
    for epoch in range(100):
        for start in range(0, len(X), 16):
            P, cache = _forward(params, X[start:start + 16])
            grads = _backward(params, cache, _one_hot(y[start:start + 16], 2))
            new = {name: params[name] - 0.5 * grads[name] for name in params}  # computed, never kept
    return params


@wrong("train_moons", "paired with its own labels")
def train_moons(X, y, rng):
    params = _init(rng)
    for epoch in range(100):
        order = rng.permutation(len(X))
        for start in range(0, len(X), 16):
            P, cache = _forward(params, X[order[start:start + 16]])
            grads = _backward(params, cache, _one_hot(y[start:start + 16], 2))  # labels in the old order
            for name in params:
                params[name] -= 0.5 * grads[name]
    return params


@wrong("gradient_check", "is too large")
def gradient_check(compute_loss, params, grads, h=0.1):  # "a visible nudge"
    return {name: _relative_error(grads[name], _numeric_loop(compute_loss, params[name], h)) for name in params}


_kept_order = {}


@wrong("minibatches", "nor keep an order from an earlier call")
def minibatches(X, y, batch_size, rng):
    if len(X) not in _kept_order:  # shuffled once, then reused: the same batches every epoch
        _kept_order[len(X)] = rng.permutation(len(X))
    order = _kept_order[len(X)]
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]]) for i in range(0, len(X), batch_size)]


@wrong("minibatches", "two calls with the same generator")
def minibatches(X, y, batch_size, rng):
    import copy

    local = copy.deepcopy(rng)  # "so as not to change the caller's generator": every epoch the same order
    order = local.permutation(len(X))
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]]) for i in range(0, len(X), batch_size)]


@wrong("minibatches", "missing. Keep the last, smaller batch")
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]])
            for i in range(0, len(X) - batch_size, batch_size)]  # off by one: the last start is never reached
