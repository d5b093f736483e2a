"""Language-aware text normalisation shared by every backend.

Words are split on non-alphanumeric characters, lowercased and folded to ASCII ("Détention" →
"detention"), then stemmed with the Snowball stemmer of the document's language ("migrantes" →
"migrant"). A query word is stemmed in each of the three languages and matches a document when its
stem in the document's language is one of the document's stems. Both backends use these functions
(tantivy through the same analyzers registered on the index), so they match the same documents.
"""

import html
import re
from functools import cache

import tantivy

LANGUAGES = ("en", "fr", "es")
STEMMERS = {"en": "english", "fr": "french", "es": "spanish"}
DEFAULT_LANGUAGE = "en"
FOLD_TOKENIZER = "gcm_fold"
EXCERPT_CHARS = 240
MAX_QUERY_WORDS = 16  # a pasted paragraph must not become a hundred-clause query

_WORD = re.compile(r"[^\W_]+")


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


def query_words(text: str) -> list[dict[str, str]]:
    """Each query word as {"fold": folded form, "en": stem, "fr": stem, "es": stem}.

    Duplicates are removed and only the first MAX_QUERY_WORDS distinct words are kept.
    """
    words, seen = [], set()
    for folded in folded_terms(text):
        if folded in seen:
            continue
        if len(words) == MAX_QUERY_WORDS:
            break
        seen.add(folded)
        word = {"fold": folded}
        for language in LANGUAGES:
            stems = stemmed_terms(folded, language)
            word[language] = stems[0] if stems else folded
        words.append(word)
    return words


def _marked_spans(text: str, stems: set[str], language: str) -> list[tuple[int, int]]:
    analyzer = stem_analyzer(language)
    spans = []
    for match in _WORD.finditer(text):
        terms = analyzer.analyze(match.group())
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


def highlight(text: str, words: list[dict[str, str]], language: str) -> str:
    """The whole text, HTML-escaped, with every word matching the query wrapped in <mark>."""
    language = language_or_default(language)
    spans = _marked_spans(text, {word[language] for word in words}, language)
    return _render(text, spans, 0, len(text))


def excerpt(text: str, words: list[dict[str, str]], language: str, size: int = EXCERPT_CHARS) -> str:
    """About `size` characters of text around the first match, HTML-escaped, matches in <mark>."""
    language = language_or_default(language)
    spans = _marked_spans(text, {word[language] for word in words}, language)
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
