"""C values <-> Python for the interpreter's actors: strings, boxes, messages, tstates and heaps.

Values the interpreted program sends stay C values: `pyvm_message_encode` deep-copies them into a
malloc'd envelope, wrapped in a `CMessage` that the actor system hands over as is (`__deepcopy__`
returns itself); the receiver decodes it in its own heap and boxes it (`pyvm_dyn_box`), so the
program gets the dynamic value ACTORS.md §2 describes. Messages made by the Python actor system
(`("EXIT", pid, reason)`, `("DOWN", ref, pid, reason)`) are Python values: `py_to_c` builds them with
the runtime's constructors, in the receiver's heap, with the descriptors the C runtime uses.

Every call that may raise (allocation, encoding a function) goes through the guard, so a raise here
is the calling actor's crash, reported like any other.
"""

from __future__ import annotations

import ctypes
import struct

from pyvm.kir.types import I32, I64, PTR, VOID

from pyvm.interp.actors.guard import Guard
from pyvm.plain.pid import Pid

TSTATE_SIZE = 48  # runtime/core/error.h pyvm_tstate: top, depth, handler, exc_kind, exc_message, exit_status
TSTATE_EXIT_STATUS = 40
MSG_TYPE_OFFSET = 24  # runtime/message/message.h pyvm_msg.type
TYPE_SPEC_OFFSET, TYPE_ARGS_OFFSET = 8, 16  # runtime/core/obj.h pyvm_type
TUPLE_ITEMS_OFFSET = 24
OBJ_TYPE_OFFSET = 8


def _u64(addr: int) -> int:
    return ctypes.c_uint64.from_address(addr).value


class CMessage:
    """An encoded C value in flight (an envelope). The actor system must not copy it: `__deepcopy__`
    is the identity. The receiver decodes it once (`box`), in its own heap, and frees the envelope."""

    __slots__ = ("envelope", "box")

    def __init__(self, envelope: int):
        self.envelope = envelope
        self.box = 0  # the decoded box, in the receiver's heap, once decoded

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __repr__(self) -> str:
        return f"<CMessage {self.envelope:#x}>"


class Bridge:
    def __init__(self, lib: ctypes.CDLL, guard: Guard):
        self.lib, self.guard = lib, guard
        self._types: dict[str, int] = {}

        def fn(name, args, ret):
            f = lib[name]
            f.argtypes, f.restype = args, ret
            return f

        P, U, I, B = ctypes.c_void_p, ctypes.c_uint64, ctypes.c_int64, ctypes.c_bool
        self._intern = fn("pyvm_type_intern", [ctypes.c_char_p], P)
        self._str_utf8 = fn("pyvm_str_utf8", [U, ctypes.POINTER(ctypes.c_int64)], P)
        self._heap_new = fn("pyvm_heap_new", [ctypes.c_size_t, ctypes.c_size_t], P)
        self._heap_free = fn("pyvm_heap_free", [P], None)
        self._heap_set_current = fn("pyvm_heap_set_current", [P], None)
        self._heap_set_collect = fn("pyvm_heap_set_collect", [P, B], None)
        self._tstate_set = fn("pyvm_tstate_set_current", [P], P)
        self._tstate_get = fn("pyvm_tstate_get", [], P)
        self._flush = fn("pyvm_flush", [], None)
        self._print_bytes = fn("pyvm_print_bytes", [ctypes.c_char_p, I], None)
        self._write_stderr = fn("pyvm_write_stderr", [ctypes.c_char_p, I], None)
        self._msg_free = fn("pyvm_message_free", [U], None)
        self.has_dyn = hasattr(lib, "pyvm_dyn_box")
        self.none_type = self.type("n")
        self.str_type = self.type("s")
        self.dyn_type = self.type("A")
        self._g = guard.call  # runtime calls that allocate or may raise go through the guard
        exc_name = fn("pyvm_exc_name", [ctypes.c_int], ctypes.c_char_p)
        self.exc_kinds: dict[str, int] = {}  # "ZeroDivisionError" -> PYVM_EXC_ZERO_DIVISION ...
        for kind in range(1, 64):
            text = exc_name(kind)
            if text is None:
                break
            self.exc_kinds[text.decode()] = kind

    # -- descriptors --
    def type(self, spec: str) -> int:
        t = self._types.get(spec)
        if t is None:
            t = self._types[spec] = self._intern(spec.encode())
        return t

    @staticmethod
    def spec(t: int) -> str:
        return ctypes.string_at(_u64(t + TYPE_SPEC_OFFSET)).decode()

    # -- strings --
    def str_new(self, text: str) -> int:
        data = text.encode("utf-8", "surrogatepass")
        buf = ctypes.create_string_buffer(data, len(data) + 1)
        return self._g("pyvm_str_from_utf8", [PTR, I64], PTR, ctypes.addressof(buf), len(data))

    def str_text(self, s: int) -> str:
        n = ctypes.c_int64(0)
        p = self._str_utf8(s, ctypes.byref(n))
        return ctypes.string_at(p, n.value).decode("utf-8", "surrogatepass")

    # -- output, through the C runtime's stdout buffer --
    def print_text(self, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        self._print_bytes(data, len(data))

    def flush(self) -> None:
        self._flush()

    def write_stderr(self, text: str) -> None:
        self._flush()
        data = text.encode("utf-8", "surrogatepass")
        self._write_stderr(data, len(data))

    # -- heaps and thread states --
    def heap_new(self) -> int:
        h = self._heap_new(0, 0)
        self._heap_set_collect(h, False)  # Python objects hold pointers no stack scan can see
        return h

    def heap_free(self, h: int) -> None:
        self._heap_free(h)

    def set_heap(self, h: int | None) -> None:
        self._heap_set_current(h)

    def tstate_new(self):
        """A zeroed pyvm_tstate (the buffer keeps it alive) and its address."""
        buf = (ctypes.c_uint64 * (TSTATE_SIZE // 8))()
        return buf, ctypes.addressof(buf)

    def set_tstate(self, ts: int | None) -> int:
        return self._tstate_set(ts) or 0

    def tstate(self) -> int:
        return self._tstate_get()

    @staticmethod
    def exit_status(ts: int) -> int:
        return ctypes.c_int64.from_address(ts + TSTATE_EXIT_STATUS).value

    # -- boxes (runtime/lang/dyn.h; the layout is used directly when the runtime lacks them) --
    def box(self, t: int, v: int) -> int:
        if t == self.dyn_type:
            return v
        if self.has_dyn:
            return self._g("pyvm_dyn_box", [PTR, I64], PTR, t, v)
        bt = self.type(f"T({self.spec(t)})")
        slots = (ctypes.c_uint64 * 1)(v & 0xFFFF_FFFF_FFFF_FFFF)
        return self._g("pyvm_tuple_from_slots", [PTR, PTR, I64], PTR, bt, ctypes.addressof(slots), 1)

    def unbox(self, box: int) -> tuple[int, int]:
        """(descriptor, slot) of a box."""
        bt = _u64(box + OBJ_TYPE_OFFSET)
        return _u64(_u64(bt + TYPE_ARGS_OFFSET)), _u64(box + TUPLE_ITEMS_OFFSET)

    # -- messages --
    def encode(self, t: int, v: int) -> CMessage:
        if t == self.dyn_type and not self.has_dyn:  # a box: send its content
            t, v = self.unbox(v)
        env = self._g("pyvm_message_encode", [PTR, I64], PTR, t, v)
        return CMessage(env)

    def decode(self, m: CMessage) -> tuple[int, int]:
        """(descriptor, slot) of the message's value, rebuilt in the current heap (the envelope is
        freed: decode once)."""
        t = _u64(m.envelope + MSG_TYPE_OFFSET)
        v = self._g("pyvm_message_decode", [PTR], I64, m.envelope)
        self._msg_free(m.envelope)
        m.envelope = 0
        return t, v & 0xFFFF_FFFF_FFFF_FFFF

    def message_box(self, m) -> int:
        """The box the receiving program gets for a message (C or Python), in the current heap."""
        if isinstance(m, CMessage):
            if not m.box:
                m.box = self.box(*self.decode(m))
            return m.box
        return self.box(*self.py_to_c(m))

    # -- Python values -> C values --
    def py_to_c(self, value) -> tuple[int, int]:
        """(descriptor, slot) of a Python value, built in the current heap: None, bool, int, float,
        str, Pid, tuples; lists and dicts (L(A) / D(A,A) unless every item has the same type)."""
        if value is None:
            return self.none_type, 0
        cls = type(value)
        if cls is bool:
            return self.type("b"), int(value)
        if cls is int:
            return self.type("i"), value & 0xFFFF_FFFF_FFFF_FFFF
        if cls is float:
            return self.type("f"), struct.unpack("<Q", struct.pack("<d", value))[0]
        if cls is str:
            return self.str_type, self.str_new(value)
        if cls is Pid:
            return self.type("P"), value.serial
        if isinstance(value, CMessage):
            return self.dyn_type, self.message_box(value)
        if cls is tuple:
            items = [self.py_to_c(v) for v in value]
            t = self.type("T(" + ",".join(self.spec(it) for it, _ in items) + ")")
            slots = (ctypes.c_uint64 * max(1, len(items)))(*(v for _, v in items))
            return t, self._g("pyvm_tuple_from_slots", [PTR, PTR, I64], PTR, t, ctypes.addressof(slots),
                              len(items))
        if cls is list:
            items = [self.py_to_c(v) for v in value]
            specs = {self.spec(it) for it, _ in items}
            if len(specs) == 1:
                spec = specs.pop()
            else:
                spec, items = "A", [(self.dyn_type, self.box(it, v)) for it, v in items]
            t = self.type(f"L({spec})")
            slots = (ctypes.c_uint64 * max(1, len(items)))(*(v for _, v in items))
            return t, self._g("pyvm_list_from_slots", [PTR, PTR, I64], PTR, t, ctypes.addressof(slots),
                              len(items))
        raise TypeError(f"cannot pass a {cls.__name__} to interpreted code")

    # -- lists --
    def list_from_slots(self, t: int, slots: list[int]) -> int:
        arr = (ctypes.c_uint64 * max(1, len(slots)))(*slots)
        return self._g("pyvm_list_from_slots", [PTR, PTR, I64], PTR, t, ctypes.addressof(arr), len(slots))

    def list_items(self, lst: int) -> list[int]:
        n = ctypes.c_int64.from_address(lst + 16).value
        items = _u64(lst + 32)
        return [_u64(items + 8 * i) for i in range(n)]

    def tuple_item(self, tup: int, i: int) -> int:
        return _u64(tup + TUPLE_ITEMS_OFFSET + 8 * i)

    # -- raising in the calling actor --
    def raise_exception(self, name: str, message: str) -> None:
        """Raise `name: message` in C (the guard turns it into the actor's crash, reported there)."""
        kind = self.exc_kinds.get(name, self.exc_kinds.get("RuntimeError", 10))
        if kind == self.exc_kinds.get("RuntimeError") and name not in self.exc_kinds:
            message = f"{name}: {message}" if message else name
        data = message.encode("utf-8", "surrogatepass")
        buf = ctypes.create_string_buffer(data, len(data) + 1)
        self._g("pyvm_raise", [I32, PTR], VOID, kind, ctypes.addressof(buf) if message else 0)

