"""The norm an act of the plan's route cites, for its entity and day: in its history row, in the inbox's list of
acts and in the notices that tell who acts next.

The route's table cites the acuerdo's law (and the ordenanza's beside it where the act is the same); the act cites
its own entity's: an ordenanza's last stretch Ley 2200 (Decreto 1222 before 8 February 2022), Bogotá's Decreto-Ley
1421, a convocation or an extension the corporation's own statute, the debates theirs
(``corporation.sanction.legal_basis_for``, ``corporation.debates.debate_basis``, ``corporation.sessions``).
"""
from __future__ import annotations

from datetime import date

from state_machines.corporation.debates import debate_basis
from state_machines.corporation.sanction import legal_basis_for
from state_machines.corporation.sessions import convocation_basis, extension_basis_of


def route_act_basis(trigger: str, table_basis: str, source: str, on: date, *, entity_kind: str,
                    special: str | None, approved_on: date | None, via_tribunal: bool = False,
                    convocation_starts: date | None = None) -> str:
    """The norm act ``trigger`` of the route cites, fired from ``source`` on ``on`` (the act's day, or the day
    its list is read) by an entity of ``entity_kind`` (``"municipio"`` or ``"departamento"``) and ``special``
    regime (``"bogota"``), its plan approved on ``approved_on``; ``via_tribunal``: the sanction record says the
    project came back from the Tribunal; ``convocation_starts``: a convocation's first day.

    - A plan adopted by decree keeps the table's basis, and its publication cites CPACA art. 65 alone (a decree is
      published as general acts are, not under L136 art. 81).
    - An extension cites the corporation's statute (Bogotá DL1421 art. 10, an Asamblea L56 art. 1 par., a Concejo
      L136 art. 23 par. 1); a convocation L152 art. 40 with the statute of its first day (L2200 art. 23 or L56
      art. 1 for an Asamblea), and a Concejo's convoked to decide objections L136 art. 78 besides.
    - The debates cite the law of the approval's day, before it of the act's (a 2020 committee debate cited L2200
      art. 97); the last stretch its entity's statute."""
    if source == "adopted_by_decree":
        return "CPACA art. 65" if trigger == "publish" else table_basis
    if trigger == "extend_sessions":
        return extension_basis_of(entity_kind, special)
    if trigger == "convoke_sessions":
        statute = convocation_basis(entity_kind, convocation_starts or on, special)
        if source == "objected":  # convoked to decide the objections (L136 art. 78 inc. 3), not the plan's month
            return f"L136 art. 78; {statute}" if statute.startswith("L136") else statute
        return "L152 art. 40; " + statute
    if debates := debate_basis(trigger, entity_kind, special, approved_on or on):
        return debates
    return legal_basis_for(trigger, table_basis, entity_kind, approved_on, special, source, via_tribunal)
