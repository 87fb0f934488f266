"""Trial instances without an SMTP server (``make run``): each e-mail becomes a .eml file in PDT_MAIL_DIR."""
from email import message_from_bytes
from email.policy import default as default_policy

from sqlalchemy import select

from notifications.email import message_id
from tests.workflow_app.story import Cast, make_plan, walk_to
from workflow_app.models import Delivery


def test_with_a_mail_folder_each_delivery_is_written_once_as_a_readable_eml(app, db_session, embedded_jobs, tmp_path):
    saved = app.config.get("PDT_MAIL_DIR")
    app.config.update(PDT_MAIL_DIR=str(tmp_path / "correo"), SMTP_HOST="127.0.0.1", SMTP_PORT=9)  # 9: nobody
    try:
        cast = Cast(db_session, make_plan(db_session, "63302"))
        cast.ctp.wants_immediate_email = True
        db_session.commit()
        walk_to(cast, "submitted_to_ctp")
        embedded_jobs.join()
    finally:
        app.config.update(PDT_MAIL_DIR=saved)
    db_session.rollback()
    sent = db_session.scalars(select(Delivery).where(Delivery.status == "sent")).all()
    files = sorted((tmp_path / "correo").glob("*.eml"))
    assert sent and len(files) == len(sent)
    assert not list((tmp_path / "correo").glob(".*"))  # no half-written file left behind
    by_id = {message_id(d.delivery_key): d for d in sent}
    to_ctp = []
    for path in files:
        mail = message_from_bytes(path.read_bytes(), policy=default_policy)
        assert mail["Message-ID"] in by_id and path.stem in mail["Message-ID"]
        if mail["To"] == cast.ctp.email:
            to_ctp.append(mail)
    [mail] = to_ctp
    assert mail["Subject"] == ("Génova (Quindío): Entregar el concepto del Consejo Territorial de Planeación")
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "actúe a más tardar el martes 28 de marzo de 2028" in text and "Norma: L152 art. 39 num. 6" in text
