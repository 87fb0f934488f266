import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

from workflow_app.app import create_app

ROOT = Path(__file__).resolve().parents[2]
# A production SECRET_KEY must be long and varied (config._check_secret_key).
STRONG_KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SECRET_KEY=None)


def test_production_refuses_to_start_without_history_key():
    with pytest.raises(RuntimeError, match="HISTORY_KEY"):
        create_app("production", SECRET_KEY=STRONG_KEY, BASE_URL="https://rutapdt.example", HISTORY_KEY=None)
    with pytest.raises(RuntimeError, match="HISTORY_KEY"):
        create_app("production", SECRET_KEY=STRONG_KEY, BASE_URL="https://rutapdt.example", HISTORY_KEY="corta")


def test_production_refuses_an_unknown_environment_name(monkeypatch):
    """Issue 19: "prod" or "Production " ran in development (generated key, insecure cookie, PDT_TODAY)."""
    for name in ("prod", "Production ", "PRODUCTION", " production", "produccion"):
        monkeypatch.setenv("PDT_ENV", name)
        with pytest.raises(RuntimeError, match="no es un entorno conocido"):
            create_app(None)
        with pytest.raises(RuntimeError, match="escriba exactamente development, production o test"):
            create_app(name)


@pytest.mark.parametrize("base_url", ["http://rutapdt.dnp.gov.co", "http://10.0.0.5:8000", "https://", "ftp://x.co"])
def test_production_refuses_a_base_url_without_https(base_url):
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app("production", SECRET_KEY=STRONG_KEY, BASE_URL=base_url, HISTORY_KEY="h" * 32)


@pytest.mark.parametrize("key", ["a", "s" * 64, "abcdefgh" * 4, "clave-de-produccion", "0123456789" * 2,
                                 "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbcccc"])
def test_production_refuses_a_short_or_predictable_secret_key(key):
    with pytest.raises(RuntimeError, match="SECRET_KEY es demasiado corta o predecible"):
        create_app("production", SECRET_KEY=key, BASE_URL="https://rutapdt.example", HISTORY_KEY="h" * 32)


def test_production_starts_with_good_settings_and_a_loopback_smoke_test_url(database_url):
    for base_url in ("https://rutapdt.dnp.gov.co", "http://127.0.0.1:8080"):
        app = create_app("production", SECRET_KEY=STRONG_KEY, BASE_URL=base_url, HISTORY_KEY="h" * 32,
                         SQLALCHEMY_DATABASE_URI=database_url, REDIS_URL=None, PDT_TODAY=None)
        assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_without_checkpoint_key_starts_warns_and_says_so_on_salud(app, database_url, caplog):
    import logging

    # Alembic's fileConfig (the migrations run by the `app` fixture) disables loggers that existed before it.
    logging.getLogger("workflow_app.services.integrity.checkpoints").disabled = False
    with caplog.at_level("WARNING"):
        production = create_app("production", SECRET_KEY=STRONG_KEY, BASE_URL="https://rutapdt.example", HISTORY_KEY="h" * 32, CHECKPOINT_KEY=None,
                         SQLALCHEMY_DATABASE_URI=database_url, REDIS_URL=None)
    assert any("CHECKPOINT_KEY no está definida" in r.getMessage() for r in caplog.records)
    health = production.test_client().get("/salud").get_json()
    assert health["history_checkpoints"]["status"] == "sin_clave"
    page = production.test_client().get("/publico/integridad")
    assert "no publica puntos de control" in page.get_data(as_text=True), page.status_code


def test_checkpoints_are_published_once_a_day_and_salud_reports_the_last(app, db_session, tmp_path):
    from datetime import datetime, timedelta, timezone

    from workflow_app.services.integrity.checkpoints import create_key_file, publish_if_due

    key, _, fingerprint = create_key_file(tmp_path / "firma.pem")
    app.config["CHECKPOINT_KEY"] = str(key)
    try:
        noon = datetime(2028, 3, 10, 17, 0, tzinfo=timezone.utc)  # 12:00 in Bogotá
        first = publish_if_due(db_session, noon)
        assert first is not None and first.key_id == fingerprint
        assert publish_if_due(db_session, noon + timedelta(hours=11)) is None  # 23:00 Bogotá: same day
        assert publish_if_due(db_session, noon + timedelta(hours=13)) is not None  # 01:00 next day in Bogotá
        health = app.test_client().get("/salud").get_json()["history_checkpoints"]
        assert health["status"] == "ok" and health["key_id"] == fingerprint and health["last_checkpoint_at"]
    finally:
        app.config["CHECKPOINT_KEY"] = None


def test_the_cron_schedule_registers_the_daily_checkpoint():
    from notifications import cron_config

    assert cron_config.CHECKPOINT_CRON == "30 5 * * *"  # 00:30 in Bogotá (UTC-5)


def test_training_mode_banner_shows_the_simulated_date(client, set_today):
    set_today("2028-03-10")
    text = client.get("/login").get_data(as_text=True)
    assert "Modo capacitación: fecha simulada viernes, 10 de marzo de 2028" in text


def test_no_banner_with_the_real_clock(client):
    assert "Modo capacitación" not in client.get("/login").get_data(as_text=True)


def test_invalid_simulated_date_is_refused_clearly():
    with pytest.raises(RuntimeError, match="PDT_TODAY"):
        create_app("test", PDT_TODAY="2028-02-30")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_embedded_default_serves_login_on_sqlite_without_redis(tmp_path):
    """The newcomer's path: no DATABASE_URL, no REDIS_URL — SQLite under instance/ and in-process jobs."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "PDT_TODAY"}}
    env.update(PDT_INSTANCE_DIR=str(tmp_path), FLASK_APP="wsgi")
    flask = [sys.executable, "-m", "flask"]
    for args in (["db", "upgrade"], ["pdt", "load-reference"], ["pdt", "demo"]):
        done = subprocess.run(flask + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "pdt.sqlite3").exists()
    port = _free_port()
    server = subprocess.Popen(flask + ["run", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        body = None
        deadline = time.monotonic() + 60  # a liveness bound: on a loaded machine `flask run` took over 10 s to listen
        while body is None and server.poll() is None and time.monotonic() < deadline:
            try:
                body = urlopen(f"http://127.0.0.1:{port}/login", timeout=5).read().decode()
            except OSError:
                time.sleep(0.05)
        assert body is not None and "Iniciar sesión" in body
    finally:
        server.terminate()
        server.wait(10)


def test_readme_configuration_table_lists_every_variable_config_reads():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    source = (root / "config.py").read_text(encoding="utf-8")
    names = set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', source)) | set(re.findall(r'_bool\("([A-Z_]+)"', source))
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuración (variables de entorno)", 1)[1].split("\n## ", 1)[0]
    assert len(names) > 15
    missing = sorted(n for n in names if f"`{n}`" not in table)
    assert not missing, f"variables de config.py que faltan en la tabla del README: {missing}"
