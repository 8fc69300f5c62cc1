"""Lesson 13's best model, for the benchmark (filled in from the lesson)."""


def predict_best(x_train, y_train, x_test, seed):
    raise NotImplementedError("best model not yet transcribed from lesson 13")
