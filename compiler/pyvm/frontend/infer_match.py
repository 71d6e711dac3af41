"""Typing of `match` statements: literal, capture, wildcard, or-, sequence and class patterns, guards.

The subject is usually a received message (`DYN`): captures inside sequence patterns are then dynamic
too, while a class pattern of a scalar type (`int(x)`, `str(s)`, `Pid(p)`) binds its static type. On a
statically typed subject the patterns are typed statically. Mapping and star patterns are unsupported.
"""

from __future__ import annotations

import ast

from pyvm.frontend.errors import unsupported
from pyvm.frontend.types import BOOL, DYN, FLOAT, INT, NONE, PID, STR, ListT, TupleT, Type

# class pattern name -> (runtime tag of pyvm_dyn_isinstance, the static type a scalar narrows to)
CLASS_PATTERNS = {"int": (0, INT), "float": (1, FLOAT), "bool": (2, BOOL), "str": (4, STR), "list": (5, None),
                  "dict": (6, None), "tuple": (7, None), "Pid": (10, PID)}
TAG_BOOL, TAG_NONE = 2, 3  # runtime/core/obj.h PYVM_T_BOOL, PYVM_T_NONE


def check_match(fc, node: ast.Match) -> None:
    subject = fc.need(fc.expr(node.subject), node.subject, "the match subject")
    for case in node.cases:
        check_pattern(fc, case.pattern, subject)
        if case.guard is not None:
            fc.condition(case.guard)
        fc.block(case.body)


def check_pattern(fc, p: ast.pattern, t: Type) -> None:
    t = t.prune()
    if isinstance(p, ast.MatchValue):
        value = fc.need(fc.expr(p.value), p.value, "the pattern's value")
        if t != DYN:
            fc.compare_type(ast.Eq(), t, value, p)
    elif isinstance(p, ast.MatchSingleton):
        pass  # `case None` / `case True`: an identity test, possible on any subject
    elif isinstance(p, ast.MatchAs):
        if p.pattern is not None:
            check_pattern(fc, p.pattern, t)
        if p.name is not None:
            target = ast.Name(p.name, ast.Store(), lineno=p.lineno, col_offset=p.col_offset,
                              end_lineno=p.end_lineno, end_col_offset=p.end_col_offset)
            fc.assign(target, t, p)
    elif isinstance(p, ast.MatchOr):
        for alt in p.patterns:  # CPython makes every alternative bind the same names; here also one type each
            check_pattern(fc, alt, t)
    elif isinstance(p, ast.MatchSequence):
        if any(isinstance(s, ast.MatchStar) for s in p.patterns):
            raise unsupported(fc.source, p, "star patterns")
        for sub, item in zip(p.patterns, sequence_items(fc, p, t)):
            check_pattern(fc, sub, item)
    elif isinstance(p, ast.MatchClass):
        check_pattern(fc, p.patterns[0], class_subject(fc, p, t)) if p.patterns else class_subject(fc, p, t)
    else:
        raise unsupported(fc.source, p, "mapping patterns" if isinstance(p, ast.MatchMapping) else "this pattern")


def sequence_items(fc, p: ast.MatchSequence, t: Type) -> list[Type]:
    """The type each sub-pattern of a sequence pattern is matched against."""
    n = len(p.patterns)
    if t == DYN:
        return [DYN] * n
    if isinstance(t, ListT):
        return [t.elem] * n
    if isinstance(t, TupleT):
        if len(t.items) != n:
            raise unsupported(fc.source, p, f"a sequence pattern of {n} items on a tuple of {len(t.items)}")
        return list(t.items)
    raise fc.fail(p, f"a sequence pattern cannot match a {t}")


def class_subject(fc, p: ast.MatchClass, t: Type) -> Type:
    """Checks a class pattern and returns what its (single, positional) sub-pattern sees."""
    if not (isinstance(p.cls, ast.Name) and p.cls.id in CLASS_PATTERNS):
        raise unsupported(fc.source, p.cls, f"class patterns of '{ast.unparse(p.cls)}'")
    if p.kwd_patterns or len(p.patterns) > 1:
        raise unsupported(fc.source, p, "class patterns with keyword or several positional sub-patterns")
    _, scalar = CLASS_PATTERNS[p.cls.id]
    if t == DYN:
        return scalar if scalar is not None else DYN
    return t
