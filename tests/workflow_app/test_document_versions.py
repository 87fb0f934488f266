"""Issue 13 (document versions): a corrected evidence document supersedes the earlier one with a reason; both
stay in the case file with their hashes; the history records the correction (CPACA art. 45); the public page
shows the current version of public documents."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from sqlalchemy import func, select

from tests import pdf_samples
from tests.workflow_app.helpers import csrf_from
from tests.workflow_app.test_web_plans import demo, plan_of, sign_in  # noqa: F401 (fixtures)
from workflow_app.history import verify
from workflow_app.models import Document, Notification, PlanEvent, User
from workflow_app.services.people.api_tokens import create_token

CORRECTED = pdf_samples.one_page("Acta corregida: fecha 21 de marzo")


def doc_of(session, plan, kind):
    return session.scalar(select(Document).where(Document.plan_id == plan.id, Document.kind == kind)
                          .order_by(Document.version.desc()))


def post_correction(client, plan, doc, data=CORRECTED, reason="La fecha del acta decía 12 de marzo; es 21."):
    url = f"/planes/{plan.id}/documentos/{doc.id}/correccion"
    page = client.get(url)
    token = csrf_from(page.get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "reason": reason,
                                  "evidence": (io.BytesIO(data), "corregida.pdf")},
                       content_type="multipart/form-data")


def test_the_filer_corrects_a_document_and_both_versions_stay_with_their_hashes(app, client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    old = doc_of(db_session, genova, "consolidate")  # filed by the planning office
    version_before = genova.version
    sign_in(client, demo, "planeacion.genova")
    page = client.get(f"/planes/{genova.id}").get_data(as_text=True)
    assert f"/documentos/{old.id}/correccion" in page
    response = post_correction(client, genova, old)
    assert response.status_code == 302
    db_session.expire_all()
    new = doc_of(db_session, genova, "consolidate")
    assert new.id != old.id and new.supersedes_id == old.id and new.version == old.version + 1
    assert new.sha256 == hashlib.sha256(CORRECTED).hexdigest() and old.sha256 != new.sha256
    assert new.correction_reason.startswith("La fecha del acta")
    event = db_session.scalar(select(PlanEvent).where(PlanEvent.trigger == "correct_document"))
    assert event.role == "planeacion" and event.legal_basis == "CPACA art. 45" and event.evidence_ids == [new.id]
    assert event.payload["previous_sha256"] == old.sha256 and event.payload["sha256"] == new.sha256
    assert event.from_state == event.to_state == plan_of(db_session, "63302").state
    assert plan_of(db_session, "63302").version == version_before + 1
    assert verify(db_session, app.config["HISTORY_KEY"])[1] == []
    # The interested parties are told (CPACA art. 45), not the planning office that corrected it.
    told = {u.email.split("@")[0] for u in db_session.scalars(select(User).join(
        Notification, Notification.user_id == User.id).where(Notification.dedupe_key.like(f"correction:{new.id}:%")))}
    assert {"alcalde.genova", "ctp.genova", "concejo.genova", "crq"} <= told and "planeacion.genova" not in told
    page = client.get(f"/planes/{genova.id}").get_data(as_text=True)
    assert "Corregir un documento del expediente" in page and "Reemplazada por una versión corregida" in page
    assert old.sha256[:16] in page and new.sha256[:16] in page
    assert client.get(f"/planes/{genova.id}/documentos/{old.id}").data != \
        client.get(f"/planes/{genova.id}/documentos/{new.id}").data
    dossier = client.get(f"/planes/{genova.id}/expediente").get_data(as_text=True)
    assert old.sha256[:16] in dossier and new.sha256[:16] in dossier
    # The API with a token that sees the plan lists both versions and says which one a correction replaced.
    planner = db_session.scalar(select(User).where(User.email == demo["planeacion.genova"].email))
    token = create_token(db_session, planner, "pruebas")[1]
    listed = {d["id"]: d for d in client.get(f"/api/v1/plans/{genova.id}/documents",
                                             headers={"Authorization": f"Bearer {token}"}).get_json()["documents"]}
    assert listed[old.id]["is_current"] is False and listed[old.id]["supersedes_id"] is None
    assert listed[new.id]["is_current"] is True and listed[new.id]["supersedes_id"] == old.id


def test_only_the_role_that_filed_it_may_correct(app, client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    doc = doc_of(db_session, genova, "consolidate")
    sign_in(client, demo, "ctp.genova")
    assert f"/documentos/{doc.id}/correccion" not in client.get(f"/planes/{genova.id}").get_data(as_text=True)
    assert client.get(f"/planes/{genova.id}/documentos/{doc.id}/correccion").status_code == 403
    stranger = app.test_client()
    sign_in(stranger, demo, "planeacion.buenavista")
    assert stranger.get(f"/planes/{genova.id}/documentos/{doc.id}/correccion").status_code == 404


def test_a_correction_without_reason_or_with_a_hostile_pdf_writes_nothing(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    doc = doc_of(db_session, genova, "consolidate")
    sign_in(client, demo, "planeacion.genova")
    before = (db_session.scalar(select(func.count()).select_from(Document)),
              db_session.scalar(select(func.count()).select_from(PlanEvent)))
    empty = post_correction(client, genova, doc, reason="  ")
    assert empty.status_code == 422 and "Explique qué error formal corrige" in empty.get_data(as_text=True)
    short = post_correction(client, genova, doc, reason="error")
    assert short.status_code == 422 and "qué error formal corrige" in short.get_data(as_text=True)
    hostile = post_correction(client, genova, doc, data=pdf_samples.WITH_JAVASCRIPT)
    html = hostile.get_data(as_text=True)
    assert hostile.status_code == 422 and "JavaScript" in html and "La fecha del acta decía" in html  # kept
    db_session.expire_all()
    assert (db_session.scalar(select(func.count()).select_from(Document)),
            db_session.scalar(select(func.count()).select_from(PlanEvent))) == before


def test_a_superseded_version_cannot_be_corrected_again(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    old = doc_of(db_session, genova, "consolidate")
    sign_in(client, demo, "planeacion.genova")
    assert post_correction(client, genova, old).status_code == 302
    new = doc_of(db_session, genova, "consolidate")
    # Its form (Back after the correction, an old link) goes to the version in force (QA, 7 December 2026: it
    # offered the replaced one, whose send failed with the PDF lost).
    back = client.get(f"/planes/{genova.id}/documentos/{old.id}/correccion")
    assert back.status_code == 302 and back.headers["Location"].endswith(f"/documentos/{new.id}/correccion")
    page = client.get(back.headers["Location"]).get_data(as_text=True)
    assert "Ese documento ya fue corregido: esta es su versión vigente, la 2." in page
    stale = client.post(f"/planes/{genova.id}/documentos/{old.id}/correccion",  # a form left open in another tab
                        data={"csrf_token": csrf_from(page), "reason": "La fecha del acta decía 12 de marzo; es 21.",
                              "evidence": (io.BytesIO(CORRECTED), "corregida.pdf")}, content_type="multipart/form-data")
    assert stale.status_code == 409


def test_a_correction_that_loses_to_a_concurrent_write_is_refused_with_what_was_typed_kept(
        app, client, demo, db_session, monkeypatch):  # noqa: F811
    """Two corrections of the same plan at once (the planning office's of its consolidated draft, the mayor's of the
    draft sent to the CTP): the one that commits second finds the plan moved (its version, its history head). It
    answered 500; it is refused with the form as it was sent, and writes nothing, not even its file."""
    from datetime import date

    from sqlalchemy.orm import Session as OrmSession

    from workflow_app.infra.extensions import db
    from workflow_app.services.route import document_versions
    from workflow_app.services.route.documents import Upload

    genova = plan_of(db_session, "63302")
    mine, theirs = doc_of(db_session, genova, "consolidate"), doc_of(db_session, genova, "submit_to_ctp")
    plan_id, theirs_id, mayor_email = genova.id, theirs.id, demo["alcalde.genova"].email
    store_document = document_versions.store_document

    def the_mayor_commits_first(session, **kwargs):  # between this correction's reads and its writes
        monkeypatch.setattr(document_versions, "store_document", store_document)
        with OrmSession(db.engine) as other:
            mayor = other.scalar(select(User).where(User.email == mayor_email))
            document_versions.correct_document(
                other, plan_id=plan_id, document_id=theirs_id, upload=Upload("c.pdf", io.BytesIO(CORRECTED)),
                reason="El oficio decía 12 de marzo; es 21 de marzo.", actor=mayor, today=date(2028, 3, 10))
        return store_document(session, **kwargs)

    monkeypatch.setattr(document_versions, "store_document", the_mayor_commits_first)
    uploads = set(Path(app.config["UPLOAD_DIR"]).iterdir())
    sign_in(client, demo, "planeacion.genova")
    lost = post_correction(client, genova, mine, reason="La fecha del acta decía 12 de marzo; es 21.")
    html = lost.get_data(as_text=True)
    assert lost.status_code == 409, html[:500]
    assert "otra persona registró un cambio en este plan" in html and "La fecha del acta decía 12 de marzo" in html
    assert 'name="held_evidence"' in html  # the PDF is held for the next send
    db_session.expire_all()
    assert doc_of(db_session, genova, "consolidate").id == mine.id  # not corrected
    assert doc_of(db_session, genova, "submit_to_ctp").supersedes_id == theirs_id  # the mayor's was
    added = set(Path(app.config["UPLOAD_DIR"]).iterdir()) - uploads
    assert len(added) == 1  # the mayor's file only: the lost correction's went with its row
    assert verify(db_session, app.config["HISTORY_KEY"])[1] == []
    again = client.post(f"/planes/{genova.id}/documentos/{mine.id}/correccion",
                        data={"csrf_token": csrf_from(html), "reason": "La fecha del acta decía 12 de marzo; es 21.",
                              "held_evidence": held_token(html)}, content_type="multipart/form-data")
    assert again.status_code == 302, again.get_data(as_text=True)[:500]
    assert doc_of(db_session, genova, "consolidate").supersedes_id == mine.id


def held_token(html: str) -> str:
    import re

    return re.search(r'name="held_evidence" value="([^"]+)"', html).group(1)


def test_the_public_page_shows_the_current_version_of_a_public_document(app, client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    draft = doc_of(db_session, genova, "public_draft")  # attached to no act: planning office or executive
    sign_in(client, demo, "alcalde.genova")
    assert post_correction(client, genova, draft, reason="Faltaba la página de firmas del alcalde.").status_code == 302
    db_session.expire_all()
    new = doc_of(db_session, genova, "public_draft")
    public = app.test_client().get("/publico/63302").get_data(as_text=True)
    assert f"/publico/63302/documentos/{new.id}" in public
    assert f"/publico/63302/documentos/{draft.id}\"" not in public
    assert "Faltaba la página de firmas del alcalde." in public
