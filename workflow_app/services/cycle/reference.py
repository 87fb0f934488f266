"""Load DANE's DIVIPOLA, the environmental authorities and the regions (idempotent)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from workflow_app.infra.extensions import db
from workflow_app.models import (
    Department,
    Entity,
    EnvironmentalAuthority,
    Jurisdiction,
    Milestone,
    Period,
    Phase2Milestone,
)
from workflow_app.reference_data.names import official_name

DATA_DIR = Path(__file__).resolve().parents[2] / "reference_data"
BOGOTA_DEPT = "11"  # Bogotá D.C. has a DANE department code but is a distrito, not a departamento
PERIOD_STARTS = (2020, 2024, 2028)

# Municipal-level distritos recognised by the Constitution (arts. 322, 328, AL 01/1987, AL 03/1989,
# AL 02/2007) and by law (Ley 1617 de 2013 and later laws). Kept as data: the legal route is the
# municipal one either way (calendar-contract.md: "a distrito is a municipio here").
DISTRITOS = frozenset({
    "11001",  # Bogotá, D.C.
    "08001",  # Barranquilla
    "13001",  # Cartagena de Indias
    "47001",  # Santa Marta
    "76109",  # Buenaventura
    "44001",  # Riohacha
    "13468",  # Santa Cruz de Mompox
    "52835",  # San Andrés de Tumaco
    "05837",  # Turbo
    "76001",  # Santiago de Cali (Ley 1933 de 2018)
})


@dataclass(frozen=True)
class ReferenceCounts:
    departments: int
    municipios: int
    departamentos: int
    authorities: int
    jurisdictions: int
    periods: int
    milestones: int

    def as_text(self) -> str:
        return (
            f"{self.municipios} municipios/distritos, {self.departamentos} departamentos, "
            f"{self.authorities} autoridades ambientales, {self.jurisdictions} jurisdicciones, "
            f"{self.departments} códigos de departamento, {self.periods} períodos, {self.milestones} hitos"
        )


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_reference() -> ReferenceCounts:
    """Insert what is missing and update names that changed; running twice changes nothing.

    Names are stored as DANE writes them in running text (``reference_data.names.official_name``: the CSV
    files keep DIVIPOLA's upper case), each with its Spanish order key."""
    regions = {r["dept_code"]: r["region"] for r in _rows("regions.csv")}
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    for row in _rows("departamentos.csv"):
        dept = departments.get(row["dept_code"]) or Department(code=row["dept_code"])
        dept.name, dept.region = official_name(row["dept_name"]), regions.get(row["dept_code"], "")
        departments[dept.code] = dept
        db.session.add(dept)

    authorities = {a.code: a for a in db.session.scalars(select(EnvironmentalAuthority))}
    for row in _rows("environmental_authorities.csv"):
        auth = authorities.get(row["authority_code"]) or EnvironmentalAuthority(code=row["authority_code"])
        auth.name, auth.kind = row["authority_name"], row["authority_type"]
        authorities[auth.code] = auth
        db.session.add(auth)
    db.session.flush()

    entities = {e.dane_code: e for e in db.session.scalars(select(Entity))}
    for row in _rows("divipola.csv"):
        code = row["muni_code"]
        entity = entities.get(code) or Entity(dane_code=code, nonworking_weekdays="5,6")
        entity.name = official_name(row["muni_name"])
        entity.kind = "distrito" if code in DISTRITOS else "municipio"
        entity.department_code = row["dept_code"]
        entities[code] = entity
        db.session.add(entity)
    for code, dept in departments.items():
        if code == BOGOTA_DEPT:
            continue
        entity = entities.get(code) or Entity(dane_code=code, nonworking_weekdays="5,6")
        entity.name, entity.kind, entity.department_code = dept.name, "departamento", code
        entities[code] = entity
        db.session.add(entity)
    db.session.flush()

    existing = {(j.entity_id, j.authority_code) for j in db.session.scalars(select(Jurisdiction))}
    for row in _rows("car_jurisdiction.csv"):
        entity = entities[row["muni_code"]]
        if (entity.id, row["authority_code"]) not in existing:
            db.session.add(Jurisdiction(entity_id=entity.id, authority_code=row["authority_code"], scope=row["scope"]))
            existing.add((entity.id, row["authority_code"]))

    # DNP's hitos: inserted when missing, never overwritten (administrators may edit names and weights).
    known = set(db.session.scalars(select(Milestone.number)))
    for row in _rows("hitos.csv"):
        if int(row["hito"]) not in known:
            db.session.add(Milestone(
                number=int(row["hito"]), phase=int(row["phase"]), phase_name=row["phase_name"],
                phase_weight=float(row["phase_weight"]), name=row["name"],
                weight_in_phase=float(row["weight_in_phase"]), weight_total=float(row["weight_total"]),
                source_of_truth=row["source_of_truth"]))

    # Phase II hitos (hitos-fase2.csv): key (strategy phase 2, hito), their own table; same rule as above.
    known2 = set(db.session.scalars(select(Phase2Milestone.hito)))
    for row in _rows("hitos_fase2.csv"):
        if int(row["hito"]) not in known2:
            db.session.add(Phase2Milestone(
                hito=int(row["hito"]), phase=int(row["phase"]), phase_name=row["phase_name"],
                phase_weight=float(row["phase_weight"]), name=row["name"],
                weight_in_phase=float(row["weight_in_phase"]), weight_total=float(row["weight_total"]),
                source_of_truth=row["source_of_truth"]))

    periods = {p.start_on for p in db.session.scalars(select(Period))}
    for year in PERIOD_STARTS:
        if date(year, 1, 1) not in periods:
            db.session.add(Period(start_on=date(year, 1, 1), end_on=date(year + 3, 12, 31)))
    db.session.commit()
    return reference_counts()


def reference_counts() -> ReferenceCounts:
    def count(model, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    return ReferenceCounts(
        departments=count(Department),
        municipios=count(Entity, Entity.kind != "departamento"),
        departamentos=count(Entity, Entity.kind == "departamento"),
        authorities=count(EnvironmentalAuthority),
        jurisdictions=count(Jurisdiction),
        periods=count(Period),
        milestones=count(Milestone),
    )
