"""Evidence downloads: streamed from the document's store, under the name the service chose (always ``.pdf``),
as an attachment that no browser renders in the site's origin."""
from __future__ import annotations

from itertools import chain

from flask import Response, stream_with_context

from workflow_app.infra.extensions import db
from workflow_app.infra.templating import document_title
from workflow_app.models import Document
from workflow_app.services.route.documents import document_chunks, served_name


def pdf_attachment(document: Document, cache_control: str, plan=None) -> Response:
    chunks = document_chunks(db.session, document)
    first = next(chunks, b"")  # a missing file fails here, before any header is sent
    response = Response(stream_with_context(chain([first], chunks)), mimetype="application/pdf",
                        direct_passthrough=True)
    response.headers["Content-Length"] = str(document.size_bytes)
    # Named as the pages name it («concepto-del-consejo-territorial-de-planeacion», not the act's order).
    title = document_title(document, plan.entity if plan is not None else None)
    response.headers["Content-Disposition"] = f'attachment; filename="{served_name(document, plan, title)}"'
    response.headers["Cache-Control"] = cache_control
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["ETag"] = f'"{document.sha256}"'
    return response
