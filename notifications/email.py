"""The e-mail channel: plain text + HTML over SMTP, with a Message-ID derived from the delivery key."""
from __future__ import annotations

import hashlib
import smtplib
import threading
from email.message import EmailMessage
from email.utils import formatdate

from flask import current_app


def message_id(delivery_key: str) -> str:
    digest = hashlib.sha256(delivery_key.encode()).hexdigest()[:32]
    return f"<{digest}@ruta-pdt>"


def build_email(recipient: str, subject: str, text: str, html: str, delivery_key: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["SMTP_FROM"]
    msg["To"] = recipient
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    # Stable per delivery: a mail server or the reader's client can drop a repeated copy.
    msg["Message-ID"] = message_id(delivery_key)
    msg["Content-Language"] = "es-CO"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


_local = threading.local()  # one SMTP session per worker thread, reused from message to message


def send(msg: EmailMessage) -> None:
    """Send over this thread's open SMTP session (opened on first use). A session the server closed while idle
    fails before MAIL FROM, so it is reopened and the message sent once on the new one."""
    cfg = current_app.config
    key = (cfg["SMTP_HOST"], cfg["SMTP_PORT"], cfg.get("SMTP_USER"), bool(cfg.get("SMTP_STARTTLS")))
    smtp = _session(cfg, key)
    reused = getattr(_local, "used", False)
    try:
        smtp.send_message(msg)
    except smtplib.SMTPServerDisconnected:
        _close()
        if not reused:
            raise
        _session(cfg, key).send_message(msg)
    except smtplib.SMTPRecipientsRefused:
        raise  # smtplib already reset the transaction: the session stays usable
    except Exception:
        _close()
        raise
    _local.used = True


def _session(cfg, key) -> smtplib.SMTP:
    if getattr(_local, "key", None) != key or getattr(_local, "smtp", None) is None:
        _close()
        smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=20)
        if cfg.get("SMTP_STARTTLS"):
            smtp.starttls()
        if cfg.get("SMTP_USER"):
            smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"] or "")
        _local.smtp, _local.key, _local.used = smtp, key, False
    return _local.smtp


def _close() -> None:
    smtp = getattr(_local, "smtp", None)
    _local.smtp, _local.key, _local.used = None, None, False
    if smtp is not None:
        try:
            smtp.quit()
        except Exception:  # noqa: BLE001 - already gone
            smtp.close()
