"""Issue 18: every label of the legal tables, said for a municipio and for a departamento, agrees in gender and
number, names the entity's own corporation, act and executive, and cites the entity's own law."""

import re

import pytest

from state_machines.approval.pdt import PDT_MACHINE
from state_machines.approval.route import DUTIES, IRREVERSIBLE_ACTS, ROUTE_ORDER
from state_machines.approval.submachines import SUBMACHINES
from state_machines.core.wording import (
    DOCUMENT_TITLES,
    HOLDERS,
    Wording,
    business_days,
    localize,
    localize_basis,
    quoted,
)

GENOVA = Wording("municipio", "Génova", "alcaldesa")
FILANDIA = Wording("municipio", "Filandia", "alcalde")
QUINDIO = Wording("departamento", "Quindío", "gobernador")
SUCRE = Wording("departamento", "Sucre", "gobernadora")
MACHINES = (PDT_MACHINE, *SUBMACHINES.values())


def every_label() -> list[str]:
    texts = [t.label for m in MACHINES for t in m.transitions]
    texts += [label for m in MACHINES for label in m.states.values()]
    texts += [d.label for d in DUTIES] + list(DOCUMENT_TITLES.values()) + list(IRREVERSIBLE_ACTS.values())
    texts += list(HOLDERS.values()) + [label for _, label, _ in ROUTE_ORDER]
    return texts


def every_basis() -> list[str]:
    bases = [t.legal_basis for m in MACHINES for t in m.transitions] + [d.legal_basis for d in DUTIES]
    return [b for b in bases if b]


GENERIC = ("concejo o asamblea", "Concejo o Asamblea", "acuerdo u ordenanza", "Acuerdo u ordenanza",
           "alcalde o gobernador", "Alcalde o gobernador", "concejales/diputados", "alcalde/gobernador")
DEPARTMENT_WRONG = re.compile(r"\b(el|del|al|un) ordenanza\b|\b[Oo]rdenanza (sancionado|aprobado|publicado)\b"
                              r"|\bConcejo\b|\balcalde|\bconcejal")
# A municipio's acuerdo goes to the governor for its legal review (L136 art. 82): "al gobernador" is its own word.
MUNICIPIO_WRONG = re.compile(r"\b(la|una) acuerdo\b|\b[Aa]cuerdo (sancionada|aprobada)\b|\bAsamblea\b"
                             r"|(?<!\bal )(?<!\bdel )\bgobernador|\bdiputad")


@pytest.mark.parametrize("w", [GENOVA, FILANDIA])
def test_every_label_said_for_a_municipio_agrees(w):
    for text in every_label():
        said = localize(text, w)
        assert not any(g in said for g in GENERIC), said
        assert not MUNICIPIO_WRONG.search(said), said


@pytest.mark.parametrize("w", [QUINDIO, SUCRE])
def test_every_label_said_for_a_departamento_agrees(w):
    for text in every_label():
        said = localize(text, w)
        assert not any(g in said for g in GENERIC), said
        assert not DEPARTMENT_WRONG.search(said), said


def test_the_acts_article_and_participle_follow_the_entity():
    assert localize("Sancionar el acuerdo u ordenanza", QUINDIO) == "Sancionar la ordenanza"
    assert localize("Sancionar el acuerdo u ordenanza", GENOVA) == "Sancionar el acuerdo"
    assert localize("Acuerdo u ordenanza sancionado", SUCRE) == "Ordenanza sancionada"
    assert localize("Radicar el proyecto de acuerdo u ordenanza ante el concejo o asamblea", GENOVA) == \
        "Radicar el proyecto de acuerdo ante el Concejo de Génova"
    assert localize("Radicar el proyecto de acuerdo u ordenanza ante el concejo o asamblea", QUINDIO) == \
        "Radicar el proyecto de ordenanza ante la Asamblea del Quindío"
    assert localize("Alcalde o gobernador posesionado", GENOVA) == "Alcaldesa posesionada"
    assert localize("Alcalde o gobernador posesionado", QUINDIO) == "Gobernador posesionado"


def test_a_department_cites_its_own_law_and_a_municipio_its_own():
    for basis in every_basis():
        # L136 only as the analogy a term comes from, never as the ordenanza's own norm.
        assert "L136" not in re.sub(r"por analogía con L136 art\. [0-9]+", "", localize_basis(basis, QUINDIO)), basis
        if basis.startswith("L2200") and "L136" not in basis:
            continue  # an act only an asamblea has (the ponencia's publication, L2200 art. 102): never a municipio's
        assert "L2200" not in localize_basis(basis, GENOVA), basis
        # Nothing of the dropped citation is left behind (its paragraph: "L136 art. 79par.").
        assert not re.search(r"[0-9](par|inc)\.", localize_basis(basis, GENOVA)), basis
    assert localize_basis("L136 art. 79; L2200 art. 100 par.", GENOVA) == "L136 art. 79"
    # The 8 days after an Asamblea rejects the objections come from L136 art. 79 by analogy: said so, not rewritten
    # into "por analogía con Ley 2200 de 2022".
    override = "L2200 art. 100 par. (sin término; 8 días por analogía con L136 art. 79)"
    assert localize_basis(override, QUINDIO) == override


def test_numbers_agree_and_quotes_do_not_nest():
    assert business_days(1) == "1 día hábil" and business_days(-1) == "-1 día hábil"
    assert business_days(5) == "5 días hábiles" and business_days(0) == "0 días hábiles"
    assert quoted("Presentar «el proyecto»") == "«Presentar “el proyecto”»"
