"""The compliance warnings a plan keeps (``flag:*`` effects of the route's table), in words, with their norms.

Most warnings cite one norm for every entity (said for a department by ``wording.localize_basis``). The last
stretch's cite the statute the entity's act follows (``corporation.sanction.SanctionLaw``): an acuerdo L136, an
ordenanza L2200 (D1222 before 8 February 2022), Bogotá's acuerdo DL1421, and say that statute's term; a Bogotá
Tribunal remission read «L136 art. 80» (noted in the nineteenth session).
"""
from __future__ import annotations

from state_machines.corporation.sanction import SanctionLaw

FLAG_LABELS = {
    "late_consolidation": "Consolidación fuera de los dos meses (L152 art. 39 num. 3)",
    "late_ctp_submission": "Presentación al CTP fuera de los dos meses (L152 art. 39 num. 5)",
    "late_filing": "Radicado después de los cuatro meses, con nota jurídica (L152 art. 40)",
    # legal-path.md §f.8: L1909 art. 22 gives the hearings no term; holding them before filing is the DNP's
    # recommendation (hitos 13-14), not a legal rule, and the warning says so (QA, 7 December 2026).
    "no_hearing_held": ("Radicado sin audiencia pública del plan de inversiones registrada: el DNP recomienda "
                        "realizarla antes de radicar (hitos 13 y 14); la L1909 art. 22 no le fija plazo"),
    # QA 2028 (Quindío): a plan filed and adopted with no investment plan registered left its Phase II without
    # lines for the Plan Indicativo; the filing is warned, not refused (``pdt.is_without_ppi``).
    "filed_without_ppi": ("Radicado sin plan de inversiones registrado, que es parte del plan (L152 art. 31): una vez "
                          "adoptado, la secretaría de planeación transcribe el del acto adoptado"),
    "ppi_transcribed": ("Plan de inversiones transcrito del acto adoptado después de la adopción, con el acto como "
                        "soporte (L152 art. 31)"),
    "late_corporation_decision": "Aprobado después del mes de la corporación (L152 art. 40)",
    "car_overdue": "Concepto ambiental vencido (D1865 art. 3)",
    "late_remission": "Remitido para sanción después de los cinco días (L136 art. 76)",
    "late_objection": "Objetado después del plazo por número de artículos (L136 art. 78; L2200 art. 100)",
    "late_tribunal_remission": "Enviado al Tribunal después del plazo (L136 art. 80; L2200 art. 101)",
    "late_publication": "Publicado después de los diez días de la sanción (L136 art. 81; L2200 art. 103)",
    "late_governor_copy": "Copia al gobernador después de los cinco días de la sanción (L136 art. 82)",
    # Phase II (issue 21): soft flags, never a block.
    "pi_cost_differs": "Plan Indicativo con costos distintos a los del plan de inversiones (L152 art. 29)",
    "late_pi_approval": "Plan Indicativo aprobado después de la meta configurada (DNP-PI)",
    "late_harmonization": "Armonización aprobada después del 31 de diciembre del primer año (D111 art. 14)",
    "late_harmonization_publication": "Armonización publicada fuera de término (L136 art. 81)",
    "late_poai": "POAI aprobado después de abrirse el período de radicación (D111 art. 8)",
    "late_budget_filing": "Presupuesto radicado fuera del término del estatuto (L136 art. 91 a) 3)",
    "late_budget_publication": "Presupuesto publicado después de los diez días de su sanción (L136 art. 81)",
    "late_paa": "Plan Anual de Adquisiciones publicado después del 31 de enero (L1474 art. 74)",
    "late_action_plans": "Planes de acción publicados después del 31 de enero (L1474 art. 74)",
    "late_annual_report": "Informe anual presentado después de la primera sesión ordinaria (L136 art. 91 a) 4)",
}

_NUMBERS = {2: "dos", 3: "tres", 4: "cuatro", 5: "cinco", 6: "seis", 8: "ocho", 10: "diez"}


def _days(n: int | None, unit: str = "business") -> str:
    if n is None:
        return "del plazo"
    # Days are business days unless the statute says otherwise (L4-1913 art. 62): only the calendar ones are named.
    return f"de los {_NUMBERS.get(n, str(n))} días{' calendario' if unit == 'calendar' else ''}"


def _last_stretch(flag: str, law: SanctionLaw) -> str | None:
    """The last stretch's warning said with ``law``'s term and article; None for any other warning."""
    if flag == "late_remission":  # L136 art. 76; L2200 art. 99 ...: the approved project goes to the executive
        return f"Remitido para sanción después {_days(law.remission_days)} ({law.remission_basis})"
    if flag == "late_objection":  # L136 art. 78; L2200 art. 100; D1222 art. 78; DL1421 art. 23 (any size)
        term = ("después de los diez días" if law.size_independent
                else "después del plazo por número de artículos")
        return f"Objetado {term} ({law.objection_basis})"
    if flag == "late_tribunal_remission":  # L136 art. 80; L2200 art. 101; DL1421 art. 25
        return f"Enviado al Tribunal después {_days(law.tribunal_days, law.tribunal_unit)} ({law.tribunal_basis})"
    if flag == "late_publication":  # L136 art. 81; L2200 art. 103; DL1421 art. 23 with L136 art. 81
        term = (f"{_days(law.publication_days)} de la sanción" if law.publication_days is not None
                else "del término")
        return f"Publicado después {term} ({law.publication_basis})"
    if flag == "late_governor_copy":  # L136 art. 82 (municipios; Bogotá by DL1421 art. 2 when configured)
        basis = law.governor_copy_basis or "L136 art. 82"
        return f"Copia al gobernador después {_days(law.governor_copy_days or 5)} de la sanción ({basis})"
    return None


def flag_label(flag: str, law: SanctionLaw | None = None) -> str:
    """The warning ``flag`` in words; with the statute of the entity's last stretch (``sanction.sanction_law``),
    its late-act warnings cite that statute. An unknown flag is shown as it is stored."""
    if law is not None and (said := _last_stretch(flag, law)) is not None:
        return said
    return FLAG_LABELS.get(flag, flag)
