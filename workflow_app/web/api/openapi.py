"""The OpenAPI 3.1 description of ``/api/v1`` (served at ``/api/v1/openapi.json``).

Written by hand next to the routes in ``api.py``; ``tests/workflow_app/test_api.py`` checks that it validates,
that its paths are exactly the Flask routes, and that real responses match its schemas.
"""
from __future__ import annotations

from state_machines.approval.pdt import PDT_STATES
from state_machines.phase2 import PHASE2_MACHINES

API_VERSION = "1.0.0"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, required: list[str] | None = None, **extra) -> dict:
    schema = {"type": "object", "properties": properties, "required": required or list(properties)}
    schema.update(extra)
    return schema


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


STR, INT, BOOL, NUM = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "number"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
SPANISH = "Mensaje en español para la persona que hizo la consulta."


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "401": _json(_ref("Error"), "Falta el token, no es válido o fue revocado."),
    "403": _json(_ref("Error"), "El token es válido pero su cuenta no puede ver este plan."),
    "404": _json(_ref("Error"), "No existe."),
    "422": _json(_ref("Error"), "Parámetros no válidos."),
    "429": _json(_ref("Error"), "Demasiados tokens no válidos desde la misma dirección en un minuto."),
}
PLAN_ID = {"name": "plan_id", "in": "path", "required": True, "schema": INT, "description": "Identificador del plan."}
DANE_CODE = {"name": "dane_code", "in": "path", "required": True,
             "schema": {"type": "string", "pattern": "^[0-9]{2}([0-9]{3})?$"},
             "description": "Código DANE: 5 dígitos para municipios y distritos, 2 para departamentos."}
PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
]
OPEN: list = []  # no security requirement
TOKEN = [{"bearerAuth": []}]
OPTIONAL_TOKEN = [{}, {"bearerAuth": []}]


def _get(summary: str, schema: str, *, params=(), security=OPEN, errors=("404",), description: str = "") -> dict:
    codes = (*errors, "429") if "401" in errors else errors  # a token's endpoint slows invalid tokens
    operation = {
        "summary": summary, "parameters": list(params), "security": security,
        "responses": {"200": _json(_ref(schema), "Consulta exitosa."), **{code: ERRORS[code] for code in codes}},
    }
    if description:
        operation["description"] = description
    return {"get": operation}


def _schemas() -> dict:
    error = _obj({"status": INT, "message": {**STR, "description": SPANISH}, "field": STR}, ["status", "message"])
    deadline = _obj({
        "key": STR, "authority": STR, "earliest": DATE, "latest": DATE, "act_by": DATE, "overdue_from": DATE,
        "effect": STR, "legal_basis": STR, "explanation": STR,
    }, ["key", "earliest", "latest", "act_by", "overdue_from", "effect", "legal_basis", "explanation"])
    entity_ref = _obj({"dane_code": STR, "name": STR, "kind": STR})
    period = _obj({"start_on": DATE, "end_on": DATE, "label": STR})  # "2028–2031"
    plan_summary = _obj({"id": INT, "entity": entity_ref, "period": period, "state": _ref("PlanState"),
                         "state_label": STR, "updated_at": DATETIME})
    entity = _obj({"dane_code": STR, "name": STR, "display_name": STR,
                   "kind": {"type": "string", "enum": ["municipio", "distrito", "departamento"]},
                   "department_code": STR, "department_name": STR, "region": STR, "public_url": STR})
    amendment = _obj({"number": STR, "text": STR, "authors": {"type": "array", "items": STR}, "state_label": STR,
                      "proposed_on": _nullable(DATE), "is_accepted_in_writing": BOOL, "executive_answer": STR})
    hearing = _obj({"number": STR, "scheduled_on": _nullable(DATE),
                    # the starting hour, HH:MM in America/Bogota, as the planning office gave it ("" if none)
                    "scheduled_time": STR, "place": STR, "zone": STR,
                    "state": {"type": "string", "enum": ["scheduled", "held", "cancelled"]}, "state_label": STR,
                    "is_open_for_proposals": BOOL})
    document = _obj({"id": INT, "kind": STR, "title": STR, "version": INT, "sha256": STR, "size_bytes": INT,
                     "supersedes_id": _nullable(INT), "is_current": BOOL,
                     "content_type": STR, "is_public": BOOL, "uploaded_at": DATETIME,
                     "download_url": _nullable(STR)})
    history_event = _obj({
        "id": INT, "machine": STR, "subject": _nullable(STR), "from_state": STR, "to_state": STR, "trigger": STR,
        "act_on": _nullable(DATE), "occurred_at": DATETIME,
        "actor": _nullable(_obj({"id": INT, "name": STR})), "role": STR, "role_label": STR,
        "reference": _nullable(STR), "reason": _nullable(STR), "legal_basis": STR,
        "evidence_ids": {"type": "array", "items": INT}, "milestones": {"type": "array", "items": STR},
        "row_hash": _nullable(STR),
    })
    milestone = _obj({
        "number": INT, "phase": INT, "phase_name": STR, "name": STR, "weight_total": NUM, "source": STR,
        "is_done": BOOL, "is_manual": BOOL, "completed_on": _nullable(DATE), "completed_by_trigger": _nullable(STR),
        "note": _nullable(STR),
    })
    ppi_item = _obj({"program": STR, "project": STR, "year": INT, "funding_source": STR,
                     "amount": {"type": "integer", "minimum": 0, "description": "Pesos colombianos."}})
    counts = {"type": "object", "additionalProperties": INT}

    def listed(key: str, item: str) -> dict:
        return _obj({"plan_id": INT, key: {"type": "array", "items": _ref(item)}})

    def page(item: str) -> dict:
        return _obj({"items": {"type": "array", "items": _ref(item)}, "total": INT, "page": INT, "per_page": INT})

    return {
        "Error": _obj({"error": error}),
        "CalendarError": _obj({"error": _obj({"field": STR, "message": STR})}),
        "CalendarFacts": {
            "type": "object", "required": ["entity_kind", "period_start"],
            "description": "Hechos del plan (calendar-contract.md).",
            "properties": {
                "entity_kind": {"type": "string", "enum": ["municipio", "departamento"]},
                "period_start": DATE, "posesion": DATE,
                "nonworking_weekdays": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 6}},
                "regime": {"type": "string", "enum": ["ordinary", "d683_2020"]},
                "d683_articles": {"type": "array", "items": {"type": "string", "enum": ["art1", "art2"]}},
                "article_count": {"type": "integer", "minimum": 1,
                                  "description": "Artículos del proyecto aprobado (L136 art. 78; L2200 art. 100)."},
                "special_regime": {"type": "string", "enum": ["bogota"],
                                   "description": "Distrito Capital: Decreto-Ley 1421 de 1993 (arts. 10, 22-25)."},
                "events": {"type": "object", "properties": {
                    "ctp_presented": DATE, "filed_with_corporacion": DATE, "adopted": DATE,
                    "sessions_convoked": DATE, "approved": DATE, "sent_for_sanction": DATE,
                    "objections_rejected": DATE, "illegality_insisted": DATE, "tribunal_unfounded": DATE,
                    "sanctioned": DATE,
                    "governor_copy_sent": DATE,
                    "car_copies_received": {"type": "object", "additionalProperties": DATE}}},
            },
        },
        "CalendarResult": _obj({"deadlines": {"type": "array", "items": _ref("Deadline")}}),
        "Deadline": deadline,
        "PlanDeadline": {"allOf": [_ref("Deadline"), _obj({
            "label": STR, "status": {"type": "string", "enum": ["pendiente", "vencido", "etapa superada", "aún no corresponde", "vencido sin registro"]}})]},
        "PlanCalendar": listed("deadlines", "PlanDeadline"),
        "PlanState": {"type": "string", "enum": list(PDT_STATES),
                      "description": "; ".join(f"{k}: {v}" for k, v in PDT_STATES.items())},
        "Entity": entity,
        "EntityDetail": {"allOf": [_ref("Entity"), _obj({"plans": {"type": "array", "items": _ref("PlanSummary")}})]},
        "EntityPage": page("Entity"),
        "PlanSummary": plan_summary,
        "PlanPage": page("PlanSummary"),
        "Plan": {"allOf": [_ref("PlanSummary"), _obj({
            "posesion_on": _nullable(DATE), "regime": STR, "flags": {"type": "array", "items": STR},
            "amendments": {"type": "array", "items": _ref("Amendment")},
            "hearings": {"type": "array", "items": _ref("Hearing")}})]},
        "Amendment": amendment,
        "AmendmentList": listed("amendments", "Amendment"),
        "Hearing": hearing,
        "HearingList": listed("hearings", "Hearing"),
        "Document": document,
        "DocumentList": listed("documents", "Document"),
        "PpiItem": ppi_item,
        "Ppi": _obj({"plan_id": INT, "version": INT, "created_at": DATETIME,
                     "source": {"type": "string", "enum": ["form", "csv", "xlsx"]}, "note": _nullable(STR),
                     "items": {"type": "array", "items": _ref("PpiItem")},
                     "totals": _obj({"by_year": counts, "by_source": counts, "total": INT})}),
        "HistoryEvent": history_event,
        "History": _obj({"plan_id": INT, "history_head": _nullable(STR),
                         "events": {"type": "array", "items": _ref("HistoryEvent")}}),
        "Milestone": milestone,
        "Milestones": _obj({"plan_id": INT, "progress": {**NUM, "minimum": 0, "maximum": 100},
                            "milestones": {"type": "array", "items": _ref("Milestone")}}),
        "Phase2Procedure": _obj({
            "machine": {"type": "string", "enum": sorted(PHASE2_MACHINES)}, "subject": STR, "title": STR,
            "state": STR, "state_label": STR, "is_final": BOOL, "next_step": _nullable(STR),
            "next_holder": _nullable(STR), "act_by": _nullable(DATE), "legal_basis": _nullable(STR)}),
        "Phase2": _obj({"plan_id": INT, "is_open": BOOL, "progress": {**NUM, "minimum": 0, "maximum": 100},
                        "procedures": {"type": "array", "items": _ref("Phase2Procedure")}}),
        **_survey_schemas(),
    }


def _survey_schemas() -> dict:
    """Monitoreo 360's survey: aggregates only (month, aspect, region, department), never an answer or an entity."""
    score = _nullable({**NUM, "minimum": 1, "maximum": 5})
    per_100 = _nullable({**NUM, "minimum": 0, "maximum": 100})
    # "reservado": the figures are withheld and only the count is shown (survey.withheld_cells): a group answered by
    # fewer than "minimo_respuestas_por_grupo" entities, or one whose figure, added to or subtracted from the shown
    # ones (a total minus the other months, a region minus its departments), would give such a group's.
    # "motivo_reserva" says why, in Spanish; null when shown.
    reserve = {"reservado": BOOL, "motivo_reserva": _nullable(STR)}
    group = _obj({"clave": STR, "nombre": STR, "respuestas": INT, "promedio": score, "insatisfechos_por_100": per_100,
                  **reserve})
    month = _obj({"mes": STR, "respuestas": INT, "promedio": score, "insatisfechos_por_100": per_100,
                  "variacion": _nullable(NUM), "aspectos": {"type": "object", "additionalProperties": score},
                  **reserve})
    aspect = _obj({"aspecto": STR, "nombre": STR, "promedio": score, "respuestas": INT, **reserve})
    return {"SurveyAggregates": _obj({
        "umbral_satisfaccion": NUM, "escala": {"type": "object", "additionalProperties": STR}, "respuestas": INT,
        "minimo_respuestas_por_grupo": INT,
        "meses": {"type": "array", "items": month}, "aspectos": {"type": "array", "items": aspect},
        "regiones": {"type": "array", "items": group}, "departamentos": {"type": "array", "items": group}})}


def _paths() -> dict:
    return {
        "/api/v1/calendar": {"post": {
            "summary": "Calcular el calendario legal a partir de los hechos de un plan",
            "description": "Solo calcula; no requiere sesión ni token (calendar-contract.md).",
            "security": OPEN,
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("CalendarFacts")}}},
            "responses": {"200": _json(_ref("CalendarResult"), "Plazos calculados."),
                          "422": _json(_ref("CalendarError"), "Hechos no válidos; «field» nombra el dato.")},
        }},
        "/api/v1/entities": _get("Listar entidades territoriales", "EntityPage", errors=("422",), params=[
            {"name": "department", "in": "query", "schema": STR, "description": "Código DANE del departamento."},
            {"name": "kind", "in": "query", "schema": {"type": "string",
                                                       "enum": ["municipio", "distrito", "departamento"]}},
            {"name": "q", "in": "query", "schema": STR,
             "description": "Nombre (sin importar tildes ni mayúsculas) o inicio del código DANE."},
            *PAGING]),
        "/api/v1/entities/{dane_code}": _get("Una entidad, con sus planes", "EntityDetail", params=[DANE_CODE]),
        "/api/v1/plans": _get("Listar planes", "PlanPage", errors=("422",), params=[
            {"name": "department", "in": "query", "schema": STR},
            {"name": "entity", "in": "query", "schema": STR, "description": "Código DANE de la entidad."},
            {"name": "state", "in": "query", "schema": _ref("PlanState")},
            {"name": "period", "in": "query", "schema": INT, "description": "Año de inicio del período (2028)."},
            *PAGING]),
        "/api/v1/plans/{plan_id}": _get("Un plan: estado, modificaciones y audiencias", "Plan", params=[PLAN_ID]),
        "/api/v1/plans/{plan_id}/calendar": _get("Calendario legal del plan", "PlanCalendar", params=[PLAN_ID],
                                                 errors=("404", "422")),
        "/api/v1/plans/{plan_id}/documents": _get(
            "Documentos del plan", "DocumentList", params=[PLAN_ID], security=OPTIONAL_TOKEN, errors=("401", "404"),
            description="Sin token: solo los documentos públicos. Con un token cuya cuenta ve el plan: todos."),
        "/api/v1/plans/{plan_id}/ppi": _get("Plan plurianual de inversiones (versión vigente o una anterior)", "Ppi",
                                            errors=("404", "422"),
                                            params=[PLAN_ID, {"name": "version", "in": "query", "schema": INT,
                                                              "description": "Número de la versión (1 a 999999999); "
                                                                             "sin él, la vigente."}]),
        "/api/v1/plans/{plan_id}/amendments": _get("Modificaciones con sus autores y la aceptación del ejecutivo",
                                                   "AmendmentList", params=[PLAN_ID]),
        "/api/v1/plans/{plan_id}/hearings": _get("Audiencias públicas del plan de inversiones (Ley 1909 art. 22)",
                                                 "HearingList", params=[PLAN_ID]),
        "/api/v1/plans/{plan_id}/history": _get("Historial del plan con sus actores", "History", params=[PLAN_ID],
                                                security=TOKEN, errors=("401", "403", "404")),
        "/api/v1/plans/{plan_id}/milestones": _get("Hitos del DNP y avance del plan", "Milestones", params=[PLAN_ID],
                                                   security=TOKEN, errors=("401", "403", "404")),
        "/api/v1/plans/{plan_id}/phase2": _get(
            "Fase II del plan vigente: Plan Indicativo, armonización, POAI, presupuesto, plan de compras",
            "Phase2", params=[PLAN_ID],
            description="Estados de cada trámite de la Fase II, el paso que sigue, a cargo de quién y su plazo."),
        "/api/v1/monitoreo-360/encuesta": _get(
            "Encuesta mensual de Monitoreo 360: agregados por mes, aspecto, región y departamento", "SurveyAggregates",
            errors=("422",), description=("Solo agregados: nunca una respuesta individual ni el nombre de una entidad. Un grupo "
                                   "de menos de «minimo_respuestas_por_grupo» respuestas, o uno cuya cifra, sumada o "
                                   "restada con las publicadas, dejaría ver la de ese grupo, muestra solo su número "
                                   "de respuestas («reservado»: true, y «motivo_reserva»). El mes es la unidad: una "
                                   "cifra de varios meses se publica solo si la de cada mes se publica."),
            params=[{"name": "region", "in": "query", "schema": STR},
                    {"name": "department", "in": "query", "schema": STR, "description": "Código DANE (2 cifras)."},
                    {"name": "from", "in": "query", "schema": STR, "description": "Primer mes, AAAA-MM."},
                    {"name": "to", "in": "query", "schema": STR, "description": "Último mes, AAAA-MM."}]),
        "/api/v1/openapi.json": {"get": {
            "summary": "Este documento OpenAPI", "security": OPEN,
            "responses": {"200": {"description": "Documento OpenAPI 3.1.",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}},
        }},
    }


def build_spec() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Ruta PDT: API de planes de desarrollo territorial",
            "version": API_VERSION,
            "description": ("Datos públicos (entidades, estado del plan, calendario legal, documentos públicos, plan "
                            "de inversiones, modificaciones y audiencias) sin autenticación. Historial con actores, "
                            "hitos y documentos no públicos con un token personal (créelo en /cuenta/tokens), "
                            "limitado a los planes que su cuenta puede ver. Errores en español."),
        },
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "Token personal: «Authorization: Bearer pdt_…»."}},
        },
    }
