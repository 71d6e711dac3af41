"""Fixtures for the interpreter tests (helpers live in interp_helpers.py)."""

from interp_helpers import clib  # noqa: F401  (the session fixture compiling the test C library)
