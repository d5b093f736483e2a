"""What a reader typed, as the engines search it (issue 10 §1–2).

    alternatives to "immigration detention" -children

- Any word may match; documents holding more of the words rank higher (each backend's ranking).
- Function words (`stopwords.py`) never decide a match; they count only inside quotes, or when the
  query has nothing else ("to be or not to be").
- A quoted phrase is required, word for word (folded: case and accents ignored).
- A word or phrase after a leading `-` excludes the documents that hold it.
- Each word also stands for its cognates and its British/American spelling (`analysis.variants`).
- Glossary terms found in the words ("envois de fonds") add the concept's terms in every language,
  ranked below the words themselves.
- A lone quote, a lone `-`, operators and punctuation alone are ignored, never an error.

Typo correction needs the index's vocabulary and happens in the backend (`correct_words`).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from gcmhub.search import analysis, glossary
from gcmhub.search.stopwords import is_stop_word

MAX_PHRASES = 4
MAX_EXCLUDED = 8
MAX_EXPANSIONS = 6  # glossary concepts a query expands into
MAX_TERMS_PER_CONCEPT = 12
# "objective 7", "objectif 7", "objetivo 7": items tagged with that objective rank higher.
OBJECTIVE_WORDS = frozenset(
    {"objective", "objectives", "objectif", "objectifs", "objetivo", "objetivos", "obj", "goal", "goals"}
)
MAX_OBJECTIVE = 99

# A quoted phrase (closed), or a bare token; either may carry a leading "-". An unclosed quote is
# dropped by the caller before this runs.
_PART = re.compile(r'(?:(?<=\s)|^)(-?)"([^"]*)"|(\S+)')


@dataclass
class Expansion:
    """A glossary concept found in the query, with its terms as folded token tuples."""

    concept: str
    matched: tuple[str, ...]  # the query's folded tokens it matched
    terms: list[tuple[str, ...]]  # the concept's other terms (folded tokens), every language
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)  # {language: terms as written}
    languages: list[tuple[str, ...]] = field(default_factory=list)  # each term's languages


@dataclass
class ParsedQuery:
    words: list[analysis.QueryWord] = field(default_factory=list)  # any may match
    tokens: list[str] = field(default_factory=list)  # the free words' folded tokens, in order
    phrases: list[list[str]] = field(default_factory=list)  # required, folded tokens
    excluded: list[analysis.QueryWord] = field(default_factory=list)
    excluded_phrases: list[list[str]] = field(default_factory=list)
    expansions: list[Expansion] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)  # folded word → word searched instead
    objectives: list[str] = field(default_factory=list)  # objective numbers named ("objective 7")
    # For each phrase, the glossary terms that say the same in other languages (folded tokens):
    # a quoted "alternatives à la détention" is also satisfied by "alternatives to detention".
    phrase_equivalents: list[list[tuple[str, ...]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases)

    @property
    def positive_words(self) -> list[analysis.QueryWord]:
        """Every word that may score: the free words, then the phrases' content words."""
        return self.words + [
            word
            for phrase in self.phrases
            for word in analysis.query_words(" ".join(t for t in phrase if not is_stop_word(t)))
        ]


def _split(text: str) -> tuple[list[str], list[list[str]], list[str], list[list[str]]]:
    """(free parts, phrases, excluded parts, excluded phrases) of the raw text."""
    if text.count('"') % 2:  # a lone quote: drop the last one
        head, _quote, tail = text.rpartition('"')
        text = head + " " + tail
    free: list[str] = []
    phrases: list[list[str]] = []
    excluded: list[str] = []
    excluded_phrases: list[list[str]] = []
    for match in _PART.finditer(text):
        minus, quoted, bare = match.group(1), match.group(2), match.group(3)
        if quoted is not None:
            tokens = analysis.folded_terms(quoted)
            if not tokens:
                continue
            if len(tokens) == 1:  # one quoted word is that word
                (excluded if minus else free).append(tokens[0])
            else:
                (excluded_phrases if minus else phrases).append(tokens)
        elif bare.startswith("-") and len(bare) > 1 and analysis.folded_terms(bare[1:]):
            excluded.extend(analysis.folded_terms(bare[1:]))
        else:
            free.extend(analysis.folded_terms(bare))
    return free, phrases[:MAX_PHRASES], excluded[:MAX_EXCLUDED], excluded_phrases[:MAX_PHRASES]


def parse(text: str, *, glossary: bool = True) -> ParsedQuery:
    free, phrases, excluded, excluded_phrases = _split(text)
    content = [token for token in free if not is_stop_word(token)]
    if not content and not phrases:
        content = free  # only function words: search them after all
    parsed = ParsedQuery(
        words=analysis.query_words(" ".join(content)),
        tokens=free,
        phrases=phrases,
        excluded=analysis.query_words(" ".join(excluded)),
        excluded_phrases=excluded_phrases,
    )
    if glossary and free:
        parsed.expansions = expansions(free, parsed.words)
    if glossary:
        for phrase in phrases:
            whole = [e for e in expansions(phrase) if len(e.matched) == len(phrase)]
            parsed.phrase_equivalents.append([term for e in whole for term in e.terms])
    else:
        parsed.phrase_equivalents = [[] for _phrase in phrases]
    parsed.objectives = objective_numbers(free)
    return parsed


def glossary_generation() -> object:
    """Changes when the glossary is read again (answers kept by a backend depend on it)."""
    return glossary.generation()


def objective_numbers(tokens: list[str]) -> list[str]:
    """The objective numbers a query names: "objective 7", "objetivo 13", "obj 2"."""
    numbers = []
    for word, following in zip(tokens, tokens[1:], strict=False):
        if word in OBJECTIVE_WORDS and following.isdigit() and 0 < int(following) <= MAX_OBJECTIVE:
            numbers.append(str(int(following)))
    return list(dict.fromkeys(numbers))


def expansions(tokens: list[str], words: Sequence[analysis.QueryWord] = ()) -> list[Expansion]:
    """The glossary concepts in the free words, with their terms in every language — but the terms
    the typed `words` find already (`covered`)."""
    found = []
    for match in glossary.find(" ".join(tokens))[:MAX_EXPANSIONS]:
        matched = tuple(tokens[match.start : match.end])
        languages_of: dict[tuple[str, ...], list[str]] = {}
        for language, written in match.terms.items():
            for label in written:
                languages_of.setdefault(glossary.fold_term(label), []).append(language)
        terms: list[tuple[str, ...]] = []
        languages: list[tuple[str, ...]] = []
        for folded in match.folded:
            term = tuple(folded)
            if not term or term == matched or term in terms:
                continue
            term_languages = tuple(languages_of.get(term, ()))
            if words and covered(term, term_languages, words):
                continue
            terms.append(term)
            languages.append(term_languages)
        found.append(
            Expansion(
                concept=match.concept,
                matched=matched,
                terms=terms[:MAX_TERMS_PER_CONCEPT],
                labels=dict(match.terms),
                languages=languages[:MAX_TERMS_PER_CONCEPT],
            )
        )
    return found


def covered(term: tuple[str, ...], languages: tuple[str, ...], words: Sequence[analysis.QueryWord]) -> bool:
    """Whether the typed words already find what a glossary term finds: in each of the term's
    languages, each of its words has the stem of a typed word ("migrants" and "migrantes" for
    "migrante"). Searching it again would only cost time: a broad word's equivalents are
    often its own plural or its cognates."""
    content = term_words(term)
    stemmed = [language for language in languages if language in analysis.LANGUAGES]
    if not content or not stemmed or len(stemmed) < len(languages):
        return False
    return all(
        any(set(word[language]) & set(typed[language]) for typed in words) for word in content for language in stemmed
    )


def correct_words(parsed: ParsedQuery, known, suggest) -> dict[str, str]:
    """Replace the free words the index does not know by near words it does.

    `known(word)` says whether the index holds a folded word (or one of its stems); `suggest(word)`
    returns the nearest known word or "". Words of four letters or fewer, numbers and glossary
    terms are left alone. Returns {typed: used}; `parsed.words` is rebuilt with the corrections.
    """
    corrections = {}
    glossary_tokens = {token for expansion in parsed.expansions for token in expansion.matched}
    for word in parsed.words:
        typed = word["fold"][0]
        if len(typed) <= 4 or typed.isdigit() or typed in glossary_tokens or is_stop_word(typed):
            continue
        if any(known(form) for form in word["fold"]):
            continue
        if any(known(stem, language) for language in analysis.LANGUAGES for stem in word[language]):
            continue
        better = suggest(typed)
        if better and better != typed:
            corrections[typed] = better
    if corrections:
        parsed.words = analysis.query_words(" ".join(corrections.get(w["fold"][0], w["fold"][0]) for w in parsed.words))
        parsed.corrections = corrections
        corrected_tokens = [corrections.get(token, token) for token in parsed.tokens]
        parsed.tokens = corrected_tokens
        parsed.expansions = expansions(corrected_tokens, parsed.words)
    return corrections


def subsumed(word: analysis.QueryWord, words: Sequence[analysis.QueryWord]) -> bool:
    """Whether a typed word matches every document `word` matches: its folded forms and stems
    are among that word's."""
    keys = ("fold", *analysis.LANGUAGES)
    return any(all(set(word[key]) <= set(typed[key]) for key in keys) for typed in words)


def corrected_text(text: str, corrections: dict[str, str]) -> str:
    """The reader's text with each corrected word replaced (case and accents of the rest kept)."""
    if not corrections:
        return ""

    def replace(match: re.Match) -> str:
        folded = analysis.folded_terms(match.group())
        if len(folded) == 1 and folded[0] in corrections:
            return corrections[folded[0]]
        return match.group()

    return re.sub(r"[^\W_]+", replace, text)


def highlight_words(parsed: ParsedQuery) -> list[analysis.QueryWord]:
    """The words to mark in titles and excerpts: the query's, and its glossary equivalents of one
    word ("remesas" for "remittances"; the words of "immigration detention" alone would mark
    "immigration" wherever it stands)."""
    words = list(parsed.positive_words)
    for expansion in parsed.expansions:
        for term in expansion.terms:
            if len(term) == 1:
                words.extend(analysis.query_words(term[0]))
    return words


def term_words(term: tuple[str, ...]) -> list[analysis.QueryWord]:
    """A glossary term's words that must all match (its function words left out)."""
    content = [token for token in term if not is_stop_word(token)] or list(term)
    return analysis.query_words(" ".join(content))


def suggest_tokens(text: str) -> list[str]:
    """The folded words typed so far, the last one as the start of a word; [] until there is
    something to suggest for (one word needs two letters)."""
    tokens = analysis.folded_terms(text)[: analysis.MAX_QUERY_WORDS]
    if not tokens or (len(tokens) == 1 and len(tokens[0]) < 2):
        return []
    return tokens
