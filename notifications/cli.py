"""`flask --app wsgi pdt sweep|digest`: run the background work once by hand (operations, training mode)."""
from __future__ import annotations

from datetime import date

import click
from flask import current_app

from notifications.digest import send_digests
from notifications.sweep import run_sweep
from workflow_app.infra.jobs import EmbeddedRunner


def _day(value: str | None) -> date:
    if not value:
        return current_app.extensions["clock"].today()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"«{value}» no es una fecha AAAA-MM-DD", param_hint="--today/--day") from None
    if current_app.config.get("ENV_NAME") == "production" and day > current_app.extensions["clock"].today():
        # Production acts carry the real Bogotá date: a future day would apply legal effects before their time.
        raise click.BadParameter("en producción no se usa una fecha futura (los efectos legales se aplicarían antes "
                                 "de tiempo)", param_hint="--today/--day")
    return day


def register(group: click.Group) -> None:
    @group.command("sweep")
    @click.option("--today", "today", default=None, help="Fecha AAAA-MM-DD (por defecto hoy en Bogotá o PDT_TODAY).")
    def sweep_command(today: str | None):
        """Envía los recordatorios debidos y aplica los efectos legales automáticos (una pasada)."""
        day = _day(today)
        report = run_sweep(day)
        click.echo(f"Barrido del {day.isoformat()}:")
        click.echo(report.as_text())
        _wait_for_embedded_jobs()

    @group.command("digest")
    @click.option("--day", "day", default=None, help="Fecha AAAA-MM-DD (por defecto hoy en Bogotá o PDT_TODAY).")
    def digest_command(day: str | None):
        """Agrupa los avisos no urgentes de cada persona en su resumen diario y lo envía."""
        report = send_digests(_day(day))
        click.echo(report.as_text())
        _wait_for_embedded_jobs()


def _wait_for_embedded_jobs() -> None:
    """Without Redis the deliveries run in this process's thread: let them finish before exiting."""
    jobs = current_app.extensions["job_runner"]
    if isinstance(jobs, EmbeddedRunner):
        jobs.join()
