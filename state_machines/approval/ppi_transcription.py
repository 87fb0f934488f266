"""Transcribing the adopted plan's investment plan once, when none was registered before the filing.

L152 art. 31: the plan "estará conformado por una parte general y un plan de inversiones"; the investment plan is
part of the plan the corporation adopts. The route freezes the PPI registered here at the filing and at the
adoption (``pdt.ppi_change_verdict``: L152 art. 40), so a plan filed with none registered was adopted with none
on record, and its Phase II had no lines for the Plan Indicativo (P2), hence no POAI (D111 art. 8) nor budget: QA,
2028, the Gobernación del Quindío. The filing is warned (``pdt.is_without_ppi``), not refused: refusing it would
change the route's guard for every plan already walked.

(Interpretation) The way out that changes nothing adopted: once the plan is adopted, and only if no version of its
investment plan was ever registered, the planning office transcribes the investment plan of the adopted act, once,
with that act's PDF as its support. The transcription is marked as such, becomes the adopted version (the one the
Plan Indicativo reads), and leaves a row in the plan's history; it never replaces a registered version (later
adjustments follow their own procedure, L152 art. 45).
"""
from __future__ import annotations

from state_machines.approval.pdt import ADOPTED_STATES
from state_machines.core.machine import OK, Verdict, refuse
from state_machines.core.roles import Role

# Its history row is not on the route's machine (as a document's correction, ``corrections.MACHINE``): the plan's
# state does not move, and the route's order of dates does not constrain it.
MACHINE = "ppi"
TRIGGER = "transcribe_adopted_ppi"
LABEL = "Transcribir el plan de inversiones del acto adoptado"
LEGAL_BASIS = "L152 arts. 31, 40"
ROLES = frozenset({Role.PLANEACION})
SOURCE = "transcription"  # the version's ``source``: pages say «transcrito del acto adoptado»
DOCUMENT_KIND = "ppi_transcription"
DOCUMENT_TITLE = "Acto adoptado con su plan de inversiones (soporte de la transcripción)"
#: The plan was adopted: by the corporation's approval or the executive's decree (not a project archived, nor one
#: the executive may still adopt by decree).
TRANSCRIBABLE_STATES = ADOPTED_STATES - {"decree_eligible", "archived"}


def transcription_verdict(plan_state: str, has_ppi_version: bool) -> Verdict:
    """L152 arts. 31, 40, 45 (interpretation, see the module): the adopted plan's investment plan is transcribed
    only once the plan is adopted, and only when no version of it was ever registered."""
    if has_ppi_version:
        return refuse("Este plan ya tiene un plan de inversiones registrado: no se transcribe otro ni se reemplaza el "
                      "adoptado; sus ajustes posteriores siguen su propio procedimiento (L152 art. 45).",
                      "L152 arts. 40, 45")
    if plan_state not in TRANSCRIBABLE_STATES:
        return refuse("La transcripción es para un plan ya adoptado que no registró su plan de inversiones antes de "
                      "radicarlo. Antes de la adopción, registre el plan de inversiones en su página (en una tabla o "
                      "desde un archivo).", "L152 art. 31")
    return OK
