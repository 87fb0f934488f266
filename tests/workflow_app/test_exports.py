"""CSV and XLSX downloads read back; the printable expediente."""
import csv
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from state_machines.roles import Role
from tests.workflow_app.helpers import login
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import Document, PlanEvent

PASSWORD = "clave-de-prueba"


@pytest.fixture
def genova(db_session, set_today):
    set_today("2028-04-25")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "adjusting")
    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "drafting")
    return cast


def read_csv(response):
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "CSV sin BOM: Excel leería mal las tildes"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def filename_of(response):
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    name = re.search(r'filename="([^"]+)"', disposition).group(1)
    assert re.fullmatch(r"[a-z0-9-]+\.(csv|xlsx)", name), name
    return name


def test_board_csv_reads_back_with_accents_iso_dates_and_the_same_filters(client, db_session, genova):
    admin = make_user(db_session, "admin@prueba.co", Role.ADMIN)
    login(client, admin.email, PASSWORD)
    response = client.get("/tablero.csv?departamento=63")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert filename_of(response) == "tablero-63-2028-04-25.csv"
    rows = read_csv(response)
    header, data = rows[0], rows[1:]
    assert header[:4] == ["Código DANE", "Entidad", "Departamento", "Región"]
    by_code = {r[0]: dict(zip(header, r)) for r in data}
    assert set(by_code) == {"63", "63302"}  # same order and filters as the page: at risk first
    assert [r[0] for r in data] == ["63", "63302"]
    genova_row = by_code["63302"]
    assert genova_row["Entidad"] == "Génova (Quindío)" and genova_row["Estado"].startswith("En ajuste")
    # CRQ never answered: its concept (15 business days from 29 Feb) is the oldest pending step.
    assert genova_row["Próximo plazo (actuar a más tardar)"] == "2028-03-22"
    assert genova_row["Paso"] == "Emitir el concepto técnico de la autoridad ambiental (CRQ)"
    assert genova_row["Holgura (días hábiles)"] == "-22"  # Holy Thursday and Good Friday (13-14 Apr) do not count
    assert genova_row["Pasos vencidos"] == "Emitir el concepto técnico de la autoridad ambiental (CRQ)"
    assert genova_row["Espera: Alcaldía o gobernación (días hábiles)"] == str(1 + 4 + 36 + 5 + 14)
    assert genova_row["Espera: Autoridad ambiental (CAR) (días hábiles)"] == "23"
    assert by_code["63"]["Riesgo"] == "Pasos vencidos"
    assert client.get("/tablero.csv?riesgo=al_dia").get_data().decode("utf-8-sig").count("\r\n") == 1


def test_board_xlsx_opens_with_real_dates(client, db_session, genova):
    login(client, genova.planeacion.email, PASSWORD)
    response = client.get("/tablero.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert filename_of(response) == "tablero-2028-04-25.xlsx"
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Entidad" and len(rows) == 2  # planeación of Génova follows one plan
    assert rows[1][0] == "63302" and rows[1][1] == "Génova (Quindío)"
    assert rows[1][7] == datetime(2028, 3, 22) and rows[1][9] == -22
    assert sheet.cell(row=2, column=8).number_format == "yyyy-mm-dd"


def test_plan_history_csv_and_xlsx_list_every_act(client, db_session, genova):
    login(client, genova.ejecutivo.email, PASSWORD)
    events = db_session.scalar(select(func.count()).select_from(PlanEvent).filter_by(plan_id=genova.plan.id))
    response = client.get(f"/planes/{genova.plan.id}/historial.csv")
    assert filename_of(response) == "historial-63302-genova-2028-2031.csv"
    rows = read_csv(response)
    assert len(rows) == events + 1
    first = dict(zip(rows[0], rows[1]))
    assert first["Fecha del acto"] == "2028-01-03" and first["Acto"] == "Registrar la posesión del alcalde o gobernador"
    assert first["Quién"] == genova.ejecutivo.name and first["Norma"] == "L152 art. 39"
    assert re.fullmatch(r"[0-9a-f]{64}", first["Hash SHA-256"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", first["Registrado (Bogotá)"])
    book = load_workbook(io.BytesIO(client.get(f"/planes/{genova.plan.id}/historial.xlsx").get_data()))
    sheet_rows = list(book.active.iter_rows(values_only=True))
    assert len(sheet_rows) == events + 1 and sheet_rows[1][1] == datetime(2028, 1, 3)


def test_foreign_history_export_is_hidden(client, db_session, genova):
    other = make_plan(db_session, "70")
    login(client, genova.ejecutivo.email, PASSWORD)
    assert client.get(f"/planes/{other.id}/historial.csv").status_code == 404
    assert client.get(f"/planes/{other.id}/expediente").status_code == 404


def test_csv_cells_that_look_like_formulas_are_neutralised():
    from workflow_app.services.exports import to_csv

    text = to_csv(["a", "b"], [["=HYPERLINK(\"x\")", -3], ["+57 300", date(2028, 1, 3)]]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'=HYPERLINK(\"x\")", "-3"] and rows[2] == ["'+57 300", "2028-01-03"]


def test_expediente_has_history_calendar_with_explanations_and_document_hashes(client, db_session, genova):
    login(client, genova.planeacion.email, PASSWORD)
    response = client.get(f"/planes/{genova.plan.id}/expediente")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    docs = db_session.scalars(select(Document).filter_by(plan_id=genova.plan.id)).all()
    assert docs and all(doc.sha256 in html for doc in docs)
    assert "Calendario legal" in html and "dentro de los primeros cuatro meses del período" in html
    assert "Registrar la posesión del alcalde" in html and "3 de enero de 2028" in html
    assert "2028-01-03" not in html  # dates in words, never ISO (issue 13)
    assert genova.plan.history_head in html
    assert 'href="/tablero/print.css"' in html and " style=" not in html and "<script" not in html
    css = client.get("/tablero/print.css")
    assert css.mimetype == "text/css" and "@media print" in css.get_data(as_text=True)
