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


# --- Issue 12: an insider who can write the database, or who also holds HISTORY_KEY ---------------------------

def rechain(db_session, plan_id: int, key: str | None = None, sql: str | None = None) -> None:
    """What the assessment did: alter a row, then recompute every hash after it and the plan's head, so the plain
    SHA-256 chain verifies again. With ``key`` (an insider who also holds HISTORY_KEY) the seals are redone too."""
    from workflow_app.history import GENESIS, chain_hash, row_mac
    from workflow_app.models import PlanEvent

    db_session.execute(text("ALTER TABLE plan_events DISABLE TRIGGER plan_events_append_only"))
    if sql:
        db_session.execute(text(sql))
    db_session.expire_all()
    prev = GENESIS
    for event in db_session.query(PlanEvent).filter_by(plan_id=plan_id).order_by(PlanEvent.id):
        row_hash = chain_hash(prev, event)
        mac = row_mac(key, row_hash) if key else event.row_mac
        db_session.execute(text("UPDATE plan_events SET prev_hash = :p, row_hash = :h, row_mac = :m WHERE id = :i"),
                           {"p": prev, "h": row_hash, "m": mac, "i": event.id})
        prev = row_hash
    db_session.execute(text("UPDATE plans SET history_head = :h WHERE id = :i"), {"h": prev, "i": plan_id})
    db_session.execute(text("ALTER TABLE plan_events ENABLE TRIGGER plan_events_append_only"))
    # The heads anchored at each act (issue 19) are rewritten too, as the database's owner could.
    db_session.execute(text("ALTER TABLE history_heads DISABLE TRIGGER history_heads_append_only"))
    db_session.execute(text("DELETE FROM history_heads WHERE plan_id = :i"), {"i": plan_id})
    db_session.execute(text("INSERT INTO history_heads (plan_id, head, created_at) SELECT plan_id, row_hash, "
                            "occurred_at FROM plan_events WHERE plan_id = :i"), {"i": plan_id})
    db_session.execute(text("ALTER TABLE history_heads ENABLE TRIGGER history_heads_append_only"))
    db_session.commit()


BACKDATE = "UPDATE plan_events SET act_on = act_on - 30 WHERE trigger = 'submit_to_ctp'"


def test_a_rechained_history_without_the_key_is_detected(app, db_session, walked):
    rechain(db_session, walked.plan.id, sql=BACKDATE)
    result = verify(app)
    assert result.exit_code == 1, result.output
    assert "sello con clave de la fila no corresponde" in result.output


@pytest.fixture
def checkpoint_key(app, tmp_path):
    from workflow_app.services.integrity.checkpoints import create_key_file

    path, public, _ = create_key_file(tmp_path / "firma.pem")
    app.config["CHECKPOINT_KEY"] = str(path)
    yield path, public
    app.config["CHECKPOINT_KEY"] = None


def test_a_rewrite_by_the_key_holder_is_detected_against_a_published_checkpoint(app, db_session, walked,
                                                                                 checkpoint_key, tmp_path):
    _, public = checkpoint_key
    published = app.test_cli_runner().invoke(args=["pdt", "checkpoint"])
    assert published.exit_code == 0, published.output
    client = app.test_client()
    page = client.get("/publico/integridad").get_data(as_text=True)
    link = page.split('href="/publico/integridad/', 2)[2].split('"')[0]  # [1] is the public key
    downloaded = client.get(f"/publico/integridad/{link}")
    assert downloaded.status_code == 200 and downloaded.headers["Cache-Control"].startswith("public")
    file = tmp_path / "punto.json"
    file.write_bytes(downloaded.data)
    intact = app.test_cli_runner().invoke(args=["pdt", "verify-history", "--checkpoint", str(file),
                                                "--public-key", str(public)])
    assert intact.exit_code == 0 and "contiene cada acto firmado" in intact.output, intact.output

    rechain(db_session, walked.plan.id, key=app.config["HISTORY_KEY"], sql=BACKDATE)
    assert verify(app).exit_code == 0  # chain and seals redone with the key: only the checkpoint can tell
    caught = app.test_cli_runner().invoke(args=["pdt", "verify-history", "--checkpoint", str(file),
                                                "--public-key", str(public)])
    assert caught.exit_code == 1, caught.output
    assert "ya no contiene el último acto firmado" in caught.output


def test_a_tampered_or_foreign_checkpoint_file_is_refused(app, db_session, walked, checkpoint_key, tmp_path):
    import json

    from workflow_app.services.integrity.checkpoints import checkpoint_file as file_text
    from workflow_app.services.integrity.checkpoints import create_key_file, latest_checkpoint, publish_checkpoint

    publish_checkpoint(db_session)
    original = json.loads(file_text(latest_checkpoint(db_session)))
    forged = dict(original, body=original["body"].replace('"events":', '"events": ', 1))
    file = tmp_path / "alterado.json"
    file.write_text(json.dumps(forged))
    result = app.test_cli_runner().invoke(args=["pdt", "verify-history", "--checkpoint", str(file)])
    assert result.exit_code == 1 and "firma del punto de control no es válida" in result.output, result.output

    _, other_public, _ = create_key_file(tmp_path / "otra.pem")
    file.write_text(json.dumps(original))
    result = app.test_cli_runner().invoke(args=["pdt", "verify-history", "--checkpoint", str(file),
                                                "--public-key", str(other_public)])
    assert result.exit_code == 1 and "clave distinta de la publicada" in result.output, result.output


def test_rows_from_before_the_key_verify_once_sealed_and_the_sealing_runs_once(app, db_session, walked):
    # Rows written before HISTORY_KEY existed have no seal (as every row of an instance upgraded to this version).
    db_session.execute(text("ALTER TABLE plan_events DISABLE TRIGGER plan_events_append_only"))
    db_session.execute(text("UPDATE plan_events SET row_mac = NULL"))
    db_session.execute(text("ALTER TABLE plan_events ENABLE TRIGGER plan_events_append_only"))
    db_session.commit()
    unsealed = verify(app)
    assert unsealed.exit_code == 1 and "pdt seal-history" in unsealed.output
    sealed = app.test_cli_runner().invoke(args=["pdt", "seal-history"])
    assert sealed.exit_code == 0 and "1 plan(es) anclado(s)" in sealed.output, sealed.output
    assert verify(app).exit_code == 0
    again = app.test_cli_runner().invoke(args=["pdt", "seal-history"])
    assert again.exit_code == 1 and "ya se selló" in again.output
    # A rewrite of those old rows after the sealing, even fully rechained, is caught by the keyed anchor.
    rechain(db_session, walked.plan.id, sql=BACKDATE)
    result = verify(app)
    assert result.exit_code == 1 and "sellada al adoptar la clave" in result.output, result.output


def test_new_acts_after_sealing_carry_their_own_seal(app, db_session, walked):
    from workflow_app.models import PlanEvent

    last = db_session.query(PlanEvent).order_by(PlanEvent.id.desc()).first()
    assert last.row_mac and len(last.row_mac) == 64


def test_the_access_log_and_checkpoints_refuse_update_and_delete(app, db_session, walked, checkpoint_key):
    from sqlalchemy.exc import DBAPIError

    from workflow_app.services.integrity.checkpoints import publish_checkpoint

    publish_checkpoint(db_session)
    for sql in ("UPDATE history_checkpoints SET plans = 0", "DELETE FROM history_checkpoints"):
        with pytest.raises(DBAPIError, match="solo adición"):
            db_session.execute(text(sql))
        db_session.rollback()
