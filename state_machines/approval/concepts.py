"""The content of a concept (CTP, environmental authority) and of its consideration (T6), as structured data.

A concept has a sense (``favorable``, ``favorable_con_recomendaciones``, ``desfavorable``, ``parcial`` with the
parts of the plan it covers) and numbered recommendations, each its own item. When the executive side
considers the concepts (legal-path.md §b.2 T6: "record of consideration of each recommendation (accepted /
rejected, reason)"), every recommendation of every concept gets an answer: accepted, partly accepted or not
accepted, always with a reason. Concepts and answers are public information (L1712 art. 9).

Pure values and verdicts; the forms shape the input, the service stores it, the guards of ``pdt.py`` and
``submachines.py`` refuse what is incomplete.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from state_machines.core.machine import OK, Verdict, refuse

CONCEPT_SENSES: dict[str, str] = {
    "favorable": "Favorable",
    "favorable_con_recomendaciones": "Favorable con recomendaciones",
    "desfavorable": "Desfavorable",
    "parcial": "Parcial (sobre una parte del plan)",
}
ANSWER_DECISIONS: dict[str, str] = {
    "aceptada": "Aceptada",
    "parcialmente": "Aceptada parcialmente",
    "no_aceptada": "No aceptada",
}
#: Who issued a concept, for people: "CTP" or the environmental authority's code.
CTP_SOURCE = "CTP"
MAX_RECOMMENDATIONS = 200


@dataclass(frozen=True)
class ConceptContent:
    """What a concept says: its sense, the parts it covers (only for ``parcial``), its recommendations."""

    sense: str
    recommendations: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "recommendations", tuple(r.strip() for r in self.recommendations if r.strip()))
        object.__setattr__(self, "parts", tuple(p.strip() for p in self.parts if p.strip()))

    @property
    def sense_label(self) -> str:
        return CONCEPT_SENSES.get(self.sense, self.sense)


@dataclass(frozen=True)
class RecommendationRef:
    """One recommendation to answer at T6: ``key`` is ``<source>-<n>`` (``CTP-2``, ``CRQ-1``)."""

    source: str
    number: int
    text: str

    @property
    def key(self) -> str:
        return f"{self.source}-{self.number}"


@dataclass(frozen=True)
class Answer:
    decision: str
    reason: str

    @property
    def decision_label(self) -> str:
        return ANSWER_DECISIONS.get(self.decision, self.decision)


def concept_verdict(concept: ConceptContent | None, legal_basis: str, issuer: str = "") -> Verdict:
    """The concept's content is complete (legal-path.md §b.2 T5, T6; L152 art. 39 num. 6; D1865 art. 3 num. 3):
    a known sense; "favorable con recomendaciones" with at least one recommendation; "parcial" naming the parts
    of the plan it covers."""
    if concept is None or concept.sense not in CONCEPT_SENSES:
        return refuse(f"Indique el sentido del concepto{issuer}: favorable, favorable con recomendaciones, "
                      "desfavorable o parcial.", legal_basis)
    if concept.sense == "favorable_con_recomendaciones" and not concept.recommendations:
        return refuse(f"El concepto{issuer} es «favorable con recomendaciones»: registre al menos una "
                      "recomendación.", legal_basis)
    if concept.sense == "parcial" and not concept.parts:
        return refuse(f"El concepto{issuer} es parcial: diga sobre qué partes del plan se pronuncia.", legal_basis)
    if len(concept.recommendations) > MAX_RECOMMENDATIONS:
        return refuse(f"Un concepto admite hasta {MAX_RECOMMENDATIONS} recomendaciones.", legal_basis)
    return OK


def recommendations_of(concepts: Iterable[tuple[str, ConceptContent]]) -> tuple[RecommendationRef, ...]:
    """Every recommendation of every concept, numbered within its concept, CTP first then authorities by code."""
    ordered = sorted(concepts, key=lambda item: (item[0] != CTP_SOURCE, item[0]))
    return tuple(RecommendationRef(source, n, text)
                 for source, concept in ordered for n, text in enumerate(concept.recommendations, start=1))


ANSWERS_BASIS = "D1865 art. 3 num. 4; L152 art. 39 num. 6"


def answers_verdict(recommendations: Iterable[RecommendationRef], answers: Mapping[str, Answer]) -> Verdict:
    """legal-path.md §b.2 T6 (D1865 art. 3 num. 4; L152 art. 39 num. 6): the consideration of the concepts
    answers every recommendation of every concept, each with accepted / partly / not accepted and a reason."""
    missing, unknown, unreasoned = [], [], []
    for rec in recommendations:
        answer = answers.get(rec.key)
        if answer is None or not answer.decision:
            missing.append(rec.key)
        elif answer.decision not in ANSWER_DECISIONS:
            unknown.append(rec.key)
        elif not answer.reason.strip():
            unreasoned.append(rec.key)
    if missing:
        return refuse("Falta la respuesta a las recomendaciones " + ", ".join(missing) + ": cada recomendación "
                      "se acepta, se acepta parcialmente o no se acepta, con su razón.", ANSWERS_BASIS)
    if unknown:
        return refuse("Respuesta no válida para " + ", ".join(unknown) + ": use aceptada, aceptada parcialmente "
                      "o no aceptada.", ANSWERS_BASIS)
    if unreasoned:
        return refuse("Falta la razón de la respuesta a " + ", ".join(unreasoned) + ".", ANSWERS_BASIS)
    return OK


def concept_from_data(data: Mapping) -> ConceptContent | None:
    """The concept stored in a procedure's ``data`` (``concept`` = sense, ``recommendations``, ``parts``)."""
    sense = data.get("concept")
    if not sense:
        return None
    if data.get("scope") == "parcial" and sense != "parcial" and not data.get("parts"):
        return ConceptContent(sense, tuple(data.get("recommendations") or ()))
    return ConceptContent(sense, tuple(data.get("recommendations") or ()), tuple(data.get("parts") or ()))


def answers_from_data(raw: Mapping | None) -> dict[str, Answer]:
    return {key: Answer(str(v.get("decision", "")), str(v.get("reason", "")))
            for key, v in (raw or {}).items() if isinstance(v, Mapping)}
