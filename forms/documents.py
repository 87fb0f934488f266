"""The correction of an evidence document: the new PDF and why (CPACA art. 45)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from workflow_app.services.route.documents import Upload


class CorrectionForm(FlaskForm):
    evidence = FileField("Versión corregida (PDF, máximo 20 MB)")
    reason = TextAreaField("Qué error formal corrige", validators=[
        DataRequired("Explique qué error formal corrige la nueva versión."), Length(max=2000)])

    def upload(self) -> Upload | None:
        data = self.evidence.data
        return Upload(data.filename or "", data.stream) if data and getattr(data, "filename", "") else None
