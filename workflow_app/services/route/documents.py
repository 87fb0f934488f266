"""Evidence documents: PDF only (opened and checked with pypdf, in a checker process), at most 20 MB, stored under
a name the service chooses (always ``.pdf``) in the configured evidence store, with their SHA-256; corrections as
new versions."""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO, Iterator

from sqlalchemy import exists, func, literal_column, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from workflow_app.infra.files.pdf_check import UnsafePdf
from workflow_app.infra.files.pdf_process import PendingCheck
from workflow_app.models import Document
from workflow_app.services.route.evidence_store import CHUNK_BYTES, current_store, store_named

MAX_BYTES = 20 * 1024 * 1024


class DocumentRejected(ValueError):
    """The upload is not acceptable; ``message`` is shown to the user as is."""


class DocumentConflict(DocumentRejected):
    """Another transaction stored a version of the same document at the same time: nothing was written."""

    def __init__(self):
        super().__init__("Otra persona guardó al mismo tiempo una versión de este documento; intente de nuevo.")


@dataclass(frozen=True)
class Upload:
    filename: str
    stream: BinaryIO


def clean_filename(name: str) -> str:
    """Keep a readable name (accents allowed) without paths, control characters or odd whitespace. It is kept
    as a record of what was sent; it is never used to store or to serve the file (``served_name``)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    return (name or "documento.pdf")[:200]


def _slug(text: str, limit: int) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").replace("–", "-"))  # a period's en dash
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].rstrip("-")


def served_name(document: Document, plan=None, title: str | None = None) -> str:
    """The download's name, chosen by the service from the plan's entity and period (so that Génova's 2028 concept
    and Filandia's 2024 one do not share a name in a downloads folder: QA, 7 December 2026), the document's title
    as the pages say it (``title``: a noun, not the act's order) and its version: ASCII, ``.pdf``."""
    prefix = _slug(f"{plan.entity.display_name} {plan.period.label}", 60) + "-" if plan is not None else ""
    return f"{prefix}{_slug(title or document.title, 80) or 'documento'}-v{document.version}.pdf"


def read_upload(upload: Upload) -> bytes:
    """The upload's bytes, refused at once when empty or over ``MAX_BYTES`` (the PDF itself is not checked)."""
    data = upload.stream.read(MAX_BYTES + 1)
    if not data:
        raise DocumentRejected("El archivo está vacío. Adjunte el PDF del acto.")
    if len(data) > MAX_BYTES:
        raise DocumentRejected("El archivo supera 20 MB. Reduzca su tamaño (por ejemplo, escaneando en blanco y negro).")
    return data


def checked(data: bytes) -> bytes:
    """``data`` if it is a PDF fit for the case file (``pdf_check.check_pdf``), else ``DocumentRejected``."""
    verdict(PendingCheck(data))
    return data


def verdict(check: PendingCheck) -> None:
    """Wait for a PDF's check (in its checker process): ``DocumentRejected`` with its reason when refused."""
    try:
        check.result()
    except UnsafePdf as exc:
        raise DocumentRejected(str(exc)) from exc


def read_pdf(upload: Upload) -> bytes:
    return checked(read_upload(upload))


@dataclass
class PreparedEvidence:
    """A checked PDF, hashed, under the name the service chose. In a store outside the database (``local``) the
    file is already written and fsync'ed (file and folder) when this exists: before the act's transaction
    writes anything. ``discard`` removes it again when the act is refused or rolled back."""

    storage_name: str
    sha256: str
    size_bytes: int
    original_filename: str
    store: str
    data: bytes | None  # kept only for the database store, which writes it in the caller's transaction
    recorded: bool = False

    def discard(self) -> None:
        if not self.recorded:
            discard_file(self.store, self.storage_name)

    def single_chunk(self) -> bytes | None:
        """The bytes, when the database store keeps them in one chunk (a PDF under 1 MB): the act's one statement
        writes them with their document row (``act_writes``); otherwise ``recorded`` does."""
        return self.data if self.data is not None and len(self.data) <= CHUNK_BYTES else None


def discard_file(store_name: str, storage_name: str) -> None:
    """The file of an evidence row that was refused or rolled back: removed from a store outside the database (in
    the database store its bytes went with the transaction)."""
    store = store_named(store_name)
    if store.outside_database:
        store.remove(None, storage_name)


def prepare_evidence(upload: Upload) -> PreparedEvidence:
    """Check the PDF (``read_pdf``) and, in a store outside the database, write it durably now."""
    data = read_pdf(upload)
    store = current_store()
    name = secrets.token_hex(24) + ".pdf"
    if store.outside_database:
        store.put(None, name, data)  # written and fsync'ed before any row refers to it
    return _prepared(upload, data, store, name)


def _prepared(upload: Upload, data: bytes, store, name: str) -> PreparedEvidence:
    return PreparedEvidence(storage_name=name, sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data),
                            original_filename=clean_filename(upload.filename), store=store.name,
                            data=None if store.outside_database else data)


class PendingEvidence:
    """An act's evidence whose slow part runs beside the act's database work (issue 22): the PDF's check (in a
    checker process, ``infra/files/pdf_process``, so it takes no time from the act's thread) and, in a store
    outside the database, the file's write and fsync (file and folder, in a thread) start at once, while
    the act reads its plan, applies the law and sends its writes; ``ready`` waits for them and is called before
    the act's COMMIT, so no committed row ever names a file that is not on disk, nor a file that was refused.
    What can be known at once (empty, over 20 MB) is refused at once; the name, hash and size the act's
    document row carries are computed here, from the same bytes."""

    def __init__(self, upload: Upload):
        data = read_upload(upload)
        store = current_store()
        self.prepared = _prepared(upload, data, store, secrets.token_hex(24) + ".pdf")
        self._work = _evidence_pool().submit(_check_and_put, data, store if store.outside_database else None,
                                             self.prepared.storage_name)

    def ready(self) -> PreparedEvidence:
        """Wait for the check and the durable write: ``DocumentRejected`` when the PDF is refused."""
        self._work.result()
        return self.prepared

    def discard(self) -> None:
        """The act was refused or rolled back: once the thread is done (whatever it found), remove the file."""
        try:
            self._work.result()
        except Exception:  # noqa: BLE001 - a refused PDF wrote no file; a failed write is removed below anyway
            pass
        self.prepared.recorded = False
        self.prepared.discard()


def _check_and_put(data: bytes, store, name: str) -> None:
    """The check runs in its checker process while this thread writes and fsyncs the file; a refused PDF's file
    is removed again before the refusal is told, so none is left behind."""
    check = PendingCheck(data)
    if store is not None:
        try:
            store.put(None, name, data)  # written and fsync'ed; the act's COMMIT waits for it (``ready``)
        except BaseException:
            check.abandon()
            raise
    try:
        verdict(check)
    except DocumentRejected:
        if store is not None:
            store.remove(None, name)
        raise


_POOL: tuple[int, ThreadPoolExecutor] | None = None


def _evidence_pool() -> ThreadPoolExecutor:
    """One small pool per process (made after a fork: gunicorn's and RQ's children get their own)."""
    global _POOL
    if _POOL is None or _POOL[0] != os.getpid():
        _POOL = (os.getpid(), ThreadPoolExecutor(max_workers=4, thread_name_prefix="evidencia"))
    return _POOL[1]


def record_document(session: Session, prepared: PreparedEvidence, *, plan_id: int, kind: str, title: str,
                    uploaded_by_id: int | None, is_public: bool = False, supersedes: Document | None = None,
                    correction_reason: str | None = None, withheld_reason: str | None = None) -> Document:
    """The document's row (and, in the database store, its bytes) in the caller's transaction. Its version is
    computed inside the INSERT (one statement, no separate ``max(version)`` SELECT) under the unique
    (plan, kind, version): a concurrent writer of the same document makes this raise ``DocumentConflict``."""
    document = Document(**document_values(prepared, plan_id=plan_id, kind=kind, title=title,
                                          uploaded_by_id=uploaded_by_id, is_public=is_public,
                                          supersedes_id=supersedes.id if supersedes else None,
                                          correction_reason=correction_reason, withheld_reason=withheld_reason),
                        version=next_version(plan_id, kind))
    session.add(document)
    try:
        session.flush()
    except IntegrityError as exc:
        raise_if_version_taken(exc)
        raise
    recorded(session, prepared)
    return document


def recorded(session: Session, prepared: PreparedEvidence, *, bytes_written: bool = False) -> None:
    """Its row is written: in the database store the bytes join the caller's transaction (unless the row's own
    statement wrote them: ``bytes_written``); the file is kept."""
    if prepared.data is not None and not bytes_written:
        store_named(prepared.store).put(session, prepared.storage_name, prepared.data)
    prepared.recorded = True


def document_values(prepared: PreparedEvidence, *, plan_id: int, kind: str, title: str, uploaded_by_id: int | None,
                    is_public: bool, supersedes_id: int | None = None, correction_reason: str | None = None,
                    withheld_reason: str | None = None) -> dict:
    """The document row's values but its ``version`` (``next_version``, computed inside the INSERT)."""
    return dict(plan_id=plan_id, kind=kind, title=title[:200], original_filename=prepared.original_filename,
                storage_name=prepared.storage_name, sha256=prepared.sha256, size_bytes=prepared.size_bytes,
                content_type="application/pdf", is_public=is_public, uploaded_by_id=uploaded_by_id,
                store=prepared.store, supersedes_id=supersedes_id, correction_reason=correction_reason,
                withheld_reason=None if is_public else (withheld_reason or None))


def next_version(plan_id, kind):
    """The next number of this plan's kind of document, as a scalar subquery evaluated inside the INSERT, under
    the unique (plan, kind, version); ``plan_id`` and ``kind`` are values or bound parameters."""
    earlier = _earlier_document()
    # The constants written into the SQL, not bound: each bound value counts towards psycopg's limit of cached
    # statements (``act_writes._one_statement``).
    return (select(func.coalesce(func.max(earlier.version), literal_column("0")) + literal_column("1"))
            .where(earlier.plan_id == plan_id, earlier.kind == kind).scalar_subquery())


@lru_cache(maxsize=1)
def _earlier_document():
    """The alias ``next_version`` reads the plan's earlier documents through (made once: an alias is costly)."""
    return aliased(Document)


def raise_if_version_taken(exc: IntegrityError) -> None:
    """A concurrent writer numbered the same (plan, kind, version): ``DocumentConflict``."""
    if "uq_documents_plan_kind_version" in str(exc.orig):
        raise DocumentConflict() from exc


def store_document(session: Session, *, plan_id: int, kind: str, title: str, upload: Upload,
                   uploaded_by_id: int | None, is_public: bool = False, supersedes: Document | None = None,
                   correction_reason: str | None = None, withheld_reason: str | None = None) -> Document:
    """Check and store; the row (and, in the database store, the bytes) join the caller's transaction. Nothing
    is written when the file is refused."""
    prepared = prepare_evidence(upload)
    try:
        return record_document(session, prepared, plan_id=plan_id, kind=kind, title=title,
                               uploaded_by_id=uploaded_by_id, is_public=is_public, supersedes=supersedes,
                               correction_reason=correction_reason, withheld_reason=withheld_reason)
    except DocumentRejected:
        prepared.discard()
        raise


def document_chunks(session: Session, document: Document) -> Iterator[bytes]:
    return store_named(document.store).chunks(session, document.storage_name, document.size_bytes)


def current_only():
    """A WHERE clause: documents no later version supersedes."""
    later = aliased(Document)
    return ~exists().where(later.supersedes_id == Document.id)


@dataclass(frozen=True)
class MoveReport:
    moved: int
    already: int
    missing: list[str]


def move_documents(session: Session, target: str) -> MoveReport:
    """Move every document's bytes into ``target`` ("local" or "postgres"), one document per transaction: copy,
    check the SHA-256 of what the target gives back, point the row at the target, commit, then remove the
    source copy. Interrupted, it can be run again; a document is never without a readable copy."""
    destination = store_named(target)
    moved = already = 0
    missing: list[str] = []
    ids = session.scalars(select(Document.id).order_by(Document.id)).all()
    for document_id in ids:
        document = session.get(Document, document_id)
        if document.store == target:
            already += 1
            continue
        source = store_named(document.store)
        try:
            data = b"".join(source.chunks(session, document.storage_name, document.size_bytes))
        except FileNotFoundError:
            missing.append(document.storage_name)
            continue
        if hashlib.sha256(data).hexdigest() != document.sha256:
            missing.append(document.storage_name)
            continue
        if not destination.has(session, document.storage_name):
            destination.put(session, document.storage_name, data)
        copied = b"".join(destination.chunks(session, document.storage_name, document.size_bytes))
        if hashlib.sha256(copied).hexdigest() != document.sha256:
            session.rollback()
            raise RuntimeError(f"La copia de {document.storage_name} no coincide con su SHA-256.")
        document.store = target
        session.commit()
        source.remove(session, document.storage_name)
        session.commit()
        moved += 1
    return MoveReport(moved, already, missing)
