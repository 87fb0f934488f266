"""Official names and Spanish order over the whole DIVIPOLA list (1,103 municipios, 33 department codes).

The order is checked against an oracle written independently of ``reference_data.names``: the RAE alphabet
(a b c … n ñ o … z) over the letters of each word, accents and diaeresis ignored, word by word."""
from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import select

from workflow_app.models import Department, Entity
from workflow_app.reference_data.names import official_name, search_key, sort_key

DATA = Path(__file__).resolve().parents[2] / "workflow_app" / "reference_data"
ALPHABET = "0123456789abcdefghijklmnñopqrstuvwxyz"
PARTICLES = {"de", "del", "y"}


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


DIVIPOLA = _rows("divipola.csv")
DANE_NAMES = sorted({r["muni_name"] for r in DIVIPOLA} | {r["dept_name"] for r in DIVIPOLA})


def rae_order(name: str) -> tuple:
    """Oracle: each word as indexes in the Spanish alphabet (ñ its own letter after n)."""
    words = []
    for word in name.replace(",", " ").replace(".", " ").replace("-", " ").lower().split():
        letters = []
        for ch in word:
            if ch == "ñ":
                letters.append(ALPHABET.index("ñ"))
            else:
                base = unicodedata.normalize("NFD", ch)[0]
                letters.append(ALPHABET.index(base))
        words.append(tuple(letters))
    return tuple(words)


@pytest.mark.parametrize("dane, official", [
    ("BOGOTÁ, D.C.", "Bogotá, D.C."),
    ("NORTE DE SANTANDER", "Norte de Santander"),
    ("ARCHIPIÉLAGO DE SAN ANDRÉS, PROVIDENCIA Y SANTA CATALINA",
     "Archipiélago de San Andrés, Providencia y Santa Catalina"),
    ("VALLE DEL CAUCA", "Valle del Cauca"),
    ("SAN JOSÉ DE CÚCUTA", "San José de Cúcuta"),
    ("SAN PEDRO DE LOS MILAGROS", "San Pedro de los Milagros"),
    ("GÜICÁN DE LA SIERRA", "Güicán de la Sierra"),
    ("LA JAGUA DEL PILAR", "La Jagua del Pilar"),
    ("CASTILLA LA NUEVA", "Castilla La Nueva"),
    ("PIENDAMÓ - TUNÍA", "Piendamó - Tunía"),
    ("VILLA DE SAN DIEGO DE UBATÉ", "Villa de San Diego de Ubaté"),
])
def test_official_capitalisation_of_names_people_read_wrong(dane, official):
    assert official_name(dane) == official


def test_every_divipola_name_keeps_danes_spelling_and_spanish_capitals():
    assert len(DIVIPOLA) == 1103 and len({r["dept_code"] for r in DIVIPOLA}) == 33
    for dane in DANE_NAMES:
        name = official_name(dane)
        assert name.upper() == dane, (dane, name)  # same letters, accents and punctuation as DANE's
        words = name.split()
        assert words[0][0].isupper(), name
        for previous, word in zip(words, words[1:]):
            if word.lower() in PARTICLES or (word.lower() in {"la", "las", "los", "el"}
                                             and previous in {"de", "del"}):
                assert word.islower(), name
            elif word != "-":
                assert word[0].isupper() and (word.isupper() if "." in word else word[1:] == word[1:].lower()), name


def test_the_order_key_sorts_the_whole_list_as_the_spanish_alphabet_does():
    names = [official_name(n) for n in DANE_NAMES]
    assert sorted(names, key=sort_key) == sorted(names, key=rae_order)
    ordered = sorted(names, key=sort_key)
    assert ordered.index("Córdoba") < ordered.index("Cundinamarca")
    assert ordered.index("Nariño") < ordered.index("Norte de Santander")  # ñ after n, before o
    assert ordered.index("Puerto Nare") < ordered.index("Puerto Nariño")


@pytest.mark.parametrize("query, expected", [("bogota", "Bogotá, D.C."), ("BOGOTÁ", "Bogotá, D.C."),
                                             ("san andres", "San Andrés"), ("cucuta", "San José de Cúcuta"),
                                             ("penon", "El Peñón"), ("Peñón", "El Peñón")])
def test_search_key_ignores_case_accents_and_the_tilde(query, expected):
    assert search_key(query) in search_key(expected)


def test_loaded_names_are_official_and_postgresql_orders_them_in_spanish(db_session):
    entities = db_session.execute(select(Entity.name, Entity.sort_key).order_by(Entity.sort_key, Entity.id)).all()
    assert len(entities) == 1103 + 32
    assert all(key == sort_key(name) for name, key in entities)
    by_database = [name for name, _ in entities]
    assert [rae_order(n) for n in by_database] == sorted(rae_order(n) for n in by_database)
    departments = db_session.scalars(select(Department.name).order_by(Department.sort_key)).all()
    assert departments == sorted(departments, key=rae_order)
    assert {"Bogotá, D.C.", "Norte de Santander", "Archipiélago de San Andrés, Providencia y Santa Catalina"} \
        <= set(departments)
    assert departments.index("Córdoba") < departments.index("Cundinamarca")
    bogota = db_session.scalar(select(Entity).filter_by(dane_code="11001"))
    assert bogota.display_name == "Bogotá, D.C."


@pytest.mark.parametrize("query, code", [("bogota", "11001"), ("BOGOTÁ", "11001"), ("san andres", "88001"),
                                         ("cucuta", "54001"), ("norte de santander", "54")])
def test_public_search_finds_names_typed_any_way(client, query, code):
    page = client.get("/publico", query_string={"q": query}).get_data(as_text=True)
    assert f"/publico/{code}" in page, query


def test_public_department_list_is_in_spanish_order_with_official_names(client):
    page = client.get("/publico").get_data(as_text=True)
    assert page.index(">Córdoba</a>") < page.index(">Cundinamarca</a>")
    assert ">Bogotá, D.C.</a>" in page and ">Norte de Santander</a>" in page and "D.c." not in page
