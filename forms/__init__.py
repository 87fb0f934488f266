"""WTForms classes: the shape of input only. A valid form becomes a frozen command for a service."""

from flask_wtf import FlaskForm

# Every form speaks Spanish, the validators' built-in messages included (config.WTF_I18N_ENABLED = False hands
# them to WTForms' own catalogue; QA, 7 December 2026: «Field cannot be longer than 255 characters.»).
FlaskForm.Meta.locales = ("es",)
