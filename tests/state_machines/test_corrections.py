"""Who corrects a document of the case file and who is told of it (CPACA art. 45; D1865 art. 3), without an app."""
from state_machines.approval import corrections
from state_machines.core.roles import Role


def test_each_side_corrects_only_what_it_filed():
    ctp, executive, planning = {Role.CTP}, {Role.EJECUTIVO}, {Role.PLANEACION}
    assert corrections.correcting_role("ejecutivo", None, ctp, set()) is None
    assert corrections.correcting_role("ctp", None, executive, set()) is None
    assert corrections.correcting_role("ctp", None, planning, set()) is None
    assert corrections.correcting_role("ctp", None, ctp, set()) is Role.CTP
    assert corrections.correcting_role(None, None, ctp, set()) is None  # a document attached to no act
    assert corrections.correcting_role(None, None, executive, set()) is Role.EJECUTIVO
    assert corrections.correcting_role("car", "CARSUCRE", {Role.CAR}, {"CORPOMOJANA"}) is None


def test_the_interested_parties_are_the_route_actors_and_the_reviewing_authorities():
    interested = corrections.interested_parties(["CRQ", "CORPOMOJANA", ""])
    assert interested.roles == {Role.EJECUTIVO, Role.PLANEACION, Role.CTP, Role.CORPORACION}
    assert interested.authorities == {"CRQ", "CORPOMOJANA"}
    assert corrections.interested_parties([]).authorities == frozenset()


def test_the_corrector_is_not_told_of_its_own_correction():
    assert corrections.is_told(7, 8) and not corrections.is_told(7, 7)
