"""The last stretch against the statutes' own words (issue 20; the statutes review's "differences found"):
Bogotá under Decreto-Ley 1421 de 1993 arts. 23-25, the silence of the governor under L2200 art. 100 inc. 3, the
terms Decreto 1222 de 1986 does not write (arts. 77, 79, 80, 82), and L136 art. 80 after the Tribunal's ruling.

Each rule is checked on both sides of its boundary: the last day of a term and the day after it, and the
8 February 2022 that separates D1222 from L2200."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from state_machines.approval.pdt import PDT_MACHINE, PlanSnapshot
from state_machines.calendar import calendar_json, compute_deadlines, deadline_map, parse_facts
from state_machines.core.machine import TransitionRefused
from state_machines.core.roles import Role
from state_machines.corporation import sanction
from state_machines.corporation.sanction import SANCTION_LAWS, SanctionRecord, legal_basis_for, sanction_law

E, C = Role.EJECUTIVO, Role.CORPORACION
BOGOTA = "bogota"


def facts(kind="municipio", period="2028-01-01", articles=None, special=None, **events):
    data = {"entity_kind": kind, "period_start": period, "posesion": period, "events": dict(events)}
    if articles is not None:
        data["article_count"] = articles
    if special:
        data["special_regime"] = special
    return data


def deadlines(**kw):
    return {d["key"]: d for d in calendar_json(facts(**kw))["deadlines"]}


def snapshot(state, today, kind="municipio", special=None, approved_on=date(2028, 5, 15),
             sanction_record=SanctionRecord(), articles=None, **events):
    data = facts(kind=kind, period=f"{approved_on.year if approved_on.year % 4 == 0 else 2020}-01-01",
                 articles=articles, special=special, **events)
    dl = deadline_map(compute_deadlines(parse_facts(data)))
    return PlanSnapshot(state=state, entity_kind=kind, today=today, deadlines=dl, sanction=sanction_record,
                        approved_on=approved_on, special_regime=special)


def refusal(s, trigger, role):
    with pytest.raises(TransitionRefused) as refused:
        PDT_MACHINE.fire(s, trigger, role)
    return refused.value


# --- 1. Bogotá: DL1421 arts. 23-25 -------------------------------------------------------------------------------

def test_bogota_follows_decreto_ley_1421_and_other_municipios_l136():
    assert sanction_law("municipio", date(2028, 5, 15), BOGOTA).code == "DL1421"
    assert sanction_law("municipio", date(2028, 5, 15)).code == "L136"
    assert SANCTION_LAWS["DL1421"].objection_table() == (("cualquier número de artículos", 10),)
    assert SANCTION_LAWS["L136"].objection_table()[0] == ("hasta 20 artículos", 5)


@pytest.mark.parametrize("articles", [5, 20, 21, 50, 51, 120])
def test_bogota_objects_within_ten_days_of_receipt_whatever_the_article_count(articles):
    # DL1421 art. 23: "Dentro de los diez (10) días siguientes al recibo del proyecto". Sent Wednesday 17 May
    # 2028: ten business days (Monday 29 May, Ascensión, is not one) to Thursday 1 June.
    d = deadlines(special=BOGOTA, sent_for_sanction="2028-05-17", articles=articles)["objection_term"]
    assert (d["latest"], d["overdue_from"], d["legal_basis"]) == ("2028-06-01", "2028-06-02", "DL1421 art. 23")


def test_bogotas_term_runs_without_the_article_count_and_l136s_does_not():
    d = deadlines(special=BOGOTA, sent_for_sanction="2028-05-17")["objection_term"]
    assert d["latest"] == "2028-06-01" and "artículos" not in d["explanation"].split("(")[0]
    assert "objection_term" not in deadlines(sent_for_sanction="2028-05-17")
    late = replace(snapshot("sanction_pending", date(2028, 6, 2), special=BOGOTA, sent_for_sanction="2028-05-17"),
                   objection_grounds=frozenset({"inconveniencia"}))
    refused = refusal(late, "object", E)
    assert refused.legal_basis == "DL1421 art. 23" and "1 de junio de 2028" in refused.reason
    assert PDT_MACHINE.fire(replace(late, today=date(2028, 6, 1)), "object", E).dest == "objected"


def test_a_bogota_objection_on_the_tenth_day_is_accepted_and_on_the_eleventh_refused():
    record = SanctionRecord(articles=12)
    kw = dict(sent_for_sanction="2028-05-17", articles=12)
    last = replace(snapshot("sanction_pending", date(2028, 6, 1), special=BOGOTA, **kw),
                   objection_grounds=frozenset({"inconveniencia"}), article_count=12, sanction=record)
    assert PDT_MACHINE.fire(last, "object", E).dest == "objected"
    assert refusal(replace(last, today=date(2028, 6, 2)), "object", E).legal_basis == "DL1421 art. 23"
    # The same project under L136 art. 78 (12 articles: five days) was already out of time on the sixth day.
    municipio = replace(snapshot("sanction_pending", date(2028, 5, 25), **kw),
                        objection_grounds=frozenset({"inconveniencia"}), article_count=12, sanction=record)
    assert refusal(municipio, "object", E).legal_basis == "L136 art. 78"
    assert PDT_MACHINE.fire(replace(last, today=date(2028, 5, 25)), "object", E).dest == "objected"


def test_after_the_tribunal_finds_the_objections_unfounded_the_mayor_has_three_days():
    # L136 art. 80 / DL1421 art. 25: "dentro de los tres (3) días siguientes al recibo de la comunicación".
    # Received Thursday 1 June 2028: Friday 2, Monday 5, Tuesday 6 June.
    for special, basis in ((None, "L136 art. 80"), (BOGOTA, "DL1421 art. 25")):
        d = deadlines(special=special, tribunal_unfounded="2028-06-01")["sanction_after_tribunal"]
        assert (d["latest"], d["overdue_from"], d["legal_basis"]) == ("2028-06-06", "2028-06-07", basis)
    ordenanza = deadlines(kind="departamento", approved="2028-05-15", tribunal_unfounded="2028-06-01")
    assert "sanction_after_tribunal" not in ordenanza  # L2200 art. 101 writes none


def test_in_bogota_the_presidents_sanction_after_the_tribunal_comes_the_day_after_the_three_days():
    record = SanctionRecord(grounds=frozenset({"ilegalidad"}), via_tribunal=True)
    due = snapshot("sanction_due", date(2028, 6, 6), special=BOGOTA, sanction_record=record,
                   tribunal_unfounded="2028-06-01")
    refused = refusal(due, "sanction_by_president", C)
    assert refused.legal_basis == "DL1421 art. 25" and "7 de junio de 2028" in refused.reason
    assert PDT_MACHINE.fire(replace(due, today=date(2028, 6, 7)), "sanction_by_president", C).dest == "sanctioned"
    # L136 art. 80 names only the mayor: no president's sanction after the Tribunal, before or after the 3 days.
    municipio = snapshot("sanction_due", date(2028, 6, 7), sanction_record=record, tribunal_unfounded="2028-06-01")
    assert refusal(municipio, "sanction_by_president", C).legal_basis == "L136 art. 80"


def test_bogotas_rejected_inconvenience_objections_cite_dl1421_art_24_with_l136s_eight_days():
    d = deadlines(special=BOGOTA, objections_rejected="2028-06-01")["sanction_after_rejection"]
    assert d["legal_basis"] == "DL1421 art. 24 (8 días: L136 art. 79 por DL1421 art. 2)"
    assert d["latest"] == "2028-06-13"


def test_bogota_sends_no_copy_to_the_governor_unless_configured(monkeypatch):
    assert "governor_copy" not in deadlines(special=BOGOTA, sanctioned="2028-06-13")
    assert "governor_copy" in deadlines(sanctioned="2028-06-13")
    s = snapshot("sanctioned", date(2028, 6, 14), special=BOGOTA, sanctioned="2028-06-13")
    refused = refusal(s, "send_copy_to_governor", E)
    assert refused.legal_basis == "DL1421 art. 7" and "Distrito Capital" in refused.reason
    # The text does not settle it (README): the other reading sends the copy within L136 art. 82's five days.
    monkeypatch.setitem(SANCTION_LAWS, "DL1421", replace(SANCTION_LAWS["DL1421"], governor_copy_days=5,
                                                         governor_copy_basis="L136 art. 82 (DL1421 art. 2)"))
    d = deadlines(special=BOGOTA, sanctioned="2028-06-13")["governor_copy"]
    assert d["legal_basis"] == "L136 art. 82 (DL1421 art. 2)"
    s = snapshot("sanctioned", date(2028, 6, 14), special=BOGOTA, sanctioned="2028-06-13")
    assert PDT_MACHINE.fire(s, "send_copy_to_governor", E).dest == "sanctioned"


def test_bogotas_history_cites_dl1421():
    table = "L136 art. 78; L2200 art. 100"
    assert legal_basis_for("object", table, "municipio", date(2028, 5, 15), BOGOTA) == "DL1421 art. 23"
    assert legal_basis_for("object", table, "municipio", date(2028, 5, 15)) == "L136 art. 78"
    assert legal_basis_for("sanction_by_president", "L136 art. 79", "municipio", date(2028, 5, 15), BOGOTA,
                           "sanction_due", via_tribunal=True) == "DL1421 art. 25"
    assert legal_basis_for("send_to_tribunal", "L136 art. 80", "municipio", None, BOGOTA) == "DL1421 art. 25"


# --- 2. L2200: no term after the rejection; the president after the governor's silence ---------------------------

def test_l2200s_eight_days_after_the_rejection_are_cited_as_an_analogy():
    d = deadlines(kind="departamento", approved="2028-05-15", objections_rejected="2028-06-01")
    assert d["sanction_after_rejection"]["legal_basis"] == \
        "L2200 art. 100 par. (sin término; 8 días por analogía con L136 art. 79)"


def test_the_asamblea_president_sanctions_once_the_objection_term_ran_out_in_silence():
    # L2200 art. 100 inc. 3: "Si no lo sanciona, el presidente de la Corporación procederá a sancionarlo y
    # publicarlo". 20 articles sent Wednesday 17 May 2028: five business days, to Wednesday 24 May.
    kw = dict(kind="departamento", approved="2028-05-15", sent_for_sanction="2028-05-17", articles=20)
    d = deadlines(**kw)["objection_term"]
    assert d["latest"] == "2028-05-24" and "L2200 art. 100 inc. 3" in d["explanation"]
    # What the term's end does, not «la norma no le asigna una consecuencia automática» (QA, 7 December 2026).
    assert ("Desde el jueves 25 de mayo de 2028 ya no puede objetarse: el gobernador debe sancionarlo, o lo "
            "sanciona y publica el presidente de la Asamblea (L2200 art. 100 inc. 3).") in d["explanation"]
    assert "consecuencia automática" not in d["explanation"]
    municipal = deadlines(approved="2028-05-15", sent_for_sanction="2028-05-17", articles=20)["objection_term"]
    assert municipal["explanation"].endswith("ya no puede objetarse: el alcalde debe sancionarlo.")
    kw.pop("kind")
    pending = snapshot("sanction_pending", date(2028, 5, 24), kind="departamento", **kw)
    refused = refusal(pending, "sanction_by_president", C)
    assert refused.legal_basis == "L2200 art. 100 inc. 3" and "25 de mayo de 2028" in refused.reason
    assert PDT_MACHINE.fire(replace(pending, today=date(2028, 5, 25)), "sanction_by_president", C).dest == \
        "sanctioned"
    kw.pop("articles")
    unknown = snapshot("sanction_pending", date(2028, 6, 25), kind="departamento", **kw)
    assert "número de artículos" in refusal(unknown, "sanction_by_president", C).reason


@pytest.mark.parametrize("approved,allowed", [(date(2022, 2, 7), False), (date(2022, 2, 8), True)])
def test_the_silence_path_is_l2200s_from_8_february_2022_not_d1222s(approved, allowed):
    events = dict(approved=approved.isoformat(), sent_for_sanction="2022-02-09", articles=10)
    s = snapshot("sanction_pending", date(2022, 3, 15), kind="departamento", approved_on=approved, **events)
    if allowed:
        assert PDT_MACHINE.fire(s, "sanction_by_president", C).dest == "sanctioned"
    else:
        assert refusal(s, "sanction_by_president", C).legal_basis == "D1222 art. 78"


def test_a_mayors_silence_does_not_let_the_concejo_president_sanction():
    s = snapshot("sanction_pending", date(2028, 7, 1), sent_for_sanction="2028-05-17", articles=10)
    assert refusal(s, "sanction_by_president", C).legal_basis == "L136 art. 78"


# --- 3. D1222: the terms it does not write -------------------------------------------------------------------------

@pytest.mark.parametrize("approved,law", [("2022-02-07", "D1222"), ("2022-02-08", "L2200")])
def test_d1222_writes_no_publication_or_tribunal_term_and_l2200_does(approved, law):
    d = deadlines(kind="departamento", period="2020-01-01", approved=approved, illegality_insisted="2022-03-01",
                  sanctioned="2022-03-10")
    if law == "D1222":
        assert "publication" not in d and "tribunal_remission" not in d
    else:
        assert d["publication"]["legal_basis"] == "L2200 art. 103"
        assert d["tribunal_remission"]["legal_basis"] == "L2200 art. 101"


def test_d1222_cites_art_77_for_remission_art_82_for_publication_and_the_analogy_for_the_eight_days():
    on = date(2020, 5, 20)
    assert legal_basis_for("send_for_sanction", "L136 art. 76", "departamento", on) == "D1222 art. 77"
    assert legal_basis_for("publish", "CPACA art. 65; L136 art. 81", "departamento", on) == \
        "CPACA art. 65; D1222 art. 82"
    d = deadlines(kind="departamento", period="2020-01-01", approved="2020-05-20", objections_rejected="2020-06-01")
    assert "sanction_after_rejection" not in d  # D1222 art. 79 writes no term (the default reading)


def test_d1222_has_no_eight_days_nor_presidents_sanction_unless_the_analogy_is_configured(monkeypatch):
    record = SanctionRecord(grounds=frozenset({"inconveniencia"}), overridden=True)
    kw = dict(kind="departamento", approved_on=date(2020, 5, 20), sanction_record=record,
              approved="2020-05-20", objections_rejected="2020-06-01")
    assert sanction.D1222_EIGHT_DAYS_BY_ANALOGY is False  # the configured default: the text as it reads
    refused = refusal(snapshot("sanction_due", date(2020, 6, 12), **kw), "sanction_by_president", C)
    assert refused.legal_basis == "D1222 art. 79" and "sanciona el gobernador" in refused.reason
    monkeypatch.setitem(SANCTION_LAWS, "D1222", replace(
        SANCTION_LAWS["D1222"], override_sanction_days=8,
        override_basis="D1222 art. 79 (sin término; 8 días por analogía con L136 art. 79)"))
    d = deadlines(kind="departamento", period="2020-01-01", approved="2020-05-20", objections_rejected="2020-06-01")
    assert d["sanction_after_rejection"]["legal_basis"] == \
        "D1222 art. 79 (sin término; 8 días por analogía con L136 art. 79)"
    assert PDT_MACHINE.fire(snapshot("sanction_due", date(2020, 6, 12), **kw), "sanction_by_president", C).dest \
        == "sanctioned"


# --- 4. L136 art. 80: the partly vitiated project --------------------------------------------------------------

def test_an_ordenanzas_tribunal_decides_definitively_at_once():
    record = SanctionRecord(grounds=frozenset({"ilegalidad"}))
    tribunal = snapshot("before_tribunal", date(2028, 8, 1), kind="departamento", sanction_record=record)
    assert refusal(tribunal, "record_tribunal_partial", C).legal_basis == "L2200 art. 101"
    assert PDT_MACHINE.fire(tribunal, "record_tribunal_articles_archived", C).dest == "sanction_due"


def test_bogotas_partly_vitiated_acuerdo_is_reconsidered_through_dl1421_art_2():
    record = SanctionRecord(grounds=frozenset({"ilegalidad"}))
    tribunal = snapshot("before_tribunal", date(2028, 8, 1), special=BOGOTA, sanction_record=record)
    assert PDT_MACHINE.fire(tribunal, "record_tribunal_partial", C).dest == "tribunal_reconsideration"
    assert legal_basis_for("record_tribunal_partial", "L136 art. 80", "municipio", None, BOGOTA) == \
        "L136 art. 80 (DL1421 art. 2)"


# --- 5. The counting rule's citation ---------------------------------------------------------------------------

def test_the_day_after_rule_cites_cgp_art_118_not_l4_1913_art_70():
    assert "CGP art. 118" in sanction.__doc__ and "art. 70" not in sanction.__doc__


# --- L136 art. 78 inc. 3: the mayor convokes a Concejo not in sessions within the week after the objections ----

def objections(category="6", kind="municipio", special=None, **events):
    data = facts(kind=kind, special=special, approved="2028-05-26", sent_for_sanction="2028-05-29", **events)
    if category:
        data["fiscal_category"] = category
    return {d["key"]: d for d in calendar_json(data)["deadlines"]}.get("objections_convocation")


def test_objections_while_the_concejo_is_in_recess_give_the_mayor_the_following_week_to_convoke_it():
    """A category 6 Concejo sits in February, May, August and November (L136 art. 23): objections on Monday
    5 June 2028 find it in recess; the week runs to Monday 12 June, a business day."""
    term = objections(objected="2028-06-05")
    assert (term["earliest"], term["latest"], term["act_by"], term["overdue_from"]) == (
        "2028-06-12", "2028-06-12", "2028-06-12", "2028-06-13")
    assert term["legal_basis"] == "L136 art. 78" and term["effect"] == "warning"
    assert "no estaba en sesiones ordinarias (L136 art. 23)" in term["explanation"]
    assert "no más de cinco días" in term["explanation"]
    # Objections on Saturday 10 June: the seventh day, Saturday 17 June, is not a business day, nor is Monday
    # 19 June (Corpus Christi): the term reaches Tuesday 20 June; convoke by Friday 16 June.
    late = objections(objected="2028-06-10")
    assert (late["earliest"], late["latest"], late["act_by"], late["overdue_from"]) == (
        "2028-06-17", "2028-06-20", "2028-06-16", "2028-06-21")


def test_no_week_to_convoke_when_the_concejo_sits_its_category_is_unknown_or_the_convocation_is_recorded():
    assert objections(objected="2028-05-30") is None  # May: ordinary sessions of a category 6 Concejo
    assert objections(category=None, objected="2028-06-05") is None  # "reunido" cannot be told
    assert objections(objected="2028-06-05", objections_convoked="2028-06-08") is None
    assert objections(objected="2028-06-05", objections_convoked="2028-05-20") is not None  # an older one
    # Neither an Asamblea (L2200 art. 100 inc. 4 writes a publication, not a convocation) nor Bogotá (DL1421).
    assert objections(kind="departamento", category=None, objected="2028-08-05") is None
    assert objections(special=BOGOTA, objected="2028-06-05") is None


def test_the_presidents_publication_cites_each_corporations_own_statute():
    from state_machines.corporation.sanction import legal_basis_for

    table = "CPACA art. 65; L136 art. 79; L2200 art. 100 inc. 3"
    assert legal_basis_for("publish_by_president", table, "municipio", date(2028, 5, 15)) == "CPACA art. 65; L136 art. 79"
    assert legal_basis_for("publish_by_president", table, "departamento", date(2028, 5, 15)) == \
        "CPACA art. 65; L2200 art. 100 inc. 3"


def test_the_end_of_the_executives_sanction_term_says_the_president_sanctions_where_the_law_says_so():
    """QA, 7 December 2026: the row said «sanciona y publica el presidente del Concejo» and then «la norma no le
    asigna una consecuencia automática». L136 art. 79 and DL1421 arts. 24-25 give the sanction to the president;
    L136 art. 80 names only the mayor."""
    rejected = deadlines(objections_rejected="2028-06-01")["sanction_after_rejection"]["explanation"]
    assert rejected.endswith("Desde el miércoles 14 de junio de 2028 sanciona y publica el presidente del Concejo si el "
                             "alcalde no lo ha hecho (L136 art. 79).")
    bogota = deadlines(special=BOGOTA, tribunal_unfounded="2028-06-01")["sanction_after_tribunal"]["explanation"]
    assert bogota.endswith("sanciona el presidente del Concejo si el alcalde no lo ha hecho (DL1421 art. 25).")
    municipio = deadlines(tribunal_unfounded="2028-06-01")["sanction_after_tribunal"]["explanation"]
    assert "consecuencia automática" in municipio and "presidente" not in municipio.split("Desde el")[-1]


def test_an_ordenanzas_publication_is_said_in_the_feminine():
    # QA, 7 December 2026: «Publicación del ordenanza sancionado … publíquelo».
    text = deadlines(kind="departamento", approved="2028-05-15", sanctioned="2028-05-15")["publication"]["explanation"]
    assert text.startswith("Publicación de la ordenanza sancionada el lunes 15 de mayo de 2028") and "publíquela" in text
    assert deadlines(sanctioned="2028-05-15")["publication"]["explanation"].startswith(
        "Publicación del acuerdo sancionado")


def test_bogotas_assignment_approval_and_extension_cite_its_own_statute():
    """QA, 7 December 2026: Bogotá's «Repartir» and «Aprobar el plan» cited L136 art. 73 (its debates cite DL1421 art.
    22), and its sessions notice the extension of L136 art. 23 par. 1 (DL1421 art. 10)."""
    from state_machines.corporation.sessions import extraordinary_sessions_verdict

    table = "L152 art. 40; L136 art. 73"
    for trigger in ("assign_to_committee", "approve_plan"):
        assert legal_basis_for(trigger, table, "municipio", None, BOGOTA) == "L152 art. 40; DL1421 art. 22"
        assert legal_basis_for(trigger, table, "municipio", None) == table
    verdict = extraordinary_sessions_verdict("municipio", "especial", date(2028, 1, 1), date(2028, 4, 28),
                                             special=BOGOTA)
    assert "DL1421 art. 10" in verdict.explanation and "L136 art. 23 par. 1" not in verdict.explanation
