"""The last stretch in a real browser (issue 20), for a municipio (Circasia, L136) and a departamento (Quindío,
L2200): objection for inconvenience → rejection → the executive's silence → sanction by the corporation's
president → publication → (municipio) copy to the governor and its review; and an objection for illegality →
insistence → Tribunal → archive. Refusals name their norm. The route before the approval is walked through the
service (tests/e2e/test_walks.py walks it through the pages).

Set E2E_SHOTS_DIR to save the plan page and the public page at 1280 px and 360 px."""
from __future__ import annotations

import re

import pytest

from tests import pdf_samples
from tests.e2e.conftest import expect, redirected
from tests.e2e.test_walks import PASSWORD, Walk, no_horizontal_scroll, shot
from tests.workflow_app.story import Cast, make_plan, walk_to

ENTITIES = {"municipio": "63190", "departamento": "63"}


@pytest.fixture
def evidence_pdf(tmp_path):
    path = tmp_path / "soporte-del-acto.pdf"
    path.write_bytes(pdf_samples.VALID)
    return path


def shot_of(locator, name: str) -> None:
    """The section alone (E2E_SHOTS_DIR), to read it at its width."""
    import os
    from pathlib import Path
    if os.environ.get("E2E_SHOTS_DIR"):
        locator.screenshot(path=str(Path(os.environ["E2E_SHOTS_DIR"]) / f"{name}.png"))


def people(cast: Cast) -> dict[str, tuple[str, str]]:
    return {r: (getattr(cast, r).email, PASSWORD) for r in ("ejecutivo", "planeacion", "corporacion")}


def act(walk: Walk, plan_id: int, who: str, label: str, on: str, *, fill=None, irreversible=False):
    """One act from the plan page's "Lo que usted puede hacer ahora", with its date, number and PDF."""
    walk.set_today(on)
    page = walk.page(who)
    page.goto(f"/planes/{plan_id}")
    page.get_by_role("link", name=re.compile("^" + re.escape(label))).first.click()
    if irreversible:
        expect(page.locator("div.warn-box")).to_contain_text("irreversible")
        page.get_by_role("link", name="Sí, continuar al formulario").click()
        page.get_by_label("Confirmo que este acto es irreversible", exact=False).check()
    walk.fill_common(page, on, f"RAD-{on}-{who}")
    if fill:
        fill(page)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name=re.compile("^Registrar")).click()
    assert redirected(answer.value), page.locator("main").inner_text()
    expect(page.locator("p.flash")).to_contain_text("Acto registrado:")
    return page


def refused(walk: Walk, plan_id: int, who: str, trigger: str, on: str, *texts: str) -> None:
    """Opening an act the law refuses now shows the reason and its norm; nothing is written."""
    walk.set_today(on)
    page = walk.page(who)
    page.goto(f"/planes/{plan_id}/actos/pdt_approval/-/{trigger}?confirmado=1")
    main = page.locator("main")
    for text in texts:
        expect(main).to_contain_text(text)


def public_shots(public, section, new_page, live_server, dane: str, name: str) -> None:
    """The public page and its last-stretch section at 1280 px and 360 px (no sideways scroll on the phone)."""
    shot(public, f"publico-{name}-desktop")
    shot_of(section, f"seccion-publica-{name}-1280")
    phone = new_page(phone=True)
    phone.goto(f"{live_server}/publico/{dane}")
    no_horizontal_scroll(phone)
    shot(phone, f"publico-{name}-360")
    shot_of(phone.locator("section", has=phone.get_by_role("heading", name="Sanción, objeciones y publicación")),
            f"seccion-publica-{name}-360")


def approved(db_session, kind: str):
    cast = Cast(db_session, make_plan(db_session, ENTITIES[kind]))
    walk_to(cast, "approved_by_corporacion")  # approved Monday 15 May 2028
    return cast


@pytest.mark.parametrize("kind", list(ENTITIES))
def test_inconvenience_objection_rejected_silence_president_sanctions_publication_and_review(
        kind, new_page, live_server, set_today, evidence_pdf, db_session):
    cast = approved(db_session, kind)
    plan_id = cast.plan.id
    walk = Walk(new_page, live_server, set_today, evidence_pdf, people(cast))
    law = "L136 art. 79" if kind == "municipio" else "L2200 art. 100 par."

    act(walk, plan_id, "corporacion", "Remitir el proyecto aprobado para sanción", "2028-05-17",
        fill=lambda p: p.get_by_label(re.compile("^Número de artículos del proyecto aprobado")).fill("34"))
    executive = walk.page("ejecutivo")
    executive.goto(f"/planes/{plan_id}")
    terms = executive.locator("section", has=executive.get_by_role("heading", name="Sanción, objeciones y publicación"))
    expect(terms).to_contain_text("este proyecto tiene 34")
    expect(terms.locator("tbody tr")).to_have_count(3)
    shot(executive, f"sancion-{kind}-desktop")
    shot_of(terms, f"seccion-sancion-{kind}-1280")
    act(walk, plan_id, "ejecutivo", "Objetar el proyecto por inconveniencia o ilegalidad", "2028-05-19",
        irreversible=True, fill=lambda p: (p.get_by_label("Inconveniencia", exact=True).check(),
                                           p.get_by_label(re.compile("^Número de artículos del proyecto \\(")).fill("34")))
    if kind == "departamento":
        # L2200 art. 100 par.: rejected only by half the members plus one. Six votes of the Asamblea's twelve are
        # refused with the number needed, the form keeps what was typed and nothing is written; seven go through.
        walk.set_today("2028-05-26")
        secretary = walk.page("corporacion")
        secretary.goto(f"/planes/{plan_id}")
        secretary.get_by_role("link", name=re.compile("^Rechazar las objeciones por inconveniencia")).first.click()
        walk.fill_common(secretary, "2028-05-26", "RAD-2028-05-26-corporacion")
        secretary.get_by_label(re.compile("^Votos de la plenaria")).fill("6")
        secretary.get_by_label(re.compile("^Número de miembros de la Asamblea")).fill("12")
        secretary.get_by_role("button", name=re.compile("^Registrar")).click()
        expect(secretary.locator("main")).to_contain_text("Con 6 votos de 12 miembros las objeciones no quedan "
                                                          "rechazadas: hacen falta 7")
        expect(secretary.locator("main")).to_contain_text("L2200 art. 100 par.")
        expect(secretary.get_by_label(re.compile("^Votos de la plenaria"))).to_have_value("6")
        shot(secretary, "rechazo-mayoria-departamento")
        secretary.goto(f"/planes/{plan_id}")
        expect(secretary.locator("main")).to_contain_text("Objetado por el gobernador")
    act(walk, plan_id, "corporacion", "Rechazar las objeciones por inconveniencia", "2028-05-26",
        fill=lambda p: (p.get_by_label(re.compile("^Votos de la plenaria")).fill("7"),
                        p.get_by_label(re.compile("^Número de miembros d")).fill("12")))
    # No second objection after the override; the president cannot sanction inside the executive's 8 days.
    # (the refusal of a second objection, L136 art. 79, is in tests/workflow_app/test_last_stretch.py: here the
    # page already says the objection was recorded)
    executive.goto(f"/planes/{plan_id}")
    expect(executive.get_by_role("link", name=re.compile("^Objetar"))).to_have_count(0)
    expect(executive.get_by_role("link", name=re.compile("^Sancionar"))).to_have_count(1)
    refused(walk, plan_id, "corporacion", "sanction_by_president", "2028-06-08", "9 de junio de 2028", law)
    act(walk, plan_id, "corporacion", "Sancionar el proyecto como presidente", "2028-06-09", irreversible=True)
    act(walk, plan_id, "ejecutivo", "Publicar el plan adoptado", "2028-06-12")
    if kind == "municipio":
        act(walk, plan_id, "ejecutivo", "Enviar copia del acuerdo sancionado al gobernador", "2028-06-14")
        act(walk, plan_id, "planeacion", "Registrar el resultado de la revisión jurídica del gobernador",
            "2028-06-30", fill=lambda p: p.get_by_label("El gobernador lo encontró ajustado a derecho").check())
    else:
        refused(walk, plan_id, "ejecutivo", "send_copy_to_governor", "2028-06-14", "L136 art. 82")

    public = new_page()
    public.goto(f"{live_server}/publico/{ENTITIES[kind]}")
    section = public.locator("section", has=public.get_by_role("heading", name="Sanción, objeciones y publicación"))
    expect(section).to_contain_text("rechazó las objeciones")
    expect(section).to_contain_text("Sancionado por el presidente")
    expect(section).to_contain_text("Publicado: 12 de junio de 2028")
    if kind == "municipio":
        expect(section).to_contain_text("ajustado a derecho")
    public_shots(public, section, new_page, live_server, ENTITIES[kind], kind)


@pytest.mark.parametrize("kind", list(ENTITIES))
def test_illegality_objection_insisted_goes_to_the_tribunal_and_is_archived(
        kind, new_page, live_server, set_today, evidence_pdf, db_session):
    cast = approved(db_session, kind)
    plan_id = cast.plan.id
    walk = Walk(new_page, live_server, set_today, evidence_pdf, people(cast))
    act(walk, plan_id, "corporacion", "Remitir el proyecto aprobado para sanción", "2028-05-17",
        fill=lambda p: p.get_by_label(re.compile("^Número de artículos del proyecto aprobado")).fill("12"))
    act(walk, plan_id, "ejecutivo", "Objetar el proyecto por inconveniencia o ilegalidad", "2028-05-19",
        irreversible=True, fill=lambda p: (p.get_by_label(re.compile("^Ilegalidad")).check(),
                                           p.get_by_label(re.compile("^Número de artículos del proyecto \\(")).fill("12")))
    refused(walk, plan_id, "corporacion", "reject_objections", "2028-05-26", "Tribunal Administrativo",
            "L136 art. 80" if kind == "municipio" else "L2200 art. 101")
    def receipt(p):  # L2200 art. 101: the 48 hours run from the governor's receipt of the communication
        if kind == "departamento":
            p.get_by_label(re.compile("^Fecha en que el gobernador recibió la comunicación")).fill("2028-05-26")
            shot(p, "insistencia-departamento")
    act(walk, plan_id, "corporacion", "Rechazar las objeciones de ilegalidad e insistir en el proyecto", "2028-05-26",
        fill=receipt)
    act(walk, plan_id, "ejecutivo", "Enviar el proyecto al Tribunal Administrativo", "2028-05-29")
    page = act(walk, plan_id, "corporacion", "Registrar el fallo del Tribunal que archiva el proyecto", "2028-08-10",
               irreversible=True)
    expect(page.locator("p.state")).to_contain_text("Archivado por objeciones de ilegalidad fundadas")
    shot(page, f"archivado-{kind}-desktop")
    phone = new_page(phone=True)
    from tests.e2e.conftest import sign_in
    sign_in(phone, live_server, cast.corporacion.email, PASSWORD)
    phone.goto(f"{live_server}/planes/{plan_id}")
    no_horizontal_scroll(phone)
    shot(phone, f"archivado-{kind}-360")
    public = new_page()
    public.goto(f"{live_server}/publico/{ENTITIES[kind]}")
    expect(public.locator("main")).to_contain_text("El Tribunal Administrativo halló fundadas las objeciones")


def test_bogota_objects_on_the_sixth_day_the_tribunal_returns_the_project_and_the_council_president_sanctions(
        new_page, live_server, set_today, evidence_pdf, db_session):
    """Decreto-Ley 1421 de 1993: ten days to object whatever the size (art. 23), the Tribunal within ten days and,
    after "infundadas", three days for the mayor and then the Concejo's president (art. 25); a partly vitiated
    project is reconsidered first (L136 art. 80 through DL1421 art. 2); no copy to the governor (art. 7)."""
    cast = Cast(db_session, make_plan(db_session, "11001"))
    walk_to(cast, "approved_by_corporacion")
    plan_id = cast.plan.id
    walk = Walk(new_page, live_server, set_today, evidence_pdf, people(cast))
    act(walk, plan_id, "corporacion", "Remitir el proyecto aprobado para sanción", "2028-05-17",
        fill=lambda p: p.get_by_label(re.compile("^Número de artículos del proyecto aprobado")).fill("12"))
    executive = walk.page("ejecutivo")
    executive.goto(f"/planes/{plan_id}")
    terms = executive.locator("section", has=executive.get_by_role("heading", name="Sanción, objeciones y publicación"))
    expect(terms).to_contain_text("Decreto-Ley 1421 de 1993")
    expect(terms).to_contain_text("DL1421 art. 23")
    expect(terms.locator("tbody tr")).to_have_count(1)
    expect(terms.locator("tbody tr")).to_contain_text("Cualquier número de artículos")
    shot_of(terms, "seccion-sancion-bogota-1280")
    # Thursday 25 May 2028, sixth business day: out of time under L136 art. 78 (12 articles), in time here.
    act(walk, plan_id, "ejecutivo", "Objetar el proyecto por inconveniencia o ilegalidad", "2028-05-25",
        irreversible=True, fill=lambda p: (p.get_by_label(re.compile("^Ilegalidad")).check(),
                                           p.get_by_label(re.compile("^Número de artículos del proyecto \\(")).fill("12")))
    # DL1421 art. 23: the objections are rejected only by half the Concejo's 45 members plus one (23).
    act(walk, plan_id, "corporacion", "Rechazar las objeciones de ilegalidad e insistir en el proyecto", "2028-05-26",
        fill=lambda p: (p.get_by_label(re.compile("^Votos de la plenaria")).fill("23"),
                        p.get_by_label(re.compile("^Número de miembros del Concejo")).fill("45")))
    act(walk, plan_id, "ejecutivo", "Enviar el proyecto al Tribunal Administrativo", "2028-06-01")
    page = act(walk, plan_id, "corporacion", "Registrar el fallo del Tribunal que halla el proyecto parcialmente",
               "2028-07-03")
    expect(page.locator("p.state")).to_contain_text("Parcialmente viciado según el Tribunal")
    shot(page, "reconsideracion-bogota-desktop")
    from tests.e2e.conftest import sign_in
    council_phone = new_page(phone=True)
    sign_in(council_phone, live_server, cast.corporacion.email, PASSWORD)
    council_phone.goto(f"{live_server}/planes/{plan_id}")
    expect(council_phone.get_by_role("link", name=re.compile("^Registrar la reconsideración"))).to_have_count(1)
    no_horizontal_scroll(council_phone)
    shot(council_phone, "reconsideracion-bogota-360")
    act(walk, plan_id, "corporacion", "Registrar la reconsideración", "2028-07-10")
    act(walk, plan_id, "corporacion", "Registrar el fallo del Tribunal que declara infundadas", "2028-08-01")
    refused(walk, plan_id, "corporacion", "sanction_by_president", "2028-08-04", "5 de agosto de 2028",
            "DL1421 art. 25")
    act(walk, plan_id, "corporacion", "Sancionar el proyecto como presidente", "2028-08-08", irreversible=True)
    refused(walk, plan_id, "ejecutivo", "send_copy_to_governor", "2028-08-09", "DL1421 art. 7")

    public = new_page()
    public.goto(f"{live_server}/publico/11001")
    section = public.locator("section", has=public.get_by_role("heading", name="Sanción, objeciones y publicación"))
    expect(section).to_contain_text("parcialmente viciado")
    expect(section).to_contain_text("reconsideró el proyecto")
    expect(section).to_contain_text("Sancionado por el presidente del Concejo")
    expect(section).to_contain_text("DL1421 art. 25")
    public_shots(public, section, new_page, live_server, "11001", "bogota")
    phone_plan = new_page(phone=True)
    sign_in(phone_plan, live_server, cast.ejecutivo.email, PASSWORD)
    phone_plan.goto(f"{live_server}/planes/{plan_id}")
    no_horizontal_scroll(phone_plan)
    shot_of(phone_plan.locator("section", has=phone_plan.get_by_role("heading", name="Sanción, objeciones y publicación")),
            "seccion-sancion-bogota-360")


def test_the_governor_publishes_the_objected_project_from_his_list_when_the_asamblea_is_in_recess(
        new_page, live_server, set_today, evidence_pdf, db_session):
    """L2200 art. 100 inc. 4 in the browser: the Asamblea del Quindío ends its sessions on 30 July 2028, inside the
    term to object a project remitted on 20 July; objected on 1 August, the governor finds in "Mis pendientes" the
    duty to publish the objected project by Friday 18 August, records it from there, and the duty is gone."""
    cast = approved(db_session, "departamento")
    plan_id = cast.plan.id
    cast.act("corporacion", "send_for_sanction", "2028-07-20", payload={"articles_sent": 60})
    cast.act("ejecutivo", "object", "2028-08-01", payload={"grounds": ["inconveniencia"], "article_count": 60})
    walk = Walk(new_page, live_server, set_today, evidence_pdf, people(cast))
    walk.set_today("2028-08-02")
    governor = walk.page("ejecutivo")
    governor.goto("/")
    duty = governor.locator("table.pending tbody tr", has_text="Publicar el proyecto objetado")
    expect(duty).to_contain_text("a más tardar 18 de agosto de 2028")
    expect(duty).to_contain_text("L2200 art. 100 inc. 4")
    shot(governor, "publicar-objetado-pendientes")
    governor.goto(f"/planes/{plan_id}")
    expect(governor.locator("main")).to_contain_text("la Asamblea está en receso desde el lunes 31 de julio de 2028")
    shot(governor, "publicar-objetado-plan")
    act(walk, plan_id, "ejecutivo", "Publicar el proyecto objetado", "2028-08-03")
    governor.goto("/")
    expect(governor.locator("table.pending tbody tr", has_text="Publicar el proyecto objetado")).to_have_count(0)
    no_horizontal_scroll(governor)


def test_the_governor_records_the_receipt_of_the_insistence_and_the_48_hours_move(
        new_page, live_server, set_today, evidence_pdf, db_session):
    """L2200 art. 101 in the browser: the Asamblea insists on Friday 26 May 2028 without stating the receipt; the
    plan page gives the governor until Sunday 28 May. The Gobernación receives the communication on Monday 29 May
    and records it from the plan page: the term now ends on Wednesday 31 May, and the act is no longer offered."""
    cast = approved(db_session, "departamento")
    plan_id = cast.plan.id
    cast.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    cast.act("ejecutivo", "object", "2028-05-19", payload={"grounds": ["ilegalidad"], "article_count": 12})
    cast.act("corporacion", "insist_on_project", "2028-05-26", payload={"decision_votes": 7, "corporation_members": 12})
    walk = Walk(new_page, live_server, set_today, evidence_pdf, people(cast))
    walk.set_today("2028-05-29")
    governor = walk.page("ejecutivo")
    governor.goto(f"/planes/{plan_id}")
    expect(governor.locator("main")).to_contain_text("28 de mayo de 2028")
    label = "Registrar el recibo de la comunicación de la insistencia"
    expect(governor.locator("ul.actions a", has_text=label)).to_have_count(1)
    governor.locator("ul.actions a", has_text=label).click()
    expect(governor.locator("main")).to_contain_text("recibió la comunicación de la insistencia: desde ese día corren")
    shot(governor, "recibo-insistencia-formulario-desktop")
    page = act(walk, plan_id, "ejecutivo", label, "2028-05-29")
    expect(page.locator("main")).to_contain_text("31 de mayo de 2028")
    expect(page.locator("ul.actions a", has_text=label)).to_have_count(0)  # its PDF is listed, the act no more
    shot(page, "recibo-insistencia-plan-desktop")
    phone = new_page(phone=True)
    from tests.e2e.conftest import sign_in
    sign_in(phone, live_server, cast.ejecutivo.email, PASSWORD)
    phone.goto(f"{live_server}/planes/{plan_id}")
    no_horizontal_scroll(phone)
    shot(phone, "recibo-insistencia-plan-360")
