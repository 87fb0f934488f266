"""CSV and XLSX downloads read back; the printable expediente."""
import csv
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from state_machines.core.roles import Role
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


def read_csv(response, delimiter=","):
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "CSV sin BOM: Excel leería mal las tildes"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


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
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset said once
    assert filename_of(response) == "tablero-2028-2031-63-2028-04-25.csv"  # issue 18: names its period
    rows = read_csv(response)
    header, data = rows[0], rows[1:]
    assert header[:4] == ["Código DANE", "Entidad", "Departamento", "Región"]
    by_code = {r[0]: dict(zip(header, r)) for r in data}
    assert set(by_code) == {"63", "63302"}  # same order and filters as the page: at risk first
    assert [r[0] for r in data] == ["63", "63302"]
    genova_row = by_code["63302"]
    assert genova_row["Entidad"] == "Génova (Quindío)" and genova_row["Estado"].startswith("En ajuste")
    assert genova_row["Departamento"] == "Quindío" and genova_row["Estado (código)"] == "adjusting"
    # CRQ never answered: its concept (15 business days from 29 Feb) is the oldest pending step.
    assert genova_row["Próximo plazo (actuar a más tardar)"] == "2028-03-22"
    assert genova_row["Próximo paso"] == "Remitir el concepto técnico de la autoridad ambiental (CRQ)"
    assert genova_row["Holgura (días hábiles)"] == "-22"  # Holy Thursday and Good Friday (13-14 Apr) do not count
    assert genova_row["Pasos vencidos"] == "Remitir el concepto técnico de la autoridad ambiental (CRQ)"
    assert genova_row["Número de pasos vencidos"] == "1"  # the board's figure, 0 where none
    assert genova_row["Espera: Alcaldía o gobernación (días hábiles)"] == str(1 + 4 + 36 + 5 + 14)
    assert genova_row["Espera: Autoridad ambiental (CAR) (días hábiles)"] == "23"
    assert by_code["63"]["Riesgo"] == "Pasos vencidos" and by_code["63"]["Riesgo (código)"] == "vencido"
    assert client.get("/tablero.csv?riesgo=al_dia").get_data().decode("utf-8-sig").count("\r\n") == 1
    codes = {"adjusting", "drafting", "vencido", "submitted_to_consejo_de_gobierno", "pdt_approval"}
    assert not codes & {cell for row in data for cell in row[:len(header) - 2]}, "códigos internos en columnas humanas"


def test_board_csv_for_excel_uses_semicolons_decimal_commas_and_day_first_dates(client, db_session, genova):
    login(client, genova.planeacion.email, PASSWORD)
    response = client.get("/tablero-para-excel.csv")
    assert response.status_code == 200 and filename_of(response) == "tablero-2028-2031-2028-04-25-excel.csv"
    body = response.get_data().decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Código DANE;Entidad;Departamento;Región;Estado;Avance en hitos (%)")
    header, row = read_csv(response, delimiter=";")
    genova_row = dict(zip(header, row))
    assert genova_row["Entidad"] == "Génova (Quindío)" and genova_row["Estado"].startswith("En ajuste")
    assert genova_row["Próximo plazo (actuar a más tardar)"] == "22/03/2028"
    assert genova_row["Holgura (días hábiles)"] == "-22"
    assert re.fullmatch(r"\d+(,\d+)?", genova_row["Avance en hitos (%)"]), genova_row["Avance en hitos (%)"]
    standard = dict(zip(*read_csv(client.get("/tablero.csv"))))
    assert genova_row["Avance en hitos (%)"] == standard["Avance en hitos (%)"].replace(".", ",")
    if "." in standard["Avance en hitos (%)"]:
        assert "," in genova_row["Avance en hitos (%)"]


def test_csv_for_excel_writes_decimal_commas_and_keeps_cells_with_semicolons_whole():
    from workflow_app.services.monitoring.exports import EXCEL, to_csv

    text = to_csv(["Nombre", "Avance", "Fecha"], [["Génova; Quindío", 37.5, date(2028, 3, 22)]], EXCEL)
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Nombre", "Avance", "Fecha"], ["Génova; Quindío", "37,5", "22/03/2028"]]


def test_board_xlsx_opens_with_real_dates(client, db_session, genova):
    login(client, genova.planeacion.email, PASSWORD)
    response = client.get("/tablero.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert filename_of(response) == "tablero-2028-2031-2028-04-25.xlsx"
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[1] == "Entidad" and len(rows) == 2  # planeación of Génova follows one plan
    row = dict(zip(header, rows[1]))
    assert row["Código DANE"] == "63302" and row["Entidad"] == "Génova (Quindío)"
    assert row["Estado"].startswith("En ajuste") and row["Estado (código)"] == "adjusting"
    assert row["Próximo plazo (actuar a más tardar)"] == datetime(2028, 3, 22) and row["Holgura (días hábiles)"] == -22
    date_column = header.index("Próximo plazo (actuar a más tardar)") + 1
    assert sheet.cell(row=2, column=date_column).number_format == "dd/mm/yyyy"
    assert sheet.freeze_panes == "A2" and sheet.cell(row=1, column=1).font.b
    widths = {h: sheet.column_dimensions[get_column_letter(i)].width for i, h in enumerate(header, start=1)}
    assert len(set(widths.values())) > 3, widths  # not every column 13 wide
    assert widths["Entidad"] >= len("Génova (Quindío)") and widths["Código DANE"] >= len("Código DANE")
    assert widths["Próximo paso"] >= len("Remitir el concepto técnico de la autoridad ambiental (CRQ)")
    assert widths["Código DANE"] < widths["Próximo paso"] <= 60


def test_plan_history_csv_and_xlsx_list_every_act(client, db_session, genova):
    login(client, genova.ejecutivo.email, PASSWORD)
    events = db_session.scalar(select(func.count()).select_from(PlanEvent).filter_by(plan_id=genova.plan.id))
    response = client.get(f"/planes/{genova.plan.id}/historial.csv")
    assert filename_of(response) == "historial-63302-genova-2028-2031.csv"
    rows = read_csv(response)
    assert len(rows) == events + 1
    first = dict(zip(rows[0], rows[1]))
    assert first["Fecha del acto"] == "2028-01-03" and first["Acto"] == "Registrar la posesión del alcalde o gobernador"
    assert first["Trámite"] == "Ruta del plan" and first["Trámite (código)"] == "pdt_approval"
    assert first["Estado anterior"] == "Electo, sin posesión" and first["Estado nuevo"] == "Alcalde o gobernador posesionado"
    assert first["Quién"] == genova.ejecutivo.name and first["Norma"] == "L152 art. 39"
    assert re.fullmatch(r"[0-9a-f]{64}", first["Hash SHA-256"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", first["Registrado (hora de Bogotá)"])
    human = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert all("_" not in r["Trámite"] + r["Acto"] + r["Estado nuevo"] + r["Rol"] for r in human)
    excel = read_csv(client.get(f"/planes/{genova.plan.id}/historial-para-excel.csv"), delimiter=";")
    assert excel[0] == rows[0] and len(excel) == events + 1
    assert dict(zip(excel[0], excel[1]))["Fecha del acto"] == "03/01/2028"
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}", dict(zip(excel[0], excel[1]))["Registrado (hora de Bogotá)"])
    book = load_workbook(io.BytesIO(client.get(f"/planes/{genova.plan.id}/historial.xlsx").get_data()))
    sheet_rows = list(book.active.iter_rows(values_only=True))
    assert len(sheet_rows) == events + 1 and sheet_rows[1][1] == datetime(2028, 1, 3)
    assert book.active.column_dimensions["N"].width > book.active.column_dimensions["A"].width  # hash vs N.º


def test_foreign_history_export_is_hidden(client, db_session, genova):
    other = make_plan(db_session, "70")
    login(client, genova.ejecutivo.email, PASSWORD)
    assert client.get(f"/planes/{other.id}/historial.csv").status_code == 404
    assert client.get(f"/planes/{other.id}/expediente").status_code == 404


def test_csv_cells_that_look_like_formulas_are_neutralised():
    from workflow_app.services.monitoring.exports import to_csv

    text = to_csv(["a", "b"], [["=HYPERLINK(\"x\")", -3], ["+57 300", date(2028, 1, 3)]]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'=HYPERLINK(\"x\")", "-3"] and rows[2] == ["'+57 300", "2028-01-03"]


def test_a_standard_csv_opened_by_excel_in_colombia_on_semicolons_shows_no_formula():
    """Excel with Colombia's regional settings splits on «;»: «Acta 9;=cmd|…» gave a cell «=cmd|…» (QA, trust
    lens); no quoting helps a field that does not start the line. A piece after «;» that starts as a formula starts
    with «'», as a field does."""
    from workflow_app.services.monitoring.exports import to_csv

    text = to_csv(["referencia", "notas"], [["Acta 9;=cmd|' /C calc'!A0", "Sin novedad;=1+1;@SUM(2+2)"]]
                  ).decode("utf-8-sig")
    as_excel_reads_it = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in as_excel_reads_it for cell in row)
    assert list(csv.reader(io.StringIO(text)))[1] == ["Acta 9;'=cmd|' /C calc'!A0", "Sin novedad;'=1+1;'@SUM(2+2)"]
    assert to_csv(["a"], [["Lote 3; 4 y 5"]]).decode("utf-8-sig").splitlines()[1] == "Lote 3; 4 y 5"  # untouched


def test_xlsx_cells_that_look_like_formulas_are_text_shown_as_written():
    import zipfile

    from openpyxl import load_workbook

    from workflow_app.services.monitoring.exports import to_xlsx

    body = to_xlsx(["a", "b"], [["=HYPERLINK(\"http://otro.example\",\"x\")", -3], ["- Se aprueba el plan", "+57 300"]],
                   "Prueba")
    sheet = load_workbook(io.BytesIO(body))["Prueba"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["=HYPERLINK(\"http://otro.example\",\"x\")", -3], ["- Se aprueba el plan", "+57 300"]]
    assert all(c.data_type in ("s", "n") for row in sheet.iter_rows(min_row=2) for c in row)
    xml = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere


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
