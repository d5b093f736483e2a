"""Language-aware text normalisation shared by every backend.

Words are split on non-alphanumeric characters, lowercased and folded to ASCII ("Détention" →
"detention"), then stemmed with the Snowball stemmer of the document's language ("migrantes" →
"migrant"). A query word is stemmed in each of the three languages and matches a document when its
stem in the document's language is one of the document's stems. Both backends use these functions
(tantivy through the same analyzers registered on the index), so they match the same documents.

Cross-language word forms: a query word also stands for its cognates in the other languages, built
by swapping regular suffixes (`cognates`: Spanish "detencion" ↔ French/English "detention",
"sociedad" ↔ "societe"/"society", "humanitario" ↔ "humanitaire"/"humanitary", "feminista" ↔
"feministe"/"feminist"). Each variant is stemmed in each language, so "detencion" finds the French
"détention" and "detention" finds the Spanish "detención".
"""

import html
import re
from functools import cache, lru_cache

import tantivy

# The languages the engine stems (tantivy's stemmers); text in another language is only folded.
STEMMERS = {"en": "english", "fr": "french", "es": "spanish"}
LANGUAGES = tuple(STEMMERS)
DEFAULT_LANGUAGE = "en"
FOLD_TOKENIZER = "gcm_fold"
EXCERPT_CHARS = 240
MAX_QUERY_WORDS = 16  # a pasted paragraph must not become a hundred-clause query

_WORD = re.compile(r"[^\W_]+")

# One query word: {"fold": [folded forms], "en": [stems], "fr": [stems], "es": [stems]}.
QueryWord = dict[str, list[str]]


def tokenizer_name(language: str) -> str:
    return f"gcm_stem_{language}"


def language_or_default(language: str) -> str:
    return language if language in STEMMERS else DEFAULT_LANGUAGE


def _builder() -> tantivy.TextAnalyzerBuilder:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(64))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
    )


@cache
def fold_analyzer() -> tantivy.TextAnalyzer:
    return _builder().build()


@cache
def stem_analyzer(language: str) -> tantivy.TextAnalyzer:
    return _builder().filter(tantivy.Filter.stemmer(STEMMERS[language_or_default(language)])).build()


def folded_terms(text: str) -> list[str]:
    return fold_analyzer().analyze(text)


def stemmed_terms(text: str, language: str) -> list[str]:
    return stem_analyzer(language).analyze(text)


# (ending, replacements) on folded words, tried in order; the first ending that fits is used.
# Spanish -cion(es) ↔ French/English -tion(s), -dad ↔ -té/-ty, -ario/-aria ↔ -aire/-ary,
# -ista ↔ -iste/-ist, -ico/-ica ↔ -ique/-ic. Only stems of at least MIN_COGNATE_STEM letters vary.
COGNATE_SUFFIXES = (
    ("ciones", ("tions",)),
    ("cion", ("tion",)),
    ("tions", ("ciones",)),
    ("tion", ("cion",)),
    ("idades", ("ites", "ities")),
    ("idad", ("ite", "ity")),
    ("ities", ("idades", "ites")),
    ("ity", ("idad", "ite")),
    ("ites", ("idades", "ities")),
    ("ite", ("idad", "ity")),
    ("edad", ("ete", "ety")),
    ("ety", ("edad", "ete")),
    ("ete", ("edad", "ety")),
    ("arios", ("aires", "aries")),
    ("ario", ("aire", "ary")),
    ("aria", ("aire", "ary")),
    ("aires", ("arios", "aries")),
    ("aire", ("ario", "ary")),
    ("ary", ("ario", "aire")),
    ("istas", ("istes", "ists")),
    ("ista", ("iste", "ist")),
    ("istes", ("istas", "ists")),
    ("iste", ("ista", "ist")),
    ("ists", ("istas", "istes")),
    ("ist", ("ista", "iste")),
    ("ica", ("ique", "ic")),
    ("ico", ("ique", "ic")),
    ("ique", ("ico", "ica", "ic")),
)
MIN_COGNATE_STEM = 3


def cognates(folded: str) -> list[str]:
    """The folded word and its cognates in the other languages (see COGNATE_SUFFIXES)."""
    for ending, replacements in COGNATE_SUFFIXES:
        if folded.endswith(ending) and len(folded) - len(ending) >= MIN_COGNATE_STEM:
            stem = folded[: -len(ending)]
            return [folded] + [stem + replacement for replacement in replacements]
    return [folded]


# British and American spellings (issue 10 §1): (British, American) endings or roots on folded
# words. Endings apply from MIN_SPELLING_STEM letters of stem; roots at the start of a word.
SPELLING_ENDINGS = (
    ("isations", "izations"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("ysing", "yzing"),
    ("tre", "ter"),
    ("tres", "ters"),
)
SPELLING_ROOTS = (
    ("labour", "labor"),
    ("behaviour", "behavior"),
    ("colour", "color"),
    ("favour", "favor"),
    ("honour", "honor"),
    ("neighbour", "neighbor"),
    ("harbour", "harbor"),
    ("endeavour", "endeavor"),
    ("rumour", "rumor"),
    ("programme", "program"),
    ("ageing", "aging"),
    ("enrolment", "enrollment"),
    ("fulfil", "fulfill"),
    ("judgement", "judgment"),
    ("centre", "center"),
    ("licence", "license"),
    ("defence", "defense"),
    ("offence", "offense"),
    ("catalogue", "catalog"),
    ("travell", "travel"),
    ("modell", "model"),
    ("counsell", "counsel"),
)
MIN_SPELLING_STEM = 4
_SPELLING_ENDINGS_BOTH = SPELLING_ENDINGS + tuple((us, uk) for uk, us in SPELLING_ENDINGS)
_SPELLING_ROOTS_BOTH = SPELLING_ROOTS + tuple((us, uk) for uk, us in SPELLING_ROOTS)


def spellings(folded: str) -> list[str]:
    """The other spelling of a word written the British or the American way, if any."""
    for root, other in _SPELLING_ROOTS_BOTH:
        if folded.startswith(root) and not folded.startswith(other if len(other) > len(root) else "\0"):
            return [other + folded[len(root) :]]
    for ending, other in _SPELLING_ENDINGS_BOTH:
        if folded.endswith(ending) and len(folded) - len(ending) >= MIN_SPELLING_STEM:
            return [folded[: -len(ending)] + other]
    return []


def variants(folded: str) -> list[str]:
    """The word, its cognates in the other languages and its other English spelling."""
    forms = cognates(folded)
    for form in list(forms):
        for other in spellings(form):
            if other not in forms:
                forms.append(other)
    return forms


def query_words(text: str) -> list[QueryWord]:
    """Each query word as {"fold": [folded forms], "en": [stems], "fr": [stems], "es": [stems]}.

    The forms are the word and its cognates (`cognates`); a document matches the word when it has
    one of the folded forms, or one of the stems of its language. Duplicates are removed and only
    the first MAX_QUERY_WORDS distinct words are kept.
    """
    words: list[QueryWord] = []
    seen: set[str] = set()
    for folded in folded_terms(text):
        if folded in seen:
            continue
        if len(words) == MAX_QUERY_WORDS:
            break
        seen.add(folded)
        forms = variants(folded)
        word: QueryWord = {"fold": forms}
        for language in LANGUAGES:
            stems = []
            for variant in forms:
                stem = (stemmed_terms(variant, language) or [variant])[0]
                if stem not in stems:
                    stems.append(stem)
            word[language] = stems
        words.append(word)
    return words


def stems_of(words: list[QueryWord], language: str) -> set[str]:
    return {stem for word in words for stem in word[language]}


@lru_cache(maxsize=100_000)
def _word_stems(word: str, language: str) -> tuple[str, ...]:
    """The stems of one word of a text (memoised: excerpts repeat the same words page after page)."""
    return tuple(stem_analyzer(language).analyze(word))


def _marked_spans(text: str, stems: set[str], language: str) -> list[tuple[int, int]]:
    spans = []
    for match in _WORD.finditer(text):
        terms = _word_stems(match.group(), language)
        if terms and any(term in stems for term in terms):
            spans.append(match.span())
    return spans


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    parts, position = [], start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        parts.append(html.escape(text[position:span_start]))
        parts.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(html.escape(text[position:end]))
    return "".join(parts)


def highlight(text: str, words: list[QueryWord], language: str) -> str:
    """The whole text, HTML-escaped, with every word matching the query wrapped in <mark>."""
    language = language_or_default(language)
    spans = _marked_spans(text, stems_of(words, language), language)
    return _render(text, spans, 0, len(text))


def excerpt(text: str, words: list[QueryWord], language: str, size: int = EXCERPT_CHARS) -> str:
    """About `size` characters of text around the first match, HTML-escaped, matches in <mark>."""
    language = language_or_default(language)
    spans = _marked_spans(text, stems_of(words, language), language)
    if len(text) <= size:
        return _render(text, spans, 0, len(text))
    start = max(0, spans[0][0] - size // 4) if spans else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    rendered = _render(text, spans, start, end)
    return ("… " if start else "") + rendered + (" …" if end < len(text) else "")
