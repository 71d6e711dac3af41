"""PyVM: a compiler for a statically typed subset of Python 3.12 on an actor runtime."""

__version__ = "0.1.0"
