"""What a typed query becomes (query.py), the typo dictionary (spelling.py), British and American
spellings and function words (analysis.py, stopwords.py). No database: the glossary is left out."""

from django.test import SimpleTestCase

from gcmhub.search import analysis
from gcmhub.search.query import correct_words, corrected_text, parse
from gcmhub.search.spelling import Speller, allowed_distance, distance


def folded(words):
    return [word["fold"][0] for word in words]


class ParseTests(SimpleTestCase):
    def test_function_words_never_decide_a_match(self):
        parsed = parse("alternatives to immigration detention for children", glossary=False)
        self.assertEqual(folded(parsed.words), ["alternatives", "immigration", "detention", "children"])
        parsed = parse("l'intégration des migrants dans la société", glossary=False)
        self.assertEqual(folded(parsed.words), ["integration", "migrants", "societe"])
        parsed = parse("la protección de los niños", glossary=False)
        self.assertEqual(folded(parsed.words), ["proteccion", "ninos"])

    def test_a_query_of_function_words_only_searches_them(self):
        self.assertEqual(folded(parse("to be or not to be", glossary=False).words), ["to", "be", "or", "not"])

    def test_quoted_phrases_are_required_and_a_minus_excludes(self):
        parsed = parse('"smuggling of migrants" -trafficking -"human rights" sea', glossary=False)
        self.assertEqual(parsed.phrases, [["smuggling", "of", "migrants"]])
        self.assertEqual(folded(parsed.excluded), ["trafficking"])
        self.assertEqual(parsed.excluded_phrases, [["human", "rights"]])
        self.assertEqual(folded(parsed.words), ["sea"])

    def test_hyphenated_words_and_lone_operators_are_words_or_nothing(self):
        self.assertEqual(folded(parse("main-d'œuvre", glossary=False).words), ["main", "oeuvre"])
        for text in ['"', "-", '""', "- -", '"unclosed quote']:
            with self.subTest(text=text):
                parsed = parse(text, glossary=False)
                self.assertEqual(parsed.phrases, [])
        self.assertEqual(folded(parse('"unclosed quote', glossary=False).words), ["unclosed", "quote"])
        self.assertTrue(parse("?! --", glossary=False).empty)

    def test_british_and_american_spellings_meet(self):
        self.assertIn("labor", analysis.variants("labour"))
        self.assertIn("organization", analysis.variants("organisation"))
        self.assertIn("labourers", analysis.variants("laborers"))
        self.assertIn("centre", analysis.variants("center"))
        self.assertEqual(analysis.variants("practice"), ["practice"])


class SpellingTests(SimpleTestCase):
    vocabulary = {"children": 40, "remittances": 12, "migrant": 90, "workers": 30, "worker": 5, "detention": 20}

    def test_the_distance_allowed_grows_with_the_word(self):
        self.assertEqual([allowed_distance(w) for w in ("cild", "wokers", "remitances")], [0, 1, 2])
        self.assertEqual(distance("chldren", "children", 2), 1)
        self.assertEqual(distance("mirgant", "migrant", 2), 1)  # a swap counts one
        self.assertEqual(distance("abc", "xyzabc", 2), 3)  # over the limit: limit + 1

    def test_it_suggests_the_nearest_most_frequent_known_word(self):
        speller = Speller(self.vocabulary)
        self.assertEqual(speller.suggest("chldren"), "children")
        self.assertEqual(speller.suggest("remitances"), "remittances")
        self.assertEqual(speller.suggest("wokers"), "workers")
        self.assertEqual(speller.suggest("detentoin"), "detention")
        self.assertEqual(speller.suggest("children"), "")  # known
        self.assertEqual(speller.suggest("zzzzzzz"), "")

    def test_unknown_words_are_corrected_in_the_query_and_the_text_shown(self):
        speller = Speller(self.vocabulary)
        parsed = parse("Migrnt wokers and chldren", glossary=False)
        corrections = correct_words(parsed, lambda word, language="": word in self.vocabulary, speller.suggest)
        self.assertEqual(corrections, {"migrnt": "migrant", "wokers": "workers", "chldren": "children"})
        self.assertEqual(folded(parsed.words), ["migrant", "workers", "children"])
        self.assertEqual(corrected_text("Migrnt wokers and chldren", corrections), "migrant workers and children")
        self.assertEqual(corrected_text("anything", {}), "")
