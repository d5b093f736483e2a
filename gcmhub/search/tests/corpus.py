"""A small trilingual corpus and queries shared by the backend tests."""

import datetime

from gcmhub.search.engine import SearchDocument

# fmt: off
_ROWS = [
    # id, language, title, body, objectives, type, country, year
    ("activity:1", "en", "Alternatives to immigration detention", "Community-based alternatives to detention for migrants and their families.", ["13"], "activity", ["MA"], 2021),
    ("activity:2", "en", "Lowering the cost of remittances", "Cheaper, faster and safer remittances sent by migrant workers.", ["20"], "activity", ["MX"], 2022),
    ("activity:3", "en", "Migration data for policy", "Improving migration data and statistics for evidence-based policy.", ["1"], "activity", [], 2020),
    ("activity:4", "en", "Border management and human rights", "Human rights at international borders, including child detention.", ["11", "13"], "activity", ["MX", "US"], 2023),
    ("activity:5", "en", "Safe return and reintegration", "Return of migrants in safety and dignity, with reintegration support.", ["21"], "activity", ["MA"], 2021),
    ("resource:1", "en", "Guidance on labour migration", "Fair recruitment and decent work for migrant workers.", ["6"], "resource", ["PH"], 2019),
    ("resource:2", "en", "Climate change and migrations", "Environmental drivers of migrations and disaster displacement.", ["2"], "resource", [], 2022),
    ("resource:3", "en", "Migrants in vulnerable situations", "Principles for the protection of migrants in vulnerable situations.", ["7"], "resource", [], 2018),
    ("practice:1", "en", "Digital remittance channels", "A mobile platform reduced remittance fees for families at home.", ["20"], "practice", ["PH"], 2021),
    ("practice:2", "en", "Ending child immigration detention", "A national plan that ended the detention of children.", ["13"], "practice", ["MX"], 2023),
    ("activity:6", "fr", "Alternatives à la détention des migrants", "Des alternatives à la détention fondées sur la communauté pour les migrants.", ["13"], "activity", ["MA"], 2021),
    ("activity:7", "fr", "Réduire le coût des transferts de fonds", "Des transferts de fonds moins chers pour les travailleurs migrants.", ["20"], "activity", ["SN"], 2022),
    ("activity:8", "fr", "Données sur la migration", "Améliorer les données sur la migration et les statistiques nationales.", ["1"], "activity", ["SN"], 2020),
    ("activity:9", "fr", "Retour et réintégration durable", "Le retour des migrantes et des migrants dans la dignité.", ["21"], "activity", ["MA", "SN"], 2022),
    ("resource:4", "fr", "Migrations climatiques en Afrique de l'Ouest", "Les changements climatiques et les migrations dans le Sahel.", ["2"], "resource", ["SN"], 2023),
    ("resource:5", "fr", "Protection des enfants migrants", "Les enfants migrants non accompagnés et la détention administrative.", ["7", "13"], "resource", [], 2019),
    ("resource:6", "fr", "Recrutement équitable", "Un guide pour le recrutement équitable des travailleurs étrangers.", ["6"], "resource", ["MA"], 2021),
    ("practice:3", "fr", "Centre d'accueil pour migrantes", "Un centre d'accueil et d'orientation pour les femmes migrantes.", ["7"], "practice", ["SN"], 2020),
    ("practice:4", "fr", "Éducation des élèves migrants", "L'éducation et l'inclusion scolaire des élèves migrants.", ["15"], "practice", ["MA"], 2022),
    ("practice:5", "fr", "Fin de la rétention des mineurs", "Un plan national pour mettre fin à la rétention des mineurs.", ["13"], "practice", [], 2024),
    ("activity:10", "es", "Alternativas a la detención migratoria", "Alternativas a la detención basadas en la comunidad para personas migrantes.", ["13"], "activity", ["MX"], 2021),
    ("activity:11", "es", "Reducir el costo de las remesas", "Remesas más baratas y seguras enviadas por trabajadores migrantes.", ["20"], "activity", ["MX"], 2022),
    ("activity:12", "es", "Datos sobre migración", "Mejorar los datos sobre migración y las estadísticas.", ["1"], "activity", ["CO"], 2020),
    ("activity:13", "es", "Retorno y reintegración", "El retorno digno de la persona migrante y su reintegración.", ["21"], "activity", ["CO"], 2023),
    ("resource:7", "es", "Migración y cambio climático", "Las migraciones por desastres y el cambio climático en Centroamérica.", ["2"], "resource", ["GT"], 2022),
    ("resource:8", "es", "Niñez migrante no acompañada", "La protección de la niñez migrante y el fin de la detención infantil.", ["7", "13"], "resource", ["GT", "MX"], 2021),
    ("resource:9", "es", "Contratación equitativa", "Guía de contratación equitativa para trabajadoras migrantes.", ["6"], "resource", ["CO"], 2019),
    ("practice:6", "es", "Casa del migrante", "Un albergue para migrantes en tránsito con atención médica.", ["7"], "practice", ["GT"], 2020),
    ("practice:7", "es", "Educación para niños migrantes", "Educación e inclusión escolar de niños y niñas migrantes.", ["15"], "practice", ["CO"], 2022),
    ("practice:8", "es", "Remesas digitales", "Una plataforma digital redujo el costo de enviar remesas.", ["20"], "practice", ["GT"], None),
]
# fmt: on


def corpus() -> list[SearchDocument]:
    docs = []
    for doc_id, language, title, body, objectives, kind, countries, year in _ROWS:
        facets = {"objective": objectives, "type": [kind], "country": countries, "language": [language]}
        if year:
            facets["year"] = [str(year)]
        docs.append(
            SearchDocument(
                id=doc_id,
                kind=kind,
                language=language,
                title=title,
                body=body,
                date=datetime.date(year, 6, 1) if year else None,
                facets=facets,
            )
        )
    return docs


# fmt: off
MIGRANT = {
    "activity:1",
    "activity:2",
    "activity:5",
    "resource:1",
    "resource:3",
    "activity:6",
    "activity:7",
    "activity:9",
    "resource:5",
    "practice:3",
    "practice:4",
    "activity:10",
    "activity:11",
    "activity:13",
    "resource:8",
    "resource:9",
    "practice:6",
    "practice:7",
}
# fmt: on
DETENTION = {"activity:1", "activity:4", "practice:2", "activity:6", "resource:5", "activity:10", "resource:8"}

# (query text, filters, ids expected). Expectations are written by hand from the corpus above.
QUERIES = [
    # English and French "detention", Spanish "detención": one word across languages (cognates).
    ("detention", {}, DETENTION),
    ("détention", {}, DETENTION),
    ("detencion", {}, DETENTION),
    ("DETENCIÓN", {}, DETENTION),
    ("detention", {"language": ["es"]}, {"activity:10", "resource:8"}),
    ("remesa", {}, {"activity:11", "practice:8"}),
    ("remittance", {}, {"activity:2", "practice:1"}),
    # "migrations" also stands for the Spanish "migraciones" (and so "migración").
    (
        "migrations",
        {},
        {"activity:3", "activity:8", "resource:1", "resource:2", "resource:4", "activity:12", "resource:7"},
    ),
    # Stemmed in every language: the Spanish and French plurals, and the English "migrants".
    ("migrante", {}, MIGRANT),
    # Any word may match (the documents with both rank first: backend_cases).
    ("migrant detention", {}, MIGRANT | DETENTION),
    ("migrants", {"type": ["practice"]}, {"practice:3", "practice:4"}),
    ("education", {}, {"practice:4", "practice:7"}),
    ("educacion", {}, {"practice:4", "practice:7"}),
    ("educación", {"language": ["fr"]}, {"practice:4"}),
    (
        "",
        {"objective": ["13"], "country": ["MX", "MA"]},
        {"activity:1", "activity:4", "activity:6", "activity:10", "practice:2", "resource:8"},
    ),
    ("retour", {}, {"activity:9"}),
    ("zzzunknownword", {}, set()),
]
