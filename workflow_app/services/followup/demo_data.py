"""Monitoreo 360 in the demo (``flask pdt demo``): a few months of survey answers, two SETA cuts, a Lista de
Chequeo and an adviser's report, so a newcomer sees the charts filled. Idempotent; demo entities only.

The cuts are rebuilt "as of" their day from the recording date of each hito (``cuts.take_cut(..., as_of=True)``),
so the two cuts of February 2028 differ as the demo plans moved between them. Génova's March answer is left
open: the demo's planeación can answer it (and see the second answer refused)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from state_machines.core.roles import Role
from workflow_app.infra.clock import clock
from workflow_app.models import (
    ActivityReport,
    ActivityVisit,
    ChecklistReview,
    Entity,
    Membership,
    Period,
    Plan,
    SetaCut,
    SurveyResponse,
    User,
)
from workflow_app.services.followup import cuts
from workflow_app.services.followup import parameters as params

# (DANE code, month) -> the five aspects (objectives, usability, pertinence, quality, added value), level, comment
SURVEY = {
    ("63302", date(2027, 12, 1)): ((4, 4, 5, 4, 4), "directivo", "La guía del diagnóstico nos ordenó el trabajo."),
    ("63111", date(2027, 12, 1)): ((3, 3, 4, 3, 3), "profesional", "Necesitamos más acompañamiento presencial."),
    ("63", date(2027, 12, 1)): ((5, 4, 5, 5, 4), "directivo", ""),
    ("70", date(2027, 12, 1)): ((4, 3, 4, 4, 3), "tecnico", ""),
    ("63302", date(2028, 1, 1)): ((5, 4, 5, 5, 4), "directivo", "Muy útil la mesa técnica del plan estratégico."),
    ("63111", date(2028, 1, 1)): ((2, 3, 3, 3, 2), "profesional", "La conexión falla y las sesiones virtuales se "
                                                                  "cortan."),
    ("63", date(2028, 1, 1)): ((4, 4, 4, 5, 4), "directivo", ""),
    ("70", date(2028, 1, 1)): ((4, 4, 4, 4, 4), "tecnico", ""),
    ("63272", date(2028, 1, 1)): ((5, 5, 4, 5, 5), "contratista", ""),
    ("63302", date(2028, 2, 1)): ((4, 5, 5, 4, 4), "directivo", ""),
    ("63111", date(2028, 2, 1)): ((4, 3, 4, 4, 3), "profesional", "Mejoró con la visita de febrero."),
    ("63", date(2028, 2, 1)): ((3, 3, 4, 3, None), "profesional", "El plan indicativo nos quedó grande."),
    ("70", date(2028, 2, 1)): ((5, 4, 5, 4, 4), "directivo", ""),
    ("63272", date(2028, 2, 1)): ((5, 4, 5, 5, 5), "contratista", ""),
    ("63111", date(2028, 3, 1)): ((4, 4, 4, 4, 4), "profesional", ""),
    ("63", date(2028, 3, 1)): ((3, 3, 4, 3, 3), "directivo", "Pedimos más apoyo con la armonización presupuestal."),
}
CUT_DAYS = (date(2028, 2, 15), date(2028, 2, 29))
ADVISER_EMAIL = "asesor.quindio@demo.rutapdt.co"
COORDINATOR_EMAIL = "coordinador.eje@demo.rutapdt.co"


def _shown_on(day: date) -> datetime:
    """A stored instant (real time, as every timestamp) that pages show on ``day`` of the demo's simulated calendar
    (``Clock.shown`` moves stored instants by whole days onto it)."""
    return clock().stamp() + timedelta(days=(day - clock().today()).days)


def ensure_followup_demo(session: Session) -> None:
    entities = {e.dane_code: e for e in session.scalars(
        select(Entity).where(Entity.dane_code.in_({code for code, _ in SURVEY})))}
    for (code, month), (values, level, comment) in SURVEY.items():
        entity = entities.get(code)
        if entity is None or session.scalar(select(SurveyResponse.id).filter_by(entity_id=entity.id,
                                                                                month=month)) is not None:
            continue
        respondent = session.scalar(select(User).join(Membership).where(
            Membership.entity_id == entity.id, Membership.role == Role.PLANEACION.value, User.is_demo.is_(True)))
        session.add(SurveyResponse(
            entity_id=entity.id, month=month, respondent_id=respondent.id if respondent else None,
            respondent_level=level, comment=comment, submitted_at=_shown_on(month.replace(day=20)),
            **dict(zip(("objectives", "usability", "pertinence", "quality", "added_value"), values))))
    session.commit()
    for day in CUT_DAYS:
        if session.scalar(select(SetaCut.id).filter_by(cut_on=day)) is None:
            # Taken on its own day, as a scheduled cut is: «tomado el» read the real date (QA, 7 December 2026).
            cuts.take_cut(session, day, "scheduled", now=_shown_on(day), as_of=True)
    _report_and_checklist(session, entities)


def _report_and_checklist(session: Session, entities: dict[str, Entity]) -> None:
    adviser = session.scalar(select(User).filter_by(email=ADVISER_EMAIL))
    coordinator = session.scalar(select(User).filter_by(email=COORDINATOR_EMAIL))
    if adviser is None:
        return
    month = date(2028, 2, 1)
    if session.scalar(select(ActivityReport.id).filter_by(user_id=adviser.id, month=month)) is None:
        report = ActivityReport(user_id=adviser.id, month=month, submitted_on=date(2028, 3, 8), trainings=2,
                                notes="Mesas técnicas de plan estratégico y PPI en Génova y Buenavista; la "
                                      "conexión de Buenavista sigue fallando.",
                                coordinator_rating=4, rated_by_id=coordinator.id if coordinator else None)
        report.visits = [
            ActivityVisit(entity_id=entities["63302"].id, on=date(2028, 2, 7), mode="presencial",
                          topic="Hito 7: diagnóstico y plan estratégico", has_evidence=True,
                          seta_loaded_on=date(2028, 2, 9), agreements="Entregar la matriz estratégica el 20."),
            ActivityVisit(entity_id=entities["63111"].id, on=date(2028, 2, 14), mode="virtual",
                          topic="Plan plurianual de inversiones", has_evidence=True,
                          seta_loaded_on=date(2028, 2, 28), agreements="Segunda sesión presencial en marzo."),
            ActivityVisit(entity_id=entities["63"].id, on=date(2028, 2, 22), mode="virtual",
                          topic="Consejo de Gobierno", has_evidence=False, seta_loaded_on=None, agreements=""),
        ]
        session.add(report)
        session.commit()
    plan = session.scalar(select(Plan).join(Period).where(Plan.entity_id == entities["63272"].id)
                          .order_by(Period.start_on.desc()).limit(1))
    if plan is not None and session.scalar(select(ChecklistReview.id).filter_by(plan_id=plan.id)) is None:
        _, items = params.checklist_template("pdt")
        marks = {i.code: {"value": 2, "note": ""} for i in items}
        marks["Q2"] = {"value": 1, "note": "El diagnóstico financiero no trae la serie histórica de ingresos."}
        marks["Q9"] = {"value": 1, "note": "El PPI no muestra el cruce con el Marco Fiscal de Mediano Plazo."}
        marks["Q14"] = {"value": 0, "note": "Falta el componente de gestión del riesgo (Ley 1523 de 2012)."}
        session.add(ChecklistReview(plan_id=plan.id, template="pdt", marks=marks, reviewer_id=adviser.id,
                                    reviewed_at=_shown_on(date(2028, 3, 2))))
        session.commit()
