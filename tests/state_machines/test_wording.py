"""Words for the entity at hand (issue 13): its corporation, its executive, its act."""
from state_machines.approval.pdt import PDT_MACHINE, PDT_STATES
from state_machines.approval.route import DUTIES
from state_machines.approval.submachines import SUBMACHINES
from state_machines.core.wording import Wording, localize, localize_basis, place_name

GENOVA = Wording("municipio", "Génova", "alcaldesa")
QUINDIO = Wording("departamento", "Quindío", "gobernador")
SUCRE = Wording("departamento", "Sucre", "gobernadora")


def test_corporation_executive_and_act_of_each_entity():
    assert (GENOVA.corporation, GENOVA.the_executive, GENOVA.act) == ("Concejo de Génova", "la alcaldesa", "acuerdo")
    assert (QUINDIO.corporation, QUINDIO.the_executive, QUINDIO.act) == ("Asamblea del Quindío", "el gobernador",
                                                                         "ordenanza")
    assert SUCRE.corporation == "Asamblea de Sucre"
    assert place_name("VALLE DEL CAUCA") == "Valle del Cauca" and place_name("GÉNOVA") == "Génova"
    assert place_name("Bogotá, D.C.") == place_name("BOGOTÁ, D.C.") == "Bogotá, D.C."  # not "Bogotá, D.c."


def test_the_government_of_each_department_takes_its_article():
    san_andres = "Archipiélago de San Andrés, Providencia y Santa Catalina"
    assert Wording("departamento", san_andres, "gobernador").corporation == f"Asamblea del {san_andres}"
    assert Wording("departamento", "La Guajira", "gobernador").corporation == "Asamblea de La Guajira"


def test_the_tables_generic_phrases_become_the_entitys_own():
    assert localize("Registrar la posesión del alcalde o gobernador", GENOVA) == "Registrar la posesión de la alcaldesa"
    assert localize("Alcalde o gobernador posesionado", GENOVA) == "Alcaldesa posesionada"
    assert localize("Radicar el proyecto de acuerdo u ordenanza", QUINDIO) == "Radicar el proyecto de ordenanza"
    assert localize("Presentado al CTP, con copia al concejo o asamblea", QUINDIO) == \
        "Presentado al CTP, con copia a la Asamblea del Quindío"
    assert localize("El alcalde o gobernador debe convocar", GENOVA) == "La alcaldesa debe convocar"
    assert localize("Decidir en el concejo o asamblea", GENOVA) == "Decidir en el Concejo de Génova"
    assert localize("Objetado por el alcalde o gobernador", SUCRE) == "Objetado por la gobernadora"
    assert localize("texto", None) == "texto"


def test_no_label_of_the_tables_keeps_a_generic_phrase_once_localized():
    texts = [*PDT_STATES.values(), *(t.label for m in (PDT_MACHINE, *SUBMACHINES.values()) for t in m.transitions),
             *(d.label for d in DUTIES), *(s for m in SUBMACHINES.values() for s in m.states.values())]
    for wording in (GENOVA, QUINDIO, SUCRE):
        for text in texts:
            said = localize(text, wording)
            assert "o gobernador" not in said and "o asamblea" not in said and "u ordenanza" not in said, said


def test_de_contracts_with_the_masculine_article():
    from state_machines.core.wording import with_de

    assert with_de("el alcalde y la secretaría de planeación") == "del alcalde y la secretaría de planeación"
    assert with_de("la secretaría de planeación") == "de la secretaría de planeación"
    assert with_de("elector") == "de elector"  # only the article contracts


def test_the_calendars_kind_specific_executive_is_said_with_the_entitys_title():
    """The legal calendar writes «el alcalde debe enviarla» from the entity's kind; Génova has an alcaldesa."""
    assert localize("el alcalde debe enviarla", GENOVA) == "la alcaldesa debe enviarla"
    assert localize("Remisión del acuerdo aprobado al alcalde para su sanción", GENOVA) == \
        "Remisión del acuerdo aprobado a la alcaldesa para su sanción"
    assert localize("si el alcalde no objeta, sanciona el presidente del Concejo", GENOVA) == \
        "si la alcaldesa no objeta, sanciona el presidente del Concejo"
    assert localize("Copia del acuerdo sancionado al gobernador", GENOVA) == "Copia del acuerdo sancionado al gobernador"
    assert localize("Desde hoy el gobernador puede adoptar el plan por decreto.", SUCRE) == \
        "Desde hoy la gobernadora puede adoptar el plan por decreto."
    assert localize("El gobernador debe sancionar; los alcaldes y la alcaldesa no", QUINDIO) == \
        "El gobernador debe sancionar; los alcaldes y la alcaldesa no"
    assert localize("los alcaldes del departamento", GENOVA) == "los alcaldes del departamento"


def test_the_pages_say_the_short_source_ids_in_words():
    """legal-path.md §0's source IDs stay in the records and are said in words on the pages (QA, 7 December 2026:
    «(L136 art. 73; TAB-3d)», «(L617 art. 79; SEED 001)» on citizens' and secretaries' pages)."""
    from state_machines.core.wording import readable_sources

    assert readable_sources("L136 art. 73; TAB-3d") == "L136 art. 73; Tribunal Administrativo de Boyacá"
    assert readable_sources("L617 art. 79; SEED 001") == "L617 art. 79; material del DNP"
    assert readable_sources("L152 art. 40; CE-2127") == "L152 art. 40; Consejo de Estado, concepto 2127 de 2013"
    assert readable_sources("AL02; L152 art. 39") == "Acto Legislativo 02 de 2002; L152 art. 39"
    assert readable_sources("L152 arts. 29, 36; DNP-PI") == "L152 arts. 29, 36; guía del DNP para el Plan Indicativo"
    assert readable_sources("DNP-KS; L152 art. 29") == "Kit de Seguimiento del DNP; L152 art. 29"
    assert readable_sources("L2200 art. 100 par. (sin término; 8 días por analogía con L136 art. 79)") == \
        "L2200 art. 100 par. — sin término; 8 días por analogía con L136 art. 79"
    assert readable_sources("DL1421 art. 24 (8 días: L136 art. 79 por DL1421 art. 2)") == \
        "DL1421 art. 24 — 8 días: L136 art. 79 por DL1421 art. 2"
    assert readable_sources("") == ""


def test_the_corporation_governed_by_a_or_ante_is_the_entitys_own():
    """A stored hito's name or a PPI stage says «la corporación» (QA, 7 December 2026)."""
    from state_machines.core.wording import Wording, localize

    filandia, quindio = Wording("municipio", "Filandia", "alcalde"), Wording("departamento", "Quindío", "gobernador")
    assert localize("radicada ante la corporación", filandia) == "radicada ante el Concejo de Filandia"
    assert localize("MFMP presentado a la corporación", quindio) == "MFMP presentado a la Asamblea del Quindío"
    assert localize("para la corporación", filandia) == "para la corporación"  # «a» inside a word is not «a»


def test_a_sentence_that_starts_with_the_corporation_agrees_with_it():
    """«El Asamblea del Quindío está debatiendo…» on the public page (QA, 7 December 2026)."""
    from state_machines.core.wording import Wording, localize

    quindio, genova = Wording("departamento", "Quindío", "gobernador"), Wording("municipio", "Génova", "alcaldesa")
    assert localize("El concejo o asamblea está debatiendo", quindio) == "La Asamblea del Quindío está debatiendo"
    assert localize("El concejo o asamblea está debatiendo", genova) == "El Concejo de Génova está debatiendo"


def test_a_sentence_that_cites_both_statutes_keeps_its_closing_parenthesis_for_each_kind():
    """The confirmation of an irreversible act and the plan's warnings cite «(L136 art. 80; L2200 art. 101).»: a
    municipio's read «(L136 art. 80» (the departmental citation was cut to the end of the sentence), a
    department's «(Ley 2200 de 2022; L2200 art. 101)»."""
    from state_machines.core.wording import basis_for_kind

    text = "no se sanciona ni se publica (L136 art. 80; L2200 art. 101)."
    assert basis_for_kind(text, False) == "no se sanciona ni se publica (L136 art. 80)."
    assert basis_for_kind(text, True) == "no se sanciona ni se publica (L2200 art. 101)."


def test_bogotas_pages_cite_dl1421_where_it_writes_its_own_rule_and_l136_through_its_article_2_elsewhere():
    bogota = Wording("distrito", "Bogotá, D. C.", "alcalde", "bogota")
    assert localize_basis("L136 art. 78; L2200 art. 100", bogota) == "DL1421 art. 23"
    assert localize_basis("L136 art. 80; L2200 art. 101", bogota) == "DL1421 art. 25"  # the Tribunal's remission
    assert localize_basis("L136 art. 80", bogota) == "L136 art. 80 (DL1421 art. 2)"  # the partly vitiated acuerdo
    assert localize_basis("L136 art. 80 (DL1421 art. 2)", bogota) == "L136 art. 80 (DL1421 art. 2)"
    assert localize_basis("L152 art. 40; L136 art. 23 par. 2", bogota) == "L152 art. 40; DL1421 art. 10"
    assert localize_basis("L136 art. 73; L2200 art. 97", bogota) == "DL1421 art. 22"
    assert localize_basis("no se sanciona mientras tanto (L136 arts. 78-80).", bogota).endswith("(DL1421 arts. 23-25).")
    assert localize_basis("L136 art. 78 inc. 3", bogota) == "L136 art. 78 inc. 3"  # not DL1421's own rule
    # Any other municipio keeps L136, and the same sentence said for Génova is unchanged.
    assert localize_basis("L136 art. 80; L2200 art. 101", GENOVA) == "L136 art. 80"


def test_a_departments_phase_ii_cites_the_governors_norms_not_a_mangled_mayors_article():
    """«L136 art. 91 a) 3» read «Ley 2200 de 2022 a) 3» for the Gobernación del Quindío (QA, December 2026)."""
    assert localize_basis("L136 art. 91 a) 3; L819 art. 5", QUINDIO) == "Const. art. 305 num. 4; L819 art. 5"
    assert localize_basis("L152 art. 43; L136 art. 91 a) 4", QUINDIO) == "L152 art. 43"
    assert localize_basis("L136 art. 91 e) 2", QUINDIO) == "L1474 art. 78"
    assert localize_basis("L1474 art. 74 inc. 3; CPACA art. 65; L136 art. 81", QUINDIO) == \
        "L1474 art. 74 inc. 3; CPACA art. 65; L2200 art. 103"  # CPACA once
    assert localize_basis("L136 art. 81; L2200 art. 103", QUINDIO) == "CPACA art. 65; L2200 art. 103"
    assert localize_basis("L136 arts. 23, 73; L56 art. 1", QUINDIO) == "L2200 arts. 23, 97; L56 art. 1"
    assert localize_basis("L136 art. 91 a) 3; L819 art. 5", GENOVA) == "L136 art. 91 a) 3; L819 art. 5"
