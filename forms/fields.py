"""Fields the forms share."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from wtforms import DateField, HiddenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Regexp

#: What a browser sends for ``<input type="date">`` (ISO 8601), then what a person types where the browser shows a
#: plain text box instead (day/month/year, as Colombia writes dates); the first is also how the value is rendered.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
INVALID_DATE = "Escriba la fecha como día/mes/año, por ejemplo 09/03/2028."


#: A row's id as people's requests carry it: at most nine digits, so it fits PostgreSQL's integer (forms' hidden ids,
#: the API's query numbers; ``web.converters.BoundedInt`` bounds the ids in addresses).
ROW_ID = re.compile(r"\d{1,9}\Z")


def options(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """A select's or radio's choices from (value, label) pairs, as WTForms wants them from 3.3 on (tuples are
    deprecated there and go in 3.4)."""
    return [SelectChoice(value, label) for value, label in pairs]


class RowIdField(HiddenField):
    """A hidden field carrying a row's id: at most nine digits, so it fits PostgreSQL's integer (a larger number
    sent by hand is a form error, never a database error), as ``web.converters.BoundedInt`` does in addresses."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, [DataRequired(), Regexp(ROW_ID), *(validators or ())], **kwargs)


class DayField(DateField):
    """A date input that also takes day/month/year typed by hand, and says so when it cannot read the value."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", DATE_FORMATS)
        kwargs.setdefault("invalid_value_message", INVALID_DATE)
        super().__init__(label, validators, **kwargs)
