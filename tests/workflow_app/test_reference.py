from sqlalchemy import func, select

from workflow_app.models import Entity, Jurisdiction
from workflow_app.services.cycle.reference import load_reference


def test_reference_counts_every_municipio_and_departamento(db_session):
    counts = load_reference()
    assert counts.municipios == 1103
    assert counts.departamentos == 32
    assert counts.periods == 3
    assert counts.authorities == 41


def test_loading_reference_twice_changes_nothing(db_session):
    first = load_reference()
    rows_before = db_session.scalar(select(func.count()).select_from(Jurisdiction))
    second = load_reference()
    assert first == second
    assert db_session.scalar(select(func.count()).select_from(Jurisdiction)) == rows_before


def test_genova_is_a_quindio_municipio_under_the_crq(db_session):
    genova = db_session.scalar(select(Entity).filter_by(dane_code="63302"))
    assert genova.name == "Génova" and genova.department.name == "Quindío"
    assert genova.kind == "municipio" and genova.weekdays == [5, 6]
    codes = {j.authority_code for j in db_session.scalars(select(Jurisdiction).filter_by(entity_id=genova.id))}
    assert codes == {"CRQ"}


def test_bogota_is_a_distrito_and_not_a_departamento(db_session):
    bogota = db_session.scalar(select(Entity).filter_by(dane_code="11001"))
    assert bogota.kind == "distrito" and bogota.calendar_kind == "municipio"
    assert db_session.scalar(select(Entity).filter_by(dane_code="11")) is None


def test_load_reference_cli_reports_counts(app, db_session):
    result = app.test_cli_runner().invoke(args=["pdt", "load-reference"])
    assert result.exit_code == 0
    assert "1103 municipios/distritos, 32 departamentos" in result.output


def test_each_department_government_is_named_with_its_article(db_session):
    governments = {e.department.name: e.display_name for e in db_session.scalars(
        select(Entity).where(Entity.kind == "departamento"))}
    assert len(governments) == 32
    san_andres = "Archipiélago de San Andrés, Providencia y Santa Catalina"
    assert governments[san_andres] == f"Gobernación del {san_andres}"
    assert governments["Quindío"] == "Gobernación del Quindío"
    assert governments["La Guajira"] == "Gobernación de La Guajira"
    assert governments["Sucre"] == "Gobernación de Sucre"
