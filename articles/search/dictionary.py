"""The site's own words: what a query word may stand for (its other forms, the words it misspells).

Built from the index itself (FTS5's vocabulary table on SQLite; ``ts_stat`` over the same tokens on
PostgreSQL), so both engines hold the same words with the same document counts. Each process keeps one
in memory and brings it up to date before each search: the index's triggers log every article whose
words change (``articles_search_change``), and the new words of those articles are added, so a word an
edit brings in is known on the next request. A large change (an import) rebuilds it from the index.
Words an edit removed stay until then: a correction to one merely matches nothing.

Typos are found with RapidFuzz (optimal string alignment: a transposition is one typo) among the words
of about the same length sharing a first or second letter with the query word: a few thousand
comparisons, not the whole vocabulary.
"""

import bisect
import threading
from collections import defaultdict

from django.db import connection
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .text import HAS_LETTER_OR_DIGIT, STOP_WORDS, from_pg_spelling, key, stem_words, tokens

LOG_TABLE = "articles_search_change"
FTS_TABLE = "articles_article_fts"
VOCABULARY = "articles_search_vocabulary"  # an fts5vocab table in each connection's temp schema
PG_TABLE = "articles_article_search"
REBUILD_OVER = 2000  # changed articles: past this, reading the index's vocabulary is cheaper
MAX_VARIANTS = 16


def allowed_typos(word):
    """Meilisearch's proportions: none under 5 letters, one up to 8, two from 9."""
    return 0 if len(word) < 5 else 1 if len(word) <= 8 else 2


class Dictionary:
    """Words with their document counts, grouped three ways: by key (other forms of a word), by length
    and first letters (typo candidates), and sorted (completions of a prefix)."""

    def __init__(self, counts):
        self.counts = counts
        self.by_key = defaultdict(list)
        self.buckets = defaultdict(list)
        self.sorted = []
        self._add_all(list(counts))

    def _add_all(self, words):
        for word, word_key in zip(words, stem_words(words), strict=True):
            self.by_key[word_key].append(word)
            if len(word) >= 3 and word.isalpha():
                self.buckets[len(word), word[0]].append(word)
                self.buckets[len(word), "", word[1]].append(word)
        self.sorted = sorted(word for word in self.counts if HAS_LETTER_OR_DIGIT.search(word))

    def add(self, word_counts):
        """Count the words of newly indexed articles ({word: articles}); new words join every group."""
        new = [word for word in word_counts if word not in self.counts]
        for word, count in word_counts.items():
            self.counts[word] = self.counts.get(word, 0) + count
        if new:
            self._add_all(new)

    def count(self, word):
        return self.counts.get(word, 0)

    def variants(self, word):
        """The indexed words that are forms of ``word`` (its own key), most frequent first; always
        ``word`` itself, first."""
        others = sorted(
            (w for w in self.by_key.get(key(word), ()) if w != word), key=lambda w: (-self.counts[w], w)
        )
        return [word, *others[: MAX_VARIANTS - 1]]

    def typos(self, word):
        """[(candidate, typos)] the words ``word`` may misspell, fewest typos then most frequent first."""
        limit = allowed_typos(word)
        if not limit or not word.isalpha():
            return []
        candidates = set()
        for length in range(len(word) - limit, len(word) + limit + 1):
            for bucket in (
                (length, word[0]),
                (length, word[1]),
                (length, "", word[1]),
                (length, "", word[0]),
            ):
                candidates.update(self.buckets.get(bucket, ()))
        candidates.discard(word)
        found = process.extract(word, list(candidates), scorer=OSA.distance, score_cutoff=limit, limit=None)
        return sorted(((w, typos) for w, typos, _ in found), key=lambda c: (c[1], -self.counts[c[0]], c[0]))

    def completions(self, prefix, limit):
        """Up to ``limit`` indexed words starting with ``prefix`` (stop words left out), most frequent
        first."""
        start = bisect.bisect_left(self.sorted, prefix)
        found = []
        for word in self.sorted[start:]:
            if not word.startswith(prefix):
                break
            if word not in STOP_WORDS:
                found.append(word)
        found.sort(key=lambda w: (-self.counts[w], w))
        return found[:limit]

    def fuzzy_completions(self, prefix, limit):
        """Completions of the words whose start ``prefix`` misspells by one typo ("photosinth")."""
        if allowed_typos(prefix) == 0 or not prefix.isalpha():
            return []
        size = len(prefix)
        starts = defaultdict(set)
        for first in {prefix[0], prefix[1]}:  # a typo after the first letter, or a first letter lost
            low, high = (
                bisect.bisect_left(self.sorted, first),
                bisect.bisect_left(self.sorted, first + "\uffff"),
            )
            for word in self.sorted[low:high]:
                for length in (size - 1, size, size + 1):
                    if len(word) >= length:
                        starts[word[:length]].add(word)
        found = process.extract(prefix, list(starts), scorer=OSA.distance, score_cutoff=1, limit=None)
        words = {word for start, _, _ in found for word in starts[start] if word not in STOP_WORDS}
        return sorted(words, key=lambda w: (-self.counts[w], w))[:limit]


class Current:
    """This process's dictionary and where it stands in the change log: (last id, its stamp)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.dictionary = None
        self.position = None
        self.database = None


_current = Current()


def current():
    """The dictionary, with every article indexed so far taken in (one query when nothing changed)."""
    state = _current
    with state.lock:
        database = (connection.vendor, connection.settings_dict.get("NAME"))
        if state.database != database:
            state.dictionary, state.position, state.database = None, None, database
        latest, seen = _log_position(state.position)
        if state.dictionary is None or seen is False:
            state.dictionary, state.position = Dictionary(_vocabulary()), latest
        elif latest != state.position:
            changed = _changed_since(state.position[0] if state.position else 0)
            if changed is None:
                state.dictionary = Dictionary(_vocabulary())
            else:
                state.dictionary.add(changed)
            state.position = latest
        return state.dictionary


def _log_position(position):
    """(latest (id, stamp) of the change log or None, whether ``position`` is still in it: False when
    the log moved on without it, as after a rolled-back transaction or pruning)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, stamp FROM {LOG_TABLE} WHERE id = %s OR id = (SELECT max(id) FROM {LOG_TABLE})",  # noqa: S608
            [position[0] if position else -1],
        )
        rows = {row[0]: tuple(row) for row in cursor.fetchall()}
    latest = rows[max(rows)] if rows else None
    if position is None:
        return latest, latest is None
    return latest, rows.get(position[0]) == position


def _changed_since(after):
    """{word: articles} of the articles logged after ``after``; None when too many for that to pay."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT article_id FROM {LOG_TABLE} WHERE id > %s LIMIT %s",  # noqa: S608
            [after, REBUILD_OVER + 1],
        )
        ids = [row[0] for row in cursor.fetchall()]
        if len(ids) > REBUILD_OVER or 0 in ids:  # 0: PostgreSQL's TRUNCATE emptied the index
            return None
        counts = defaultdict(int)
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            cursor.execute(
                "SELECT question, seo_keywords, answer FROM articles_article WHERE id IN "  # noqa: S608
                f"({', '.join(['%s'] * len(batch))})",
                batch,
            )
            for row in cursor.fetchall():
                for word in set(tokens(" ".join(text or "" for text in row))):
                    counts[word] += 1
    return counts


def _vocabulary():
    """{word: articles} of the whole index."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{VOCABULARY} USING fts5vocab(main, {FTS_TABLE}, 'row')"
            )
            cursor.execute(f"SELECT term, doc FROM temp.{VOCABULARY}")  # noqa: S608 - constants only
            return dict(cursor.fetchall())
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT word, ndoc FROM ts_stat('SELECT document FROM {PG_TABLE}')")  # noqa: S608
            return {from_pg_spelling(word): count for word, count in cursor.fetchall()}
    return {}
