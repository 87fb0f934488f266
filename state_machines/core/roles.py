"""The legal actors, as roles a user holds through a membership (legal-path.md §a)."""
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
