"""Open an uploaded PDF with pypdf and refuse what must not reach a citizen's reader.

Checked, in bounded work: a real PDF structure (header, cross-reference, a catalog with at least one page), no
JavaScript, no launch action, no embedded files (nor XFA forms, which carry scripts), and a bounded decompressed
size (an "inflation bomb" of a few hundred KB that expands to hundreds of MB is refused without ever being held
in memory). Every message is Spanish and names what to do.

Why pypdf and not pikepdf (docs/RELIABILITY.md, "Uploads"): pypdf is pure Python (nothing native parses a
stranger's file inside the web process, and it installs wherever ``make run`` does), and it carries documented
per-call limits for every decompression filter, for the declared ``/Length``, for array and dictionary sizes
and filter chains (``pypdf.Configuration``), applied here through ``apply_configuration``, a context variable,
so concurrent requests never share them. pikepdf (qpdf) is faster, but qpdf repairs damaged files silently and
``read_bytes`` inflates a stream without an output limit, which are the two things a validator must not do.

The cost is bounded by construction: the input is at most 20 MB (checked before), at most ``MAX_OBJECTS``
objects are visited, at most ``MAX_DECODED_BYTES`` are decoded in total (Flate streams are only counted, in
64 KB steps, never kept), and a wall-clock budget is checked between objects. One object's parse is bounded by
pypdf's own limits; Python cannot pre-empt a thread, so the budget is not a hard interrupt.
"""
from __future__ import annotations

import io
import logging
import time
import zlib
from dataclasses import dataclass

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

MAX_DECODED_BYTES = 100 * 1024 * 1024
MAX_OBJECTS = 200_000
TIME_BUDGET_SECONDS = 8.0
FLATE = {"/FlateDecode", "/Fl"}
IMAGE_CODECS = {"/DCTDecode", "/DCT", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode", "/CCF"}
MAX_NESTING = 64

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
    limit = max_decoded + 1
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
            raise UnsafePdf(TOO_LARGE) from exc
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
    _check_value(reader.trailer, budget, 0)
    for idnum, generation in _object_ids(reader):
        budget.tick()
        obj = reader.get_object(IndirectObject(idnum, generation, reader))
        _check_value(obj, budget, 0)
    pages = len(reader.pages)
    if pages < 1:
        raise UnsafePdf(NO_PAGES)
    return PdfFacts(pages=pages, objects=budget.objects, decoded_bytes=budget.decoded)


def _object_ids(reader: PdfReader):
    for generation, table in reader.xref.items():
        for idnum in table:
            if not reader.xref_free_entry.get(generation, {}).get(idnum, False):
                yield idnum, generation
    for idnum in reader.xref_objStm:
        yield idnum, 0


def _check_value(value, budget: _Budget, depth: int) -> None:
    """Walk one object's direct content (indirect references are visited on their own)."""
    if depth > MAX_NESTING:
        raise UnsafePdf(TOO_COMPLEX)
    if isinstance(value, DictionaryObject):
        _check_dictionary(value)
        if isinstance(value, StreamObject):
            budget.spend(_decoded_size(value, budget))
        for item in value.values():
            if not isinstance(item, IndirectObject):
                _check_value(item, budget, depth + 1)
    elif isinstance(value, ArrayObject):
        for item in value:
            if not isinstance(item, IndirectObject):
                _check_value(item, budget, depth + 1)


def _check_dictionary(d: DictionaryObject) -> None:
    """ISO 32000-1 §12.6.4 (action types), §7.11.4 (embedded files), §12.7.8 (XFA)."""
    if "/JS" in d or "/JavaScript" in d:
        raise UnsafePdf(JAVASCRIPT)
    kind = d.get("/S")
    if kind == NameObject("/JavaScript"):
        raise UnsafePdf(JAVASCRIPT)
    if kind == NameObject("/Launch"):
        raise UnsafePdf(LAUNCH)
    if kind == NameObject("/GoToE") or "/EmbeddedFiles" in d or "/EF" in d or \
            d.get("/Type") == NameObject("/EmbeddedFile"):
        raise UnsafePdf(EMBEDDED)
    if "/XFA" in d:
        raise UnsafePdf(XFA)


def _filters(stream: StreamObject) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    value = value.get_object()
    return [str(f.get_object()) for f in value] if isinstance(value, ArrayObject) else [str(value)]


def _decoded_size(stream: StreamObject, budget: _Budget) -> int:
    if getattr(stream, "decoded_self", None) is not None:
        return len(stream.get_data())  # already decoded by pypdf (an object stream): under its limits
    raw = stream._data  # the encoded bytes, as pypdf's own decoder reads them
    filters = _filters(stream)
    if not filters or all(f in IMAGE_CODECS for f in filters):
        return len(raw)  # plain bytes, or image codecs that are never decoded here
    if all(f in FLATE for f in filters) and len(filters) == 1:
        return _flate_size(raw, budget.left + 1)
    return len(stream.get_data())  # other chains: decoded by pypdf under the configured limits


def _flate_size(raw: bytes, cap: int) -> int:
    """Count the inflated bytes without keeping them; stop as soon as ``cap`` is passed."""
    inflater = zlib.decompressobj()
    total, pending = 0, raw
    try:
        while not inflater.eof and total <= cap:
            chunk = inflater.decompress(pending, 65536)  # never more than 64 KB held
            total += len(chunk)
            pending = inflater.unconsumed_tail
            if not chunk and not pending:
                break
    except zlib.error:
        return len(raw)  # a damaged stream: viewers show nothing of it; its bytes count as they are
    return total
