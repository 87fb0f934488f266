"""Issue 12: uploads are opened and checked with pypdf, stored and served under the service's own ``.pdf`` name,
in either evidence store; a refused file writes nothing (no row, no file, no chunk, no history)."""
from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from state_machines.core.roles import Role
from tests import pdf_samples
from tests.workflow_app.helpers import csrf_from
from tests.workflow_app.story import Cast, make_plan, walk_to
from tests.workflow_app.test_web_plans import demo, plan_of, sign_in  # noqa: F401 (fixtures)
from workflow_app.models import Document, DocumentChunk, PlanEvent
from workflow_app.services.route.documents import Upload
from workflow_app.services.route.plans import ActCommand, ActInvalid, apply_act


@pytest.fixture(params=["local", "postgres"])
def store(request, app):
    app.config["EVIDENCE_STORE"] = request.param
    yield request.param
    app.config["EVIDENCE_STORE"] = "local"


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return pdf_samples.inflation_bomb()  # about 200 KB that inflates to 200 MB


def counts(session, app) -> tuple[int, int, int, int]:
    files = len(list(Path(app.config["UPLOAD_DIR"]).glob("*")))
    return (session.scalar(select(func.count()).select_from(Document)),
            session.scalar(select(func.count()).select_from(DocumentChunk)),
            session.scalar(select(func.count()).select_from(PlanEvent)), files)


def post_concept(client, plan, data: bytes, name: str):
    url = f"/planes/{plan.id}/actos/pdt_approval/-/record_ctp_concept"
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "act_on": "2028-03-09", "concept": "favorable",
                                  "scope": "total", "evidence": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("sample, name, reason", [
    ("POLYGLOT_HTML", "poly.html", "no es un PDF válido"),
    ("WITH_JAVASCRIPT", "acta.pdf", "JavaScript"),
    ("WITH_LAUNCH", "acta.pdf", "abre programas o archivos externos"),
    ("WITH_EMBEDDED_FILE", "acta.pdf", "archivos incrustados"),
    ("JAVASCRIPT_OUTSIDE_XREF", "acta.pdf", "JavaScript"),
    ("URI_JAVASCRIPT", "acta.pdf", "no es una página web"),
])
def test_hostile_pdfs_are_refused_in_spanish_and_nothing_is_written(client, demo, db_session, app, store,  # noqa: F811
                                                                    sample, name, reason):
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    before = counts(db_session, app)
    response = post_concept(client, genova, getattr(pdf_samples, sample), name)
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)
    db_session.expire_all()
    assert counts(db_session, app) == before
    assert plan_of(db_session, "63302").state == "submitted_to_ctp"


def test_an_inflation_bomb_is_refused_without_inflating_it(client, demo, db_session, app, store, bomb):  # noqa: F811
    assert len(bomb) < 300 * 1024
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    before = counts(db_session, app)
    response = post_concept(client, genova, bomb, "acta.pdf")
    assert response.status_code == 422
    assert "se expande a más de 100 MB" in response.get_data(as_text=True)
    db_session.expire_all()
    assert counts(db_session, app) == before


def test_a_real_pdf_named_html_is_stored_and_served_as_pdf(client, demo, db_session, app, store):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    assert post_concept(client, genova, pdf_samples.VALID, "poly.html").status_code == 302
    # Génova's own concept (the demo's finished plan, Filandia, has one too)
    doc = db_session.scalar(select(Document).where(Document.kind == "record_ctp_concept",
                                                   Document.plan_id == genova.id))
    assert doc.store == store and doc.storage_name.endswith(".pdf") and doc.original_filename == "poly.html"
    stored_files = {p.name for p in Path(app.config["UPLOAD_DIR"]).glob("*")}
    assert (doc.storage_name in stored_files) == (store == "local")
    response = client.get(f"/planes/{genova.id}/documentos/{doc.id}")
    assert response.status_code == 200 and response.data == pdf_samples.VALID
    assert response.mimetype == "application/pdf" and response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="genova-quindio-2028-2031-concepto-del-consejo-territorial-de-planeacion-v1.pdf"'
    assert "html" not in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"


def test_in_the_database_store_the_evidence_rolls_back_with_a_refused_act(db_session, app):
    """The bytes are written in the act's transaction: an act refused after its evidence was stored (here, an
    amendment without authors) leaves neither the document row nor its chunks."""
    app.config["EVIDENCE_STORE"] = "postgres"
    try:
        cast = Cast(db_session, make_plan(db_session, "63302"))
        walk_to(cast, "in_debate")
        before = counts(db_session, app)
        command = ActCommand(trigger="propose_amendment", act_on=date(2028, 5, 3), payload={"authors": []},
                             evidence=Upload("mod.pdf", io.BytesIO(pdf_samples.VALID)))
        with pytest.raises(ActInvalid, match="autor"):
            apply_act(db_session, plan_id=cast.plan.id, command=command, actor=cast.corporacion,
                      role=Role.CORPORACION, expected_version=None, today=date(2028, 5, 3))
        assert counts(db_session, app)[:3] == before[:3]
    finally:
        app.config["EVIDENCE_STORE"] = "local"


def test_large_documents_are_stored_in_chunks_and_streamed_back(db_session, app):
    from workflow_app.services.route.documents import document_chunks, store_document

    app.config["EVIDENCE_STORE"] = "postgres"
    try:
        plan = make_plan(db_session, "63302")
        padding = pdf_samples.stream(b"%" * (2_600_000))  # a big uncompressed stream: three 1 MB chunks
        data = pdf_samples.one_page(more=[padding])
        doc = store_document(db_session, plan_id=plan.id, kind="public_draft", title="Borrador",
                             upload=Upload("b.pdf", io.BytesIO(data)), uploaded_by_id=None)
        db_session.commit()
        assert db_session.scalar(select(func.count()).select_from(DocumentChunk)) == 3
        parts = list(document_chunks(db_session, doc))
        assert len(parts) == 3 and b"".join(parts) == data
        assert hashlib.sha256(b"".join(parts)).hexdigest() == doc.sha256
    finally:
        app.config["EVIDENCE_STORE"] = "local"


def test_move_documents_between_stores_and_back(db_session, app):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "submitted_to_ctp")  # five acts, five local documents
    docs = db_session.scalars(select(Document)).all()
    assert docs and all(d.store == "local" for d in docs)
    folder = Path(app.config["UPLOAD_DIR"])
    runner = app.test_cli_runner()
    moved = runner.invoke(args=["pdt", "move-documents", "--to", "postgres"])
    assert moved.exit_code == 0 and f"«postgres»: {len(docs)}" in moved.output, moved.output
    db_session.expire_all()
    assert all(d.store == "postgres" for d in db_session.scalars(select(Document)))
    assert not any((folder / d.storage_name).exists() for d in docs)
    again = runner.invoke(args=["pdt", "move-documents", "--to", "postgres"])
    assert f"ya estaban allí: {len(docs)}" in again.output
    back = runner.invoke(args=["pdt", "move-documents", "--to", "local"])
    assert back.exit_code == 0, back.output
    assert db_session.scalar(select(func.count()).select_from(DocumentChunk)) == 0
    for d in docs:
        assert hashlib.sha256((folder / d.storage_name).read_bytes()).hexdigest() == d.sha256


def test_pdf_check_reports_its_work(bomb):
    from workflow_app.infra.files.pdf_check import UnsafePdf, check_pdf

    facts = check_pdf(pdf_samples.VALID)
    assert facts.pages == 1 and facts.objects == 5
    with pytest.raises(UnsafePdf, match="100 MB"):
        check_pdf(bomb)
    with pytest.raises(UnsafePdf, match="no tiene páginas|dañada"):
        check_pdf(pdf_samples.build([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]))
