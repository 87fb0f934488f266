"""A document's formal correction is communicated to the interested parties (CPACA art. 45: «Realizada la
corrección, esta deberá ser notificada o comunicada a todos los interesados»): the route's people of the plan's
entity and the environmental authorities that received the project, not the one who corrected it; once per
correction, by each person's delivery preference; nothing when the correction is refused. QA: a corrected draft
presented to the CTP was told to no one."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from notifications.events import SUBJECT_CHARS, fitted_subject, notify_correction
from notifications.sweep import run_sweep
from state_machines.core.roles import Role
from tests import pdf_samples
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import Delivery, Document, Notification, PlanEvent
from workflow_app.services.route.document_versions import CorrectionRefused, correct_document
from workflow_app.services.route.documents import Upload

CORRECTED = pdf_samples.one_page("Proyecto corregido: página 3")
REASON = "Se corrige un error de digitación en la página 3."


@pytest.fixture
def genova(db_session, set_today):
    set_today("2028-04-03")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "adjusting")  # the CTP gave its concept and the planning office answered it
    return cast


def document_of(session, plan, kind):
    return session.scalar(select(Document).where(Document.plan_id == plan.id, Document.kind == kind)
                          .order_by(Document.version.desc()))


def correct(session, cast, actor, doc, reason=REASON, data=CORRECTED):
    return correct_document(session, plan_id=cast.plan.id, document_id=doc.id,
                            upload=Upload("corregido.pdf", io.BytesIO(data)), reason=reason, actor=actor,
                            today=date(2028, 4, 3))


def correction_notices(session):
    return session.scalars(select(Notification).where(Notification.dedupe_key.like("correction:%"))
                           .order_by(Notification.user_id)).all()


def counts(session):
    return tuple(session.scalar(select(func.count()).select_from(t)) for t in (Document, PlanEvent, Notification,
                                                                              Delivery))


def test_a_long_title_is_cut_at_a_word_to_fit_the_notice_subject():
    head = "Gobernación del Archipiélago de San Andrés, Providencia y Santa Catalina: se corrigió "
    subject = fitted_subject(head, "Anexo técnico de diagnóstico territorial " * 5)
    assert len(subject) <= SUBJECT_CHARS and subject.startswith(head + "«Anexo técnico")
    assert subject.endswith(" diagnóstico territorial…»")
    assert fitted_subject(head, "Acta de posesión") == head + "«Acta de posesión»"


def test_a_corrected_draft_is_told_to_every_interested_party_but_its_corrector(db_session, genova):
    second_mayor_side = make_user(db_session, "despacho63302@prueba.co", Role.EJECUTIVO, genova.plan.entity)
    outsider = make_user(db_session, "planeacion63111@prueba.co", Role.PLANEACION,
                         make_plan(db_session, "63111").entity)
    other_car = make_user(db_session, "cortolima63302@prueba.co", Role.CAR, authority="CORTOLIMA")
    genova.ctp.wants_immediate_email = True
    db_session.commit()
    draft = document_of(db_session, genova.plan, "submit_to_ctp")  # the draft presented to the CTP
    new = correct(db_session, genova, genova.ejecutivo, draft)

    told = correction_notices(db_session)
    assert {n.user_id for n in told} == {genova.planeacion.id, genova.ctp.id, genova.corporacion.id,
                                         genova.cars["CRQ"].id, second_mayor_side.id}
    assert genova.ejecutivo.id not in {n.user_id for n in told}  # the corrector knows
    assert not {outsider.id, other_car.id} & {n.user_id for n in told}
    assert {n.dedupe_key.rsplit(":", 1)[0] for n in told} == {f"correction:{new.id}"}
    notice = told[0]
    title = "«Proyecto de plan presentado al CTP (con copia al Concejo de Génova)»"
    assert notice.subject == f"Génova (Quindío): se corrigió {title}"
    assert notice.body.startswith("El 3 de abril de 2028 a las ")
    assert (f"{genova.ejecutivo.name} (alcalde de Génova) registró una corrección formal de {title} en el "
            "expediente del plan de Génova (Quindío): la versión 2 reemplaza a la versión 1. Motivo: «Se corrige un error de digitación en la página 3». "
            "La corrección solo enmienda errores formales") in notice.body
    assert "no cambia el sentido material de la decisión ni revive los términos para demandarla (CPACA art. 45)." \
        in notice.body
    assert notice.body.endswith(f"la nueva tiene la huella SHA-256 {new.sha256}.")
    assert notice.legal_basis == "CPACA art. 45" and notice.link == f"/planes/{genova.plan.id}#h-docs"
    assert notice.plan_id == genova.plan.id and notice.step_key is None and not notice.is_urgent
    # Each person's delivery preference: the CTP chose immediate e-mail, the others the daily digest.
    status = dict(db_session.execute(select(Notification.user_id, Delivery.status)
                                     .join(Delivery, Delivery.notification_id == Notification.id)
                                     .where(Notification.dedupe_key.like("correction:%"))).all())
    assert status.pop(genova.ctp.id) != "digest" and set(status.values()) == {"digest"}

    # Once: the same correction told again (a repeated signal) and the sweep write nothing more for it.
    event = db_session.scalar(select(PlanEvent).where(PlanEvent.trigger == "correct_document"))
    notify_correction(db_session, plan=genova.plan, event=event, document=new, previous=draft,
                      actor=genova.ejecutivo)
    db_session.commit()
    run_sweep(date(2028, 4, 3))
    assert [n.id for n in correction_notices(db_session)] == [n.id for n in told]
    assert db_session.scalar(select(func.count()).select_from(Delivery).join(Notification).where(
        Notification.dedupe_key.like("correction:%"))) == len(told)


def test_the_ctp_corrects_its_answered_concept_and_the_planning_office_is_told(db_session, genova):
    concept = document_of(db_session, genova.plan, "record_ctp_concept")
    draft = document_of(db_session, genova.plan, "submit_to_ctp")
    before = counts(db_session)
    # Each side corrects only what it filed: the executive not the CTP's concept, the CTP not the executive's draft.
    with pytest.raises(CorrectionRefused) as refused:
        correct(db_session, genova, genova.ejecutivo, concept)
    assert refused.value.status == 403
    db_session.rollback()
    with pytest.raises(CorrectionRefused) as refused:
        correct(db_session, genova, genova.ctp, draft)
    assert refused.value.status == 403
    db_session.rollback()
    assert counts(db_session) == before

    correct(db_session, genova, genova.ctp, concept, reason="El número del acta del concepto estaba mal digitado.")
    told = correction_notices(db_session)
    assert {n.user_id for n in told} == {genova.ejecutivo.id, genova.planeacion.id, genova.corporacion.id,
                                         genova.cars["CRQ"].id}
    assert "(Consejo Territorial de Planeación de Génova) registró una corrección formal de «Concepto del Consejo " \
           "Territorial de Planeación»" in told[0].body


def test_a_car_correcting_its_concept_is_named_by_its_authority(db_session, set_today):
    set_today("2028-03-10")
    sucre = Cast(db_session, make_plan(db_session, "70"), car_codes=("CARSUCRE", "CORPOMOJANA"))
    walk_to(sucre, "submitted_to_ctp")
    sucre.act("CARSUCRE", "receive_concept", "2028-03-08", machine="car_review", subject="CARSUCRE",
              payload={"concept": "favorable"})
    concept = document_of(db_session, sucre.plan, "receive_concept")
    correct(db_session, sucre, sucre.cars["CARSUCRE"], concept)
    told = correction_notices(db_session)
    # The other authority that received the project is an interested party too (D1865 art. 3).
    assert {n.user_id for n in told} == {sucre.ejecutivo.id, sucre.planeacion.id, sucre.ctp.id,
                                         sucre.corporacion.id, sucre.cars["CORPOMOJANA"].id}
    assert f"{sucre.cars['CARSUCRE'].name} (autoridad ambiental CARSUCRE) registró" in told[0].body
    assert "expediente del plan de Gobernación de Sucre" in told[0].body


def test_a_refused_correction_tells_no_one(db_session, genova):
    draft = document_of(db_session, genova.plan, "submit_to_ctp")
    before = counts(db_session)
    with pytest.raises(CorrectionRefused) as short:
        correct(db_session, genova, genova.ejecutivo, draft, reason="error")
    assert short.value.status == 422
    db_session.rollback()
    with pytest.raises(CorrectionRefused) as hostile:
        correct(db_session, genova, genova.ejecutivo, draft, data=pdf_samples.WITH_JAVASCRIPT)
    assert hostile.value.field == "evidence"
    db_session.rollback()
    with pytest.raises(CorrectionRefused) as other:
        correct(db_session, genova, genova.corporacion, draft)
    assert other.value.status == 403
    db_session.rollback()
    assert counts(db_session) == before and correction_notices(db_session) == []
