"""The account area's calendar: "Mi calendario" ("Mi cuenta" itself is ``auth.account``)."""
from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from workflow_app.infra.clock import clock
from workflow_app.services.monitoring.my_calendar import month_of
from workflow_app.web.account.inbox import plans_in_scope

bp = Blueprint("account", __name__, url_prefix="/cuenta", template_folder="templates")
MONTH = re.compile(r"(\d{4})-(\d{2})")
MONTH_NAMES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
               "noviembre", "diciembre")
WEEKDAYS = (("lun", "lunes"), ("mar", "martes"), ("mié", "miércoles"), ("jue", "jueves"), ("vie", "viernes"),
            ("sáb", "sábado"), ("dom", "domingo"))


@bp.get("/calendario")
@login_required
def calendar():
    today = clock().today()
    first = _month_arg(request.args.get("mes", ""), today)
    month = month_of(current_user, plans_in_scope(current_user), first, today)
    return render_template("account/calendar.html", month=month, month_names=MONTH_NAMES, weekdays=WEEKDAYS)


def _month_arg(text: str, today: date) -> date:
    if not text:
        return date(today.year, today.month, 1)
    match = MONTH.fullmatch(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        abort(400, description="El mes debe escribirse como AAAA-MM, por ejemplo 2028-03.")
    if not 2000 <= int(match.group(1)) <= 2100:  # well written, out of range: said as such (QA, 7 December 2026)
        abort(400, description=f"El calendario muestra los meses de los años 2000 a 2100; «{text.strip()}» está fuera "
                               "de ese rango.")
    return date(int(match.group(1)), int(match.group(2)), 1)
