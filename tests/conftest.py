"""Unit tests draw off-screen."""

import matplotlib

matplotlib.use("Agg")
