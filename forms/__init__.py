"""WTForms classes: the shape of input only. A valid form becomes a frozen command for a service."""
import re

from wtforms import IntegerField, PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.meta import DefaultMeta
from wtforms.validators import NumberRange, StopValidation

# Every form speaks Spanish, the validators' built-in messages included (config.WTF_I18N_ENABLED = False hands
# them to WTForms' own catalogue; QA, 7 December 2026: «Field cannot be longer than 255 characters.»). Set on
# WTForms' own Meta, so that the plain forms (¿Qué pasa si…?, the PPI and matrix rows) say it too: «Not a valid
# choice.» reached the what-if page.
DefaultMeta.locales = ("es",)

_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def one_line(value):
    """A single-line field's text on one line: a line break sent by hand (a crafted request, a paste into a field
    the browser did not clean) is a space, as the field shows it (QA, trust lens, December 2026: a hearing's place
    kept CR/LF)."""
    return _LINE_BREAKS.sub(" ", value) if isinstance(value, str) and ("\n" in value or "\r" in value) else value


_bind_field = DefaultMeta.bind_field


#: Past this, an integer is no count, day or year any form asks for.
LARGEST_INTEGER = 10 ** 15


def within_reach(form, field):
    """An integer too large for a float is refused before WTForms' ``NumberRange``, which asks ``math.isnan`` of
    it: a crafted «9» × 400 in the period's year raised OverflowError, a 500 (QA, fuzzing every form, December
    2026). Said with the field's own range when it has one."""
    if isinstance(field.data, int) and abs(field.data) >= LARGEST_INTEGER:
        ranged = next((v.message for v in field.validators if isinstance(v, NumberRange) and v.message), None)
        raise StopValidation(ranged or "Escriba un número más pequeño.")


def _bind_house_rules(self, form, unbound_field, options):
    """Every text input that is not a text area (nor a password, which is taken as typed) keeps one line; every
    integer is checked to be within reach first."""
    kind = unbound_field.field_class
    if issubclass(kind, StringField) and not issubclass(kind, (TextAreaField, PasswordField)):
        kwargs = dict(unbound_field.kwargs)
        kwargs["filters"] = (*kwargs.get("filters", ()), one_line)
        unbound_field = UnboundField(kind, *unbound_field.args, name=unbound_field.name, **kwargs)
    field = _bind_field(self, form, unbound_field, options)
    if isinstance(field, IntegerField):
        field.validators = [within_reach, *field.validators]
    return field


DefaultMeta.bind_field = _bind_house_rules
