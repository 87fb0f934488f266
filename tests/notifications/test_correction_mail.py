"""The e-mail of a document's formal correction (CPACA art. 45), read back from a real SMTP server: sent at once to
whoever chose immediate e-mail, in the daily digest for the others, and never twice."""
import io
import re
from datetime import date

from sqlalchemy import select

from notifications.digest import send_digests
from notifications.jobs import deliver
from notifications.sweep import run_sweep
from tests import pdf_samples
from tests.workflow_app.story import Cast, make_plan, walk_to
from workflow_app.models import Delivery, Document, Notification
from workflow_app.services.route.document_versions import correct_document
from workflow_app.services.route.documents import Upload


def test_the_correction_mail_says_what_changed_who_corrected_it_and_that_the_decision_stands(
        db_session, smtp_sink, embedded_jobs, set_today):
    set_today("2028-04-03")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    cast.planeacion.wants_immediate_email = True  # the CTP keeps the daily digest
    db_session.commit()
    walk_to(cast, "adjusting")
    embedded_jobs.join()
    smtp_sink.messages.clear()
    concept = db_session.scalar(select(Document).where(Document.plan_id == cast.plan.id,
                                                       Document.kind == "record_ctp_concept"))
    new = correct_document(db_session, plan_id=cast.plan.id, document_id=concept.id,
                           upload=Upload("concepto.pdf", io.BytesIO(pdf_samples.one_page("Concepto corregido"))),
                           reason="El número del acta del concepto estaba mal digitado.", actor=cast.ctp,
                           today=date(2028, 4, 3))
    embedded_jobs.join()

    mails = smtp_sink.to(cast.planeacion.email)
    assert len(mails) == 1
    subject = "Génova (Quindío): se corrigió «Concepto del Consejo Territorial de Planeación»"
    assert mails[0]["Subject"] == subject
    text = smtp_sink.text_of(mails[0])
    assert re.search(r"El 3 de abril de 2028 a las \d{1,2}:\d\d [ap]\. m\., ctp63302 \(Consejo Territorial de "
                     r"Planeación de Génova\) registró una corrección formal", text)
    assert "la versión 2 reemplaza a la versión 1. Motivo: «El número del acta del concepto estaba mal digitado»." \
        in text
    assert "no cambia el sentido material de la decisión ni revive los términos para demandarla (CPACA art. 45)" \
        in text and new.sha256 in text
    assert "Norma: CPACA art. 45" in text
    assert re.search(rf"Ver el plan: https?://\S+/planes/{cast.plan.id}#h-docs", text)
    html = mails[0].get_body(preferencelist=("html",)).get_content()
    assert re.search(rf'<a href="https?://[^"]+/planes/{cast.plan.id}#h-docs">Ver el plan</a>', html)
    assert smtp_sink.to(cast.ctp.email) == []  # the corrector is not told

    # Sent once: its delivery run again, a sweep and the day's digest send nothing more to the planning office.
    delivery = db_session.scalar(select(Delivery).join(Notification).where(
        Notification.user_id == cast.planeacion.id, Notification.dedupe_key.like("correction:%")))
    assert delivery.status == "sent" and deliver(delivery.id) == "omitida"
    run_sweep(date(2028, 4, 3))
    send_digests(date(2028, 4, 3))
    embedded_jobs.join()
    assert [m["Subject"] for m in smtp_sink.to(cast.planeacion.email)].count(subject) == 1
    # The executive chose the digest: the correction is in its summary of the day.
    digest = [m for m in smtp_sink.to(cast.ejecutivo.email) if m["Subject"].startswith("Resumen diario")]
    assert len(digest) == 1 and "se corrigió «Concepto del Consejo Territorial de Planeación»" in \
        smtp_sink.text_of(digest[0])
    assert sum(smtp_sink.message_ids().values()) == len(smtp_sink.message_ids())  # no duplicates
