"""WTForms classes: the shape of input only. A valid form becomes a frozen command for a service."""

from wtforms.meta import DefaultMeta

# Every form speaks Spanish, the validators' built-in messages included (config.WTF_I18N_ENABLED = False hands
# them to WTForms' own catalogue; QA, 7 December 2026: «Field cannot be longer than 255 characters.»). Set on
# WTForms' own Meta, so that the plain forms (¿Qué pasa si…?, the PPI and matrix rows) say it too: «Not a valid
# choice.» reached the what-if page.
DefaultMeta.locales = ("es",)
