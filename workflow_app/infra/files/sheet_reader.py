"""The streaming reader of an uploaded XLSX or CSV, run in a child process with hard limits (``tabular.py``).

This module imports the standard library only, so the child starts as ``python -I -S sheet_reader.py`` in
a few tens of milliseconds, sets its own address-space and CPU limits (``resource.setrlimit``) before it reads
a byte of the upload, and answers with one JSON document on stdout: the rows, or a Spanish refusal.

Why not openpyxl: it reads the shared strings, the styles and the sheet list whole, and builds a whole row,
before the caller can count anything; a 120 KB workbook with one row of 2.9 million cells held a worker for
22 s and 3.3 GB. Here every limit is checked while the bytes come out:

- each ZIP member is inflated in 64 KB steps and its bytes counted as they come out of the member stream (the
  sizes the ZIP declares are never trusted), for the member and for the whole package;
- the XML is fed to expat in those steps; a document type declaration or an entity is refused outright;
- tags (every ``<``) are counted in each chunk at C speed before expat sees it, which bounds the Python work
  per element; sheets in the workbook, styles in the style sheet, strings in the shared string table, cells
  and rows in the sheet, characters in a string are counted as soon as each starts;
- only the first worksheet is read, only its first ``max_columns`` columns kept, empty rows never built;
- a deadline is checked between steps, and ``RLIMIT_CPU``/``RLIMIT_AS`` stop what the checks cannot.

Cell values follow openpyxl's ``data_only`` reading (a formula's cached value, ints and floats as Excel wrote
them, dates by their number format), so the imports see what they saw before.
"""
from __future__ import annotations

import csv
import datetime
import io
import json
import posixpath
import re
import resource
import signal
import sys
import time
import zipfile
from xml.parsers import expat

CHUNK = 64 * 1024
SEP = "\x01"  # expat's namespace separator: "uri\x01local"
EXCEL_MAX_COLUMNS = 16384
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_TEXT = 32767  # characters in one cell (Excel's own limit)
WINDOWS_EPOCH = datetime.datetime(1899, 12, 30)
MAC_EPOCH = datetime.datetime(1904, 1, 1)
DATE_FORMAT_IDS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47}
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_CHARS = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")

DAMAGED = "No se pudo leer el libro de Excel (.xlsx)."
BROKEN_ZIP = "No se pudo leer el libro de Excel (.xlsx): el archivo está dañado."
UNZIPPED = ("El libro de Excel es demasiado grande una vez descomprimido; guarde solo la hoja con los datos, o "
            "como CSV.")
NO_SHEETS = "El libro de Excel no tiene hojas."
OUT_OF_TIME = ("El archivo tarda demasiado en leerse; revise que no tenga hojas o celdas de más, o guárdelo como "
               "CSV.")
OUT_OF_MEMORY = ("El archivo necesita demasiada memoria para leerse; copie solo las filas y columnas con datos a "
                 "un libro nuevo, o guárdelo como CSV.")


class Refused(Exception):
    """The upload is refused; ``message`` is Spanish and shown as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def too_many_rows(limits: dict) -> Refused:
    return Refused(f"El archivo tiene más de {limits['max_rows']} filas de datos; divídalo en varios.")


def too_many_columns(limits: dict) -> Refused:
    return Refused(f"El archivo tiene más de {limits['max_columns']} columnas; deje solo las de la plantilla.")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_cells(number: int, row: list, limits: dict) -> None:
    for value in row:
        if isinstance(value, str) and len(value) > limits["max_cell_chars"]:
            raise Refused(f"La fila {number} tiene una celda de más de {limits['max_cell_chars']} caracteres.")


class Budget:
    """What the whole read may still spend: time, inflated bytes and XML tags."""

    def __init__(self, limits: dict):
        self.limits = limits
        self.deadline = time.monotonic() + limits["seconds"]
        self.unzipped = 0
        self.markup = 0

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise Refused(OUT_OF_TIME)

    def spend_bytes(self, amount: int) -> None:
        self.unzipped += amount
        if self.unzipped > self.limits["max_unzipped_bytes"]:
            raise Refused(UNZIPPED)
        self.check_time()

    def spend_markup(self, chunk: bytes) -> None:
        """Count the chunk's ``<`` (every tag, start or end, has one) at C speed before expat sees the chunk:
        the per-element Python work that follows is bounded by it."""
        self.markup += chunk.count(b"<")
        if self.markup > self.limits["max_xml_tags"]:
            tags = f"{self.limits['max_xml_tags']:,}".replace(",", ".")
            raise Refused(f"El libro de Excel tiene demasiados elementos internos (más de {tags} marcas); copie "
                          "solo la hoja con los datos a un libro nuevo, o guárdelo como CSV.")


# --- CSV ---------------------------------------------------------------------------------------------------------


def read_csv(data: bytes, limits: dict) -> list[tuple[int, list]]:
    budget = Budget(limits)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel in Spanish saves CSV in Windows-1252
    if "\x00" in text:
        raise Refused("El archivo no es un CSV de texto. Use CSV o XLSX.")
    if text.count("\n") > limits["max_rows"] + 1000:  # cheap first look; blank lines are allowed a margin
        raise too_many_rows(limits)
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    # A field longer than Excel's cell is refused by the csv module itself, before it is held whole.
    csv.field_size_limit(max(limits["max_cell_chars"], EXCEL_MAX_TEXT) + 1)
    table: list[tuple[int, list]] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            if len(row) > limits["max_columns"] and any(not _blank(v) for v in row[limits["max_columns"]:]):
                raise too_many_columns(limits)
            row = row[: limits["max_columns"]]
            if all(_blank(v) for v in row):
                continue
            _check_cells(reader.line_num, row, limits)
            table.append((reader.line_num, row))
            if len(table) > limits["max_rows"] + 1:
                raise too_many_rows(limits)
            budget.check_time()
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise Refused(f"Cerca de la línea {reader.line_num} hay una celda de más de "
                          f"{limits['max_cell_chars']} caracteres.") from exc
        raise Refused(f"El CSV está mal formado cerca de la línea {reader.line_num}: revise las comillas.") from exc
    return table


# --- XLSX: the package -------------------------------------------------------------------------------------------


class Package:
    """The ZIP, read member by member through the budget."""

    def __init__(self, data: bytes, budget: Budget):
        self.budget = budget
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.names = {info.filename for info in self.zip.infolist()}
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
            raise Refused(BROKEN_ZIP) from exc
        if len(self.names) > budget.limits["max_members"]:
            raise Refused(UNZIPPED)

    def parse(self, name: str, handler) -> None:
        """Feed one member to ``handler`` (an ``XmlHandler``) in counted 64 KB steps."""
        parser = expat.ParserCreate(namespace_separator=SEP)
        parser.buffer_text = True
        parser.StartElementHandler = handler.start
        parser.EndElementHandler = handler.end
        parser.CharacterDataHandler = handler.text
        parser.StartDoctypeDeclHandler = _no_doctype
        parser.EntityDeclHandler = _no_doctype
        parser.ExternalEntityRefHandler = _no_doctype
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        try:
            with self.zip.open(name) as member:
                while True:
                    chunk = member.read(CHUNK)
                    if not chunk:
                        break
                    self.budget.spend_bytes(len(chunk))
                    self.budget.spend_markup(chunk)
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except Refused:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, expat.ExpatError, EOFError, OSError, ValueError,
                KeyError, NotImplementedError) as exc:
            raise Refused(DAMAGED) from exc

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """{Id: (type, target path)} of a part's ``_rels``; empty when it has none."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels not in self.names:
            return {}
        handler = RelationshipsHandler(self.budget, folder)
        self.parse(rels, handler)
        return handler.found


def _no_doctype(*_args):
    raise Refused(DAMAGED)


class XmlHandler:
    def __init__(self, budget: Budget):
        self.budget = budget

    def start(self, name: str, attrs: dict) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


_LOCAL_NAMES: dict[str, str] = {}


def _local(name: str) -> str:
    """The element's name without its namespace, from a small cache (a file may invent names: not unbounded)."""
    local = _LOCAL_NAMES.get(name)
    if local is None:
        local = name.rpartition(SEP)[2]
        if len(_LOCAL_NAMES) < 512:
            _LOCAL_NAMES[name] = local
    return local


class RelationshipsHandler(XmlHandler):
    def __init__(self, budget: Budget, folder: str):
        super().__init__(budget)
        self.folder = folder
        self.found: dict[str, tuple[str, str]] = {}

    def start(self, name, attrs):
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(self.folder, target))
            self.found[attrs.get("Id", "")] = (attrs.get("Type", "").rpartition("/")[2], path)
            if len(self.found) > self.budget.limits["max_members"]:
                raise Refused(UNZIPPED)


class WorkbookHandler(XmlHandler):
    """The sheet list (counted) and the date system."""

    def __init__(self, budget: Budget):
        super().__init__(budget)
        self.sheets: list[str] = []  # relationship ids, in order
        self.date1904 = False

    def start(self, name, attrs):
        local = _local(name)
        if local == "sheet":
            # r:id, in the transitional or the strict namespace
            self.sheets.append(next((v for k, v in attrs.items() if k.endswith(SEP + "id")), ""))
            if len(self.sheets) > self.budget.limits["max_sheets"]:
                raise Refused(f"El libro de Excel tiene más de {self.budget.limits['max_sheets']} hojas; copie "
                              "solo la hoja con los datos a un libro nuevo, o guárdela como CSV.")
        elif local == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")


class TextCollector(XmlHandler):
    """Text of ``<t>`` runs (not phonetic ``<rPh>`` ones), capped at Excel's own cell length."""

    def __init__(self, budget: Budget):
        super().__init__(budget)
        self.in_t = False
        self.phonetic = 0
        self.parts: list[str] = []
        self.length = 0

    def text(self, data):
        if self.in_t and not self.phonetic:
            self.length += len(data)
            if self.length > EXCEL_MAX_TEXT:
                raise Refused(f"El libro tiene una celda de más de {EXCEL_MAX_TEXT} caracteres, más de lo que Excel "
                              "admite; revise el archivo.")
            self.parts.append(data)

    def take(self) -> str:
        value = "".join(self.parts)
        self.parts, self.length = [], 0
        return value


class SharedStringsHandler(TextCollector):
    def __init__(self, budget: Budget):
        super().__init__(budget)
        self.strings: list[str] = []

    def start(self, name, attrs):
        local = _local(name)
        if local == "t":
            self.in_t = True
        elif local == "rPh":
            self.phonetic += 1
        elif local == "si":
            self.take()

    def end(self, name):
        local = _local(name)
        if local == "t":
            self.in_t = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "si":
            self.strings.append(self.take())
            if len(self.strings) > self.budget.limits["max_shared_strings"]:
                raise Refused("El libro de Excel tiene más de "
                              f"{self.budget.limits['max_shared_strings']} textos distintos; copie solo la hoja con "
                              "los datos a un libro nuevo, o guárdela como CSV.")


class StylesHandler(XmlHandler):
    """Which cell formats are dates; every style record counted."""

    STYLE_RECORDS = frozenset({"xf", "font", "fill", "border", "numFmt", "dxf", "cellStyle", "tableStyle"})

    def __init__(self, budget: Budget):
        super().__init__(budget)
        self.custom: dict[int, str] = {}
        self.cell_xf_formats: list[int] = []
        self.records = 0
        self.in_cell_xfs = False

    def start(self, name, attrs):
        local = _local(name)
        if local in self.STYLE_RECORDS:
            self.records += 1
            if self.records > self.budget.limits["max_styles"]:
                raise Refused(f"El libro de Excel tiene más de {self.budget.limits['max_styles']} estilos; copie "
                              "solo los datos a un libro nuevo (pegado de valores), o guárdelo como CSV.")
        if local == "numFmt":
            try:
                self.custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
            except ValueError:
                pass
        elif local == "cellXfs":
            self.in_cell_xfs = True
        elif local == "xf" and self.in_cell_xfs:
            try:
                self.cell_xf_formats.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                self.cell_xf_formats.append(0)

    def end(self, name):
        if _local(name) == "cellXfs":
            self.in_cell_xfs = False

    def date_styles(self) -> set[int]:
        return {index for index, fmt in enumerate(self.cell_xf_formats) if self._is_date(fmt)}

    def _is_date(self, fmt: int) -> bool:
        if fmt in self.custom:
            code = _STRIP.sub("", self.custom[fmt].split(";")[0])
            return _DATE_CHARS.search(code) is not None
        return fmt in DATE_FORMAT_IDS


def _column_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index


class SheetHandler(TextCollector):
    """The first ``max_columns`` columns of each non-empty row; every cell and row counted as it starts."""

    def __init__(self, budget: Budget, shared: list[str], date_styles: set[int], epoch: datetime.datetime):
        super().__init__(budget)
        self.limits = budget.limits
        self.shared, self.date_styles, self.epoch = shared, date_styles, epoch
        self.table: list[tuple[int, list]] = []
        self.row_number = 0
        self.row: list | None = None
        self.column = 0
        self.cells = 0
        self.text_chars = 0
        self.cell: tuple[int, str, int | None] | None = None  # (column, type, style)
        self.value_text: str | None = None
        self.in_v = False
        self.in_is = False

    def start(self, name, attrs):
        local = _local(name)
        if local == "c":
            self._start_cell(attrs)
        elif local == "v" and self.cell is not None:
            self.in_v = True
            self.parts, self.length = [], 0
        elif local == "is" and self.cell is not None:
            self.in_is = True
            self.parts, self.length = [], 0
        elif local == "t" and self.in_is:
            self.in_t = True
        elif local == "rPh":
            self.phonetic += 1
        elif local == "row":
            self._start_row(attrs)
        elif local == "dimension":
            self._check_dimension(attrs.get("ref", ""))

    def text(self, data):
        if self.in_v:
            self.length += len(data)
            if self.length > EXCEL_MAX_TEXT:
                raise Refused(DAMAGED)
            self.parts.append(data)
        else:
            super().text(data)

    def end(self, name):
        local = _local(name)
        if local == "v" and self.in_v:
            self.in_v = False
            self.value_text = self.take()
        elif local == "t":
            self.in_t = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "is" and self.in_is:
            self.in_is = False
            self.value_text = self.take()
        elif local == "c":
            self._end_cell()
        elif local == "row":
            self._end_row()

    def _check_dimension(self, ref: str) -> None:
        """The declared size, refused before a single row is read (as the reader before this one did)."""
        last = ref.split(":")[-1]
        match = _CELL_REF.match(last)
        if not match:
            return
        columns, rows = _column_index(match.group(1)), int(match.group(2))
        if columns > self.limits["max_columns"]:
            raise Refused(f"La hoja declara {columns} columnas (más de {self.limits['max_columns']}): copie solo "
                          "las columnas de la plantilla a un libro nuevo, o guárdela como CSV.")
        if rows > self.limits["max_rows"] + 1 + 1000:
            raise Refused(f"La hoja declara {rows} filas (más de {self.limits['max_rows']}); divídala o copie solo "
                          "las filas con datos a un libro nuevo.")

    def _start_row(self, attrs) -> None:
        try:
            number = int(attrs["r"]) if "r" in attrs else self.row_number + 1
        except ValueError as exc:
            raise Refused(DAMAGED) from exc
        if number <= self.row_number or number > EXCEL_MAX_ROWS:
            raise Refused(DAMAGED)
        if number > self.limits["max_rows"] + 1 + 1000:  # blank rows are allowed a margin, not a million
            raise too_many_rows(self.limits)
        self.row_number = number
        self.row = [None] * self.limits["max_columns"]
        self.column = 0
        self.budget.check_time()

    def _start_cell(self, attrs) -> None:
        if self.row is None:
            raise Refused(DAMAGED)
        self.cells += 1
        if self.cells > self.limits["max_cells"]:
            raise Refused(f"La hoja tiene más de {self.limits['max_cells']} celdas; copie solo las filas y "
                          "columnas con datos a un libro nuevo, o guárdela como CSV.")
        ref = attrs.get("r")
        if ref:
            match = _CELL_REF.match(ref)
            if not match:
                raise Refused(DAMAGED)
            column = _column_index(match.group(1))
        else:
            column = self.column + 1
        if column > EXCEL_MAX_COLUMNS:
            raise Refused(f"La fila {self.row_number} tiene más de {EXCEL_MAX_COLUMNS} celdas, más de las que "
                          "Excel admite; copie solo las columnas de la plantilla a un libro nuevo, o guárdela "
                          "como CSV.")
        self.column = column
        style = attrs.get("s")
        try:
            style_index = int(style) if style else None
        except ValueError:
            style_index = None
        self.cell = (column, attrs.get("t", "n"), style_index)
        self.value_text = None

    def _end_cell(self) -> None:
        if self.cell is None:
            return
        column, kind, style = self.cell
        self.cell = None
        if column > self.limits["max_columns"] or self.value_text is None:
            return  # only the template's columns are kept, as openpyxl's ``max_col`` did
        self.row[column - 1] = self._value(kind, style, self.value_text)

    def _value(self, kind: str, style: int | None, text: str):
        if text == "" and kind not in ("inlineStr", "str"):
            return None
        try:
            if kind == "s":
                return self.shared[int(text)]
            if kind in ("inlineStr", "str", "e"):
                return text
            if kind == "b":
                return bool(int(text))
            if kind == "d":
                return datetime.datetime.fromisoformat(text.strip().rstrip("Z"))
            number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
        except (ValueError, IndexError, OverflowError) as exc:
            raise Refused(DAMAGED) from exc
        if style is not None and style in self.date_styles:
            return _from_excel(number, self.epoch)
        return number

    def _end_row(self) -> None:
        row, self.row = self.row, None
        if row is None or all(_blank(v) for v in row):
            return  # formatted but empty rows: Excel keeps many
        _check_cells(self.row_number, row, self.limits)
        # One shared string may be referenced by every cell: the text handed back to the web process is capped
        # as a whole, so that a small file cannot make the parent hold hundreds of MB.
        self.text_chars += sum(len(v) for v in row if isinstance(v, str))
        if self.text_chars > self.limits["max_text_chars"]:
            raise Refused(f"El archivo tiene más de {self.limits['max_text_chars']} caracteres de texto en total; "
                          "divídalo en varios.")
        self.table.append((self.row_number, row))
        if len(self.table) > self.limits["max_rows"] + 1:
            raise too_many_rows(self.limits)


def _from_excel(value: float, epoch: datetime.datetime):
    """Excel's serial date, as openpyxl's ``from_excel`` reads it."""
    try:
        day, fraction = divmod(value, 1)
        diff = datetime.timedelta(milliseconds=round(fraction * 86400 * 1000))
        if 0 <= value < 1 and diff.days == 0:
            seconds = diff.seconds
            return datetime.time(seconds // 3600, seconds // 60 % 60, seconds % 60, diff.microseconds)
        if 0 < value < 60 and epoch == WINDOWS_EPOCH:
            day += 1
        return epoch + datetime.timedelta(days=day) + diff
    except (OverflowError, ValueError):
        return value


def read_xlsx(data: bytes, limits: dict) -> list[tuple[int, list]]:
    budget = Budget(limits)
    package = Package(data, budget)
    root_rels = package.relationships("")
    workbook = next((path for kind, path in root_rels.values() if kind == "officeDocument"), "xl/workbook.xml")
    if workbook not in package.names:
        raise Refused(DAMAGED)
    book = WorkbookHandler(budget)
    package.parse(workbook, book)
    parts = package.relationships(workbook)
    sheet_path = None
    for rel_id in book.sheets:  # the first worksheet (a chart sheet is not one), as openpyxl's worksheets[0]
        kind, path = parts.get(rel_id, ("", ""))
        if kind == "worksheet" and path in package.names:
            sheet_path = path
            break
    if sheet_path is None:
        raise Refused(NO_SHEETS)
    shared = SharedStringsHandler(budget)
    styles = StylesHandler(budget)
    for kind, path in parts.values():
        if kind == "sharedStrings" and path in package.names:
            package.parse(path, shared)
        elif kind == "styles" and path in package.names:
            package.parse(path, styles)
    sheet = SheetHandler(budget, shared.strings, styles.date_styles(), MAC_EPOCH if book.date1904 else WINDOWS_EPOCH)
    package.parse(sheet_path, sheet)
    return sheet.table


# --- The child process -------------------------------------------------------------------------------------------


def _encode(value):
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"time": value.isoformat()}
    return value


def decode(value):
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.datetime.fromisoformat(value["datetime"])
        return datetime.time.fromisoformat(value["time"])
    return value


def _on_cpu_limit(_signum, _frame):
    raise Refused(OUT_OF_TIME)


def _limit_self(limits: dict) -> None:
    memory = limits["memory_bytes"]
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = max(1, int(limits["seconds"] + 0.999))
    signal.signal(signal.SIGXCPU, _on_cpu_limit)  # the soft limit: a refusal; the hard one a second later: death
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _peak_kib(usage) -> int:
    """This process's own peak resident memory. ``ru_maxrss`` is not: Linux carries the parent's peak across
    the fork and exec that started the child; ``VmHWM`` belongs to the new address space."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return usage.ru_maxrss


def main() -> None:
    request = json.loads(sys.argv[1])
    limits = request["limits"]
    _limit_self(limits)
    answer: dict
    try:
        data = sys.stdin.buffer.read(limits["max_bytes"] + 1)
        reader = read_xlsx if request["kind"] == "xlsx" else read_csv
        table = reader(data, limits)
        answer = {"rows": [[number, [_encode(v) for v in row]] for number, row in table]}
    except Refused as exc:
        answer = {"refused": exc.message}
    except MemoryError:
        answer = {"refused": OUT_OF_MEMORY, "memory": True}
    except RecursionError:
        answer = {"refused": DAMAGED}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    answer["peak_kib"] = _peak_kib(usage)
    answer["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 3)
    try:
        out = json.dumps(answer, ensure_ascii=True)
    except MemoryError:
        out = json.dumps({"refused": OUT_OF_MEMORY, "memory": True, "peak_kib": answer["peak_kib"]})
    sys.stdout.write(out)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
