"""Makes perf/runtime/test_bench.py importable next to perf/compiler/test_bench.py (pytest
imports it as runtime.test_bench instead of a second top-level test_bench)."""
