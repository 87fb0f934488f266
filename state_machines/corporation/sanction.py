"""The last stretch of the route: remission for sanction, sanction or objection, the corporation's decision on
the objections, the Tribunal, publication and the governor's review (legal-path.md §b.2 T13-T16; issue 20).

Each kind of entity follows its own law, and a departamento its law *at the date of the act*:

- acuerdos (municipios and distritos): Ley 136 de 1994 arts. 76, 78-82 (art. 79 as modified by Ley 177 de 1994
  art. 4);
- ordenanzas from 8 February 2022: Ley 2200 de 2022 arts. 100, 101, 103;
- ordenanzas before it: Decreto 1222 de 1986 arts. 78-83 (``D1222``).

The rules are data (``SANCTION_LAWS``): a term that a court or a later reading changes is a value here. Days
written in these statutes are business days (L4-1913 art. 62: "los [plazos] de días ... se entienden
suprimidos los feriados y de vacantes"), counted from the day after the act (L4-1913 art. 70 by analogy, as
the CAR term of the calendar); "cuarenta y ocho horas" are two calendar days (interpretation, README).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

from state_machines.corporation.sessions import L2200_IN_FORCE

#: The objection grounds the law distinguishes (L136 art. 78: "por motivos de inconveniencia o por ser
#: contrario a la Constitución, la ley y las ordenanzas"); "both" is the two together.
GROUNDS = {
    "inconveniencia": "Inconveniencia",
    "ilegalidad": "Ilegalidad (contrario a la Constitución, la ley o las ordenanzas)",
}


@dataclass(frozen=True)
class SanctionLaw:
    """One statute's rules for the last stretch. ``None`` in a term: the statute writes none."""

    code: str  # "L136", "L2200", "D1222"
    name: str  # "Ley 136 de 1994"
    act: str  # "acuerdo" / "ordenanza"
    #: remission of the approved project to the executive, business days after the approval.
    remission_days: int | None
    remission_basis: str
    #: ((max articles or None for "more"), business days): the executive's term to object.
    objection_terms: tuple[tuple[int | None, int], ...]
    objection_basis: str
    #: the executive must sanction this many business days after the corporation rejects inconvenience
    #: objections; after that, the corporation's president sanctions.
    override_sanction_days: int | None
    override_basis: str
    #: the executive sends an insisted illegality objection to the Tribunal within this term (None: none written).
    tribunal_days: int | None
    tribunal_unit: str  # "business" or "calendar"
    tribunal_basis: str
    #: publication after the sanction, business days.
    publication_days: int | None
    publication_basis: str
    #: municipios only: the copy to the governor for legal review, business days after the sanction.
    governor_copy_days: int | None = None
    governor_copy_basis: str = ""
    #: the vigencia when the act is silent (D1222 art. 83: thirty days after publication); None: from publication.
    silent_vigencia_days: int | None = None
    silent_vigencia_basis: str = ""

    def objection_days(self, articles: int) -> int:
        """The executive's term to object a project of ``articles`` articles."""
        for limit, days in self.objection_terms:
            if limit is None or articles <= limit:
                return days
        return self.objection_terms[-1][1]

    def objection_table(self) -> tuple[tuple[str, int], ...]:
        """Spanish rows for the executive's page: ("hasta 20 artículos", 5), ..."""
        rows, low = [], 1
        for limit, days in self.objection_terms:
            rows.append((f"de {low} a {limit} artículos" if limit is not None and low > 1 else
                         f"hasta {limit} artículos" if limit is not None else f"más de {low - 1} artículos", days))
            low = (limit or 0) + 1
        return tuple(rows)


SANCTION_LAWS: dict[str, SanctionLaw] = {
    # Verbatim (Ley 177 de 1994 art. 4, which rewrote it): L136 art. 79 "Si la Plenaria del Concejo rechazare las
    # objeciones por inconveniencia, el Alcalde deberá sancionar el proyecto en un término no mayor de ocho (8)
    # días. Si no lo sanciona, el Presidente de la Corporación procederá a sancionarlo y publicarlo."
    # As legal-path.md §b.2 T13-T16 records them (paraphrase, to check against the consolidated text): art. 76
    # remission within 5 días hábiles after the second debate; art. 78 objection term 5 days (no more than 20
    # articles), 10 (21 to 50), 20 (more than 50); art. 80 legal objections not accepted: the mayor sends the
    # project to the Tribunal Administrativo within 10 days, archived if the Tribunal finds them founded;
    # art. 81 publication within 10 days of the sanction; art. 82 copy to the governor within 5 days of the
    # sanction, "la revisión no suspende los efectos".
    "L136": SanctionLaw(
        code="L136", name="Ley 136 de 1994", act="acuerdo",
        remission_days=5, remission_basis="L136 art. 76",
        objection_terms=((20, 5), (50, 10), (None, 20)), objection_basis="L136 art. 78",
        override_sanction_days=8, override_basis="L136 art. 79",
        tribunal_days=10, tribunal_unit="business", tribunal_basis="L136 art. 80",
        publication_days=10, publication_basis="L136 art. 81",
        governor_copy_days=5, governor_copy_basis="L136 art. 82",
    ),
    # L2200 art. 100: the governor's term to object by the project's size, as L136 art. 78 (5, 10 or 20 days);
    # its parágrafo: once the Asamblea rejects the objections for inconvenience the governor sanctions and
    # cannot object again. L2200 art. 101: an illegality objection the Asamblea rejects goes to the Tribunal
    # "dentro de las cuarenta y ocho (48) horas siguientes". L2200 art. 103: publication after the sanction
    # (10 days) and vigencia from publication. The ordenanza has no remission term in the statute.
    "L2200": SanctionLaw(
        code="L2200", name="Ley 2200 de 2022", act="ordenanza",
        remission_days=None, remission_basis="L2200 art. 100",
        objection_terms=((20, 5), (50, 10), (None, 20)), objection_basis="L2200 art. 100",
        override_sanction_days=8, override_basis="L2200 art. 100 par.",
        tribunal_days=2, tribunal_unit="calendar", tribunal_basis="L2200 art. 101",
        publication_days=10, publication_basis="L2200 art. 103",
    ),
    # Decreto 1222 de 1986 as SUIN's text reads it (issue 20, debates; checked word for word):
    # art. 77 "Aprobado un proyecto de ordenanza por la Asamblea pasará al Gobernador para su sanción" (no term);
    # art. 78 "El Gobernador dispondrá del término de cuatro (4) días para devolver con objeciones cualquier proyecto
    # cuando no conste de más de veinte (20) artículos, de seis (6) días cuando el proyecto contenga de veintiuno (21)
    # a cincuenta (50) artículos y hasta de diez (10) días cuando los artículos sean más de cincuenta (50)";
    # art. 79 "El Gobernador deberá sancionar, sin poder presentar nuevas objeciones por inconveniencia, el proyecto
    # que reconsiderado fuere aprobado por la mitad más uno de los miembros de la Asamblea" (no term, no sanction by
    # the Asamblea's president); art. 80 "el proyecto pasará al Tribunal Administrativo del Departamento" (no term
    # for the governor); art. 82 "Sancionada la ordenanza, se publicará en el periódico oficial del Departamento"
    # (no term); art. 83 "Las ordenanzas rigen en todo el territorio del Departamento, treinta (30) días después de
    # su publicación en el periódico oficial. Sin embargo, las Asambleas pueden reglamentar este punto".
    "D1222": SanctionLaw(
        code="D1222", name="Decreto 1222 de 1986", act="ordenanza",
        remission_days=None, remission_basis="D1222 art. 77",
        objection_terms=((20, 4), (50, 6), (None, 10)), objection_basis="D1222 art. 78",
        override_sanction_days=None, override_basis="D1222 art. 79",
        tribunal_days=None, tribunal_unit="business", tribunal_basis="D1222 art. 80",
        publication_days=None, publication_basis="D1222 art. 82",
        silent_vigencia_days=30, silent_vigencia_basis="D1222 art. 83",
    ),
}

#: Interpretation (README): L136 art. 82 sends the acuerdo to "el gobernador del departamento" for the review of CP
#: art. 305 num. 10; the Distrito Capital is not part of a department's administration (CP art. 322), so Bogotá's
#: acuerdos have no copy to a governor. True restores the copy.
GOVERNOR_COPY_FOR_BOGOTA = False

#: Interpretation (README "La ruta legal en el código"): an objection after the term is refused, since the
#: statute gives the executive that term "para devolver con objeciones"; False turns it into a flag only.
REFUSE_LATE_OBJECTIONS = True
#: Interpretation: the corporation's president sanctions only after the corporation itself rejected
#: objections for inconvenience (L136 art. 79); after a Tribunal's ruling the executive sanctions (art. 80).
PRESIDENT_AFTER_TRIBUNAL = False


def legal_basis_for(trigger: str, table_basis: str, entity_kind: str, approved_on: date | None) -> str:
    """The norm a history row of the last stretch cites for its entity and date: the table cites the acuerdo's
    law (and L2200 beside it where both apply); an ordenanza cites its own (L2200 arts. 100-103 from 8 February
    2022, D1222 arts. 78-81 before), never L136 alone. Other acts keep the table's basis."""
    if entity_kind != "departamento":
        return table_basis
    law = sanction_law(entity_kind, approved_on)
    by_trigger = {
        "send_for_sanction": law.remission_basis,
        "sanction": law.objection_basis,
        "object": law.objection_basis,
        "accept_objections": law.objection_basis,
        "reject_objections": law.override_basis,
        "sanction_by_president": law.override_basis,
        "insist_on_project": law.tribunal_basis,
        "send_to_tribunal": law.tribunal_basis,
        "record_tribunal_unfounded": law.tribunal_basis,
        "record_tribunal_articles_archived": law.tribunal_basis,
        "record_tribunal_archive": law.tribunal_basis,
        "publish": f"CPACA art. 65; {law.publication_basis}",
    }
    return by_trigger.get(trigger, table_basis)


def sanction_law(entity_kind: str, on: date | None) -> SanctionLaw:
    """The statute of the last stretch: L136 for acuerdos; for ordenanzas L2200 from its vigencia (8 February
    2022, D.O. 51.942) and Decreto 1222 de 1986 before it, read at the date ``on`` of the act that opens the
    stretch (the approval); unknown date: today's law."""
    if entity_kind != "departamento":
        return SANCTION_LAWS["L136"]
    if on is not None and on < L2200_IN_FORCE:
        return SANCTION_LAWS["D1222"]
    return SANCTION_LAWS["L2200"]


@dataclass(frozen=True)
class SanctionRecord:
    """What the plan's history says about the last stretch (``event_dates["sanction"]``).

    - ``articles``: the project's article count as the executive gave it (L136 art. 78);
    - ``grounds``: the objection's grounds (``GROUNDS``);
    - ``overridden``: the corporation rejected objections for inconvenience (L136 art. 79);
    - ``via_tribunal``: the sanction is due after the Tribunal's ruling (L136 art. 80);
    - ``archived_articles``: articles the Tribunal archived (the rest is sanctioned);
    - ``governor_copy_sent`` / ``governor_review``: the copy to the governor (L136 art. 82) and its outcome.
    """

    articles: int | None = None
    grounds: frozenset[str] = frozenset()
    overridden: bool = False
    via_tribunal: bool = False
    archived_articles: str = ""
    governor_copy_sent: date | None = None
    governor_review: str | None = None
    extra: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Mapping | None) -> "SanctionRecord":
        data = data or {}
        copy = data.get("governor_copy_sent")
        articles = data.get("articles")
        return cls(articles=int(articles) if articles else None, grounds=frozenset(data.get("grounds") or ()),
                   overridden=bool(data.get("overridden")), via_tribunal=bool(data.get("via_tribunal")),
                   archived_articles=str(data.get("archived_articles") or ""),
                   governor_copy_sent=date.fromisoformat(copy) if copy else None,
                   governor_review=data.get("governor_review") or None)


#: The governor's review outcomes (L136 art. 82; the governor, finding the acuerdo contrary to law, sends it to
#: the Tribunal Administrativo: CP art. 305 num. 10). The review does not suspend the acuerdo's effects.
GOVERNOR_REVIEW_OUTCOMES = {
    "ajustado": "El gobernador lo encontró ajustado a derecho",
    "remitido_tribunal": "El gobernador lo remitió al Tribunal Administrativo para que decida sobre su validez",
}
