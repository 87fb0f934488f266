"""Issue 19: PDF actions hidden from the xref (outside it, free-marked, in an object stream, in an incremental
update), indirect ``/S``, every action type that runs or leaves the document, and chained-filter bombs. The
files are built byte by byte in ``tests/pdf_samples.py``; each must be refused with its Spanish reason, the
good ones still accepted."""
from __future__ import annotations

import io
import time
import tracemalloc

import pytest
from pypdf import PdfReader

from tests import pdf_samples
from workflow_app.infra.files.pdf_check import UnsafePdf, check_pdf

HOSTILE = [
    ("JAVASCRIPT_OUTSIDE_XREF", "JavaScript"),
    ("JAVASCRIPT_FREE_MARKED", "JavaScript"),
    ("LAUNCH_INDIRECT_S", "abre programas o archivos externos"),
    ("GOTOE_INDIRECT_S", "archivos incrustados"),
    ("URI_JAVASCRIPT", "no es una página web"),
    ("URI_JAVASCRIPT_BLANKS", "no es una página web"),
    ("URI_FILE", "no es una página web"),
    ("GOTOR_UNC", "abre otro documento"),
    ("SUBMIT_FORM", "envía datos fuera del documento"),
    ("IMPORT_DATA", "importa datos"),
    ("RENDITION_WITH_JS", "JavaScript"),
    ("ESCAPED_NAME_JS", "JavaScript"),
    ("RICH_MEDIA", "multimedia"),
    ("ADDITIONAL_ACTIONS", "se ejecuta sola"),
    ("WITH_JAVASCRIPT", "JavaScript"),
    ("WITH_LAUNCH", "abre programas o archivos externos"),
    ("WITH_EMBEDDED_FILE", "archivos incrustados"),
]


@pytest.mark.parametrize(("sample", "reason"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_every_action_that_runs_or_leaves_the_document_is_refused(sample, reason):
    with pytest.raises(UnsafePdf, match=reason):
        check_pdf(getattr(pdf_samples, sample))


def test_the_hidden_script_is_really_hidden_from_the_xref():
    """The samples are what they claim: pypdf's xref does not list the script, yet its resolver finds it."""
    reader = PdfReader(io.BytesIO(pdf_samples.JAVASCRIPT_OUTSIDE_XREF), strict=False)
    assert 6 not in reader.xref.get(0, {})
    assert reader.trailer["/Root"].get_object()["/OpenAction"].get_object()["/S"] == "/JavaScript"
    free = PdfReader(io.BytesIO(pdf_samples.JAVASCRIPT_FREE_MARKED), strict=False)
    assert free.xref_free_entry[0][6]


def test_a_script_in_an_unlisted_object_stream_is_refused():
    with pytest.raises(UnsafePdf, match="JavaScript"):
        check_pdf(pdf_samples.javascript_in_object_stream())


def test_a_script_added_by_an_incremental_update_outside_its_xref_is_refused():
    with pytest.raises(UnsafePdf, match="JavaScript"):
        check_pdf(pdf_samples.javascript_in_incremental_update())


def test_web_and_mail_links_and_the_good_samples_are_accepted():
    assert check_pdf(pdf_samples.HTTPS_AND_MAILTO_LINKS).pages == 1
    assert check_pdf(pdf_samples.VALID).pages == 1
    assert check_pdf(pdf_samples.one_page(more=[pdf_samples.stream(b"x" * 5000, compress=True)])).pages == 1


@pytest.mark.parametrize("stages", [2, 3])
def test_a_chained_flate_bomb_is_refused_without_holding_its_output(stages):
    bomb = pdf_samples.chained_flate_bomb(stages=stages)
    assert len(bomb) < 2048
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(UnsafePdf, match="más de 100 MB"):
            check_pdf(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\n{stages} Flate encadenados, {len(bomb)} bytes: rechazado en {time.perf_counter() - started:.2f} s, "
          f"pico de memoria de Python {peak / 1024 / 1024:.1f} MB")
    assert peak < 16 * 1024 * 1024  # was 225 MB: each stage holds at most 64 KB


def test_a_small_chained_flate_stream_is_read_and_counted():
    data = pdf_samples.chained_flate_bomb(expanded=3 * 1024 * 1024)
    facts = check_pdf(data)
    assert facts.pages == 1 and facts.decoded_bytes >= 3 * 1024 * 1024


def test_deeply_nested_objects_are_too_complex_not_too_large():
    """pypdf's limit on how a file is built is «demasiado complejo»; «se expande a más de 100 MB» is for what a
    stream expands to (QA, 7 December 2026: 50,000 nested arrays in a 100 KB file were told the second)."""
    from workflow_app.infra.files.pdf_check import TOO_COMPLEX, TOO_LARGE

    nested = pdf_samples.one_page(page_extra=b"/Foo " + b"[" * 50_000 + b"]" * 50_000)
    with pytest.raises(UnsafePdf) as refused:
        check_pdf(nested)
    assert str(refused.value) == TOO_COMPLEX
    with pytest.raises(UnsafePdf) as bomb:
        check_pdf(pdf_samples.inflation_bomb())
    assert str(bomb.value) == TOO_LARGE
