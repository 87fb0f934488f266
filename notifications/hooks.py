"""How notifications join the application (called by ``create_app``).

- Every recorded act is announced by the services (``services.events.act_recorded``); ``events`` decides who is
  told and writes the notices in the act's own transaction; so does a document's correction
  (``services.events.document_corrected``: the interested parties are told, CPACA art. 45).
- The e-mail templates live here, beside the code that renders them, and are registered as a template-only
  blueprint.
- Without Redis, and when asked (``PDT_EMBEDDED_SCHEDULER``), the sweep runs in a thread of the web process.
"""
from __future__ import annotations

from flask import Blueprint, Flask

from notifications.events import notify_concept, notify_correction, notify_transition
from notifications.scheduler import start_embedded_scheduler, wants_embedded_scheduler
from workflow_app.services.events import act_recorded, document_corrected

mail_templates = Blueprint("notification_mail", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    act_recorded.connect(notify_transition, weak=False)  # idempotent: blinker keeps one entry per receiver
    act_recorded.connect(notify_concept, weak=False)
    document_corrected.connect(notify_correction, weak=False)
    app.register_blueprint(mail_templates)
    if wants_embedded_scheduler(app) and not app.testing:
        start_embedded_scheduler(app)
