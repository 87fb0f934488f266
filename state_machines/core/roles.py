"""The legal actors, as roles a user holds through a membership (legal-path.md §a)."""
from collections.abc import Iterable
from enum import Enum


class Role(str, Enum):
    EJECUTIVO = "ejecutivo"  # alcalde / gobernador: signs the legal acts (L152 arts. 39-40)
    PLANEACION = "planeacion"  # secretaría de planeación, team leader (L152 art. 33.3)
    EQUIPO = "equipo"  # formulation team member: uploads drafts, no legal act
    CTP = "ctp"  # consejo territorial de planeación (L152 arts. 34, 39.6)
    CAR = "car"  # environmental authority (D1865 art. 3)
    CORPORACION = "corporacion"  # concejo / asamblea secretary (L152 art. 40)
    ASESOR = "asesor"  # DNP / gobernación adviser: read-only
    HACIENDA = "hacienda"  # secretaría de hacienda: MFMP, budget bill, harmonisation (phase-ii.md §1.2 P6, P13, P15)
    CONSEJO_DE_GOBIERNO = "consejo_de_gobierno"  # approves the plan indicativo, the POAI, the planes de acción (P3, P14, P19)
    COORDINADOR = "coordinador"  # DNP regional coordinator (Monitoreo 360, phase-ii.md §3.4): held on the region's gobernaciones
    ADMIN = "admin"  # service administrator: users, settings; no legal act
    SISTEMA = "sistema"  # the background sweep applying automatic legal effects

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.EJECUTIVO: "Alcalde o gobernador",
    Role.PLANEACION: "Secretaría de planeación (líder del equipo)",
    Role.EQUIPO: "Equipo formulador",
    Role.CTP: "Consejo Territorial de Planeación",
    Role.CAR: "Autoridad ambiental (CAR)",
    Role.CORPORACION: "Secretaría del concejo o asamblea",
    Role.ASESOR: "Asesor DNP o gobernación",
    Role.HACIENDA: "Secretaría de hacienda",
    Role.CONSEJO_DE_GOBIERNO: "Consejo de Gobierno (secretaría técnica)",
    Role.COORDINADOR: "Coordinador regional DNP",
    Role.ADMIN: "Administrador",
    Role.SISTEMA: "Sistema (efecto legal automático)",
}


#: Interpretation, configurable (QA, 7 December 2026): one person does not hold roles of two sides of the same
#: entity's route. The administration drafts and files the plan; the CTP, formed by the sectors' representatives
#: (L152 art. 34), gives its concept on that draft (L152 art. 39 num. 6); the concejo or asamblea decides on it
#: (L152 art. 40). With two sides, one account would record the review of its own acts. ``False`` allows it.
SEPARATE_SIDES = True
SIDES: dict[str, frozenset[Role]] = {
    "la administración": frozenset({Role.EJECUTIVO, Role.PLANEACION, Role.EQUIPO, Role.HACIENDA,
                                    Role.CONSEJO_DE_GOBIERNO}),
    "el Consejo Territorial de Planeación": frozenset({Role.CTP}),
    "el concejo o asamblea": frozenset({Role.CORPORACION}),
}
SIDES_BASIS = "L152 arts. 34, 39 num. 6 y 40"


def _side(role: Role | str) -> str | None:
    value = role.value if isinstance(role, Role) else role
    return next((name for name, roles in SIDES.items() if value in {r.value for r in roles}), None)


def side_conflict(held: Iterable[Role | str], new: Role | str) -> str | None:
    """Why ``new`` cannot join the roles ``held`` on the same entity (``SEPARATE_SIDES``), or None."""
    new_side = _side(new)
    if not SEPARATE_SIDES or new_side is None:
        return None
    for role in held:
        side = _side(role)
        if side is not None and side != new_side:
            held_label = ROLE_LABELS[Role(role.value if isinstance(role, Role) else role)]
            new_label = ROLE_LABELS[Role(new.value if isinstance(new, Role) else new)]
            return (f"esa persona ya tiene en esta entidad el rol «{held_label}» y no puede tener también el de "
                    f"«{new_label}»: uno revisa o decide sobre los actos del otro ({SIDES_BASIS}). Use otra "
                    "cuenta, o quite antes el otro rol")
    return None
