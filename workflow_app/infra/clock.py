"""The injected clock: legal deadlines are computed from Colombian dates, never read ad hoc."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask import current_app

BOGOTA = ZoneInfo("America/Bogota")


@dataclass
class Clock:
    """Today's date in America/Bogota, or a simulated date (training mode, tests)."""

    simulated_today: date | None = None

    @property
    def is_simulated(self) -> bool:
        return self.simulated_today is not None

    def now(self) -> datetime:
        real = datetime.now(timezone.utc).astimezone(BOGOTA)
        if self.simulated_today is None:
            return real
        return datetime.combine(self.simulated_today, real.timetz())

    def today(self) -> date:
        return self.now().date()

    def stamp(self) -> datetime:
        """The instant to store for anything a person will read ("registrado …", "Recibida el …", a hito marked,
        a document uploaded): on the calendar in force, in UTC. In training that is the simulated day at the real
        time of day, written once, so it stays where it was after a restart with another ``PDT_TODAY`` (issue 18:
        one clock, applied exactly once)."""
        return self.now().astimezone(timezone.utc)

    def shown(self, moment: datetime) -> datetime:
        """A stored timestamp as pages show it: as it was stored. Times are put on the calendar in force when
        they are written (``stamp``), never moved again on display (that applied the training offset twice to
        anything computed from ``now()`` and moved every earlier time after a restart)."""
        return moment

    @classmethod
    def from_setting(cls, value: str | None) -> "Clock":
        if not value:
            return cls()
        try:
            return cls(date.fromisoformat(value))
        except ValueError as exc:
            raise RuntimeError(
                f"PDT_TODAY debe ser una fecha AAAA-MM-DD válida; se recibió {value!r}."
            ) from exc


def bogota_day(moment: datetime) -> date:
    """The calendar day in America/Bogota of a stored timestamp (a naive one, as SQLite returns them, is UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(BOGOTA).date()


def start_of_day_utc(day: date) -> datetime:
    """00:00 America/Bogota of ``day``, as an aware UTC datetime."""
    return datetime.combine(day, time.min, BOGOTA).astimezone(timezone.utc)


def clock() -> Clock:
    """The running app's clock (``create_app`` installs it from ``PDT_TODAY``)."""
    return current_app.extensions["clock"]
