"""Graded tasks of ``exercises/01_neurons.ipynb``: one neuron, activations, gates and softmax by hand."""

import numpy as np

from .. import (Array, Cases, Either, Exercise, Fail, Items, Number, call_each_case, expect_array, expect_close,
                expect_number)
from ._common import reference_relu, reference_softmax

EXERCISE = Exercise("01_neurons", "Neurons")
task = EXERCISE.task

GATE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
TRUTH_TABLES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0], "NOR": [1, 0, 0, 0],
                "XOR": [0, 1, 1, 0], "always 0": [0, 0, 0, 0], "always 1": [1, 1, 1, 1]}


def _weighted_sum_inputs(rng):
    n = int(rng.integers(3, 7))
    return {"x": rng.normal(size=n), "w": rng.normal(size=n), "b": float(rng.normal())}


@task("weighted_sum", points=2, inputs=_weighted_sum_inputs, answer=Number())
def judge_weighted_sum(data, inputs):
    x, w, b = inputs["x"], inputs["w"], inputs["b"]
    got = expect_number(data, "weighted_sum(x, w, b)")
    expect_close(got, x @ w + b, "weighted_sum(x, w, b)", hints=[
        (x @ w, "it equals x · w without the bias: add b."),
        (x @ w - b, "the bias is subtracted; the neuron's sum is w · x + b."),
        ((x + w).sum() + b, "it adds x and w; the inputs must be multiplied by their weights."),
    ])


def _activation_inputs(rng):
    z = rng.normal(scale=3.0, size=int(rng.integers(5, 10)))
    return {"cases": [{"z": z}, {"z": z.reshape(-1, 1) * np.array([1.0, -1.0])}, {"z": float(z[0])}]}


def _activation_answer(inputs):
    # An array per case, of any shape: the judge names a wrong shape itself ("keeps the shape of z").
    return Cases(inputs, Array())


def _judge_activation(data, inputs, name, reference, wrong):
    for case, got in zip(inputs["cases"], data):
        z = np.asarray(case["z"], dtype=float)
        array = expect_array(got, f"{name}(z) for z of shape {z.shape}")
        if array.shape != z.shape:
            raise Fail(f"{name}(z) for z of shape {z.shape} returned shape {array.shape}: an activation "
                       f"works element by element and keeps the shape of z.")
        expect_close(array, reference(z), f"{name}(z) for z of shape {z.shape}",
                     hints=[(candidate(z), hint) for candidate, hint in wrong])


@task("sigmoid", points=2, inputs=_activation_inputs, collect=call_each_case, answer=_activation_answer)
def judge_sigmoid(data, inputs):
    _judge_activation(data, inputs, "sigmoid", lambda z: 1 / (1 + np.exp(-z)), [
        (lambda z: 1 / (1 + np.exp(z)), "it is the sigmoid of -z: the exponent is e^(-z)."),
        (lambda z: np.exp(-z) / (1 + np.exp(-z)), "this is 1 - sigmoid(z): check the numerator."),
        (lambda z: np.tanh(z), "this is tanh, which runs from -1 to 1; sigmoid runs from 0 to 1."),
    ])


@task("relu", points=1, inputs=_activation_inputs, collect=call_each_case, answer=_activation_answer)
def judge_relu(data, inputs):
    _judge_activation(data, inputs, "relu", reference_relu, [
        (lambda z: np.abs(z), "negative inputs became positive (abs); ReLU sets them to 0."),
        (lambda z: np.minimum(z, 0.0), "it keeps the negative part; ReLU keeps max(z, 0)."),
        (lambda z: np.full_like(z, max(np.max(z), 0.0)), "np.max reduces the whole array to one number; "
                                                          "np.maximum(z, 0) compares element by element."),
    ])


def _step(z):
    return (np.asarray(z) > 0).astype(float)


# A pair (w, b); an array on its own goes on to the judge, whose hint asks for the pair.
@task("and_gate", points=2, answer=Either(Items(Array(shape=(2,)), Number(), names=("w", "b")), Array()))
def judge_and_gate(data, inputs):
    if type(data) is not list or len(data) != 2:
        raise Fail("and_gate() should return a pair (w, b): a weight array of 2 numbers and a bias.")
    w = expect_array(data[0], "the weights w", shape=(2,))
    b = expect_number(data[1], "the bias b")
    outputs = _step(GATE_INPUTS @ w + b).astype(int).tolist()
    if outputs != TRUTH_TABLES["AND"]:
        computed = next((gate for gate, table in TRUTH_TABLES.items() if table == outputs), None)
        what = f"computes {computed}" if computed else f"outputs {outputs}"
        raise Fail(f"with w={w.tolist()} and b={b:g} the step neuron {what} for inputs (0,0), (0,1), (1,0), "
                   f"(1,1); AND should give [0, 0, 0, 1]. The bias sets how much the weighted sum must reach "
                   f"before the neuron fires: only both inputs together may get past it.")


@task("xor_network", points=2, inputs=lambda rng: {"X": GATE_INPUTS[rng.permutation(4)]}, answer=Array(shape=(4,)))
def judge_xor_network(data, inputs):
    got = expect_array(data, "xor_network(X)", shape=(4,))
    want = TRUTH_TABLES["XOR"]
    order = [TRUTH_TABLES["XOR"][int(2 * a + b)] for a, b in inputs["X"]]
    if got.round().astype(int).tolist() != order or not np.allclose(got, np.round(got)):
        seen = {tuple(x.astype(int)): value for x, value in zip(inputs["X"], got.round(3).tolist())}
        raise Fail(f"xor_network gave {seen}; XOR is 1 only when exactly one input is 1 ({want} for (0,0), (0,1),"
                   f" (1,0), (1,1)). Combine an OR neuron and a NAND neuron in the hidden layer, then AND them.")


def _softmax_inputs(rng):
    z = rng.normal(scale=2.0, size=int(rng.integers(3, 8)))
    big = z + 1000.0
    return {"cases": [{"z": z}, {"z": big}]}


@task("softmax", points=2, inputs=_softmax_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, lambda case: Array(shape=case["z"].shape)))
def judge_softmax(data, inputs):
    for case, got in zip(inputs["cases"], data):
        z = case["z"]
        want = reference_softmax(z)
        name = "softmax(z)" if z.max() < 100 else "softmax(z) for large z (around 1000)"
        probabilities = expect_array(got, name, shape=z.shape, finite=False)
        if not np.all(np.isfinite(probabilities)):
            raise Fail(f"{name} contains NaN or inf: np.exp(1000) overflows. Subtract z.max() from z before "
                       f"exponentiating; the result does not change, because softmax ignores a shift.")
        if not np.isclose(probabilities.sum(), 1.0):
            raise Fail(f"{name} sums to {probabilities.sum():.4g}; probabilities must sum to 1: divide by the "
                       f"sum of the exponentials.")
        expect_close(probabilities, want, name, hints=[
            (z / z.sum(), "it divides z by its sum; softmax divides exp(z) by the sum of exp(z)."),
        ])
