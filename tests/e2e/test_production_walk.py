"""The production walk (issue 11): from an empty PostgreSQL database to real people at work, with
PDT_ENV=production, gunicorn, Redis, a real RQ worker and an aiosmtpd sink, driven in Chromium from the links
read in the e-mails.

empty database → `db upgrade` → `load-reference` → `create-admin` → the administrator (from the set-password link
in the sink) opens the period on its page → imports a CSV of officials → each invitation arrives → the mayor and
the planning secretary set their passwords from their links and record the plan's first acts, dated today (the
real Bogotá date) → a password reset and a logout each make an old (copied) cookie useless.

The period: production acts carry the real date and the law counts from the posesión (1 January of the
period's first year), so an act "dated today" is only possible on a plan of the period in force today. The walk
opens that period: 2024–2027 until the end of 2027, 2028–2031 from 2028. Opening 2028 itself (CLI and page,
1,135 plans, idempotent) is `tests/workflow_app/test_service_start.py`.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest

from tests.conftest import PG_ADMIN_URL, service_missing
from tests.e2e.conftest import DESKTOP_VIEWPORT, LOCALE, TIMEZONE, expect, submit_name
from tests.e2e.test_walks import EVIDENCE_LABEL, MINIMAL_PDF
from tests.notifications.conftest import SinkHandler, free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ADMIN = ("jefe.ciclo@dnp.gov.co", "Jefe del Ciclo")
MAYOR = ("alcalde@genova-quindio.gov.co", "Carlos Alcalde Génova")
PLANNER = ("planeacion@genova-quindio.gov.co", "Ana Planeación Génova")
GENOVA = "63302"
PASSWORDS = {ADMIN[0]: "cafe de montaña en genova", MAYOR[0]: "la posesión quedó firmada hoy",
             PLANNER[0]: "plan de desarrollo para todos"}


def today_in_bogota():
    return datetime.now(ZoneInfo("America/Bogota")).date()


def period_in_force() -> int:
    year = today_in_bogota().year
    return year - (year % 4)


@pytest.fixture
def empty_database():
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as exc:  # noqa: BLE001
        service_missing("PostgreSQL", exc)
    name = f"pdt_walk_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def sink():
    from aiosmtpd.controller import Controller

    handler = SinkHandler()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


class Stack:
    """gunicorn and an RQ worker started with the production environment, stopped at the end."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs, self.procs = env, logs, []

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"flask {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result

    def start(self, name: str, args: list[str]) -> None:
        log = open(self.logs / f"{name}.log", "wb")
        self.procs.append(subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True))

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)

    def log_tail(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.logs.glob("*.log"))


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except Exception:  # noqa: BLE001 - not up yet
        return False


def link_in(sink: SinkHandler, address: str, count: int = 1) -> str:
    """The set-password link of the ``count``-th account e-mail to ``address``."""
    messages = wait_until(lambda: len(sink.to(address)) >= count and sink.to(address), timeout=60,
                          what=f"el correo número {count} para {address}")
    text = SinkHandler.text_of(messages[count - 1])
    return re.search(r"https?://\S+/cuenta/clave/\S+", text).group(0)


def new_context(browser, base: str):
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, viewport=DESKTOP_VIEWPORT, base_url=base)
    context.set_default_timeout(20_000)
    return context


def choose_password(page, link: str, password: str, lands_on: str = "Mis pendientes") -> None:
    page.goto(link)
    page.get_by_label("Nueva contraseña", exact=True).fill(password)
    page.get_by_label("Repita la nueva contraseña").fill(password)
    page.get_by_role("button", name="Guardar la contraseña").click()
    expect(page.get_by_role("heading", level=1, name=lands_on)).to_be_visible()


def record_act(page, label: str, evidence: Path, fields: dict | None = None) -> None:
    """From the plan page, the act with its default date (today) and a PDF."""
    page.goto("/")
    page.get_by_role("link", name=re.compile(r"^Génova")).first.click()
    page.get_by_role("link", name=label, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)
    page.get_by_label("Número de radicado, acta, decreto o acuerdo").fill(f"ACTA-{label[:10]}")
    page.get_by_label(EVIDENCE_LABEL).set_input_files(evidence)
    for field_label, value in (fields or {}).items():
        page.get_by_label(field_label).fill(value)
    page.get_by_role("button", name=submit_name(label)).click()
    expect(page.locator("p.flash")).to_contain_text(f"Acto registrado: «{label}».")


def copied_context(browser, base: str, source_context):
    thief = new_context(browser, base)
    thief.add_cookies(source_context.cookies())
    return thief


def test_from_an_empty_database_to_real_people_at_work(browser, empty_database, redis_url, sink, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PDT_", "FLASK_"))}
    env.update(PDT_ENV="production", DATABASE_URL=empty_database, REDIS_URL=redis_url, BASE_URL=base,
               SECRET_KEY="walk-" + uuid.uuid4().hex, HISTORY_KEY="walk-history-" + uuid.uuid4().hex,
               SMTP_HOST="127.0.0.1", SMTP_PORT=str(sink.port),
               UPLOAD_DIR=str(tmp_path / "uploads"), PDT_INSTANCE_DIR=str(tmp_path / "instance"),
               SESSION_COOKIE_SECURE="0",  # the test serves plain HTTP on loopback; production keeps Secure cookies
               PDT_DELIVERY_BACKOFF_SECONDS="1")
    stack = Stack(env, tmp_path)
    evidence = tmp_path / "acta.pdf"
    evidence.write_bytes(MINIMAL_PDF)
    year = period_in_force()
    try:
        # 1-3. Schema, reference data, first administrator: the README's production section, in order.
        stack.flask("db", "upgrade")
        assert "1103" in stack.flask("pdt", "load-reference").stdout.replace(".", "")
        printed = stack.flask("pdt", "create-admin", "--email", ADMIN[0], "--name", ADMIN[1]).stdout
        assert "/cuenta/clave/" in printed
        demo = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "pdt", "demo"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert demo.returncode == 1 and "PDT_ENV=production" in demo.stderr

        # 4. The processes.
        stack.start("gunicorn", [str(BIN / "gunicorn"), "-w", "2", "-k", "gthread", "--threads", "4",
                                 "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"])
        stack.start("worker", [str(BIN / "rq"), "worker", "-w", "workflow_app.worker.AppWorker", "--url", redis_url,
                               "--logging_level", "WARNING", "pdt"])
        wait_until(lambda: _answers(base + "/salud"), timeout=60, what="que arranque gunicorn")

        # 5. The administrator's link comes by e-mail (through the outbox and the RQ worker).
        admin_link = link_in(sink, ADMIN[0])
        assert admin_link.startswith(base + "/cuenta/clave/")
        admin_context = new_context(browser, base)
        admin = admin_context.new_page()
        choose_password(admin, admin_link, PASSWORDS[ADMIN[0]], lands_on="Administración")  # follows no plan

        # 6. Open the period on its page; the job runs in the RQ worker and the page shows its progress.
        admin.get_by_role("link", name="Administración").click()
        admin.get_by_role("link", name="Abrir un período").click()
        admin.get_by_label("Primer año del período constitucional").fill(str(year))
        admin.get_by_role("button", name="Abrir el período").click()
        expect(admin.get_by_role("heading", level=1)).to_contain_text("Apertura del período")
        expect(admin.get_by_role("status")).to_contain_text("Terminada", timeout=120_000)
        expect(admin.get_by_role("status")).to_contain_text("1135 planes creados")

        # 7. Import the officials: dry run, then confirm.
        sheet = tmp_path / "funcionarios.csv"
        sheet.write_text("codigo_dane;rol;nombre;correo\n"
                         f"{GENOVA};ejecutivo;{MAYOR[1]};{MAYOR[0]}\n"
                         f"{GENOVA};planeacion;{PLANNER[1]};{PLANNER[0]}\n", encoding="utf-8")
        admin.goto("/admin/funcionarios")
        admin.get_by_label("Archivo CSV o XLSX con los funcionarios").set_input_files(sheet)
        admin.get_by_role("button", name="Revisar el archivo").click()
        expect(admin.locator("table")).to_contain_text("Se crea la cuenta y se envía la invitación")
        admin.get_by_role("button", name="Confirmar la importación").click()
        expect(admin.locator("p.flash")).to_contain_text("2 cuenta(s) nueva(s)")

        # 8. Each invitation arrives; the mayor records the posesión, the planning secretary the next act.
        mayor_link, planner_link = link_in(sink, MAYOR[0]), link_in(sink, PLANNER[0])
        mayor_context = new_context(browser, base)
        mayor = mayor_context.new_page()
        choose_password(mayor, mayor_link, PASSWORDS[MAYOR[0]])
        record_act(mayor, "Registrar la posesión del alcalde", evidence)
        planner_context = new_context(browser, base)
        planner = planner_context.new_page()
        choose_password(planner, planner_link, PASSWORDS[PLANNER[0]])
        record_act(planner, "Impartir orientaciones y conformar el equipo formulador", evidence,
                   {"Nombre del líder del equipo formulador": PLANNER[1]})
        today = today_in_bogota()
        with psycopg.connect(empty_database) as conn:
            dates = conn.execute("SELECT trigger, act_on FROM plan_events WHERE machine = 'pdt_approval' "
                                 "ORDER BY id").fetchall()
        assert dates == [("take_office", today), ("start_drafting", today)]

        # 9. A password reset makes a copied cookie of the planning secretary useless...
        copy = copied_context(browser, base, planner_context).new_page()
        copy.goto("/")
        expect(copy.get_by_role("heading", level=1, name="Mis pendientes")).to_be_visible()
        stranger = new_context(browser, base).new_page()
        stranger.goto("/login")
        stranger.get_by_role("link", name="¿Olvidó su contraseña?").click()
        stranger.get_by_label("Correo electrónico de su cuenta").fill(PLANNER[0])
        stranger.get_by_role("button", name="Enviar el enlace").click()
        expect(stranger.get_by_role("status")).to_contain_text("le llegará un correo")
        reset_link = link_in(sink, PLANNER[0], count=2)
        choose_password(stranger, reset_link, "una frase nueva para ana")
        copy.goto("/")
        expect(copy).to_have_url(re.compile(r"/login"))
        planner.goto("/")
        expect(planner).to_have_url(re.compile(r"/login"))

        # ...and so does a logout, for the mayor's.
        mayor_copy = copied_context(browser, base, mayor_context).new_page()
        mayor_copy.goto("/")
        expect(mayor_copy.get_by_role("heading", level=1, name="Mis pendientes")).to_be_visible()
        mayor.goto("/")
        mayor.get_by_role("button", name="Cerrar sesión").click()
        expect(mayor).to_have_url(re.compile(r"/login"))
        mayor_copy.goto("/")
        expect(mayor_copy).to_have_url(re.compile(r"/login"))

        health = urllib.request.urlopen(base + "/salud", timeout=5).read().decode()
        assert '"database":"ok"' in health.replace(" ", "") and '"redis":"ok"' in health.replace(" ", "")
    except Exception:
        print(stack.log_tail())
        raise
    finally:
        stack.stop()
