"""Every error is a Spanish page (or JSON under /api/), never a stack trace."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from workflow_app.infra.extensions import db
from workflow_app.infra.kept_input import files_sent, page_sent_from, sent_from_here, typed_fields

MESSAGES = {
    400: ("Solicitud no válida", "La solicitud no se pudo procesar. Vuelva a la página anterior e intente de nuevo."),
    401: ("Sesión requerida", "Inicie sesión para continuar."),
    403: ("Acceso no permitido", "Su cuenta no tiene permiso para esta acción o este plan."),
    404: ("Página no encontrada", "La página que busca no existe o no está disponible para su cuenta."),
    405: ("Método no permitido", "Esta dirección no admite esa operación."),
    409: ("Conflicto", "La acción no se puede realizar en el estado actual del plan."),
    # Any body over MAX_CONTENT_LENGTH, a form without a file too: not «el archivo» (QA, trust lens, December 2026).
    413: ("Envío demasiado grande", "Lo enviado supera el tamaño máximo que el servicio recibe en un envío (20 MB). "
                                    "Si adjuntó un archivo, use uno más pequeño: cada formulario dice junto al campo "
                                    "el tamaño que admite."),
    422: ("Datos no válidos", "Revise los datos enviados."),
    429: ("Demasiados intentos", "Hizo demasiados intentos en poco tiempo. Espere un minuto e intente de nuevo."),
    500: ("Error interno", "Ocurrió un error inesperado. Nada de lo que envió se guardó a medias; intente de nuevo."),
    503: ("Servicio no disponible", "El servicio está temporalmente no disponible. Intente de nuevo en unos segundos."),
}


def render_error(status: int, detail: str | None = None, keep_typed: bool = False):
    """``keep_typed``: the answer to a form that was not taken shows what the person typed (``kept_input``)."""
    title, message = MESSAGES.get(status, MESSAGES[500])
    if request.path.startswith("/api/"):
        return jsonify({"error": {"status": status, "message": detail or message}}), status
    typed = {}
    if keep_typed and request.method == "POST" and sent_from_here():
        typed = {"typed": typed_fields(request.form), "files_sent": files_sent(request.files),
                 "form_page": page_sent_from()}
    return render_template("error.html", status=status, title=title, message=detail or message, **typed), status


def init_app(app: Flask) -> None:
    @app.teardown_appcontext
    def remove_session_safely(exc):
        """Runs before Flask-SQLAlchemy's own teardown (registered earlier; teardowns run in reverse). Removing
        the session rolls back its connection: if the database just died, that must not turn the answer
        already built (a clean 503 or a 200) into a 500."""
        try:
            db.session.remove()
        except Exception as error:  # noqa: BLE001 - the pool discards the dead connection
            app.logger.warning("Conexión a la base de datos perdida al cerrar la solicitud: %s", error)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(
            400,
            "El formulario venció o no trae su código de seguridad (CSRF). Recargue la página e intente de nuevo.",
            keep_typed=True,
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        # Our own abort(…, description=Spanish text) is shown; Werkzeug's English defaults are not.
        detail = exc.description if exc.description != type(exc).description else None
        # Too many sends, or a form the service can no longer take (a hearing closed while a citizen wrote their
        # proposal): what the person wrote is shown back, to send it again later or elsewhere.
        return render_error(exc.code or 500, detail, keep_typed=exc.code in (409, 429))

    @app.errorhandler(DataError)
    def out_of_range(exc):
        db.session.rollback()
        return render_error(400, "Un dato enviado está fuera del rango permitido. Revise los valores e intente de nuevo.")

    # All of these mean "the database is not answering right now": a clean 503, never a 500.
    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(DisconnectionError)
    @app.errorhandler(PoolTimeout)
    def database_down(exc):
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the connection is already gone; the pool discards it
            db.session.remove()
        app.logger.error("Base de datos no disponible: %s", exc)
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected(exc):
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - never let the error page itself fail
            db.session.remove()
        app.logger.exception("Error no controlado")
        return render_error(500)
