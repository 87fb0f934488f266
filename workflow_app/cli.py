"""`flask --app wsgi pdt …`: operations and training commands."""
from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import create_engine

from notifications import cli as notifications_cli
from state_machines import calendar as legal_calendar
from state_machines.core.diagram import mermaid
from workflow_app.history import AlreadySealed, seal_legacy, verify
from workflow_app.infra.extensions import db
from workflow_app.infra.jobs import EmbeddedRunner
from workflow_app.services.cycle import cycle
from workflow_app.services.cycle.demo import ensure_demo_data
from workflow_app.services.cycle.reference import load_reference
from workflow_app.services.followup import cuts as seta_cuts
from workflow_app.services.followup import survey
from workflow_app.services.integrity import checkpoints, database_roles
from workflow_app.services.monitoring import board_summary
from workflow_app.services.people import accounts
from workflow_app.services.route.documents import move_documents
from workflow_app.services.route.plans import machine_named

pdt_cli = AppGroup("pdt", help="Comandos de la Ruta PDT.")


@pdt_cli.result_callback()
def _finish_jobs(*_args, **_kwargs) -> None:
    """Without Redis the jobs a command queued (an e-mail: the first administrator's link) run in this process's
    own worker thread, which would die with the command: wait for them, so the mail really leaves (QA, 7 December
    2026: «Se le envió un correo» and the delivery stayed pending until a sweep). With Redis, RQ's workers send."""
    runner = current_app.extensions.get("job_runner")
    if isinstance(runner, EmbeddedRunner):
        runner.join()


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
    role_width = max((len(a.role) for a in demo_accounts), default=0)
    email_width = max((len(a.email) for a in demo_accounts), default=0)
    for a in demo_accounts:  # columns as wide as their longest entry ("consejo_de_gobierno")
        click.echo(f"  {a.role:<{role_width}}  {a.email:<{email_width}}  {a.password}")


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
@click.option("--checkpoint", "checkpoint_file", type=click.Path(exists=True, dir_okay=False),
              help="Punto de control descargado del portal: verifica su firma y que el historial aún lo contenga.")
@click.option("--public-key", "public_key_file", type=click.Path(exists=True, dir_okay=False),
              help="Clave pública publicada (PEM) con la que debe estar firmado el punto de control.")
def verify_history_command(checkpoint_file, public_key_file):
    """Verifica la cadena del historial, sus sellos con clave y, si se da, un punto de control firmado."""
    heads = None
    if checkpoint_file:
        try:
            trusted = _trusted_keys(public_key_file)
            checked = checkpoints.read_checkpoint_file(Path(checkpoint_file).read_bytes(), trusted)
        except checkpoints.CheckpointError as exc:
            click.echo(f"Punto de control NO VÁLIDO: {exc.args[0]}")
            sys.exit(1)
        heads = checked.heads
        click.echo(f"Punto de control del {checked.created_at}: firma válida ({len(heads)} planes, clave "
                   f"{checked.key_id[:16]}…).")
        if not checked.trusted:
            click.echo("Atención: no se dio --public-key ni hay CHECKPOINT_KEY en esta instancia; compare la huella "
                       f"{checked.key_id} con la publicada en el portal.")
    checked_rows, findings = verify(db.session, current_app.config.get("HISTORY_KEY"), heads)
    for f in findings:
        where = f"fila {f.event_id}" if f.event_id else "final del historial"
        click.echo(f"Plan {f.plan_id}, {where}: {f.problem}.")
    if findings:
        click.echo(f"Historial ALTERADO: {len(findings)} hallazgo(s) en {checked_rows} filas revisadas.")
        sys.exit(1)
    click.echo(f"Historial íntegro: {checked_rows} filas revisadas, ninguna alterada ni borrada"
               + (", y contiene cada acto firmado en el punto de control." if heads is not None else "."))


def _trusted_keys(public_key_file) -> list:
    if public_key_file:
        return [checkpoints.load_public_key(Path(public_key_file).read_bytes())]
    if current_app.config.get("CHECKPOINT_KEY"):
        return [checkpoints.signing_key().public_key()]
    return []


@pdt_cli.command("seal-history")
def seal_history_command():
    """Sella una sola vez, con HISTORY_KEY, las filas escritas antes de que existiera la clave."""
    try:
        anchored = seal_legacy(db.session, current_app.config["HISTORY_KEY"], datetime.now(timezone.utc))
    except AlreadySealed as exc:
        click.echo(exc.args[0])
        sys.exit(1)
    click.echo(f"Historial anterior a la clave sellado: {anchored} plan(es) anclado(s).")


@pdt_cli.command("grant-runtime-role")
@click.argument("role")
def grant_runtime_role_command(role):
    """Da al rol del servicio (DATABASE_URL) solo lo que necesita; se corre como dueño, tras cada migración."""
    url = database_roles.migration_database_url()
    engine = create_engine(url) if url else db.engine
    try:
        with engine.begin() as connection:
            count = database_roles.grant_runtime_role(connection, role)
    except database_roles.RoleError as exc:
        click.echo(exc.args[0])
        sys.exit(1)
    click.echo(f"Rol {role}: lectura y escritura en las tablas de trabajo, solo lectura y adición en las del "
               f"registro; sin TRUNCATE, DDL ni control de disparadores ({count} tablas).")


@pdt_cli.command("database-role")
def database_role_command():
    """Dice si el rol con que corre el servicio podría reescribir el registro (dueño, superusuario, TRUNCATE)."""
    with db.engine.connect() as connection:
        problems = database_roles.runtime_role_problems(connection)
    for problem in problems:
        click.echo(f"Problema: {problem}.")
    if problems:
        click.echo("Cree un rol dueño para las migraciones y otro para el servicio (README, «Producción»).")
        sys.exit(1)
    click.echo("El rol del servicio no puede vaciar las tablas del registro ni desactivar sus disparadores.")


@pdt_cli.command("checkpoint-key")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="instance/checkpoint_key.pem",
              show_default=True, help="Archivo de la clave privada (se crea con permisos 0600; nunca se sobrescribe).")
def checkpoint_key_command(output):
    """Crea la clave Ed25519 que firma los puntos de control (y su mitad pública, ARCHIVO.pub)."""
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    try:
        private, public, fingerprint = checkpoints.create_key_file(output)
    except checkpoints.CheckpointError as exc:
        click.echo(exc.args[0])
        sys.exit(1)
    click.echo(f"Clave privada: {private} (guárdela fuera de la base de datos y de las copias de esta).")
    click.echo(f"Clave pública: {public} · huella {fingerprint}")
    click.echo(f"Defina CHECKPOINT_KEY={private} en el entorno del servicio y publique la huella.")


@pdt_cli.command("checkpoint")
def checkpoint_command():
    """Publica ahora un punto de control firmado con la cabeza del historial de cada plan."""
    try:
        published = checkpoints.publish_checkpoint(db.session)
    except checkpoints.CheckpointError as exc:
        click.echo(exc.args[0])
        sys.exit(1)
    click.echo(f"Punto de control {published.id} publicado: {published.plans} planes, {published.events} actos, "
               f"clave {published.key_id[:16]}….")


@pdt_cli.command("move-documents")
@click.option("--to", "target", type=click.Choice(["local", "postgres"]), required=True,
              help="Almacén de destino: carpeta local (UPLOAD_DIR) o la base de datos.")
def move_documents_command(target):
    """Mueve los PDF de evidencia de un almacén al otro, uno por uno, verificando su SHA-256."""
    report = move_documents(db.session, target)
    click.echo(f"Documentos movidos a «{target}»: {report.moved}; ya estaban allí: {report.already}.")
    if report.missing:
        click.echo(f"Sin copia legible o con huella distinta (no se movieron): {', '.join(report.missing)}")
        sys.exit(1)


@pdt_cli.command("refresh-summaries")
@click.option("--stale", is_flag=True, help="Solo las filas que faltan o son anteriores al último cambio del plan.")
def refresh_summaries_command(stale):
    """Reconstruye desde el historial las filas de resumen del tablero (una por plan)."""
    count = board_summary.refresh_stale(db.session) if stale else board_summary.refresh(db.session)
    db.session.commit()
    click.echo(f"Resúmenes del tablero reconstruidos: {count} plan(es).")


@pdt_cli.command("diagram")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="docs/ruta-pdt.mmd", show_default=True,
              help="Archivo Mermaid de salida ('-' para la salida estándar).")
@click.option("--machine", default="pdt_approval", show_default=True,
              help="Máquina: pdt_approval, car_review, ctp_review, amendment, hearing, ctp_formation.")
def diagram_command(output, machine):
    """Escribe el diagrama de la ruta, generado de la misma tabla de transiciones."""
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


@pdt_cli.command("corte-seta")
@click.option("--day", "day", default=None, help="Fecha del corte (AAAA-MM-DD); por omisión, hoy en Bogotá.")
def seta_cut_command(day):
    """Toma ahora un corte SETA: el avance en hitos de cada plan, guardado para compararlo con otros cortes."""
    from_clock = day is None
    try:
        on = current_app.extensions["clock"].today() if from_clock else datetime.strptime(day, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"{day!r} no es una fecha AAAA-MM-DD.", param_hint="--day") from None
    kind = "scheduled" if seta_cuts.is_cut_day(on) else "manual"
    try:
        cut = seta_cuts.take_cut(db.session, on, kind)
    except seta_cuts.CutError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{seta_cuts.cut_label(cut)}: {len(cut.rows)} planes guardados.")


@pdt_cli.command("encuesta-mensual")
def monthly_survey_command():
    """Avisa ya (en la aplicación y por correo) la encuesta del mes a las entidades que aún no la reciben."""
    told = survey.send_monthly_survey(db.session, current_app.extensions["clock"].today())
    click.echo(f"Encuesta mensual: {told} personas avisadas.")
