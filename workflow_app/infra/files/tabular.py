"""One bounded reader for every spreadsheet or CSV a person uploads (the PPI, the list of officials).

An upload is untrusted: a 120 KB .xlsx can hold one row of 2.9 million cells, 3.4 million shared strings,
150,000 sheets or a million styles, and a ZIP member can inflate a thousandfold; openpyxl reads the shared
strings, the styles, the sheet list and a whole row before any caller can count (a worker was held 22 s and
3.3 GB). So:

- the file's size is capped here, before anything else;
- the file is parsed by ``sheet_reader`` in a child process (``python -I -S``, standard library only) that
  caps its own address space (``RLIMIT_AS``) and CPU time (``RLIMIT_CPU``) before reading a byte, and is
  killed at the wall-clock budget: nothing in the file can outrun the budget;
- inside it, a streaming reader counts inflated bytes as they come out of each ZIP member (the declared sizes
  are never trusted), XML tags, sheets, styles, shared strings, rows, cells and characters as expat meets
  them, refuses DTDs and entities, and keeps only the first ``max_columns`` columns of non-empty rows;
- a CSV has the same child and the same caps on lines, columns and cell length.

Every refusal is a ``TableRejected`` with a Spanish message for the person; nothing is half-read.
"""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
from dataclasses import dataclass

from workflow_app.infra.files import sheet_reader

XLSX_MAGIC = b"PK\x03\x04"


class TableRejected(ValueError):
    """The upload is refused as a whole (Spanish message)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 2 * 1024 * 1024
    max_rows: int = 5000  # data rows, besides the header
    max_columns: int = 40
    max_cell_chars: int = 2000
    max_unzipped_bytes: int = 60 * 1024 * 1024  # an .xlsx's parts, as they inflate
    max_cells: int = 250_000  # <c> elements in the sheet, empty or beyond the kept columns included
    max_shared_strings: int = 100_000
    max_styles: int = 64_000  # Excel's own limit of cell formats
    max_sheets: int = 500
    max_text_chars: int = 16_000_000  # text handed back, a shared string counted at every cell that uses it
    max_xml_tags: int = 1_500_000  # every "<" of every part read, start and end tags alike
    max_members: int = 10_000
    seconds: float = 5.0  # wall clock for the whole read, the child's start included
    memory_bytes: int = 512 * 1024 * 1024  # the child's address space


@dataclass(frozen=True)
class ReaderRun:
    """What the child answered, and what it cost (tests and bench/ record the figures)."""

    rows: list | None
    refused: str | None
    peak_kib: int | None  # the child's own peak resident memory, when it could still say
    cpu_seconds: float | None
    wall_seconds: float


def read_table(filename: str, data: bytes, limits: Limits = Limits()) -> list[tuple[int, list]]:
    """The rows of a CSV or the first sheet of an XLSX, as (row number the person sees, values), empty rows
    left out. Raises ``TableRejected``."""
    run = run_reader(filename, data, limits)
    if run.refused:
        raise TableRejected(run.refused)
    return run.rows


def run_reader(filename: str, data: bytes, limits: Limits = Limits()) -> ReaderRun:
    started = time.monotonic()
    if not data:
        raise TableRejected("El archivo está vacío.")
    if len(data) > limits.max_bytes:
        raise TableRejected(f"El archivo supera {_size(limits.max_bytes)}; divídalo en varios.")
    name = (filename or "").lower()
    if data.startswith(XLSX_MAGIC):  # by content: an XLSX is a ZIP package
        kind = "xlsx"
    elif name.endswith((".xlsx", ".xlsm", ".xls")):
        raise TableRejected("El archivo no es un libro de Excel (.xlsx) válido. Si es un .xls antiguo, guárdelo "
                            "como .xlsx o como CSV.")
    else:
        kind = "csv"
    # The child's own deadline comes a little before the kill, so that it can still say why.
    child_limits = dataclasses.asdict(limits) | {"seconds": max(0.5, limits.seconds - 0.5)}
    request = json.dumps({"kind": kind, "limits": child_limits})
    command = [sys.executable, "-I", "-S", sheet_reader.__file__, request]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=limits.seconds, check=False)
    except subprocess.TimeoutExpired:  # subprocess.run kills the child and waits for it
        return ReaderRun(None, sheet_reader.OUT_OF_TIME, None, None, time.monotonic() - started)
    elapsed = time.monotonic() - started
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):  # killed by RLIMIT_CPU's hard limit or the kernel, or crashed
        message = sheet_reader.OUT_OF_TIME if done.returncode in (-9, -24) else sheet_reader.OUT_OF_MEMORY
        return ReaderRun(None, message, None, None, elapsed)
    rows = None
    if "rows" in answer:
        rows = [(number, [sheet_reader.decode(v) for v in values]) for number, values in answer["rows"]]
    return ReaderRun(rows, answer.get("refused"), answer.get("peak_kib"), answer.get("cpu_seconds"), elapsed)


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"
