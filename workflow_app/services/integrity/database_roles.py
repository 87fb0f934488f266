"""The database role the service runs as cannot rewrite the record.

Two PostgreSQL roles (README, "Producción"): the migration owner owns every table and runs ``flask db upgrade``
(``MIGRATION_DATABASE_URL``); the runtime role of ``DATABASE_URL`` owns nothing. Only an owner (or a superuser)
may TRUNCATE without the privilege, run DDL, or disable or drop a trigger, so the runtime role cannot switch off
the append-only triggers of the history, the access log, the people log, the anchored heads and the checkpoints;
it is given SELECT and INSERT on those, and SELECT, INSERT, UPDATE and DELETE on the working tables.
``grant_runtime_role`` (``flask pdt grant-runtime-role``) sets those privileges, run by the owner after each
migration; ``runtime_role_problems`` says what is wrong with the role the service is connected as.

PostgreSQL only: the trial instance (SQLite, ``make run``) has no roles, and both functions say so.
"""
from __future__ import annotations

import os
import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

#: The record: rows are never changed or deleted (triggers), and the runtime role is not even granted to.
APPEND_ONLY_TABLES = ("plan_events", "access_log", "history_checkpoints", "history_anchors", "history_heads",
                      "people_log")
READ_ONLY_TABLES = ("alembic_version",)
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def migration_database_url() -> str | None:
    """``MIGRATION_DATABASE_URL`` (the tables' owner, for ``flask db upgrade`` and ``pdt grant-runtime-role``),
    with the usual ``postgres://`` spellings mapped to psycopg 3; None when unset (one role, as in development)."""
    url = os.environ.get("MIGRATION_DATABASE_URL", "").strip()
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class RoleError(Exception):
    """``message`` is Spanish and shown as is."""


def _tables(connection: Connection) -> list[str]:
    return list(connection.scalars(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")))


def grant_runtime_role(connection: Connection, role: str) -> int:
    """Give ``role`` exactly what the service needs, on every table of the schema (run as the tables' owner).
    Returns the number of tables. Raises ``RoleError``."""
    if connection.dialect.name != "postgresql":
        raise RoleError("Solo en PostgreSQL: la instancia de prueba (SQLite) no tiene roles.")
    if not ROLE_NAME.match(role):
        raise RoleError("Nombre de rol no válido: use minúsculas, dígitos y guion bajo (por ejemplo pdt_app).")
    if not connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}):
        raise RoleError(f"El rol {role} no existe: créelo primero (README, «Producción»).")
    if connection.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"), {"r": role}):
        raise RoleError(f"El rol {role} es superusuario: podría desactivar los disparadores. Use un rol común.")
    tables = _tables(connection)
    if role in {connection.scalar(text("SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND "
                                       "tablename = :t"), {"t": t}) for t in tables}:
        raise RoleError(f"El rol {role} es dueño de tablas: el dueño puede vaciarlas y desactivar sus disparadores. "
                        "Las migraciones corren con otro rol (MIGRATION_DATABASE_URL).")
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
    connection.execute(text(f"REVOKE CREATE ON SCHEMA public FROM {role}"))
    for table in tables:
        connection.execute(text(f'REVOKE ALL ON TABLE "{table}" FROM {role}'))
        if table in APPEND_ONLY_TABLES:
            privileges = "SELECT, INSERT"
        elif table in READ_ONLY_TABLES:
            privileges = "SELECT"
        else:
            privileges = "SELECT, INSERT, UPDATE, DELETE"
        connection.execute(text(f'GRANT {privileges} ON TABLE "{table}" TO {role}'))
    connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"))
    return len(tables)


def runtime_role_problems(connection: Connection) -> list[str]:
    """What lets the connected role rewrite the record (Spanish), empty when nothing does."""
    if connection.dialect.name != "postgresql":
        return []
    problems = []
    if connection.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
        problems.append("el servicio se conecta como superusuario")
    owned = list(connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND "
                                         "tableowner = current_user ORDER BY tablename")))
    if owned:
        problems.append(f"el rol del servicio es dueño de {len(owned)} tabla(s) ({', '.join(owned[:4])}…): puede "
                        "vaciarlas y desactivar sus disparadores")
    truncatable = [t for t in APPEND_ONLY_TABLES if connection.scalar(text(
        "SELECT has_table_privilege(current_user, :t, 'TRUNCATE') OR has_table_privilege(current_user, :t, "
        "'TRIGGER')"), {"t": t})] if not owned else []
    if truncatable:
        problems.append(f"el rol del servicio tiene TRUNCATE o TRIGGER sobre {', '.join(truncatable)}")
    return problems
