"""The `pyvm` command. Exit status: 0 ok, 1 the project is rejected, 2 usage error, 3 internal error.

Every verb shown here works; later verbs (build, run, emit) are added with the stages they need.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from pyvm import __version__
from pyvm.diagnostics import CompileError, Diagnostic, marks_for, render_json, render_text

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit 2 with our wording and never a traceback."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _add_output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="diagnostics as human-readable text (default) or JSON")
    p.add_argument("--plain", action="store_true",
                   help="ASCII marks only (also when NO_COLOR is set or stdout cannot encode them)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pyvm", description="PyVM: compile a statically typed subset of Python 3.12.")
    parser.add_argument("--version", action="version", version=f"pyvm {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    verbs.required = True
    check = verbs.add_parser("check", help="validate a project (one main.py, one main(), Python 3.12 syntax)",
                             description="Validate a project: exactly one main.py, exactly one main() "
                                         "in it, and valid Python 3.12 syntax in main.py and the project "
                                         "modules it imports.")
    check.add_argument("path", metavar="PATH", help="the project folder or its main.py")
    _add_output_options(check)

    run = verbs.add_parser("run", help="compile and run a project (KIR interpreter, or --jit through LLVM)",
                           description="Compile a project and run it: by default on the KIR interpreter (the "
                                       "reference semantics), with --jit through LLVM's JIT. The exit status is "
                                       "the program's.")
    run.add_argument("path", metavar="PATH", help="the project folder or its main.py")
    run.add_argument("--jit", action="store_true", help="compile with LLVM and run in this process")
    _add_level(run, default="O2")
    _add_output_options(run)

    build = verbs.add_parser("build", help="compile a project to a native executable (LLVM)",
                             description="Compile a project to a native executable with the LLVM backend, "
                                         "linked with the C runtime.")
    build.add_argument("path", metavar="PATH", help="the project folder or its main.py")
    build.add_argument("-o", "--output", metavar="OUT", required=True, help="the executable to write")
    _add_level(build, default="O2")
    _add_output_options(build)

    emit = verbs.add_parser("emit", help="print one stage of the pipeline (ast, typed, kir, llvm, asm)",
                            description="Print a stage of the compilation pipeline for a project.")
    emit.add_argument("path", metavar="PATH", help="the project folder or its main.py")
    emit.add_argument("--stage", required=True, choices=("ast", "typed", "kir", "llvm", "asm"))
    _add_level(emit, default="O0")
    _add_output_options(emit)
    return parser


def _add_level(p: argparse.ArgumentParser, default: str) -> None:
    from pyvm.passes import PASS_NAMES

    group = p.add_mutually_exclusive_group()
    for level in ("O0", "O1", "O2", "O3", "Oz"):
        group.add_argument(f"-{level}", dest="level", action="store_const", const=level,
                           help=f"optimisation level {level}" + (" (default)" if level == default else ""))
    p.set_defaults(level=default)
    p.add_argument("--print-after", metavar="PASS", choices=(*PASS_NAMES, "all"),
                   help="print the KIR module on stderr after this KIR pass (or after every pass: all)")


class Reporter:
    """Prints check marks and diagnostics in the chosen format."""

    def __init__(self, fmt: str, plain: bool):
        self.fmt = fmt
        self.marks = marks_for(sys.stdout, plain or bool(os.environ.get("NO_COLOR")))
        self.err_marks = marks_for(sys.stderr, plain or bool(os.environ.get("NO_COLOR")))

    def passed(self, checks: tuple[str, ...]) -> None:
        if self.fmt == "json":
            print(render_json(True, [], list(checks)))
        else:
            for line in checks:
                print(f"{self.marks.ok} {line}")

    def rejected(self, diagnostics: tuple[Diagnostic, ...]) -> int:
        if self.fmt == "json":
            print(render_json(False, list(diagnostics)))
        else:
            for diag in diagnostics:
                for line in render_text(diag, self.err_marks):
                    print(line, file=sys.stderr)
            print("COMPILATION STOPPED", file=sys.stderr)
        return EXIT_REJECTED


def cmd_check(args: argparse.Namespace, reporter: Reporter) -> int:
    from pyvm.validate import CHECKS, validate_project

    validate_project(args.path)
    reporter.passed(CHECKS)
    return EXIT_OK


def cmd_run(args: argparse.Namespace, reporter: Reporter) -> int:
    from pyvm import pipeline

    if args.jit:
        return pipeline.run_jit(args.path, args.level, args.print_after)
    return pipeline.run_interpreted(args.path)


def cmd_build(args: argparse.Namespace, reporter: Reporter) -> int:
    from pyvm import pipeline

    pipeline.build(args.path, args.output, args.level, args.print_after)
    return EXIT_OK


def cmd_emit(args: argparse.Namespace, reporter: Reporter) -> int:
    from pyvm import pipeline

    sys.stdout.write(pipeline.emit(args.path, args.stage, args.level, args.print_after))
    return EXIT_OK


COMMANDS = {"check": cmd_check, "run": cmd_run, "build": cmd_build, "emit": cmd_emit}


def run(argv: list[str], parser: argparse.ArgumentParser) -> int:
    args = parser.parse_args(argv)
    reporter = Reporter(getattr(args, "format", "text"), getattr(args, "plain", False))
    try:
        return COMMANDS[args.verb](args, reporter)
    except CompileError as exc:
        return reporter.rejected(exc.diagnostics)


def _guarded(fn) -> int:
    try:
        return fn()
    except KeyboardInterrupt:
        print("pyvm: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception:  # a bug in PyVM, never the user's fault: say so, keep the trace for the report
        print("pyvm: internal compiler error (this is a bug in PyVM; please report it with the trace below)",
              file=sys.stderr)
        traceback.print_exc()
        return EXIT_INTERNAL


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    return _guarded(lambda: run(argv, build_parser()))


def compiler_main(argv: list[str] | None = None) -> int:
    """`pyvm_compiler PATH -o OUT`, seed 000's spelling of `pyvm build`, with its report lines."""
    argv = sys.argv[1:] if argv is None else argv
    parser = _Parser(prog="pyvm_compiler",
                     description="Seed 000's compiler command: pyvm_compiler project/main.py -o app "
                                 "(the same as `pyvm build`).")
    parser.add_argument("path", metavar="PATH", help="the project folder or its main.py")
    parser.add_argument("-o", "--output", metavar="OUT", required=True, help="the executable to write")
    _add_level(parser, default="O2")
    _add_output_options(parser)

    def go() -> int:
        args = parser.parse_args(argv)
        reporter = Reporter(args.format, args.plain)
        try:
            from pyvm import pipeline
            from pyvm.validate import validate_project

            validate_project(args.path)
            pipeline.build(args.path, args.output, args.level, args.print_after)
        except CompileError as exc:
            return reporter.rejected(exc.diagnostics)
        if args.format == "text":  # seed 000's report
            for line in ("Validation passed", "AST generated", "LLVM IR compiled", "Optimized",
                         f"Executable created: {args.output}"):
                print(f"{reporter.marks.ok} {line}")
        return EXIT_OK

    return _guarded(go)
