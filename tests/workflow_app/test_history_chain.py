"""The history is tamper-evident: altering or deleting a row is reported by `pdt verify-history`."""
import pytest
from sqlalchemy import text

from tests.workflow_app.story import Cast, make_plan, walk_to


@pytest.fixture
def walked(db_session):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "submitted_to_ctp")
    return cast


def verify(app):
    return app.test_cli_runner().invoke(args=["pdt", "verify-history"])


def tamper(db_session, sql):
    """As a database superuser would: bypassing the append-only trigger."""
    db_session.execute(text("ALTER TABLE plan_events DISABLE TRIGGER plan_events_append_only"))
    db_session.execute(text(sql))
    db_session.execute(text("ALTER TABLE plan_events ENABLE TRIGGER plan_events_append_only"))
    db_session.commit()


def test_untouched_history_verifies(app, walked):
    result = verify(app)
    assert result.exit_code == 0 and "Historial íntegro" in result.output


def test_altered_row_is_reported(app, db_session, walked):
    tamper(db_session, "UPDATE plan_events SET act_on = act_on - 30 WHERE trigger = 'submit_to_ctp'")
    result = verify(app)
    assert result.exit_code == 1
    assert "el contenido de la fila fue alterado" in result.output


def test_deleted_middle_row_is_reported(app, db_session, walked):
    tamper(db_session, "DELETE FROM plan_events WHERE trigger = 'consolidate'")
    result = verify(app)
    assert result.exit_code == 1 and "la cadena está rota" in result.output


def test_deleted_last_row_is_reported(app, db_session, walked):
    tamper(db_session, "DELETE FROM plan_events WHERE id = (SELECT max(id) FROM plan_events)")
    result = verify(app)
    assert result.exit_code == 1 and "se borraron filas al final" in result.output
