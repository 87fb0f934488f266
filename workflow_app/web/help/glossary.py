"""The glossary: each term the pages use, in plain Spanish, with its norm. Pages link to ``/ayuda/glosario#<id>``."""
from __future__ import annotations

from dataclasses import dataclass

from workflow_app.reference_data import names


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    meaning: str
    norm: str = ""
    #: A list the meaning introduces (short form, what it is), shown one per line.
    items: tuple[tuple[str, str], ...] = ()


_TERMS: tuple[Term, ...] = (
    Term("actuar-a-mas-tardar", "Actuar a más tardar",
         "La fecha segura para cumplir un paso: no depende de cómo se lea la norma y, si el último día no es "
         "hábil, es el día hábil anterior. Es la fecha de los recordatorios, de «Mis pendientes» y de «Mi "
         "calendario»."),
    Term("adopcion-por-decreto", "Adopción por decreto",
         "Si el concejo o la asamblea no aprueba el plan dentro del mes siguiente a su radicación, o lo niega, el "
         "alcalde o gobernador puede adoptarlo por decreto.", "Ley 152 de 1994, art. 40"),
    Term("audiencia-publica", "Audiencia pública del plan de inversiones",
         "Reunión abierta en la que la ciudadanía conoce y discute el plan plurianual de inversiones antes de su "
         "aprobación; en el portal público se pueden enviar propuestas a las audiencias programadas.",
         "Ley 1909 de 2018, art. 22"),
    Term("autoridad-ambiental", "Autoridad ambiental (CAR)",
         "La corporación autónoma regional, de desarrollo sostenible o la autoridad ambiental urbana de la "
         "entidad. Recibe copia del proyecto y emite su concepto técnico en 15 días hábiles.",
         "Decreto 1865 de 1994, art. 3"),
    Term("cadena-del-historial", "Cadena del historial (SHA-256)",
         "Cada acto registrado lleva una huella SHA-256 que incluye la del acto anterior: si alguien altera o "
         "borra una fila, la cadena deja de cuadrar y la verificación lo señala."),
    Term("concepto", "Concepto",
         "La opinión escrita del CTP o de la autoridad ambiental sobre el proyecto de plan. No obliga, pero la "
         "alcaldía o gobernación debe considerarlo antes de radicar.", "Ley 152 de 1994, art. 39"),
    Term("consejo-de-gobierno", "Consejo de Gobierno",
         "El alcalde o gobernador con sus secretarios. Consolida el proyecto de plan dentro de los dos meses "
         "siguientes a la posesión.", "Ley 152 de 1994, art. 39 num. 3"),
    Term("corporacion", "Corporación (concejo o asamblea)",
         "El concejo municipal o distrital, o la asamblea departamental. Decide sobre el plan dentro del mes "
         "siguiente a la radicación; su decisión es un acuerdo (concejo) o una ordenanza (asamblea).",
         "Ley 152 de 1994, art. 40"),
    Term("ctp", "CTP (Consejo Territorial de Planeación)",
         "Instancia de participación con representantes de los sectores de la entidad. Emite concepto sobre el "
         "proyecto de plan dentro del mes siguiente a su presentación.", "Ley 152 de 1994, arts. 34 y 39"),
    Term("dias-habiles", "Días hábiles",
         "De lunes a viernes, sin festivos de Colombia ni los días no laborables que haya declarado la entidad. "
         "Si un plazo vence en un día no hábil, se extiende al siguiente día hábil.", "Ley 4 de 1913, art. 62"),
    Term("espera", "Espera (atribución de demoras)",
         "Días hábiles que el plan pasó esperando a cada actor (alcaldía o gobernación, CTP, autoridad ambiental, "
         "concejo o asamblea), calculados de su historial. La espera de la autoridad ambiental corre en paralelo "
         "con la de la alcaldía o gobernación, por eso las cifras no se suman."),
    Term("expediente", "Expediente",
         "El documento imprimible con todo lo del plan: historial de actos, calendario, documentos con su huella "
         "y avance en hitos."),
    Term("hito", "Hito del DNP",
         "Uno de los 22 pasos con peso con que el Departamento Nacional de Planeación sigue la formulación del "
         "plan. Los que prueba un acto legal se cumplen solos; los demás los marca el equipo o su asesor con una "
         "nota de evidencia."),
    Term("holgura", "Holgura",
         "Días hábiles que quedan desde hoy hasta el día para actuar a más tardar del próximo paso. Si es "
         "negativa, el paso está vencido desde hace ese número de días hábiles."),
    Term("lectura-amplia", "Lectura amplia",
         "Algunos plazos admiten dos lecturas de la norma (por ejemplo, cuándo termina «un mes»). La lectura "
         "estricta da la fecha más temprana; la amplia, la más tardía. El calendario muestra las dos; quien "
         "actúa antes de la más temprana no corre ningún riesgo."),
    Term("modo-capacitacion", "Modo capacitación",
         "La instancia de prueba simula una fecha (se anuncia en cada página). Los plazos, los avisos y las horas "
         "que se muestran siguen esa fecha."),
    Term("objecion", "Sanción y objeción",
         "El alcalde o gobernador sanciona (firma) el acuerdo u ordenanza aprobado, o lo objeta por "
         "inconveniencia o ilegalidad; la corporación decide sobre las objeciones y lo devuelve para sanción.",
         "Ley 136 de 1994, arts. 78 a 80 (acuerdos); Ley 2200 de 2022, arts. 100 y 101 (ordenanzas); Decreto Ley 1421 "
         "de 1993, arts. 23 a 25 (Bogotá)"),
    Term("pdt", "PDT (Plan de Desarrollo Territorial)",
         "El plan de gobierno de un municipio, distrito o departamento para sus cuatro años: diagnóstico, parte "
         "estratégica y plan plurianual de inversiones.", "Ley 152 de 1994, arts. 31 y 39"),
    Term("piscc", "PISCC",
         "Plan Integral de Seguridad y Convivencia Ciudadana. En el régimen del Decreto 683 de 2020 debía "
         "adoptarse dentro del mes siguiente a la aprobación del plan.", "Decreto 683 de 2020, art. 4"),
    Term("ppi", "PPI (plan plurianual de inversiones)",
         "La parte del plan que dice cuánto se invertirá en cada programa y con qué fuentes, año por año. Se "
         "discute en audiencias públicas.", "Ley 152 de 1994, art. 31; Ley 1909 de 2018, art. 22"),
    Term("radicar", "Radicar",
         "Entregar formalmente un documento y recibir un número de radicado con la fecha. El proyecto de acuerdo "
         "u ordenanza del plan se radica en el concejo o la asamblea.", "Ley 152 de 1994, art. 40"),
    Term("requisito-surtido", "Requisito surtido (silencio del CTP)",
         "Si el CTP no entrega su concepto dentro del mes siguiente a la presentación del proyecto, se entiende "
         "cumplido ese requisito y la ruta sigue; el sistema lo registra solo.", "Ley 152 de 1994, art. 39 num. 6"),
    Term("riesgo", "Riesgo (tablero)",
         "«Pasos vencidos»: algún paso pendiente ya venció. «Plazo clave por vencer»: en cinco días hábiles o "
         "menos vence un plazo con efecto legal automático (el mes del CTP, el mes de la corporación) o el de "
         "radicación. «Sin alertas»: lo demás."),
    Term("salida", "Otra salida de la ruta",
         "Un camino distinto que la ley prevé en un punto de la ruta: la adopción por decreto cuando la "
         "corporación no decide o niega el plan, o la objeción antes de la sanción. «Paso N de M» cuenta solo "
         "los pasos del camino en que va el plan.",
         "Ley 152 de 1994, art. 40; Ley 136 de 1994, art. 78; Ley 2200 de 2022, art. 100"),
    Term("sesiones-extraordinarias", "Sesiones extraordinarias",
         "Sesiones del concejo o la asamblea fuera de su período ordinario, convocadas por el alcalde o "
         "gobernador, por ejemplo para que decida sobre el plan dentro de su mes.",
         "Ley 136 de 1994, art. 23 (concejos); Ley 2200 de 2022, art. 23 (asambleas); Decreto Ley 1421 de 1993, art. 10 "
         "(Bogotá)"),
    Term("ternas", "Ternas",
         "Listas de tres candidatos que presentan las organizaciones de cada sector para que el alcalde o "
         "gobernador designe a los consejeros del CTP.", "Ley 152 de 1994, art. 34"),
    # The short forms every page cites (legal-path.md §0), said once in words (QA, 7 December 2026: «L4-1913» is
    # opaque to a CTP volunteer).
    Term("normas", "Normas citadas (siglas)",
         "Las páginas citan cada norma por su sigla y artículo: «L152 art. 39 num. 6» es la Ley 152 de 1994, "
         "artículo 39, numeral 6. Las siglas:", items=(
             ("L152", "Ley 152 de 1994, orgánica del Plan de Desarrollo"),
             ("Const.", "Constitución Política de Colombia: las atribuciones del gobernador (art. 305)"),
             ("L136", "Ley 136 de 1994, régimen municipal: concejos y acuerdos (reformada por la L177, Ley 177 de "
                      "1994, y la L1551, Ley 1551 de 2012)"),
             ("L2200", "Ley 2200 de 2022, régimen departamental: asambleas y ordenanzas"),
             ("D1222", "Decreto 1222 de 1986, régimen departamental hasta el 7 de febrero de 2022"),
             ("L56", "Ley 56 de 1993, sesiones de las asambleas hasta la Ley 2200"),
             ("DL1421", "Decreto Ley 1421 de 1993, estatuto de Bogotá"),
             ("D1865", "Decreto 1865 de 1994, concepto de la autoridad ambiental"),
             ("L1909", "Ley 1909 de 2018, estatuto de la oposición: audiencias del plan de inversiones"),
             ("D683", "Decreto Legislativo 683 de 2020, plazos del período 2020"),
             ("L4-1913", "Ley 4 de 1913, Código de Régimen Político y Municipal: cómo se cuentan los plazos"),
             ("CC", "Código Civil"),
             ("CGP", "Código General del Proceso"),
             ("L51", "Ley 51 de 1983, festivos trasladados al lunes"),
             ("CPACA", "Ley 1437 de 2011, Código de Procedimiento Administrativo: publicación de los actos"),
             ("L1712", "Ley 1712 de 2014, transparencia y acceso a la información pública"),
             ("L1474", "Ley 1474 de 2011: plan de acción y plan anual de adquisiciones"),
             ("L617", "Ley 617 de 2000: categorías de municipios y departamentos"),
             ("D111", "Decreto 111 de 1996, Estatuto Orgánico del Presupuesto"),
             ("L715", "Ley 715 de 2001, Sistema General de Participaciones"),
             ("L819", "Ley 819 de 2003: marco fiscal de mediano plazo"),
             ("D1082", "Decreto 1082 de 2015, sector Planeación Nacional"),
             ("D1333", "Decreto 1333 de 1986, Código de Régimen Municipal"))),
    Term("sgp-sgr", "SGP y SGR (fuentes del plan de inversiones)",
         "SGP: Sistema General de Participaciones, los recursos que la Nación transfiere a departamentos y "
         "municipios para salud, educación, agua potable y otros sectores. SGR: Sistema General de Regalías. El "
         "plan plurianual de inversiones dice con qué fuente se financia cada programa.", "Ley 715 de 2001"),
)


#: In the order the page lists them: the visible term's in Spanish order, accents aside («Días» among the D; the
#: key of the entities' names), not the id's («Sanción y objeción» sat among the O).
TERMS: tuple[Term, ...] = tuple(sorted(_TERMS, key=lambda t: names.sort_key(t.term)))

TERM_BY_ID = {t.id: t for t in TERMS}
