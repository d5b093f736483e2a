"""Demo content for discussions (issue 11 §7): a regional review's space, the champion countries'
restricted space with the consultation on the draft guidance for national implementation plans
(26 February – 16 April 2021, three questions in English, French and Spanish), and a Network tool's
feedback topic; threads with replies in three languages, the Network's reply, a comment awaiting
moderation and a hidden comment whose author has appealed. Then the events (`load_events_demo`): a
series of listening sessions ahead of the IMRF, held and upcoming ones (one full with a waitlist), a
GCM Talk and a training.

Loading is idempotent: spaces and topics are keyed by slug and their texts updated; comments,
moderation and appeals are written once, when the topic has none. The knowledge demo and the demo
accounts of `gcmhub demo` come first (resources are linked by slug when they exist).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from gcmhub.consultations.models import (
    Appeal,
    Comment,
    Flag,
    Membership,
    ModerationAction,
    Question,
    Reason,
    Space,
    Topic,
    Visibility,
)
from gcmhub.knowledge.models import Resource

MODERATOR = "moderator@demo.gcmhub.org"
SECOND_MODERATOR = "moderator2@demo.gcmhub.org"
EL_SALVADOR = "elsalvador@demo.gcmhub.org"
CIVIL_SOCIETY = "civil-society@demo.gcmhub.org"
SECRETARIAT = "secretariat@demo.gcmhub.org"
IOM = "iom@demo.gcmhub.org"
MOROCCO = "morocco@demo.gcmhub.org"
STAKEHOLDER = "stakeholder@demo.gcmhub.org"
OHCHR = "ohchr@demo.gcmhub.org"

# (e-mail, full name, language, role kind, organisation acronym or country ISO3), as in `gcmhub demo`.
DISCUSSION_ACCOUNTS = [
    (MODERATOR, "Mateo Moderator", "es", None, None),
    (SECOND_MODERATOR, "Nadia Moderatrice", "fr", None, None),
    (EL_SALVADOR, "Ernesto Focal (El Salvador)", "es", "member_state_focal_point", "SLV"),
    (CIVIL_SOCIETY, "Kwame Civil Society", "en", None, None),
]
ACCOUNT_NOTES = {
    MODERATOR: "moderates the discussions; hid a comment whose appeal is pending",
    SECOND_MODERATOR: "moderates the discussions; decides the pending appeal",
    EL_SALVADOR: "champion countries' space",
    CIVIL_SOCIETY: "author of the hidden comment, has appealed",
}


def _at(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


def _spaces(now):
    return [
        {
            "slug": "africa-regional-review",
            "visibility": Visibility.PUBLIC,
            "title": {
                "en": "Regional review of the Global Compact in Africa",
                "fr": "Examen régional du Pacte mondial en Afrique",
                "es": "Examen regional del Pacto Mundial en África",
            },
            "description": {
                "en": "Member States, stakeholders and the Network prepare the regional review together: what has "
                "changed since the last review, what works, and what the review should recommend.",
                "fr": "États Membres, parties prenantes et Réseau préparent ensemble l'examen régional : ce qui a "
                "changé depuis le dernier examen, ce qui fonctionne et ce que l'examen devrait recommander.",
            },
            "managers": [SECRETARIAT],
            "members": [],
        },
        {
            "slug": "champion-countries",
            "visibility": Visibility.RESTRICTED,
            "title": {"en": "Champion countries", "fr": "Pays champions", "es": "Países campeones"},
            "description": {
                "en": "The space of the champion countries' focal points and the Network: peer exchange and "
                "consultations on the Network's guidance before it is published.",
                "fr": "L'espace des points focaux des pays champions et du Réseau : échanges entre pairs et "
                "consultations sur les orientations du Réseau avant leur publication.",
                "es": "El espacio de los puntos focales de los países campeones y de la Red: intercambio entre "
                "pares y consultas sobre las orientaciones de la Red antes de su publicación.",
            },
            "managers": [SECRETARIAT],
            "members": [MOROCCO, EL_SALVADOR, IOM, OHCHR],
        },
        {
            "slug": "network-tools",
            "visibility": Visibility.PUBLIC,
            "title": {
                "en": "Feedback on the Network's tools",
                "fr": "Avis sur les outils du Réseau",
                "es": "Opiniones sobre las herramientas de la Red",
            },
            "description": {
                "en": "One topic per tool or guidance of the Network: tell its authors how you use it and what "
                "would make it better. Their answers are marked as the Network's reply.",
            },
            "managers": [SECRETARIAT],
            "members": [],
        },
    ]


def _topics(now):
    return [
        {
            "slug": "labour-mobility-africa",
            "space": "africa-regional-review",
            "source_language": "en",
            "title": {
                "en": "Labour mobility and regional integration",
                "fr": "Mobilité de main-d'œuvre et intégration régionale",
            },
            "introduction": {
                "en": "The African Union's free movement protocol and regional economic communities' schemes open "
                "regular pathways for workers. Which arrangements have worked in your country, and what "
                "stands in the way of fair recruitment and the portability of social protection?",
                "fr": "Le protocole de l'Union africaine sur la libre circulation et les dispositifs des "
                "communautés économiques régionales ouvrent des voies régulières aux travailleurs. Quels "
                "arrangements ont fonctionné dans votre pays, et qu'est-ce qui freine le recrutement "
                "équitable et la portabilité de la protection sociale ?",
            },
            "audience": {"en": "Governments, trade unions, employers, migrants' and diaspora organisations"},
            "languages": ["en", "fr"],
            "time_zone": "Africa/Addis_Ababa",
            "opens_at": now - datetime.timedelta(days=12),
            "closes_at": now + datetime.timedelta(days=40),
            "moderation": Topic.Moderation.POST,
            "moderators": [MODERATOR, SECOND_MODERATOR],
            "questions": [
                {
                    "en": "Which bilateral or regional labour agreements have made recruitment fairer?",
                    "fr": "Quels accords bilatéraux ou régionaux ont rendu le recrutement plus équitable ?",
                },
                {
                    "en": "How can migrant workers keep their social security rights when they move on or return?",
                    "fr": "Comment les travailleurs migrants peuvent-ils garder leurs droits à la sécurité "
                    "sociale lorsqu'ils repartent ou rentrent ?",
                },
            ],
            "resources": ["demo-bilateral-labour-agreements", "demo-fair-recruitment-costs"],
        },
        {
            "slug": "social-protection-africa",
            "space": "africa-regional-review",
            "source_language": "fr",
            "title": {
                "fr": "Accès des travailleurs migrants à la protection sociale",
                "en": "Migrant workers' access to social protection",
            },
            "introduction": {
                "fr": "Les commentaires sur ce sujet sont publiés après relecture par un modérateur. Partagez "
                "des exemples concrets d'accès aux soins, aux pensions ou aux allocations.",
                "en": "Comments on this topic are published once a moderator has read them. Share concrete "
                "examples of access to health care, pensions or benefits.",
            },
            "audience": {"fr": "Administrations du travail et de la sécurité sociale, syndicats, associations"},
            "languages": ["fr", "en"],
            "time_zone": "Africa/Dakar",
            "opens_at": now - datetime.timedelta(days=5),
            "closes_at": now + datetime.timedelta(days=25),
            "moderation": Topic.Moderation.PRE,
            "moderators": [MODERATOR, SECOND_MODERATOR],
            "questions": [],
            "resources": [],
        },
        {
            "slug": "draft-guidance-nip",
            "space": "champion-countries",
            "source_language": "en",
            "title": {
                "en": "Consultation on the draft guidance for national implementation plans",
                "fr": "Consultation sur le projet d'orientations pour les plans nationaux de mise en œuvre",
                "es": "Consulta sobre el proyecto de orientaciones para los planes nacionales de aplicación",
            },
            "introduction": {
                "en": "Core Working Group 2.2 (IOM, OHCHR and UNDP) shares the draft of “Implementing the GCM: "
                "Guidance for governments and all relevant stakeholders” with the champion countries. "
                "Please answer the three questions below, in the language you prefer.",
                "fr": "Le groupe de travail 2.2 (OIM, HCDH et PNUD) partage avec les pays champions le projet "
                "d'orientations « Mettre en œuvre le Pacte mondial ». Merci de répondre aux trois questions "
                "ci-dessous, dans la langue de votre choix.",
                "es": "El grupo de trabajo 2.2 (OIM, ACNUDH y PNUD) comparte con los países campeones el "
                "proyecto de orientaciones «Aplicar el Pacto Mundial». Les rogamos responder a las tres "
                "preguntas siguientes en el idioma que prefieran.",
            },
            "audience": {
                "en": "Champion countries' focal points",
                "fr": "Points focaux des pays champions",
                "es": "Puntos focales de los países campeones",
            },
            "languages": ["en", "es", "fr"],  # data: what this consultation was held in
            "time_zone": "America/New_York",
            "opens_at": _at(2021, 2, 26, 14),
            "closes_at": _at(2021, 4, 16, 22),
            "moderation": Topic.Moderation.PRE,
            "moderators": [MODERATOR, IOM],
            "questions": [
                {
                    "en": "Does the guidance reflect the 360-degree vision and the guiding principles of the "
                    "Global Compact?",
                    "fr": "Les orientations reflètent-elles la vision à 360 degrés et les principes directeurs "
                    "du Pacte mondial ?",
                    "es": "¿Reflejan las orientaciones la visión de 360 grados y los principios rectores del "
                    "Pacto Mundial?",
                },
                {
                    "en": "Would the suggested six-step process help your government build its plan?",
                    "fr": "Le processus en six étapes proposé aiderait-il votre gouvernement à élaborer son plan ?",
                    "es": "¿Ayudaría el proceso de seis pasos propuesto a su gobierno a elaborar su plan?",
                },
                {
                    "en": "What would make the guidance a living document?",
                    "fr": "Qu'est-ce qui ferait de ces orientations un document évolutif ?",
                    "es": "¿Qué haría de estas orientaciones un documento vivo?",
                },
            ],
            "resources": ["demo-nip-guide", "demo-nip-booklet"],
        },
        {
            "slug": "bilateral-labour-agreements-guidance",
            "space": "network-tools",
            "source_language": "en",
            "title": {
                "en": "Guidance on bilateral labour migration agreements: your feedback",
                "es": "Orientaciones sobre acuerdos bilaterales de migración laboral: su opinión",
            },
            "introduction": {
                "en": "How have you used the guidance when negotiating or reviewing an agreement? What is "
                "missing? The ILO and IOM focal points answer here.",
            },
            "audience": {"en": "Labour ministries, social partners, researchers"},
            "languages": ["en", "es", "fr"],
            "time_zone": "Europe/Zurich",
            "opens_at": now - datetime.timedelta(days=60),
            "closes_at": None,
            "moderation": Topic.Moderation.POST,
            "moderators": [MODERATOR],
            "questions": [],
            "resources": [],
            "tool": "demo-bilateral-labour-agreements",
        },
    ]


def _users():
    from gcmhub.accounts.models import User

    return {user.email: user for user in User.objects.filter(email__endswith="@demo.gcmhub.org")}


@transaction.atomic
def load_discussions_demo(now=None) -> dict[str, int]:
    now = now or timezone.now()
    users = _users()
    spaces = {}
    for row in _spaces(now):
        space, _created = Space.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "source_language": "en",
                "visibility": row["visibility"],
                **{f"title_{code}": text for code, text in row["title"].items()},
                **{f"description_{code}": text for code, text in row["description"].items()},
            },
        )
        for email in row["managers"]:
            if email in users:
                Membership.objects.update_or_create(
                    space=space, user=users[email], defaults={"role": Membership.Role.MANAGER}
                )
        for email in row["members"]:
            if email in users:
                Membership.objects.get_or_create(space=space, user=users[email])
        spaces[space.slug] = space
    resources = {r.slug: r for r in Resource.objects.filter(slug__startswith="demo-")}
    topics = {}
    for row in _topics(now):
        tool = resources.get(row.get("tool", ""))
        topic, _created = Topic.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "space": spaces[row["space"]],
                "source_language": row["source_language"],
                **{
                    f"{name}_{code}": text
                    for name in ("title", "introduction", "audience")
                    for code, text in row[name].items()
                },
                "languages": row["languages"],
                "time_zone": row["time_zone"],
                "opens_at": row["opens_at"],
                "closes_at": row["closes_at"],
                "published_at": row["opens_at"] - datetime.timedelta(days=1),
                "moderation": row["moderation"],
                "tool": tool,
            },
        )
        topic.moderators.set([users[email] for email in row["moderators"] if email in users])
        topic.resources.set([resources[slug] for slug in row["resources"] if slug in resources])
        if not topic.questions.exists():
            for order, texts in enumerate(row["questions"], start=1):
                Question.objects.create(
                    topic=topic,
                    order=order,
                    source_language=row["source_language"],
                    posted_by=users.get(MODERATOR),
                    posted_at=row["opens_at"],
                    **{f"text_{code}": text for code, text in texts.items()},
                )
        topics[topic.slug] = topic
    summary = _summary_report(topics["draft-guidance-nip"], now)
    counts = {"spaces": len(spaces), "topics": len(topics), "comments": 0}
    if all(key in users for key in (MODERATOR, SECOND_MODERATOR, EL_SALVADOR, CIVIL_SOCIETY, MOROCCO, IOM)):
        counts["comments"] += _labour_mobility(topics["labour-mobility-africa"], users, now)
        counts["comments"] += _social_protection(topics["social-protection-africa"], users, now)
        counts["comments"] += _draft_guidance(topics["draft-guidance-nip"], users)
        counts["comments"] += _tool_feedback(topics["bilateral-labour-agreements-guidance"], users, now)
    counts["summary_report"] = 1 if summary else 0
    counts.update(load_events_demo(now))
    return counts


def _summary_report(topic: Topic, now) -> Resource | None:
    """The closed consultation's summary report, a Hub resource linked both ways."""
    report, _created = Resource.objects.update_or_create(
        slug="demo-summary-draft-guidance-consultation",
        defaults={
            "kind": Resource.Kind.MEETING_SUMMARY,
            "status": Resource.Status.PUBLISHED,
            "source_language": "en",
            "title_en": "Summary of the champion countries' consultation on the draft NIP guidance",
            "title_fr": "Synthèse de la consultation des pays champions sur le projet d'orientations",
            "title_es": "Resumen de la consulta de los países campeones sobre el proyecto de orientaciones",
            "summary_en": "What the champion countries said about the draft guidance between 26 February and "
            "16 April 2021, and how the final text answers it.",
            "publication_date": datetime.date(2021, 6, 15),
            "languages": ["en", "es", "fr"],  # the report's language versions
            "published_at": _at(2021, 6, 15),
            "is_general": True,
        },
    )
    if topic.summary_report_id != report.pk:
        topic.summary_report = report
        topic.save(update_fields=["summary_report"])
    return report


def _comment(topic, author, body, language, when, *, parent=None, question=None, status="published", **extra):
    comment = Comment.objects.create(
        topic=topic,
        author=author,
        body=body,
        language=language,
        parent=parent,
        depth=parent.depth + 1 if parent is not None else 0,
        question=question,
        status=status,
        created_at=when,
        published_at=when if status == Comment.Status.PUBLISHED else None,
        **extra,
    )
    comment.thread_id = parent.thread_id if parent is not None else comment.pk
    comment.save(update_fields=["thread"])
    return comment


def _labour_mobility(topic: Topic, users, now) -> int:
    if topic.comments.exists():
        return 0
    q1, q2 = list(topic.questions.order_by("order"))
    day = datetime.timedelta(days=1)
    first = _comment(
        topic,
        users[MOROCCO],
        "Au Maroc, l'accord avec l'Espagne sur le travail saisonnier agricole a réduit les frais de "
        "recrutement : l'agence publique ANAPEC sélectionne les travailleuses, les employeurs paient le "
        "transport. Reste la question du retour et de la reconnaissance des compétences acquises.",
        "fr",
        now - 10 * day,
        question=q1,
    )
    reply = _comment(
        topic,
        users[CIVIL_SOCIETY],
        "Thank you. Our union network heard from women in the Huelva scheme that contracts were only in "
        "Spanish. Would the ministry consider contracts in Arabic and Tamazight before departure?",
        "en",
        now - 9 * day,
        parent=first,
    )
    _comment(
        topic,
        users[MOROCCO],
        "C'est une bonne suggestion. Depuis 2023, une séance d'orientation avant le départ présente le "
        "contrat en arabe ; nous étudions une version écrite.",
        "fr",
        now - 8 * day,
        parent=reply,
    )
    second = _comment(
        topic,
        users[STAKEHOLDER] if STAKEHOLDER in users else users[CIVIL_SOCIETY],
        "Los acuerdos de seguridad social entre países de origen y destino son la clave: sin ellos, las "
        "cotizaciones de años se pierden al regresar. El Convenio Multilateral Iberoamericano podría "
        "inspirar un instrumento africano.",
        "es",
        now - 7 * day,
        question=q2,
    )
    _comment(
        topic,
        users[IOM],
        "Merci pour cet exemple. Le cadre de l'Union africaine sur la portabilité de la sécurité sociale "
        "s'en inspire en partie ; nous partagerons la note d'analyse dans les documents du sujet.",
        "fr",
        now - 6 * day,
        parent=second,
    )
    hidden = _comment(
        topic,
        users[CIVIL_SOCIETY],
        "The recruiter who cheated our members is Mr K. of Casablanca, phone +212 600 000 000. Everyone "
        "should avoid him.",
        "en",
        now - 4 * day,
        status=Comment.Status.HIDDEN,
    )
    flagger = users.get(EL_SALVADOR) or users[MOROCCO]
    Flag.objects.create(
        comment=hidden,
        user=flagger,
        reason=Reason.PERSONAL_DATA,
        note="Names a private person with a phone number.",
        created_at=now - 4 * day,
        resolved_at=now - 3 * day,
    )
    action = ModerationAction.objects.create(
        kind=ModerationAction.Kind.HIDE,
        actor=users[MODERATOR],
        subject=users[CIVIL_SOCIETY],
        comment=hidden,
        space=topic.space,
        reason=Reason.PERSONAL_DATA,
        note="Your comment names a private person and gives his phone number. Please report the recruiter to "
        "the labour inspection and post again without his details.",
        created_at=now - 3 * day,
    )
    Appeal.objects.create(
        action=action,
        appellant=users[CIVIL_SOCIETY],
        text="This recruiter has been convicted and his name was published by the court. Migrants need to know "
        "whom to avoid. I am happy to remove the phone number.",
        created_at=now - 2 * day,
    )
    return 6


def _social_protection(topic: Topic, users, now) -> int:
    if topic.comments.exists():
        return 0
    author = users.get(STAKEHOLDER) or users[CIVIL_SOCIETY]
    _comment(
        topic,
        author,
        "En Senegal, las trabajadoras domésticas migrantes no pueden afiliarse a la caja de seguridad social "
        "sin un contrato escrito. Proponemos un contrato tipo trilingüe.",
        "es",
        now - datetime.timedelta(hours=20),
        status=Comment.Status.PENDING,
    )
    return 1


def _draft_guidance(topic: Topic, users) -> int:
    if topic.comments.exists():
        return 0
    q1, q2, q3 = list(topic.questions.order_by("order"))
    one = _comment(
        topic,
        users[EL_SALVADOR],
        "El enfoque de 360 grados está bien reflejado. Sugerimos dar más espacio a los gobiernos locales, "
        "que en El Salvador atienden a las personas retornadas desde el primer día.",
        "es",
        _at(2021, 3, 4, 15, 20),
        question=q1,
    )
    _comment(
        topic,
        users[IOM],
        "Merci, nous ajouterons un encadré sur les autorités locales à l'étape 2 (engagement de l'ensemble "
        "de la société).",
        "fr",
        _at(2021, 3, 8, 9, 5),
        parent=one,
    )
    two = _comment(
        topic,
        users[MOROCCO],
        "Le processus en six étapes correspond à ce que le Maroc a fait pour sa stratégie nationale. L'étape "
        "3 (état des lieux) mériterait une liste de sources de données administratives.",
        "fr",
        _at(2021, 3, 15, 11, 40),
        question=q2,
    )
    _comment(
        topic,
        users[EL_SALVADOR],
        "Coincidimos con Marruecos: una lista de fuentes de datos sería muy útil, sobre todo registros "
        "consulares y de seguridad social.",
        "es",
        _at(2021, 3, 16, 17, 0),
        parent=two,
    )
    _comment(
        topic,
        users[OHCHR] if OHCHR in users else users[IOM],
        "To keep it a living document, we suggest an online version on the Hub with examples that countries "
        "add as their plans progress, reviewed once a year by the working group.",
        "en",
        _at(2021, 4, 2, 13, 30),
        question=q3,
    )
    return 5


def _tool_feedback(topic: Topic, users, now) -> int:
    if topic.comments.exists():
        return 0
    question = _comment(
        topic,
        users[EL_SALVADOR],
        "Usamos la guía para revisar nuestro acuerdo con Canadá. Faltan ejemplos de cláusulas sobre vivienda "
        "de los trabajadores temporales.",
        "es",
        now - datetime.timedelta(days=30),
    )
    _comment(
        topic,
        users[IOM],
        "Thank you: the next edition will include model clauses on housing and on changing employers, drawn "
        "from agreements in the Americas and Asia.",
        "en",
        now - datetime.timedelta(days=27),
        parent=question,
        network_reply=True,
    )
    return 2


# --- Events (issue 11 §3) -------------------------------------------------------------------------
#
# A series of listening sessions ahead of the next International Migration Review Forum: two held
# (recordings, summary reports, the questions people sent), two to come with registrations, one of
# them full with a waitlist; a GCM Talk and a training for the champion countries. Times are
# relative to the day the demo is loaded, so there is always something upcoming.

SERIES_SLUG = "imrf-listening-sessions"


def _events(now) -> list[dict]:
    day = now.replace(minute=0, second=0, microsecond=0)
    return [
        {
            "slug": "listening-session-africa-civil-society",
            "kind": "listening_session",
            "series": True,
            "source_language": "en",
            "title": {
                "en": "Listening session with civil society in Africa",
                "fr": "Session d'écoute avec la société civile en Afrique",
            },
            "description": {
                "en": "Civil-society, migrant and diaspora organisations of the region tell the Network what "
                "the Forum should hear: progress and gaps on regular pathways, decent work and the protection "
                "of migrants in vulnerable situations.",
                "fr": "Les organisations de la société civile, de migrants et de la diaspora de la région disent "
                "au Réseau ce que le Forum devrait entendre : progrès et lacunes sur les voies régulières, le "
                "travail décent et la protection des migrants en situation de vulnérabilité.",
            },
            "agenda": {
                "en": "1. Welcome by the Network's Secretariat\n2. Three testimonies from the region\n"
                "3. Open floor in English and French\n4. What the Network takes to the Forum",
            },
            "audience": {"en": "Civil society, migrants' and diaspora organisations, trade unions"},
            "time_zone": "Africa/Nairobi",
            "starts_at": day - datetime.timedelta(days=45),
            "hours": 2,
            "format": "online",
            "interpretation": ["en", "fr"],
            "capacity": 300,
            "organisers": ["IOM", "OHCHR"],
            "speakers": [
                ("Amina Diallo", "Coordinator, West African migrants' network"),
                ("Joseph Mwangi", "Kenya Federation of Trade Unions"),
            ],
            "recording": "https://www.youtube.com/watch?v=demo-africa-listening",
            "report": {
                "slug": "demo-summary-listening-session-africa",
                "en": "What civil society in Africa asked of the Forum: summary of the listening session",
                "fr": "Ce que la société civile en Afrique attend du Forum : synthèse de la session d'écoute",
            },
            "registrations": [
                (
                    STAKEHOLDER,
                    "confirmed",
                    "Red de Migrantes Latinoamericanos",
                    "Can the Forum follow up on the recognition of skills of returning migrants?",
                ),
                (
                    CIVIL_SOCIETY,
                    "confirmed",
                    "Pan-African Migrants' Forum",
                    "How will the voices of this session reach the Member States before the Forum?",
                ),
                (MOROCCO, "confirmed", "Ministère délégué chargé des Marocains résidant à l'étranger", ""),
            ],
        },
        {
            "slug": "listening-session-americas",
            "kind": "listening_session",
            "series": True,
            "source_language": "es",
            "title": {
                "es": "Sesión de escucha: América Latina y el Caribe",
                "en": "Listening session: Latin America and the Caribbean",
            },
            "description": {
                "es": "Gobiernos locales, academia y organizaciones de personas migrantes comparten prácticas "
                "sobre regularización, integración y movilidad por causas climáticas en la región.",
                "en": "Local governments, academia and migrants' organisations share practices on "
                "regularisation, integration and climate mobility in the region.",
            },
            "agenda": {"es": "1. Apertura\n2. Panel regional\n3. Diálogo abierto\n4. Conclusiones"},
            "audience": {"es": "Gobiernos locales, academia, sociedad civil", "en": "Local governments, academia"},
            "time_zone": "America/Santiago",
            "starts_at": day - datetime.timedelta(days=20),
            "hours": 3,
            "format": "hybrid",
            "place": "CEPAL, Av. Dag Hammarskjöld 3477, Santiago de Chile",
            "interpretation": ["es", "en"],
            "capacity": 120,
            "organisers": ["IOM"],
            "speakers": [
                ("Lucía Fernández", "Municipalidad de Quilicura"),
                ("Ernesto Rivas", "Focal point of El Salvador for the GCM"),
            ],
            "recording": "https://www.youtube.com/watch?v=demo-americas-listening",
            "report": {
                "slug": "demo-summary-listening-session-americas",
                "es": "Resumen de la sesión de escucha de América Latina y el Caribe",
                "en": "Summary of the listening session for Latin America and the Caribbean",
            },
            "registrations": [
                (
                    EL_SALVADOR,
                    "confirmed",
                    "Ministerio de Relaciones Exteriores de El Salvador",
                    "¿Cómo medir la integración a nivel local?",
                ),
                (STAKEHOLDER, "confirmed", "Red de Migrantes Latinoamericanos", ""),
            ],
        },
        {
            "slug": "listening-session-migrant-organisations",
            "kind": "listening_session",
            "series": True,
            "source_language": "en",
            "title": {
                "en": "Listening session with migrant-led and diaspora organisations",
                "fr": "Session d'écoute avec les organisations de migrants et de la diaspora",
                "es": "Sesión de escucha con organizaciones de personas migrantes y de la diáspora",
            },
            "description": {
                "en": "A small-group session (seats are limited so that everyone can speak) on what migrants' "
                "own organisations expect of the Forum's progress declaration.",
            },
            "agenda": {"en": "1. Round of introductions\n2. Three questions to the group\n3. Wrap-up"},
            "audience": {"en": "Migrant-led and diaspora organisations"},
            "time_zone": "Europe/Zurich",
            "starts_at": day + datetime.timedelta(days=6),
            "hours": 2,
            "format": "online",
            "interpretation": ["en", "es", "fr"],
            "capacity": 3,
            "required": ["organisation"],
            "organisers": ["IOM", "OHCHR"],
            "speakers": [("Kwame Mensah", "Moderator, African diaspora platform")],
            "registrations": [
                (CIVIL_SOCIETY, "confirmed", "Pan-African Migrants' Forum", "What follow-up after the Forum?"),
                (STAKEHOLDER, "confirmed", "Red de Migrantes Latinoamericanos", ""),
                (EL_SALVADOR, "confirmed", "Consejo Nacional para la Protección del Migrante", ""),
                (MOROCCO, "waitlisted", "Conseil de la communauté marocaine à l'étranger", ""),
                (OHCHR, "waitlisted", "OHCHR", ""),
            ],
        },
        {
            "slug": "listening-session-local-authorities",
            "kind": "listening_session",
            "series": True,
            "source_language": "fr",
            "title": {
                "fr": "Session d'écoute avec les autorités locales et régionales",
                "en": "Listening session with local and regional authorities",
            },
            "description": {
                "fr": "Villes et régions présentent leur mise en œuvre du Pacte mondial et ce qu'elles attendent "
                "du Forum.",
                "en": "Cities and regions present how they implement the Global Compact and what they expect of "
                "the Forum.",
            },
            "audience": {"fr": "Autorités locales et régionales", "en": "Local and regional authorities"},
            "time_zone": "Europe/Zurich",
            "starts_at": day + datetime.timedelta(days=20),
            "hours": 2,
            "format": "online",
            "interpretation": ["fr", "en", "es", "ar"],
            "capacity": 150,
            "organisers": ["IOM"],
            "speakers": [("Fatou Sarr", "Mairie de Dakar"), ("Carlos Gómez", "Mayors Migration Council")],
            "registrations": [(MOROCCO, "confirmed", "Commune de Rabat", "")],
        },
        {
            "slug": "gcm-talk-climate-mobility",
            "kind": "gcm_talk",
            "series": False,
            "source_language": "en",
            "title": {
                "en": "GCM Talk: regular pathways for people moving in the context of climate change",
                "fr": "GCM Talk : des voies régulières pour les personnes qui se déplacent face au changement "
                "climatique",
                "es": "GCM Talk: vías regulares para las personas que se desplazan por el cambio climático",
            },
            "description": {
                "en": "Forty-five minutes with practitioners on humanitarian visas, labour mobility schemes and "
                "planned relocation, followed by questions from the audience.",
            },
            "time_zone": "America/New_York",
            "starts_at": day + datetime.timedelta(days=12),
            "hours": 1,
            "format": "online",
            "interpretation": ["en", "es", "fr"],
            "capacity": None,
            "organisers": ["IOM", "OHCHR"],
            "speakers": [
                ("Dr. Sonia Leal", "Researcher on climate mobility"),
                ("Tevita Fifita", "Pacific labour mobility scheme"),
            ],
            "registrations": [(STAKEHOLDER, "confirmed", "Red de Migrantes Latinoamericanos", "")],
        },
        {
            "slug": "training-nip-guidance-champions",
            "kind": "training",
            "series": False,
            "source_language": "en",
            "title": {
                "en": "Training on the guidance for national implementation plans",
                "fr": "Formation aux orientations pour les plans nationaux de mise en œuvre",
                "es": "Formación sobre las orientaciones para los planes nacionales de implementación",
            },
            "description": {
                "en": "A one-day training for the focal points of champion countries on the six steps of the "
                "guidance, with exercises on the country's own plan.",
            },
            "agenda": {
                "en": "09:30 The six steps\n11:00 Mapping the whole of government\n14:00 Indicators and "
                "reporting\n16:00 Peer exchange",
            },
            "audience": {"en": "Focal points of champion countries"},
            "time_zone": "Europe/Zurich",
            "starts_at": day + datetime.timedelta(days=30),
            "hours": 7,
            "format": "in_person",
            "place": "Palais des Nations, Geneva, Room XXIV",
            "interpretation": ["en", "es", "fr"],
            "capacity": 25,
            "required": ["organisation", "country"],
            "organisers": ["IOM"],
            "speakers": [("Network Secretariat", "UN Network on Migration")],
            "registrations": [(MOROCCO, "confirmed", "Ministère des Affaires étrangères du Maroc", "")],
        },
    ]


def _event_report(row: dict, when) -> Resource:
    spec = row["report"]
    texts = {code: text for code, text in spec.items() if code != "slug"}
    report, _created = Resource.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            "kind": Resource.Kind.MEETING_SUMMARY,
            "status": Resource.Status.PUBLISHED,
            "source_language": row["source_language"],
            **{f"title_{code}": text for code, text in texts.items()},
            "summary_en": "What participants said, the questions they sent when registering, and what the "
            "Network takes to the International Migration Review Forum.",
            "publication_date": when.date(),
            "languages": sorted(texts),
            "published_at": when,
            "is_general": True,
        },
    )
    return report


@transaction.atomic
def load_events_demo(now=None) -> dict[str, int]:
    from gcmhub.consultations.models import Event, EventSeries, Registration, Speaker
    from gcmhub.taxonomy.models import Country, Organisation

    now = now or timezone.now()
    users = _users()
    series, _created = EventSeries.objects.update_or_create(
        slug=SERIES_SLUG,
        defaults={
            "source_language": "en",
            "title_en": "Listening sessions ahead of the International Migration Review Forum",
            "title_fr": "Sessions d'écoute en vue du Forum d'examen des migrations internationales",
            "title_es": "Sesiones de escucha con miras al Foro de Examen de la Migración Internacional",
            "description_en": "Before each Forum, the Network listens to stakeholders region by region and "
            "group by group; what is said feeds the Secretary-General's report and the Forum's round tables.",
            "description_fr": "Avant chaque Forum, le Réseau écoute les parties prenantes, région par région et "
            "groupe par groupe ; ce qui est dit nourrit le rapport du Secrétaire général et les tables rondes.",
        },
    )
    organisations = {
        getattr(o, "acronym_en", ""): o for o in Organisation.objects.filter(acronym_en__in=["IOM", "OHCHR"])
    }
    countries = {c.iso3: c for c in Country.objects.filter(iso3__in=["MAR", "SLV"])}
    counts = {"events": 0, "registrations": 0}
    for row in _events(now):
        starts = row["starts_at"]
        event, _created = Event.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "kind": row["kind"],
                "series": series if row["series"] else None,
                "source_language": row["source_language"],
                **{
                    f"{name}_{code}": text
                    for name in ("title", "description", "agenda", "audience")
                    for code, text in row.get(name, {}).items()
                },
                "time_zone": row["time_zone"],
                "starts_at": starts,
                "ends_at": starts + datetime.timedelta(hours=row["hours"]),
                "format": row["format"],
                "place": row.get("place", ""),
                "online_link": "" if row["format"] == "in_person" else f"https://meet.example.org/{row['slug']}",
                "interpretation_languages": row["interpretation"],
                "capacity": row["capacity"],
                "required_questions": row.get("required", []),
                "recording_url": row.get("recording", ""),
                "published_at": starts - datetime.timedelta(days=30),
            },
        )
        if "report" in row:
            report = _event_report(row, starts + datetime.timedelta(days=14))
            if event.summary_report_id != report.pk:
                event.summary_report = report
                event.save(update_fields=["summary_report"])
        event.organisers.set([organisations[a] for a in row["organisers"] if a in organisations])
        event.managers.set([users[email] for email in (IOM, SECRETARIAT) if email in users])
        if not event.speakers.exists():
            for order, (name, role) in enumerate(row["speakers"]):
                Speaker.objects.create(event=event, order=order, name=name, role=role)
        if not event.registrations.exists():
            for n, (email, status, organisation, question) in enumerate(row["registrations"]):
                user = users.get(email)
                if user is None:
                    continue
                when = starts - datetime.timedelta(days=10 - n)
                Registration.objects.create(
                    event=event,
                    user=user,
                    status=status,
                    organisation=organisation,
                    country=countries.get({MOROCCO: "MAR", EL_SALVADOR: "SLV"}.get(email, "")),
                    question=question,
                    language=user.preferred_language,
                    created_at=when,
                    queued_at=when,
                    reminded_at=when if starts < now else None,
                )
                counts["registrations"] += 1
        counts["events"] += 1
    return counts
