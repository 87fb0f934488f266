"""Demo and training accounts around real entities of Quindío (never created in production by default)."""
from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select

from state_machines.approval.pdt import PDT_MACHINE
from state_machines.approval.route import PUBLIC_BY_LAW
from state_machines.core.roles import Role
from state_machines.phase2 import MatrixRow
from workflow_app.infra.extensions import db
from workflow_app.models import Document, Entity, Membership, Period, Plan, PlanEvent, PpiVersion, User
from workflow_app.services.followup.demo_data import ensure_followup_demo
from workflow_app.services.monitoring import board_summary
from workflow_app.services.people.people import users_with_roles
from workflow_app.services.phase2.plan_indicativo import matrix_lines, save_matrix
from workflow_app.services.phase2.procedures import in_force_day, open_phase2
from workflow_app.services.route.documents import Upload, store_document
from workflow_app.services.route.plans import ActCommand, apply_act
from workflow_app.services.route.ppi import PpiLine, ppi_version, save_ppi_version

DEMO_PERIOD = date(2028, 1, 1)
GENOVA, BUENAVISTA, QUINDIO = "63302", "63111", "63"
FILANDIA = "63272"  # a finished plan of the 2024-2027 period: every act, up to "Vigente" (issue 13)
FINISHED_PERIOD = date(2024, 1, 1)
SUCRE = "70"  # a departamento under two CARs (CARSUCRE, CORPOMOJANA)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    entity: str | None  # DANE code of the entity the account acts for
    name: str
    authority: str | None = None
    extra_entities: tuple[str, ...] = ()
    is_lead: bool = False  # administers the accounts of its CTP, corporation or authority (set by an administrator)

    def public(self) -> dict:
        data = asdict(self)
        data.pop("extra_entities")
        data.pop("is_lead")
        return data


def _account(role: Role, slug: str, name: str, entity: str | None, **kw) -> DemoAccount:
    return DemoAccount(role.value, f"{slug}@demo.rutapdt.co", f"Demo-{slug}-2028", entity, name, **kw)


DEMO_ACCOUNTS = (
    _account(Role.EJECUTIVO, "alcalde.genova", "Alcaldesa de Génova (demo)", GENOVA),
    _account(Role.PLANEACION, "planeacion.genova", "Secretario de Planeación de Génova (demo)", GENOVA),
    _account(Role.EQUIPO, "equipo.genova", "Equipo formulador de Génova (demo)", GENOVA),
    _account(Role.CTP, "ctp.genova", "Presidenta del CTP de Génova (demo)", GENOVA),
    _account(Role.CORPORACION, "concejo.genova", "Secretario del Concejo de Génova (demo)", GENOVA),
    _account(Role.EJECUTIVO, "alcalde.buenavista", "Alcalde de Buenavista (demo)", BUENAVISTA),
    _account(Role.PLANEACION, "planeacion.buenavista", "Secretaria de Planeación de Buenavista (demo)", BUENAVISTA),
    _account(Role.EJECUTIVO, "gobernador.quindio", "Gobernador del Quindío (demo)", QUINDIO),
    _account(Role.PLANEACION, "planeacion.quindio", "Planeación departamental del Quindío (demo)", QUINDIO),
    _account(Role.CTP, "ctp.quindio", "Consejo Departamental de Planeación del Quindío (demo)", QUINDIO),
    _account(Role.CORPORACION, "asamblea.quindio", "Secretaría de la Asamblea del Quindío (demo)", QUINDIO),
    _account(Role.CAR, "crq", "Corporación Autónoma Regional del Quindío (demo)", None, authority="CRQ"),
    _account(Role.EJECUTIVO, "gobernador.sucre", "Gobernadora de Sucre (demo)", SUCRE),
    _account(Role.PLANEACION, "planeacion.sucre", "Planeación departamental de Sucre (demo)", SUCRE),
    _account(Role.CTP, "ctp.sucre", "Consejo Departamental de Planeación de Sucre (demo)", SUCRE),
    _account(Role.CORPORACION, "asamblea.sucre", "Secretaría de la Asamblea de Sucre (demo)", SUCRE),
    _account(Role.CAR, "carsucre", "Corporación Autónoma Regional de Sucre (demo)", None, authority="CARSUCRE"),
    _account(Role.CAR, "corpomojana", "Corpomojana (demo)", None, authority="CORPOMOJANA"),
    _account(Role.EJECUTIVO, "alcalde.filandia", "Alcalde de Filandia (demo)", FILANDIA),
    _account(Role.PLANEACION, "planeacion.filandia", "Secretaria de Planeación de Filandia (demo)", FILANDIA),
    # Leads (issue 19): the CTP and the Concejo administer their own members' accounts, not the alcaldía.
    _account(Role.CTP, "ctp.filandia", "Presidente del CTP de Filandia (demo)", FILANDIA, is_lead=True),
    _account(Role.CORPORACION, "concejo.filandia", "Secretaria del Concejo de Filandia (demo)", FILANDIA,
             is_lead=True),
    # Phase II (issue 21): the secretaría de hacienda and the Consejo de Gobierno's technical secretary.
    _account(Role.HACIENDA, "hacienda.filandia", "Secretario de Hacienda de Filandia (demo)", FILANDIA),
    _account(Role.CONSEJO_DE_GOBIERNO, "consejo.filandia", "Consejo de Gobierno de Filandia (demo)", FILANDIA),
    _account(Role.ASESOR, "asesor.quindio", "Asesora territorial DNP para Quindío (demo)", GENOVA,
             extra_entities=(BUENAVISTA, QUINDIO, FILANDIA)),
    # Monitoreo 360: the regional coordinator of the Eje Cafetero, on the Gobernación del Quindío.
    _account(Role.COORDINADOR, "coordinador.eje", "Coordinador regional DNP del Eje Cafetero (demo)", QUINDIO),
    _account(Role.ADMIN, "admin", "Administrador del servicio (demo)", None),
)


def ensure_demo_data() -> list[DemoAccount]:
    """Create, idempotently, the demo accounts, their memberships and the 2028 plans."""
    period = db.session.scalar(select(Period).filter_by(start_on=DEMO_PERIOD))
    if period is None:
        raise RuntimeError("Faltan los datos de referencia: ejecute primero 'flask --app wsgi pdt load-reference'.")
    entities = {e.dane_code: e for e in db.session.scalars(
        select(Entity).where(Entity.dane_code.in_([GENOVA, BUENAVISTA, QUINDIO, SUCRE, FILANDIA])))}
    entities[GENOVA].executive_title = entities[GENOVA].executive_title or "alcaldesa"  # "la alcaldesa de Génova"
    entities[FILANDIA].fiscal_category = entities[FILANDIA].fiscal_category or "6"  # Concejo sits Feb/May/Aug/Nov
    entities[SUCRE].executive_title = entities[SUCRE].executive_title or "gobernadora"
    for code in (GENOVA, BUENAVISTA, QUINDIO, SUCRE):
        if db.session.scalar(select(Plan).filter_by(entity_id=entities[code].id, period_id=period.id)) is None:
            db.session.add(Plan(entity=entities[code], period=period, state="elected", posesion_on=DEMO_PERIOD))
    for account in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).filter_by(email=account.email))
        if user is None:
            user = User(email=account.email, name=account.name, is_demo=True)
            user.set_password(account.password)
            db.session.add(user)
            db.session.flush()
        for code in (account.entity, *account.extra_entities):
            _ensure_membership(user, account.role, entities.get(code) if code else None, account.authority,
                               account.is_lead)
    db.session.commit()
    for code, stop in DEMO_STOPS.items():
        _advance(db.session.scalar(select(Plan).filter_by(entity_id=entities[code].id, period_id=period.id)), stop)
    _ensure_transparency_demo(db.session.scalar(select(Plan).filter_by(entity_id=entities[GENOVA].id,
                                                                       period_id=period.id)))
    _ensure_finished_demo(entities[FILANDIA])
    _ensure_phase2_demo(entities[FILANDIA])
    ensure_followup_demo(db.session)  # Monitoreo 360: survey months, two SETA cuts, a report, a Lista de Chequeo
    board_summary.refresh_stale(db.session)  # plans that got no act (and whatever changed without one)
    db.session.commit()
    return list(DEMO_ACCOUNTS)


# Where each demo plan stands for training on 10 March 2028 (the default simulated date of `make run`).
DEMO_STOPS = {GENOVA: "submitted_to_ctp", BUENAVISTA: "drafting", QUINDIO: "submitted_to_consejo_de_gobierno",
              SUCRE: "in_office"}
DEMO_STEPS = (
    (Role.EJECUTIVO, "take_office", date(2028, 1, 1), {}),  # AL02 art. 1: the period's first day, as the terms read it
    (Role.PLANEACION, "start_drafting", date(2028, 1, 15), {"leader_name": "Equipo formulador (demo)"}),
    (Role.PLANEACION, "submit_to_consejo_de_gobierno", date(2028, 2, 21), {}),
    (Role.PLANEACION, "consolidate", date(2028, 2, 28), {}),
    (Role.EJECUTIVO, "submit_to_ctp", date(2028, 2, 29), {}),
)


def one_page_pdf(text: str) -> bytes:
    """A small valid PDF (one page with one line of Helvetica), with its cross-reference table: what the upload
    check (workflow_app/infra/files/pdf_check.py) accepts."""
    line = text.encode("cp1252", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    content = b"BT /F1 16 Tf 72 720 Td (" + line + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


DEMO_PDF = one_page_pdf("Documento de demostración - Ruta PDT (capacitación)")


def _advance(plan: Plan, stop: str) -> None:
    """Walk a demo plan through the real service, as its people would, until it stands at ``stop``. Only what is
    missing: a plan whose history is not a prefix of the demo walk was moved by training and is left as it is
    (replaying the walk would date acts before its last one, and `make run` would stop starting)."""
    done = db.session.execute(select(PlanEvent.trigger, PlanEvent.to_state)
                              .where(PlanEvent.plan_id == plan.id, PlanEvent.machine == PDT_MACHINE.name)
                              .order_by(PlanEvent.id)).all()
    walk = [trigger for _, trigger, _, _ in DEMO_STEPS]
    if [trigger for trigger, _ in done] != walk[:len(done)] or any(state == stop for _, state in done):
        return  # moved by training (or already past its stop once): leave it
    for role, trigger, on, payload in DEMO_STEPS[len(done):]:
        if plan.state == stop:
            return
        row = plan.state
        actor = users_with_roles(db.session, plan, {role})[0]
        command = ActCommand(trigger=trigger, act_on=on, reference=f"DEMO-{trigger}", payload=payload,
                             evidence=Upload(f"{trigger}.pdf", io.BytesIO(DEMO_PDF)),
                             notes="Acto de demostración para capacitación.")
        apply_act(db.session, plan_id=plan.id, command=command, actor=actor, role=role, expected_version=None,
                  today=on)
        db.session.refresh(plan)
        assert plan.state != row, trigger


def _ensure_membership(user: User, role: str, entity: Entity | None, authority: str | None,
                       is_lead: bool = False) -> None:
    query = select(Membership).filter_by(
        user_id=user.id, role=role, entity_id=entity.id if entity else None, authority_code=authority
    )
    if db.session.scalar(query) is None:
        db.session.add(Membership(user_id=user.id, role=role, entity_id=entity.id if entity else None,
                                  authority_code=authority, is_lead=is_lead))


# Génova's investment plan and a public draft, so /publico/63302 shows what Ley 1909 art. 22 publishes.
DEMO_PPI = (
    ("Agua potable y saneamiento básico", "Acueducto veredal La Esperanza", "SGP Agua potable", 450_000_000),
    ("Agua potable y saneamiento básico", "Plan maestro de alcantarillado urbano", "Recursos propios", 320_000_000),
    ("Vías para el campo", "Mantenimiento de vías terciarias", "SGR Asignaciones directas", 600_000_000),
    ("Educación con calidad", "Transporte escolar rural", "SGP Educación", 180_000_000),
)


def _ensure_transparency_demo(plan: Plan) -> None:
    if db.session.scalar(select(PpiVersion).filter_by(plan_id=plan.id)) is None:
        lines = [PpiLine(program, project, year, source, amount + (year - 2028) * amount // 20)
                 for program, project, source, amount in DEMO_PPI for year in range(2028, 2032)]
        save_ppi_version(db.session, plan, lines, source="form", actor=None,
                         note="Versión de demostración presentada al CTP.")
    if db.session.scalar(select(Document).filter_by(plan_id=plan.id, kind="public_draft")) is None:
        store_document(db.session, plan_id=plan.id, kind="public_draft",
                       title="Proyecto de plan de desarrollo presentado al CTP (demostración)",
                       upload=Upload("proyecto-plan-genova.pdf", io.BytesIO(DEMO_PDF)), uploaded_by_id=None,
                       is_public=True)
        db.session.commit()


# Filandia 2024-2027: a finished plan whose public page shows, without signing in, both concepts with their
# recommendations and the answers, the amendments with authors and outcome, the debates with dates, the hearing
# with its attendance, the adopted PPI and "Vigente" (issue 13, "Done when"). Dates follow calendar-contract.md's
# first example; the Concejo (category 6) sits in May, so filing on 29 April needs a convocation for 30 April.
CTP_RECOMMENDATIONS = ("Incluir metas de cobertura de agua potable en las veredas",
                       "Priorizar el mantenimiento de las vías terciarias del paisaje cafetero",
                       "Crear un programa de relevo generacional para jóvenes rurales")
CRQ_RECOMMENDATIONS = ("Articular el plan con el POMCA del río La Vieja",
                       "Incluir acciones de gestión del riesgo por remoción en masa")
FINISHED_ANSWERS = {
    "CTP-1": {"decision": "aceptada", "reason": "Se incluyó la meta de 300 viviendas rurales con agua potable."},
    "CTP-2": {"decision": "parcialmente", "reason": "Se priorizan 40 km de vías; el resto depende del SGR."},
    "CTP-3": {"decision": "aceptada", "reason": "Se creó el programa «Jóvenes al campo» en el eje 2."},
    "CRQ-1": {"decision": "aceptada", "reason": "El eje ambiental adopta las determinantes del POMCA."},
    "CRQ-2": {"decision": "no_aceptada",
              "reason": "Las obras de mitigación ya están en el plan de gestión del riesgo vigente."},
}
FINISHED_PPI = (
    ("Agua potable para el campo", "Acueductos veredales", "SGP Agua potable", 380_000_000),
    ("Vías del paisaje cafetero", "Mantenimiento de vías terciarias", "SGR Asignaciones directas", 520_000_000),
    ("Jóvenes al campo", "Relevo generacional rural", "Recursos propios", 90_000_000),
)
AMENDMENT_TEXTS = (
    ("Aumentar de 300 a 350 las viviendas rurales con agua potable.", ["Concejal Marta Londoño",
                                                                      "Concejal Jorge Ospina"]),
    ("Trasladar los recursos del programa de jóvenes a pavimentación urbana.", ["Concejal Andrés Gil"]),
)
FINISHED_STEPS = (  # (role, machine, subject, trigger, date, payload, public evidence)
    (Role.EJECUTIVO, "pdt_approval", None, "take_office", date(2024, 1, 1), {}, False),
    (Role.PLANEACION, "pdt_approval", None, "start_drafting", date(2024, 1, 10),
     {"leader_name": "Secretaría de Planeación de Filandia (demo)"}, False),
    (Role.PLANEACION, "pdt_approval", None, "submit_to_consejo_de_gobierno", date(2024, 2, 20), {}, False),
    (Role.PLANEACION, "pdt_approval", None, "consolidate", date(2024, 2, 27), {}, False),
    (Role.EJECUTIVO, "pdt_approval", None, "submit_to_ctp", date(2024, 2, 29), {}, True),
    (Role.CAR, "car_review", "CRQ", "receive_concept", date(2024, 3, 12),
     {"concept": "favorable_con_recomendaciones", "recommendations": list(CRQ_RECOMMENDATIONS)}, True),
    (Role.CTP, "pdt_approval", None, "record_ctp_concept", date(2024, 3, 26),
     {"concept": "favorable_con_recomendaciones", "recommendations": list(CTP_RECOMMENDATIONS)}, True),
    (Role.PLANEACION, "pdt_approval", None, "consider_concepts", date(2024, 4, 3), {"answers": FINISHED_ANSWERS},
     True),
    (Role.PLANEACION, "pdt_approval", None, "schedule_hearing", date(2024, 4, 5),
     {"scheduled_on": "2024-04-15", "scheduled_time": "18:00", "place": "Casa de la Cultura de Filandia",
      "zone": "Barrio Centro"}, False),
    (Role.PLANEACION, "hearing", "1", "hold", date(2024, 4, 15), {"attendance": "112"}, True),
    (Role.EJECUTIVO, "pdt_approval", None, "file_with_corporacion", date(2024, 4, 29), {}, True),
    # Category 6: May is ordinary (L136 art. 23); the decree convokes 1-15 June in case May is not enough (issue 20).
    (Role.EJECUTIVO, "pdt_approval", None, "convoke_sessions", date(2024, 4, 29),
     {"starts_on": "2024-06-01", "ends_on": "2024-06-15", "covers_plan": True,
      "purpose": "Proyecto de acuerdo del Plan de Desarrollo 2024-2027, si no se decide en mayo"}, True),
    (Role.CORPORACION, "pdt_approval", None, "assign_to_committee", date(2024, 5, 2), {}, False),
    (Role.CORPORACION, "pdt_approval", None, "propose_amendment", date(2024, 5, 6),
     {"text": AMENDMENT_TEXTS[0][0], "authors": AMENDMENT_TEXTS[0][1]}, True),
    (Role.CORPORACION, "pdt_approval", None, "propose_amendment", date(2024, 5, 6),
     {"text": AMENDMENT_TEXTS[1][0], "authors": AMENDMENT_TEXTS[1][1]}, True),
    (Role.EJECUTIVO, "amendment", "1", "accept_in_writing", date(2024, 5, 7), {}, True),
    (Role.EJECUTIVO, "amendment", "2", "refuse_in_writing", date(2024, 5, 7), {}, True),
    (Role.CORPORACION, "amendment", "1", "approve", date(2024, 5, 9), {}, True),
    (Role.CORPORACION, "amendment", "2", "reject", date(2024, 5, 9), {}, True),
    (Role.CORPORACION, "pdt_approval", None, "record_committee_debate", date(2024, 5, 10),
     {"committee_outcome": "approved"}, True),
    (Role.CORPORACION, "pdt_approval", None, "record_plenary_debate", date(2024, 5, 15), {}, True),
    (Role.CORPORACION, "pdt_approval", None, "approve_plan", date(2024, 5, 15), {}, True),
    (Role.CORPORACION, "pdt_approval", None, "send_for_sanction", date(2024, 5, 17), {"articles_sent": 42}, False),
    (Role.EJECUTIVO, "pdt_approval", None, "sanction", date(2024, 5, 21), {}, True),
    # L136 art. 82: the copy of the sanctioned acuerdo to the governor within five days, and the review's outcome;
    # without them the finished plan kept a duty overdue since May 2024 in its people's 2028 digests.
    (Role.EJECUTIVO, "pdt_approval", None, "send_copy_to_governor", date(2024, 5, 22), {}, False),
    # Published "a partir de su publicación": the publication puts it in force in the same transaction (issue 18).
    (Role.EJECUTIVO, "pdt_approval", None, "publish", date(2024, 5, 24), {"vigencia": "on_publication"}, True),
    (Role.PLANEACION, "pdt_approval", None, "record_governor_review", date(2024, 6, 14),
     {"governor_review": "ajustado"}, True),
)


def _ensure_finished_demo(entity: Entity) -> None:
    """Create Filandia's 2024 plan and walk it, through the real service, from the posesión to "Vigente"."""
    import io

    period = db.session.scalar(select(Period).filter_by(start_on=FINISHED_PERIOD))
    plan = db.session.scalar(select(Plan).filter_by(entity_id=entity.id, period_id=period.id))
    if plan is None:
        plan = Plan(entity=entity, period=period, state="elected", posesion_on=FINISHED_PERIOD)
        db.session.add(plan)
        db.session.commit()
    if plan.state != "elected":
        return
    for role, machine, subject, trigger, on, payload, public in FINISHED_STEPS:
        if trigger == "consider_concepts":  # the PPI as presented, before the filing freezes it
            lines = [PpiLine(program, project, year, source, amount + (year - 2024) * amount // 25)
                     for program, project, source, amount in FINISHED_PPI for year in range(2024, 2028)]
            save_ppi_version(db.session, plan, lines, source="form", actor=None,
                             note="Plan de inversiones presentado al CTP y a la ciudadanía (demostración).")
        actor = None
        if role is not Role.SISTEMA:
            authority = "CRQ" if role is Role.CAR else None
            actor = users_with_roles(db.session, plan, {role}, authority=authority)[0]
        evidence = None if role is Role.SISTEMA else Upload(f"{trigger}.pdf", io.BytesIO(DEMO_PDF))
        command = ActCommand(trigger=trigger, machine=machine, subject=subject, act_on=on,
                             reference=f"DEMO-{trigger}", payload=payload, evidence=evidence, evidence_is_public=public,
                             notes="Acto de demostración para capacitación." if role is not Role.SISTEMA else "")
        apply_act(db.session, plan_id=plan.id, command=command, actor=actor, role=role, expected_version=None,
                  today=on)
        db.session.refresh(plan)
        if trigger == "approve" and subject == "1":  # the approved amendment changes the filed PPI
            current = [PpiLine(i.program, i.project, i.year, i.funding_source,
                               i.amount + (50_000_000 if i.program == "Agua potable para el campo" else 0))
                       for i in ppi_version(db.session, plan).items]
            save_ppi_version(db.session, plan, current, source="form", actor=None, amendment="1",
                             note="Modificación 1 aprobada: 350 viviendas rurales con agua potable.")
    assert plan.state == "in_force", plan.state

def _budget_debates(year: str, approved_on: date) -> tuple:
    """The budget's acuerdo through the Concejo's two debates before its approval (phase-ii.md P16 reuses
    legal-path T8-T10; L136 art. 73): assigned two weeks before, first debate a week before, the plenary's second
    debate the day it is approved (six full days between them), all in November's ordinary sessions."""
    return ((Role.CORPORACION, "budget", year, "assign_budget", date.fromordinal(approved_on.toordinal() - 14), {}),
            (Role.CORPORACION, "budget", year, "record_committee_debate",
             date.fromordinal(approved_on.toordinal() - 7), {"committee_outcome": "approved"}),
            (Role.CORPORACION, "budget", year, "record_plenary_debate", approved_on, {}))


def _year_steps(year: str, days: list[date]) -> tuple:
    """One year's cycle of Phase II acts (POAI, budget with its debates, then action plans and plan de compras),
    on ``days``."""
    acts = ((Role.PLANEACION, "poai", "draft_poai"), (Role.CONSEJO_DE_GOBIERNO, "poai", "approve_poai"),
            (Role.HACIENDA, "budget", "draft_budget"), (Role.EJECUTIVO, "budget", "file_budget"),
            (Role.CORPORACION, "budget", "approve_budget"), (Role.EJECUTIVO, "budget", "liquidate_budget"),
            (Role.CONSEJO_DE_GOBIERNO, "action_plans", "approve_action_plans"),
            (Role.PLANEACION, "action_plans", "publish_action_plans"), (Role.EJECUTIVO, "paa", "publish_paa"))
    steps = tuple((role, machine, year, trigger, on, {}) for (role, machine, trigger), on in zip(acts, days))
    published = ((Role.EJECUTIVO, "budget", year, "publish_budget", days[5], {}),)  # with its liquidation (L136 art. 81)
    # The plenary before the approval that day.
    return steps[:4] + _budget_debates(year, days[4]) + steps[4:6] + published + steps[6:]


# Filandia's Phase II (issue 21): from "Vigente" (24 May 2024) to the published plan de compras of 2025, through the
# same act door. The Concejo (category 6) sits in August and November: the harmonisation goes in August, the
# budget is filed on 1 November with the MFMP.
PHASE2_STEPS = tuple(sorted((  # (role, machine, subject, trigger, date, payload)
    (Role.PLANEACION, "plan_indicativo", "pi", "prepare_pi", date(2024, 6, 4), {}),
    (Role.HACIENDA, "harmonization", "armonizacion", "start_harmonization", date(2024, 6, 5), {}),
    (Role.PLANEACION, "plan_indicativo", "pi", "consolidate_pi", date(2024, 6, 25), {}),
    (Role.CONSEJO_DE_GOBIERNO, "plan_indicativo", "pi", "approve_pi", date(2024, 7, 9), {}),
    (Role.PLANEACION, "project_bank", "banco", "update_bank", date(2024, 7, 16), {}),
    (Role.EJECUTIVO, "harmonization", "armonizacion", "file_harmonization", date(2024, 7, 31), {}),
    (Role.CORPORACION, "harmonization", "armonizacion", "assign_harmonization", date(2024, 8, 1), {}),
    (Role.CORPORACION, "harmonization", "armonizacion", "record_committee_debate", date(2024, 8, 5),
     {"committee_outcome": "approved"}),
    (Role.CORPORACION, "harmonization", "armonizacion", "record_plenary_debate", date(2024, 8, 9), {}),
    (Role.CORPORACION, "harmonization", "armonizacion", "approve_harmonization", date(2024, 8, 9), {}),
    (Role.CORPORACION, "harmonization", "armonizacion", "send_harmonization_for_sanction", date(2024, 8, 12), {}),
    (Role.EJECUTIVO, "harmonization", "armonizacion", "sanction_harmonization", date(2024, 8, 14), {}),
    (Role.EJECUTIVO, "harmonization", "armonizacion", "publish_harmonization", date(2024, 8, 16), {}),
    (Role.PLANEACION, "monitoring_system", "seguimiento", "design_monitoring", date(2024, 8, 22), {}),
    (Role.EJECUTIVO, "monitoring_system", "seguimiento", "adopt_monitoring", date(2024, 9, 2), {}),
    (Role.PLANEACION, "poai", "2025", "draft_poai", date(2024, 9, 16), {}),
    (Role.CONSEJO_DE_GOBIERNO, "poai", "2025", "approve_poai", date(2024, 10, 1), {}),
    (Role.HACIENDA, "budget", "2025", "draft_budget", date(2024, 10, 15), {}),
    (Role.PLANEACION, "monitoring_system", "seguimiento", "first_monitoring_report", date(2024, 10, 15), {}),
    (Role.EJECUTIVO, "budget", "2025", "file_budget", date(2024, 11, 1), {}),
    *_budget_debates("2025", date(2024, 11, 28)),
    (Role.CORPORACION, "budget", "2025", "approve_budget", date(2024, 11, 28), {}),
    (Role.EJECUTIVO, "budget", "2025", "liquidate_budget", date(2024, 12, 5), {}),
    (Role.EJECUTIVO, "budget", "2025", "publish_budget", date(2024, 12, 5), {}),
    (Role.CONSEJO_DE_GOBIERNO, "action_plans", "2025", "approve_action_plans", date(2025, 1, 20), {}),
    (Role.PLANEACION, "action_plans", "2025", "publish_action_plans", date(2025, 1, 28), {}),
    (Role.EJECUTIVO, "paa", "2025", "publish_paa", date(2025, 1, 29), {}),
    *(step for year, days in (
        # The rest of the period, year after year, so that on the training date (March 2028, after the period)
        # the finished plan shows a municipality that kept its terms, not years of duties never recorded: the
        # POAI by 1 October (D111 art. 8), the budget filed in the first days of November's sessions and
        # liquidated in December, the action plans and the plan de compras by 31 January (L1474 arts. 74, 77).
        (2026, ((2025, 9, 15), (2025, 10, 1), (2025, 10, 15), (2025, 11, 4), (2025, 11, 28), (2025, 12, 5),
                (2026, 1, 20), (2026, 1, 27), (2026, 1, 28))),
        (2027, ((2026, 9, 15), (2026, 10, 1), (2026, 10, 15), (2026, 11, 3), (2026, 11, 27), (2026, 12, 4),
                (2027, 1, 20), (2027, 1, 26), (2027, 1, 27))),
        # The outgoing administration's last POAI and budget, for 2028; the action plans and plan de compras of
        # 2028 are the next administration's.
        (2028, ((2027, 9, 15), (2027, 10, 1), (2027, 10, 15), (2027, 11, 2), (2027, 11, 26), (2027, 12, 3))),
    ) for step in _year_steps(str(year), [date(*d) for d in days])),
    # The informe anual de ejecución in the Concejo's first sessions of each year (L136 art. 91 a) 4) and a
    # rendición de cuentas each semester (L136 art. 91 e) 2).
    *((Role.EJECUTIVO, "annual_report", str(on.year), "present_annual_report", on, {})
      for on in (date(2025, 2, 3), date(2026, 2, 2), date(2027, 2, 1))),
    *((Role.EJECUTIVO, "citizen_report", f"{on.year}-{1 if on.month <= 6 else 2}", "hold_citizen_report", on, {})
      for on in (date(2024, 6, 27), date(2024, 12, 12), date(2025, 6, 26), date(2025, 12, 11), date(2026, 6, 25),
                 date(2026, 12, 10), date(2027, 6, 24), date(2027, 12, 9))),
), key=lambda step: step[4]))  # in the order of their dates (stable: one day's acts keep their order)
PHASE2_PUBLIC = frozenset({"approve_pi", "publish_harmonization", "publish_paa", "liquidate_budget", "publish_budget"})
PHASE2_MATRIX = {
    "Acueductos veredales": ("Viviendas rurales con agua potable", ("80", "170", "260", "350"),
                             "Secretaría de Infraestructura"),
    "Mantenimiento de vías terciarias": ("Kilómetros de vías terciarias mantenidos", ("10", "20", "30", "40"),
                                         "Secretaría de Infraestructura"),
    "Relevo generacional rural": ("Jóvenes rurales vinculados a proyectos productivos", ("30", "60", "90", "120"),
                                  "Secretaría de Desarrollo Rural"),
}


def _ensure_phase2_demo(entity: Entity) -> None:
    """Walk Filandia's Phase II to a published plan de compras (issue 21); nothing when already walked."""
    period = db.session.scalar(select(Period).filter_by(start_on=FINISHED_PERIOD))
    plan = db.session.scalar(select(Plan).filter_by(entity_id=entity.id, period_id=period.id))
    if plan is None or plan.state != "in_force":
        return
    if not any(p.machine == "plan_indicativo" for p in plan.procedures):  # in force before Phase II existed
        open_phase2(db.session, plan, in_force_day(plan) or date(2024, 5, 24))
        db.session.commit()
    pi = next(p for p in plan.procedures if p.machine == "plan_indicativo")
    if pi.state != "pi_none":
        return
    for role, machine, subject, trigger, on, payload in PHASE2_STEPS:
        if trigger == "consolidate_pi":
            lines, _years = matrix_lines(db.session, plan)
            save_matrix(db.session, plan, [MatrixRow(ln.program, ln.project, *PHASE2_MATRIX.get(
                ln.project, ("Indicador de producto", ("1", "2", "3", "4"), "Secretaría de Planeación")))
                for ln in lines], None)
        actor = users_with_roles(db.session, plan, {role})[0]
        command = ActCommand(trigger=trigger, machine=machine, subject=subject, act_on=on,
                             reference=f"DEMO-{trigger}", payload=payload,
                             evidence=Upload(f"{trigger}.pdf", io.BytesIO(DEMO_PDF)),
                             evidence_is_public=trigger in PHASE2_PUBLIC | PUBLIC_BY_LAW,
                             notes="Acto de demostración para capacitación.")
        apply_act(db.session, plan_id=plan.id, command=command, actor=actor, role=role, expected_version=None,
                  today=on)
        db.session.refresh(plan)
