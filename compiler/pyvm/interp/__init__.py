"""The KIR interpreter: PyVM's reference semantics (`pyvm run`), and the optimizer fuzzer's oracle.

    from pyvm.interp import Interpreter, run_program
    Interpreter(module, libraries=[...], externs={...}).call("f", [1, 2])

See machine.py for the structure (Interpreter = module state, Thread = one frame stack) and
codegen.py for how functions are compiled to Python once before they run.
"""

from pyvm.interp.errors import KirError, KirTrap, ProgramExit, Suspend, Where
from pyvm.interp.machine import (DEFAULT_MAX_DEPTH, Interpreter, Thread, default_libraries,
                                 run_program, to_kir_value)

__all__ = ["Interpreter", "Thread", "KirTrap", "KirError", "ProgramExit", "Suspend", "Where", "run_program",
           "default_libraries", "to_kir_value", "DEFAULT_MAX_DEPTH"]
