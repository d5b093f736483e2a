"""The nearest word the index knows, for a word it does not ("chldren" → "children").

A symmetric-delete dictionary (as SymSpell): every known word is filed under itself and under each
form with one letter deleted; a typed word's forms with up to two letters deleted are looked up
there, and the candidates are checked with the optimal-string-alignment distance (a swap of two
neighbouring letters counts one). The distance allowed grows with the word: none up to four
letters, one up to seven, two from eight. Among the nearest candidates the most frequent wins.

Both backends feed it their vocabulary (folded words with their document counts); it is rebuilt
when the index has changed, at most every REBUILD_SECONDS, in the process that asks.
"""

import threading
import time
from collections.abc import Callable

REBUILD_SECONDS = 60
MAX_VOCABULARY = 200_000
MIN_LENGTH = 5


def allowed_distance(word: str) -> int:
    if len(word) < MIN_LENGTH:
        return 0
    return 1 if len(word) <= 7 else 2


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, or limit + 1 once it is known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]


class Speller:
    def __init__(self, vocabulary: dict[str, int]):
        words = sorted(vocabulary.items(), key=lambda item: -item[1])[:MAX_VOCABULARY]
        self.frequency = dict(words)
        self.index: dict[str, list[str]] = {}
        for word, _count in words:
            if len(word) < MIN_LENGTH - 1 or word.isdigit():
                continue
            self.index.setdefault(word, []).append(word)
            for deleted in _deletes(word):
                self.index.setdefault(deleted, []).append(word)

    def suggest(self, word: str) -> str:
        limit = allowed_distance(word)
        if not limit or word in self.frequency:
            return ""
        forms = {word} | _deletes(word)
        if limit > 1:
            forms |= {twice for once in list(forms) for twice in _deletes(once)}
        candidates = {candidate for form in forms for candidate in self.index.get(form, ())}
        best, best_key = "", None
        for candidate in candidates:
            found = distance(word, candidate, limit)
            if found > limit:
                continue
            key = (found, -self.frequency[candidate], candidate)
            if best_key is None or key < best_key:
                best, best_key = candidate, key
        return best


class SpellerCache:
    """One speller per process, rebuilt from `load()` when `generation()` has changed and the
    current one is older than REBUILD_SECONDS (the first one is built at once)."""

    def __init__(self, load: Callable[[], dict[str, int]]):
        self._load = load
        self._lock = threading.Lock()
        self._speller: Speller | None = None
        self._generation: object = None
        self._built = 0.0

    def get(self, generation: object) -> Speller:
        now = time.monotonic()
        speller = self._speller
        if speller is not None and (generation == self._generation or now - self._built < REBUILD_SECONDS):
            return speller
        with self._lock:
            if self._speller is None or (generation != self._generation and now - self._built >= REBUILD_SECONDS):
                self._speller = Speller(self._load())
                self._generation = generation
                self._built = time.monotonic()
            return self._speller

    def forget(self) -> None:
        with self._lock:
            self._speller = None
            self._generation = None
