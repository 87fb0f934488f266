"""The last stretch of the route: remission for sanction, sanction or objection, the corporation's decision on
the objections, the Tribunal, publication and the governor's review (legal-path.md §b.2 T13-T16; issue 20).

Each kind of entity follows its own law, and a departamento its law *at the date of the act*:

- acuerdos (municipios and distritos): Ley 136 de 1994 arts. 76, 78-82 (art. 79 as modified by Ley 177 de 1994
  art. 4);
- ordenanzas from 8 February 2022: Ley 2200 de 2022 arts. 100, 101, 103;
- ordenanzas before it: Decreto 1222 de 1986 arts. 77-83 (``D1222``);
- Bogotá's acuerdos (``special_regime == "bogota"``): Decreto-Ley 1421 de 1993 arts. 23-25, and L136 where
  DL1421 art. 2 sends ("En ausencia de las normas anteriores, se somete a las disposiciones ... vigentes para los
  municipios").

docs/last-stretch-norms.md (in the statutes review) sets each rule beside the phrase of its article.

The rules are data (``SANCTION_LAWS``): a term that a court or a later reading changes is a value here. Days
written in these statutes are business days (L4-1913 art. 62: "los [plazos] de días ... se entienden
suprimidos los feriados y de vacantes"), counted from the day after the act (CGP art. 118 by analogy, as the
CAR term of the calendar, legal-path.md §e.1); "cuarenta y ocho horas" are two calendar days (interpretation,
README).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

from state_machines.core.wording import basis_for_kind
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

    code: str  # "L136", "L2200", "D1222", "DL1421"
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
    #: the executive sends an insisted illegality objection to the Tribunal within this term; None: the statute
    #: writes none (D1222 art. 80) and the calendar has no ``tribunal_remission``.
    tribunal_days: int | None
    tribunal_unit: str  # "business" or "calendar"
    tribunal_basis: str
    #: publication after the sanction, business days; None: the statute writes no term (D1222 art. 82).
    publication_days: int | None
    publication_basis: str
    #: municipios only: the copy to the governor for legal review, business days after the sanction.
    governor_copy_days: int | None = None
    governor_copy_basis: str = ""
    #: the vigencia when the act is silent (D1222 art. 83: thirty days after publication); None: from publication.
    silent_vigencia_days: int | None = None
    silent_vigencia_basis: str = ""
    #: after the Tribunal finds the illegality objections unfounded, the executive sanctions within this many
    #: business days of receiving the ruling (L136 art. 80; DL1421 art. 25: "tres (3) días"); None: not written.
    tribunal_sanction_days: int | None = None
    tribunal_sanction_basis: str = ""
    #: the corporation's president sanctions when the executive lets ``tribunal_sanction_days`` run out
    #: (DL1421 art. 25: "Si no lo hiciere, el Presidente del Concejo sancionará"; L136 art. 80 names only the mayor).
    president_after_tribunal: bool = False
    #: the corporation's president sanctions when the objection term ran out with neither objection nor sanction
    #: (L2200 art. 100 inc. 3: "Si no lo sanciona, el presidente de la Corporación procederá a sancionarlo").
    president_after_silence: bool = False
    silence_basis: str = ""
    #: a ruling that finds the project partly vitiated returns it to the corporation to reconsider and then to
    #: the Tribunal for a definitive ruling (L136 art. 80); False: the Tribunal "decide definitivamente" at once.
    partial_ruling_returns: bool = False
    partial_ruling_basis: str = ""
    #: (trigger, norm): the corporation's decisions on objections that need "la mitad más uno de los miembros"
    #: (L2200 art. 100 par. and D1222 art. 79 for rejecting inconvenience objections; DL1421 art. 23 for rejecting
    #: any objection); L136 writes no majority for them (its art. 79 only "Si la Plenaria ... rechazare").
    rejection_majority: tuple[tuple[str, str], ...] = ()
    #: The corporation entering recess within the term to object obliges the executive to publish the objected
    #: project within that same term (L2200 art. 100 inc. 4: "Si la asamblea entrare en receso dentro de estos
    #: términos, el gobernador tendrá el deber de publicar el proyecto objetado, dentro de aquellos plazos"; D1222
    #: art. 78 inc. 2 the same, "sancionado u objetado"); None: the statute writes no such duty (L136 has the
    #: mayor convoke the Concejo instead, art. 78 inc. 3).
    recess_publication_basis: str | None = None
    #: The term to send an insisted project to the Tribunal runs from the executive's receipt of the corporation's
    #: communication (L2200 art. 101: "cuarenta y ocho horas (48) siguientes al recibo de la comunicación"), when
    #: the insistence states that day; False: from the insistence (L136 art. 80, "dentro de los diez días").
    tribunal_from_receipt: bool = False

    def majority_basis(self, trigger: str) -> str | None:
        """The norm by which ``trigger`` needs an absolute majority of the corporation's members, else None."""
        return dict(self.rejection_majority).get(trigger)

    @property
    def size_independent(self) -> bool:
        """One term whatever the project's size (DL1421 art. 23): the article count is not needed."""
        return len(self.objection_terms) == 1 and self.objection_terms[0][0] is None

    def objection_days(self, articles: int | None) -> int:
        """The executive's term to object a project of ``articles`` articles (None: only with one term)."""
        if articles is None:
            return self.objection_terms[-1][1]
        for limit, days in self.objection_terms:
            if limit is None or articles <= limit:
                return days
        return self.objection_terms[-1][1]

    def objection_table(self) -> tuple[tuple[str, int], ...]:
        """Spanish rows for the executive's page: ("hasta 20 artículos", 5), ...; one term for every size
        (DL1421 art. 23): ("cualquier número de artículos", 10)."""
        if len(self.objection_terms) == 1 and self.objection_terms[0][0] is None:
            return (("cualquier número de artículos", self.objection_terms[0][1]),)
        rows, low = [], 1
        for limit, days in self.objection_terms:
            rows.append((f"de {low} a {limit} artículos" if limit is not None and low > 1 else
                         f"hasta {limit} artículos" if limit is not None else f"más de {low - 1} artículos", days))
            low = (limit or 0) + 1
        return tuple(rows)


#: Interpretation (README "La ruta legal en el código"): D1222 art. 79 writes no term for the governor's sanction
#: after the Asamblea rejects the objections and no sanction by its president ("El Gobernador deberá sancionar,
#: sin poder presentar nuevas objeciones por inconveniencia"). True: the 8 days and the president's sanction of
#: L136 art. 79 apply by analogy, cited as such; False: no term, and the president's sanction is refused.
D1222_EIGHT_DAYS_BY_ANALOGY = False
#: Interpretation (README): DL1421 writes no copy of Bogotá's acuerdos to the governor, and its art. 7 says "Las
#: disposiciones de la Asamblea y de la Gobernación de Cundinamarca no rigen en el territorio del Distrito".
#: False: no copy is due (the act is refused citing DL1421 art. 7); True: L136 art. 82's 5 days (DL1421 art. 2).
BOGOTA_GOVERNOR_COPY = False

SANCTION_LAWS: dict[str, SanctionLaw] = {
    # Verbatim (Ley 177 de 1994 art. 4, which rewrote it): L136 art. 79 "Si la Plenaria del Concejo rechazare las
    # objeciones por inconveniencia, el Alcalde deberá sancionar el proyecto en un término no mayor de ocho (8)
    # días. Si no lo sanciona, el Presidente de la Corporación procederá a sancionarlo y publicarlo."
    # art. 76 "pasará dentro de los cinco (5) días hábiles siguientes al alcalde para su sanción"; art. 78 "cinco
    # días para devolver con objeciones un proyecto de no más de veinte artículos, de diez días cuando el proyecto
    # sea de veintiuno a cincuenta artículos y hasta de veinte días cuando el proyecto exceda cincuenta
    # artículos"; art. 80 "el alcalde enviará dentro de los diez días siguientes, el proyecto ... al Tribunal
    # Administrativo", "Si decidiere que son infundadas, el alcalde sancionará el proyecto dentro de los tres días
    # siguientes al recibo de la comunicación respectiva. Si el tribunal considera parcialmente viciado el
    # proyecto, así lo indicará al Concejo para que se reconsidere. Cumplido este trámite, el proyecto se
    # remitirá de nuevo al Tribunal para fallo definitivo"; art. 81 "dentro de los diez días siguientes a su
    # sanción"; art. 82 "Dentro de los cinco (5) días siguientes a la sanción, el alcalde enviará copia del
    # acuerdo al gobernador".
    "L136": SanctionLaw(
        code="L136", name="Ley 136 de 1994", act="acuerdo",
        remission_days=5, remission_basis="L136 art. 76",
        objection_terms=((20, 5), (50, 10), (None, 20)), objection_basis="L136 art. 78",
        override_sanction_days=8, override_basis="L136 art. 79",
        tribunal_days=10, tribunal_unit="business", tribunal_basis="L136 art. 80",
        publication_days=10, publication_basis="L136 art. 81",
        governor_copy_days=5, governor_copy_basis="L136 art. 82",
        tribunal_sanction_days=3, tribunal_sanction_basis="L136 art. 80",
        partial_ruling_returns=True, partial_ruling_basis="L136 art. 80",
    ),
    # L2200 art. 100: the governor's term to object by the project's size (5, 10 or 20 days); inc. 3 "Si el
    # gobernador, una vez transcurridos los términos indicados, no hubiere devuelto el proyecto con objeciones
    # deberá sancionarlo y promulgarlo. Si no lo sanciona, el presidente de la Corporación procederá a
    # sancionarlo y publicarlo"; par. "El gobernador deberá sancionar, sin poder presentar nuevas objeciones por
    # inconveniencia, el proyecto que reconsiderado fuere aprobado por la mitad más uno de los miembros de la
    # asamblea" (no term: the 8 days are L136 art. 79's, by analogy). Art. 101: "en un término de cuarenta y
    # ocho horas (48) siguientes al recibo de la comunicación, el gobernador disponga el traslado" to the
    # Tribunal, which "decida definitivamente". Art. 103: "La publicación deberá realizarse dentro de los diez
    # (10) días siguientes a su sanción". Art. 100 inc. 1 writes no remission term.
    "L2200": SanctionLaw(
        code="L2200", name="Ley 2200 de 2022", act="ordenanza",
        remission_days=None, remission_basis="L2200 art. 100",
        objection_terms=((20, 5), (50, 10), (None, 20)), objection_basis="L2200 art. 100",
        override_sanction_days=8,
        override_basis="L2200 art. 100 par. (sin término; 8 días por analogía con L136 art. 79)",
        tribunal_days=2, tribunal_unit="calendar", tribunal_basis="L2200 art. 101",
        publication_days=10, publication_basis="L2200 art. 103",
        president_after_silence=True, silence_basis="L2200 art. 100 inc. 3",
        rejection_majority=(("reject_objections", "L2200 art. 100 par."),),
        recess_publication_basis="L2200 art. 100 inc. 4",
        tribunal_from_receipt=True,
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
        override_sanction_days=8 if D1222_EIGHT_DAYS_BY_ANALOGY else None,
        override_basis=("D1222 art. 79 (sin término; 8 días por analogía con L136 art. 79)"
                        if D1222_EIGHT_DAYS_BY_ANALOGY else "D1222 art. 79"),
        tribunal_days=None, tribunal_unit="business", tribunal_basis="D1222 art. 80",
        publication_days=None, publication_basis="D1222 art. 82",
        silent_vigencia_days=30, silent_vigencia_basis="D1222 art. 83",
        rejection_majority=(("reject_objections", "D1222 art. 79"),),
        recess_publication_basis="D1222 art. 78",
    ),
    # DL1421 art. 23 "pasará al Alcalde Mayor para su sanción"; "Dentro de los diez (10) días siguientes al recibo
    # del proyecto, el Alcalde podrá objetarlo por motivos de inconveniencia, inconstitucionalidad o
    # ilegalidad", whatever its size; "El acuerdo regirá a partir de su publicación". Art. 24 (inconvenience
    # rejected): "el Alcalde deberá sancionar el proyecto. Si no lo hiciere, el Presidente de la Corporación
    # sancionará y promulgará el acuerdo" (no term: L136 art. 79's 8 days through DL1421 art. 2). Art. 25: the
    # Tribunal "dentro de los diez (10) días siguientes"; "Si decidiere que son infundadas, el Alcalde lo
    # sancionará dentro de los tres (3) días siguientes al recibo de la comunicación respectiva. Si no lo hiciere,
    # el Presidente del Concejo sancionará y promulgará el acuerdo". The remission's 5 days, the publication's
    # 10 and the partly vitiated project come from L136 arts. 76, 80 and 81 through DL1421 art. 2.
    "DL1421": SanctionLaw(
        code="DL1421", name="Decreto-Ley 1421 de 1993", act="acuerdo",
        remission_days=5, remission_basis="L136 art. 76 (DL1421 art. 2)",
        objection_terms=((None, 10),), objection_basis="DL1421 art. 23",
        override_sanction_days=8, override_basis="DL1421 art. 24 (8 días: L136 art. 79 por DL1421 art. 2)",
        tribunal_days=10, tribunal_unit="business", tribunal_basis="DL1421 art. 25",
        publication_days=10, publication_basis="DL1421 art. 23; L136 art. 81 (DL1421 art. 2)",
        governor_copy_days=5 if BOGOTA_GOVERNOR_COPY else None,
        governor_copy_basis="L136 art. 82 (DL1421 art. 2)" if BOGOTA_GOVERNOR_COPY else "DL1421 art. 7",
        tribunal_sanction_days=3, tribunal_sanction_basis="DL1421 art. 25",
        president_after_tribunal=True,
        partial_ruling_returns=True, partial_ruling_basis="L136 art. 80 (DL1421 art. 2)",
        # DL1421 art. 23: the objections "sólo podrán ser rechazadas por el voto de la mitad más uno de los
        # miembros", whatever their grounds.
        rejection_majority=(("reject_objections", "DL1421 art. 23"), ("insist_on_project", "DL1421 art. 23")),
    ),
}


#: Interpretation (README "La ruta legal en el código"): an objection after the term is refused, since the
#: statute gives the executive that term "para devolver con objeciones"; False turns it into a flag only.
REFUSE_LATE_OBJECTIONS = True

#: Interpretation: the remission for sanction states the project's number of articles where the executive's term
#: depends on it (L136 art. 78; L2200 art. 100; D1222 art. 78: 5, 10 or 20 days by size, counted from the
#: remission). Without it the term had no date: the executive was never told to sanction or object, nor
#: reminded, nor the silence's consequence applied. False makes it optional again (the executive then gives it
#: when objecting).
REQUIRE_ARTICLES_AT_REMISSION = True

#: ``Entity.special_regime`` -> the code of its own law of the last stretch.
SPECIAL_LAWS = {"bogota": "DL1421"}


def legal_basis_for(trigger: str, table_basis: str, entity_kind: str, approved_on: date | None,
                    special: str | None = None, state: str | None = None, via_tribunal: bool = False) -> str:
    """The norm a history row of the last stretch cites for its entity and date: the table cites the acuerdo's
    law (L136, and L2200 beside it where both apply); an ordenanza cites its own (L2200 arts. 100-103 from
    8 February 2022, D1222 arts. 77-83 before), Bogotá DL1421 arts. 23-25, never L136 alone. ``state`` and
    ``via_tribunal`` (the act's source state and the record) tell which president's sanction it is. Other acts
    cite the table's basis for the kind of entity (``wording.basis_for_kind``): a Concejo's objection L136 art. 78,
    not "L136 art. 78; L2200 art. 100" (QA, 7 December 2026); the debates' own statute is
    ``debates.debate_basis``'s."""
    own = basis_for_kind(table_basis, entity_kind == "departamento")  # the kind's own statute, not both
    if special == "bogota":  # the project's passage in Bogotá's Concejo is DL1421 art. 22's, not L136 art. 73's
        own = own.replace("L136 art. 73", "DL1421 art. 22")
    if trigger == "sanction" and state == "sanction_due":
        # The executive's sanction owed after the objections were rejected (L136 art. 79) or found unfounded by
        # the Tribunal (L136 art. 80; DL1421 art. 25), not the first term's article (QA, 7 December 2026).
        law = sanction_law(entity_kind, approved_on, special)
        return (law.tribunal_sanction_basis or law.tribunal_basis) if via_tribunal else law.override_basis
    if entity_kind != "departamento" and special not in SPECIAL_LAWS:
        return own
    law = sanction_law(entity_kind, approved_on, special)
    president = (law.silence_basis if state == "sanction_pending" else
                 law.tribunal_sanction_basis if via_tribunal else law.override_basis)
    by_trigger = {
        "send_for_sanction": law.remission_basis,
        "sanction": law.objection_basis,
        "object": law.objection_basis,
        "accept_objections": law.objection_basis,
        "reject_objections": law.override_basis,
        "sanction_by_president": president,
        "insist_on_project": law.tribunal_basis,
        "send_to_tribunal": law.tribunal_basis,
        "record_insistence_receipt": law.tribunal_basis,
        "record_tribunal_unfounded": law.tribunal_sanction_basis or law.tribunal_basis,
        "record_tribunal_partial": law.partial_ruling_basis or law.tribunal_basis,
        "return_to_tribunal": law.partial_ruling_basis or law.tribunal_basis,
        "record_tribunal_articles_archived": law.tribunal_basis,
        "record_tribunal_archive": law.tribunal_basis,
        "publish": f"CPACA art. 65; {law.publication_basis}",
        # L136 art. 79; L2200 art. 100 inc. 3: the president who sanctioned publishes.
        "publish_by_president": f"CPACA art. 65; {law.silence_basis or law.override_basis}",
        "publish_objected_project": law.recess_publication_basis or table_basis,
        "send_copy_to_governor": law.governor_copy_basis or table_basis,
        "record_governor_review": law.governor_copy_basis or table_basis,
    }
    return by_trigger.get(trigger, own)


def sanction_law(entity_kind: str, on: date | None, special: str | None = None) -> SanctionLaw:
    """The statute of the last stretch: for acuerdos L136, or Bogotá's own (``special`` ``"bogota"``: DL1421
    arts. 23-25); for ordenanzas L2200 from its vigencia (8 February 2022, D.O. 51.942) and Decreto 1222 de 1986
    before it, read at the date ``on`` of the act that opens the stretch (the approval); unknown date: today's
    law."""
    if entity_kind != "departamento":
        return SANCTION_LAWS[SPECIAL_LAWS.get(special or "", "L136")]
    if on is not None and on < L2200_IN_FORCE:
        return SANCTION_LAWS["D1222"]
    return SANCTION_LAWS["L2200"]


def president_sanctions_after(law: SanctionLaw, key: str) -> str | None:
    """The norm under which the corporation's president sanctions once the executive let the term ``key`` run out,
    or None where the law leaves the sanction to the executive alone:

    - ``objection_term`` in silence: L2200 art. 100 inc. 3 ("Si no lo sanciona, el presidente de la Corporación
      procederá a sancionarlo y publicarlo"), ``president_after_silence``;
    - ``sanction_after_rejection``: L136 art. 79 (L177 art. 4), the same words; DL1421 art. 24; the 8 days by
      analogy where ``override_sanction_days`` is set for a law that writes no term (L2200 art. 100 par.; D1222
      art. 79 under ``D1222_EIGHT_DAYS_BY_ANALOGY``);
    - ``sanction_after_tribunal``: DL1421 art. 25 ("Si no lo hiciere, el Presidente del Concejo sancionará"),
      ``president_after_tribunal``; L136 art. 80 names only the mayor."""
    if key == "objection_term":
        return law.silence_basis if law.president_after_silence else None
    if key == "sanction_after_rejection":
        return law.override_basis if law.override_sanction_days is not None else None
    if key == "sanction_after_tribunal":
        return law.tribunal_sanction_basis if law.president_after_tribunal else None
    return None


#: The executive's terms whose end may give the corporation's president the sanction (``president_sanctions_after``).
PRESIDENT_TERMS = ("objection_term", "sanction_after_rejection", "sanction_after_tribunal")


@dataclass(frozen=True)
class SanctionRecord:
    """What the plan's history says about the last stretch (``event_dates["sanction"]``).

    - ``articles``: the project's article count as the executive gave it (L136 art. 78);
    - ``grounds``: the objection's grounds (``GROUNDS``);
    - ``overridden``: the corporation rejected objections for inconvenience (L136 art. 79);
    - ``via_tribunal``: the sanction is due after the Tribunal's ruling (L136 art. 80);
    - ``archived_articles``: articles the Tribunal archived (the rest is sanctioned);
    - ``reconsidered``: the corporation reconsidered the part the Tribunal found vitiated and the project went
      back to the Tribunal for its definitive ruling (L136 art. 80);
    - ``governor_copy_sent`` / ``governor_review``: the copy to the governor (L136 art. 82) and its outcome;
    - ``objected_published``: the governor published the objected project, the Asamblea being in recess (L2200 art.
      100 inc. 4); new objections start over;
    - ``insistence_received``: the governor's receipt of the insistence's communication is on file (L2200 art. 101),
      stated with the insistence or recorded by its own act;
    - ``sanctioned_by`` / ``president_after``: who sanctioned, and after which term the president did.
    """

    articles: int | None = None
    grounds: frozenset[str] = frozenset()
    overridden: bool = False
    via_tribunal: bool = False
    archived_articles: str = ""
    reconsidered: bool = False
    governor_copy_sent: date | None = None
    governor_review: str | None = None
    objected_published: bool = False
    insistence_received: bool = False
    #: Who sanctioned ("ejecutivo" or "presidente") and, for the president, after which of the executive's terms
    #: ("rechazo": L136 art. 79; "silencio": L2200 art. 100 inc. 3; "tribunal": DL1421 art. 25).
    sanctioned_by: str | None = None
    president_after: str | None = None
    extra: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Mapping | None) -> "SanctionRecord":
        data = data or {}
        copy = data.get("governor_copy_sent")
        articles = data.get("articles")
        return cls(articles=int(articles) if articles else None, grounds=frozenset(data.get("grounds") or ()),
                   overridden=bool(data.get("overridden")), via_tribunal=bool(data.get("via_tribunal")),
                   archived_articles=str(data.get("archived_articles") or ""),
                   reconsidered=bool(data.get("reconsidered")),
                   governor_copy_sent=date.fromisoformat(copy) if copy else None,
                   governor_review=data.get("governor_review") or None,
                   objected_published=bool(data.get("objected_published")),
                   insistence_received=bool(data.get("insistence_received")),
                   sanctioned_by=data.get("sanctioned_by") or None, president_after=data.get("president_after") or None)


#: The governor's review outcomes (L136 art. 82; the governor, finding the acuerdo contrary to law, sends it to
#: the Tribunal Administrativo: CP art. 305 num. 10). The review does not suspend the acuerdo's effects.
GOVERNOR_REVIEW_OUTCOMES = {
    "ajustado": "El gobernador lo encontró ajustado a derecho",
    "remitido_tribunal": "El gobernador lo remitió al Tribunal Administrativo para que decida sobre su validez",
}
