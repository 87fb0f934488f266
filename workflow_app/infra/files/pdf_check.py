"""Open an uploaded PDF with pypdf and refuse what must not reach a citizen's reader.

Checked, in bounded work: a real PDF structure (header, cross-reference, a catalog with at least one page), no
action that runs code or leaves the document, no embedded files (nor XFA forms, which carry scripts), and a
bounded decompressed size (an "inflation bomb" of a few hundred bytes that expands to hundreds of MB is refused
without ever being held in memory). Every message is Spanish and names what to do.

Every object is looked at however the file stores it, because a viewer (and pypdf itself) finds objects the
cross-reference table does not list: the objects the xref lists, the ones reachable from the trailer and the
catalogue, every ``N G obj`` body found in the raw bytes (outside the xref, marked free, or superseded by an
incremental update) and every object inside an object stream found so. The refused actions (ISO 32000-1
§12.6.4, ISO 32000-2 §12.6.4): JavaScript, Launch, GoToE, GoToR, SubmitForm, ImportData, RichMediaExecute,
URI with a scheme other than http, https or mailto, any ``/JS`` key (a Rendition's script included), any
``/AA`` (additional actions run on their own when a page or a field is opened), RichMedia annotations; an
indirect ``/S`` is resolved before it is compared.

Chained filters (Flate over Flate over Flate...) are decoded stage by stage in 64 KB steps, every stage's
output counted against the stream's and the document's budget and none of it kept: a 740-byte double-Flate
file took 225 MB with pypdf's ``get_data``.

Why pypdf and not pikepdf (docs/RELIABILITY.md, "Uploads"): pypdf is pure Python (nothing native parses a
stranger's file inside the web process, and it installs wherever ``make run`` does), and it carries documented
per-call limits for every decompression filter, for the declared ``/Length``, for array and dictionary sizes
and filter chains (``pypdf.Configuration``), applied here through ``apply_configuration``, a context variable,
so concurrent requests never share them. pikepdf (qpdf) is faster, but qpdf repairs damaged files silently and
``read_bytes`` inflates a stream without an output limit, which are the two things a validator must not do.

The cost is bounded by construction: the input is at most 20 MB (checked before), at most ``MAX_OBJECTS``
objects are visited, at most ``MAX_DECODED_BYTES`` are decoded in total (Flate streams are only counted, in
64 KB steps, never kept), and a wall-clock budget is checked between objects. One object's parse is bounded by
pypdf's own limits, not by that budget: the service therefore runs this check in a checker process of its own
(``pdf_process``), which is killed when the budget and a grace have passed, under a memory limit.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
import logging
import re
import time
import traceback
import zlib
from dataclasses import dataclass

from pypdf import PdfReader, apply_configuration
from pypdf._utils import read_non_whitespace
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject, read_object

MAX_DECODED_BYTES = 100 * 1024 * 1024
MAX_OBJECTS = 200_000
TIME_BUDGET_SECONDS = 8.0
FLATE = {"/FlateDecode", "/Fl"}
IMAGE_CODECS = {"/DCTDecode", "/DCT", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode", "/CCF"}
ASCII_CODECS = {"/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85"}
MAX_NESTING = 64
# pypdf's own per-filter cap, for the filters decoded by it (LZW, RunLength) and object streams: held whole.
PYPDF_STREAM_LIMIT = 32 * 1024 * 1024
ALLOWED_URI_SCHEMES = ("http://", "https://", "mailto:")
_OBJECT_HEADER = re.compile(rb"(?<![0-9])(\d{1,10})[ \t\r\n\f\x00]+(\d{1,5})[ \t\r\n\f\x00]+obj(?![A-Za-z0-9])")

NOT_A_PDF = "El archivo no es un PDF válido. Solo se aceptan documentos PDF."
DAMAGED = ("El archivo no es un PDF válido: su estructura interna está dañada o incompleta. Ábralo y guárdelo "
           "de nuevo como PDF (por ejemplo, con «Imprimir > Guardar como PDF») e intente otra vez.")
NO_PAGES = "El PDF no tiene páginas. Adjunte el documento completo del acto."
ENCRYPTED = ("El PDF está protegido con contraseña. Adjunte una copia sin contraseña de apertura para que la "
             "ciudadanía y las autoridades puedan leerla.")
JAVASCRIPT = ("El PDF contiene código JavaScript, que no se admite en el expediente. Guárdelo de nuevo como PDF "
              "sin formularios activos (por ejemplo, «Imprimir > Guardar como PDF») e intente otra vez.")
LAUNCH = ("El PDF contiene una acción que abre programas o archivos externos (acción «Launch»), que no se admite. "
          "Guárdelo de nuevo como PDF sin acciones e intente otra vez.")
EMBEDDED = ("El PDF contiene archivos incrustados o adjuntos, que no se admiten en el expediente. Adjunte cada "
            "documento como un PDF aparte.")
XFA = ("El PDF es un formulario XFA, que puede ejecutar código. Guárdelo de nuevo como PDF plano (por ejemplo, "
       "«Imprimir > Guardar como PDF») e intente otra vez.")
ACTION = ("El PDF contiene una acción que {what} (acción «{kind}»), que no se admite en el expediente. Guárdelo de "
          "nuevo como PDF sin acciones ni formularios activos (por ejemplo, «Imprimir > Guardar como PDF») e intente "
          "otra vez.")
ACTION_WHAT = {
    "/GoToR": "abre otro documento", "/SubmitForm": "envía datos fuera del documento",
    "/ImportData": "importa datos de otro archivo", "/RichMediaExecute": "ejecuta contenido multimedia",
    "/URI": "abre una dirección que no es una página web", "/AA": "se ejecuta sola al abrir una página o un campo",
    "/RichMedia": "ejecuta contenido multimedia",
}
TOO_LARGE = ("El PDF se expande a más de 100 MB al abrirlo. Guárdelo de nuevo como PDF comprimido (por ejemplo, "
             "escaneado en JPEG o en blanco y negro) e intente otra vez.")
TOO_COMPLEX = ("El PDF es demasiado complejo para revisarlo. Guárdelo de nuevo como PDF (por ejemplo, con "
               "«Imprimir > Guardar como PDF») e intente otra vez.")

log = logging.getLogger(__name__)


class UnsafePdf(ValueError):
    """The file is refused; the message is Spanish and shown as is."""


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    objects: int
    decoded_bytes: int


class _Budget:
    def __init__(self, max_decoded: int, seconds: float):
        self.left = max_decoded
        self.deadline = time.monotonic() + seconds
        self.decoded = 0
        self.objects = 0
        self.streams_seen: set[bytes] = set()  # one stream found by two ways is counted once

    def spend(self, amount: int) -> None:
        self.decoded += amount
        self.left -= amount
        if self.left < 0:
            raise UnsafePdf(TOO_LARGE)

    def tick(self) -> None:
        self.objects += 1
        if self.objects > MAX_OBJECTS or time.monotonic() > self.deadline:
            raise UnsafePdf(TOO_COMPLEX)


def check_pdf(data: bytes, *, max_decoded: int = MAX_DECODED_BYTES,
              seconds: float = TIME_BUDGET_SECONDS) -> PdfFacts:
    """Raise ``UnsafePdf`` unless ``data`` is a PDF fit for the case file."""
    # By content, not by name: a PDF starts with %PDF- and ends with %%EOF (ISO 32000-1 §7.5.2, §7.5.5).
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise UnsafePdf(NOT_A_PDF)
    budget = _Budget(max_decoded, seconds)
    limit = min(max_decoded, PYPDF_STREAM_LIMIT) + 1
    with apply_configuration(
            maximum_declared_stream_length=limit, array_based_stream_maximum_output_length=limit,
            zlib_maximum_output_length=limit, lzw_maximum_output_length=limit,
            run_length_maximum_output_length=limit, brotli_maximum_output_length=limit,
            jbig2_maximum_output_length=limit, image_maximum_buffer_size=limit,
            jbig2dec_binary=None, disable_legacy_handling=True):
        try:
            return _inspect(data, budget)
        except UnsafePdf:
            raise
        except LimitReachedError as exc:
            # pypdf's limits are of two kinds: what a stream expands to (its filters) and how the file is built
            # (nesting, element counts, cycles). Only the first is «se expande a más de 100 MB» (QA, 7 December 2026:
            # 50,000 nested arrays were told so).
            expands = exc.__traceback__ is not None and any(
                frame.f_code.co_filename.endswith("filters.py") for frame, _ in traceback.walk_tb(exc.__traceback__))
            raise UnsafePdf(TOO_LARGE if expands else TOO_COMPLEX) from exc
        except RecursionError as exc:
            raise UnsafePdf(TOO_COMPLEX) from exc
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - any parser failure means a damaged or hostile file
            log.info("PDF refused as damaged: %s: %s", type(exc).__name__, exc)
            raise UnsafePdf(DAMAGED) from exc


def _inspect(data: bytes, budget: _Budget) -> PdfFacts:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # only an owner password (printing/copying limits) is acceptable
        except Exception as exc:  # noqa: BLE001
            raise UnsafePdf(ENCRYPTED) from exc
        if not opened:
            raise UnsafePdf(ENCRYPTED)
    root = reader.trailer.get("/Root")
    root = root.get_object() if root is not None else None
    if not isinstance(root, DictionaryObject) or not isinstance(root.get("/Pages"), (IndirectObject,
                                                                                      DictionaryObject)):
        raise UnsafePdf(DAMAGED)
    walk = _Walk(reader, budget, _raw_objects(data, reader, budget))
    walk.visit(reader.trailer)  # everything reachable from the trailer and the catalogue
    for idnum, generation in _object_ids(reader):  # everything the xref lists, reachable or not
        budget.tick()
        walk.visit(IndirectObject(idnum, generation, reader))
    for obj in walk.raw.values():  # every body in the bytes: outside the xref, free-marked, superseded
        for version in obj:
            walk.visit(version)
    pages = len(reader.pages)
    if pages < 1:
        raise UnsafePdf(NO_PAGES)
    return PdfFacts(pages=pages, objects=len(walk.seen | set(walk.raw)), decoded_bytes=budget.decoded)


def _object_ids(reader: PdfReader):
    for generation, table in reader.xref.items():
        for idnum in table:
            yield idnum, generation  # free-marked ones too: a viewer may still find the body
    for idnum in reader.xref_objStm:
        yield idnum, 0


def _raw_objects(data: bytes, reader: PdfReader, budget: _Budget) -> dict[tuple[int, int], list]:
    """Every ``N G obj`` body in the bytes, parsed where it stands, and the objects inside the object streams
    among them: {(number, generation): [each version found]}."""
    found: dict[tuple[int, int], list] = {}
    source = io.BytesIO(data)
    decrypt = reader._encryption.decrypt_object if reader.is_encrypted and reader._encryption else None
    for match in _OBJECT_HEADER.finditer(data):
        budget.tick()
        number, generation = int(match.group(1)), int(match.group(2))
        source.seek(match.end())
        try:
            read_non_whitespace(source)
            source.seek(-1, 1)
            obj = read_object(source, reader)
            if decrypt is not None:
                obj = decrypt(obj, number, generation)
        except (UnsafePdf, LimitReachedError):
            raise
        except Exception:  # noqa: BLE001 - "1 0 obj" inside binary data: not an object
            continue
        found.setdefault((number, generation), []).append(obj)
        if isinstance(obj, StreamObject) and obj.get("/Type") == "/ObjStm":
            for key, inner in _object_stream(obj, reader, budget):
                found.setdefault(key, []).append(inner)
    return found


def _object_stream(stream: StreamObject, reader: PdfReader, budget: _Budget):
    """The objects an object stream holds (ISO 32000-1 §7.5.7), its content decoded under the budget."""
    try:
        count, first = int(stream.get("/N", 0)), int(stream.get("/First", 0))
        _first_sight(stream, budget)
        content = _decoded(stream, budget, keep=True)
    except UnsafePdf:
        raise
    except Exception:  # noqa: BLE001 - a damaged object stream holds nothing a viewer can read either
        return
    if count < 0 or count > MAX_OBJECTS or first < 0:
        raise UnsafePdf(TOO_COMPLEX)
    header = content[:first].split()
    source = io.BytesIO(content)
    for index in range(min(count, len(header) // 2)):
        budget.tick()
        try:
            number, offset = int(header[2 * index]), int(header[2 * index + 1])
            source.seek(first + offset)
            read_non_whitespace(source)
            source.seek(-1, 1)
            yield (number, 0), read_object(source, reader)
        except (UnsafePdf, LimitReachedError):
            raise
        except Exception:  # noqa: BLE001
            continue


class _Walk:
    """Visit values once each, following indirect references through pypdf and the raw bodies."""

    def __init__(self, reader: PdfReader, budget: _Budget, raw: dict):
        self.reader, self.budget, self.raw = reader, budget, raw
        self.seen: set[tuple[int, int]] = set()

    def resolve(self, ref: IndirectObject) -> list:
        """Every body a reference may mean: pypdf's answer and each version in the bytes."""
        bodies = list(self.raw.get((ref.idnum, ref.generation), []))
        try:
            resolved = self.reader.get_object(IndirectObject(ref.idnum, ref.generation, self.reader))
        except (UnsafePdf, LimitReachedError):
            raise
        except Exception:  # noqa: BLE001 - not in the xref: the raw bodies stand for it
            resolved = None
        if resolved is not None:
            bodies.append(resolved)
        return bodies

    def visit(self, value) -> None:
        pending = [(value, 0)]
        while pending:
            item, depth = pending.pop()
            if isinstance(item, IndirectObject):
                key = (item.idnum, item.generation)
                if key in self.seen:
                    continue
                self.seen.add(key)
                self.budget.tick()
                pending.extend((body, 0) for body in self.resolve(item))
                continue
            if depth > MAX_NESTING:
                raise UnsafePdf(TOO_COMPLEX)
            if isinstance(item, DictionaryObject):
                self.check_dictionary(item)
                if isinstance(item, StreamObject):
                    _spend_stream(item, self.budget)
                pending.extend((child, depth + 1) for child in item.values())
            elif isinstance(item, ArrayObject):
                pending.extend((child, depth + 1) for child in item)

    def plain(self, value, depth: int = 0):
        """A value with indirect references followed (for ``/S``, ``/URI``, ``/Subtype``), or None."""
        while isinstance(value, IndirectObject) and depth < 8:
            bodies = self.resolve(value)
            value = bodies[-1] if bodies else None
            depth += 1
        return value

    def check_dictionary(self, d: DictionaryObject) -> None:
        """ISO 32000-1 §12.6.4 (action types), §12.6.3 (additional actions), §7.11.4 (embedded files),
        §12.7.8 (XFA); ISO 32000-2 §13.7 (RichMedia)."""
        if "/JS" in d or "/JavaScript" in d:
            raise UnsafePdf(JAVASCRIPT)
        if "/AA" in d:
            self.visit(d["/AA"])  # the action it holds names the refusal best (a Launch, a script)
            raise UnsafePdf(ACTION.format(what=ACTION_WHAT["/AA"], kind="AA"))
        kind = self.plain(d.get("/S"))
        if kind == NameObject("/JavaScript"):
            raise UnsafePdf(JAVASCRIPT)
        if kind == NameObject("/Launch"):
            raise UnsafePdf(LAUNCH)
        if kind == NameObject("/GoToE") or "/EmbeddedFiles" in d or "/EF" in d or \
                self.plain(d.get("/Type")) == NameObject("/EmbeddedFile"):
            raise UnsafePdf(EMBEDDED)
        if kind in ("/GoToR", "/SubmitForm", "/ImportData", "/RichMediaExecute"):
            raise UnsafePdf(ACTION.format(what=ACTION_WHAT[kind], kind=kind[1:]))
        if kind == NameObject("/URI"):
            target = self.plain(d.get("/URI"))
            text = target if isinstance(target, str) else bytes(target or b"").decode("latin-1")
            # Viewers and browsers drop leading blanks and control characters before reading a scheme.
            text = text.lstrip("".join(chr(c) for c in range(33))).lower()
            if not text.startswith(ALLOWED_URI_SCHEMES):
                raise UnsafePdf(ACTION.format(what=ACTION_WHAT["/URI"], kind="URI"))
        if self.plain(d.get("/Subtype")) == NameObject("/RichMedia"):
            raise UnsafePdf(ACTION.format(what=ACTION_WHAT["/RichMedia"], kind="RichMedia"))
        if "/XFA" in d:
            raise UnsafePdf(XFA)


def _filters(stream: StreamObject) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    value = value.get_object()
    return [str(f.get_object()) for f in value] if isinstance(value, ArrayObject) else [str(value)]


def _first_sight(stream: StreamObject, budget: _Budget) -> bool:
    """True the first time these encoded bytes are met (one stream found by two ways is counted once)."""
    raw = stream._data if getattr(stream, "decoded_self", None) is None else stream.get_data()
    digest = hashlib.blake2b(raw if isinstance(raw, bytes) else b"", digest_size=16).digest()
    if digest in budget.streams_seen:
        return False
    budget.streams_seen.add(digest)
    return True


def _spend_stream(stream: StreamObject, budget: _Budget) -> None:
    if _first_sight(stream, budget):
        _decoded(stream, budget, keep=False)


def _decoded(stream: StreamObject, budget: _Budget, *, keep: bool) -> bytes:
    """Decode ``stream`` under the budget: the bytes when ``keep`` (object streams), else only counted."""
    if getattr(stream, "decoded_self", None) is not None:
        content = stream.get_data()  # already decoded by pypdf (an object stream it read): under its limits
        budget.spend(len(content))
        return content if keep else b""
    raw = stream._data  # the encoded bytes, as pypdf's own decoder reads them
    filters = _filters(stream)
    while filters and filters[-1] in IMAGE_CODECS and not keep:
        filters.pop()  # image codecs are never decoded here; their input is what is counted
    if not filters:
        budget.spend(len(raw))
        return raw if keep else b""
    head = 0
    while head < len(filters) and filters[head] in ASCII_CODECS:  # never longer than their input
        raw = _ascii_decode(filters[head], raw)
        head += 1
    rest = filters[head:]
    if all(f in FLATE for f in rest):
        return _inflate_chain(raw, len(rest), budget, keep)
    content = stream.get_data()  # LZW, RunLength, Crypt...: pypdf, under PYPDF_STREAM_LIMIT per filter
    budget.spend(len(content))
    return content if keep else b""


def _ascii_decode(name: str, raw: bytes) -> bytes:
    try:
        if name in ("/ASCIIHexDecode", "/AHx"):
            text = re.sub(rb"\s", b"", raw).split(b">", 1)[0]
            return binascii.unhexlify(text + b"0" * (len(text) % 2))
        text = re.sub(rb"\s", b"", raw)
        text = text[2:] if text.startswith(b"<~") else text
        return base64.a85decode(text.split(b"~>", 1)[0])
    except (ValueError, binascii.Error):
        return b""


def _inflate_chain(raw: bytes, stages: int, budget: _Budget, keep: bool) -> bytes:
    """Flate applied ``stages`` times, decoded stage by stage in 64 KB steps; every stage's output counts
    against the budget (a stage can be made of empty blocks that cost input and give nothing), none is kept
    unless ``keep``. A damaged stage ends the stream where it breaks, as viewers do."""
    inflaters = [zlib.decompressobj() for _ in range(stages)]
    broken = [False] * stages
    kept: list[bytes] = []

    def push(level: int, chunk: bytes) -> None:
        inflater = inflaters[level]
        pending = chunk
        while pending and not inflater.eof and not broken[level]:
            try:
                out = inflater.decompress(pending, 65536)
            except zlib.error:
                broken[level] = True
                return
            pending = inflater.unconsumed_tail
            if not out:
                if not pending:
                    return
                continue
            budget.spend(len(out))
            if level + 1 < stages:
                push(level + 1, out)
            elif keep:
                kept.append(out)

    for start in range(0, len(raw), 65536):
        if inflaters[0].eof or broken[0]:
            break
        push(0, raw[start:start + 65536])
    return b"".join(kept)
