"""What the interpreter raises: `KirTrap` for undefined behaviour, `ProgramExit` for a hook ending the run."""

from __future__ import annotations

from dataclasses import dataclass

from pyvm.kir.semantics import Trap


@dataclass(frozen=True)
class Where:
    """One place in a KIR program: a function, a block and an instruction index (with its text)."""

    function: str
    block: str | None = None
    index: int | None = None
    instr: str | None = None

    def __str__(self) -> str:
        text = f"${self.function}"
        if self.block is not None:
            text += f" @{self.block}"
        if self.index is not None:
            text += f" #{self.index}"
        if self.instr is not None:
            text += f": {self.instr}"
        return text


class KirTrap(Trap):
    """Undefined behaviour reached while interpreting KIR, with where it happened.

    `reason` is what went wrong ("integer division by zero"), `where` the instruction that did it and
    `backtrace` the KIR call stack, innermost first (long stacks keep their ends only).
    """

    def __init__(self, reason: str, where: Where | None = None, backtrace: tuple[Where, ...] = ()):
        self.reason, self.where, self.backtrace = reason, where, backtrace
        super().__init__(self._text())

    @property
    def function(self) -> str | None:
        return self.where.function if self.where else None

    @property
    def block(self) -> str | None:
        return self.where.block if self.where else None

    @property
    def index(self) -> int | None:
        return self.where.index if self.where else None

    @property
    def instr(self) -> str | None:
        return self.where.instr if self.where else None

    def _text(self) -> str:
        if self.where is None:
            return f"KIR trap: {self.reason}"
        lines = [f"KIR trap: {self.reason}", f"  at {self.where}"]
        lines += [f"  called from {w}" if w is not None else "  ..." for w in self.backtrace]
        return "\n".join(lines)

    def __reduce__(self):
        return (KirTrap, (self.reason, self.where, self.backtrace))


class ProgramExit(Exception):
    """Raised by a Python extern hook to end the program with an exit status (like C's exit())."""

    def __init__(self, status: int = 0):
        super().__init__(f"program exited with status {status}")
        self.status = status


class Suspend(Exception):
    """Raised by a Python extern hook to suspend the calling thread (see `Thread.step`).

    The hook must have been declared suspending (`Interpreter(..., suspending={name})`): its calls
    end a segment, so the thread stops exactly at the call. `request` is whatever the hook wants its
    scheduler to see (`Thread.request`); the scheduler later calls `Thread.resume(value)` with the
    call's result."""

    def __init__(self, request=None):
        super().__init__("thread suspended in an extern call")
        self.request = request


class KirError(Exception):
    """The interpreter was asked for something impossible: an unknown function, wrong arguments."""
