"""A plan adopted with no investment plan registered (QA 2028: the Gobernación del Quindío filed and adopted with
«Aún no se ha registrado el plan de inversiones»; its Phase II matrix had no lines, so no Plan Indicativo, POAI or
budget, and the adopted PPI could not be entered any more). The filing warns; once adopted, the planning office
transcribes the adopted act's investment plan once, with the act's PDF, written to the history (L152 art. 31)."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from state_machines.core.roles import Role
from tests.pdf_samples import VALID as PDF
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import Document, PlanEvent, PpiVersion

SHEET = ("programa;proyecto;año;fuente;valor\r\n"
         + "".join(f"Agua potable;Acueductos veredales;{y};SGP;100.000.000\r\n" for y in range(2028, 2032))
         + "".join(f"Vías;Placa huella;{y};Propios;50.000.000\r\n" for y in range(2028, 2032))).encode()


@pytest.fixture
def adopted_without_ppi(db_session, set_today):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    cast.plan.entity.fiscal_category = "6"
    db_session.commit()
    walk_to(cast, "in_force")  # the story files and adopts with no PPI registered
    cast.consejo = make_user(db_session, "consejo63302@prueba.co", Role.CONSEJO_DE_GOBIERNO, cast.plan.entity)
    set_today("2028-06-10")
    return cast


def _send(client, url, **fields):
    html = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "reference": "Acuerdo 007 del 15 de mayo de 2028",
            "sheet": (io.BytesIO(SHEET), "ppi.csv"), "evidence": (io.BytesIO(PDF), "acuerdo.pdf"), **fields}
    return client.post(url, data={k: v for k, v in data.items() if v is not None},
                       content_type="multipart/form-data")


def test_the_filing_form_warns_that_no_investment_plan_is_registered(client, db_session):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "adjusting")
    login(client, cast.ejecutivo.email, "clave-de-prueba")
    form = " ".join(client.get(f"/planes/{cast.plan.id}/actos/pdt_approval/-/file_with_corporacion")
                    .get_data(as_text=True).split())
    assert "el plan quedará con" in form and "Radicado sin plan de inversiones registrado" in form
    assert "L152 art. 31" in form


def test_planning_transcribes_the_adopted_ppi_once_and_phase2_gets_its_lines(client, adopted_without_ppi,
                                                                              db_session):
    cast = adopted_without_ppi
    pid = cast.plan.id
    assert "filed_without_ppi" in cast.plan.flags
    login(client, cast.planeacion.email, "clave-de-prueba")
    phase2 = " ".join(client.get(f"/planes/{pid}/fase-2").get_data(as_text=True).split())
    assert "El plan no tiene plan de inversiones adoptado registrado" in phase2
    page = " ".join(client.get(f"/planes/{pid}/ppi").get_data(as_text=True).split())
    assert "Este plan se adoptó sin plan de inversiones registrado" in page
    assert f'href="/planes/{pid}/ppi/transcribir"' in page and "quedó en firme" not in page

    url = f"/planes/{pid}/ppi/transcribir"
    r = _send(client, url, evidence=None, reference="")  # no PDF, no act: said by each field, nothing written
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and "Adjunte el PDF del acto adoptado" in body
    assert "Escriba el número y la fecha del acto adoptado" in body and 'href="#evidence"' in body
    bad = "programa;proyecto;año;fuente;valor\r\nAgua;Acueducto;2040;SGP;muchos\r\n".encode()
    r = _send(client, url, sheet=(io.BytesIO(bad), "ppi.csv"))
    assert r.status_code == 422 and "Fila 2" in r.get_data(as_text=True)
    assert db_session.scalar(select(PpiVersion.id).filter_by(plan_id=pid)) is None

    r = _send(client, url)
    assert r.status_code == 302, re.findall(r'field-error[^>]*>([^<]+)', r.get_data(as_text=True))
    version = db_session.scalar(select(PpiVersion).filter_by(plan_id=pid))
    assert (version.stage, version.source, len(version.items)) == ("adopted", "transcription", 8)
    assert "Acuerdo 007 del 15 de mayo de 2028" in version.note
    event = db_session.scalar(select(PlanEvent).filter_by(plan_id=pid, trigger="transcribe_adopted_ppi"))
    document = db_session.get(Document, event.evidence_ids[0])
    assert event.machine == "ppi" and event.legal_basis == "L152 arts. 31, 40" and event.row_hash
    assert document.is_public and document.kind == "ppi_transcription"
    db_session.refresh(cast.plan)
    assert "filed_without_ppi" not in cast.plan.flags and "ppi_transcribed" in cast.plan.flags

    shown = " ".join(client.get(f"/planes/{pid}/ppi").get_data(as_text=True).split())
    assert "Versión adoptada, transcrita del acto adoptado" in shown and "transcripción del acto adoptado" in shown
    history = " ".join(client.get(f"/planes/{pid}").get_data(as_text=True).split())
    assert "Transcribir el plan de inversiones del acto adoptado" in history
    assert "Plan de inversiones transcrito del acto adoptado después de la adopción" in history
    client.post(f"/planes/{pid}/actos/plan_indicativo/pi/prepare_pi",
                data={"csrf_token": csrf_from(history)})  # any answer: the matrix below is what matters
    matrix = client.get(f"/planes/{pid}/fase-2/plan-indicativo").get_data(as_text=True)
    assert "Acueductos veredales" in matrix and "no tiene un plan de inversiones adoptado" not in matrix
    public = " ".join(client.get("/publico/63302").get_data(as_text=True).split())
    assert "transcrito del acto adoptado el 10 de junio de 2028: no se registró antes de radicar" in public

    again = client.get(url)  # once: an existing version is never replaced
    assert again.status_code == 409 and "no se transcribe otro" in again.get_data(as_text=True)


def test_only_planning_transcribes(client, adopted_without_ppi):
    login(client, adopted_without_ppi.ejecutivo.email, "clave-de-prueba")
    assert client.get(f"/planes/{adopted_without_ppi.plan.id}/ppi/transcribir").status_code == 403
    page = client.get(f"/planes/{adopted_without_ppi.plan.id}/ppi").get_data(as_text=True)
    assert "La secretaría de planeación puede transcribir" in page and "/ppi/transcribir" not in page
