"""Equivalence fuzzing of the KIR optimisation passes (see fuzz/README.md).

    gen          Hypothesis strategies for well-formed, terminating, trap-free KIR modules
                 (genexpr: expressions and their guards; genstmt: statements, control flow, memory)
    props        the properties: interpreter before == after each pass / pipeline; LLVM JIT == interpreter
                 (jit: calling the entry through MCJIT)
    corpus       KIR reproducers under fuzz/corpus/ (saved failures and hand-picked seeds), and their replay
    campaign     `python -m fuzz.campaign --pass NAME|all --minutes N --seed S [--jit]`
    atheris_entry  the same properties as libFuzzer / OSS-Fuzz targets (Hypothesis's fuzz_one_input)
"""
