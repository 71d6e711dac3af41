"""KIR → KIR optimisation passes, one module per pass (the optimizer issue brings them)."""

from __future__ import annotations

PASSES: dict[str, object] = {}


def run(name: str, module) -> None:
    if name not in PASSES:
        raise KeyError(f"unknown KIR pass {name!r}; known: {', '.join(sorted(PASSES)) or 'none yet'}")
    PASSES[name](module)
