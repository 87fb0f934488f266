"""Exceptional regimes as data: what an emergency decree changes in the route of one constitutional period.

Decreto 683 de 2020 (legal-path.md §c) is the one regime in force so far. What it changed is the kind of thing
such decrees change, so each change is a parameter here rather than code in the calendar or the machine:

- ``filing``: a fixed last day to file the plan with the corporation, for entities that use the enabling
  article (D683 art. 1: 15 June 2020);
- ``modifications``: a fixed last day for the executive to modify the plan already filed (D683 art. 2: 15 June
  2020), which also enables the ``modify_by_executive`` act of the route;
- ``decision``: a fixed last day for the corporation to decide when any of its enabling articles was used
  (D683 art. 3: 15 July 2020);
- ``piscc_months``: the Plan Integral de Seguridad y Convivencia Ciudadana is adopted within that many months
  after the plan (D683 art. 4).

The service keeps each regime as a row of the ``regimes`` table and hands the calendar and the machine an
``ExceptionalRegime`` built from it; a future emergency decree of the same shape is a new row. The calendar
contract's ``regime: d683_2020`` keeps working without a database through ``BUILTIN_REGIMES``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

ORDINARY = "ordinary"


@dataclass(frozen=True)
class FixedDate:
    """A date fixed by the decree itself (never extended, calendar-contract.md "Fixed dates")."""

    on: date
    legal_basis: str  # "D683 art. 1"
    enabled_by: frozenset[str]  # articles whose use makes this date apply
    what: str = ""  # Spanish, for explanations: "los planes no presentados a tiempo"

    def applies(self, used: frozenset[str]) -> bool:
        return bool(self.enabled_by & used)


@dataclass(frozen=True)
class ExceptionalRegime:
    code: str  # "d683_2020"
    name: str  # "Decreto 683 de 2020"
    norm: str  # "D683" (the norm's ID in legal-path.md §0)
    period_start: date  # the only constitutional period it applies to
    articles: tuple[tuple[str, str], ...]  # (key, Spanish description) of the articles an entity may use
    filing: FixedDate | None = None
    modifications: FixedDate | None = None
    decision: FixedDate | None = None
    piscc_months: int | None = None
    piscc_basis: str = ""

    @property
    def article_keys(self) -> frozenset[str]:
        return frozenset(key for key, _ in self.articles)

    def to_data(self) -> dict:
        """The row's JSON parameters (``regimes.rules``)."""
        def fixed(f: FixedDate | None):
            return None if f is None else {"on": f.on.isoformat(), "legal_basis": f.legal_basis,
                                           "enabled_by": sorted(f.enabled_by), "what": f.what}
        return {"filing": fixed(self.filing), "modifications": fixed(self.modifications),
                "decision": fixed(self.decision), "piscc_months": self.piscc_months, "piscc_basis": self.piscc_basis}

    @classmethod
    def from_data(cls, *, code: str, name: str, norm: str, period_start: date, articles: list, rules: dict
                  ) -> "ExceptionalRegime":
        """Build from a row; raises ``ValueError`` (Spanish) on parameters that do not make sense."""
        def fixed(key: str) -> FixedDate | None:
            value = (rules or {}).get(key)
            if not value:
                return None
            try:
                return FixedDate(date.fromisoformat(value["on"]), str(value["legal_basis"]),
                                 frozenset(value.get("enabled_by") or ()), str(value.get("what") or ""))
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"El parámetro «{key}» del régimen {code} no es válido: {exc}") from exc
        pairs = tuple((str(a["key"]), str(a["label"])) for a in (articles or []))
        months = (rules or {}).get("piscc_months")
        regime = cls(code=code, name=name, norm=norm, period_start=period_start, articles=pairs,
                     filing=fixed("filing"), modifications=fixed("modifications"), decision=fixed("decision"),
                     piscc_months=int(months) if months else None, piscc_basis=str((rules or {}).get("piscc_basis") or ""))
        keys = regime.article_keys
        for f in (regime.filing, regime.modifications, regime.decision):
            if f is not None and not f.enabled_by <= keys:
                raise ValueError(f"El régimen {code} habilita una fecha con artículos que no declara.")
        if period_start.month != 1 or period_start.day != 1:
            raise ValueError(f"El régimen {code} debe aplicar a un período que empieza el 1 de enero.")
        return regime


#: Decreto 683 de 2020, arts. 1-4 (legal-path.md §c): the row the migration writes, and the calendar contract's
#: built-in ``d683_2020``.
D683_2020 = ExceptionalRegime(
    code="d683_2020",
    name="Decreto 683 de 2020",
    norm="D683",
    period_start=date(2020, 1, 1),
    articles=(("art1", "Art. 1: radicar hasta el 15 de junio de 2020 el plan no presentado a tiempo"),
              ("art2", "Art. 2: modificar hasta el 15 de junio de 2020 el plan radicado a más tardar el 30 de abril")),
    filing=FixedDate(date(2020, 6, 15), "D683 art. 1", frozenset({"art1"}), "los planes no presentados a tiempo"),
    modifications=FixedDate(date(2020, 6, 15), "D683 art. 2", frozenset({"art2"}),
                            "el plan radicado a más tardar el 30 de abril de 2020"),
    decision=FixedDate(date(2020, 7, 15), "D683 art. 3", frozenset({"art1", "art2"})),
    piscc_months=1,
    piscc_basis="D683 art. 4",
)

BUILTIN_REGIMES: dict[str, ExceptionalRegime] = {D683_2020.code: D683_2020}

#: D683 art. 2 (issue 20; legal-path.md §c, paraphrased): the executive's changes are for the plans already filed
#: with the corporation by 30 April 2020; a plan filed later has no art. 2 to use. Regime code -> last filing day.
MODIFICATIONS_FILED_BY: dict[str, date] = {D683_2020.code: date(2020, 4, 30)}
