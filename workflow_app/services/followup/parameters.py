"""Monitoreo 360's editable parameters (``reference_data/monitoreo360.json``): the survey's threshold and labels, the
Lista de Chequeo templates and bands, the ranking's weights. None of them is law: phase-ii.md §4.8 marks them as
proposals "kept as admin-editable parameters shown on every report"."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

PARAMETERS_FILE = Path(__file__).resolve().parents[2] / "reference_data" / "monitoreo360.json"


@dataclass(frozen=True)
class Aspect:
    key: str
    label: str
    question: str


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    text: str
    source: str


@lru_cache(maxsize=1)
def parameters() -> dict:
    return json.loads(PARAMETERS_FILE.read_text(encoding="utf-8"))


def threshold() -> float:
    return float(parameters()["survey"]["threshold"])


def aspects() -> tuple[Aspect, ...]:
    return tuple(Aspect(*row) for row in parameters()["survey"]["aspects"])


def scale_labels() -> dict[int, str]:
    return {int(k): v for k, v in parameters()["survey"]["scale_labels"].items()}


def respondent_levels() -> tuple[tuple[str, str], ...]:
    return tuple(tuple(x) for x in parameters()["survey"]["respondent_levels"])


def respondent_roles() -> tuple[str, ...]:
    return tuple(parameters()["survey"]["respondent_roles"])


def checklist_template(name: str = "pdt") -> tuple[str, tuple[ChecklistItem, ...]]:
    template = parameters()["checklist"]["templates"][name]
    return template["title"], tuple(ChecklistItem(*row) for row in template["items"])


def checklist_values() -> tuple[tuple[str, str, int | None], ...]:
    return tuple(tuple(x) for x in parameters()["checklist"]["values"])


def checklist_band(score: float) -> str:
    for floor, name in parameters()["checklist"]["bands"]:
        if score >= floor:
            return name
    return "baja"


def ranking() -> dict:
    return parameters()["ranking"]


def monthly_target(month: date) -> float:
    targets = ranking()["monthly_progress_target"]
    return float(targets.get(month.strftime("%Y-%m"), targets["default"]))


def fmt(value: float | None, decimals: int = 2) -> str:
    """Spanish decimal comma: 3,75."""
    if value is None:
        return "—"
    return f"{value:.{decimals}f}".replace(".", ",")


def pct(value: float | None) -> str:
    """«62,2 %», or «—» where there is no figure (no «— %»)."""
    return "—" if value is None else f"{fmt(value, 1)} %"
