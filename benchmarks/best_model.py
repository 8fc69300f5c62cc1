"""The course's best digits model, lesson 13's recipe (five regularized CNNs, soft voting), and the contest.

Member ``i`` of base seed ``b`` starts from the seed ``10 * b + i``, trained exactly as in the lesson, so base
seed 0 is the lesson's ensemble and the other base seeds give the spread.

The contest (:func:`contest`, ``python -m benchmarks.best_model``) puts the best model against the tuned RBF
SVM on 10 stratified splits of the digits (25% test, ``random_state`` 42 to 51; the first is lesson 13's
split): on every split the SVM is tuned by 5-fold cross-validation on that split's training part and the
ensemble is trained with base seed 0, and both are scored on the same test images, so the differences are
paired. The figures go into ``benchmarks/results/contest.json`` and lesson 13 shows them.
"""

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

MEMBERS, EPOCHS, BATCH, WIDTH, DROPOUT, LEARNING_RATE = 5, 15, 64, 32, 0.3, 0.003
CONTEST_SPLITS, CONTEST_FIRST_STATE, CONTEST_BASE_SEED = 10, 42, 0
RESULTS = Path(__file__).resolve().parent / "results"


def build_member(seed, steps_per_epoch):
    from course_lib.env import import_keras

    keras, _ = import_keras()
    layers = keras.layers
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(WIDTH, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(2 * WIDTH, 3, padding="same", activation="relu"),
        layers.Conv2D(2 * WIDTH, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dropout(DROPOUT), layers.Dense(128, activation="relu"), layers.Dropout(DROPOUT),
        layers.Dense(10, activation="softmax")])
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, decay_steps=EPOCHS * steps_per_epoch)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule), loss="sparse_categorical_crossentropy")
    return model


def member_probabilities(x_train, y_train, x_test, seed):
    """Train ``MEMBERS`` CNNs (seeds ``10 * seed + i``); each one's test probabilities, (MEMBERS, n, 10).

    ``course_lib.training.fit_seeds`` traces the training step once for all members; each member gets exactly
    the training a separate ``fit`` would give it.
    """
    from course_lib.training import fit_seeds

    steps_per_epoch = int(np.ceil(len(x_train) / BATCH))
    members, _ = fit_seeds(lambda member_seed: build_member(member_seed, steps_per_epoch),
                           [10 * seed + i for i in range(MEMBERS)], x_train, y_train,
                           epochs=EPOCHS, batch_size=BATCH, steps_per_execution=steps_per_epoch)
    return np.stack([np.asarray(member(x_test, training=False)) for member in members])


def predict_best(x_train, y_train, x_test, seed):
    """The ensemble's soft vote: the class with the largest average probability over the members."""
    return member_probabilities(x_train, y_train, x_test, seed).mean(axis=0).argmax(axis=1)


def tuned_svm(x_train, y_train):
    """An RBF SVM with ``C`` and ``gamma`` chosen by 5-fold cross-validation on the training part only."""
    from sklearn.model_selection import GridSearchCV
    from sklearn.svm import SVC

    from .digits import SVM_GRID

    return GridSearchCV(SVC(kernel="rbf"), SVM_GRID, cv=5).fit(x_train.reshape(len(x_train), -1), y_train)


def contest_split(split_state):
    """One split of the contest: every contender's test accuracy and mistakes on the same test images."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import train_test_split
    from sklearn.svm import SVC

    from course_lib.data import load_digits

    digits = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(digits.images, digits.target, test_size=0.25,
                                                        stratify=digits.target, random_state=split_state)
    flat_train, flat_test = x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)
    start = time.perf_counter()
    search = tuned_svm(x_train, y_train)
    svm_seconds = time.perf_counter() - start
    start = time.perf_counter()
    probabilities = member_probabilities(x_train, y_train, x_test, CONTEST_BASE_SEED)  # (5, n, 10)
    cnn_seconds = time.perf_counter() - start
    # Lesson 13, section 6: the tuned SVM, calibrated on the training part, as a sixth voting member.
    calibrated = CalibratedClassifierCV(SVC(kernel="rbf", **search.best_params_), ensemble=False)
    svm_probabilities = calibrated.fit(flat_train, y_train).predict_proba(flat_test)
    with_svm = np.concatenate([probabilities, svm_probabilities[None]])  # (6, n, 10)
    predictions = {"svm": search.predict(flat_test), "ensemble": probabilities.mean(axis=0).argmax(axis=1),
                   "single_cnn": probabilities[0].argmax(axis=1),
                   "ensemble_and_svm": with_svm.mean(axis=0).argmax(axis=1)}
    row = {"random_state": split_state, "test_size": len(y_test), "svm_params": search.best_params_,
           "svm_seconds": round(svm_seconds, 1), "ensemble_seconds": round(cnn_seconds, 1)}
    for name, predicted in predictions.items():
        row[f"{name}_accuracy"] = round(float(np.mean(predicted == y_test)), 4)
        row[f"{name}_mistakes"] = int(np.sum(predicted != y_test))
    return row


def summarize(rows) -> dict:
    """Paired differences (five CNNs minus SVM, in points and in images), their mean and sd, wins/ties/losses."""
    extra_right = [row["svm_mistakes"] - row["ensemble_mistakes"] for row in rows]  # > 0: the ensemble wins
    points = [extra / row["test_size"] for extra, row in zip(extra_right, rows)]
    summary = {"splits": len(rows), "wins": sum(d > 0 for d in extra_right), "ties": sum(d == 0 for d in extra_right),
               "losses": sum(d < 0 for d in extra_right)}
    for name in ("svm", "ensemble", "single_cnn", "ensemble_and_svm"):
        accuracies = [1 - row[f"{name}_mistakes"] / row["test_size"] for row in rows]
        summary[f"{name}_mean"] = round(statistics.mean(accuracies), 4)
        summary[f"{name}_sd"] = round(statistics.stdev(accuracies), 4) if len(rows) > 1 else 0.0
    summary["difference_mean"] = round(statistics.mean(points), 4)
    summary["difference_sd"] = round(statistics.stdev(points), 4) if len(rows) > 1 else 0.0
    # The standard error of the mean paired difference: sd / sqrt(splits) (the splits overlap, so if anything
    # it is optimistic).
    summary["difference_se"] = round(summary["difference_sd"] / len(rows) ** 0.5, 4)
    summary["difference_images_mean"] = round(statistics.mean(extra_right), 2)
    summary["best_ahead_of_svm_on_mean"] = summary["ensemble_mean"] > summary["svm_mean"]
    return summary


def contest(n_splits=CONTEST_SPLITS, verbose=True) -> dict:
    """The paired contest over ``n_splits`` stratified splits (``random_state`` 42, 43, ...)."""
    rows = []
    for split_state in range(CONTEST_FIRST_STATE, CONTEST_FIRST_STATE + n_splits):
        rows.append(contest_split(split_state))
        if verbose:
            row = rows[-1]
            print(f"  split {split_state}: SVM {row['svm_accuracy']:.2%}, five CNNs {row['ensemble_accuracy']:.2%}, "
                  f"one CNN {row['single_cnn_accuracy']:.2%}, CNNs + SVM {row['ensemble_and_svm_accuracy']:.2%} "
                  f"({row['svm_seconds'] + row['ensemble_seconds']:.0f} s)", flush=True)
    return {"splits": rows, "summary": summarize(rows), "members": MEMBERS, "epochs": EPOCHS,
            "base_seed": CONTEST_BASE_SEED}


def main(argv=None) -> int:
    """``python -m benchmarks.best_model [--splits N]``: run the contest, write results/contest.json and .md."""
    import argparse

    from .report import contest_markdown

    parser = argparse.ArgumentParser(prog="python -m benchmarks.best_model", description=main.__doc__)
    parser.add_argument("--splits", type=int, default=CONTEST_SPLITS, help="number of splits (default 10)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="folder for contest.json and contest.md")
    args = parser.parse_args(argv)
    if args.splits < 1:
        parser.error(f"--splits must be at least 1, got {args.splits}")
    from datetime import date

    from .__main__ import machine

    started = time.monotonic()
    results = {"date": date.today().isoformat(), "machine": machine(), **contest(args.splits)}
    results["seconds"] = round(time.monotonic() - started, 1)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "contest.json").write_text(json.dumps(results, indent=1) + "\n")
    table = contest_markdown(results)
    (args.output / "contest.md").write_text(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
