"""Configuration read from environment variables (README, "Configuración")."""
from __future__ import annotations

import math
import os
import secrets
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PDT_INSTANCE_DIR", BASE_DIR / "instance"))


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'pdt.sqlite3'}"
    # psycopg 3 is the driver; accept the usual postgres:// spellings.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _development_key(name: str) -> str:
    """A key generated once into instance/ (``secret_key``, ``history_key``) so a local instance keeps its
    sessions and its history seal across restarts; production must give its own."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / name
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "si", "sí", "on"}


class Config:
    ENV_NAME = "development"
    SQLALCHEMY_DATABASE_URI = _database_url()
    # A pooled connection is pinged only after resting in the pool (infra/database/liveness.py), not at every
    # checkout: set "pool_pre_ping": True here to ping at every one.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    DATABASE_PING_AFTER_IDLE_SECONDS = float(os.environ.get("DATABASE_PING_AFTER_IDLE_SECONDS") or 1.0)
    REDIS_URL = os.environ.get("REDIS_URL") or None
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    PORT = int(os.environ.get("PORT", "5000"))
    PDT_TODAY = os.environ.get("PDT_TODAY") or None
    BABEL_DEFAULT_LOCALE = "es_CO"
    BABEL_DEFAULT_TIMEZONE = "America/Bogota"
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or str(INSTANCE_DIR / "uploads")
    # Where new evidence documents are kept: "local" (UPLOAD_DIR, one host) or "postgres" (the database itself,
    # in the act's transaction: any number of web hosts). `flask pdt move-documents` moves existing ones.
    EVIDENCE_STORE = (os.environ.get("EVIDENCE_STORE") or "local").strip().lower()
    # Key of the history rows' HMAC (workflow_app/history.py): kept outside the database. Required in production.
    HISTORY_KEY = os.environ.get("HISTORY_KEY") or None
    # File holding the Ed25519 key that signs the published history checkpoints (`flask pdt checkpoint-key`).
    CHECKPOINT_KEY = os.environ.get("CHECKPOINT_KEY") or None
    MAX_CONTENT_LENGTH = 21 * 1024 * 1024  # 20 MB evidence + form overhead
    # Public address of the service ("https://rutapdt.dnp.gov.co"): every link in e-mails and iCalendar feeds.
    BASE_URL = (os.environ.get("BASE_URL") or "").strip().rstrip("/")
    # Number of reverse-proxy hops in front of the app whose X-Forwarded-* headers are trusted (ProxyFix).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    SMTP_HOST = os.environ.get("SMTP_HOST", "127.0.0.1")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USER = os.environ.get("SMTP_USER") or None
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
    SMTP_STARTTLS = _bool("SMTP_STARTTLS")
    SMTP_FROM = os.environ.get("SMTP_FROM", "Ruta PDT <no-responder@pdt.local>")
    # A folder instead of SMTP: each e-mail is written there as a .eml file (trial instances, `make run`).
    PDT_MAIL_DIR = os.environ.get("PDT_MAIL_DIR") or None

    LOGIN_RATE_LIMIT = int(os.environ.get("LOGIN_RATE_LIMIT", "5"))  # failed attempts per minute per account
    # Failed attempts per minute from one address (an office behind one NAT signs in from one address).
    LOGIN_ADDRESS_RATE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "30"))
    # Length of the fixed window both sign-in limits count in (seconds).
    LOGIN_RATE_WINDOW_SECONDS = int(os.environ.get("LOGIN_RATE_WINDOW_SECONDS", "60"))
    # Password-reset e-mails per hour about one e-mail address (then the same answer, no more e-mails).
    PASSWORD_RESET_RATE_LIMIT = int(os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5"))
    # Password-reset requests per hour from one address (then 429): an alcaldía's officials, or a CTP meeting on
    # onboarding day, ask from the office's one address, each about their own account.
    PASSWORD_RESET_ADDRESS_RATE_LIMIT = int(os.environ.get("PASSWORD_RESET_ADDRESS_RATE_LIMIT", "30"))
    # E-mails one person may have the service send per hour from the pages (invitations, "enviar enlace").
    SENDER_EMAIL_RATE_LIMIT = int(os.environ.get("SENDER_EMAIL_RATE_LIMIT", "20"))
    # Citizens' proposals received from one address in ten minutes, then 429: the citizens at a hearing share the
    # venue's one address (and a mobile carrier's NAT shares one among many phones), so it is not one per person.
    PROPOSAL_RATE_LIMIT = int(os.environ.get("PROPOSAL_RATE_LIMIT", "20"))
    # Sends of the proposal form from one address in ten minutes, received or not (a too-short text, a closed
    # hearing): each builds the entity's page again, so a flood of them is bounded too.
    PROPOSAL_ATTEMPT_LIMIT = int(os.environ.get("PROPOSAL_ATTEMPT_LIMIT", "60"))
    # Days a browser that signed in stays known: its right password passes a per-account lock-out.
    KNOWN_DEVICE_DAYS = int(os.environ.get("KNOWN_DEVICE_DAYS", "180"))
    # A session unused for this long ends on the server (every host sees the same session store).
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", str(8 * 60)))
    # How long an invitation or a password-reset link stays valid.
    INVITATION_HOURS = int(os.environ.get("INVITATION_HOURS", str(7 * 24)))
    PASSWORD_RESET_MINUTES = int(os.environ.get("PASSWORD_RESET_MINUTES", "60"))
    PASSWORD_MIN_LENGTH = int(os.environ.get("PASSWORD_MIN_LENGTH", "12"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a volunteer may take an afternoon to fill a concept form
    # WTForms' own messages («This field is required», «Not a valid choice») in Spanish, from the catalogue that
    # ships with WTForms (forms/__init__.py sets the locale); Flask-WTF's i18n would need Flask-Babel.
    WTF_I18N_ENABLED = False

    @classmethod
    def finalize(cls, settings: dict) -> None:
        if not settings.get("SECRET_KEY"):
            settings["SECRET_KEY"] = _development_key("secret_key")
        if not settings.get("HISTORY_KEY"):
            settings["HISTORY_KEY"] = _development_key("history_key")
        _check_evidence_store(settings)


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)

    @classmethod
    def finalize(cls, settings: dict) -> None:
        if not settings.get("SECRET_KEY"):
            raise RuntimeError(
                "SECRET_KEY no está definida: en producción el servicio no arranca sin ella."
            )
        if settings.get("PDT_TODAY"):
            raise RuntimeError(
                "PDT_TODAY está definida con PDT_ENV=production: la fecha simulada solo existe en la instancia de "
                "capacitación; en producción los actos llevan la fecha real de Bogotá. Quite PDT_TODAY."
            )
        _check_secret_key(settings["SECRET_KEY"])
        base_url = settings.get("BASE_URL") or ""
        if not base_url.startswith(("https://", "http://")):
            raise RuntimeError(
                "BASE_URL no está definida (o no empieza por https://): en producción el servicio no arranca sin "
                "la dirección pública con la que se arman los enlaces de los correos y los calendarios, por "
                "ejemplo BASE_URL=https://rutapdt.dnp.gov.co."
            )
        parts = urlsplit(base_url)
        if not parts.hostname or (parts.scheme != "https" and parts.hostname not in LOOPBACK_HOSTS):
            raise RuntimeError(
                f"BASE_URL={base_url} no usa https://: en producción los enlaces de los correos (invitaciones, "
                "restablecimiento de contraseña) y los calendarios llevan secretos y no viajan sin cifrar. Use la "
                "dirección pública con https://, por ejemplo BASE_URL=https://rutapdt.dnp.gov.co."
            )
        if not settings.get("HISTORY_KEY") or len(settings["HISTORY_KEY"]) < 32:
            raise RuntimeError(
                "HISTORY_KEY no está definida (o tiene menos de 32 caracteres): en producción el servicio no "
                "arranca sin la clave del historial, que se guarda fuera de la base de datos."
            )
        _check_evidence_store(settings)


# A loopback address reaches no one else: a smoke test of the production settings on one machine may use it.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SECRET_KEY_MIN_LENGTH = 32
SECRET_KEY_MIN_BITS = 80  # estimated from the key's own character frequencies (64 random hex digits: ~250)


def _estimated_bits(key: str) -> float:
    """Shannon entropy of the key's characters times its length: 'a' * 40 is 0, 64 random hex digits ~250."""
    counts = Counter(key)
    return -sum(n * math.log2(n / len(key)) for n in counts.values())


def _is_repetition(key: str) -> bool:
    """'abcdefgh' * 4 has varied characters but one short pattern."""
    return any(key == (key[:period] * (len(key) // period + 1))[:len(key)] for period in range(1, 17))


def _check_secret_key(key: str) -> None:
    if len(key) < SECRET_KEY_MIN_LENGTH or _estimated_bits(key) < SECRET_KEY_MIN_BITS or _is_repetition(key):
        raise RuntimeError(
            f"SECRET_KEY es demasiado corta o predecible (se piden al menos {SECRET_KEY_MIN_LENGTH} caracteres "
            "variados): firma las sesiones y los formularios, y quien la adivine entra como cualquier persona. "
            "Genere una con: python -c 'import secrets; print(secrets.token_hex(32))'."
        )


def _check_evidence_store(settings: dict) -> None:
    if settings.get("EVIDENCE_STORE") not in ("local", "postgres"):
        raise RuntimeError("EVIDENCE_STORE debe ser 'local' o 'postgres'.")


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    HISTORY_KEY = "test-history-key-not-for-production-0123456789"
    # Tests that count failures up to a limit must not straddle two fixed windows (a CI run failed so with one
    # minute, and a run at 08:00 UTC with one hour): the windows start at multiples of the length since 1970, so
    # 2**31 s puts the next boundary in January 2038.
    LOGIN_RATE_WINDOW_SECONDS = 2**31


CONFIGS = {"development": Config, "production": ProductionConfig, "test": TestConfig}


def config_for(name: str | None) -> type[Config]:
    """Exactly one of the known names: "prod" or "Production " must not start a development server with a
    generated key, insecure cookies and a simulated date."""
    name = name or os.environ.get("PDT_ENV") or "development"
    if name not in CONFIGS:
        raise RuntimeError(
            f"PDT_ENV={name!r} no es un entorno conocido: escriba exactamente development, production o test "
            "(en minúsculas y sin espacios)."
        )
    return CONFIGS[name]
