"""Help: "¿Qué me toca?" for each role, and the glossary every page links its terms to.

What each role records and which terms it owes are read from the legal tables (``state_machines``), so the help
says what the service really asks; the sentence that introduces each role is written here.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template
from flask_login import current_user

from state_machines.approval.pdt import PDT_MACHINE
from state_machines.approval.route import DUTIES
from state_machines.approval.submachines import SUBMACHINES
from state_machines.core.roles import ROLE_LABELS, Role
from state_machines.phase2 import PHASE2_DUTIES, PHASE2_MACHINES
from workflow_app.web.help.glossary import TERMS

bp = Blueprint("help", __name__, url_prefix="/ayuda", template_folder="templates")

CITIZEN = "ciudadania"
INTRO: dict[str, str] = {
    Role.EJECUTIVO.value: "Usted firma los actos legales del plan: lo presenta al Consejo de Gobierno, al CTP y a la "
                          "autoridad ambiental, lo radica en el concejo o la asamblea, acepta o no sus "
                          "modificaciones, lo sanciona o lo objeta, y lo publica.",
    Role.PLANEACION.value: "Usted lidera el equipo formulador: registra los actos que la ley deja a la alcaldía o "
                           "gobernación junto con el ejecutivo, sube los documentos, lleva el plan de inversiones, "
                           "programa las audiencias públicas y modera las propuestas ciudadanas.",
    Role.EQUIPO.value: "Usted apoya la formulación: consulta el plan, su calendario y su historial, y marca los hitos "
                       "manuales con una nota de evidencia. Los actos legales los registran el ejecutivo y la "
                       "secretaría de planeación.",
    Role.CTP.value: "Usted emite el concepto del Consejo Territorial de Planeación sobre el proyecto. Si no lo "
                    "entrega dentro del mes siguiente a la presentación, el requisito se da por surtido y la ruta "
                    "sigue sin él.",
    Role.CAR.value: "Usted emite el concepto técnico de la autoridad ambiental sobre el proyecto, en 15 días hábiles "
                    "desde que recibe la copia, para cada municipio de su jurisdicción.",
    Role.CORPORACION.value: "Usted registra lo que pasa en el concejo o la asamblea una vez radicado el proyecto: el "
                            "reparto a la comisión, los debates, las modificaciones propuestas y la decisión, "
                            "dentro del mes que da la ley.",
    Role.HACIENDA.value: "Usted lleva la parte financiera de la Fase II, con el plan ya vigente: inicia la "
                         "armonización del presupuesto con el nuevo plan y elabora cada año el anteproyecto de "
                         "presupuesto con el Marco Fiscal de Mediano Plazo, que el alcalde o gobernador radica.",
    Role.CONSEJO_DE_GOBIERNO.value: "Usted registra las decisiones del Consejo de Gobierno en la Fase II: aprueba "
                                    "el Plan Indicativo (o lo devuelve con observaciones), el POAI de cada año y "
                                    "los planes de acción de las dependencias.",
    Role.ASESOR.value: "Usted acompaña a las entidades asignadas: sigue sus planes en el tablero, ve qué pasos "
                      "vencen y marca o revisa los hitos manuales del DNP. En Monitoreo 360 diligencia la Lista "
                      "de Chequeo de cada plan y envía su informe mensual de actividades antes del día 10.",
    Role.COORDINADOR.value: "Usted coordina a los asesores de su región y acompaña a sus gobernaciones: califica cada "
                            "mes el informe de actividades de sus asesores, sigue la encuesta mensual y los cortes "
                            "SETA de la región y ve el ranking con todos sus componentes (Monitoreo 360).",
    Role.ADMIN.value: "Usted administra el servicio: cuentas y funciones, días no laborables de cada entidad, "
                      "nombres y pesos de los hitos, y entregas de correo fallidas. No registra actos legales.",
    CITIZEN: "Usted puede consultar, sin registrarse, en qué paso va el plan de su municipio o departamento, sus "
             "plazos y documentos públicos, y enviar propuestas a las audiencias públicas del plan de inversiones.",
}
PLACES: dict[str, tuple[tuple[str, str], ...]] = {
    Role.EJECUTIVO.value: (("views.inbox", "Mis pendientes"), ("account.calendar", "Mi calendario")),
    Role.PLANEACION.value: (("views.inbox", "Mis pendientes"), ("account.calendar", "Mi calendario"),
                            ("board.index", "Tablero")),
    Role.EQUIPO.value: (("views.inbox", "Planes que sigue"), ("board.index", "Tablero")),
    Role.CTP.value: (("views.inbox", "Mis pendientes"), ("account.calendar", "Mi calendario")),
    Role.CAR.value: (("views.inbox", "Mis pendientes"), ("account.calendar", "Mi calendario"),
                     ("board.index", "Tablero")),
    Role.CORPORACION.value: (("views.inbox", "Mis pendientes"), ("account.calendar", "Mi calendario")),
    Role.HACIENDA.value: (("views.inbox", "Mis pendientes"), ("account.calendar", "Mi calendario")),
    Role.CONSEJO_DE_GOBIERNO.value: (("views.inbox", "Mis pendientes"),),
    Role.ASESOR.value: (("board.index", "Tablero"), ("board.regions", "Avance por región"),
                        ("followup.report", "Informe mensual de actividades"), ("followup.index", "Monitoreo 360")),
    Role.COORDINADOR.value: (("followup.ranking", "Ranking mensual"), ("followup.survey_results",
                                                                       "Resultados de la encuesta"),
                             ("followup.seta_cuts", "Cortes SETA"), ("board.index", "Tablero")),
    Role.ADMIN.value: (("admin.users", "Administración"), ("board.admin_milestones", "Hitos y pesos"),
                       ("board.index", "Tablero")),
    CITIZEN: (("public.index", "Portal público"),),
}
ORDER = (Role.EJECUTIVO, Role.PLANEACION, Role.EQUIPO, Role.CTP, Role.CAR, Role.CORPORACION, Role.HACIENDA,
         Role.CONSEJO_DE_GOBIERNO, Role.ASESOR, Role.COORDINADOR, Role.ADMIN)


@dataclass(frozen=True)
class RoleHelp:
    key: str
    title: str
    intro: str
    acts: tuple[tuple[str, str], ...]  # (what the role records, norm)
    duties: tuple[tuple[str, str], ...]  # (term it owes, norm)
    places: tuple[tuple[str, str], ...]  # (endpoint, link text)


def _role_help(role: Role) -> RoleHelp:
    acts: dict[str, str] = {}
    for machine in (PDT_MACHINE, *SUBMACHINES.values(), *PHASE2_MACHINES.values()):
        for t in machine.transitions:
            if role in t.roles and t.label not in acts:
                acts[t.label] = t.legal_basis
    duties = tuple((d.label, d.legal_basis) for d in (*DUTIES, *(pd.duty for pd in PHASE2_DUTIES))
                   if role in d.roles)
    return RoleHelp(role.value, ROLE_LABELS[role], INTRO[role.value], tuple(acts.items()), duties,
                    PLACES[role.value])


ROLE_HELP = tuple(_role_help(r) for r in ORDER) + (
    RoleHelp(CITIZEN, "Ciudadanía", INTRO[CITIZEN], (), (), PLACES[CITIZEN]),)


@bp.get("")
def index():
    mine = {m.role for m in current_user.memberships} if current_user.is_authenticated else {CITIZEN}
    first = [h for h in ROLE_HELP if h.key in mine]
    return render_template("help/index.html", mine=first, others=[h for h in ROLE_HELP if h.key not in mine])


@bp.get("/glosario")
def glossary():
    return render_template("help/glossary.html", terms=TERMS)
