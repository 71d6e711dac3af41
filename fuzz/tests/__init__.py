"""Tests of the fuzzing toolkit itself (run with `pytest fuzz`)."""
