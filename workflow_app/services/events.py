"""What the services announce, for the layers above them to act on.

``apply_act`` records an act and sends ``act_recorded`` inside the act's transaction; ``correct_document`` sends
``document_corrected`` inside the correction's. Who must be told about it is decided in ``notifications`` (a layer
above the services), which connects its listeners when the app is created (``notifications.hooks``). The services
therefore never import ``notifications``, and whatever a listener writes (notices in the outbox) commits or rolls
back with the act itself.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent by ``services.route.plans.apply_act`` after the history row is flushed and before the commit, with the
#: session as sender and ``plan``, ``event`` (the ``PlanEvent``) and ``deadlines`` (the plan's calendar after
#: the act, or an empty list when the act cannot make a new duty pending).
act_recorded = _signals.signal("act-recorded")

#: Sent by ``services.route.document_versions.correct_document`` after the correction's history row is flushed and
#: before the commit, with the session as sender and ``plan``, ``event`` (its ``PlanEvent``), ``document`` (the new
#: version), ``previous`` (the version it replaces) and ``actor`` (the ``User`` who corrected it).
document_corrected = _signals.signal("document-corrected")
