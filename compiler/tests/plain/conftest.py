"""The plain-Python pyvm module's tests (helpers live in plain_helpers.py)."""
