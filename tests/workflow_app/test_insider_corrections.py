"""Issue 19 (insiders): a document is corrected only by the authority that filed it. On a Sucre plan both CARSUCRE
and CORPOMOJANA have jurisdiction (the same role, "car"): one may not replace the other's concept."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from tests import pdf_samples
from tests.workflow_app.helpers import login
from tests.workflow_app.story import Cast, make_plan, walk_to
from workflow_app.models import Document, PlanEvent
from workflow_app.services.route.document_versions import (
    CorrectionRefused,
    correct_document,
    correctable_documents,
)
from workflow_app.services.route.documents import Upload
from workflow_app.services.route.plans import ActForbidden, plan_documents, visible_history

CORRECTED = pdf_samples.one_page("Concepto corregido")
REASON = "El número del radicado del concepto estaba mal digitado."


@pytest.fixture
def sucre(db_session, set_today):
    set_today("2028-03-10")
    cast = Cast(db_session, make_plan(db_session, "70"), car_codes=("CARSUCRE", "CORPOMOJANA"))
    walk_to(cast, "submitted_to_ctp")
    cast.act("CARSUCRE", "receive_concept", "2028-03-08", machine="car_review", subject="CARSUCRE",
             payload={"concept": "favorable"})
    return cast


def concept_of(session, plan):
    return session.scalar(select(Document).where(Document.plan_id == plan.id, Document.kind == "receive_concept"))


def correct(session, cast, who, doc):
    return correct_document(session, plan_id=cast.plan.id, document_id=doc.id,
                            upload=Upload("corregido.pdf", io.BytesIO(CORRECTED)), reason=REASON,
                            actor=cast.cars[who], today=cast.plan.period.start_on.replace(month=3, day=10))


def test_a_car_cannot_correct_another_cars_concept(db_session, sucre):
    doc = concept_of(db_session, sucre.plan)
    before = (db_session.scalar(select(func.count()).select_from(Document)),
              db_session.scalar(select(func.count()).select_from(PlanEvent)))
    with pytest.raises(CorrectionRefused) as refused:
        correct(db_session, sucre, "CORPOMOJANA", doc)
    assert refused.value.status == 403 and "misma autoridad ambiental" in refused.value.message
    db_session.rollback()
    assert (db_session.scalar(select(func.count()).select_from(Document)),
            db_session.scalar(select(func.count()).select_from(PlanEvent))) == before
    history = visible_history(db_session, sucre.plan)
    documents = plan_documents(db_session, sucre.plan)
    assert doc.id not in correctable_documents(sucre.cars["CORPOMOJANA"], sucre.plan, documents, history)
    assert doc.id in correctable_documents(sucre.cars["CARSUCRE"], sucre.plan, documents, history)


def test_the_same_car_corrects_its_own_concept(db_session, sucre):
    doc = concept_of(db_session, sucre.plan)
    new = correct(db_session, sucre, "CARSUCRE", doc)
    assert new.supersedes_id == doc.id and new.version == doc.version + 1
    event = db_session.scalar(select(PlanEvent).where(PlanEvent.trigger == "correct_document"))
    assert event.role == "car" and event.actor_id == sucre.cars["CARSUCRE"].id


def test_the_correction_page_refuses_the_other_car(app, db_session, sucre):
    doc = concept_of(db_session, sucre.plan)
    client = app.test_client()
    assert login(client, sucre.cars["CORPOMOJANA"].email, "clave-de-prueba").status_code == 302
    assert f"/documentos/{doc.id}/correccion" not in client.get(f"/planes/{sucre.plan.id}").get_data(as_text=True)
    refused = client.get(f"/planes/{sucre.plan.id}/documentos/{doc.id}/correccion")
    assert refused.status_code == 403 and "misma autoridad ambiental" in refused.get_data(as_text=True)
    own = app.test_client()
    assert login(own, sucre.cars["CARSUCRE"].email, "clave-de-prueba").status_code == 302
    assert own.get(f"/planes/{sucre.plan.id}/documentos/{doc.id}/correccion").status_code == 200


def test_a_car_cannot_act_on_another_cars_review(db_session, sucre):
    with pytest.raises(ActForbidden, match="destinataria"):
        sucre.act("CORPOMOJANA", "receive_concept", "2028-03-09", machine="car_review", subject="CARSUCRE",
                  payload={"concept": "desfavorable"})
    db_session.rollback()
    sucre.act("CORPOMOJANA", "receive_concept", "2028-03-09", machine="car_review", subject="CORPOMOJANA",
              payload={"concept": "favorable"})  # its own review
