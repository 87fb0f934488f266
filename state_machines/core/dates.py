"""Plain date helpers shared by the legal calendar and the session calendar: Spanish dates without depending
on the system locale, and month arithmetic by the common calendar (CC art. 67; L4-1913 art. 59)."""
from __future__ import annotations

import calendar as _stdlib_calendar
import re
from datetime import date, timedelta

_MONTHS_ES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)
_WEEKDAYS_ES = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


def format_date_es(d: date, weekday: bool = False) -> str:
    """``29 de febrero de 2024``, or ``jueves 29 de febrero de 2024`` with ``weekday=True``."""
    text = f"{d.day} de {_MONTHS_ES[d.month - 1]} de {d.year}"
    return f"{_WEEKDAYS_ES[d.weekday()]} {text}" if weekday else text


def add_months(d: date, n: int) -> date:
    """Same day number ``n`` months later, or the last day of a shorter month (CC art. 67; L4-1913 art. 59).

    31 January 2024 + 1 month = 29 February 2024; 30 April + 1 month = 30 May.
    """
    month_index = d.month - 1 + n
    year = d.year + month_index // 12
    month = month_index % 12 + 1
    last_day = _stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, _stdlib_calendar.monthrange(year, month)[1])


#: AL02 (Acto Legislativo 02 de 2002): governors, mayors, deputies and councillors hold four-year periods.
PERIOD_YEARS = 4


def period_end(period_start: date) -> date:
    """The last day of the constitutional period that begins on ``period_start`` (AL02)."""
    return date(period_start.year + PERIOD_YEARS, 1, 1) - timedelta(days=1)


#: A wall-clock hour as typed in a form or sent to the API: «18:00», «7:30» (hora de Colombia).
HOUR = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_hour(value: str | None) -> tuple[int, int] | None:
    """(hour, minute) of a typed hour (``HOUR``), or None when it is not one."""
    found = HOUR.match(str(value or "").strip())
    return (int(found.group(1)), int(found.group(2))) if found else None


def format_hour_es(value: str | None) -> str:
    """A wall-clock hour as typed («18:00», «7:30») said as people read it in Colombia: «6:00 p. m.»; an unreadable
    value is returned as it is."""
    parsed = parse_hour(value)
    if parsed is None:
        return str(value or "")
    hour, minute = parsed
    return f"{hour % 12 or 12}:{minute:02d} {'a. m.' if hour < 12 else 'p. m.'}"

