"""Issue 12: two web hosts behind one balancer. Two gunicorn instances with different upload folders and
``EVIDENCE_STORE=postgres``, one PostgreSQL, one Redis: a document uploaded through host A downloads through
host B, byte for byte; a session opened on A works on B and a logout on A ends it on B, even for a copied
cookie; the sign-in limit reached on A holds on B.

``Host`` is a browser-like client with a cookie jar, sign-in, upload, download and logout. Two hosts share one
jar where a balancer would hand the same browser to either host.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests import pdf_samples

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Host:
    """One web host as a browser sees it: a base URL and a cookie jar (one jar per host, as two sites)."""

    def __init__(self, port: int, jar: http.cookiejar.CookieJar | None = None):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.use_jar(jar or http.cookiejar.CookieJar())

    def use_jar(self, jar: http.cookiejar.CookieJar) -> None:
        self.jar = jar
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def signed_in(self) -> bool:
        status, _, page = self.request("/")
        return status == 200 and b"Mis pendientes" in page and b'name="password"' not in page

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def csrf(self, path: str) -> str:
        _, _, body = self.request(path)
        return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body).group(1).decode()

    def sign_in(self, email: str, password: str) -> int:
        token = self.csrf("/login")
        body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
        status, _, page = self.request("/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
        return status if b"Mis pendientes" not in page else 200

    def logout(self) -> int:
        token = self.csrf("/")
        body = urllib.parse.urlencode({"csrf_token": token}).encode()
        return self.request("/logout", body, {"Content-Type": "application/x-www-form-urlencoded"})[0]

    def post_multipart(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content) in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def wait_for(host: Host, process: subprocess.Popen, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn ended with {process.returncode}")
        try:
            if host.request("/ping")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer")


@pytest.fixture(scope="module")
def _gunicorn_pair(app, database_url, tmp_path_factory):
    """Hosts A and B, started once for this file: same database, same Redis, same keys, different upload
    folders. Each test starts from a clean database and an emptied Redis database (`two_hosts`), which is all
    the two processes keep between requests (sessions and limits in Redis, evidence in PostgreSQL)."""
    from tests.conftest import TEST_REDIS_URL

    tmp_path = tmp_path_factory.mktemp("two-hosts")
    procs, ports, folders = [], [], []
    try:
        for name in ("a", "b"):
            folder = tmp_path / f"uploads-{name}"
            folder.mkdir()
            port = free_port()
            # Development settings (simulated date for the 2028 route; production refuses PDT_TODAY), with
            # production's shared stores: evidence in PostgreSQL, sessions and limits in Redis.
            env = {**os.environ, "PDT_ENV": "development", "SESSION_COOKIE_SECURE": "0",
                   "BASE_URL": "http://127.0.0.1", "LOGIN_RATE_LIMIT": "3", "LOGIN_RATE_WINDOW_SECONDS": str(2**31),
                   "DATABASE_URL": database_url.replace("postgresql+psycopg://", "postgresql://"),
                   "REDIS_URL": TEST_REDIS_URL, "SECRET_KEY": "dos-maquinas-" + "s" * 32,
                   "HISTORY_KEY": app.config["HISTORY_KEY"], "EVIDENCE_STORE": "postgres",
                   "UPLOAD_DIR": str(folder), "PDT_TODAY": "2028-03-10", "PDT_MAIL_DIR": str(tmp_path / "correo")}
            env.pop("CHECKPOINT_KEY", None)
            process = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-k", "gthread", "--threads",
                                        "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
                                       cwd=ROOT, env=env)
            procs.append(process)
            wait_for(Host(port), process)
            ports.append(port)
            folders.append(folder)
        yield ports, folders
    finally:
        for process in procs:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: no request is left to finish
        for process in procs:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def two_hosts(_gunicorn_pair, db_session, redis_url):
    """Hosts A and B as a new browser sees them (empty cookie jars), over a clean database and Redis."""
    (port_a, port_b), folders = _gunicorn_pair
    yield Host(port_a), Host(port_b), folders


def test_an_upload_through_host_a_downloads_through_host_b(two_hosts, db_session):
    from sqlalchemy import select

    from tests.workflow_app.story import Cast, make_plan, walk_to
    from workflow_app.models import Document, DocumentChunk

    host_a, host_b, folders = two_hosts
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "submitted_to_ctp")
    plan_id = cast.plan.id
    evidence = pdf_samples.one_page("Concepto del CTP de Genova, subido por la maquina A")

    assert host_a.sign_in(cast.ctp.email, "clave-de-prueba") == 200
    url = f"/planes/{plan_id}/actos/pdt_approval/-/record_ctp_concept"
    status, _, _ = host_a.post_multipart(url, {
        "csrf_token": host_a.csrf(url), "act_on": "2028-03-09", "reference": "Acta 7", "concept": "favorable",
        "scope": "total"}, {"evidence": ("concepto.pdf", evidence)})
    assert status == 200  # the redirect to the plan page, followed

    db_session.expire_all()
    doc = db_session.scalar(select(Document).where(Document.kind == "record_ctp_concept"))
    assert doc.store == "postgres"
    assert db_session.scalar(select(DocumentChunk.seq).where(DocumentChunk.storage_name == doc.storage_name)) == 0
    assert [list(folder.iterdir()) for folder in folders] == [[], []]  # nothing on either host's disk

    assert host_b.sign_in(cast.planeacion.email, "clave-de-prueba") == 200
    status, headers, body = host_b.request(f"/planes/{plan_id}/documentos/{doc.id}")
    assert status == 200 and body == evidence
    assert headers["Content-Type"] == "application/pdf" and headers["Cache-Control"] == "private, no-store"
    assert headers["Content-Disposition"].endswith('-v1.pdf"')


def test_a_session_opened_on_host_a_works_on_b_and_a_logout_on_a_ends_it_on_b(two_hosts, db_session):
    from tests.workflow_app.story import Cast, make_plan

    host_a, host_b, _ = two_hosts
    cast = Cast(db_session, make_plan(db_session, "63302"))
    balancer = http.cookiejar.CookieJar()  # one browser, sent to either host
    host_a.use_jar(balancer)
    host_b.use_jar(balancer)
    assert host_a.sign_in(cast.planeacion.email, "clave-de-prueba") == 200
    assert host_b.signed_in()  # the session lives in Redis, not in host A's process

    copied = http.cookiejar.CookieJar()  # someone copied the session cookie before the logout
    for cookie in balancer:
        copied.set_cookie(cookie)
    assert host_a.logout() == 200
    assert not host_b.signed_in()
    thief = Host(host_b.port, copied)
    assert not thief.signed_in()


def test_the_sign_in_limit_reached_on_host_a_holds_on_host_b(two_hosts, db_session):
    from tests.workflow_app.story import Cast, make_plan

    host_a, host_b, _ = two_hosts
    cast = Cast(db_session, make_plan(db_session, "63302"))
    for _ in range(3):  # LOGIN_RATE_LIMIT=3 failures a minute for one account
        assert host_a.sign_in(cast.ctp.email, "no-es-la-clave") == 401
    token = host_b.csrf("/login")
    body = urllib.parse.urlencode({"email": cast.ctp.email, "password": "clave-de-prueba",
                                   "csrf_token": token}).encode()
    status, _, _ = host_b.request("/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 429  # even the right password, on the other host, for the rest of the minute
    assert not host_b.signed_in()
