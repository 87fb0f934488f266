"""The public portal: Génova's plan in the open (Ley 1909 art. 22), and nothing private ever shown."""
import io
import re

import pytest
from sqlalchemy import func, select

from tests.demo_copy import demo_data
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import PDF, Cast, make_plan, walk_to
from workflow_app.models import CitizenProposal, Document, User
from workflow_app.services.route.documents import Upload, store_document
from workflow_app.services.route.ppi import PpiLine, save_ppi_version

CONTACT = "vecina.privada@correo.co"


@pytest.fixture
def genova(db_session, set_today):
    """Génova in debate: one hearing held, one scheduled for 20 May 2028, two amendments (one accepted)."""
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "adjusting")
    cast.act("planeacion", "schedule_hearing", "2028-04-05",
             payload={"scheduled_on": "2028-04-20", "place": "Casa de la cultura", "zone": "Zona urbana"})
    cast.act("planeacion", "hold", "2028-04-21", machine="hearing", subject="1", payload={"attendance": "80"})
    save_ppi_version(db_session, cast.plan, [  # before the filing freezes it (L152 art. 40)
        PpiLine("Agua potable", "Acueducto veredal", 2028, "SGP Agua potable", 1_250_000),
        PpiLine("Agua potable", "Acueducto veredal", 2029, "Recursos propios", 750_000)], source="form",
        actor=cast.planeacion)
    for who, trigger, on in (("ejecutivo", "file_with_corporacion", "2028-04-28"),
                             ("corporacion", "assign_to_committee", "2028-05-02")):
        cast.act(who, trigger, on)
    cast.act("planeacion", "schedule_hearing", "2028-05-03",
             payload={"scheduled_on": "2028-05-20", "place": "Escuela vereda El Cairo", "zone": "Corregimiento Río Gris"})
    cast.act("corporacion", "propose_amendment", "2028-05-03",
             payload={"authors": ["Concejal Ana Ríos", "Concejal Luis Mora"], "text": "Sumar un programa de vías"})
    cast.act("corporacion", "propose_amendment", "2028-05-03",
             payload={"authors": ["Concejala Rosa Díaz"], "text": "Más recursos para el acueducto"})
    cast.act("ejecutivo", "accept_in_writing", "2028-05-04", machine="amendment", subject="1")
    public = store_document(db_session, plan_id=cast.plan.id, kind="public_draft", title="Proyecto de plan publicado",
                            upload=Upload("proyecto plan \"génova\".pdf", io.BytesIO(PDF)), uploaded_by_id=None,
                            is_public=True)
    private = store_document(db_session, plan_id=cast.plan.id, kind="draft", title="Borrador interno reservado",
                             upload=Upload("borrador.pdf", io.BytesIO(PDF)), uploaded_by_id=cast.planeacion.id)
    db_session.commit()
    set_today("2028-05-05")
    cast.public_doc, cast.private_doc = public, private
    return cast


def public_page(client, code="63302"):
    response = client.get(f"/publico/{code}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def propose(client, text="Propongo iluminar el camino a la vereda El Cairo.", contact=CONTACT, code="63302",
            headers=None):
    page = client.get(f"/publico/{code}").get_data(as_text=True)
    hearing = re.search(r'name="hearing_id"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="hearing_id"', page)
    assert 'name="csrf_token"' not in page  # a shared copy of the page must work for every visitor
    data = {"text": text, "contact": contact}
    if hearing:
        data["hearing_id"] = hearing.group(1) or hearing.group(2)
    return client.post(f"/publico/{code}/propuestas", data=data, headers=headers or {})


def test_anyone_sees_genovas_state_calendar_amendments_and_hearings(client, genova):
    page = public_page(client)
    # Said for the entity at hand (issue 13): its Concejo and its mayor, not "concejo o asamblea".
    assert "Génova (Quindío)" in page and "En debate en el Concejo de Génova" in page
    assert "El Concejo de Génova está debatiendo el proyecto de plan." in page
    assert "concejo o asamblea" not in page and "alcalde o gobernador" not in page
    # legal-path.md's source IDs are said in words (wording.readable_sources): the debates' rule
    assert "TAB-" not in page and "Tribunal Administrativo de Boyacá" in page
    # the legal calendar: the corporation's month, with its norm and act_by day
    assert "Decidir sobre el proyecto de plan en el Concejo de Génova" in page and "L152 art. 40" in page
    assert "Etapa superada" in page and "Pendiente" in page
    # amendments with authors and the executive's written answer (L1909 art. 22; L152 art. 40)
    assert "Concejal Ana Ríos, Concejal Luis Mora" in page and "Concejala Rosa Díaz" in page
    assert "Aceptada por escrito por el alcalde" in page
    assert "Sin respuesta escrita del alcalde" in page
    # hearing calendar, with attendance
    assert "Casa de la cultura" in page and "Audiencia pública realizada" in page
    assert '<td data-label="Asistentes">80</td>' in page
    assert "Escuela vereda El Cairo" in page and "sábado, 20 de mayo de 2028" in page
    # the PPI, current version
    assert "Acueducto veredal" in page and "$\u00a02.000.000" in page


def test_proposal_form_is_offered_only_while_a_hearing_is_scheduled(client, genova, set_today):
    page = public_page(client)
    assert 'action="/publico/63302/propuestas#errores"' in page and "Enviar propuesta" in page
    assert page.count('name="hearing_id"') == 1  # the held hearing is not offered
    hearing_id = re.search(r'name="hearing_id"[^>]*value="(\d+)"', page).group(1)
    set_today("2028-05-21")  # the scheduled hearing's day has passed
    later = public_page(client)
    assert "Enviar propuesta" not in later and "no hay audiencias abiertas" in later
    late = client.post("/publico/63302/propuestas", data={
        "hearing_id": hearing_id, "text": "Una propuesta que llega tarde."})
    assert late.status_code == 409


def test_public_pages_never_show_private_documents_or_personal_data(client, genova, db_session):
    propose(client)
    proposal = db_session.scalar(select(CitizenProposal))
    db_session.execute(CitizenProposal.__table__.update().values(status="published"))
    db_session.commit()
    page = public_page(client)
    assert proposal.text in page  # published ...
    assert CONTACT not in page  # ... without its contact
    assert "Proyecto de plan publicado" in page and "Borrador interno reservado" not in page
    assert f"/documentos/{genova.private_doc.id}\"" not in page
    for user in db_session.scalars(select(User)):
        assert user.email not in page and user.name not in page
    for url in ("/publico", "/publico?q=genova", "/publico/departamentos/63"):
        text = client.get(url).get_data(as_text=True)
        assert "@prueba.co" not in text and CONTACT not in text


def test_only_public_documents_download_with_a_safe_file_name(client, genova):
    assert client.get(f"/publico/63302/documentos/{genova.private_doc.id}").status_code == 404
    assert client.get(f"/publico/63111/documentos/{genova.public_doc.id}").status_code == 404  # another entity
    response = client.get(f"/publico/63302/documentos/{genova.public_doc.id}")
    assert response.status_code == 200 and response.data == PDF
    # Served under a name the service chooses from the title and version, never the sender's name.
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="genova-quindio-2028-2031-proyecto-de-plan-publicado-v1.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_proposal_is_held_for_moderation_with_its_private_contact(client, genova, db_session):
    response = propose(client)
    assert response.status_code == 302
    proposal = db_session.scalar(select(CitizenProposal))
    assert proposal.status == "pending" and proposal.contact == CONTACT and proposal.hearing_id is not None
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Recibimos su propuesta" in follow and proposal.text not in follow  # not published yet


def test_the_planning_office_is_told_once_a_day_that_proposals_wait_for_moderation(client, genova, db_session,
                                                                                     set_today):
    from workflow_app.models import Delivery, Notification

    for n in range(2):
        assert propose(client, text=f"Propuesta número {n} sobre el acueducto veredal.").status_code == 302
    db_session.rollback()
    notices = db_session.scalars(select(Notification).filter_by(kind="proposal")).all()
    assert [n.user_id for n in notices] == [genova.planeacion.id]  # the moderators only, and once
    [notice] = notices
    assert notice.subject == "Génova (Quindío): propuestas ciudadanas por moderar"
    assert notice.link == f"/planes/{genova.plan.id}/propuestas" and notice.legal_basis == "L1909 art. 22"
    delivery = db_session.scalar(select(Delivery).filter_by(notification_id=notice.id))
    assert delivery.status == "digest"  # not urgent: it waits for the daily digest
    set_today("2028-05-06")  # a new day, a new proposal: told again
    assert propose(client, text="Otra propuesta al día siguiente, sobre vías.").status_code == 302
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Notification).filter_by(kind="proposal")) == 2


def test_a_short_proposal_or_one_posted_from_another_site_stores_nothing(client, genova, db_session):
    assert propose(client, text="muy corta").status_code == 422
    page = client.get("/publico/63302").get_data(as_text=True)
    hearing = re.search(r'name="hearing_id"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="hearing_id"', page)
    data = {"text": "x" * 40, "hearing_id": hearing.group(1) or hearing.group(2)}
    for headers in ({"Origin": "https://otro-sitio.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site", "Origin": "https://sub.localhost"}):
        forged = client.post("/publico/63302/propuestas", data=data, headers=headers)
        assert forged.status_code == 403, headers
        assert "desde el formulario de esta página" in forged.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(CitizenProposal)) == 0
    from workflow_app.models import Notification

    assert db_session.scalar(select(func.count()).select_from(Notification).filter_by(kind="proposal")) == 0
    # The page's own form, as a browser sends it (over HTTPS behind a proxy the scheme may differ): accepted.
    for n, headers in enumerate(({"Sec-Fetch-Site": "same-origin"}, {"Origin": "https://localhost"})):
        sent = client.post("/publico/63302/propuestas", data={**data, "text": f"{data['text']} {n}"}, headers=headers)
        assert sent.status_code == 302, headers
    assert db_session.scalar(select(func.count()).select_from(CitizenProposal)) == 2


def test_proposals_are_rate_limited_per_address_with_a_spanish_429(app, client, genova, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "PROPOSAL_RATE_LIMIT", 3)
    for n in range(3):
        assert propose(client, text=f"Propuesta número {n} para la audiencia pública.").status_code == 302
    response = propose(client, text="Una cuarta propuesta en el mismo minuto.", headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 429
    assert "demasiadas propuestas" in response.get_data(as_text=True)
    # What the citizen wrote is shown back, to send it later (infra.kept_input), never their contact as a code.
    assert re.search(r'<textarea id="typed-\d+" readonly[^>]*>Una cuarta propuesta en el mismo minuto.</textarea>',
                     response.get_data(as_text=True))
    assert db_session.scalar(select(func.count()).select_from(CitizenProposal)) == 3



def test_a_proposal_to_a_hearing_no_longer_open_shows_the_text_back(client, genova, db_session):
    """The hearing closed (or was cancelled) while the citizen wrote: a 409 that shows their text back, to copy
    it (QA, 7 December 2026: the text was lost)."""
    response = client.post("/publico/63272/propuestas", headers={"Sec-Fetch-Site": "same-origin"},
                           data={"text": "Arreglar el puente de la vereda La Julia.", "hearing_id": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "no tiene audiencias públicas abiertas" in html
    assert re.search(r'<textarea id="typed-\d+" readonly[^>]*>Arreglar el puente de la vereda La Julia.</textarea>',
                     html)
    assert db_session.scalar(select(func.count()).select_from(CitizenProposal)) == 0

def test_citizens_at_one_hearing_share_an_address_and_a_corrected_text_is_not_held_against_them(
        app, client, genova, db_session, monkeypatch):
    """The venue's wifi is one address for everyone at the hearing: by default it takes a room's proposals, and a
    text sent too short and then corrected counts as one proposal, not two (PROPOSAL_RATE_LIMIT counts proposals
    received; PROPOSAL_ATTEMPT_LIMIT every send)."""
    for n in range(8):  # eight neighbours at the Casa de la Cultura, one address
        assert propose(client, text=f"Propuesta del vecino número {n} para la audiencia.", contact=None
                       ).status_code == 302, n
    assert db_session.scalar(select(func.count()).select_from(CitizenProposal)) == 8

    monkeypatch.setitem(app.config, "PROPOSAL_RATE_LIMIT", 10)
    for _ in range(3):  # too short three times: refused, nothing stored, nothing of the allowance used
        assert propose(client, text="Muy corta", contact=None).status_code == 422
    assert propose(client, text="Ahora sí, la propuesta completa del noveno vecino.", contact=None).status_code == 302
    assert propose(client, text="Y la del décimo vecino, también completa y clara.", contact=None).status_code == 302
    full = propose(client, text="La undécima ya no cabe en estos diez minutos.", contact=None)
    assert full.status_code == 429 and "demasiadas propuestas" in full.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(CitizenProposal)) == 10

    monkeypatch.setitem(app.config, "PROPOSAL_ATTEMPT_LIMIT", 17)  # 16 sends so far from this address
    assert propose(client, text="corta", contact=None).status_code == 429  # still refused: every send counts
    assert db_session.scalar(select(func.count()).select_from(CitizenProposal)) == 10


def test_a_proposal_sent_again_is_kept_once(app, client, genova, db_session, monkeypatch):
    """A weak connection: the proposal arrived but its answer did not, and the citizen sends it again."""
    from workflow_app.models import Notification

    monkeypatch.setitem(app.config, "PROPOSAL_RATE_LIMIT", 2)
    text = "Propongo un puesto de salud en la vereda El Cairo, a dos horas del casco urbano."
    assert propose(client, text=text).status_code == 302
    again = propose(client, text="  " + text + "\n", headers={"Sec-Fetch-Site": "same-origin"})
    assert again.status_code == 302
    told = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "ya nos había llegado: no se guardó dos veces" in told
    assert db_session.scalar(select(func.count()).select_from(CitizenProposal)) == 1
    assert db_session.scalar(select(func.count()).select_from(Notification).filter_by(kind="proposal")) == 1
    # Another contact, or another text, is another proposal; the resend did not use up the allowance of 2.
    assert propose(client, text=text, contact="otro.vecino@correo.co").status_code == 302
    assert db_session.scalar(select(func.count()).select_from(CitizenProposal)) == 2
    assert propose(client, text="Una tercera propuesta distinta de las dos primeras.").status_code == 429


def test_planeacion_publishes_or_rejects_and_the_public_sees_only_the_published(app, client, genova, db_session):
    propose(client, text="Propuesta buena sobre el acueducto de la vereda.")
    propose(client, text="Propuesta que no trata del plan de desarrollo.")
    moderator = app.test_client()
    assert login(moderator, genova.planeacion.email, "clave-de-prueba").status_code == 302
    page = moderator.get(f"/planes/{genova.plan.id}/propuestas").get_data(as_text=True)
    assert CONTACT in page  # the moderator may answer the citizen
    good, bad = db_session.scalars(select(CitizenProposal).order_by(CitizenProposal.id)).all()
    token = csrf_from(page)
    url = f"/planes/{genova.plan.id}/propuestas"
    assert moderator.post(url, data={"csrf_token": token, "proposal_id": good.id, "decision": "publish"}).status_code == 302
    assert moderator.post(url, data={"csrf_token": token, "proposal_id": bad.id, "decision": "reject"}).status_code == 302
    again = moderator.post(url, data={"csrf_token": token, "proposal_id": bad.id, "decision": "publish"},
                           follow_redirects=True)
    assert "ya fue moderada" in again.get_data(as_text=True)
    db_session.expire_all()
    assert [p.status for p in db_session.scalars(select(CitizenProposal).order_by(CitizenProposal.id))] == [
        "published", "rejected"]
    public = public_page(client)
    assert "Propuesta buena sobre el acueducto" in public and "no trata del plan" not in public
    assert CONTACT not in public


def test_a_moderation_naming_a_proposal_past_the_databases_integers_changes_nothing(app, client, genova, db_session):
    propose(client, text="Propuesta sobre el puente de la vereda La Topacia.")
    moderator = app.test_client()
    assert login(moderator, genova.planeacion.email, "clave-de-prueba").status_code == 302
    url = f"/planes/{genova.plan.id}/propuestas"
    token = csrf_from(moderator.get(url).get_data(as_text=True))
    for crafted in ("99999999999999999999", "-1", "1 OR 1=1"):
        answer = moderator.post(url, data={"csrf_token": token, "proposal_id": crafted, "decision": "publish"})
        assert answer.status_code == 422, crafted
        assert "No se pudo registrar la decisión" in answer.get_data(as_text=True)
    assert db_session.scalar(select(CitizenProposal.status)) == "pending"


def test_only_the_entitys_planeacion_moderates(app, genova):
    ctp = app.test_client()
    login(ctp, genova.ctp.email, "clave-de-prueba")
    assert ctp.get(f"/planes/{genova.plan.id}/propuestas").status_code == 403
    # The plan page links each reader where they may go: the volunteer to the published proposals (the page is
    # kept per record: both variants, one after the other, each from the kept copy the second time).
    moderator = app.test_client()
    login(moderator, genova.planeacion.email, "clave-de-prueba")
    for _ in range(2):
        page = ctp.get(f"/planes/{genova.plan.id}").get_data(as_text=True)
        assert f'href="/planes/{genova.plan.id}/propuestas"' not in page
        assert '<a href="/publico/63302#propuestas">Propuestas ciudadanas publicadas</a>' in page
        page = moderator.get(f"/planes/{genova.plan.id}").get_data(as_text=True)
        assert f'<a href="/planes/{genova.plan.id}/propuestas">Propuestas ciudadanas</a>' in page
    anonymous = app.test_client()
    assert anonymous.get(f"/planes/{genova.plan.id}/propuestas").status_code == 302  # to the sign-in page


@pytest.mark.parametrize("query", ["genova", "GÉNOVA", "Génova", "63302", "6330"])
def test_search_by_name_without_accents_or_by_dane_code(client, db_session, query):
    page = client.get("/publico", query_string={"q": query}).get_data(as_text=True)
    assert "/publico/63302" in page


@pytest.mark.parametrize("query, code", [("gobernación del quindío", "/publico/63\""),
                                         ("Alcaldía de Génova", "/publico/63302"), ("bogota dc", "/publico/11001"),
                                         ("Bogotá, D.C.", "/publico/11001"), ("mompós", "/publico/13468")])
def test_search_by_the_names_the_site_and_people_use(client, db_session, query, code):
    """QA, 7 December 2026: «gobernación del quindío» (as the site names it), «bogota dc» and «mompós» found
    nothing."""
    page = client.get("/publico", query_string={"q": query}).get_data(as_text=True)
    assert code in page


def test_a_departments_page_lists_its_gobernacion_first(client, db_session):
    page = client.get("/publico/departamentos/63").get_data(as_text=True)
    assert page.index('href="/publico/63"') < page.index('href="/publico/63001"')  # as the search does (QA)


def test_a_search_for_the_gobernacion_finds_the_department_first_and_only(client, db_session):
    page = client.get("/publico", query_string={"q": "Gobernación del Quindío"}).get_data(as_text=True)
    assert "1 resultado" in page and 'href="/publico/63"' in page and "/publico/63302" not in page
    page = client.get("/publico", query_string={"q": "quindío"}).get_data(as_text=True)
    assert page.index('href="/publico/63"') < page.index("/publico/63001")  # the department before its municipios


@pytest.mark.parametrize("query", ["%", "_", "%%", "g_nova", "\\"])
def test_like_wildcards_match_only_themselves(client, db_session, query):
    """Issue 12: ``q=%`` or ``q=_`` matched every entity. Now a wildcard is a character like any other, and no
    entity name contains one; the API's search escapes them the same way."""
    page = client.get("/publico", query_string={"q": query}).get_data(as_text=True)
    assert "No encontramos entidades" in page and "/publico/63302" not in page
    api = client.get("/api/v1/entities", query_string={"q": query})
    assert api.status_code == 200 and api.get_json()["total"] == 0


def test_a_name_with_a_percent_sign_is_found_by_it(client, db_session):
    from workflow_app.models import Entity

    entity = db_session.scalar(select(Entity).filter_by(dane_code="63302"))
    original = entity.name
    entity.name = f"{original} 100%"
    db_session.commit()
    try:
        page = client.get("/publico", query_string={"q": "100%"}).get_data(as_text=True)
        assert "/publico/63302" in page and page.count('<li><a href="/publico/') == 1
    finally:
        entity.name = original  # reference data outlives the test
        db_session.commit()


def test_country_and_department_progress(client, genova):
    page = client.get("/publico").get_data(as_text=True)
    # Issue 18: the count says what it counts.
    assert "1 de 1.135 entidades territoriales tiene abierto su plan" in page  # es-CO figures, in agreement (QA)
    assert "1 registra al menos un acto de su ruta" in page
    assert "En el concejo o asamblea" in page and "Avance promedio en los hitos del DNP" in page
    assert '<a href="/publico/departamentos/63">Quindío</a>' in page
    department = client.get("/publico/departamentos/63").get_data(as_text=True)
    assert "Génova (Quindío)" in department and "En debate en el Concejo de Génova" in department
    assert "Sin plan registrado" in department  # Buenavista has none here
    assert client.get("/publico/departamentos/42").status_code == 404
    assert client.get("/publico/99999").status_code == 404


def test_demo_genova_is_public_after_the_demo_is_loaded(client, db_session, set_today):
    set_today("2028-03-10")
    demo_data()
    page = public_page(client)
    assert "Presentado al CTP, con copia al Concejo de Génova" in page
    assert "Acueducto veredal La Esperanza" in page
    assert "Proyecto de plan de desarrollo presentado al CTP (demostración)" in page
    assert "demo.rutapdt.co" not in page and "(demo)" not in page
    # the acts' evidence was not marked public
    private = db_session.scalars(select(Document).where(Document.is_public.is_(False))).all()
    assert private and all(f"/documentos/{d.id}\"" not in page for d in private)
    assert client.get(f"/publico/63302/documentos/{private[0].id}").status_code == 404


def test_public_pages_need_no_login_and_send_the_strict_csp(client, genova):
    response = client.get("/publico/63302")
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script" not in response.get_data(as_text=True) and "style=" not in response.get_data(as_text=True)


def test_amendment_authors_are_required_for_publication(genova):
    # Authors come from the act's form; the public list shows exactly what the corporation registered.
    from workflow_app.services.public.public import public_amendments

    assert [a.authors for a in public_amendments(genova.plan)] == [
        ("Concejal Ana Ríos", "Concejal Luis Mora"), ("Concejala Rosa Díaz",)]
    assert [a.is_accepted_in_writing for a in public_amendments(genova.plan)] == [True, False]



def test_the_finished_demo_plan_shows_its_whole_case_without_signing_in(client, db_session, set_today):
    """Issue 13, "Done when": Filandia 2024-2027, walked by the demo through every act up to "Vigente"."""
    set_today("2028-03-10")
    demo_data()
    page = " ".join(client.get("/publico/63272").get_data(as_text=True).split())
    # Read in March 2028, the 2024-2027 plan governed until its period ended (pdt.period_ended), not «Vigente».
    assert "<strong>Vigente.</strong>" not in page
    assert ("<strong>Cumplió su período.</strong> El período 2024–2027 terminó el 31 de diciembre de 2027, y el "
            "plan rigió hasta ese día") in page
    assert "rige a partir de su publicación, desde las 00:00 de ese día" in page
    # A municipio's plan cites its own statute for the publication, never the departmental code (L2200).
    assert "(un acto general no obliga antes de publicarse: CPACA art. 65; L4-1913 art. 61; L136 art. 81)" in page
    assert "L2200" not in page
    # both concepts, each recommendation numbered, each with its answer and reason
    assert "Concepto del Consejo Territorial de Planeación" in page and "(CRQ)" in page
    for text in ("Incluir metas de cobertura de agua potable en las veredas",
                 "Articular el plan con el POMCA del río La Vieja", "Aceptada parcialmente", "No aceptada",
                 "Las obras de mitigación ya están en el plan de gestión del riesgo vigente."):
        assert text in page, text
    # amendments with authors and outcome
    assert "Concejal Marta Londoño, Concejal Jorge Ospina" in page and "Aprobada, el 9 de mayo de 2024" in page
    assert "Concejal Andrés Gil" in page and "Negada" in page
    assert "No aceptada por escrito por el alcalde, el 7 de mayo de 2024" in page
    # debates with dates, the hearing with its attendance, the adopted PPI
    assert "Aprobado en comisión el 10 de mayo de 2024" in page and "15 de mayo de 2024" in page
    assert '<td data-label="Asistentes">112</td>' in page
    assert "Plan de inversiones adoptado" in page and "Acueductos veredales" in page
    assert "Concejo de Filandia" in page and "concejo o asamblea" not in page
    assert "demo.rutapdt.co" not in page and "(demo)" not in page


# --- Revalidation (issue 15): a hearing day's thousands of citizens cost one cheap query each ------------------


def test_a_current_copy_of_the_public_page_is_answered_304_without_building_it(client, genova, monkeypatch):
    first = client.get("/publico/63302")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"].startswith("public, max-age=") and "Cookie" in first.headers["Vary"]
    import workflow_app.web.public.views as views

    def not_built(*args, **kwargs):
        raise AssertionError("the page was built for a revalidation")

    monkeypatch.setattr(views, "public_plan", not_built)
    again = client.get("/publico/63302", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    assert again.headers["Cache-Control"].startswith("public, max-age=")
    by_date = client.get("/publico/63302", headers={"If-Modified-Since": modified})
    assert by_date.status_code == 304
    for path in ("/publico", "/publico/departamentos/63"):
        page = client.get(path)
        assert client.get(path, headers={"If-None-Match": page.headers["ETag"]}).status_code == 304, path


def test_the_anonymous_page_is_built_once_and_served_to_the_next_visitors(client, genova, monkeypatch):
    first = client.get("/publico/63302")
    import workflow_app.web.public.views as views

    def not_built(*args, **kwargs):
        raise AssertionError("the page was built again for another anonymous visitor")

    monkeypatch.setattr(views, "public_plan", not_built)
    again = client.get("/publico/63302")  # no validators: a new visitor
    assert again.status_code == 200 and again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    monkeypatch.undo()
    genova.act("corporacion", "propose_amendment", "2028-05-05",
               payload={"authors": ["Concejal Pedro Gil"], "text": "Una modificación posterior a la copia"})
    assert "Una modificación posterior a la copia" in client.get("/publico/63302").get_data(as_text=True)


def test_an_act_a_published_proposal_or_a_new_day_gives_the_public_page_a_new_etag(app, client, genova, db_session,
                                                                                   set_today):
    etag = client.get("/publico/63302").headers["ETag"]
    genova.act("corporacion", "propose_amendment", "2028-05-05",
               payload={"authors": ["Concejal Pedro Gil"], "text": "Una tercera modificación"})
    after_act = client.get("/publico/63302", headers={"If-None-Match": etag})
    assert after_act.status_code == 200 and after_act.headers["ETag"] != etag
    assert "Una tercera modificación" in after_act.get_data(as_text=True)
    etag = after_act.headers["ETag"]
    assert propose(client).status_code == 302
    assert "Recibimos su propuesta" in public_page(client)  # the confirmation is shown once, never from a cache
    assert client.get("/publico/63302", headers={"If-None-Match": etag}).status_code == 304  # pending: unseen
    proposal = db_session.scalars(select(CitizenProposal)).one()
    from workflow_app.services.public.public import moderate_proposal

    moderate_proposal(db_session, genova.plan, proposal.id, "publish", genova.planeacion)
    published = client.get("/publico/63302", headers={"If-None-Match": etag})
    assert published.status_code == 200 and "iluminar el camino" in published.get_data(as_text=True)
    etag = published.headers["ETag"]
    set_today("2028-05-06")  # deadline wording and open hearings follow the day
    assert client.get("/publico/63302", headers={"If-None-Match": etag}).status_code == 200


def test_signed_in_visitors_and_pending_messages_are_never_shared_cached(app, client, genova):
    etag = client.get("/publico/63302").headers["ETag"]
    official = app.test_client()
    assert login(official, genova.planeacion.email, "clave-de-prueba").status_code == 302
    page = official.get("/publico/63302", headers={"If-None-Match": etag})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in page.headers
    # The citizen who just proposed sees the confirmation, not a cached copy without it.
    sent = propose(client)
    assert sent.status_code == 302
    shown = client.get(sent.headers["Location"], headers={"If-None-Match": etag})
    assert shown.status_code == 200 and "Recibimos su propuesta" in shown.get_data(as_text=True)
    assert shown.headers["Cache-Control"] == "private, no-store"


def test_a_citizen_reads_which_period_each_public_page_speaks_of(client, db_session, set_today):
    """QA 7 December 2026: in March 2028 the department page listed Filandia «Sin plan registrado» while its page
    showed the 2024–2027 plan without saying that none of 2028–2031 was registered; and the department page had
    no period, so the 2024 link led back to 2028."""
    set_today("2028-03-10")
    demo_data()
    page = " ".join(client.get("/publico/63272").get_data(as_text=True).split())
    assert ("Esta entidad aún no registra en el sistema su plan del período en curso; esta página muestra el del "
            "período 2024–2027.") in page
    earlier = " ".join(client.get("/publico/63272?periodo=2024").get_data(as_text=True).split())
    assert "aún no registra en el sistema su plan del período en curso" not in earlier
    now = " ".join(client.get("/publico/departamentos/63").get_data(as_text=True).split())
    assert "Planes de desarrollo en Quindío · período 2028–2031" in now
    assert re.search(r'<a href="/publico/63272">Filandia \(Quindío\)</a></th> <td data-label="Código DANE">63272'
                     r'</td> <td data-label="Estado del plan">Sin plan registrado</td>', now), now
    then = " ".join(client.get("/publico/departamentos/63?periodo=2024").get_data(as_text=True).split())
    assert "Planes de desarrollo en Quindío · período 2024–2027" in then
    assert '<a href="/publico/63272?periodo=2024">Filandia (Quindío)</a>' in then
    assert "Sin plan registrado" in then  # the other entities had no 2024 plan in the demo
    assert re.search(r'Filandia \(Quindío\)</a></th> <td data-label="Código DANE">63272</td> '
                     r'<td data-label="Estado del plan">Cumplió su período</td>', then), then  # as its own page says
    index = client.get("/publico?periodo=2024").get_data(as_text=True)
    assert 'href="/publico/departamentos/63?periodo=2024"' in index


def test_the_public_summary_says_which_steps_are_overdue(client, db_session, set_today):
    """«¿En qué va el plan?» said «Consolidado…» while the presentation to the CTP was overdue, shown only far
    below in the calendar (QA, 7 December 2026): the summary names the overdue steps and their last day."""
    from tests.workflow_app.story import Cast, make_plan, walk_to

    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "consolidated")
    set_today("2028-03-10")
    summary = " ".join(client.get("/publico/63302").get_data(as_text=True).split("h-estado", 1)[1]
                       .split("</section>")[0].split())
    assert ("Un paso vencido:</strong> Presentar el proyecto consolidado al CTP, con copia al Concejo de Génova, "
            "que debía hacerse a más tardar el 29 de febrero de 2028.") in summary


def test_the_public_page_says_what_the_law_says_is_happening(client, db_session, set_today):
    """QA (7 December 2026): a citizen could not tell that the CTP gave no concept and its requirement counts as
    fulfilled (L152 art. 39 num. 6), and read «tiene un mes para decidir» a month after that month ended."""
    from datetime import date

    from notifications.sweep import run_sweep

    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "submitted_to_ctp")  # presented 29 February; the CTP says nothing
    set_today("2028-04-01")
    run_sweep(date(2028, 4, 1))
    page = " ".join(client.get("/publico/63302").get_data(as_text=True).split())
    assert ("no entregó su concepto dentro de su mes: desde el 1 de abril de 2028 se entiende cumplido ese "
            "requisito (L152 art. 39 num. 6)") in page
    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "filed_with_corporacion")  # filed 28 April 2028; the Asamblea never acts
    set_today("2028-06-30")
    page = " ".join(client.get("/publico/63").get_data(as_text=True).split())
    assert "tiene un mes para decidir" not in page
    assert "su mes para decidir terminó el 30 de mayo de 2028 sin decisión registrada (L152 art. 40)" in page


def test_the_filed_investment_plan_says_the_filings_date_not_the_day_it_was_typed(client, genova, set_today):
    """QA, 7 December 2026: «radicado ante el Concejo de Génova (versión 2, del 26 de mayo de 2028)», the day the
    filing was recorded, read as a late filing; the act's date is the filing's."""
    set_today("2028-05-26")
    page = " ".join(client.get("/publico/63302").get_data(as_text=True).split())
    assert "Plan de inversiones radicado ante el Concejo de Génova el 28 de abril de 2028 (versión" in page


def test_a_proposals_hearing_choice_says_its_weekday_as_the_hearings_table_does(client, genova, set_today):
    set_today("2028-05-10")
    page = " ".join(client.get("/publico/63302").get_data(as_text=True).split())
    assert "Audiencia 2: sábado, 20 de mayo de 2028, Escuela vereda El Cairo" in page  # QA: no weekday


@pytest.mark.parametrize("contact, taken", [
    ("vecina.privada@correo.co", True), ("+57 300 123 4567", True), ("(604) 444-5566", True), ("3001234567", True),
    ("=1+1 <b>x</b>", False), ("no tengo", False), ("123", False), ("vecina@", False)])
def test_a_proposals_contact_is_an_address_or_a_telephone(client, genova, db_session, contact, taken):
    """«=1+1 <b>x</b>» was stored as a citizen's contact (QA, trust lens, December 2026)."""
    response = propose(client, contact=contact)
    stored = db_session.scalar(select(func.count()).select_from(CitizenProposal))
    assert (response.status_code, stored) == ((302, 1) if taken else (422, 0))
    if not taken:
        assert "Escriba un correo" in response.get_data(as_text=True)
