"""The expediente's documents open and correct as the plan page's do, so the plan page can show only the latest
eight and send the reader to the expedientes for the rest (a plan's four years of documents made it heavier with
every act)."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.workflow_app.test_document_versions import doc_of, post_correction
from tests.workflow_app.test_web_plans import demo, plan_of, sign_in  # noqa: F401 (fixtures)
from workflow_app.models import Document


def documents_part(html: str) -> str:
    section = html[html.index('id="h-docs"'):]
    return section[:section.index("</section>")]


def downloads_in(html: str, plan_id: int) -> set[int]:
    return {int(n) for n in re.findall(rf'href="/planes/{plan_id}/documentos/(\d+)"', documents_part(html))}


def corrections_in(html: str, plan_id: int) -> set[int]:
    return {int(n) for n in re.findall(rf'href="/planes/{plan_id}/documentos/(\d+)/correccion"',
                                       documents_part(html))}


def test_the_expediente_downloads_every_document_and_offers_corrections_to_who_filed_it(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    ids = set(db_session.scalars(select(Document.id).where(Document.plan_id == genova.id)))
    consolidated = doc_of(db_session, genova, "consolidate")  # filed by the planning office
    assert len(ids) > 1 and consolidated.id in ids

    sign_in(client, demo, "planeacion.genova")
    dossier = client.get(f"/planes/{genova.id}/expediente").get_data(as_text=True)
    assert downloads_in(dossier, genova.id) == ids
    plan_page = client.get(f"/planes/{genova.id}").get_data(as_text=True)
    # The same "Corregir" links as the plan page's for the same reader
    assert consolidated.id in corrections_in(dossier, genova.id)
    assert corrections_in(dossier, genova.id) == corrections_in(plan_page, genova.id)
    downloaded = client.get(f"/planes/{genova.id}/documentos/{consolidated.id}")
    assert downloaded.status_code == 200 and downloaded.mimetype == "application/pdf"

    assert post_correction(client, genova, consolidated).status_code == 302
    new = doc_of(db_session, genova, "consolidate")
    dossier = client.get(f"/planes/{genova.id}/expediente").get_data(as_text=True)
    row = lambda doc_id: re.search(rf'<tr id="documento-{doc_id}">.*?</tr>', dossier, re.S).group(0)  # noqa: E731
    assert "Reemplazada por una versión corregida" in row(consolidated.id) and "/correccion" not in row(consolidated.id)
    assert "Corrige la versión anterior: La fecha del acta" in row(new.id) and "/correccion" in row(new.id)

    # The CTP reads and downloads every document of the plan, and corrects none it did not file
    ctp = sign_in(client.application.test_client(), demo, "ctp.genova")
    dossier = ctp.get(f"/planes/{genova.id}/expediente").get_data(as_text=True)
    assert downloads_in(dossier, genova.id) == ids | {new.id}
    assert new.id not in corrections_in(dossier, genova.id)


def test_the_plan_page_shows_the_latest_eight_documents_and_links_the_expedientes_for_the_rest(
        client, demo, db_session):  # noqa: F811
    filandia = plan_of(db_session, "63272")  # in force, its Phase II walked: dozens of documents
    ids = set(db_session.scalars(select(Document.id).where(Document.plan_id == filandia.id)))
    assert filandia.state == "in_force" and len(ids) > 8
    sign_in(client, demo, "planeacion.filandia")
    page = client.get(f"/planes/{filandia.id}").get_data(as_text=True)
    shown = downloads_in(page, filandia.id)
    assert shown == set(sorted(ids)[-8:])  # the eight latest, and only them
    part = documents_part(page)
    assert "<details" not in part and f"Se muestran los 8 documentos más recientes de {len(ids)}" in part
    assert f'href="/planes/{filandia.id}/expediente#h-docs"' in part
    assert f'href="/planes/{filandia.id}/expediente/fase-2#h-docs"' in part
    # Every one of the others downloads from one of the two expedientes
    route = client.get(f"/planes/{filandia.id}/expediente").get_data(as_text=True)
    phase2 = client.get(f"/planes/{filandia.id}/expediente/fase-2").get_data(as_text=True)
    assert downloads_in(route, filandia.id) | downloads_in(phase2, filandia.id) == ids
    assert not downloads_in(route, filandia.id) & downloads_in(phase2, filandia.id)


def test_a_plan_with_few_documents_shows_them_all_without_a_link(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    ids = set(db_session.scalars(select(Document.id).where(Document.plan_id == genova.id)))
    assert 0 < len(ids) <= 8
    sign_in(client, demo, "planeacion.genova")
    page = client.get(f"/planes/{genova.id}").get_data(as_text=True)
    assert downloads_in(page, genova.id) == ids and "documentos anteriores" not in documents_part(page)
