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


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SECRET_KEY=None)


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
        for _ in range(100):
            try:
                body = urlopen(f"http://127.0.0.1:{port}/login", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.1)
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
