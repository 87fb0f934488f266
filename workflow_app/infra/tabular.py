"""One bounded reader for every spreadsheet or CSV a person uploads (the PPI, the list of officials).

An upload is untrusted: a 1.5 KB .xlsx can declare a sheet of 16,384 columns by 10,000 rows
(``<dimension ref="A1:XFD10000"/>``) and keep a worker padding empty cells for minutes, and a ZIP can inflate a
thousandfold. So, before and while reading:

- the file's size is capped, and for an .xlsx the ZIP's declared uncompressed sizes too;
- the workbook opens in openpyxl's read-only (streaming) mode;
- the sheet's declared ``<dimension>`` is checked against the row and column caps before a single row is read;
- rows are counted, and only the capped columns requested, while iterating (a sheet may lie or not declare);
- the whole read has a wall-clock budget;
- a CSV has the same caps on lines, columns and cell length.

Every refusal is a ``TableRejected`` with a Spanish message for the person; nothing is half-read.
"""
from __future__ import annotations

import csv
import io
import time
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

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
    max_unzipped_bytes: int = 60 * 1024 * 1024  # an .xlsx's parts, inflated
    seconds: float = 5.0


def read_table(filename: str, data: bytes, limits: Limits = Limits()) -> list[tuple[int, list]]:
    """The rows of a CSV or the first sheet of an XLSX, as (row number the person sees, values), empty rows
    left out. Raises ``TableRejected``."""
    if not data:
        raise TableRejected("El archivo está vacío.")
    if len(data) > limits.max_bytes:
        raise TableRejected(f"El archivo supera {_size(limits.max_bytes)}; divídalo en varios.")
    name = (filename or "").lower()
    if data.startswith(XLSX_MAGIC):  # by content: an XLSX is a ZIP package
        return _xlsx(data, limits)
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        raise TableRejected("El archivo no es un libro de Excel (.xlsx) válido. Si es un .xls antiguo, guárdelo "
                            "como .xlsx o como CSV.")
    return _csv(data, limits)


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def _too_many_rows(limits: Limits) -> TableRejected:
    return TableRejected(f"El archivo tiene más de {limits.max_rows} filas de datos; divídalo en varios.")


def _too_many_columns(limits: Limits) -> TableRejected:
    return TableRejected(f"El archivo tiene más de {limits.max_columns} columnas; deje solo las de la plantilla.")


def _out_of_time() -> TableRejected:
    return TableRejected("El archivo tarda demasiado en leerse; revise que no tenga hojas o celdas de más, o "
                         "guárdelo como CSV.")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_cells(number: int, row: list, limits: Limits) -> None:
    for value in row:
        if isinstance(value, str) and len(value) > limits.max_cell_chars:
            raise TableRejected(f"La fila {number} tiene una celda de más de {limits.max_cell_chars} caracteres.")


def _csv(data: bytes, limits: Limits) -> list[tuple[int, list]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel in Spanish saves CSV in Windows-1252
    if "\x00" in text:
        raise TableRejected("El archivo no es un CSV de texto. Use CSV o XLSX.")
    if text.count("\n") > limits.max_rows + 1000:  # cheap first look; blank lines are allowed a margin
        raise _too_many_rows(limits)
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    started = time.monotonic()
    table: list[tuple[int, list]] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            if len(row) > limits.max_columns and any(not _blank(v) for v in row[limits.max_columns:]):
                raise _too_many_columns(limits)
            row = row[: limits.max_columns]
            if all(_blank(v) for v in row):
                continue
            _check_cells(reader.line_num, row, limits)
            table.append((reader.line_num, row))
            if len(table) > limits.max_rows + 1:
                raise _too_many_rows(limits)
            if time.monotonic() - started > limits.seconds:
                raise _out_of_time()
    except csv.Error as exc:
        raise TableRejected(f"El CSV está mal formado cerca de la línea {reader.line_num}: revise las comillas.") from exc
    return table


def _xlsx(data: bytes, limits: Limits) -> list[tuple[int, list]]:
    started = time.monotonic()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            inflated = sum(info.file_size for info in package.infolist())
    except zipfile.BadZipFile as exc:
        raise TableRejected("No se pudo leer el libro de Excel (.xlsx): el archivo está dañado.") from exc
    if inflated > limits.max_unzipped_bytes:
        raise TableRejected("El libro de Excel es demasiado grande una vez descomprimido; guarde solo la hoja con "
                            "los datos, o como CSV.")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise TableRejected("No se pudo leer el libro de Excel (.xlsx).") from exc
    except Exception as exc:  # noqa: BLE001 - any parse failure is the same answer to the person
        raise TableRejected("No se pudo leer el libro de Excel (.xlsx).") from exc
    try:
        if not book.worksheets:
            raise TableRejected("El libro de Excel no tiene hojas.")
        sheet = book.worksheets[0]
        # The declared <dimension>, read before any row: a huge declaration is refused at once.
        declared_rows, declared_columns = sheet.max_row, sheet.max_column
        if declared_columns is not None and declared_columns > limits.max_columns:
            raise TableRejected(f"La hoja declara {declared_columns} columnas (más de {limits.max_columns}): "
                                "copie solo las columnas de la plantilla a un libro nuevo, o guárdela como CSV.")
        if declared_rows is not None and declared_rows > limits.max_rows + 1 + 1000:
            raise TableRejected(f"La hoja declara {declared_rows} filas (más de {limits.max_rows}); divídala o "
                                "copie solo las filas con datos a un libro nuevo.")
        table: list[tuple[int, list]] = []
        # Only the capped columns are asked for; rows are counted as they come (a sheet may declare nothing).
        rows = sheet.iter_rows(values_only=True, max_col=limits.max_columns)
        for number, row in enumerate(rows, start=1):
            if time.monotonic() - started > limits.seconds:
                raise _out_of_time()
            if number > limits.max_rows + 1 + 1000:  # blank rows are allowed a margin, not a million
                raise _too_many_rows(limits)
            values = list(row)
            if all(_blank(v) for v in values):
                continue  # formatted but empty rows: Excel keeps many
            _check_cells(number, values, limits)
            table.append((number, values))
            if len(table) > limits.max_rows + 1:
                raise _too_many_rows(limits)
        return table
    except TableRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - a malformed sheet part: the same answer
        raise TableRejected("No se pudo leer el libro de Excel (.xlsx).") from exc
    finally:
        book.close()
