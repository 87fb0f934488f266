"""End-to-end walks in a real browser: every actor signs in and moves the plan through the pages only.

- A municipio (Circasia, 63190, period 2028) from the posesión to "Publicado", each act taken from
  "Mis pendientes" with its date, number and PDF evidence (issue 4, "Tests").
- A departamento with two CARs (Sucre, 70: CARSUCRE and CORPOMOJANA) up to the filing with the Asamblea,
  with the T6 refusal while one CAR is still inside its 15 business days.
- Refusals seen in the browser (law, scope, concurrent change), accessibility (axe-core), first-load weight
  and 360 px layout of the inbox, a plan page with history and the CTP concept form; an act sent with
  JavaScript disabled.

Set E2E_SHOTS_DIR (e.g. /tmp/shots) to also save screenshots of the concept form, a refusal page and the
finished plan page, on desktop and at 360 px.
"""
from __future__ import annotations

import os
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from notifications.sweep import run_sweep
from state_machines.approval.pdt import STATE_LABELS
from state_machines.core.roles import Role
from tests import pdf_samples
from tests.demo_copy import demo_data
from tests.e2e.conftest import assert_accessible, expect, first_load_bytes, redirected, sign_in, submit_name
from tests.workflow_app.story import Cast, make_plan, make_user, pdf, walk_to
from workflow_app.infra.extensions import db
from workflow_app.models import Entity, Plan, User
from workflow_app.services.cycle.demo import DEMO_ACCOUNTS
from workflow_app.services.route.plans import ActCommand, apply_act

FIRST_LOAD_BUDGET = 100 * 1024  # HTML + CSS + JS, bytes
PASSWORD = "clave-de-prueba"  # story.make_user's password
CIRCASIA, SUCRE = "63190", "70"
EVIDENCE_LABEL = "Documento de soporte (PDF, máximo 20 MB)"
SHOTS_DIR = os.environ.get("E2E_SHOTS_DIR")
DEMO = {a.email.split("@")[0]: a for a in DEMO_ACCOUNTS}

# A minimal valid PDF: one page, with its cross-reference table (uploads are opened and checked).
MINIMAL_PDF = pdf_samples.VALID


@pytest.fixture
def evidence_pdf(tmp_path) -> Path:
    path = tmp_path / "soporte-del-acto.pdf"
    path.write_bytes(MINIMAL_PDF)
    return path


def shot(page, name: str) -> None:
    if SHOTS_DIR:
        Path(SHOTS_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS_DIR) / f"{name}.png"), full_page=True)


def state_line(page, state: str):
    """The state's label as the page says it for its entity ("Alcalde posesionado", "Concejo de Circasia")."""
    pattern = re.escape(STATE_LABELS[state])
    for generic in ("Alcalde o gobernador posesionado", "el alcalde o gobernador", "alcalde o gobernador",
                    "al concejo o asamblea", "el concejo o asamblea", "concejo o asamblea"):
        pattern = pattern.replace(re.escape(generic), r"\w[\w ]*?")
    expect(page.locator("p.state")).to_have_text(re.compile(rf"^Estado actual: {pattern}"))


def plan_of(session, dane_code: str) -> Plan:
    entity = session.scalar(select(Entity).filter_by(dane_code=dane_code))
    return session.scalar(select(Plan).filter_by(entity_id=entity.id))


def no_horizontal_scroll(page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"desborde horizontal en {page.url}"


class Walk:
    """The people of one plan, each signed in once in a browser context of their own."""

    def __init__(self, new_page, base_url: str, set_today, pdf: Path, accounts: dict[str, tuple[str, str]]):
        self.new_page, self.base, self.set_today, self.pdf = new_page, base_url, set_today, pdf
        self.accounts, self.pages = accounts, {}

    def page(self, who: str):
        if who not in self.pages:
            page = self.new_page()
            sign_in(page, self.base, *self.accounts[who])
            self.pages[who] = page
        return self.pages[who]

    def open_from_inbox(self, who: str, label: str, subject: str | None = None):
        """Go to "Mis pendientes" and click the pending act's link (in the row of `subject`, if given)."""
        page = self.page(who)
        page.goto("/")
        rows = page.locator("table.pending tbody tr").filter(has=page.get_by_role("link", name=label, exact=True))
        if subject:
            rows = rows.filter(has_text=subject)
        expect(rows).to_have_count(1)
        rows.get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(label)
        return page

    def fill_common(self, page, on: str, reference: str):
        page.get_by_label("Fecha del acto", exact=True).fill(on)
        page.get_by_label("Número de radicado, acta, decreto o acuerdo").fill(reference)
        page.get_by_label(EVIDENCE_LABEL).set_input_files(self.pdf)

    def submit(self, page, label: str):
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name=submit_name(label)).click()
        return answer.value

    def act(self, who: str, label: str, on: str, state: str, *, subject: str | None = None, fill=None,
            reference: str | None = None):
        """One act through the pages; checks the redirect to the plan page showing `state`."""
        self.set_today(on)
        page = self.open_from_inbox(who, label, subject)
        self.fill_common(page, on, reference or f"RAD-{on}-{who}")
        if fill:
            fill(page)
        response = self.submit(page, label)
        assert redirected(response), f"{label}: HTTP {response.status}\n{page.locator('main').inner_text()}"
        expect(page.locator("p.flash")).to_contain_text(f"Acto registrado: «{label}».")
        state_line(page, state)
        return page


def history_rows(page) -> list[str]:
    """The plan's whole history, newest first: the plan page shows the latest 8 acts and links the older ones to
    the expediente, which lists every act oldest first (read there, then back to the plan page)."""
    section = page.locator("section", has=page.get_by_role("heading", name="Historial"))
    older = section.get_by_role("link", name=re.compile("actos anteriores en el expediente"))
    if not older.count():
        return [" ".join(r.split()) for r in section.locator("tbody tr").all_inner_texts()]
    here = page.url
    older.click()
    page.wait_for_url(re.compile(r"/expediente(#h-hist)?$"))
    dossier = page.locator("section", has=page.get_by_role("heading", name="Historial"))
    expect(dossier.locator("tbody tr").first).to_be_visible()
    rows = [" ".join(r.split()) for r in dossier.locator("tbody tr").all_inner_texts()]
    page.goto(here)
    return list(reversed(rows))


# ---------------------------------------------------------------------------------------------------------------
# 1. A municipio, from the posesión to published


@pytest.fixture
def circasia(db_session):
    plan = make_plan(db_session, CIRCASIA)
    cast = Cast(db_session, plan, car_codes=("CRQ",))
    return plan, cast


def accounts_of(cast: Cast) -> dict[str, tuple[str, str]]:
    people = {r: getattr(cast, r) for r in ("ejecutivo", "planeacion", "ctp", "corporacion")}
    people.update(cast.cars)
    return {who: (user.email, PASSWORD) for who, user in people.items()}


CTP_RECS = ("Incluir metas de agua potable rural", "Priorizar vías terciarias del café",
            "Crear un programa de relevo generacional")
CRQ_RECS = ("Proteger la cuenca del río Roble", "Incluir la gestión del riesgo por remoción en masa")
ANSWERS = (  # (group label start, decision label, reason): one per recommendation, CTP first, then CRQ
    ("Recomendación CTP 1", "Aceptada", "Meta incluida en el eje dos"),
    ("Recomendación CTP 2", "Aceptada parcialmente", "Cuarenta kilómetros por costo"),
    ("Recomendación CTP 3", "No aceptada", "Lo cubre el programa departamental"),
    ("Recomendación CRQ 1", "Aceptada", "Se adopta el POMCA del río"),
    ("Recomendación CRQ 2", "No aceptada", "Ya está en el plan de riesgo vigente"),
)


def answer_every_recommendation(page):
    for group, decision, reason in ANSWERS:
        page.get_by_role("group", name=re.compile(f"^{group}:")).get_by_label(decision, exact=True).check()
        page.get_by_label(f"Razón de la respuesta a la r{group[1:]}", exact=True).fill(reason)


def test_municipio_walks_from_posesion_to_vigente_through_the_pages(
        new_page, live_server, set_today, evidence_pdf, circasia, db_session, tmp_path):
    plan, cast = circasia
    walk = Walk(new_page, live_server, set_today, evidence_pdf, accounts_of(cast))

    walk.act("ejecutivo", "Registrar la posesión del alcalde", "2028-01-03", "in_office")
    walk.act("planeacion", "Impartir orientaciones y conformar el equipo formulador", "2028-01-10", "drafting",
             fill=lambda p: (p.get_by_label("Nombre del líder del equipo formulador").fill("Ana Ríos"),
                             p.get_by_label("Correo del líder").fill("ana.rios@circasia.gov.co")))
    walk.act("planeacion", "Presentar el proyecto al Consejo de Gobierno", "2028-02-21",
             "submitted_to_consejo_de_gobierno")
    walk.act("planeacion", "Consolidar el proyecto en el Consejo de Gobierno", "2028-02-28", "consolidated")
    walk.act("ejecutivo", "Presentar el proyecto al CTP con copia al Concejo de Circasia", "2028-02-29",
             "submitted_to_ctp")

    # The CTP's concept: favorable with three recommendations, each its own numbered item.
    def ctp_concept(p):
        p.get_by_label("Favorable con recomendaciones", exact=True).check()
        p.get_by_label(re.compile("^Recomendaciones")).fill("\n".join(CTP_RECS))
    walk.set_today("2028-03-10")
    concept_form = walk.open_from_inbox("ctp", "Entregar el concepto del CTP (total o parcial)")
    expect(concept_form.get_by_role("group", name="Sentido del concepto")).to_be_visible()
    shot(concept_form, "ctp-concept-form-desktop")

    # The environmental authority (CRQ) sends its technical concept with two recommendations, inside its 15 days.
    walk.act("CRQ", "Remitir el concepto técnico de la autoridad ambiental", "2028-03-15", "submitted_to_ctp",
             subject="Autoridad ambiental CRQ",
             fill=lambda p: (p.get_by_label("Favorable con recomendaciones", exact=True).check(),
                             p.get_by_label(re.compile("^Recomendaciones")).fill("\n".join(CRQ_RECS))))
    walk.act("ctp", "Entregar el concepto del CTP (total o parcial)", "2028-03-27", "ctp_stage_closed",
             fill=ctp_concept)

    # T6: the form lists the five recommendations; each gets its answer and reason.
    consider = "Considerar los conceptos del CTP y la autoridad ambiental y ajustar el proyecto"
    walk.set_today("2028-04-03")
    form = walk.open_from_inbox("planeacion", consider)
    for text in (*CTP_RECS, *CRQ_RECS):
        expect(form.get_by_role("group", name=re.compile(re.escape(text)))).to_be_visible()
    assert_accessible(form)
    shot(form, "t6-answers-desktop")
    walk.act("planeacion", consider, "2028-04-03", "adjusting", fill=answer_every_recommendation)
    walk.act("planeacion", "Programar una audiencia pública del plan de inversiones", "2028-04-05", "adjusting",
             fill=lambda p: (p.get_by_label("Fecha de la audiencia").fill("2028-04-20"),
                             p.get_by_label("Hora de inicio").fill("18:00"),
                             p.get_by_label("Lugar").fill("Casa de la Cultura de Circasia"),
                             p.get_by_label("Comuna, barrio, localidad o municipio").fill("Barrio Centro")))
    walk.act("planeacion", "Registrar la audiencia pública realizada", "2028-04-20", "adjusting",
             subject="Casa de la Cultura de Circasia",
             fill=lambda p: p.get_by_label("Número de asistentes").fill("84"))
    walk.act("ejecutivo", "Radicar el proyecto de acuerdo", "2028-04-28", "filed_with_corporacion",
             reference="PA-012-2028")
    walk.act("corporacion", "Repartir el proyecto a la comisión del plan", "2028-05-02", "in_debate")
    walk.act("corporacion", "Registrar una modificación propuesta", "2028-05-03", "in_debate",
             fill=lambda p: (p.get_by_label("Texto de la modificación propuesta").fill(
                                 "Aumentar la meta de vivienda rural de 40 a 60 mejoramientos."),
                             p.get_by_label(re.compile("^Autores")).fill(
                                 "Concejal Luisa Gómez\nConcejal Pedro Arango")))

    # The corporation cannot approve the plan while the amendment is undecided, nor before its debates.
    corporation = walk.page("corporacion")
    corporation.goto("/")
    expect(corporation.get_by_role("link", name="Aprobar el plan en segundo debate")).to_have_count(0)

    # The mayor's acceptance form shows the amendment's full text and its authors.
    walk.set_today("2028-05-04")
    acceptance = walk.open_from_inbox("ejecutivo", "Aceptar por escrito la modificación",
                                      "Concejal Luisa Gómez, Concejal Pedro Arango")
    expect(acceptance.locator("blockquote.amendment-text")).to_have_text(
        "Aumentar la meta de vivienda rural de 40 a 60 mejoramientos.")
    expect(acceptance.get_by_text("Autores: Concejal Luisa Gómez, Concejal Pedro Arango")).to_be_visible()
    walk.act("ejecutivo", "Aceptar por escrito la modificación", "2028-05-04", "in_debate",
             subject="Concejal Luisa Gómez, Concejal Pedro Arango")
    walk.act("corporacion", "Aprobar la modificación", "2028-05-05", "in_debate", subject="Modificación 1")
    walk.act("corporacion", "Registrar el primer debate en la comisión", "2028-05-08", "in_debate",
             fill=lambda p: p.get_by_label("La comisión aprobó el proyecto en primer debate").check())
    walk.act("corporacion", "Registrar el segundo debate en la plenaria", "2028-05-12", "in_debate")
    walk.act("corporacion", "Aprobar el plan en segundo debate", "2028-05-12", "approved_by_corporacion",
             reference="Acuerdo 007 de 2028")
    walk.act("corporacion", "Remitir el proyecto aprobado para sanción", "2028-05-15", "sanction_pending",
             fill=lambda p: p.get_by_label(re.compile("^Número de artículos del proyecto aprobado")).fill("18"))
    walk.act("ejecutivo", "Sancionar el acuerdo", "2028-05-17", "sanctioned")
    # Issue 18: published with "rige a partir de su publicación" on the day: in force in the same transaction.
    done = walk.act("ejecutivo", "Publicar el plan adoptado", "2028-05-19", "in_force",
                    reference="Gaceta municipal 221")

    # The finished plan page: route with the current state, history with norms, documents.
    expect(done.locator(".route [aria-current=step]")).to_contain_text(STATE_LABELS["in_force"])
    rows = history_rows(done)
    debates = "L136 art. 73"  # a Concejo's debates cite its own statute, not L2200 beside it (QA, 7 December 2026)
    expected = [  # (what, norm) in the order the acts were taken; the table lists the newest first
        ("Registrar la posesión del alcalde", "L152 art. 39"),
        ("Impartir orientaciones y conformar el equipo formulador", "L152 art. 39 num. 1"),
        ("Presentar el proyecto al Consejo de Gobierno", "L152 art. 39 num. 3-4; D1865 art. 3 num. 2"),
        ("Consolidar el proyecto en el Consejo de Gobierno", "L152 art. 39 num. 3"),
        ("Presentar el proyecto al CTP con copia al Concejo de Circasia", "L152 art. 39 num. 5"),
        ("Remitir el concepto técnico de la autoridad ambiental · CRQ", "D1865 art. 3 num. 3"),
        ("Entregar el concepto del CTP (total o parcial)", "L152 art. 39 num. 6"),
        ("Considerar los conceptos del CTP y la autoridad ambiental y ajustar el proyecto",
         "D1865 art. 3 num. 4; L152 art. 39 num. 6"),
        ("Programar una audiencia pública del plan de inversiones", "L1909 art. 22"),
        ("Registrar la audiencia pública realizada · 1", "L1909 art. 22"),
        ("Radicar el proyecto de acuerdo", "L152 art. 40"),
        ("Repartir el proyecto a la comisión del plan", "L152 art. 40; L136 art. 73"),
        ("Registrar una modificación propuesta", "L152 art. 40; L1909 art. 22"),
        ("Aceptar por escrito la modificación · 1", "L152 art. 40"),
        ("Aprobar la modificación · 1", "L152 art. 40"),
        ("Registrar el primer debate en la comisión", debates),
        ("Registrar el segundo debate en la plenaria", debates),
        ("Aprobar el plan en segundo debate", "L152 art. 40; L136 art. 73"),
        ("Remitir el proyecto aprobado para sanción", "L136 art. 76"),
        ("Sancionar el acuerdo", "L136 art. 78"),
        ("Publicar el plan adoptado", "CPACA art. 65; L136 art. 81"),
        ("Registrar la entrada en vigencia del plan", "CPACA art. 65; L4-1913 art. 61"),  # the copy: its own act (issue 20)
    ]
    assert len(rows) == len(expected), rows
    for row, (what, norm) in zip(reversed(rows), expected):
        assert what in row and row.endswith(norm), (what, norm, row)
    text = " ".join(rows)
    assert "N.º Acuerdo 007 de 2028" in text and "N.º Gaceta municipal 221" in text
    assert "15 de marzo de 2028" in text and "19 de mayo de 2028" in text
    assert "Recomendaciones: 1. Incluir metas de agua potable rural" in text  # the concept in its history row
    assert "CRQ-2: No aceptada — Ya está en el plan de riesgo vigente" in text
    # Every act but the entry into force (the system's) brought its document: the plan page shows the latest 8 and
    # sends the reader to the expediente, where each one downloads from its title.
    filed = len(expected) - 1
    documents = done.locator("section", has=done.get_by_role("heading", name="Documentos"))
    expect(documents.locator("li")).to_have_count(8)
    expect(documents).to_contain_text(f"Se muestran los 8 documentos más recientes de {filed}.")
    plan_page = done.url
    documents.get_by_role("link", name=f"Ver los {filed - 8} documentos anteriores en el expediente").click()
    done.wait_for_url(re.compile(r"/expediente#h-docs$"))
    table = done.locator("section", has=done.get_by_role("heading", name=re.compile("^Documentos"))).locator("tbody tr")
    expect(table).to_have_count(filed)
    with done.expect_download() as download:
        table.first.get_by_role("link").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    done.goto(plan_page)
    # Nothing of the main route is left to a person (entering into force is the sweep's); only side
    # procedures that never block the route may still be offered (forwarding the CAR concept, CTP renewal), and
    # the copy of the acuerdo to the governor, due within 5 days of the sanction (L136 art. 82; issue 20).
    offered = done.locator("ul.actions a")
    assert [h for h in offered.evaluate_all("els => els.map(e => e.getAttribute('href'))")
            if "/pdt_approval/" in h] == [f"/planes/{plan.id}/actos/pdt_approval/-/send_copy_to_governor"]
    shot(done, "finished-plan-desktop")

    # The sweep, the safety net, finds nothing left to do: the publication already put the plan in force.
    assert run_sweep(date(2028, 5, 19)).effects == 0
    done.reload()
    state_line(done, "in_force")
    expect(done.get_by_text("rige a partir de su publicación, desde las 00:00 de ese día")).to_be_visible()

    # Each answer, read back without signing in on the public page ...
    citizen = new_page()
    citizen.goto(f"/publico/{CIRCASIA}")
    public = " ".join(citizen.locator("main").inner_text().split())
    assert "Vigente." in public
    for (_, decision, reason), text in zip(ANSWERS, (*CTP_RECS, *CRQ_RECS)):
        assert text in public and f"Respuesta: {decision} — {reason}" in public, (text, reason)
    assert "Aprobada, el 5 de mayo de 2028" in public and "Concejal Luisa Gómez, Concejal Pedro Arango" in public
    assert "Aprobado en comisión el 8 de mayo de 2028" in public and "12 de mayo de 2028" in public
    assert_accessible(citizen)
    shot(citizen, "public-finished-desktop")

    # ... and in the expediente printed to PDF by Chromium, read with pdftotext.
    expediente = walk.page("planeacion")
    expediente.goto(f"/planes/{plan.id}/expediente")
    pdf_path = tmp_path / "expediente.pdf"
    expediente.pdf(path=str(pdf_path), format="A4", print_background=True)
    printed = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], check=True,
                                      capture_output=True, text=True).stdout.split())
    for (_, decision, reason), text in zip(ANSWERS, (*CTP_RECS, *CRQ_RECS)):
        assert text in printed and reason in printed, (text, reason)
    db_session.refresh(plan)
    assert "Aceptada parcialmente" in printed and plan.history_head in printed.replace(" ", "")

    # The same finished page on a 360 px phone, read by the CTP (its session reused): no horizontal scroll.
    phone = new_page(phone=True, storage_state=walk.page("ctp").context.storage_state())
    phone.goto(f"/planes/{plan.id}")
    state_line(phone, "in_force")
    no_horizontal_scroll(phone)
    assert_accessible(phone)
    shot(phone, "finished-plan-360")

    db_session.refresh(plan)
    # The walk files no investment plan, and the plan says so (L152 art. 31); no other warning.
    assert plan.state == "in_force" and plan.flags in (None, [], ["filed_without_ppi"])


# ---------------------------------------------------------------------------------------------------------------
# 2. A departamento with two CARs, up to the filing with the Asamblea


@pytest.fixture
def sucre(db_session):
    demo_data()  # the demo leaves Sucre's plan "in_office" (posesión recorded on 2 January 2028)
    return plan_of(db_session, SUCRE)


def demo_accounts(*slugs: str) -> dict[str, tuple[str, str]]:
    return {slug: (DEMO[slug].email, DEMO[slug].password) for slug in slugs}


def test_departamento_with_two_cars_reaches_the_asamblea_through_the_pages(
        new_page, live_server, set_today, evidence_pdf, sucre, db_session):
    walk = Walk(new_page, live_server, set_today, evidence_pdf, demo_accounts(
        "gobernador.sucre", "planeacion.sucre", "ctp.sucre", "carsucre", "corpomojana"))
    concept = "Remitir el concepto técnico de la autoridad ambiental"

    walk.act("planeacion.sucre", "Impartir orientaciones y conformar el equipo formulador", "2028-01-12", "drafting",
             fill=lambda p: p.get_by_label("Nombre del líder del equipo formulador").fill("Jorge Pérez"))
    walk.act("planeacion.sucre", "Presentar el proyecto al Consejo de Gobierno", "2028-02-21",
             "submitted_to_consejo_de_gobierno")  # each CAR receives its copy this day: 15 business days run

    # Each CAR sees only its own review, in its inbox and on the plan page.
    carsucre = walk.page("carsucre")
    carsucre.goto("/")
    expect(carsucre.get_by_role("link", name=concept)).to_have_count(1)
    expect(carsucre.locator("table.pending")).to_contain_text("Autoridad ambiental CARSUCRE")
    expect(carsucre.locator("table.pending")).not_to_contain_text("CORPOMOJANA")
    carsucre.goto(f"/planes/{sucre.id}")
    actions = carsucre.locator("ul.actions")
    expect(actions.locator("li")).to_have_count(1)
    expect(actions).to_contain_text("Autoridad ambiental CARSUCRE")
    # ... and cannot open the other's review form by its address.
    other = f"/planes/{sucre.id}/actos/car_review/CORPOMOJANA/receive_concept"
    response = carsucre.goto(other)
    assert response.status in (403, 409), response.status
    expect(carsucre.get_by_role("button", name=re.compile("^Registrar"))).to_have_count(0)
    expect(carsucre.locator("input[type=file]")).to_have_count(0)

    walk.act("planeacion.sucre", "Consolidar el proyecto en el Consejo de Gobierno", "2028-02-28", "consolidated")
    walk.act("gobernador.sucre", "Presentar el proyecto al CTP con copia a la Asamblea de Sucre", "2028-02-29",
             "submitted_to_ctp")
    walk.act("carsucre", concept, "2028-03-01", "submitted_to_ctp", subject="Autoridad ambiental CARSUCRE",
             fill=lambda p: p.get_by_label("Favorable", exact=True).check())
    walk.act("ctp.sucre", "Entregar el concepto del CTP (total o parcial)", "2028-03-03", "ctp_stage_closed",
             fill=lambda p: p.get_by_label("Favorable", exact=True).check())

    # T6: CORPOMOJANA is still inside its 15 business days; considering the concepts now is refused, beside the
    # field where the reason to go on without its concept is written (422, with the form's other errors).
    consider = "Considerar los conceptos del CTP y la autoridad ambiental y ajustar el proyecto"
    notes = "Conceptos favorables del CDP y de CARSUCRE, sin recomendaciones."
    set_today("2028-03-06")
    page = walk.open_from_inbox("planeacion.sucre", consider)
    walk.fill_common(page, "2028-03-06", "OF-2028-031")
    page.get_by_label("Observaciones").fill(notes)
    response = walk.submit(page, consider)
    assert response.status == 422
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("No se guardó nada.")
    expect(alert).to_contain_text("La autoridad ambiental CORPOMOJANA aún está dentro de sus quince días hábiles")
    expect(alert).to_contain_text("Espere su concepto o documente por qué se continúa sin él.")
    expect(alert).to_contain_text("(D1865 art. 3 num. 3; L4-1913 art. 62)")
    expect(page.locator("#car_wait_reason-err")).to_contain_text("CORPOMOJANA aún está dentro de sus quince días")
    expect(page.get_by_label("Observaciones")).to_have_value(notes)  # kept
    assert_accessible(page)
    shot(page, "t6-refusal-desktop")
    page.goto(f"/planes/{sucre.id}")
    state_line(page, "ctp_stage_closed")  # nothing changed

    # CORPOMOJANA sends its own concept on its own review; then the same act passes.
    corpomojana = walk.page("corpomojana")
    corpomojana.goto("/")
    expect(corpomojana.locator("table.pending")).not_to_contain_text("CARSUCRE")
    walk.act("corpomojana", concept, "2028-03-07", "ctp_stage_closed", subject="Autoridad ambiental CORPOMOJANA",
             fill=lambda p: (p.get_by_label("Favorable con recomendaciones", exact=True).check(),
                             p.get_by_label(re.compile("^Recomendaciones")).fill(
                                 "Incluir la gestión del riesgo de inundación en La Mojana")))
    walk.act("planeacion.sucre", consider, "2028-03-08", "adjusting",
             fill=lambda p: (p.get_by_role("group", name=re.compile("^Recomendación CORPOMOJANA 1:")).get_by_label(
                                 "Aceptada", exact=True).check(),
                             p.get_by_label("Razón de la respuesta a la recomendación CORPOMOJANA 1").fill(
                                 "Se incluye en el eje de adaptación al cambio climático")))
    # The filing step tells the governor that the Asamblea, in its first year, is in recess in April and May
    # (L2200 art. 23): extraordinary sessions must be convoked (L152 art. 40).
    set_today("2028-03-10")
    filing = walk.open_from_inbox("gobernador.sucre", "Radicar el proyecto de ordenanza")
    sessions_note = filing.get_by_role("note").filter(has_text="sesiones")
    expect(sessions_note).to_contain_text("Hay que convocar a sesiones extraordinarias.")
    expect(sessions_note).to_contain_text("L2200 art. 23")
    shot(filing, "filing-sessions-notice-desktop")
    done = walk.act("gobernador.sucre", "Radicar el proyecto de ordenanza", "2028-03-10",
                    "filed_with_corporacion", reference="PO-003-2028")

    rows = " | ".join(history_rows(done))
    for what in ("Remitir el concepto técnico de la autoridad ambiental · CARSUCRE",
                 "Remitir el concepto técnico de la autoridad ambiental · CORPOMOJANA"):
        assert what in rows, rows
    assert rows.count("D1865 art. 3 num. 3") == 2
    # The CARs' authorship is kept: each concept was registered by its own account.
    assert "Corporación Autónoma Regional de Sucre (demo)" in rows and "Corpomojana (demo)" in rows
    # The convocation is now a duty with its term, in "Pendientes con plazo".
    done.goto("/")
    expect(done.locator("table.duties")).to_contain_text("Convocar a sesiones a la Asamblea de Sucre")
    shot(done, "inbox-convocation-duty-desktop")


def test_a_car_opening_another_cars_review_gets_403_with_the_reason(new_page, live_server, sucre, set_today):
    secretary = db.session.scalar(select(User).filter_by(email=DEMO["planeacion.sucre"].email))
    for trigger, on in (("start_drafting", date(2028, 1, 12)), ("submit_to_consejo_de_gobierno", date(2028, 2, 21))):
        apply_act(db.session, plan_id=sucre.id, command=ActCommand(trigger=trigger, act_on=on, evidence=pdf()),
                  actor=secretary, role=Role.PLANEACION, expected_version=None, today=on)
    set_today("2028-02-22")
    page = new_page()
    sign_in(page, live_server, DEMO["carsucre"].email, DEMO["carsucre"].password)
    response = page.goto(f"/planes/{sucre.id}/actos/car_review/CORPOMOJANA/receive_concept")
    assert response.status == 403
    expect(page.locator(".error-detail")).to_contain_text("autoridad ambiental destinataria")


# ---------------------------------------------------------------------------------------------------------------
# 3. Refusals seen in the browser


def test_refusals_are_spanish_pages_and_change_nothing(new_page, live_server, circasia, db_session, set_today):
    plan, cast = circasia
    set_today("2028-01-05")
    page = new_page()
    sign_in(page, live_server, cast.ejecutivo.email, PASSWORD)

    # A step the law does not allow now: publishing a plan whose mayor has not even taken office.
    response = page.goto(f"/planes/{plan.id}/actos/pdt_approval/-/publish")
    assert response.status == 409
    expect(page.get_by_role("heading", level=1)).to_have_text("Conflicto")
    expect(page.locator(".error-detail")).to_have_text(
        "Esta acción no procede en el estado actual del plan («Electo, sin posesión»).")
    expect(page.get_by_role("link", name="Volver a Mis pendientes")).to_be_visible()
    assert_accessible(page)
    shot(page, "refusal-409-desktop")

    # A role the user does not hold on this plan: the CTP's concept, opened by the mayor.
    response = page.goto(f"/planes/{plan.id}/actos/pdt_approval/-/record_ctp_concept")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Acceso no permitido")
    expect(page.locator(".error-detail")).to_have_text("Su cuenta no tiene permiso para esta acción o este plan.")

    # A plan of another entity (Génova, from the demo): its existence stays hidden.
    demo_data()
    genova = plan_of(db_session, "63302")
    for url in (f"/planes/{genova.id}", f"/planes/{genova.id}/actos/pdt_approval/-/record_ctp_concept"):
        response = page.goto(url)
        assert response.status == 404, url
        expect(page.get_by_role("heading", level=1)).to_have_text("Página no encontrada")
        expect(page.locator(".error-detail")).to_contain_text("no existe o no está disponible para su cuenta")

    # The same refusal on a phone: readable at 360 px without horizontal scroll.
    phone = new_page(phone=True, storage_state=page.context.storage_state())  # the same signed-in session
    response = phone.goto(f"/planes/{plan.id}/actos/pdt_approval/-/publish")
    assert response.status == 409
    no_horizontal_scroll(phone)
    shot(phone, "refusal-409-360")

    page.goto(f"/planes/{plan.id}")
    state_line(page, "elected")
    expect(page.get_by_text("El plan aún no tiene actos registrados.")).to_be_visible()


def test_someone_else_changed_the_plan_meanwhile_is_a_409_that_keeps_the_form(
        new_page, live_server, circasia, set_today, evidence_pdf):
    plan, cast = circasia
    walk_to(cast, "adjusting")
    label = "Programar una audiencia pública del plan de inversiones"
    walk = Walk(new_page, live_server, set_today, evidence_pdf, accounts_of(cast))
    set_today("2028-04-05")
    mayor = walk.open_from_inbox("ejecutivo", label)
    secretary = walk.open_from_inbox("planeacion", label)
    for page, place in ((secretary, "Coliseo municipal"), (mayor, "Casa de la Cultura")):
        walk.fill_common(page, "2028-04-05", "CIT-01")
        page.get_by_label("Fecha de la audiencia").fill("2028-04-20")
        page.get_by_label("Hora de inicio").fill("18:00")
        page.get_by_label("Lugar").fill(place)
        page.get_by_label("Comuna, barrio, localidad o municipio").fill("Centro")
    assert redirected(walk.submit(secretary, label))
    response = walk.submit(mayor, label)
    assert response.status == 409
    expect(mayor.get_by_role("alert")).to_contain_text("El plan cambió mientras usted llenaba este formulario")
    expect(mayor.get_by_label("Lugar")).to_have_value("Casa de la Cultura")
    mayor.goto(f"/planes/{plan.id}")
    rows = history_rows(mayor)
    assert sum(label in r for r in rows) == 1 and "Coliseo municipal" not in " ".join(rows)


def test_opening_an_act_a_guard_refuses_shows_the_guards_reason_and_norm(new_page, live_server, circasia,
                                                                        set_today):
    plan, cast = circasia
    walk_to(cast, "in_debate")
    cast.act("corporacion", "propose_amendment", "2028-05-03", payload={"text": "Más vivienda", "authors": ["Luisa"]})
    cast.act("corporacion", "record_committee_debate", "2028-05-08", payload={"committee_outcome": "approved"})
    cast.act("corporacion", "record_plenary_debate", "2028-05-12")
    set_today("2028-05-12")
    page = new_page()
    sign_in(page, live_server, cast.corporacion.email, PASSWORD)
    response = page.goto(f"/planes/{plan.id}/actos/pdt_approval/-/approve_plan")
    assert response.status == 409
    detail = page.locator(".error-detail").inner_text()  # the page is loaded: no need to wait for a change
    assert "Hay modificaciones sin decidir por la corporación: 1." in detail, detail
    assert "L152 art. 40" in page.locator("main").inner_text()


# ---------------------------------------------------------------------------------------------------------------
# 4. Accessibility, weight and phone layout; an act sent without JavaScript


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "360px"])
def test_inbox_plan_and_concept_form_are_accessible_light_and_fit_a_phone(
        new_page, live_server, circasia, set_today, phone):
    plan, cast = circasia
    walk_to(cast, "submitted_to_ctp")  # history of five acts; the CTP's concept is pending
    set_today("2028-03-10")
    page = new_page(phone=phone)
    sign_in(page, live_server, cast.ctp.email, PASSWORD)
    pages = {
        "/": lambda: expect(page.locator("table.duties")).to_contain_text("Entregar el concepto del CTP"),
        f"/planes/{plan.id}": lambda: expect(page.locator("section", has=page.get_by_role(
            "heading", name="Historial")).locator("tbody tr")).to_have_count(5),
        f"/planes/{plan.id}/actos/pdt_approval/-/record_ctp_concept": lambda: expect(
            page.get_by_role("group", name="Sentido del concepto")).to_be_visible(),
    }
    for url, check in pages.items():
        weight = first_load_bytes(page, f"{live_server}{url}")
        assert weight < FIRST_LOAD_BUDGET, f"primera carga de {url}: {weight} bytes de HTML+CSS+JS (meta < 100 KB)"
        check()
        assert_accessible(page)
        no_horizontal_scroll(page)
    if phone:
        shot(page, "ctp-concept-form-360")


def test_an_act_is_sent_and_corrected_with_javascript_disabled(new_page, live_server, circasia, set_today,
                                                               evidence_pdf):
    plan, cast = circasia
    set_today("2028-01-04")
    page = new_page(java_script_enabled=False)
    page.set_content('<p id="probe">sin JS</p><script>document.getElementById("probe").textContent = "con JS"</script>')
    expect(page.locator("#probe")).to_have_text("sin JS")  # the context really runs no page scripts
    walk = Walk(new_page, live_server, set_today, evidence_pdf, accounts_of(cast))
    walk.pages["ejecutivo"] = page
    sign_in(page, live_server, cast.ejecutivo.email, PASSWORD)
    label = "Registrar la posesión del alcalde"
    walk.open_from_inbox("ejecutivo", label)

    # First without the date: the Spanish field error, the other values kept, nothing saved.
    walk.fill_common(page, "2028-01-03", "Acta de posesión 001")
    page.get_by_label("Fecha del acto", exact=True).fill("")
    assert walk.submit(page, label).status == 422
    expect(page.get_by_role("alert")).to_contain_text("Revise los campos marcados.")
    expect(page.locator("#act_on-err")).to_have_text("Indique la fecha del acto (día/mes/año).")
    expect(page.get_by_label("Fecha del acto", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Número de radicado, acta, decreto o acuerdo")).to_have_value("Acta de posesión 001")

    # Corrected and sent again: the plan page shows the new state.
    walk.fill_common(page, "2028-01-03", "Acta de posesión 001")
    assert redirected(walk.submit(page, label))
    state_line(page, "in_office")
    expect(page.locator("p.flash")).to_contain_text(f"Acto registrado: «{label}».")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "360px"])
def test_the_paged_board_is_accessible_light_and_fits_a_phone(new_page, live_server, db_session, set_today,
                                                              monkeypatch, phone):
    from workflow_app.services.monitoring import board as board_service

    monkeypatch.setattr(board_service, "PAGE_SIZE", 2)  # three plans, two pages
    for code in ("63302", "63001", "63130"):
        make_plan(db_session, code)
    admin = make_user(db_session, "admin.tablero@prueba.co", Role.ADMIN)
    set_today("2028-03-10")
    page = new_page(phone=phone)
    sign_in(page, live_server, admin.email, PASSWORD)
    weight = first_load_bytes(page, f"{live_server}/tablero")
    assert weight < FIRST_LOAD_BUDGET, f"primera carga del tablero: {weight} bytes (meta < 100 KB)"
    pager = page.get_by_role("navigation", name="Páginas del tablero")
    expect(page.locator("table.board caption")).to_contain_text("Planes 1 a 2 de 3")
    assert_accessible(page)
    no_horizontal_scroll(page)
    pager.get_by_role("link", name="Siguiente ›").click()
    expect(page.locator("table.board caption")).to_contain_text("Planes 3 a 3 de 3")
    expect(pager.locator('[aria-current="page"]')).to_have_text("2")
    expect(page.locator("ul.summary")).to_contain_text("3 planes")  # the summary counts every plan
    assert_accessible(page)
    no_horizontal_scroll(page)
    if phone:
        shot(page, "board-page-2-360")
