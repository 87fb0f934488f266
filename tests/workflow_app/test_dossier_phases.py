"""The expediente of a plan in force: the approval route in the expediente, Phase II in its own (issue 21 made the
plan's case file grow year after year; one page of every act of four years weighed over 100 KB on a phone). A
document goes where the act that carries it goes, and a correction where the document it corrects goes."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from tests import pdf_samples
from tests.workflow_app.helpers import login
from tests.workflow_app.story import Cast, make_plan, walk_to
from tests.workflow_app.test_document_versions import post_correction
from workflow_app.models import Document

PASSWORD = "clave-de-prueba"
CORRECTED = pdf_samples.one_page("Plan Indicativo: acta corregida")


def documents_in(html: str) -> int:
    """Rows of the documents table (each row is named by its document)."""
    section = html[html.index('id="h-docs"'):]
    return section[:section.index("</section>")].count('<tr id="documento-')


def test_the_expediente_keeps_the_route_and_phase2_has_its_own(client, db_session, set_today):
    set_today("2028-06-10")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "in_force")
    login(client, cast.planeacion.email, PASSWORD)
    plan = cast.plan.id
    route = client.get(f"/planes/{plan}/expediente").get_data(as_text=True)
    assert "Fase II" not in route and "Registrar la posesión" in route  # no Phase II act yet
    route_documents = documents_in(route)
    assert "La Fase II aún no tiene actos registrados." in client.get(f"/planes/{plan}/expediente/fase-2").get_data(
        as_text=True)

    cast.act("planeacion", "prepare_pi", "2028-06-01", machine="plan_indicativo", subject="pi")
    first = db_session.scalar(select(Document).where(Document.plan_id == plan, Document.kind == "prepare_pi"))
    assert first is not None
    route = client.get(f"/planes/{plan}/expediente").get_data(as_text=True)
    phase2 = client.get(f"/planes/{plan}/expediente/fase-2").get_data(as_text=True)
    assert "Registrar la posesión" in route and "Iniciar la preparación del Plan Indicativo" not in route
    assert "1 acto y 1 documento" in route and f'href="/planes/{plan}/expediente/fase-2"' in route
    assert documents_in(route) == route_documents  # the route's documents, and only them
    assert "Iniciar la preparación del Plan Indicativo" in phase2 and "Registrar la posesión" not in phase2
    assert documents_in(phase2) == 1
    # The procedure by its title, not its key, there and on the plan page
    for page in (phase2, client.get(f"/planes/{plan}").get_data(as_text=True)):
        assert "Iniciar la preparación del Plan Indicativo · Plan Indicativo" in page and " · pi<" not in page

    assert post_correction(client, cast.plan, first, data=CORRECTED).status_code == 302
    corrected = hashlib.sha256(CORRECTED).hexdigest()
    route = client.get(f"/planes/{plan}/expediente").get_data(as_text=True)
    phase2 = client.get(f"/planes/{plan}/expediente/fase-2").get_data(as_text=True)
    assert corrected in phase2 and corrected not in route  # with the document it corrects
    assert documents_in(phase2) == 2 and documents_in(route) == route_documents
    assert "1 acto y 2 documentos" in route


def test_the_phase2_expediente_is_only_for_who_may_read_the_plan(app, client, db_session, set_today):
    set_today("2028-06-10")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "in_force")
    other = Cast(db_session, make_plan(db_session, "63272"))
    login(client, other.planeacion.email, PASSWORD)
    assert client.get(f"/planes/{cast.plan.id}/expediente/fase-2").status_code == 404
    anonymous = app.test_client().get(f"/planes/{cast.plan.id}/expediente/fase-2")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
