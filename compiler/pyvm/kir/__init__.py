"""KIR: PyVM's typed three-address IR (seed 002), its text form, verifier and CFG utilities."""

from pyvm.kir.ir import (NULL, Block, Builder, Const, Data, Extern, Function, Instr, Label, Module, Reg,
                         Sym, const, i1, i64)
from pyvm.kir.parser import KirSyntaxError, parse_module
from pyvm.kir.printer import print_module
from pyvm.kir.verifier import VerifyError, check_module, verify

__all__ = ["NULL", "Block", "Builder", "Const", "Data", "Extern", "Function", "Instr", "Label", "Module",
           "Reg", "Sym", "const", "i1", "i64", "KirSyntaxError", "parse_module", "print_module",
           "VerifyError", "check_module", "verify"]
