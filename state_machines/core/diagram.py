"""Mermaid ``stateDiagram-v2`` text generated from a ``LegalMachine``'s own table (never drawn by hand).

States show their Spanish label as description; each edge is labelled with the act's Spanish label (and,
optionally, who may do it). ``current`` highlights one state with a ``classDef``; final states are styled too.
"""
from __future__ import annotations

from state_machines.core.machine import LegalMachine
from state_machines.core.roles import Role

CURRENT_CLASS = "current"
FINAL_CLASS = "final"

_ROLE_SHORT = {
    Role.EJECUTIVO: "ejecutivo",
    Role.PLANEACION: "planeación",
    Role.EQUIPO: "equipo",
    Role.CTP: "CTP",
    Role.CAR: "CAR",
    Role.CORPORACION: "corporación",
    Role.ASESOR: "asesor",
    Role.ADMIN: "administrador",
    Role.SISTEMA: "sistema",
}


def _text(value: str) -> str:
    """Characters that end or confuse a Mermaid statement are replaced by harmless look-alikes."""
    return (value.replace('"', "'").replace(":", " -").replace(";", ",").replace("#", "n.")
            .replace("<", "‹").replace(">", "›").replace("{", "(").replace("}", ")").replace("\n", " "))


def mermaid(machine: LegalMachine, current: str | None = None, *, show_roles: bool = False) -> str:
    """Return the Mermaid source for ``machine``; ``current`` (a state name) is highlighted if given."""
    if current is not None and current not in machine.states:
        raise ValueError(f"{machine.name}: unknown state {current!r}")
    lines = [
        "stateDiagram-v2",
        f"    %% {machine.name}: generated from the transition table; do not edit by hand",
    ]
    for state, label in machine.states.items():
        lines.append(f'    state "{_text(label)}" as {state}')
    lines.append(f"    [*] --> {machine.initial}")
    for t in machine.transitions:
        label = _text(t.label)
        if show_roles:
            label += " [" + ", ".join(sorted(_ROLE_SHORT[r] for r in t.roles)) + "]"
        for source in t.sources:
            for dest in t.dests_from(source):  # a ruling's outcomes: one edge each
                lines.append(f"    {source} --> {dest}: {label}")
    for state in machine.states:
        if machine.is_final(state):
            lines.append(f"    {state} --> [*]")
    lines.append(f"    classDef {FINAL_CLASS} fill:#e8f5e9,stroke:#2e7d32")
    lines.append(f"    classDef {CURRENT_CLASS} fill:#fff3cd,stroke:#b45309,stroke-width:3px,font-weight:bold")
    finals = sorted(s for s in machine.states if machine.is_final(s) and s != current)
    if finals:
        lines.append(f"    class {','.join(finals)} {FINAL_CLASS}")
    if current is not None:
        lines.append(f"    class {current} {CURRENT_CLASS}")
    return "\n".join(lines) + "\n"
