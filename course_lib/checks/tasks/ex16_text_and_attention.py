"""Graded tasks of ``exercises/16_text_and_attention.ipynb``: attention, masks, positions, Q-learning, ε-greedy,
and a Transformer classifier in Keras, read as a graph.

Each judge's docstring states, clause by clause, what a correct answer must satisfy; the inputs hold a case for
every clause (non-square query and key counts, a key length that differs from the value length, scores large
enough to overflow ``np.exp``, a mask, terminal steps, tied action values), so that an answer which ignores one
of them fails on every seed.
"""

import numpy as np

from .. import (ANY, Array, Cases, CasesUntilError, Exercise, Fail, Flag, Integer, ListOf, Record, Text,
                call_each_case, call_each_case_until_error, expect_array, expect_close)
from ._common import reference_softmax, shape_text

EXERCISE = Exercise("16_text_and_attention", "Text and attention")
task = EXERCISE.task


# --------------------------------------------------------------------------------------------------------
# Task 1: scaled dot-product attention, with an optional mask


def _reference_attention(Q, K, V, mask=None):
    """``(softmax(Q K^T / sqrt(d_k)) V, weights)``, the masked scores set to -inf before the softmax."""
    scores = Q @ K.T / np.sqrt(K.shape[1])                  # (n_q, d_k) @ (d_k, n_k) -> (n_q, n_k)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = reference_softmax(scores, axis=1)
    return weights @ V, weights


def _attention_case(rng, n_q, n_k, d_k, d_v, largest_score=None, masked=False):
    case = {"Q": rng.normal(size=(n_q, d_k)), "K": rng.normal(size=(n_k, d_k)), "V": rng.normal(size=(n_k, d_v))}
    if largest_score is not None:  # scale Q so that the largest scaled score is exactly this (np.exp overflows)
        case["Q"] *= largest_score / (case["Q"] @ case["K"].T / np.sqrt(d_k)).max()
    if masked:
        mask = rng.random((n_q, n_k)) < 0.5
        mask[np.arange(n_q), rng.integers(0, n_k, size=n_q)] = True  # every query may see at least one key
        case["mask"] = mask
    return case


def _attention_inputs(rng):
    n_q, n_k, d_k, d_v = (int(n) for n in rng.choice(np.arange(3, 10), size=4, replace=False))
    square = int(rng.integers(3, 7))
    return {"cases": [
        _attention_case(rng, n_q, n_k, d_k, d_v),                       # all four sizes differ
        _attention_case(rng, square, square, square, square + 2),      # n_k = d_k: Q @ K runs, and is wrong
        _attention_case(rng, n_k, n_q, d_k, d_v, masked=True),          # a mask, True = may attend
        _attention_case(rng, 4, 5, 8, 3, largest_score=float(rng.uniform(900, 1500))),  # np.exp overflows
    ]}


def _attention_slips(Q, K, V, mask):
    """``(output, weights, hint)`` for the slips learners make, computed where the shapes allow."""
    d_k, n_k, d_v = K.shape[1], K.shape[0], V.shape[1]
    scores = Q @ K.T

    def finish(raw, how="before", axis=1):
        if mask is not None and how == "before":
            raw = np.where(mask, raw, -np.inf)
        weights = reference_softmax(raw, axis=axis)
        if mask is not None and how == "after":
            weights = weights * mask
        if mask is not None and how == "zero":
            weights = reference_softmax(np.where(mask, raw, 0.0), axis=axis)
        if mask is not None and how == "inverted":
            weights = reference_softmax(np.where(mask, -np.inf, raw), axis=axis)
        return weights @ V, weights

    slips = []
    # A slip that coincides with the right answer for some sizes (sqrt(n_k) when n_k = d_k) is never reached:
    # the judge compares with the right answer first.
    for raw, hint in ((scores, "the scores are not scaled: divide Q @ K.T by sqrt(d_k), the length of a key."),
                      (scores / d_k, "the scores are divided by d_k; divide by its SQUARE ROOT, np.sqrt(d_k)."),
                      (scores * np.sqrt(d_k), "the scores are multiplied by sqrt(d_k); DIVIDE by it."),
                      (scores / np.sqrt(n_k), f"the scores are divided by sqrt({n_k}), the square root of the number "
                                              f"of keys; d_k is the length of a key, K.shape[1] ({d_k})."),
                      (scores / np.sqrt(d_v), f"the scores are divided by sqrt({d_v}), the length of a VALUE; d_k is "
                                              f"the length of a key, K.shape[1] ({d_k}).")):
        slips.append((*finish(raw), hint))
    slips.append((*finish(scores / np.sqrt(d_k), axis=0),
                  "the softmax runs down the columns (axis=0). Each QUERY's weights must add up to 1: take the "
                  "softmax along each row, over the keys (axis=1 or axis=-1)."))
    if mask is not None:
        scaled = scores / np.sqrt(d_k)
        slips += [
            (*finish(scaled, "after"), "the mask is applied AFTER the softmax, so the rows no longer add up to 1. "
                                       "Set the masked scores to -inf (or a large negative number) BEFORE the "
                                       "softmax; the softmax then gives them weight 0 and renormalizes the rest."),
            (*finish(scaled, "zero"), "the masked scores are set to 0, and exp(0) = 1 still gives them weight. Set "
                                      "them to -inf (or -1e9) before the softmax, so exp gives exactly 0."),
            (*finish(scaled, "inverted"), "the mask is inverted: True means the query MAY attend to that key; the "
                                          "False positions are the ones to block."),
        ]
    return slips


@task("scaled_dot_attention", points=3, inputs=_attention_inputs, collect=call_each_case_until_error,
      answer=lambda inputs: CasesUntilError(inputs, ListOf(Array(), length=2)))
def judge_scaled_dot_attention(data, inputs):
    """A correct answer, on every case:

    - returns ``(output, weights)``: ``output`` of shape ``(n_q, d_v)`` and ``weights`` of shape ``(n_q, n_k)``
      (case 1: all four sizes differ, so a transposed K raises and a swapped pair shows; case 2: ``n_k = d_k``,
      so ``Q @ K`` without the transpose runs and gives wrong numbers);
    - ``weights = softmax(Q K^T / sqrt(d_k))`` along each row (over the keys), ``d_k = K.shape[1]``, not the
      number of keys nor the value length; ``output = weights @ V``;
    - with a ``mask`` (case 3; True = may attend), the masked weights are 0 and each row still sums to 1: the
      masked scores are set to -inf (or a large negative number) before the softmax;
    - stays finite for scores of several hundred (case 4): ``np.exp(800)`` overflows, so the softmax subtracts
      each row's largest score first;
    - leaves ``Q``, ``K``, ``V`` and ``mask`` unchanged (the framework's guard).
    """
    for number, (case, got) in enumerate(zip(inputs["cases"], data), start=1):
        Q, K, V, mask = case["Q"], case["K"], case["V"], case.get("mask")
        n_q, d_k, n_k, d_v = Q.shape[0], Q.shape[1], K.shape[0], V.shape[1]
        what = (f"scaled_dot_attention(Q {shape_text(Q.shape)}, K {shape_text(K.shape)}, V {shape_text(V.shape)}"
                + (", mask" if mask is not None else "") + ")")
        if "raised" in got:
            error = got["raised"]
            hint = ""
            if "matmul" in error or "shapes" in error or "aligned" in error:
                hint = (f" The scores are Q @ K.T: ({n_q}, {d_k}) @ ({d_k}, {n_k}) -> ({n_q}, {n_k}); then "
                        f"weights @ V: ({n_q}, {n_k}) @ ({n_k}, {d_v}) -> ({n_q}, {d_v}). Check which one is "
                        f"transposed.")
            raise Fail(f"{what} raised {error}.{hint}")
        output, weights = (expect_array(item, what, finite=False) for item in got["returned"])
        want_output, want_weights = _reference_attention(Q, K, V, mask)
        if output.shape == want_weights.shape and weights.shape == want_output.shape \
                and want_output.shape != want_weights.shape:
            raise Fail(f"{what} returned (weights, output); return them in the order (output, weights).")
        if not (np.all(np.isfinite(output)) and np.all(np.isfinite(weights))):
            bad = "NaN" if np.isnan(output).any() or np.isnan(weights).any() else "inf"
            raise Fail(f"{what} contains {bad}. The scores here are several hundred, and np.exp(800) overflows "
                       f"to inf (inf / inf = NaN). Subtract each row's largest score before np.exp: "
                       f"softmax(s) = softmax(s - s.max(axis=-1, keepdims=True)), the same weights without "
                       f"the overflow.")
        if weights.shape != (n_q, n_k):
            hint = ": it looks transposed (one row per QUERY, one column per key)." \
                if weights.shape == (n_k, n_q) else ": one row per query and one column per key."
            raise Fail(f"{what}: the weights have shape {weights.shape}, expected ({n_q}, {n_k}){hint}")
        if output.shape != (n_q, d_v):
            raise Fail(f"{what}: the output has shape {output.shape}, expected ({n_q}, {d_v}), one row per query "
                       f"with the values' length: weights @ V.")
        with np.errstate(all="ignore"):  # a column of -inf in a slip's softmax gives NaN: it then matches nothing
            slips = _attention_slips(Q, K, V, mask)
        if n_k == d_k:
            with np.errstate(all="ignore"):
                raw = Q @ K / np.sqrt(d_k)
            slips.insert(0, (reference_softmax(raw) @ V, reference_softmax(raw),
                             "the scores are Q @ K, without transposing K. Row i of Q must meet ROW j of K (the "
                             "key of position j): Q @ K.T."))
        expect_close(weights, want_weights, f"the weights of {what}", rtol=1e-6, atol=1e-9,
                     hints=[(slip_weights, hint) for _, slip_weights, hint in slips])
        expect_close(output, want_output, f"the output of {what}", rtol=1e-6, atol=1e-9, hints=[
            (want_weights @ V[::-1], "the weights are right but the output is not weights @ V.")])


# --------------------------------------------------------------------------------------------------------
# Task 2: a causal mask


def _causal_inputs(rng):
    sizes = [int(n) for n in rng.choice(np.arange(3, 10), size=2, replace=False)]
    return {"cases": [{"n": sizes[0]}, {"n": 1}, {"n": sizes[1]}]}


@task("causal_mask", points=1, inputs=_causal_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array()))
def judge_causal_mask(data, inputs):
    """A correct answer, for every ``n`` (1 included):

    - is a boolean array of shape ``(n, n)`` (``dtype=bool``: ``np.where(mask, scores, -np.inf)`` and ``~mask``
      need booleans; ``~`` on an int array gives -1 and -2);
    - is True at ``[i, j]`` exactly when ``j <= i``: position ``i`` may look at itself and the positions before
      it, not after (the lower triangle WITH its diagonal).
    """
    for case, got in zip(inputs["cases"], data):
        n = case["n"]
        what = f"causal_mask({n})"
        mask = expect_array(got, what)
        if mask.shape != (n, n):
            raise Fail(f"{what} has shape {mask.shape}, expected ({n}, {n}): one row per query position and one "
                       f"column per key position.")
        want = np.tril(np.ones((n, n), dtype=bool))
        dtype = got["__ndarray__"] if type(got) is dict else "a nested list"
        if np.array_equal(mask, want) and dtype != "bool":
            raise Fail(f"{what} has the right pattern but dtype {dtype}; return booleans (dtype=bool), e.g. "
                       f"np.tril(np.ones((n, n), dtype=bool)): ~mask and np.where(mask, ...) need True/False.")
        if np.array_equal(mask, want):
            continue
        for candidate, hint in (
                (np.tril(want, k=-1), "the diagonal is False, so no position may look at ITSELF (and the first "
                                      "position sees nothing at all: its softmax row would be all -inf). "
                                      "Include the diagonal: j <= i."),
                (want.T, "it is the UPPER triangle: position i sees the positions AFTER it, the future. Row i is "
                         "the query; it may see columns j <= i."),
                (~want, "it is inverted: True must mean MAY attend (j <= i); here True marks the blocked "
                        "positions."),
                (~np.tril(want, k=-1),
                 "it is True on and ABOVE the diagonal: that lets each position see the future. Take the lower "
                 "triangle with the diagonal, j <= i."),
                (np.ones((n, n)), "everything is True: nothing is masked."),
        ):
            if np.array_equal(mask, candidate):
                raise Fail(f"{what} is wrong: {hint}")
        raise Fail(f"{what} is wrong: expected True exactly where j <= i (the lower triangle with its diagonal), "
                   f"got {mask.astype(int).tolist()}.")


# --------------------------------------------------------------------------------------------------------
# Task 3: the sinusoidal positional encoding


def _reference_encoding(length, depth):
    positions = np.arange(length)[:, None]                     # (length, 1)
    rates = 1.0 / 10000 ** (np.arange(0, depth, 2) / depth)    # (depth / 2,): 2i / depth for i = 0, 1, ...
    angles = positions * rates                                 # (length, depth / 2)
    encoding = np.empty((length, depth))
    encoding[:, 0::2], encoding[:, 1::2] = np.sin(angles), np.cos(angles)
    return encoding


def _encoding_inputs(rng):
    return {"cases": [{"length": int(rng.integers(5, 9)), "depth": int(rng.choice([10, 12]))},
                      {"length": int(rng.integers(30, 60)), "depth": int(rng.choice([16, 20, 24]))},
                      {"length": 3, "depth": int(rng.choice([6, 8]))}]}


def _encoding_slips(length, depth):
    positions = np.arange(length)[:, None]
    columns = np.arange(depth)
    rates = 1.0 / 10000 ** (np.arange(0, depth, 2) / depth)
    angles = positions * rates

    def woven(first, second):
        encoding = np.empty((length, depth))
        encoding[:, 0::2], encoding[:, 1::2] = first, second
        return encoding

    return [
        (np.concatenate([np.sin(angles), np.cos(angles)], axis=1),
         "the sines fill the first half of the columns and the cosines the second half. The specification "
         "INTERLEAVES them: column 2i is sin, column 2i + 1 is cos, of the same angle."),
        (woven(np.cos(angles), np.sin(angles)), "sin and cos are swapped: even columns (0, 2, 4, ...) get the sine, "
                                                "odd columns the cosine."),
        (np.where(columns % 2 == 0, np.sin(positions / 10000 ** (columns / depth)),
                  np.cos(positions / 10000 ** (columns / depth))),
         "the odd columns use their own index in the exponent: column 2i + 1 must use the SAME frequency as "
         "column 2i, 1 / 10000**(2i / depth), so each (sin, cos) pair shares one angle."),
        (woven(np.sin(positions / 10000 ** (np.arange(0, depth, 2)[None, :] * 2 / depth)),
               np.cos(positions / 10000 ** (np.arange(0, depth, 2)[None, :] * 2 / depth))),
         "the exponent is doubled twice: for the pair i (columns 2i and 2i + 1) it is 2i / depth, and "
         "np.arange(0, depth, 2) already gives the values 2i."),
        (woven(np.sin(positions / 10000 ** (np.arange(depth // 2)[None, :] / depth)),
               np.cos(positions / 10000 ** (np.arange(depth // 2)[None, :] / depth))),
         "the exponent is i / depth; it is 2i / depth (the column index of the sine, np.arange(0, depth, 2) / "
         "depth)."),
        (woven(np.sin(positions * 10000 ** (np.arange(0, depth, 2) / depth)),
               np.cos(positions * 10000 ** (np.arange(0, depth, 2) / depth))),
         "the positions are MULTIPLIED by 10000**(2i / depth); divide by it, so the frequencies fall from 1 "
         "(column 0) to nearly 1/10000."),
        (_reference_encoding(length + 1, depth)[1:], "the positions start at 1; the first position is 0 (its row is 0, 1, "
                                            "0, 1, ...)."),
    ]


@task("positional_encoding", points=2, inputs=_encoding_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, Array()))
def judge_positional_encoding(data, inputs):
    """A correct answer, for every case:

    - has shape ``(length, depth)`` (case 3 has fewer positions than columns, so a transposed table shows);
    - holds ``sin(p / 10000**(2i / depth))`` in column ``2i`` and ``cos`` of the same angle in column ``2i + 1``,
      for positions ``p = 0 .. length - 1``: interleaved, not in two halves; the same frequency for the two
      columns of a pair; positions from 0.
    """
    for case, got in zip(inputs["cases"], data):
        length, depth = case["length"], case["depth"]
        what = f"positional_encoding(length={length}, depth={depth})"
        encoding = expect_array(got, what)
        if encoding.shape != (length, depth):
            hint = (": it looks transposed: one ROW per position, one column per dimension."
                    if encoding.shape == (depth, length) else ": one row per position, one column per dimension.")
            raise Fail(f"{what} has shape {encoding.shape}, expected ({length}, {depth}){hint}")
        expect_close(encoding, _reference_encoding(length, depth), what, rtol=1e-6, atol=1e-9,
                     hints=_encoding_slips(length, depth))


# --------------------------------------------------------------------------------------------------------
# Task 4: one Q-learning update


def _q_case(rng, num_states, num_actions, done, same_state=False):
    Q = np.round(rng.normal(scale=2.0, size=(num_states, num_actions)), 3)
    state = int(rng.integers(num_states))
    next_state = state if same_state else int(rng.choice([s for s in range(num_states) if s != state]))
    # The next state's best value differs from the value of the same action there, so SARSA-like slips show.
    Q[next_state] = rng.permutation(np.linspace(-1.5, 3.0, num_actions) + rng.normal(scale=0.1))
    action = int(rng.integers(num_actions))
    if Q[next_state, action] == Q[next_state].max():
        action = int(np.argmin(Q[next_state]))
    return {"Q": Q, "state": state, "action": action, "reward": float(np.round(rng.uniform(-1, 2), 2)),
            "next_state": next_state, "done": done, "alpha": float(rng.choice([0.1, 0.3, 0.5])),
            "gamma": float(rng.choice([0.8, 0.9, 0.95]))}


def _q_inputs(rng):
    sizes = [int(n) for n in rng.choice(np.arange(3, 8), size=2, replace=False)]
    return {"cases": [_q_case(rng, sizes[0] + 2, sizes[1], done=False),
                      _q_case(rng, sizes[1] + 2, sizes[0], done=True),
                      _q_case(rng, sizes[0] + 2, sizes[0], done=False, same_state=True),
                      _q_case(rng, sizes[1] + 2, sizes[1], done=True)]}


def _q_reference(Q, state, action, reward, next_state, done, alpha, gamma):
    target = reward if done else reward + gamma * Q[next_state].max()
    updated = Q.copy()
    updated[state, action] += alpha * (target - Q[state, action])
    return updated


def _q_slips(Q, state, action, reward, next_state, done, alpha, gamma):
    """``(value of the updated entry, hint)`` for each slip; only the entry ``[state, action]`` differs."""
    old, best_next = Q[state, action], Q[next_state].max()
    bootstrap = 0.0 if done else gamma * best_next
    slips = []
    if done:
        slips += [(old + alpha * (reward + gamma * best_next - old),
                   "the update bootstraps from the next state although the episode ENDED (done=True): after a "
                   "terminal step nothing follows, so the target is just the reward, r."),
                  (old + alpha * (0.0 - old),
                   "at the end of an episode (done=True) the target is the REWARD of this last step, not 0: "
                   "nothing follows it, but its own reward still counts.")]
    slips += [
        (old + alpha * (reward + (0.0 if done else gamma * Q[next_state, action]) - old),
         "the target uses Q[next_state, action], the value of the SAME action in the next state; Q-learning "
         "takes the BEST action there: reward + gamma * max(Q[next_state])."),
        (old + alpha * (reward + (0.0 if done else gamma * Q[state].max()) - old),
         "the target uses max(Q[state]), the CURRENT state's values; it is the NEXT state's: reward + gamma * "
         "max(Q[next_state])."),
        (reward + bootstrap, "the entry is replaced by the target (alpha is ignored); it moves only a step "
                             "alpha towards it: Q[s, a] + alpha * (target - Q[s, a])."),
        (old + alpha * (reward + bootstrap), "the update adds alpha * target; it adds alpha * (target - Q[s, a]), "
                                             "the ERROR of the current estimate."),
        (old + alpha * (reward + (0.0 if done else best_next) - old),
         "the next state's value is not discounted: reward + GAMMA * max(Q[next_state])."),
        (old + alpha * (reward + (0.0 if done else gamma * Q[next_state].min()) - old),
         "the target uses the SMALLEST value of the next state; Q-learning assumes the agent acts as well as it "
         "can from there: max(Q[next_state])."),
    ]
    return slips


@task("q_learning_update", points=2, inputs=_q_inputs, collect=call_each_case,
      answer=lambda inputs: Cases(inputs, lambda case: Array()))
def judge_q_learning_update(data, inputs):
    """A correct answer, on every case:

    - returns a NEW table of the same shape as ``Q`` and leaves ``Q`` itself unchanged (the framework's guard
      fails an update made in place);
    - differs from ``Q`` only at ``[state, action]``, which moves a step ``alpha`` towards the target:
      ``Q[s, a] + alpha * (target - Q[s, a])``;
    - the target is ``reward + gamma * max(Q[next_state])``, or just ``reward`` when ``done`` (cases 2 and 4);
      the max over the NEXT state's row (case 3 has ``next_state == state``, the others differ), over all its
      actions, not the value of the action taken.
    """
    for number, (case, got) in enumerate(zip(inputs["cases"], data), start=1):
        Q, state, action = case["Q"], case["state"], case["action"]
        what = (f"q_learning_update(Q {shape_text(Q.shape)}, state={state}, action={action}, "
                f"reward={case['reward']}, next_state={case['next_state']}, done={case['done']}, "
                f"alpha={case['alpha']}, gamma={case['gamma']})")
        table = expect_array(got, what)
        if table.shape != Q.shape:
            hint = ""
            if table.shape == (Q.shape[1],):
                hint = ": one row; return the WHOLE table, with the one entry updated."
            elif table.ndim == 0 or table.size == 1:
                hint = ": a single number; return the whole table (a copy of Q with Q[state, action] updated)."
            raise Fail(f"{what} has shape {table.shape}, expected {Q.shape}{hint}")
        want = _q_reference(**case)
        if np.allclose(table, want, rtol=1e-9, atol=1e-9):
            continue
        others = np.ones(Q.shape, dtype=bool)
        others[state, action] = False
        if not np.allclose(table[others], Q[others]):
            changed = [tuple(int(i) for i in index) for index in np.argwhere(~np.isclose(table, Q) & others)][:3]
            raise Fail(f"{what} changed entries other than Q[{state}, {action}] (e.g. at {changed}): only the "
                       f"entry of the state and action just taken is updated.")
        entry = table[state, action]
        if np.isclose(entry, Q[state, action]) and not np.isclose(want[state, action], Q[state, action]):
            raise Fail(f"{what} returned Q unchanged at [{state}, {action}]; expected "
                       f"{want[state, action]:.6g}. Did you update a copy and return the original?")
        for value, hint in _q_slips(**case):
            if np.isclose(entry, value, rtol=1e-9, atol=1e-9):
                raise Fail(f"{what} is wrong at [{state}, {action}]: {hint}")
        raise Fail(f"{what} is wrong at [{state}, {action}]: expected {want[state, action]:.6g}, got {entry:.6g}.")


# --------------------------------------------------------------------------------------------------------
# Task 5: ε-greedy action choice, ties broken at random

#: How many times the collect calls the function per case; shares are judged within a tolerance of 0.04,
#: about five standard deviations of a share measured on 4,000 draws.
DRAWS, TOLERANCE = 4000, 0.04


def _greedy_inputs(rng):
    def distinct(k):
        return rng.permutation(np.round(np.linspace(-1.0, 2.0, k) + rng.normal(scale=0.05), 3))

    k1, k2, k3 = (int(n) for n in rng.choice([3, 4, 5, 6], size=3))
    tied = distinct(k3 + 2)
    best = tied.max()
    tied_at = rng.choice(len(tied), size=3, replace=False)
    tied[tied_at] = best + 0.5                         # three actions share the best value
    return {"cases": [
        # Exploring part of the time first: there a reversed comparison and a missing greedy choice differ.
        {"q_values": distinct(k2), "epsilon": float(rng.choice([0.2, 0.3, 0.4])), "seed": int(rng.integers(2**31))},
        {"q_values": distinct(k1), "epsilon": 0.0, "seed": int(rng.integers(2**31))},
        {"q_values": tied, "epsilon": 0.0, "seed": int(rng.integers(2**31))},
        {"q_values": distinct(k1), "epsilon": 1.0, "seed": int(rng.integers(2**31))},
    ]}


def _collect_greedy(answer, inputs):
    """Per case: how often each action came back in DRAWS calls, whether the same seed gives the same actions
    again (the function must use the ``rng`` it is given), and the type of the first answer that is not an int."""
    collected = []
    for case in inputs["cases"]:
        q_values, epsilon = case["q_values"], case["epsilon"]
        counts, bad = [0] * len(q_values), None
        rng = np.random.default_rng(case["seed"])
        first = []
        for draw in range(DRAWS):
            action = answer(q_values=q_values, epsilon=epsilon, rng=rng)
            if isinstance(action, (bool, np.bool_)) or not isinstance(action, (int, np.integer)):
                bad = f"{type(action).__module__}.{type(action).__qualname__}: {str(action)[:60]}"
                break
            if not 0 <= int(action) < len(q_values):
                bad = f"the action {int(action)}, outside 0 .. {len(q_values) - 1}"
                break
            counts[int(action)] += 1
            if draw < 200:
                first.append(int(action))
        repeatable = True
        if bad is None:
            rng = np.random.default_rng(case["seed"])
            again = [int(answer(q_values=q_values, epsilon=epsilon, rng=rng)) for _ in range(200)]
            repeatable = again == first
        collected.append({"counts": counts, "repeatable": repeatable, "bad": bad})
    return collected


class _TextOrNone(Text):
    """A string, or ``None``."""

    def check(self, data, what):
        if data is not None:
            super().check(data, what)


def _greedy_spec(inputs):
    return Cases(inputs, Record({"counts": ListOf(Integer()), "repeatable": Flag(), "bad": _TextOrNone()}))


def _greedy_shares(q_values, epsilon):
    """The share of each action the specification gives: epsilon spread over all, the rest over the tied best."""
    k = len(q_values)
    best = np.flatnonzero(q_values == q_values.max())
    shares = np.full(k, epsilon / k)
    shares[best] += (1 - epsilon) / len(best)
    return shares


@task("epsilon_greedy", points=2, inputs=_greedy_inputs, collect=_collect_greedy, answer=_greedy_spec)
def judge_epsilon_greedy(data, inputs):
    """A correct answer, on every case (each called 4,000 times, shares judged within 0.04):

    - returns an int action from 0 to ``len(q_values) - 1``;
    - with probability ``epsilon`` picks uniformly among ALL actions (the best one included), otherwise the
      action with the largest value; ``epsilon = 0`` is always greedy, ``epsilon = 1`` always random;
    - breaks ties among the best actions uniformly at random (case 3 has three tied), not by the first index;
    - draws its random numbers from the ``rng`` it is given, so the same seed gives the same actions.
    """
    for number, (case, got) in enumerate(zip(inputs["cases"], data), start=1):
        q_values, epsilon = case["q_values"], case["epsilon"]
        k = len(q_values)
        what = f"epsilon_greedy(q_values={np.round(q_values, 3).tolist()}, epsilon={epsilon}, rng)"
        if got["bad"] is not None:
            raise Fail(f"{what} returned {got['bad']}; expected an action, an int from 0 to {k - 1} (the INDEX of "
                       f"the chosen action, not its value).")
        if len(got["counts"]) != k or sum(got["counts"]) != DRAWS:
            raise Fail(f"{what}: the counts of the check are malformed.")
        shares = np.array(got["counts"]) / DRAWS
        want = _greedy_shares(q_values, epsilon)
        if np.all(np.abs(shares - want) <= TOLERANCE):
            if not got["repeatable"]:
                raise Fail(f"{what} gives other actions each time with the same seed: draw the random numbers from "
                           f"the `rng` argument (rng.random(), rng.integers(...), rng.choice(...)), not from "
                           f"np.random or the random module, so that a run can be repeated.")
            continue
        shown = f"{what} chose the actions with shares {np.round(shares, 2).tolist()}; expected about " \
                f"{np.round(want, 2).tolist()}"
        best = np.flatnonzero(q_values == q_values.max())
        first_only = _greedy_shares(q_values, epsilon)
        first_only[best] = epsilon / k
        first_only[best[0]] += 1 - epsilon
        explore_others = np.full(k, epsilon / max(k - 1, 1))
        explore_others[best[0]] = 1 - epsilon if len(best) == 1 else explore_others[best[0]]
        candidates = [
            (first_only, "ties go to the FIRST best action (np.argmax does that). Break ties at random among all "
                         "the best ones: rng.choice(np.flatnonzero(q_values == q_values.max()))."),
            (_greedy_shares(q_values, 1 - epsilon), f"it explores with probability 1 - epsilon: explore when "
                                                    f"rng.random() < epsilon ({epsilon}), exploit otherwise."),
            (_greedy_shares(-q_values, epsilon), "it prefers the SMALLEST value: the greedy action has the "
                                                 "largest Q value (max, argmax)."),
            (np.full(k, 1 / k), "every action is equally likely: the greedy choice is missing, or epsilon is "
                                "ignored."),
        ]
        if len(best) == 1 and 0 < epsilon < 1:
            candidates.append((explore_others, "exploring picks only among the OTHER actions; a random action is "
                                               "drawn from ALL of them, the best one included "
                                               "(rng.integers(len(q_values)))."))
        for shares_slip, hint in candidates:
            if np.all(np.abs(shares - shares_slip) <= TOLERANCE) and np.any(np.abs(shares_slip - want) > TOLERANCE):
                raise Fail(f"{shown}: {hint}")
        raise Fail(f"{shown}: with probability epsilon any action, else the best one (ties at random).")


# --------------------------------------------------------------------------------------------------------
# Task 6: a Transformer classifier, read as a graph


def _transformer_inputs(rng):
    num_heads = int(rng.choice([2, 4]))
    dim = num_heads * int(rng.choice([3, 5, 6]))                       # key_dim = dim / num_heads: 3, 5 or 6
    return {"vocab_size": int(rng.integers(40, 90)), "length": int(rng.integers(9, 15)), "dim": dim,
            "num_heads": num_heads, "hidden": int(rng.choice([28, 36, 44]))}


def _keras_history(node):
    """The names of the layers whose outputs a serialized call node reads, in order."""
    names = []
    if type(node) is dict:
        if node.get("class_name") == "__keras_tensor__":
            history = (node.get("config") or {}).get("keras_history")
            if isinstance(history, (list, tuple)) and history:
                names.append(str(history[0]))
            return names
        for value in node.values():
            names += _keras_history(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            names += _keras_history(value)
    return names


def _collect_transformer(answer, inputs):
    """The model as a graph of plain records (class, name, the layers it reads, its settings), read from
    ``model.get_config()``, and whether swapping two words changes its output (positions are in it)."""
    import keras

    model = answer(**inputs)
    # Not describe_model: it cannot read LayerNormalization's config (its axis is a Keras TrackedList).
    if not isinstance(model, keras.Model):
        raise Fail(f"expected a keras.Model, got a {type(model).__module__}.{type(model).__qualname__}"
                   + (": did you forget to `return` the model?" if model is None else ""))
    config = model.get_config()
    nodes = []
    for layer in config.get("layers") or []:
        settings = layer.get("config") or {}

        def whole(key):
            value = settings.get(key)
            return int(value) if type(value) is int else -1

        nodes.append({"class": str(layer.get("class_name")), "name": str(layer.get("name")),
                      "module": str(layer.get("module")), "inbound": _keras_history(layer.get("inbound_nodes")),
                      "units": whole("units"), "input_dim": whole("input_dim"), "output_dim": whole("output_dim"),
                      "num_heads": whole("num_heads"), "key_dim": whole("key_dim"),
                      "activation": str(settings.get("activation") or ""),
                      "mask_zero": settings.get("mask_zero") is True})
    rng = np.random.default_rng(0)
    ids = np.zeros((1, inputs["length"]), dtype="int32")
    ids[0, :5] = rng.choice(np.arange(2, inputs["vocab_size"]), size=5, replace=False)
    swapped = ids.copy()
    swapped[0, [0, 3]] = ids[0, [3, 0]]
    try:
        outputs = [np.asarray(model(batch, training=False), dtype=float).ravel() for batch in (ids, swapped)]
        order_sensitive, probe_error = bool(np.abs(outputs[0] - outputs[1]).max() > 1e-5), ""
    except Exception as error:  # noqa: BLE001 - the judge names the cause after reading the graph
        order_sensitive, probe_error = False, f"{type(error).__name__}: {error}"[:300]
    return {"class": type(model).__name__, "output_shape": [None if n is None else int(n) for n in model.outputs[0].shape],
            "nodes": nodes,
            "order_sensitive": order_sensitive, "probe_error": probe_error}


_NODE = Record({"class": Text(), "name": Text(), "module": Text(), "inbound": ListOf(Text()), "units": Integer(),
                "input_dim": Integer(), "output_dim": Integer(), "num_heads": Integer(), "key_dim": Integer(),
                "activation": Text(), "mask_zero": Flag()})
_GRAPH = Record({"class": Text(), "output_shape": ListOf(ANY), "nodes": ListOf(_NODE), "order_sensitive": Flag(),
                 "probe_error": Text()})


def _one(nodes, kind, reads, what):
    """The single node of class ``kind`` that reads exactly the layers ``reads`` (in any order), or Fail."""
    found = [node for node in nodes if node["class"] == kind and sorted(node["inbound"]) == sorted(reads)]
    if len(found) != 1:
        raise Fail(what)
    return found[0]


@task("build_text_transformer", points=2, inputs=_transformer_inputs, collect=_collect_transformer,
      answer=_GRAPH)
def judge_build_text_transformer(data, inputs):
    """A correct answer is an (untrained) functional ``keras.Model`` whose graph is, in this order:

    - ``Input((length,), int)`` -> ``Embedding(vocab_size, dim, mask_zero=True)`` -> the given
      ``PositionEmbedding(length, dim)`` (checked by behaviour: swapping two words changes the output);
    - ``MultiHeadAttention(num_heads, key_dim=dim // num_heads)`` called on that tensor as query and value;
    - a residual ``layers.Add`` of the attention's input and output, then ``LayerNormalization`` (post-norm);
    - ``Dense(hidden, relu)`` -> ``Dense(dim)`` on the normalized tensor, a second residual ``Add`` of the
      normalized tensor and that output, ``LayerNormalization``;
    - ``GlobalAveragePooling1D`` -> ``Dense(1, sigmoid)``, the model's output ``(None, 1)``.

    The additions must be ``layers.Add`` layers: ``x + y`` on Keras tensors is an operation that drops the
    padding mask, so the pooling would average the padding too. All sizes differ from one another, so a
    swapped argument shows.
    """
    vocab_size, length, dim = inputs["vocab_size"], inputs["length"], inputs["dim"]
    num_heads, hidden = inputs["num_heads"], inputs["hidden"]
    what = (f"build_text_transformer(vocab_size={vocab_size}, length={length}, dim={dim}, num_heads={num_heads}, "
            f"hidden={hidden})")
    nodes = data["nodes"]
    if data["class"] == "Sequential":
        raise Fail(f"{what} is a Sequential model: a stack cannot add a layer's input to its output. Build it "
                   f"with the functional API: inputs = keras.Input(...), x = layer(x), ..., keras.Model(inputs, "
                   f"outputs).")
    embeddings = [node for node in nodes if node["class"] == "Embedding"]
    if len(embeddings) != 1:
        raise Fail(f"{what} has {len(embeddings)} Embedding layers; expected one, right after the input.")
    embedding = embeddings[0]
    if (embedding["input_dim"], embedding["output_dim"]) != (vocab_size, dim):
        raise Fail(f"{what}: the Embedding is Embedding({embedding['input_dim']}, {embedding['output_dim']}); expected "
                   f"Embedding({vocab_size}, {dim}): one row per word of the vocabulary (vocab_size), {dim} numbers "
                   f"per row.")
    if not embedding["mask_zero"]:
        raise Fail(f"{what}: the Embedding lacks mask_zero=True. Id 0 is padding; without the mask, attention "
                   f"looks at the padding positions and the average includes them.")
    attentions = [node for node in nodes if node["class"] == "MultiHeadAttention"]
    if len(attentions) != 1:
        raise Fail(f"{what} has {len(attentions)} MultiHeadAttention layers; expected one.")
    attention = attentions[0]
    if attention["num_heads"] != num_heads or attention["key_dim"] != dim // num_heads:
        hint = (f" key_dim is the size of EACH head: dim // num_heads = {dim // num_heads}."
                if attention["num_heads"] == num_heads else "")
        raise Fail(f"{what}: MultiHeadAttention(num_heads={attention['num_heads']}, key_dim={attention['key_dim']}); "
                   f"expected num_heads={num_heads}, key_dim={dim // num_heads}.{hint}")
    if len(attention["inbound"]) < 2 or attention["inbound"][0] != attention["inbound"][1]:
        raise Fail(f"{what}: the attention reads {attention['inbound']}; self-attention takes the SAME tensor "
                   f"as query and value: layers.MultiHeadAttention(...)(x, x).")
    source = attention["inbound"][0]
    if any(node["name"] == source and node["class"] == "LayerNormalization" for node in nodes):
        raise Fail(f"{what} normalizes BEFORE the attention (the 'pre-norm' variant). The specification, like the "
                   f"lesson and the original paper, normalizes after each addition: "
                   f"LayerNormalization()(layers.Add()([x, attended])).")
    for node in nodes:
        if node["class"] == "Add" and "layers" not in node["module"]:
            raise Fail(f"{what} adds with the + operator: on Keras tensors that is an operation that drops the "
                       f"padding mask, so the layers after it (and the average) see the padding again. Use "
                       f"layers.Add()([x, y]).")
    residual_hint = (f"{what} has no residual connection around the attention: expected layers.Add()([x, "
                     f"attended]), the attention's input plus its output, before the LayerNormalization.")
    first_add = _one(nodes, "Add", [source, attention["name"]], residual_hint)
    readers = [node for node in nodes if first_add["name"] in node["inbound"]]
    first_norm = next((node for node in readers if node["class"] == "LayerNormalization"), None)
    if first_norm is None:
        pre = [node for node in nodes if node["class"] == "LayerNormalization" and node["inbound"] == [source]]
        raise Fail(f"{what}: the first residual sum is not normalized" + (
            " (a LayerNormalization is applied before the attention instead: that is the 'pre-norm' variant; the "
            "specification normalizes after the addition, LayerNormalization()(Add()([x, attended])))." if pre
            else ": LayerNormalization()(layers.Add()([x, attended]))."))
    dense_hint = (f"{what}: after the first normalization, expected Dense({hidden}, activation='relu') then "
                  f"Dense({dim}), applied to the normalized tensor.")
    first_dense = _one(nodes, "Dense", [first_norm["name"]], dense_hint)
    if first_dense["units"] != hidden or first_dense["activation"] != "relu":
        raise Fail(f"{what}: the first dense layer is Dense({first_dense['units']}, activation="
                   f"{first_dense['activation']!r}); expected Dense({hidden}, activation='relu').")
    second_dense = _one(nodes, "Dense", [first_dense["name"]], dense_hint)
    if second_dense["units"] != dim or second_dense["activation"] not in ("linear", ""):
        raise Fail(f"{what}: the second dense layer is Dense({second_dense['units']}, activation="
                   f"{second_dense['activation']!r}); expected Dense({dim}), no activation: its output is added back "
                   f"to a ({length}, {dim}) tensor.")
    second_add = _one(nodes, "Add", [first_norm["name"], second_dense["name"]],
                      f"{what} has no residual connection around the dense network: expected layers.Add()([x, "
                      f"mixed]), the normalized tensor plus the second dense layer's output.")
    second_norm = _one(nodes, "LayerNormalization", [second_add["name"]],
                       f"{what}: the second residual sum is not normalized: LayerNormalization()(layers.Add()([x, "
                       f"mixed])).")
    pooling = [node for node in nodes if second_norm["name"] in node["inbound"]]
    if len(pooling) != 1 or pooling[0]["class"] != "GlobalAveragePooling1D":
        raise Fail(f"{what}: after the block, expected GlobalAveragePooling1D (the average of the real words, "
                   f"using the mask), got {[node['class'] for node in pooling]}.")
    output = _one(nodes, "Dense", [pooling[0]["name"]], f"{what}: expected Dense(1, activation='sigmoid') after "
                                                         f"the pooling.")
    if output["units"] != 1 or output["activation"] != "sigmoid":
        raise Fail(f"{what}: the output layer is Dense({output['units']}, activation={output['activation']!r}); "
                   f"expected Dense(1, activation='sigmoid'), the probability of 'positive'.")
    if list(data["output_shape"])[1:] != [1]:
        raise Fail(f"{what}: the model's output has shape {data['output_shape']}; expected (None, 1): the output "
                   f"layer must be the model's output.")
    # Last, by behaviour: the graph is right, so only missing positions leave the output unchanged by a swap.
    if data["probe_error"]:
        raise Fail(f"{what} fails on a batch of token ids of shape (1, {length}): {data['probe_error']}")
    if not data["order_sensitive"]:
        raise Fail(f"{what} gives the same output when two words swap places: the positions are missing. Add "
                   f"PositionEmbedding(length, dim) to the word vectors right after the Embedding; attention "
                   f"alone cannot see word order.")
