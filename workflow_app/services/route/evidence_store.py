"""Where the bytes of evidence documents live, behind one interface (README, "Documentos de evidencia").

- ``local``: a folder (``UPLOAD_DIR``) outside the web root, one file per document, written and fsync'ed (file
  and folder) before the act's transaction commits (``documents.PendingEvidence``, in a thread beside the act's
  database work; ``documents.prepare_evidence`` before any write for the other uploads). One host; the
  default of ``make run``. A refused act removes its file; a crash between the write and the commit leaves an
  orphan file, never a row without its file.
- ``postgres``: the database itself (``document_chunks``), 1 MB per row, inserted in the act's own transaction:
  the act and its evidence commit or roll back together, and every web host reads the same bytes. A download
  streams one chunk at a time.

Each document row says which store holds it (``documents.store``), so reads never depend on the current
setting and ``flask pdt move-documents`` can move documents one by one.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator, Protocol

from flask import current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from workflow_app.models import DocumentChunk

CHUNK_BYTES = 1024 * 1024
READ_BYTES = 256 * 1024


class EvidenceStore(Protocol):
    name: str
    outside_database: bool  # True: ``put`` is written before the act's transaction (and needs no session)

    def put(self, session: Session | None, storage_name: str, data: bytes) -> None: ...

    def chunks(self, session: Session, storage_name: str, size: int) -> Iterator[bytes]: ...

    def has(self, session: Session, storage_name: str) -> bool: ...

    def remove(self, session: Session, storage_name: str) -> None: ...


class LocalStore:
    name = "local"
    outside_database = True

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def path(self, storage_name: str) -> Path:
        if "/" in storage_name or "\\" in storage_name or storage_name.startswith("."):
            raise ValueError("storage name with a path")
        return self.folder / storage_name

    def put(self, session: Session | None, storage_name: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.path(storage_name), "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        directory = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(directory)  # the new name survives a power cut too
        finally:
            os.close(directory)

    def chunks(self, session: Session, storage_name: str, size: int) -> Iterator[bytes]:
        with open(self.path(storage_name), "rb") as fh:
            while block := fh.read(READ_BYTES):
                yield block

    def has(self, session: Session, storage_name: str) -> bool:
        return self.path(storage_name).is_file()

    def remove(self, session: Session | None, storage_name: str) -> None:
        self.path(storage_name).unlink(missing_ok=True)


class DatabaseStore:
    name = "postgres"
    outside_database = False

    def put(self, session: Session, storage_name: str, data: bytes) -> None:
        rows = [{"storage_name": storage_name, "seq": seq, "data": data[start:start + CHUNK_BYTES]}
                for seq, start in enumerate(range(0, len(data), CHUNK_BYTES))]
        # In the caller's transaction, through Core: the ORM's bulk INSERT of the model costs an act about as much
        # Python as the rest of its writes (issue 22). One row (a PDF under 1 MB) is one plain INSERT.
        session.execute(_INSERT_CHUNK, rows[0] if len(rows) == 1 else rows)

    def chunks(self, session: Session, storage_name: str, size: int) -> Iterator[bytes]:
        for seq in range(max(1, -(-size // CHUNK_BYTES))):
            block = session.scalar(select(DocumentChunk.data).where(DocumentChunk.storage_name == storage_name,
                                                                    DocumentChunk.seq == seq))
            if block is None:
                raise FileNotFoundError(f"{storage_name} chunk {seq}")
            yield bytes(block)

    def has(self, session: Session, storage_name: str) -> bool:
        return session.scalar(select(DocumentChunk.seq).where(DocumentChunk.storage_name == storage_name)
                              .limit(1)) is not None

    def remove(self, session: Session, storage_name: str) -> None:
        session.execute(delete(DocumentChunk).where(DocumentChunk.storage_name == storage_name))


_INSERT_CHUNK = insert(DocumentChunk.__table__)


def store_named(name: str) -> EvidenceStore:
    if name == LocalStore.name:
        return LocalStore(current_app.config["UPLOAD_DIR"])
    if name == DatabaseStore.name:
        return DatabaseStore()
    raise ValueError(f"unknown evidence store {name!r}")


def current_store() -> EvidenceStore:
    """Where new documents go (``EVIDENCE_STORE``)."""
    return store_named(current_app.config.get("EVIDENCE_STORE", "local"))
