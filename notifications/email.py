"""The e-mail channel: plain text + HTML over SMTP, with a Message-ID derived from the delivery key."""
from __future__ import annotations

import hashlib
import os
import smtplib
import threading
from datetime import datetime
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, parseaddr
from pathlib import Path

from flask import current_app, has_app_context

from workflow_app.infra.clock import BOGOTA


def message_id(delivery_key: str) -> str:
    """Stable per delivery, on the sender's own domain (``SMTP_FROM``), as RFC 5322 asks: a bare «@ruta-pdt» is no
    domain, which some spam filters count against the mail (QA, 7 December 2026)."""
    digest = hashlib.sha256(delivery_key.encode()).hexdigest()[:32]
    sender = parseaddr(current_app.config.get("SMTP_FROM") or "")[1] if has_app_context() else ""
    domain = sender.rpartition("@")[2] if "@" in sender else "ruta-pdt.invalid"
    return f"<{digest}@{domain}>"


def build_email(recipient: str, subject: str, text: str, html: str, delivery_key: str) -> Message:
    """multipart/alternative (plain text first, then HTML), UTF-8, quoted-printable bodies.

    Built with the ``email.mime`` classes (compat32 policy) rather than ``EmailMessage``: the same message for
    any reader, at about a third of the CPU (the modern header registry parses every header it is given, which
    was the largest cost of a delivery in bench/notifications.py)."""
    msg = MIMEMultipart("alternative")
    msg["From"] = current_app.config["SMTP_FROM"]
    msg["To"] = recipient
    msg["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")
    msg["Date"] = format_datetime(datetime.now(BOGOTA))  # the house's time, its offset said (-0500)
    # Stable per delivery: a mail server or the reader's client can drop a repeated copy.
    msg["Message-ID"] = message_id(delivery_key)
    msg["Content-Language"] = "es-CO"
    msg.attach(MIMEText(text, "plain", _UTF8_QP))
    msg.attach(MIMEText(html, "html", _UTF8_QP))
    return msg


_local = threading.local()  # one SMTP session per worker thread, reused from message to message


_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP  # readable in any client's "view source", and 7-bit safe for every relay


def send(msg: Message) -> None:
    """Send over this thread's open SMTP session (opened on first use). A session the server closed while idle
    fails before MAIL FROM, so it is reopened and the message sent once on the new one.

    With ``PDT_MAIL_DIR`` set (``make run`` sets it when no SMTP server is configured) the message is written
    there as ``<Message-ID>.eml`` instead: a trial instance's e-mails can be opened with any mail client, and a
    message sent twice overwrites its own file."""
    cfg = current_app.config
    if cfg.get("PDT_MAIL_DIR"):
        _write_eml(Path(cfg["PDT_MAIL_DIR"]), msg)
        return
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


def _write_eml(folder: Path, msg: Message) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = msg["Message-ID"].strip("<>").split("@")[0] + ".eml"
    tmp = folder / f".{name}.{threading.get_ident()}.tmp"
    tmp.write_bytes(msg.as_bytes())
    os.replace(tmp, folder / name)  # whole files only: a reader never sees half a message


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
