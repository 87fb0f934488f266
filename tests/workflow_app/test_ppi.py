"""The investment plan (PPI): typed entry and CSV/XLSX import read back, all-or-nothing imports, versions."""
import io
import re

import pytest
from sqlalchemy import func, select

from state_machines.core.roles import Role
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import make_plan, make_user
from workflow_app.models import PpiItem, PpiVersion
from workflow_app.services.route.ppi import (
    PpiRejected,
    parse_amount,
    plan_years,
    ppi_version,
    read_sheet,
    summarize,
    validate_rows,
)

CSV_OK = ("Programa;Proyecto;AÑO;Fuente;Valor\n"
          "Agua potable;Acueducto veredal;2028;SGP Agua potable;1.250.000\n"
          "Agua potable;Acueducto veredal;2029;SGP Agua potable;1300000\n"
          "Vías;Placa huella;2030;Recursos propios;$ 2.000.000\n")


@pytest.fixture
def team(db_session):
    plan = make_plan(db_session, "63302")
    people = {
        "planeacion": make_user(db_session, "planeacion@prueba.co", Role.PLANEACION, plan.entity),
        "equipo": make_user(db_session, "equipo@prueba.co", Role.EQUIPO, plan.entity),
        "ctp": make_user(db_session, "ctp@prueba.co", Role.CTP, plan.entity),
    }
    return plan, people


def sign_in(client, email):
    assert login(client, email, "clave-de-prueba").status_code == 302
    return client


def versions(session):
    return session.scalar(select(func.count()).select_from(PpiVersion))


def items(session):
    return session.scalar(select(func.count()).select_from(PpiItem))


def xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, plan, name, data, note=""):
    page = client.get(f"/planes/{plan.id}/ppi/importar")
    return client.post(f"/planes/{plan.id}/ppi/importar", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "note": note,
        "sheet": (io.BytesIO(data), name)}, content_type="multipart/form-data")


# --- the rules, without the web --------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, pesos", [("1.234.567", 1234567), ("1234567", 1234567), ("$ 1.000", 1000),
                                        (0, 0), (2500000.0, 2500000), ("0", 0),
                                        # as a spreadsheet in Spanish shows whole pesos: with zero cents
                                        ("$ 1.234.567,00", 1234567), ("450000000,00", 450000000),
                                        ("1234567.0", 1234567), ("1.000,00", 1000)])
def test_amounts_are_whole_pesos_with_or_without_thousands_dots(raw, pesos):
    assert parse_amount(raw) == pesos


@pytest.mark.parametrize("raw", ["-5", "1.234,50", "12.5", "1,234,567", "mil", 10.5, "1.23.4", "1.234.567,50",
                                 "1.234.56,00", ",00"])
def test_amounts_that_are_not_whole_non_negative_pesos_are_refused(raw):
    with pytest.raises(ValueError):
        parse_amount(raw)


def test_headers_are_matched_without_case_or_accents(app):
    rows = read_sheet("ppi.csv", "PROGRAMA,proyecto,Ano,FUENTE,valor\nA,B,2028,C,1\n".encode())
    assert rows == [(2, {"program": "A", "project": "B", "year": "2028", "funding_source": "C", "amount": "1"})]


def test_every_wrong_row_is_named_with_its_column(db_session):
    plan = make_plan(db_session, "63302")
    rows = read_sheet("ppi.csv", ("programa;proyecto;año;fuente;valor\n"
                                  "A;B;2028;C;100\n"
                                  ";B;2027;C;-4\n"
                                  "A;B;2029;;1,5\n").encode())
    with pytest.raises(PpiRejected) as refused:
        validate_rows(rows, plan_years(plan))
    messages = [str(e) for e in refused.value.errors]
    assert "Fila 3, columna «programa»: es obligatorio" in messages
    assert any(m.startswith("Fila 3, columna «año»: 2027 está fuera del período del plan (2028–2031)") for m in messages)
    assert any(m.startswith("Fila 3, columna «valor»: no puede ser negativo") for m in messages)
    assert "Fila 4, columna «fuente»: es obligatorio" in messages
    assert any(m.startswith("Fila 4, columna «valor»") for m in messages)
    assert not any(m.startswith("Fila 2") for m in messages)


def test_missing_columns_are_reported_by_name(app):
    with pytest.raises(PpiRejected) as refused:
        read_sheet("ppi.csv", b"programa,proyecto,valor\nA,B,1\n")
    assert "Faltan columnas en el encabezado: año, fuente" in str(refused.value.errors[0])


# --- through the pages -----------------------------------------------------------------------------------------

def test_team_types_lines_and_reads_them_back_with_totals(client, team, db_session):
    plan, people = team
    sign_in(client, people["equipo"].email)
    page = client.get(f"/planes/{plan.id}/ppi/editar").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "based_on": "", "accion": "guardar", "note": "Primera versión"}
    lines = [("Agua potable", "Acueducto veredal", "2028", "SGP Agua potable", "1.250.000"),
             ("Agua potable", "Acueducto veredal", "2029", "Recursos propios", "750000"),
             ("Vías", "Placa huella", "2028", "SGP Agua potable", "500.000")]
    for n, line in enumerate(lines):
        for key, value in zip(("program", "project", "year", "funding_source", "amount"), line):
            data[f"rows-{n}-{key}"] = value
    data["rows-3-program"] = ""  # a blank line is ignored
    response = client.post(f"/planes/{plan.id}/ppi/editar", data=data)
    assert response.status_code == 302

    version = ppi_version(db_session, plan)
    assert version.version == 1 and version.source == "form" and version.created_by_id == people["equipo"].id
    summary = summarize(version)
    assert summary.by_year == {2028: 1_750_000, 2029: 750_000}
    assert summary.by_source == {"Recursos propios": 750_000, "SGP Agua potable": 1_750_000}
    shown = client.get(f"/planes/{plan.id}/ppi").get_data(as_text=True)
    assert "Acueducto veredal" in shown and "$\u00a02.500.000" in shown and "Total por fuente de financiación" in shown
    assert '<th scope="col" class="num">2028</th>' in shown


def test_control_characters_pasted_or_crafted_into_a_form_are_cleaned_on_either_database(client, team, db_session):
    """A NUL in a program's name was a generic 400 on PostgreSQL (what was typed lost) and stored as is on SQLite;
    Word's manual line break (a vertical tab) pasted into a note is a line break (infra.clean_input)."""
    plan, people = team
    sign_in(client, people["equipo"].email)
    page = client.get(f"/planes/{plan.id}/ppi/editar").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "based_on": "", "accion": "guardar",
            "note": "Versión para el CTP\x0bcon los ajustes\x00 de la mesa", "rows-0-program": "Agua\x00 potable\x1b",
            "rows-0-project": "Acueducto\x7f veredal", "rows-0-year": "2028", "rows-0-funding_source": "SGP",
            "rows-0-amount": "1.000.000"}
    assert client.post(f"/planes/{plan.id}/ppi/editar", data=data).status_code == 302
    version = ppi_version(db_session, plan)
    assert [(i.program, i.project) for i in version.items] == [("Agua potable", "Acueducto veredal")]
    assert version.note == "Versión para el CTP\ncon los ajustes de la mesa"



def test_csv_import_reads_back_every_row(client, team, db_session):
    plan, people = team
    sign_in(client, people["planeacion"].email)
    response = upload(client, plan, "ppi.csv", CSV_OK.encode("cp1252"))  # Excel's CSV in Spanish
    assert response.status_code == 302
    version = ppi_version(db_session, plan)
    assert version.source == "csv"
    assert [(i.program, i.project, i.year, i.funding_source, i.amount) for i in version.items] == [
        ("Agua potable", "Acueducto veredal", 2028, "SGP Agua potable", 1_250_000),
        ("Agua potable", "Acueducto veredal", 2029, "SGP Agua potable", 1_300_000),
        ("Vías", "Placa huella", 2030, "Recursos propios", 2_000_000)]


def test_xlsx_import_reads_back_numbers_and_text(client, team, db_session):
    plan, people = team
    sign_in(client, people["equipo"].email)
    data = xlsx([["Programa", "Proyecto", "Año", "Fuente de financiación", "Valor"],
                 ["Salud", "Puesto de salud rural", 2028, "SGP Salud", 3_000_000],
                 [None, None, None, None, None],
                 ["Salud", "Puesto de salud rural", "2029", "SGP Salud", "3.100.000"]])
    assert upload(client, plan, "kpt.xlsx", data).status_code == 302
    version = ppi_version(db_session, plan)
    assert version.source == "xlsx"
    assert [(i.year, i.amount) for i in version.items] == [(2028, 3_000_000), (2029, 3_100_000)]


def test_import_with_a_bad_row_changes_nothing_and_names_row_and_column(client, team, db_session):
    plan, people = team
    sign_in(client, people["planeacion"].email)
    assert upload(client, plan, "ppi.csv", CSV_OK.encode()).status_code == 302
    before = (versions(db_session), items(db_session))
    bad = xlsx([["programa", "proyecto", "año", "fuente", "valor"],
                ["Salud", "Puesto", 2028, "SGP", 100],
                ["Salud", "Puesto", 2035, "SGP", 100],
                ["Salud", "", 2029, "SGP", "cien"]])
    response = upload(client, plan, "malo.xlsx", bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "No se importó nada" in page
    assert "Fila 3, columna «año»: 2035 está fuera del período del plan" in page
    assert "Fila 4, columna «proyecto»: es obligatorio" in page
    assert "Fila 4, columna «valor»" in page
    assert (versions(db_session), items(db_session)) == before
    assert ppi_version(db_session, plan).version == 1


def test_imports_have_size_and_format_limits(client, team, db_session):
    plan, people = team
    sign_in(client, people["planeacion"].email)
    too_big = b"programa,proyecto,a\xc3\xb1o,fuente,valor\n" + b"A,B,2028,C,1\n" * 200_000
    assert upload(client, plan, "grande.csv", too_big).status_code == 422
    assert "supera 2 MB" in upload(client, plan, "grande.csv", too_big).get_data(as_text=True)
    not_excel = upload(client, plan, "viejo.xls", b"\xd0\xcf\x11\xe0binario")
    assert not_excel.status_code == 422 and "no es un libro de Excel" in not_excel.get_data(as_text=True)
    assert versions(db_session) == 0


def test_each_save_is_a_new_version_and_earlier_ones_stay_readable(client, team, db_session):
    plan, people = team
    sign_in(client, people["planeacion"].email)
    upload(client, plan, "ppi.csv", CSV_OK.encode(), note="Para el CTP")
    upload(client, plan, "ppi.csv", CSV_OK.replace("1.250.000", "9.999.999").encode(), note="Tras el concepto")
    assert [v.version for v in db_session.scalars(select(PpiVersion).order_by(PpiVersion.version))] == [1, 2]
    assert ppi_version(db_session, plan).items[0].amount == 9_999_999
    assert ppi_version(db_session, plan, 1).items[0].amount == 1_250_000
    index = client.get(f"/planes/{plan.id}/ppi").get_data(as_text=True)
    assert "Versión 2" in index and f"/planes/{plan.id}/ppi/versiones/1" in index
    old = client.get(f"/planes/{plan.id}/ppi/versiones/1").get_data(as_text=True)
    assert "Versión anterior" in old and "$\u00a01.250.000" in old and "Para el CTP" in old
    assert client.get(f"/planes/{plan.id}/ppi/versiones/9").status_code == 404


def test_saving_over_a_version_saved_meanwhile_is_a_409(client, team, db_session):
    plan, people = team
    sign_in(client, people["planeacion"].email)
    upload(client, plan, "ppi.csv", CSV_OK.encode())
    page = client.get(f"/planes/{plan.id}/ppi/editar").get_data(as_text=True)
    upload(client, plan, "ppi.csv", CSV_OK.encode())  # someone else's save, meanwhile
    response = client.post(f"/planes/{plan.id}/ppi/editar", data={
        "csrf_token": csrf_from(page), "based_on": "1", "accion": "guardar", "rows-0-program": "A",
        "rows-0-project": "B", "rows-0-year": "2028", "rows-0-funding_source": "C", "rows-0-amount": "1"})
    assert response.status_code == 409 and "Otra persona guardó" in response.get_data(as_text=True)
    assert versions(db_session) == 2


def test_typed_rows_with_errors_are_marked_on_their_line(client, team, db_session):
    plan, people = team
    sign_in(client, people["planeacion"].email)
    page = client.get(f"/planes/{plan.id}/ppi/editar").get_data(as_text=True)
    response = client.post(f"/planes/{plan.id}/ppi/editar", data={
        "csrf_token": csrf_from(page), "based_on": "", "accion": "guardar",
        "rows-0-program": "A", "rows-0-project": "B", "rows-0-year": "2028", "rows-0-funding_source": "C",
        "rows-0-amount": "10", "rows-1-program": "A", "rows-1-year": "1999", "rows-1-amount": "-3"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Fila 2, columna «proyecto»: es obligatorio" in text and "Fila 2, columna «año»" in text
    assert 'aria-invalid="true"' in text
    assert versions(db_session) == 0


def test_the_editor_opens_on_a_summary_linking_each_cell_in_error(client, team, db_session):
    """Audit (WCAG 2.1 AA, 3.3.1): the editor's errors were a list tied to no cell, and a cell's error was tied to
    nothing. The page opens on the house's summary; «Fila 2, columna «año»» links to that cell, which is marked and
    described by its error; what was typed stays."""
    plan, people = team
    sign_in(client, people["planeacion"].email)
    page = client.get(f"/planes/{plan.id}/ppi/editar").get_data(as_text=True)
    assert f'action="/planes/{plan.id}/ppi/editar#errores"' in page
    response = client.post(f"/planes/{plan.id}/ppi/editar", data={
        "csrf_token": csrf_from(page), "based_on": "", "accion": "guardar",
        "rows-0-program": "A", "rows-0-project": "B", "rows-0-year": "2028", "rows-0-funding_source": "C",
        "rows-0-amount": "10", "rows-1-program": "Salud", "rows-1-year": "1999", "rows-1-amount": "-3"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = html.split('id="errores" tabindex="-1">')[1].split("</div>")[0]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert [anchor for anchor, _ in links] == ["rows-1-project", "rows-1-year", "rows-1-funding_source",
                                               "rows-1-amount"]
    assert links[0][1] == "Fila 2, columna «proyecto»: es obligatorio"
    for anchor, said in links:
        cell = re.search(rf'<input[^>]*id="{anchor}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in cell and f'aria-describedby="{anchor}-err"' in cell
        assert f'<span class="field-error" id="{anchor}-err">{said.split(": ", 1)[1]}</span>' in html
    assert "aria-invalid" not in re.search(r'<input[^>]*id="rows-1-program"[^>]*>', html).group(0)
    assert 'value="Salud"' in html and 'value="1999"' in html and 'value="-3"' in html
    assert versions(db_session) == 0


def test_a_refused_sheet_marks_the_file_input_and_lists_its_rows_in_the_summary(client, team, db_session):
    plan, people = team
    sign_in(client, people["planeacion"].email)
    bad = xlsx([["programa", "proyecto", "año", "fuente", "valor"], ["Salud", "", 2035, "SGP", 100]])
    html = upload(client, plan, "malo.xlsx", bad).get_data(as_text=True)
    summary = html.split('id="errores" tabindex="-1" autofocus>')[1].split("</div>")[0]
    assert '<a href="#sheet">Archivo CSV o XLSX</a>: El archivo tiene 2 errores' in summary
    assert "<li>Fila 2, columna «proyecto»: es obligatorio</li>" in summary
    sheet = re.search(r'<input[^>]*id="sheet"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in sheet and 'aria-describedby="sheet-err"' in sheet
    one = upload(client, plan, "viejo.xls", b"\xd0\xcf\x11\xe0binario").get_data(as_text=True)
    summary = one.split('id="errores" tabindex="-1" autofocus>')[1].split("</div>")[0]
    assert summary.count("no es un libro de Excel") == 1 and '<a href="#sheet">' in summary  # one problem, once


def test_only_planeacion_and_equipo_write_the_ppi(client, team, db_session):
    plan, people = team
    sign_in(client, people["ctp"].email)
    assert client.get(f"/planes/{plan.id}/ppi").status_code == 200
    assert client.get(f"/planes/{plan.id}/ppi/editar").status_code == 403
    assert client.get(f"/planes/{plan.id}/ppi/importar").status_code == 403


def test_foreign_plans_ppi_is_hidden(client, team, db_session):
    plan, _ = team
    other = make_plan(db_session, "63111")
    stranger = make_user(db_session, "otra@prueba.co", Role.PLANEACION, other.entity)
    sign_in(client, stranger.email)
    assert client.get(f"/planes/{plan.id}/ppi").status_code == 404
    assert client.get(f"/planes/{plan.id}/ppi/importar").status_code == 404


def test_the_administrator_reads_every_plans_ppi_as_its_plan_page_but_writes_none(client, team, db_session):
    """The plan page links «Plan plurianual de inversiones» for the DNP's administrator, who reads every plan: the
    link must open (it answered 404), read-only."""
    plan, people = team
    sign_in(client, people["planeacion"].email)
    upload(client, plan, "ppi.csv", CSV_OK.encode(), note="Para el CTP")
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    make_user(db_session, "admin@prueba.co", Role.ADMIN)
    sign_in(client, "admin@prueba.co")
    assert f'href="/planes/{plan.id}/ppi"' in client.get(f"/planes/{plan.id}").get_data(as_text=True)
    page = client.get(f"/planes/{plan.id}/ppi")
    assert page.status_code == 200 and "$\u00a01.250.000" in page.get_data(as_text=True)
    assert f"/planes/{plan.id}/ppi/editar" not in page.get_data(as_text=True)
    assert client.get(f"/planes/{plan.id}/ppi/versiones/1").status_code == 200
    assert client.get(f"/planes/{plan.id}/ppi/editar").status_code in (403, 404)
    assert client.get(f"/planes/{plan.id}/ppi/importar").status_code in (403, 404)
