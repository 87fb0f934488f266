"""Words for the entity at hand: "el Concejo de Génova", "la alcaldesa", "acuerdo", instead of the legal
tables' generic "concejo o asamblea", "alcalde o gobernador", "acuerdo u ordenanza".

The tables (``pdt.py``, ``submachines.py``, ``route.py``) keep the generic phrases, since one table serves every
entity; ``localize`` rewrites a text for one entity when it is shown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

EXECUTIVE_TITLES = ("alcalde", "alcaldesa", "gobernador", "gobernadora")
_FEMININE = frozenset({"alcaldesa", "gobernadora"})
#: Departments whose name takes the article: "Asamblea del Quindío", "Gobernación del Cauca".
_DEPARTMENTS_WITH_ARTICLE = frozenset({
    "amazonas", "atlántico", "caquetá", "casanare", "cauca", "cesar", "chocó", "guainía", "guaviare", "huila",
    "magdalena", "meta", "putumayo", "quindío", "tolima", "valle del cauca", "vaupés", "vichada",
    "archipiélago de san andrés, providencia y santa catalina",
})


def of_department(name: str) -> str:
    """'del Quindío', 'del Archipiélago de San Andrés…', 'de Sucre', 'de La Guajira'."""
    return f"del {name}" if name.lower() in _DEPARTMENTS_WITH_ARTICLE else f"de {name}"


@dataclass(frozen=True)
class Wording:
    kind: str  # municipio, distrito or departamento
    place: str  # the entity's name as people write it: "Génova", "Quindío"
    executive_title: str  # alcalde, alcaldesa, gobernador, gobernadora
    special: str | None = None  # "bogota": the Distrito Capital's own statute (DL1421), ``Entity.special_regime``

    @property
    def is_department(self) -> bool:
        return self.kind == "departamento"

    @property
    def of_place(self) -> str:
        """'de Génova', 'del Quindío'."""
        return of_department(self.place) if self.is_department else f"de {self.place}"

    @property
    def corporation(self) -> str:
        """'Concejo de Génova', 'Asamblea del Quindío'."""
        return f"{'Asamblea' if self.is_department else 'Concejo'} {self.of_place}"

    @property
    def act(self) -> str:
        return "ordenanza" if self.is_department else "acuerdo"

    @property
    def is_feminine(self) -> bool:
        return self.executive_title in _FEMININE

    @property
    def the_executive(self) -> str:
        return f"{'la' if self.is_feminine else 'el'} {self.executive_title}"


def titles_for(kind: str) -> tuple[str, ...]:
    """The executive's titles for an entity kind: a department is governed by a gobernador or gobernadora, a
    municipio or district by an alcalde or alcaldesa (Constitution arts. 303, 314)."""
    return ("gobernador", "gobernadora") if kind == "departamento" else ("alcalde", "alcaldesa")


def default_title(kind: str) -> str:
    return "gobernador" if kind == "departamento" else "alcalde"


def place_name(name: str) -> str:
    """'GÉNOVA' -> 'Génova', 'VALLE DEL CAUCA' -> 'Valle del Cauca' (particles in lower case), 'BOGOTÁ, D.C.' ->
    'Bogotá, D.C.' (an abbreviation stays in capitals, as reference_data.names writes it)."""
    words = name.strip().lower().split()
    small = {"de", "del", "la", "las", "los", "y", "el"}
    return " ".join(w.upper() if "." in w else w if (i and w in small) else w[:1].upper() + w[1:]
                    for i, w in enumerate(words))


def _rules(w: Wording) -> tuple[tuple[re.Pattern, str], ...]:
    title = w.executive_title
    art = "la" if w.is_feminine else "el"
    of_exec = f"de la {title}" if w.is_feminine else f"del {title}"
    to_exec = f"a la {title}" if w.is_feminine else f"al {title}"
    corp = w.corporation
    agreed = "a" if w.is_feminine else "o"
    pairs = (
        ("Alcalde o gobernador posesionado", f"{title[:1].upper()}{title[1:]} posesionad{agreed}"),
        ("El alcalde o gobernador", f"{art.capitalize()} {title}"),
        ("Alcalde o gobernador", f"{title[:1].upper()}{title[1:]}"),
        ("del alcalde o gobernador", of_exec),
        ("al alcalde o gobernador", to_exec),
        ("el alcalde o gobernador", f"{art} {title}"),
        ("alcalde o gobernador", title),
        ("alcalde/gobernador", title),
        ("El concejo o asamblea", f"{'La' if w.is_department else 'El'} {corp}"),
        ("Concejo o Asamblea", corp),
        ("del concejo o asamblea", f"del {corp}" if not w.is_department else f"de la {corp}"),
        ("al concejo o asamblea", f"al {corp}" if not w.is_department else f"a la {corp}"),
        ("el concejo o asamblea", f"el {corp}" if not w.is_department else f"la {corp}"),
        ("concejo o asamblea", corp),
        ("Concejo/Asamblea", corp),
        ("acuerdo u ordenanza", w.act),
        ("acuerdo/ordenanza", w.act),
        ("concejales/diputados", "diputados" if w.is_department else "concejales"),
        ("concejal o diputado", "diputado" if w.is_department else "concejal"),
    )
    rules = tuple((re.compile(re.escape(a)), b) for a, b in pairs)
    # Older texts (a stored hito's name, a PPI stage) say «la corporación»: the entity's own, where it is governed
    # by «a» or «ante» (QA, 7 December 2026).
    rules += ((re.compile(r"\bante la corporación\b"), f"ante {'la' if w.is_department else 'el'} {corp}"),
              (re.compile(r"\ba la corporación\b"), f"{'a la' if w.is_department else 'al'} {corp}"))
    if not w.is_feminine:
        return rules
    # The calendar names the executive by the entity's kind ("el alcalde debe enviarla"): an alcaldesa or a
    # gobernadora is said as such. Only the entity's own executive's noun: a municipio's "copia al gobernador"
    # (L136 art. 82) is the department's governor and stays.
    noun = "gobernador" if w.is_department else "alcalde"
    forms = (("El", f"La {title}"), ("el", f"la {title}"), ("Del", f"De la {title}"), ("del", f"de la {title}"),
             ("Al", f"A la {title}"), ("al", f"a la {title}"))
    return rules + tuple((re.compile(rf"\b{article} {noun}\b"), said) for article, said in forms)


#: "el acuerdo u ordenanza sancionado" and its kin: the article and the participle agree with the entity's act
#: ("la ordenanza sancionada", "el acuerdo sancionado"); "lo objeta" follows it.
_ACT_PHRASE = re.compile(r"(?:\b(El|el|Del|del|Al|al|Un|un) )?(Acuerdo|acuerdo) u ordenanza"
                         r"( aprobado| sancionado| radicado| publicado)?(, o lo objeta)?")
_ARTICLES = {"el": ("el", "la"), "del": ("del", "de la"), "al": ("al", "a la"), "un": ("un", "una")}


def _act_phrase(w: Wording):
    def replace(m: re.Match) -> str:
        article, noun, participle, pronoun = m.group(1), m.group(2), m.group(3) or "", m.group(4) or ""
        fem = w.is_department
        act = w.act if noun == "acuerdo" or article else w.act.capitalize()
        if participle and fem and (article or noun == "Acuerdo"):  # "proyecto de … radicado" agrees with proyecto
            participle = participle[:-1] + "a"
        if pronoun and fem:
            pronoun = ", o la objeta"
        said = f"{_ARTICLES[article.lower()][fem]} {act}" if article else act
        if article and article[0].isupper():
            said = said[:1].upper() + said[1:]
        return f"{said}{participle}{pronoun}"
    return replace


@lru_cache(maxsize=512)
def _compiled(w: Wording):
    return ((_ACT_PHRASE, _act_phrase(w)), *_rules(w))


def localize(text: str | None, w: Wording | None) -> str:
    """``text`` with the generic phrases replaced by the words of entity ``w`` (unchanged when ``w`` is None)."""
    if not text or w is None:
        return text or ""
    return _localized(text, w)


@lru_cache(maxsize=16384)
def _localized(text: str, w: Wording) -> str:
    """A plan page says ~50 phrases through ~20 patterns each: the same few hundred texts for one entity, kept."""
    return _substituted(text, _compiled(w))


def business_days(n: int) -> str:
    """'1 día hábil', '5 días hábiles' (number agreement)."""
    return f"{n} día hábil" if abs(n) == 1 else f"{n} días hábiles"


def with_de(phrase: str | None) -> str:
    """'de la secretaría de planeación', 'del alcalde y la secretaría …' (de + el contracts to del)."""
    phrase = phrase or ""
    return f"del {phrase[3:]}" if phrase.startswith("el ") else f"de {phrase}"


#: The norms of the municipal route and their departmental counterparts (Ley 2200 de 2022, the departmental code):
#: sessions (L2200 art. 23), debates (art. 97), publication (art. 103); sanction and objections of an ordenanza
#: follow the departmental code, not Ley 136 (legal-path.md: its articles still to verify, so none is guessed).
_DEPARTMENT_BASIS = (
    # The denial in first debate and the archive (issue 20): an ordenanza's own articles (L2200 art. 98, D1222 art. 76)
    (re.compile(r"L136 arts\. 73, 75; L2200 art\. 98"), "L2200 art. 98; D1222 art. 76"),
    (re.compile(r"L136 art\. 75; L2200 art\. 98; D1222 art\. 76"), "L2200 art. 98; D1222 art. 76"),
    (re.compile(r"L136 art\. 23 par\. 2; L2200 art\. 23"), "L2200 art. 23"),
    (re.compile(r"L136 art\. 23(?: par\. [12])?"), "L2200 art. 23"),
    (re.compile(r"L136 art\. 73(?:; L2200 art\. 97|; TAB-3d)?"), "L2200 art. 97"),
    # An ordenanza's publication: CPACA art. 65 with L2200 art. 103, said once where the text cites either already.
    (re.compile(r"(?:CPACA art\. 65; )?L136 art\. 81(?:; L2200 art\. 103)?"), "CPACA art. 65; L2200 art. 103"),
    # Sessions and debates cited together (a Phase II acuerdo's passage): L2200 art. 23 and art. 97.
    (re.compile(r"L136 arts\. 23, 73"), "L2200 arts. 23, 97"),
    # Phase II: the mayor's duties of L136 art. 91 are a governor's by the Constitution or by the general law. The
    # budget bill: Const. art. 305 num. 4 («Presentar oportunamente a la asamblea departamental los proyectos de
    # ordenanza sobre … presupuesto anual de rentas y gastos»); the annual report L152 art. 43 (the governor's
    # too), the semester's accountability L1474 art. 78; beside another norm the municipal article is dropped. It
    # read «Ley 2200 de 2022 a) 3» (QA, December 2026).
    (re.compile(r"L136 art\. 91 a\) 3"), "Const. art. 305 num. 4"),
    (re.compile(r"; L136 art\. 91 [a-g]\)(?: [0-9]+)?"), ""),
    (re.compile(r"L136 art\. 91 [a-g]\)(?: [0-9]+)?; "), ""),
    (re.compile(r"L136 art\. 91 a\) 4"), "L152 art. 43"),
    (re.compile(r"L136 art\. 91 e\) 2"), "L1474 art. 78"),
    # A municipal article beside its departmental one is dropped for the latter («L136 art. 80; L2200 art. 101»
    # reads «L2200 art. 101», not «Ley 2200 de 2022; L2200 art. 101») ...
    (re.compile(r"(?<!analogía con )L136 arts?\. [0-9]+(?:-[0-9]+)?; (L2200 [^;)]*)"), r"\1"),
    # ... but an article of L136 cited as the analogy a term comes from stays what it is ("8 días por analogía con
    # L136 art. 79"): the departmental code is not its source.
    (re.compile(r"(?<!analogía con )L136 arts?\. [0-9]+(?:-[0-9]+)?"), "Ley 2200 de 2022"),
)
#: A municipio's basis drops the departmental citations beside its own, each to the next ";" or to the closing
#: parenthesis of a sentence that cites them (its paragraph or inciso included: "L136 art. 79; L2200 art. 100
#: par." is "L136 art. 79"; «… (L136 art. 80; L2200 art. 101).» keeps its «).»).
_MUNICIPAL_BASIS = ((re.compile(r"; L2200 [^;)]*"), ""), (re.compile(r"; D1222 [^;)]*"), ""),
                    (re.compile(r"L2200 art\. 103"), "L136 art. 81"))

#: Bogotá's Concejo follows Decreto-Ley 1421 de 1993 where it writes its own rule: sessions (art. 10), the
#: project's passage (art. 22), the executive's objections in ten days (art. 23), sanction after rejected
#: objections (art. 24), the Tribunal's remission and ruling (art. 25); elsewhere L136 applies through DL1421
#: art. 2 and is cited as such: the partly vitiated acuerdo's reconsideration «L136 art. 80 (DL1421 art. 2)».
#: Said on the table's basis as written (where «L136 art. 80; L2200 art. 101» is the Tribunal's remission and a
#: bare «L136 art. 80» the reconsideration), before the municipal rules drop the departmental statutes.
_NOT_THROUGH_ART_2 = r"(?! \(DL1421| inc\.| par\.)"
_BOGOTA_BASIS = (
    (re.compile(r"L136 arts\. 78-80"), "DL1421 arts. 23-25"),
    (re.compile(r"L136 arts\. 79-80"), "DL1421 arts. 24-25"),
    (re.compile(r"L136 arts\. 78-79"), "DL1421 arts. 23-24"),
    (re.compile(r"L136 art\. 23(?: par\. [12])?"), "DL1421 art. 10"),
    (re.compile(r"L136 art\. 73" + _NOT_THROUGH_ART_2), "DL1421 art. 22"),
    (re.compile(r"L136 art\. 78" + _NOT_THROUGH_ART_2), "DL1421 art. 23"),
    (re.compile(r"L136 art\. 79" + _NOT_THROUGH_ART_2), "DL1421 art. 24"),
    (re.compile(r"L136 art\. 80; L2200 art\. 101"), "DL1421 art. 25"),
    (re.compile(r"L136 art\. 80(?![0-9;]| \(DL1421)"), "L136 art. 80 (DL1421 art. 2)"),
)


def localize_basis(basis: str | None, w: Wording | None) -> str:
    """A legal basis said for the entity: a department's acts cite Ley 2200 de 2022, not Ley 136 de 1994 (the
    municipal regime); a municipio's cite Ley 136 only. Unchanged without an entity."""
    if not basis or w is None:
        return basis or ""
    if w.special == "bogota":
        basis = _substituted(basis, _BOGOTA_BASIS)
    return _basis_for(basis, w.is_department)


def basis_for_kind(basis: str, is_department: bool) -> str:
    """``localize_basis`` for a kind of entity: an acuerdo's basis without the departmental statutes beside it, an
    ordenanza's with Ley 2200 for Ley 136 (the tables cite both where the act is the same)."""
    return _basis_for(basis, is_department)


#: The sources legal-path.md §0 names by short IDs, said in words on the pages (the records keep the IDs): a
#: secretary or a citizen does not know «TAB-3d» or «SEED 001» (QA, 7 December 2026). The laws keep their short
#: form (L152 art. 40), which the glossary explains.
_SOURCE_WORDS = (
    (re.compile(r"\bTAB-(?:3d|[a-e])\b"), "Tribunal Administrativo de Boyacá"),
    (re.compile(r"\bCE-2127\b"), "Consejo de Estado, concepto 2127 de 2013"),
    (re.compile(r"\bCE-1999\b"), "Consejo de Estado, fallo 3882 de 1999"),
    (re.compile(r"\bDNP-PI\b"), "guía del DNP para el Plan Indicativo"),
    (re.compile(r"\bDNP-KS\b"), "Kit de Seguimiento del DNP"),
    (re.compile(r"\bSEED 00[0-4]\b"), "material del DNP"),
    (re.compile(r"\bAL02\b"), "Acto Legislativo 02 de 2002"),
    # A basis that explains itself in parentheses is shown inside parentheses: «(L2200 art. 100 par. (sin término;
    # …))» reads «(L2200 art. 100 par. — sin término; …)».
    (re.compile(r" \(((?:sin término|8 días)[^()]*)\)"), r" — \1"),
    # L136 applied in Bogotá through DL1421 art. 2: «(L136 art. 80 (DL1421 art. 2))» reads «(L136 art. 80, por
    # DL1421 art. 2)».
    (re.compile(r" \((DL1421 art\. 2)\)"), r", por \1"),
)


def readable_sources(basis: str) -> str:
    """``basis`` with legal-path.md's short source IDs said in words (``_SOURCE_WORDS``)."""
    return _readable(basis) if basis else ""


def _substituted(text: str, rules) -> str:
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


@lru_cache(maxsize=4096)
def _readable(basis: str) -> str:
    return _substituted(basis, _SOURCE_WORDS)


@lru_cache(maxsize=4096)
def _basis_for(basis: str, is_department: bool) -> str:
    return _substituted(basis, _DEPARTMENT_BASIS if is_department else _MUNICIPAL_BASIS)


#: Who answers for a duty, in the legal tables' generic words (``localize`` says them for one entity): the
#: executive side (L152 art. 39: the mayor or governor, through the planning office), the CTP (art. 39 num. 6),
#: the environmental authority (D1865 art. 3), the corporation (art. 40).
HOLDERS = {
    "ejecutivo": "el alcalde o gobernador",
    "planeacion": "la secretaría de planeación",
    "equipo": "el equipo formulador",
    "ctp": "el Consejo Territorial de Planeación",
    "car": "la autoridad ambiental",
    "corporacion": "el concejo o asamblea",
    "hacienda": "la secretaría de hacienda",
    "consejo_de_gobierno": "el Consejo de Gobierno",
    "sistema": "el efecto legal automático",
}


def holder(roles, w: Wording | None, authority: str | None = None) -> str:
    """'la alcaldesa y la secretaría de planeación', 'la autoridad ambiental CRQ', 'el Concejo de Génova'."""
    wanted = set(roles)  # once: ``roles`` may be a generator
    ordered = [r for r in HOLDERS if r in wanted]
    names = [localize(HOLDERS[r], w) + (f" {authority}" if r == "car" and authority else "") for r in ordered]
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " y " + names[-1]


#: A document is named for what it is, not for the act that filed it: "Concepto del Consejo Territorial de
#: Planeación", not "Entregar el concepto del CTP". Keyed by the act (a document's ``kind``); generic words.
DOCUMENT_TITLES = {
    "take_office": "Acta de posesión del alcalde o gobernador",
    "start_drafting": "Orientaciones para la formulación y conformación del equipo formulador",
    "submit_to_consejo_de_gobierno": "Proyecto de plan presentado al Consejo de Gobierno",
    "consolidate": "Proyecto de plan consolidado por el Consejo de Gobierno",
    "submit_to_ctp": "Proyecto de plan presentado al CTP (con copia al concejo o asamblea)",
    "record_ctp_concept": "Concepto del Consejo Territorial de Planeación",
    "issue_concept": "Concepto del Consejo Territorial de Planeación",
    "issue_partial_concept": "Concepto parcial del Consejo Territorial de Planeación",
    "deem_ctp_requirement_fulfilled": "Constancia de vencimiento del plazo del concepto del CTP",
    "consider_concepts": "Respuesta a los conceptos y proyecto de plan ajustado",
    "schedule_hearing": "Convocatoria a audiencia pública del plan de inversiones",
    "convoke_sessions": "Decreto de convocatoria a sesiones del concejo o asamblea",
    "extend_sessions": "Proposición que prorroga el período de sesiones ordinarias",
    "file_with_corporacion": "Proyecto de acuerdo u ordenanza radicado",
    "modify_by_executive": "Modificación del proyecto radicado (Decreto 683 de 2020)",
    "assign_to_committee": "Reparto del proyecto a la comisión del plan",
    "record_committee_debate": "Acta del primer debate en la comisión",
    "continue_committee_debate": "Acta de sesión del primer debate",
    "record_plenary_debate": "Acta del segundo debate en la plenaria",
    "continue_plenary_debate": "Acta de sesión del segundo debate",
    "propose_amendment": "Modificación propuesta al proyecto",
    "approve_plan": "Acta de aprobación del plan en segundo debate",
    "enable_decree_adoption": "Constancia de vencimiento del plazo de la corporación",
    "vote_down": "Acta de la votación que negó el plan",
    "adopt_by_decree": "Decreto de adopción del plan",
    "send_for_sanction": "Proyecto aprobado remitido para sanción",
    "sanction": "Acuerdo u ordenanza sancionado",
    "object": "Objeciones al proyecto",
    "decide_objections": "Decisión sobre las objeciones",
    # The last stretch (issue 20; state_machines.corporation.sanction).
    "reject_objections": "Acta que rechaza las objeciones por inconveniencia",
    "insist_on_project": "Acta que rechaza las objeciones de ilegalidad e insiste en el proyecto",
    "accept_objections": "Acta que acoge las objeciones y texto enmendado",
    "sanction_by_president": "Acuerdo u ordenanza sancionado por el presidente de la corporación",
    "send_to_tribunal": "Envío del proyecto al Tribunal Administrativo",
    "record_tribunal_unfounded": "Fallo del Tribunal Administrativo: objeciones infundadas",
    "record_tribunal_partial": "Fallo del Tribunal Administrativo: proyecto parcialmente viciado",
    "return_to_tribunal": "Acta de reconsideración y nueva remisión al Tribunal",
    "record_tribunal_articles_archived": "Fallo del Tribunal Administrativo: artículos archivados",
    "record_tribunal_archive": "Fallo del Tribunal Administrativo: proyecto archivado",
    "send_copy_to_governor": "Copia del acuerdo enviada al gobernador para revisión jurídica",
    "record_governor_review": "Resultado de la revisión jurídica del gobernador",
    "publish_ponencia": "Publicación del proyecto y la ponencia",
    "publish": "Publicación del plan adoptado",
    "publish_by_president": "Publicación del plan adoptado",
    "enter_into_force": "Constancia de entrada en vigencia del plan",
    "receive_concept": "Concepto técnico de la autoridad ambiental",
    "forward_to_ctp": "Concepto de la autoridad ambiental remitido al CTP",
    "forward_to_corporacion": "Observaciones ambientales no acogidas remitidas al concejo o asamblea",
    "accept_in_writing": "Aceptación escrita de la modificación",
    "refuse_in_writing": "No aceptación escrita de la modificación",
    "approve": "Aprobación de la modificación",
    "reject": "Negación de la modificación",
    "hold": "Acta de la audiencia pública",
    "cancel": "Cancelación de la audiencia pública",
    "open_convocation": "Convocatoria para conformar o renovar el CTP",
    "receive_ternas": "Ternas recibidas para el CTP",
    "designate_members": "Decreto de designación de los consejeros del CTP",
    "install_ctp": "Acta de instalación del Consejo Territorial de Planeación",
    # Phase II (QA, 7 December 2026: the portal listed «Aprobar el Plan Indicativo en el Consejo de Gobierno» as a
    # document's name).
    "return_pi": "Observaciones del Consejo de Gobierno a la matriz del Plan Indicativo",
    "approve_pi": "Plan Indicativo aprobado por el Consejo de Gobierno",
    "report_pi": "Reporte del Plan Indicativo al DNP",
    "update_bank": "Actualización del banco de programas y proyectos",
    "file_harmonization": "Proyecto de acuerdo u ordenanza de armonización radicado",
    "decree_harmonization": "Decreto de armonización presupuestal",
    "assign_harmonization": "Reparto del proyecto de armonización a la comisión",
    "approve_harmonization": "Aprobación de la armonización en segundo debate",
    "send_harmonization_for_sanction": "Remisión de la armonización aprobada para su sanción",
    "sanction_harmonization": "Sanción del acuerdo u ordenanza de armonización",
    "object_harmonization": "Objeciones al proyecto de armonización",
    "decide_harmonization_objections": "Decisión sobre las objeciones a la armonización",
    "publish_harmonization": "Publicación de la armonización presupuestal",
    "design_monitoring": "Diseño del sistema de seguimiento del plan",
    "adopt_monitoring": "Acto administrativo que adopta el sistema de seguimiento",
    "first_monitoring_report": "Primer reporte de seguimiento del plan",
    "draft_poai": "Proyecto del Plan Operativo Anual de Inversiones (POAI)",
    "approve_poai": "Plan Operativo Anual de Inversiones (POAI) aprobado",
    "draft_budget": "Anteproyecto de presupuesto y Marco Fiscal de Mediano Plazo",
    "file_budget": "Proyecto de presupuesto radicado, con el Marco Fiscal de Mediano Plazo",
    "assign_budget": "Reparto del proyecto de presupuesto a la comisión",
    "approve_budget": "Presupuesto aprobado por el concejo o asamblea",
    "enact_budget_by_decree": "Decreto que expide el presupuesto presentado",
    "object_budget": "Objeción del presupuesto ante el Tribunal",
    "record_tribunal_ruling": "Fallo del Tribunal sobre la objeción del presupuesto",
    "return_budget_to_tribunal": "Reconsideración del presupuesto y remisión al Tribunal",
    "enact_presented_budget": "Decreto que expide el presupuesto presentado oportunamente",
    "repeat_previous_budget": "Decreto que repite el presupuesto del año anterior",
    "liquidate_budget": "Decreto de liquidación del presupuesto",
    "publish_budget": "Constancia de publicación del presupuesto",
    "publish_paa": "Plan Anual de Adquisiciones publicado",
    "update_paa": "Actualización del Plan Anual de Adquisiciones",
    "approve_action_plans": "Planes de acción de las dependencias aprobados",
    "publish_action_plans": "Planes de acción publicados",
    "present_annual_report": "Informe anual de ejecución del plan",
    "hold_citizen_report": "Acta de la rendición de cuentas del semestre",
    "publish_dept_evaluation": "Evaluación semestral de los municipios",
}


def quoted(text: str | None) -> str:
    """«text», with any quotation inside it said as “…” (Spanish usage: no « » inside « »)."""
    inner = (text or "").replace("«", "“").replace("»", "”")
    return f"«{inner}»"
