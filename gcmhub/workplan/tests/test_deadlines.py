import re
from datetime import date
from pathlib import Path

import pytest

from gcmhub.workplan.deadlines import ParsedDeadline, Period, parse_deadline

PLAN = {"plan_start": date(2021, 1, 1), "plan_end": date(2022, 12, 31)}
SEED = Path(__file__).resolve().parents[1] / "data" / "workplan-2021-2022-fr.txt"
CONTINUATION = "poursuite de l'activité par le Réseau"


def p(start: str, end: str, label: str = "", inferred: bool = False) -> Period:
    return Period(date.fromisoformat(start), date.fromisoformat(end), label=label, year_inferred=inferred)


Y2021 = p("2021-01-01", "2021-12-31")
Y2021_2022 = p("2021-01-01", "2022-12-31")
Q1_2021 = p("2021-01-01", "2021-03-31")
Q2_2021 = p("2021-04-01", "2021-06-30")
Q1_Q2_2021 = p("2021-01-01", "2021-06-30")
Q2_Q3_2021 = p("2021-04-01", "2021-09-30")
Q2_Q4_2021 = p("2021-04-01", "2021-12-31")
Q1_Q2_2022 = p("2022-01-01", "2022-06-30")
JULY_2021 = p("2021-07-01", "2021-07-31")
Q3_Q4_2021_CONTINUED = p("2021-07-01", "2021-12-31", CONTINUATION, inferred=True)

# Every deadline written in the seed document, as written there: (text, periods, ongoing).
SEED_DEADLINES = [
    ("2021-2022", [Y2021_2022], False),
    ("2021", [Y2021], False),
    ("2021 et 2022", [Y2021_2022], False),
    ("2e trimestre 2021", [Q2_2021], False),
    ("1er trimestre 2021", [Q1_2021], False),
    ("février 2021", [p("2021-02-01", "2021-02-28")], False),
    ("juillet 2021", [JULY_2021], False),
    ("2021-1er trimestre 2022", [p("2021-01-01", "2022-03-31")], False),
    ("1er trimestre-2e trimestre 2021", [Q1_Q2_2021], False),
    ("1er trimestre – 2e trimestre 2021", [Q1_Q2_2021], False),
    (
        "3e trimestre-4e trimestre 2021 ; 1er trimestre-2e trimestre 2022",
        [p("2021-07-01", "2021-12-31"), Q1_Q2_2022],
        False,
    ),
    (
        "juillet 2021 (poursuite de l'activité par le Réseau aux 3e et 4e trimestres)",
        [JULY_2021, Q3_Q4_2021_CONTINUED],
        False,
    ),
    (
        "2e trimestre 2021 (poursuite de l'activité par le Réseau aux 3e et 4e trimestres)",
        [Q2_2021, Q3_Q4_2021_CONTINUED],
        False,
    ),
    (
        "1er trimestre (élaboration d'orientations) ; 2e trimestre-4e trimestre (expérimentation)",
        [
            p("2021-01-01", "2021-03-31", "élaboration d'orientations", inferred=True),
            p("2021-04-01", "2021-12-31", "expérimentation", inferred=True),
        ],
        False,
    ),
    ("1^{er} trimestre 2021 et 2^e trimestre 2022", [Q1_2021, p("2022-04-01", "2022-06-30")], False),
    ("2^e et 3^e trimestres 2021 et en cours", [Q2_Q3_2021], True),
    ("2e et 3e trimestres 2021 et en cours", [Q2_Q3_2021], True),
    ("2^e trimestre-4^e trimestre 2021", [Q2_Q4_2021], False),
    ("2e trimestre-4e trimestre 2021", [Q2_Q4_2021], False),
    ("1^{er} et 2^e trimestres 2022", [Q1_Q2_2022], False),
    ("1er et 2e trimestres 2022", [Q1_Q2_2022], False),
]


def seed_deadline_texts() -> set[str]:
    texts = set()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        match = re.search(r"Échéance\s*:\s*(.*?)(?:\]\([^)]*\))?\s*$", line)
        if match:
            texts.add(match.group(1).strip())
    return texts


def test_it_has_a_case_for_every_deadline_of_the_seed_document():
    assert seed_deadline_texts() - {text for text, _, _ in SEED_DEADLINES} == set()


@pytest.mark.parametrize(("text", "periods", "ongoing"), SEED_DEADLINES, ids=[c[0] for c in SEED_DEADLINES])
def test_it_parses_the_seed_deadlines(text, periods, ongoing):
    parsed = parse_deadline(text, **PLAN)
    assert parsed == ParsedDeadline(text=text, periods=periods, ongoing=ongoing, ok=True)


@pytest.mark.parametrize(
    "line", ["[Échéance : 2021](#)", "Échéance : 2021", "- Échéance : 2021", "ECHEANCE: 2021", "[Échéance : 2021]"]
)
def test_it_is_lenient_with_the_line_as_written_in_the_document(line):
    parsed = parse_deadline(line, **PLAN)
    assert (parsed.periods, parsed.ok, parsed.text) == ([Y2021], True, line)


# (text, periods, ongoing) in English, Spanish, and other French spellings.
OTHER_DEADLINES = [
    # years
    ("2021 and 2022", [Y2021_2022], False),
    ("2021 y 2022", [Y2021_2022], False),
    ("2021 – 2022", [Y2021_2022], False),
    ("2021—2022", [Y2021_2022], False),
    ("2021/2022", [Y2021_2022], False),
    ("Timeline: 2021-2022", [Y2021_2022], False),
    # quarters
    ("Q2 2021", [Q2_2021], False),
    ("q2 2021", [Q2_2021], False),
    ("T2 2021", [Q2_2021], False),
    ("T2-2021", [Q2_2021], False),
    ("second quarter of 2021", [Q2_2021], False),
    ("Second Quarter 2021", [Q2_2021], False),
    ("2nd quarter 2021", [Q2_2021], False),
    ("Deadline: 2nd quarter 2021", [Q2_2021], False),
    ("segundo trimestre de 2021", [Q2_2021], False),
    ("2.º trimestre de 2021", [Q2_2021], False),
    ("2º trimestre de 2021", [Q2_2021], False),
    ("Plazo: segundo trimestre de 2021", [Q2_2021], False),
    ("deuxième trimestre 2021", [Q2_2021], False),
    ("2ème trimestre 2021", [Q2_2021], False),
    ("2E TRIMESTRE 2021", [Q2_2021], False),
    ("2e trimestre 2021.", [Q2_2021], False),
    ("1<sup>er</sup> trimestre 2021", [Q1_2021], False),
    ("1ᵉʳ trimestre 2021", [Q1_2021], False),
    ("premier trimestre 2021", [Q1_2021], False),
    ("first quarter 2021", [Q1_2021], False),
    ("primer trimestre de 2021", [Q1_2021], False),
    ("1st quarter of 2021", [Q1_2021], False),
    # halves
    ("first half of 2021", [Q1_Q2_2021], False),
    ("H2 2021", [p("2021-07-01", "2021-12-31")], False),
    ("2e semestre 2021", [p("2021-07-01", "2021-12-31")], False),
    # ranges
    ("1er trimestre-2e trimestre 2021", [Q1_Q2_2021], False),
    ("1er trimestre — 2e trimestre 2021", [Q1_Q2_2021], False),
    ("1er trimestre -2e trimestre 2021", [Q1_Q2_2021], False),
    ("Q1-Q2 2021", [Q1_Q2_2021], False),
    ("Q3 2021 - Q2 2022", [p("2021-07-01", "2022-06-30")], False),
    ("third quarter of 2021 to second quarter of 2022", [p("2021-07-01", "2022-06-30")], False),
    ("from Q1 to Q2 2021", [Q1_Q2_2021], False),
    ("between Q1 and Q2 2021", [Q1_Q2_2021], False),
    ("du 1er au 2e trimestre 2021", [Q1_Q2_2021], False),
    ("del primer al segundo trimestre de 2021", [Q1_Q2_2021], False),
    ("2021-first quarter of 2022", [p("2021-01-01", "2022-03-31")], False),
    ("2021 a primer trimestre de 2022", [p("2021-01-01", "2022-03-31")], False),
    ("de enero a marzo de 2021", [Q1_2021], False),
    ("décembre-février 2022", [p("2021-12-01", "2022-02-28")], False),
    # lists sharing a year: one period when they follow each other, else one each
    ("Q2 and Q3 2021", [Q2_Q3_2021], False),
    ("second and third quarters of 2021", [Q2_Q3_2021], False),
    ("segundo y tercer trimestres de 2021", [Q2_Q3_2021], False),
    ("2.º y 3.er trimestres de 2021", [Q2_Q3_2021], False),
    ("1er, 2e et 3e trimestres 2021", [p("2021-01-01", "2021-09-30")], False),
    ("1er et 3e trimestres 2021", [Q1_2021, p("2021-07-01", "2021-09-30")], False),
    ("Q1 and Q3 2021", [Q1_2021, p("2021-07-01", "2021-09-30")], False),
    ("Q4 2021 and Q1 2022", [p("2021-10-01", "2022-03-31")], False),
    ("juillet et août 2021", [p("2021-07-01", "2021-08-31")], False),
    ("quarters 2 and 3 of 2021", [Q2_Q3_2021], False),
    ("trimestres 2-4 2021", [Q2_Q4_2021], False),
    # months and days
    ("February 2021", [p("2021-02-01", "2021-02-28")], False),
    ("julio de 2021", [JULY_2021], False),
    ("Julio 2021", [JULY_2021], False),
    ("fevrier 2024", [p("2024-02-01", "2024-02-29")], False),
    ("15 juillet 2021", [p("2021-07-15", "2021-07-15")], False),
    ("1er juillet 2021", [p("2021-07-01", "2021-07-01")], False),
    ("6-15 juillet 2021", [p("2021-07-06", "2021-07-15")], False),
    # several periods
    ("1er trimestre 2021 et 2e trimestre 2022", [Q1_2021, p("2022-04-01", "2022-06-30")], False),
    ("Q1 2021 and Q2 2022", [Q1_2021, p("2022-04-01", "2022-06-30")], False),
    ("Q3-Q4 2021; Q1-Q2 2022", [p("2021-07-01", "2021-12-31"), Q1_Q2_2022], False),
    ("2021\n2022", [Y2021, p("2022-01-01", "2022-12-31")], False),
    ("Échéance : 1er trimestre 2021\nÉchéance : 2e trimestre 2022", [Q1_2021, p("2022-04-01", "2022-06-30")], False),
    # continuation and labels
    (
        "July 2021 (continued by the Network in the third and fourth quarters)",
        [JULY_2021, p("2021-07-01", "2021-12-31", "continued by the Network", inferred=True)],
        False,
    ),
    (
        "julio de 2021 (continuación de la actividad por la Red en los trimestres 3.º y 4.º)",
        [JULY_2021, p("2021-07-01", "2021-12-31", "continuación de la actividad por la Red", inferred=True)],
        False,
    ),
    ("juillet 2021 (poursuite en 2022)", [JULY_2021, p("2022-01-01", "2022-12-31", "poursuite")], False),
    (
        "Q1 2021 (drafting) and Q2 2021 (testing)",
        [p("2021-01-01", "2021-03-31", "drafting"), p("2021-04-01", "2021-06-30", "testing")],
        False,
    ),
    (
        "first quarter (guidance); second to fourth quarter (piloting)",
        [
            p("2021-01-01", "2021-03-31", "guidance", inferred=True),
            p("2021-04-01", "2021-12-31", "piloting", inferred=True),
        ],
        False,
    ),
    ("1er trimestre 2021 (phase 2)", [p("2021-01-01", "2021-03-31", "phase 2")], False),
    ("2021 (et en cours)", [Y2021], True),
    # yearless items
    (
        "3e trimestre ; 1er trimestre",
        [p("2021-07-01", "2021-09-30", inferred=True), p("2022-01-01", "2022-03-31", inferred=True)],
        False,
    ),
    ("Q4 2021 - Q1", [p("2021-10-01", "2022-03-31", inferred=True)], False),
    ("1er trimestre 2021 et 2e trimestre", [p("2021-01-01", "2021-06-30", inferred=True)], False),
    # ongoing
    ("Q2 and Q3 2021 and ongoing", [Q2_Q3_2021], True),
    ("2.º y 3.º trimestres de 2021 y en curso", [Q2_Q3_2021], True),
    ("2021, ongoing", [Y2021], True),
    ("En cours", [], True),
    ("ongoing", [], True),
    ("en curso", [], True),
]


@pytest.mark.parametrize(("text", "periods", "ongoing"), OTHER_DEADLINES, ids=[c[0] for c in OTHER_DEADLINES])
def test_it_parses_other_spellings_and_languages(text, periods, ongoing):
    parsed = parse_deadline(text, **PLAN)
    assert parsed == ParsedDeadline(text=text, periods=periods, ongoing=ongoing, ok=True)


# (text, periods understood anyway)
UNPARSEABLE = [
    ("dès que possible", []),
    ("TBD", []),
    ("à déterminer", []),
    ("a determinar", []),
    ("to be determined", []),
    ("?", []),
    ("2e", []),
    ("trimestre 2021", [Y2021]),
    ("5e trimestre 2021", []),
    ("trimestre 5 2021", []),
    ("quarter 2021", [Y2021]),
    ("31 février 2021", []),
    ("45 juillet 2021", []),
    ("2021 -", [Y2021]),
    ("fin 2021", [Y2021]),
    ("2021 ?", [Y2021]),
    ("2021 ; dès que possible", [Y2021]),
    ("(à voir)", []),
]


@pytest.mark.parametrize(("text", "periods"), UNPARSEABLE, ids=[c[0] for c in UNPARSEABLE])
def test_it_flags_text_it_cannot_fully_understand(text, periods):
    parsed = parse_deadline(text, **PLAN)
    assert (parsed.ok, parsed.periods, parsed.text) == (False, periods, text)


def test_it_keeps_the_text_as_written_stripped():
    parsed = parse_deadline("  Échéance : 1^{er} trimestre 2021 \n", **PLAN)
    assert parsed.text == "Échéance : 1^{er} trimestre 2021"
    assert parsed.periods == [Q1_2021]


@pytest.mark.parametrize("text", ["", "   ", "\n", None])
def test_it_reads_no_text_as_no_deadline(text):
    assert parse_deadline(text, **PLAN) == ParsedDeadline(text="", periods=[], ok=True)


def test_it_needs_the_plan_to_date_a_yearless_deadline():
    parsed = parse_deadline("1er trimestre (élaboration d'orientations) ; 2e trimestre-4e trimestre (expérimentation)")
    assert (parsed.ok, parsed.periods) == (False, [])


def test_it_dates_written_years_without_the_plan():
    parsed = parse_deadline("2021-1er trimestre 2022")
    assert (parsed.ok, parsed.periods) == (True, [p("2021-01-01", "2022-03-31")])


def test_it_takes_a_yearless_item_from_the_first_year_of_the_plan():
    parsed = parse_deadline("2e trimestre", plan_start=date(2023, 1, 1), plan_end=date(2024, 12, 31))
    assert parsed.periods == [p("2023-04-01", "2023-06-30", inferred=True)]


def test_it_keeps_a_yearless_item_in_the_plan_when_it_cannot_move_to_the_next_year():
    parsed = parse_deadline("3e trimestre ; 1er trimestre", plan_start=date(2021, 1, 1), plan_end=date(2021, 12, 31))
    assert parsed.periods == [
        p("2021-07-01", "2021-09-30", inferred=True),
        p("2021-01-01", "2021-03-31", inferred=True),
    ]


def test_it_sums_up_the_periods():
    parsed = parse_deadline("juillet 2021 (poursuite de l'activité par le Réseau aux 3e et 4e trimestres)", **PLAN)
    assert (parsed.start, parsed.end, parsed.year_inferred) == (date(2021, 7, 1), date(2021, 12, 31), True)

    parsed = parse_deadline("1^{er} trimestre 2021 et 2^e trimestre 2022", **PLAN)
    assert (parsed.start, parsed.end, parsed.year_inferred) == (date(2021, 1, 1), date(2022, 6, 30), False)

    parsed = parse_deadline("TBD", **PLAN)
    assert (parsed.start, parsed.end, parsed.year_inferred) == (None, None, False)


def test_it_caps_a_label_at_the_length_of_the_period_label_field():
    parsed = parse_deadline("2021 (" + "x" * 300 + ")", **PLAN)
    assert len(parsed.periods[0].label) == 200


def test_it_makes_frozen_periods():
    with pytest.raises(AttributeError):
        Q1_2021.label = "changed"  # type: ignore[misc]
