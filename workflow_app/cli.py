"""`flask --app wsgi pdt …`: operations and training commands."""
from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from notifications import cli as notifications_cli
from state_machines import calendar as legal_calendar
from state_machines.diagram import mermaid
from workflow_app.history import verify
from workflow_app.infra.extensions import db
from workflow_app.services import accounts, cycle
from workflow_app.services.demo import ensure_demo_data
from workflow_app.services.plans import machine_named
from workflow_app.services.reference import load_reference

pdt_cli = AppGroup("pdt", help="Comandos de la Ruta PDT.")


@pdt_cli.command("load-reference")
def load_reference_command():
    """Carga DIVIPOLA, autoridades ambientales, regiones y períodos (idempotente)."""
    counts = load_reference()
    click.echo(f"Datos de referencia cargados: {counts.as_text()}.")


@pdt_cli.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Imprime las cuentas como JSON.")
def demo_command(as_json: bool):
    """Crea (idempotente) las cuentas y planes de demostración y capacitación."""
    if current_app.config.get("ENV_NAME") == "production":
        click.echo("pdt demo no corre con PDT_ENV=production: crearía cuentas con contraseñas conocidas y planes "
                   "ficticios. Use la instancia de capacitación (make run).", err=True)
        sys.exit(1)
    demo_accounts = ensure_demo_data()
    if as_json:
        click.echo(json.dumps([a.public() for a in demo_accounts], ensure_ascii=False, indent=2))
        return
    click.echo("Cuentas de demostración (solo para capacitación):")
    for a in demo_accounts:
        click.echo(f"  {a.role:<12} {a.email:<38} {a.password}")


@pdt_cli.command("create-admin")
@click.option("--email", required=True, help="Correo del primer administrador.")
@click.option("--name", required=True, help="Nombre completo.")
def create_admin_command(email: str, name: str):
    """Crea el primer administrador y le envía (e imprime) un enlace de un solo uso para elegir su contraseña."""
    try:
        token = accounts.create_first_admin(db.session, email, name)
    except accounts.AccountError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    click.echo(f"Administrador creado: {token.user.email}. Se le envió un correo con el enlace para elegir su "
               "contraseña (sirve una vez). El mismo enlace, por si el correo aún no está configurado:")
    click.echo(accounts.token_link(token))


@pdt_cli.command("open-period")
@click.argument("year", type=int)
def open_period_command(year: int):
    """Crea (idempotente) el plan de cada entidad para el período que empieza el 1 de enero de YEAR."""
    def progress(done: int, total: int, created: int) -> None:
        click.echo(f"\r  {done}/{total} entidades revisadas, {created} planes creados", nl=done >= total)

    try:
        result = cycle.open_period(db.session, year, progress)
    except cycle.CycleError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    click.echo(result.as_text())


@pdt_cli.command("calendar")
@click.option("--facts", "facts_file", required=True, type=click.File("r", encoding="utf-8"),
              help="Archivo JSON con los hechos del plan ('-' para la entrada estándar).")
def calendar_command(facts_file):
    """Calcula el calendario legal de un plan (calendar-contract.md)."""
    try:
        data = json.load(facts_file)
        result = legal_calendar.calendar_json(data)
    except json.JSONDecodeError as exc:
        error = legal_calendar.FactsError("", f"El archivo no es JSON válido (línea {exc.lineno}).")
        click.echo(json.dumps(error.to_json(), ensure_ascii=False))
        sys.exit(2)
    except legal_calendar.FactsError as exc:
        click.echo(json.dumps(exc.to_json(), ensure_ascii=False))
        sys.exit(2)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@pdt_cli.command("verify-history")
def verify_history_command():
    """Verifica la cadena de integridad del historial de todos los planes."""
    checked, findings = verify(db.session)
    for f in findings:
        where = f"fila {f.event_id}" if f.event_id else "final del historial"
        click.echo(f"Plan {f.plan_id}, {where}: {f.problem}.")
    if findings:
        click.echo(f"Historial ALTERADO: {len(findings)} hallazgo(s) en {checked} filas revisadas.")
        sys.exit(1)
    click.echo(f"Historial íntegro: {checked} filas revisadas, ninguna alterada ni borrada.")


@pdt_cli.command("diagram")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="docs/ruta-pdt.mmd", show_default=True,
              help="Archivo Mermaid de salida ('-' para la salida estándar).")
@click.option("--machine", default="pdt_approval", show_default=True,
              help="Máquina: pdt_approval, car_review, ctp_review, amendment, hearing, ctp_formation.")
def diagram_command(output, machine):
    """Escribe el diagrama de la ruta, generado de la misma tabla de transiciones."""
    from pathlib import Path

    try:
        text = mermaid(machine_named(machine), show_roles=True)
    except KeyError:
        raise click.BadParameter(f"máquina desconocida: {machine}", param_hint="--machine") from None
    if output == "-":
        click.echo(text, nl=False)
        return
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(text, encoding="utf-8")
    click.echo(f"Diagrama escrito en {output}.")


notifications_cli.register(pdt_cli)  # pdt sweep, pdt digest
