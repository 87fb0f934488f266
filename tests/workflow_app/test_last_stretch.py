"""The last stretch stored and walked (issue 20): objection for inconvenience → rejection → silence → sanction by
the corporation's president → publication → copy to the governor and its review; and an objection for
illegality → insistence → Tribunal → archive, for a municipio (L136) and a departamento (L2200)."""
from __future__ import annotations

from datetime import date

import pytest

from state_machines.core.roles import Role
from tests.workflow_app.helpers import login
from tests.workflow_app.story import Cast, make_plan, walk_to
from workflow_app.services.route.plans import ActInvalid, ActRefused, deadlines_for


@pytest.fixture
def genova(db_session):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "approved_by_corporacion")
    return cast


def keys(plan):
    return {d.key: d for d in deadlines_for(plan)}


def test_municipio_inconvenience_objection_rejected_then_the_president_sanctions(genova, db_session):
    plan = genova.plan
    assert keys(plan)["sanction_remission"].latest == date(2028, 5, 22)  # approved 15 May: L136 art. 76
    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 34})
    assert keys(plan)["objection_term"].latest == date(2028, 6, 1)  # 34 articles: ten days, L136 art. 78
    genova.act("ejecutivo", "object", "2028-05-19",
               payload={"grounds": ["inconveniencia"], "article_count": 34})
    assert plan.state == "objected" and plan.event_dates["sanction"]["grounds"] == ["inconveniencia"]
    genova.act("corporacion", "reject_objections", "2028-05-26")
    assert plan.state == "sanction_due" and plan.event_dates["sanction"]["overridden"] is True
    # Rejected Friday 26 May: the mayor has eight business days (29 May is a holiday), to Thursday 8 June.
    assert keys(plan)["sanction_after_rejection"].latest == date(2028, 6, 8)
    with pytest.raises(ActRefused) as refused:
        genova.act("corporacion", "sanction_by_president", "2028-06-08")
    assert refused.value.legal_basis == "L136 art. 79" and "9 de junio de 2028" in refused.value.message
    with pytest.raises(ActRefused) as refused:  # no second objection after the override
        genova.act("ejecutivo", "object", "2028-06-08", payload={"grounds": ["inconveniencia"], "article_count": 34})
    assert "L136 art. 79" in refused.value.legal_basis
    genova.act("corporacion", "sanction_by_president", "2028-06-09")
    assert plan.state == "sanctioned" and plan.event_dates["sanction"]["sanctioned_by"] == "presidente"
    # L136 art. 81: ten business days (19 and 26 June 2028 are holidays)
    assert keys(plan)["publication"].latest == date(2028, 6, 27)
    assert keys(plan)["governor_copy"].latest == date(2028, 6, 16)  # L136 art. 82: five business days
    genova.act("ejecutivo", "publish", "2028-06-12", payload={"vigencia": "on_publication"})
    assert plan.state == "in_force"  # in force on its publication, in the same transaction (issue 18)
    assert "governor_copy" in keys(plan)  # still due: five business days from the sanction (L136 art. 82)
    genova.act("ejecutivo", "send_copy_to_governor", "2028-06-14")
    assert "governor_copy" not in keys(plan)
    genova.act("planeacion", "record_governor_review", "2028-06-30", payload={"governor_review": "ajustado"})
    assert plan.state == "in_force"
    assert plan.event_dates["sanction"]["governor_review"] == "ajustado"


def test_municipio_illegality_objection_insisted_goes_to_the_tribunal_and_is_archived(genova):
    plan = genova.plan
    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    genova.act("ejecutivo", "object", "2028-05-19", payload={"grounds": ["ilegalidad"], "article_count": 12})
    with pytest.raises(ActRefused) as refused:
        genova.act("corporacion", "reject_objections", "2028-05-26")
    assert refused.value.legal_basis == "L136 art. 80"
    genova.act("corporacion", "insist_on_project", "2028-05-26")
    assert keys(plan)["tribunal_remission"].latest == date(2028, 6, 12)  # ten business days, L136 art. 80
    genova.act("ejecutivo", "send_to_tribunal", "2028-06-01")
    genova.act("corporacion", "record_tribunal_archive", "2028-08-10")
    assert plan.state == "archived"
    assert plan.event_dates["sanction"]["tribunal_ruling"] == "fundadas"


@pytest.mark.parametrize("code, needs_majority", [("63", True), ("63302", False)])
def test_rejecting_inconvenience_objections_needs_half_the_members_plus_one_where_the_statute_says_it(
        client, db_session, code, needs_majority):
    """L2200 art. 100 par. ("aprobado por la mitad más uno de los miembros de la asamblea"): an Asamblea's rejection
    states its votes and members and is refused below that majority, nothing written; L136 art. 79 writes no
    majority, so a Concejo's rejection asks for none."""
    cast = Cast(db_session, make_plan(db_session, code))
    walk_to(cast, "approved_by_corporacion")
    plan = cast.plan
    cast.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    cast.act("ejecutivo", "object", "2028-05-19", payload={"grounds": ["inconveniencia"], "article_count": 12})
    version = plan.version
    if needs_majority:
        for payload, text in (({}, "Indique cuántos miembros tiene la Asamblea y cuántos votaron"),
                              ({"decision_votes": 6, "corporation_members": 12},
                               "Con 6 votos de 12 miembros las objeciones no quedan rechazadas: hacen falta 7"),
                              ({"decision_votes": 13, "corporation_members": 12}, "no pueden ser más que los miembros")):
            with pytest.raises(ActRefused) as refused:
                cast.act("corporacion", "reject_objections", "2028-05-26", payload=payload)
            assert refused.value.legal_basis == "L2200 art. 100 par." and text in refused.value.message
            db_session.refresh(plan)
            assert (plan.state, plan.version) == ("objected", version)  # nothing written
    event = cast.act("corporacion", "reject_objections", "2028-05-26",
                     payload={"decision_votes": 7, "corporation_members": 12} if needs_majority else {})
    assert plan.state == "sanction_due"
    if needs_majority:
        assert (event.payload["decision_votes"], event.payload["corporation_members"]) == (7, 12)
        login(client, cast.corporacion.email, "clave-de-prueba")
        history = " ".join(client.get(f"/planes/{plan.id}").get_data(as_text=True).split())
        assert "Votación: 7 votos de 12 miembros" in history  # the case's history says the vote


def test_the_majority_of_an_ordenanza_before_2022_is_d1222_s():
    from state_machines.corporation.sanction import sanction_law
    assert sanction_law("departamento", date(2020, 6, 1)).majority_basis("reject_objections") == "D1222 art. 79"
    assert sanction_law("departamento", date(2020, 6, 1)).majority_basis("insist_on_project") is None
    assert sanction_law("municipio", date(2024, 6, 1)).majority_basis("reject_objections") is None
    assert sanction_law("municipio", date(2024, 6, 1), "bogota").majority_basis("insist_on_project") == \
        "DL1421 art. 23"


def test_departamento_follows_l2200_48_hours_to_the_tribunal(db_session):
    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "approved_by_corporacion")
    plan = quindio.plan
    assert "sanction_remission" not in keys(plan)  # no remission term for ordenanzas
    with pytest.raises(ActRefused) as refused:  # the remission states the size: the governor's term depends on it
        quindio.act("corporacion", "send_for_sanction", "2028-05-17")
    assert refused.value.legal_basis == "L2200 art. 100" and "más de 50 artículos: 20 días hábiles" in \
        refused.value.message
    quindio.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 60})
    quindio.act("ejecutivo", "object", "2028-05-19", payload={"grounds": ["ilegalidad", "inconveniencia"]})
    assert keys(plan)["objection_term"].legal_basis == "L2200 art. 100"
    quindio.act("corporacion", "insist_on_project", "2028-05-26")
    assert keys(plan)["tribunal_remission"].latest == date(2028, 5, 28)  # 48 hours, L2200 art. 101
    quindio.act("ejecutivo", "send_to_tribunal", "2028-05-30")
    event = quindio.act("corporacion", "record_tribunal_unfounded", "2028-07-10")
    assert plan.state == "sanction_due" and event.legal_basis == "L2200 art. 101"  # an ordenanza cites its law
    with pytest.raises(ActRefused):  # after the Tribunal the governor sanctions, not the president
        quindio.act("corporacion", "sanction_by_president", "2028-09-10")
    assert quindio.act("ejecutivo", "sanction", "2028-07-12").legal_basis == "L2200 art. 101"  # after the Tribunal's ruling
    with pytest.raises(ActRefused) as refused:  # no copy to the governor for an ordenanza
        quindio.act("ejecutivo", "send_copy_to_governor", "2028-07-13", role=Role.EJECUTIVO)
    assert refused.value.legal_basis == "L136 art. 82"


# --- Through the forms and on the pages (Flask client, no JavaScript) -------------------------------------------

def test_objection_form_asks_grounds_and_article_count_and_the_pages_show_the_stretch(client, db_session, set_today):
    import io
    import re

    from tests.pdf_samples import VALID as PDF
    from tests.workflow_app.helpers import csrf_from, login

    set_today("2028-05-19")
    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "sanction_pending")
    plan_id = genova.plan.id
    login(client, genova.ejecutivo.email, "clave-de-prueba")
    page = client.get(f"/planes/{plan_id}").get_data(as_text=True)
    assert "Sanción, objeciones y publicación" in page and "Hasta 20 artículos" in page  # the executive's terms
    url = f"/planes/{plan_id}/actos/pdt_approval/-/object"
    html = client.get(url, query_string={"confirmado": "1"}).get_data(as_text=True)
    assert "Razones de la objeción" in html and "Número de artículos del proyecto" in html

    def post(fields):
        html = client.get(url, query_string={"confirmado": "1"}).get_data(as_text=True)
        version = re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)
        data = {"csrf_token": csrf_from(html), "expected_version": version, "act_on": "2028-05-19",
                "reference": "OBJ-1", "evidence": (io.BytesIO(PDF), "objeciones.pdf"), "confirm_irreversible": "y",
                **fields}
        return client.post(url, data=data, content_type="multipart/form-data")

    bad = post({"article_count": "muchos"})
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Marque si objeta por inconveniencia" in body
    assert genova.plan.state == "sanction_pending"
    good = post({"grounds": ["inconveniencia", "ilegalidad"], "article_count": "34"})
    assert good.status_code == 302, good.get_data(as_text=True)[:2000]
    db_session.refresh(genova.plan)
    assert genova.plan.state == "objected"
    assert genova.plan.event_dates["sanction"]["grounds"] == ["ilegalidad", "inconveniencia"]
    public = client.get("/publico/63302").get_data(as_text=True)
    assert "Sanción, objeciones y publicación" in public
    assert "Objetado por el alcalde por ilegalidad y inconveniencia: 19 de mayo de 2028" in public


def test_an_ordenanza_of_2020_cites_decreto_1222(db_session):
    """Approved before 8 February 2022, the ordenanza's last stretch is Decreto 1222 de 1986's (art. 78)."""
    from state_machines.corporation.sanction import legal_basis_for
    assert legal_basis_for("object", "L136 art. 78; L2200 art. 100", "departamento", date(2020, 5, 20)) == \
        "D1222 art. 78"
    assert legal_basis_for("object", "L136 art. 78; L2200 art. 100", "departamento", date(2022, 2, 8)) == \
        "L2200 art. 100"
    assert legal_basis_for("object", "L136 art. 78; L2200 art. 100", "municipio", date(2020, 5, 20)) == \
        "L136 art. 78"


def test_each_corporation_s_acts_cite_its_own_statute_never_the_other_kind_s(db_session, set_today):
    """QA 7 December 2026: the Concejo de Génova's first debate was recorded citing «L136 art. 73; L2200 art. 97»,
    Ley 2200 being the departmental regime. Each history row cites the law of its corporation: L136 for a Concejo,
    L2200 for an Asamblea (D1222 before 8 February 2022), DL1421 for Bogotá's debates."""
    from state_machines.corporation.debates import debate_basis
    from state_machines.corporation.sanction import legal_basis_for

    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "in_debate")
    set_today("2028-05-08")
    debate = genova.act("corporacion", "record_committee_debate", "2028-05-08",
                        payload={"committee_outcome": "approved"})
    assert debate.legal_basis == "L136 art. 73"
    table = "L136 art. 73; L2200 art. 97"
    assert legal_basis_for("record_committee_debate", table, "departamento", None) == "L2200 art. 97"
    assert debate_basis("record_committee_debate", "departamento", None, None) == "L2200 art. 97"
    assert debate_basis("record_plenary_debate", "departamento", None, date(2020, 5, 20)) == "D1222 art. 75"
    assert debate_basis("record_plenary_debate", "municipio", "bogota", None) == "DL1421 art. 22"
    assert debate_basis("record_plenary_debate", "municipio", None, None) is None  # the table's, for a Concejo
    assert legal_basis_for("approve_plan", "L152 art. 40; L136 art. 73", "departamento", None) == \
        "L152 art. 40; L2200 art. 97"
    assert legal_basis_for("archive_project", "L136 art. 75; L2200 art. 98; D1222 art. 76", "municipio", None) == \
        "L136 art. 75"


# --- Bogotá under Decreto-Ley 1421 de 1993 arts. 23-25; L136 art. 80's reconsideration -------------------------

def test_bogota_objects_within_ten_days_and_its_council_president_sanctions_after_the_tribunal(db_session):
    bogota = Cast(db_session, make_plan(db_session, "11001"))
    walk_to(bogota, "approved_by_corporacion")
    plan = bogota.plan
    assert keys(plan)["sanction_remission"].legal_basis == "L136 art. 76 (DL1421 art. 2)"
    bogota.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    # DL1421 art. 23: ten days whatever the size (L136 art. 78 would give a 12-article project five).
    assert (keys(plan)["objection_term"].latest, keys(plan)["objection_term"].legal_basis) == \
        (date(2028, 6, 1), "DL1421 art. 23")
    event = bogota.act("ejecutivo", "object", "2028-05-25", payload={"grounds": ["ilegalidad"], "article_count": 12})
    assert plan.state == "objected" and event.legal_basis == "DL1421 art. 23"
    # DL1421 art. 23: "sólo podrán ser rechazadas por el voto de la mitad más uno de los miembros".
    with pytest.raises(ActRefused) as refusal:
        bogota.act("corporacion", "insist_on_project", "2028-05-26")
    assert refusal.value.legal_basis == "DL1421 art. 23" and plan.state == "objected"
    with pytest.raises(ActRefused) as refusal:
        bogota.act("corporacion", "insist_on_project", "2028-05-26",
                   payload={"decision_votes": 22, "corporation_members": 45})
    assert "Con 22 votos de 45 miembros las objeciones no quedan rechazadas: hacen falta 23" in refusal.value.message
    assert refusal.value.message.endswith("la mitad más uno de los miembros del Concejo.")  # not «de el Concejo»
    bogota.act("corporacion", "insist_on_project", "2028-05-26",
               payload={"decision_votes": 23, "corporation_members": 45})
    assert keys(plan)["tribunal_remission"].legal_basis == "DL1421 art. 25"
    bogota.act("ejecutivo", "send_to_tribunal", "2028-06-01")
    # Partly vitiated: back to the Concejo to reconsider, then to the Tribunal for its definitive ruling
    # (L136 art. 80, through DL1421 art. 2).
    event = bogota.act("corporacion", "record_tribunal_partial", "2028-07-03")
    assert plan.state == "tribunal_reconsideration" and event.legal_basis == "L136 art. 80 (DL1421 art. 2)"
    bogota.act("corporacion", "return_to_tribunal", "2028-07-10")
    assert plan.state == "before_tribunal" and plan.event_dates["sanction"]["reconsidered"] is True
    with pytest.raises(ActRefused) as refused:  # the second ruling is the definitive one
        bogota.act("corporacion", "record_tribunal_partial", "2028-07-31")
    assert "definitivo" in refused.value.message
    bogota.act("corporacion", "record_tribunal_unfounded", "2028-08-01")
    # DL1421 art. 25: three days from the ruling's receipt (Tuesday 1 August): 2, 3 and 4 August 2028.
    assert (keys(plan)["sanction_after_tribunal"].latest, keys(plan)["sanction_after_tribunal"].legal_basis) == \
        (date(2028, 8, 4), "DL1421 art. 25")
    with pytest.raises(ActRefused) as refused:
        bogota.act("corporacion", "sanction_by_president", "2028-08-04")
    assert refused.value.legal_basis == "DL1421 art. 25"
    event = bogota.act("corporacion", "sanction_by_president", "2028-08-08")
    assert plan.state == "sanctioned" and event.legal_basis == "DL1421 art. 25"
    assert plan.event_dates["sanction"]["president_after"] == "tribunal"
    assert "governor_copy" not in keys(plan)  # DL1421 art. 7 (interpretation, README)
    with pytest.raises(ActRefused) as refused:
        bogota.act("ejecutivo", "send_copy_to_governor", "2028-08-09")
    assert refused.value.legal_basis == "DL1421 art. 7"


def test_a_municipios_partly_vitiated_acuerdo_returns_to_the_concejo_before_any_article_is_archived(genova):
    plan = genova.plan
    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    genova.act("ejecutivo", "object", "2028-05-19", payload={"grounds": ["ilegalidad"], "article_count": 12})
    genova.act("corporacion", "insist_on_project", "2028-05-26")
    genova.act("ejecutivo", "send_to_tribunal", "2028-06-01")
    with pytest.raises(ActRefused) as refused:  # L136 art. 80: "así lo indicará al Concejo para que se reconsidere"
        genova.act("corporacion", "record_tribunal_articles_archived", "2028-07-03",
                   payload={"archived_articles": "arts. 4 y 9"})
    assert refused.value.legal_basis == "L136 art. 80"
    assert genova.act("corporacion", "record_tribunal_partial", "2028-07-03").legal_basis == "L136 art. 80"
    genova.act("corporacion", "return_to_tribunal", "2028-07-10")
    genova.act("corporacion", "record_tribunal_articles_archived", "2028-08-01",
               payload={"archived_articles": "arts. 4 y 9"})
    assert plan.state == "sanction_due" and plan.event_dates["sanction"]["archived_articles"] == "arts. 4 y 9"
    assert "sanction_after_tribunal" not in keys(plan)  # the three days follow an "infundadas" ruling only
    genova.act("ejecutivo", "sanction", "2028-08-03")
    assert plan.state == "sanctioned"


def test_the_asamblea_president_sanctions_when_the_governor_neither_objects_nor_sanctions(db_session):
    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "sanction_pending")  # the remission states 18 articles (tests/workflow_app/story.py)
    plan = quindio.plan
    assert plan.event_dates["sanction"]["articles"] == 18
    # 18 articles sent Wednesday 17 May 2028: five business days, to Wednesday 24 May (L2200 art. 100).
    assert keys(plan)["objection_term"].latest == date(2028, 5, 24)
    with pytest.raises(ActRefused) as refused:
        quindio.act("corporacion", "sanction_by_president", "2028-05-24")
    assert "25 de mayo de 2028" in refused.value.message
    event = quindio.act("corporacion", "sanction_by_president", "2028-05-25")
    assert plan.state == "sanctioned" and event.legal_basis == "L2200 art. 100 inc. 3"
    assert plan.event_dates["sanction"]["president_after"] == "silencio"


def test_the_corporation_is_told_the_day_its_president_may_sanction_and_only_where_the_law_says(genova, db_session):
    """L136 art. 79: the mayor's eight days after the rejection run out on 8 June; on 9 June the sweep tells the
    Concejo that its president may sanction and publish (and the mayor the term ran out)."""
    from notifications.sweep import run_sweep
    from workflow_app.models import Notification

    def told(day):
        report = run_sweep(day)
        assert report.president_notices == (1 if day == date(2028, 6, 9) else 0)
        return [n for n in db_session.query(Notification).filter_by(user_id=genova.corporacion.id, kind="effect")]

    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    genova.act("ejecutivo", "object", "2028-05-19", payload={"grounds": ["inconveniencia"], "article_count": 12})
    genova.act("corporacion", "reject_objections", "2028-05-26")
    assert told(date(2028, 6, 8)) == []
    (notice,) = told(date(2028, 6, 9))
    assert notice.subject == "Génova (Quindío): el presidente del Concejo de Génova puede sancionar el acuerdo"
    assert ("venció el jueves 8 de junio de 2028 sin sanción registrada. Desde el viernes 9 de junio de 2028 el "
            "presidente del Concejo de Génova puede sancionarlo y publicarlo (L136 art. 79)") in notice.body
    assert (notice.legal_basis, notice.step_key, notice.is_urgent) == ("L136 art. 79", "sanction_after_rejection", True)
    assert len(told(date(2028, 6, 10))) == 1  # once
    genova.act("corporacion", "sanction_by_president", "2028-06-12")
    from notifications.centre import is_attended
    db_session.refresh(notice)
    assert is_attended(notice)


def test_the_asamblea_is_told_the_day_after_the_governors_silent_term(db_session):
    """L2200 art. 100 inc. 3: 18 articles remitted 17 May 2028, five business days to 24 May; told on 25 May."""
    from notifications.sweep import run_sweep
    from workflow_app.models import Notification

    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "sanction_pending")
    run_sweep(date(2028, 5, 24))
    assert db_session.query(Notification).filter_by(user_id=quindio.corporacion.id, kind="effect").all() == []
    run_sweep(date(2028, 5, 25))
    (notice,) = db_session.query(Notification).filter_by(user_id=quindio.corporacion.id, kind="effect").all()
    assert notice.subject == "Gobernación del Quindío: el presidente de la Asamblea del Quindío puede sancionar la ordenanza"
    assert "sin sanción ni objeción registradas" in notice.body and notice.legal_basis == "L2200 art. 100 inc. 3"


def test_a_mayors_silent_objection_term_tells_the_concejo_nothing(genova, db_session):
    """L136 writes no president after the objection term's silence (L2200 art. 100 inc. 3 does): the mayor is told
    the term ran out, the Concejo nothing."""
    from notifications.sweep import run_sweep
    from workflow_app.models import Notification

    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    run_sweep(date(2028, 5, 25))  # five business days ran out on 24 May
    assert "overdue" in {n.kind for n in db_session.query(Notification).filter_by(user_id=genova.ejecutivo.id,
                                                                                  step_key="objection_term")}
    assert db_session.query(Notification).filter_by(user_id=genova.corporacion.id, kind="effect").all() == []


def test_objections_in_recess_the_mayor_is_told_to_convoke_within_the_week_and_the_convocation_settles_it(
        genova, db_session):
    """L136 art. 78 inc. 3: a category 6 Concejo is in recess in June (L136 art. 23). Objections on Thursday
    1 June 2028 oblige the mayor to convoke it by Thursday 8 June; the convocation recorded settles the duty."""
    from notifications.centre import is_attended
    from workflow_app.models import Notification

    genova.plan.entity.fiscal_category = "6"
    db_session.commit()
    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 34})
    genova.act("ejecutivo", "object", "2028-06-01", payload={"grounds": ["inconveniencia"], "article_count": 34})
    term = keys(genova.plan)["objections_convocation"]
    assert (term.latest, term.act_by, term.legal_basis) == (date(2028, 6, 8), date(2028, 6, 8), "L136 art. 78")
    (notice,) = db_session.query(Notification).filter_by(user_id=genova.ejecutivo.id,
                                                          step_key="objections_convocation").all()
    assert notice.subject == "Génova (Quindío): Convocar al Concejo de Génova a sesiones para decidir las objeciones"
    assert "actúe a más tardar el jueves 8 de junio de 2028" in notice.body and not is_attended(notice)
    event = genova.act("ejecutivo", "convoke_sessions", "2028-06-05", payload={
        "starts_on": "2028-06-07", "ends_on": "2028-06-11", "purpose": "Decidir las objeciones al plan",
        "covers_plan": True})
    assert event.legal_basis == "L136 art. 78; L136 art. 23 par. 2"  # not the plan's month (L152 art. 40)
    assert genova.plan.event_dates["objections_convoked"] == "2028-06-05"
    assert "objections_convocation" not in keys(genova.plan)
    db_session.refresh(notice)
    assert is_attended(notice)
    genova.act("corporacion", "reject_objections", "2028-06-09")  # inside the convoked sessions
    assert genova.plan.state == "sanction_due"


def test_objections_again_after_the_amended_project_open_a_new_week_the_old_convocation_does_not_settle(
        genova, db_session):
    """L136 art. 78 inc. 3, twice: the Concejo accepts the objections in the sessions convoked for them, the amended
    project returns for sanction and is objected again in recess: a new week, a new duty, not yet attended."""
    from notifications.centre import is_attended
    from workflow_app.models import Notification

    genova.plan.entity.fiscal_category = "6"
    db_session.commit()
    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 34})
    genova.act("ejecutivo", "object", "2028-06-01", payload={"grounds": ["inconveniencia"], "article_count": 34})
    genova.act("ejecutivo", "convoke_sessions", "2028-06-05", payload={
        "starts_on": "2028-06-07", "ends_on": "2028-06-11", "purpose": "Decidir las objeciones al plan",
        "covers_plan": True})
    genova.act("corporacion", "accept_objections", "2028-06-09")
    assert genova.plan.state == "sanction_pending"
    genova.act("ejecutivo", "object", "2028-06-13", payload={"grounds": ["inconveniencia"], "article_count": 34})
    assert "objections_convoked" not in genova.plan.event_dates
    assert keys(genova.plan)["objections_convocation"].latest == date(2028, 6, 20)  # seven days after 13 June
    second = db_session.query(Notification).filter_by(user_id=genova.ejecutivo.id, step_key="objections_convocation",
                                                      due_on=date(2028, 6, 20)).one()
    assert not is_attended(second)


def test_the_board_counts_the_recess_before_the_convocation_as_the_mayors_wait(genova, db_session):
    """L136 art. 78 inc. 3: objected on Thursday 1 June 2028 with the Concejo in recess, the plan waits on the mayor
    until the convocation (Monday 5 June: two business days), then on the Concejo."""
    from workflow_app.services.monitoring import board as board_service

    genova.plan.entity.fiscal_category = "6"
    db_session.commit()
    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 34})
    genova.act("ejecutivo", "object", "2028-06-01", payload={"grounds": ["inconveniencia"], "article_count": 34})
    before = board_service.plan_row(db_session, genova.plan, date(2028, 6, 1)).waits
    pending = board_service.plan_row(db_session, genova.plan, date(2028, 6, 5)).waits
    # 2 and 5 June are business days (3 and 4 June: the weekend): the wait since the objection is the mayor's.
    assert (pending["ejecutivo"] - before["ejecutivo"], pending["corporacion"] - before["corporacion"]) == (2, 0)
    genova.act("ejecutivo", "convoke_sessions", "2028-06-05", payload={
        "starts_on": "2028-06-07", "ends_on": "2028-06-11", "purpose": "Decidir las objeciones al plan",
        "covers_plan": True})
    after = board_service.plan_row(db_session, genova.plan, date(2028, 6, 8)).waits
    # Convoked on 5 June: the two days stay the mayor's; 6, 7 and 8 June are the Concejo's.
    assert (after["ejecutivo"] - before["ejecutivo"], after["corporacion"] - before["corporacion"]) == (2, 3)


def test_the_board_reads_the_last_stretch_as_the_plan_page_does(genova, db_session):
    """The adviser's board computes each plan's calendar from the same facts as the plan's own page: the last
    stretch's dates, the remitted project's size (L136 art. 78), the Concejo's category (L136 art. 23). A mayor
    silent past the term to sanction or object is overdue on the board too, not «Sin alertas»."""
    from workflow_app.services.monitoring import board as board_service
    from workflow_app.services.route.plans import period_facts

    genova.plan.entity.fiscal_category = "6"
    db_session.commit()
    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    row = board_service.plan_row(db_session, genova.plan, date(2028, 5, 25))
    assert board_service.facts_of(row) == period_facts(genova.plan)
    assert "objection_term" in [p.deadline.key for p in row.overdue]  # five business days, to 24 May
    assert row.risk == board_service.RISK_OVERDUE


def test_the_board_reads_bogotas_own_terms(db_session):
    """DL1421 art. 23: Bogotá's mayor has ten business days to object whatever the size, on the board as on its
    page."""
    from workflow_app.services.monitoring import board as board_service
    from workflow_app.services.route.plans import period_facts

    bogota = Cast(db_session, make_plan(db_session, "11001"))
    walk_to(bogota, "approved_by_corporacion")
    bogota.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    row = board_service.plan_row(db_session, bogota.plan, date(2028, 5, 25))
    assert board_service.facts_of(row) == period_facts(bogota.plan)
    (term,) = [p.deadline for p in row.pending if p.deadline.key == "objection_term"]
    # 29 May 2028 (Ascensión) is a holiday: the tenth business day is 1 June.
    assert term.latest == keys(bogota.plan)["objection_term"].latest == date(2028, 6, 1)


def test_the_concejo_is_told_when_objections_reach_it_and_when_the_tribunal_returns_the_project(genova, db_session):
    """The law writes no term for the corporation's decision on objections (L136 arts. 79-80) nor for its
    reconsideration of a partly vitiated acuerdo (L136 art. 80): its secretary is still told, once, with the norm."""
    from workflow_app.models import Notification

    def told():
        return db_session.query(Notification).filter_by(user_id=genova.corporacion.id).order_by(Notification.id)

    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    before = told().count()
    genova.act("ejecutivo", "object", "2028-05-19", payload={"grounds": ["ilegalidad"], "article_count": 12})
    (notice,) = told().all()[before:]
    assert notice.subject == "Génova (Quindío): Decidir sobre las objeciones del alcalde"
    assert notice.body == ("El plan de Génova (Quindío) quedó en el estado «Objetado por el alcalde». Decidir sobre "
                           "las objeciones del alcalde: la ley no fija un término para hacerlo.")
    assert (notice.kind, notice.legal_basis, notice.due_on) == ("transition", "L136 art. 79", None)
    from notifications.centre import is_attended, unread_count
    assert not is_attended(notice) and unread_count(genova.corporacion, db_session) >= 1
    unread = unread_count(genova.corporacion, db_session)
    genova.act("corporacion", "insist_on_project", "2028-05-26")
    db_session.refresh(notice)
    assert is_attended(notice)  # the Concejo decided: the plan left «Objetado»
    assert unread_count(genova.corporacion, db_session) < unread
    genova.act("ejecutivo", "send_to_tribunal", "2028-06-01")
    before = told().count()
    genova.act("corporacion", "record_tribunal_partial", "2028-08-01")
    (notice,) = told().all()[before:]
    assert "Reconsiderar el proyecto que el Tribunal Administrativo halló parcialmente viciado" in notice.subject
    assert notice.legal_basis == "L136 art. 80"


def test_the_asamblea_is_told_the_governors_objections_under_its_own_law(db_session):
    from workflow_app.models import Notification

    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "sanction_pending")
    quindio.act("ejecutivo", "object", "2028-05-19", payload={"grounds": ["inconveniencia"], "article_count": 18})
    (notice,) = db_session.query(Notification).filter_by(user_id=quindio.corporacion.id,
                                                         subject="Gobernación del Quindío: Decidir sobre las "
                                                                 "objeciones del gobernador").all()
    assert notice.legal_basis.startswith("L2200 art. 100")


def test_objections_inside_a_recorded_extension_need_no_convocation(genova, db_session):
    """L136 art. 78 inc. 3 asks the mayor to convoke the Concejo only "si no estuviere reunido": a category 6
    Concejo that extended its May sessions ten days (L136 art. 23 par. 1; recorded on 16 May, once the plan is
    approved) is reunido on 1 June, so objections that day open no week to convoke, and the rejection inside the
    extension is valid. The board reads the same facts as the plan."""
    from workflow_app.services.monitoring import board as board_service
    from workflow_app.services.route.plans import period_facts

    genova.plan.entity.fiscal_category = "6"
    db_session.commit()
    genova.act("corporacion", "extend_sessions", "2028-05-16", payload={"extension_days": 10})
    assert genova.plan.event_dates["session_extensions"] == [["2028-06-01", "2028-06-10"]]
    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 34})
    genova.act("ejecutivo", "object", "2028-06-01", payload={"grounds": ["inconveniencia"], "article_count": 34})
    assert "objections_convocation" not in keys(genova.plan)
    (row,) = board_service.load_rows(db_session, None, date(2028, 6, 2), plan_ids=[genova.plan.id])
    assert board_service.facts_of(row) == period_facts(genova.plan)
    genova.act("corporacion", "reject_objections", "2028-06-05")  # inside the extension
    assert genova.plan.state == "sanction_due"


def test_objections_after_the_extension_ends_still_open_the_week(genova, db_session):
    genova.plan.entity.fiscal_category = "6"
    db_session.commit()
    genova.act("corporacion", "extend_sessions", "2028-05-16", payload={"extension_days": 10})
    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 60})  # 20 days to object
    genova.act("ejecutivo", "object", "2028-06-12", payload={"grounds": ["inconveniencia"], "article_count": 60})
    assert keys(genova.plan)["objections_convocation"].latest == date(2028, 6, 20)  # 19 June is a holiday


def test_objections_inside_extraordinary_sessions_convoked_for_the_plan_need_no_new_convocation(db_session):
    """L136 art. 78 inc. 3 ("si el Concejo no estuviere reunido"): a category 1 Concejo is in recess in May 2028 (L136
    art. 23: 2 January to 29 February, then June), so the mayor convokes it for the plan from 1 to 31 May (L152 art.
    40). Objections on 25 May find it reunido for the plan: no week to convoke; the rejection inside those sessions is
    valid."""
    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "filed_with_corporacion")
    genova.plan.entity.fiscal_category = "1"
    db_session.commit()
    assert "sessions_convocation" in keys(genova.plan)
    genova.act("ejecutivo", "convoke_sessions", "2028-04-28", payload={
        "starts_on": "2028-05-01", "ends_on": "2028-05-31", "purpose": "Proyecto de acuerdo del plan de desarrollo",
        "covers_plan": True})
    assert genova.plan.event_dates["session_convocations"] == [["2028-05-01", "2028-05-31"]]
    genova.act("corporacion", "assign_to_committee", "2028-05-02")
    genova.act("corporacion", "record_committee_debate", "2028-05-10", payload={"committee_outcome": "approved"})
    genova.act("corporacion", "record_plenary_debate", "2028-05-15")
    genova.act("corporacion", "approve_plan", "2028-05-15")
    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 34})
    genova.act("ejecutivo", "object", "2028-05-25", payload={"grounds": ["inconveniencia"], "article_count": 34})
    assert "objections_convocation" not in keys(genova.plan)
    genova.act("corporacion", "reject_objections", "2028-05-30")  # inside the convoked sessions
    assert genova.plan.state == "sanction_due"


def test_the_governor_publishes_the_objected_project_when_the_asamblea_enters_recess_within_the_term(db_session):
    """L2200 art. 100 inc. 4: remitted on 20 July 2028 with 60 articles (twenty business days, to 18 August), the
    Asamblea del Quindío ends its June-July sessions on 30 July. The governor objects on 1 August: his list shows
    the duty to publish the objected project by 18 August; the publication settles it and names its norm. A
    Concejo is never asked it."""
    from workflow_app.services.route.worklist import pending_for

    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "approved_by_corporacion")
    plan = quindio.plan
    quindio.act("corporacion", "send_for_sanction", "2028-07-20", payload={"articles_sent": 60})
    quindio.act("ejecutivo", "object", "2028-08-01", payload={"grounds": ["inconveniencia"], "article_count": 60})
    term = keys(plan)["objected_publication"]
    assert (term.act_by, term.legal_basis) == (date(2028, 8, 18), "L2200 art. 100 inc. 4")
    duties = [i for i in pending_for(db_session, quindio.ejecutivo, date(2028, 8, 2)) if i.deadline is not None
              and i.deadline.key == "objected_publication"]
    assert [i.action.trigger for i in duties] == ["publish_objected_project"]
    event = quindio.act("ejecutivo", "publish_objected_project", "2028-08-03")
    assert (plan.state, event.legal_basis) == ("objected", "L2200 art. 100 inc. 4")
    assert plan.event_dates["objected_published"] == "2028-08-03"
    assert "objected_publication" not in keys(plan)
    with pytest.raises(ActRefused) as refused:  # once: nothing more to publish for these objections
        quindio.act("ejecutivo", "publish_objected_project", "2028-08-04")
    assert "ya se publicó" in refused.value.message
    assert [i for i in pending_for(db_session, quindio.ejecutivo, date(2028, 8, 4))
            if i.action.trigger == "publish_objected_project"] == []  # neither a duty nor another act now


def test_a_concejo_is_convoked_not_published_for(genova, db_session):
    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 34})
    genova.act("ejecutivo", "object", "2028-05-25", payload={"grounds": ["inconveniencia"], "article_count": 34})
    with pytest.raises(ActRefused) as refused:
        genova.act("ejecutivo", "publish_objected_project", "2028-05-26")
    assert refused.value.legal_basis == "L136 art. 78" and "el alcalde convoca al Concejo" in refused.value.message


def test_a_receipt_known_after_the_insistence_is_recorded_by_its_own_act(db_session):
    """L2200 art. 101 ("siguientes al recibo de la comunicación"): the Asamblea insists on Friday 26 May 2028
    without knowing when the Gobernación will receive its communication; the 48 hours count from the insistence
    (28 May) until the governor's office records the receipt on Monday 29 May, which moves them to 31 May. Offered
    to the governor while no receipt is on file, once; a receipt dated before the insistence is refused."""
    from workflow_app.services.route.worklist import actions_for

    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "approved_by_corporacion")
    plan = quindio.plan
    quindio.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    quindio.act("ejecutivo", "object", "2028-05-19", payload={"grounds": ["ilegalidad"], "article_count": 12})
    quindio.act("corporacion", "insist_on_project", "2028-05-26", today="2028-05-26")
    assert keys(plan)["tribunal_remission"].latest == date(2028, 5, 28)

    def offered(today: str) -> bool:
        return any(o.trigger == "record_insistence_receipt"
                   for o in actions_for(quindio.ejecutivo, plan, date.fromisoformat(today)))

    assert offered("2028-05-29")
    with pytest.raises(ActInvalid) as refused:
        quindio.act("ejecutivo", "record_insistence_receipt", "2028-05-25", today="2028-05-29")
    assert refused.value.field == "act_on" and "anterior al último acto registrado" in refused.value.message
    assert "illegality_communicated" not in plan.event_dates
    event = quindio.act("ejecutivo", "record_insistence_receipt", "2028-05-29", today="2028-05-29")
    assert (event.legal_basis, plan.state) == ("L2200 art. 101", "illegality_insisted")
    assert plan.event_dates["illegality_communicated"] == "2028-05-29"
    assert keys(plan)["tribunal_remission"].latest == date(2028, 5, 31)
    assert not offered("2028-05-30")
    with pytest.raises(ActRefused) as refused:
        quindio.act("ejecutivo", "record_insistence_receipt", "2028-05-30")
    assert "ya quedó registrado" in refused.value.message
    quindio.act("ejecutivo", "send_to_tribunal", "2028-05-31")
    assert plan.state == "before_tribunal"


def test_a_concejo_s_term_runs_from_the_insistence_with_no_receipt_to_record(genova):
    """L136 art. 80: the mayor's ten business days run from the insistence; no receipt is recorded."""
    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    genova.act("ejecutivo", "object", "2028-05-19", payload={"grounds": ["ilegalidad"], "article_count": 12})
    genova.act("corporacion", "insist_on_project", "2028-05-26")
    with pytest.raises(ActRefused) as refused:
        genova.act("ejecutivo", "record_insistence_receipt", "2028-05-29")
    assert refused.value.legal_basis == "L136 art. 80" and "corre desde la insistencia misma" in refused.value.message


def test_a_receipt_stated_with_the_insistence_leaves_none_to_record(db_session):
    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "approved_by_corporacion")
    quindio.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    quindio.act("ejecutivo", "object", "2028-05-19", payload={"grounds": ["ilegalidad"], "article_count": 12})
    quindio.act("corporacion", "insist_on_project", "2028-05-26", today="2028-05-29",
                payload={"communication_received_on": "2028-05-29"})
    with pytest.raises(ActRefused) as refused:
        quindio.act("ejecutivo", "record_insistence_receipt", "2028-05-29")
    assert "ya quedó registrado" in refused.value.message


def test_the_insistence_states_when_the_governor_received_it_and_the_48_hours_run_from_then(db_session):
    """L2200 art. 101 ("siguientes al recibo de la comunicación"): the Asamblea insists on Friday 26 May 2028 and
    the Gobernación receives its communication on Monday 29 May; the governor sends the project by 31 May. A
    receipt before the insistence, or after today, is refused with its field, nothing written."""
    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "approved_by_corporacion")
    plan = quindio.plan
    quindio.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    quindio.act("ejecutivo", "object", "2028-05-19", payload={"grounds": ["ilegalidad"], "article_count": 12})
    for received, today in (("2028-05-25", "2028-05-29"), ("2028-05-30", "2028-05-29")):
        with pytest.raises(ActInvalid) as refused:
            quindio.act("corporacion", "insist_on_project", "2028-05-26", today=today,
                        payload={"communication_received_on": received})
        assert refused.value.field == "communication_received_on" and plan.state == "objected"
    quindio.act("corporacion", "insist_on_project", "2028-05-26", today="2028-05-29",
                payload={"communication_received_on": "2028-05-29"})
    assert plan.event_dates["illegality_communicated"] == "2028-05-29"
    assert keys(plan)["tribunal_remission"].latest == date(2028, 5, 31)


def test_the_late_objection_refusal_says_the_remitted_projects_article_count(client, db_session, set_today):
    """L136 art. 78: the Concejo remitted 18 articles (5 days to object, from 17 May 2028, to 24 May). Typed on 2
    June, an objection dated after the term is refused beside its date, naming the project's 18 articles (not «un
    proyecto de 1 artículos»); one dated inside the term is recorded: the act's date decides (L4-1913 art. 62; QA,
    7 December 2026: an objection made on the last day could not be recorded the next)."""
    import io
    import re

    from tests.pdf_samples import VALID as PDF
    from tests.workflow_app.helpers import csrf_from, login

    set_today("2028-06-02")
    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "sanction_pending")
    login(client, genova.ejecutivo.email, "clave-de-prueba")
    url = f"/planes/{genova.plan.id}/actos/pdt_approval/-/object"

    def post(act_on):
        html = client.get(url, query_string={"confirmado": "1"}).get_data(as_text=True)
        version = re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)
        return client.post(url, content_type="multipart/form-data", data={
            "csrf_token": csrf_from(html), "expected_version": version, "act_on": act_on, "reference": "OBJ-1",
            "evidence": (io.BytesIO(PDF), "objeciones.pdf"), "confirm_irreversible": "y",
            "grounds": ["inconveniencia"], "article_count": "18"})

    late = post("2028-05-25")
    html = " ".join(late.get_data(as_text=True).split())
    assert late.status_code == 422 and "1 artículos" not in html
    assert re.search(r'id="act_on-err"[^>]*>El plazo para objetar un proyecto de 18 artículos \(5 días\) venció', html)
    db_session.refresh(genova.plan)
    assert genova.plan.state == "sanction_pending"
    assert post("2028-05-24").status_code == 302
    db_session.refresh(genova.plan)
    assert genova.plan.state == "objected"


def test_a_publication_that_rige_from_itself_takes_no_declared_day(db_session):
    """CPACA art. 65: «rige desde su publicación» with a day typed in «Fecha desde la cual rige» is refused beside
    that field; the history kept «rige a partir de su publicación (1 de mayo de 2028)» (QA, 7 December 2026)."""
    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "sanctioned")
    with pytest.raises(ActInvalid) as refused:
        genova.act("ejecutivo", "publish", "2028-05-22",
                   payload={"vigencia": "on_publication", "in_force_declared": "2028-06-01"})
    assert refused.value.field == "in_force_declared" and "fija una fecha" in str(refused.value)
    db_session.refresh(genova.plan)
    assert genova.plan.state == "sanctioned" and "published" not in genova.plan.event_dates
    genova.act("ejecutivo", "publish", "2028-05-22",
               payload={"vigencia": "fixed_date", "in_force_declared": "2028-06-01"})
    assert genova.plan.event_dates["in_force_declared"] == "2028-06-01"


def test_the_concejo_publishes_what_its_president_sanctioned(genova, db_session):
    """L136 art. 79: «el Presidente de la Corporación procederá a sancionarlo y publicarlo» (legal-path.md T14):
    the Concejo's secretary records the publication; the plan enters into force with it (QA, 7 December 2026:
    the Concejo was told it could publish, but only the mayor could)."""
    from sqlalchemy import select

    from workflow_app.models import PlanEvent

    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 34})
    genova.act("ejecutivo", "object", "2028-05-19", payload={"grounds": ["inconveniencia"], "article_count": 34})
    genova.act("corporacion", "reject_objections", "2028-05-26")
    genova.act("corporacion", "sanction_by_president", "2028-06-09")
    genova.act("corporacion", "publish_by_president", "2028-06-12", payload={"vigencia": "on_publication"})
    assert genova.plan.state == "in_force" and genova.plan.event_dates["published"] == "2028-06-12"
    event = db_session.scalars(select(PlanEvent).filter_by(trigger="publish_by_president")).one()
    assert event.role == "corporacion" and "L136 art. 79" in event.legal_basis
    assert "L2200" not in event.legal_basis  # a Concejo cites its own statute
    # The case file (and the public page) says who published, under the history's article (QA: «L136 art. 81»).
    from workflow_app.services.route.casefile import case_file

    published = case_file(db_session, genova.plan).last_stretch.steps[-1]
    assert (published.what, published.legal_basis) == ("Publicado por el presidente de la corporación",
                                                       "CPACA art. 65; L136 art. 79")


def test_the_mayors_sanction_after_the_rejected_objections_cites_l136_art_79(genova):
    """L136 art. 79: «el alcalde deberá sancionar el proyecto» once the Concejo rejected the objections; the
    history cited the first term's article, L136 art. 78 (QA, 7 December 2026)."""
    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 34})
    genova.act("ejecutivo", "object", "2028-05-19", payload={"grounds": ["inconveniencia"], "article_count": 34})
    genova.act("corporacion", "reject_objections", "2028-05-26")
    assert genova.act("ejecutivo", "sanction", "2028-06-01").legal_basis == "L136 art. 79"


def test_only_an_asambleas_insistence_asks_when_the_governor_received_it():
    """L2200 art. 101's 48 hours run from the governor's receipt of the Asamblea's communication; a Concejo's
    insistence (L136 art. 80; Bogotá's DL1421 art. 25) asks no such date (QA, 7 December 2026: Bogotá's form asked
    «Fecha en que el gobernador recibió la comunicación…»)."""
    from forms.acts import fields_for

    assert "communication_received_on" in fields_for("insist_on_project", "departamento")
    assert fields_for("insist_on_project", "municipio") == ("decision_votes", "corporation_members")
    assert fields_for("publish", "municipio") == ("vigencia", "in_force_declared")



def test_an_ordenanzas_objection_form_cites_ley_2200_not_ley_136(client, db_session, set_today):
    """QA, 7 December 2026: the governor's objection form said «(L136 arts. 78-80)» in its warning and in the box
    to tick, while the act is recorded under L2200 art. 100."""
    import re

    from tests.workflow_app.helpers import login

    set_today("2028-05-19")
    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "sanction_pending")
    login(client, quindio.ejecutivo.email, "clave-de-prueba")
    html = client.get(f"/planes/{quindio.plan.id}/actos/pdt_approval/-/object",
                      query_string={"confirmado": "1"}).get_data(as_text=True)
    assert "Confirmo que este acto es irreversible" in html and "Ley 2200 de 2022" in html
    assert "L136" not in html
    # The article count the Asamblea recorded when it sent the project starts the form (its term depends on it).
    articles = quindio.plan.event_dates["sanction"]["articles"]
    assert re.search(rf'name="article_count"[^>]*value="{articles}"', html), articles


def test_the_case_files_last_stretch_is_in_the_order_it_happened(genova, db_session):
    """QA, 7 December 2026: «Copia enviada al gobernador» (14 June) was listed after «Publicado» (15 June)."""
    from workflow_app.services.route.casefile import case_file

    genova.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    genova.act("ejecutivo", "sanction", "2028-05-19")
    genova.act("ejecutivo", "send_copy_to_governor", "2028-05-22")
    genova.act("ejecutivo", "publish", "2028-05-24", payload={"vigencia": "on_publication"})
    steps = case_file(db_session, genova.plan).last_stretch.steps
    assert [s.on for s in steps] == sorted(s.on for s in steps)
    assert [s.what for s in steps][-2:] == ["Copia enviada al gobernador para su revisión jurídica", "Publicado"]


def test_a_late_act_of_bogotas_last_stretch_is_warned_of_under_dl1421_not_l136(client, db_session, set_today):
    """The plan's warnings cite the statute its act follows (``flags.flag_label``): Bogotá's remission to the
    Tribunal DL1421 art. 25, where the warning read «L136 art. 80» (noted in the nineteenth session)."""
    bogota = Cast(db_session, make_plan(db_session, "11001"))
    walk_to(bogota, "approved_by_corporacion")
    bogota.act("corporacion", "send_for_sanction", "2028-05-17", payload={"articles_sent": 12})
    bogota.act("ejecutivo", "object", "2028-05-25", payload={"grounds": ["ilegalidad"], "article_count": 12})
    bogota.act("corporacion", "insist_on_project", "2028-05-26",
               payload={"decision_votes": 23, "corporation_members": 45})
    set_today("2028-06-30")
    bogota.act("ejecutivo", "send_to_tribunal", "2028-06-30")  # ten business days from 26 May: 10 June at most
    assert "late_tribunal_remission" in bogota.plan.flags
    page = client.get("/publico/11001").get_data(as_text=True)
    assert "Enviado al Tribunal después de los diez días (DL1421 art. 25)" in page
    assert "L136 art. 80" not in page.split("Advertencias de cumplimiento")[1].split("</p>")[0]
