"""Evidence documents: PDF only (checked by content), at most 20 MB, stored outside the web root."""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow_app.models import Document

MAX_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


class DocumentRejected(ValueError):
    """The upload is not acceptable; ``message`` is shown to the user as is."""


@dataclass(frozen=True)
class Upload:
    filename: str
    stream: BinaryIO


def clean_filename(name: str) -> str:
    """Keep a readable name (accents allowed) without paths, control characters or odd whitespace."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    return (name or "documento.pdf")[:200]


def read_pdf(upload: Upload) -> bytes:
    data = upload.stream.read(MAX_BYTES + 1)
    if not data:
        raise DocumentRejected("El archivo está vacío. Adjunte el PDF del acto.")
    if len(data) > MAX_BYTES:
        raise DocumentRejected("El archivo supera 20 MB. Reduzca su tamaño (por ejemplo, escaneando en blanco y negro).")
    # By content, not by extension: a PDF starts with %PDF- and ends with %%EOF (ISO 32000-1 §7.5).
    if not data.startswith(PDF_MAGIC) or b"%%EOF" not in data[-2048:]:
        raise DocumentRejected("El archivo no es un PDF válido. Solo se aceptan documentos PDF.")
    return data


def store_document(session: Session, *, plan_id: int, kind: str, title: str, upload: Upload,
                   uploaded_by_id: int | None, is_public: bool = False) -> Document:
    """Validate and store; the row joins the caller's transaction. A rollback leaves an orphan file only."""
    data = read_pdf(upload)
    storage_name = secrets.token_hex(24) + ".pdf"
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / storage_name
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    last = session.scalar(
        select(func.max(Document.version)).where(Document.plan_id == plan_id, Document.kind == kind)
    )
    document = Document(
        plan_id=plan_id, kind=kind, title=title[:200], version=(last or 0) + 1,
        original_filename=clean_filename(upload.filename), storage_name=storage_name,
        sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), content_type="application/pdf",
        is_public=is_public, uploaded_by_id=uploaded_by_id,
    )
    session.add(document)
    session.flush()
    return document


def document_path(document: Document) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / document.storage_name
