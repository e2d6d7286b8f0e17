"""Benchmarks (make bench); results are recorded in docs/benchmarks.md."""

import os

# As in ideas/clustering/__init__.py: set before numpy loads OpenBLAS (this package loads first).
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
