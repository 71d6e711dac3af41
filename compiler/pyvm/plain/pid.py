"""`Pid`: the type of actor ids (ACTORS.md §1). The null pid is Python's None."""

from __future__ import annotations


class Pid:
    """An actor id: a serial number, 1 for the program's first actor (main), never reused.

    Ordered and hashed like its serial; `repr`/`str` `<pid 0.N>`; copied as itself (a message holding a
    pid refers to the same actor). `case Pid(p)` binds the pid itself, like `case int(x)`.
    """

    __slots__ = ("serial",)
    __match_args__ = ("_self",)

    def __init__(self, serial: int) -> None:
        self.serial = serial

    @property
    def _self(self) -> "Pid":
        return self

    def __repr__(self) -> str:
        return f"<pid 0.{self.serial}>"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pid) and other.serial == self.serial

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.serial)

    def __lt__(self, other: "Pid") -> bool:
        if not isinstance(other, Pid):
            return NotImplemented
        return self.serial < other.serial

    def __le__(self, other: "Pid") -> bool:
        if not isinstance(other, Pid):
            return NotImplemented
        return self.serial <= other.serial

    def __gt__(self, other: "Pid") -> bool:
        if not isinstance(other, Pid):
            return NotImplemented
        return self.serial > other.serial

    def __ge__(self, other: "Pid") -> bool:
        if not isinstance(other, Pid):
            return NotImplemented
        return self.serial >= other.serial

    def __copy__(self) -> "Pid":
        return self

    def __deepcopy__(self, memo: dict) -> "Pid":
        return self

    def __reduce__(self):
        return (Pid, (self.serial,))
