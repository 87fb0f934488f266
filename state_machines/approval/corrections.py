"""Correcting an evidence document of the case file: who may, and under which norm.

CPACA art. 45 (Ley 1437 de 2011): formal errors of an administrative act (arithmetic, typing, transcription,
omitted words) may be corrected at any time, and the correction never changes the decision's material sense.
So a correction is a new version of the document that supersedes the earlier one, with its reason; both stay in
the case file with their hashes, and the plan's state does not move. It is filed by whoever filed the
document: the role of the act that carried it, or (a document attached to no act, e.g. the public draft) the
planning office or the executive. A document filed on an environmental authority's review is corrected only by
that authority (D1865 art. 3: each authority with jurisdiction issues its own concept): where two authorities
share a plan, one may not replace the other's concept.

«Realizada la corrección, esta deberá ser notificada o comunicada a todos los interesados» (same article): the
interested parties of a plan's document are told of each correction (``interested_parties``).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from state_machines.core.roles import Role

# Its history row is not on the route's machine: the route's acts keep their own order of dates
# (services.route.plans._check_act_date), which a correction recorded today must not constrain.
MACHINE = "documents"
TRIGGER = "correct_document"
LABEL = "Corregir un documento del expediente"
LEGAL_BASIS = "CPACA art. 45"
EXPLANATION = ("Solo se corrigen errores formales (aritméticos, de digitación, de transcripción u omisión de "
               "palabras); la corrección no cambia el sentido de la decisión y la versión anterior se conserva "
               "en el expediente. La corrección y su motivo se comunican a los demás interesados del plan: "
               "la administración, el Consejo Territorial de Planeación, el concejo o asamblea y las autoridades "
               "ambientales que recibieron el proyecto (CPACA art. 45).")
DEFAULT_ROLES = frozenset({Role.PLANEACION, Role.EJECUTIVO})
MIN_REASON_CHARS = 10


def correcting_roles(filed_by_role: str | None) -> frozenset[Role]:
    """The roles that may correct a document filed with an act by ``filed_by_role`` (None: attached to no act)."""
    if filed_by_role is None or filed_by_role == Role.SISTEMA.value:
        return DEFAULT_ROLES
    return frozenset({Role(filed_by_role)})


def holding_authority(machine: str | None, subject: str | None) -> str | None:
    """The environmental authority that holds an act filed on ``machine``/``subject`` (its own review), else None."""
    return subject if machine == "car_review" and subject else None


def correcting_role(filed_by_role: str | None, filed_by_authority: str | None, held: set[Role],
                    held_authorities: set[str]) -> Role | None:
    """The role in which a person holding ``held`` on the plan's entity (and, as CAR, ``held_authorities``) may
    correct a document; None when they may not.

    CPACA art. 45; D1865 art. 3: the filer corrects its own act, and a concept of an environmental authority is
    corrected only by that same authority."""
    allowed = held & correcting_roles(filed_by_role)
    if Role.CAR in allowed and (filed_by_authority is None or filed_by_authority not in held_authorities):
        allowed.discard(Role.CAR)
    return min(allowed, key=lambda r: r.value) if allowed else None


def reason_problem(reason: str) -> str | None:
    """A correction says why (CPACA art. 45: the interested parties are told of it)."""
    if len((reason or "").strip()) < MIN_REASON_CHARS:
        return "Explique en una frase qué error formal corrige la nueva versión."
    return None


#: The route's actors of the plan's entity, each a party to the case file's documents: the executive and its
#: planning office file the project, the CTP gives its concept on it (L152 art. 39 num. 6), the concejo or asamblea
#: decides on it (L152 art. 40).
INTERESTED_ROLES = frozenset({Role.EJECUTIVO, Role.PLANEACION, Role.CTP, Role.CORPORACION})
NOTICE_EXPLANATION = ("La corrección solo enmienda errores formales (aritméticos, de digitación, de transcripción "
                      "u omisión de palabras): no cambia el sentido material de la decisión ni revive los términos "
                      "para demandarla (CPACA art. 45).")


@dataclass(frozen=True)
class Interested:
    roles: frozenset[Role]  # held on the plan's entity
    authorities: frozenset[str]  # environmental authorities, by code


def interested_parties(reviewing_authorities: Iterable[str]) -> Interested:
    """Who is told of a correction of a plan's document.

    CPACA art. 45: the correction is communicated to every interested party: the route's actors of the plan's
    entity (``INTERESTED_ROLES``) and each environmental authority that received the project for its concept
    (``reviewing_authorities``, the plan's ``car_review`` subjects; D1865 art. 3). The person who corrected it is
    not told: the correction is its own act."""
    return Interested(INTERESTED_ROLES, frozenset(a for a in reviewing_authorities if a))


def is_told(person_id: int, corrector_id: int | None) -> bool:
    """CPACA art. 45: the correction is communicated to the others; its author already knows it."""
    return person_id != corrector_id
