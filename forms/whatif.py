"""The "¿Qué pasa si…?" form: hypothetical dates for a plan's legal calendar. Read-only: it changes nothing,
so it is a GET form without a CSRF token."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from wtforms import Form, RadioField, SelectField
from wtforms.validators import Optional

from forms.acts import VIGENCIA_CHOICES
from forms.fields import DayField, options
from state_machines.corporation.sessions import CATEGORIES


class WhatIfForm(Form):
    posesion = DayField("Posesión del alcalde o gobernador", validators=[Optional()])
    ctp_presented = DayField("Presentación del proyecto al CTP", validators=[Optional()])
    car_copy_received = DayField("Recibo de la copia por la autoridad ambiental", validators=[Optional()])
    filed_with_corporacion = DayField("Radicación ante el concejo o asamblea", validators=[Optional()])
    committee_approved = DayField("Aprobación en comisión (primer debate)", validators=[Optional()])
    published = DayField("Publicación del acto que adopta el plan", validators=[Optional()])
    vigencia = RadioField("Vigencia que declara el acto", choices=options(VIGENCIA_CHOICES), default="on_publication",
                          validators=[Optional()])
    in_force_declared = DayField("Fecha desde la cual rige (si el acto la fija)", validators=[Optional()])
    fiscal_category = SelectField("Categoría del municipio (Ley 617 de 2000)",
                                  choices=options([("", "La registrada para la entidad")] + [(c, c) for c in CATEGORIES]),
                                  validators=[Optional()])


@dataclass(frozen=True)
class WhatIfCommand:
    posesion: date | None
    ctp_presented: date | None
    car_copy_received: date | None
    filed_with_corporacion: date | None
    committee_approved: date | None
    published: date | None
    vigencia: str
    in_force_declared: date | None
    fiscal_category: str | None


def to_what_if(form: WhatIfForm) -> WhatIfCommand:
    return WhatIfCommand(form.posesion.data, form.ctp_presented.data, form.car_copy_received.data,
                         form.filed_with_corporacion.data, form.committee_approved.data, form.published.data,
                         form.vigencia.data or "on_publication", form.in_force_declared.data,
                         form.fiscal_category.data or None)
