"""Words: how the indexes cut text into tokens, and how a reader's query becomes terms.

Both engines index the same tokens (migration 0011_search_terms): the text lowercased, ".net" written
"dotnet", then maximal runs of letters, digits, "+" and "#" (FTS5's unicode61 with tokenchars '+#';
PostgreSQL's regexp and 'simple' configuration). ``tokens()`` is the same rule in Python, for the
dictionary's new words and for marking matched words in snippets.

A query word joined to the next by "." or "-" ("node.js", "x86-64") is a phrase: its tokens must stand
side by side, as they do in the text. Stop words are dropped from the query (not from the index): a
query of stop words alone is "too common", which is not the same as matching nothing.
"""

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass

import Stemmer

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_TERM_LENGTH = 60

# The words the indexes spell differently (migration 0011 writes the same replace()).
ALIASES = ((".net", " dotnet"),)
TOKEN = re.compile(r"(?:[^\W_]|[+#])+")
# A query word: tokens joined by single dots or hyphens ("node.js", "x86-64", "c++").
QUERY_WORD = re.compile(r"(?:[^\W_]|[+#])+(?:[.\-](?:[^\W_]|[+#])+)*")
HAS_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
# PostgreSQL's parser keeps runs of letters and digits only: "+" and "#" are spelled as letters there.
PG_SPELLING = (("+", "qplusq"), ("#", "qhashq"))
# Unicode's "other numbers" ("⅗", "²", "①") are not letters or digits to PostgreSQL, and are to FTS5:
# FTS5 is told they separate words (migration 0011 lists the same), and a query drops them.
OTHER_NUMBERS = "".join(chr(c) for c in range(0x20000) if unicodedata.category(chr(c)) == "No")
_SEPARATED = str.maketrans(dict.fromkeys(OTHER_NUMBERS, " "))

# PostgreSQL's english.stop (the Snowball list): words too common to narrow a search.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
    hers herself it its itself they them their theirs themselves what which who whom this that these those
    am is are was were be been being have has had having do does did doing a an the and but if or because
    as until while of at by for with about against between into through during before after above below
    to from up down in out on off over under again further then once here there when where why how all
    any both each few more most other some such no nor not only own same so than too very s t can will
    just don should now""".split()
)


@dataclass(frozen=True)
class Term:
    """One word of a query (``words`` has one token) or a phrase of several; ``span``: where it was."""

    words: tuple
    span: tuple

    @property
    def text(self):
        """The term as a query writes it: a phrase's words joined as "x86-64" is, so it parses back."""
        return "-".join(self.words)


def normalize(text):
    """Lowercase, with the aliases written as the indexes write them."""
    text = text.lower().translate(_SEPARATED)
    for written, indexed in ALIASES:
        text = text.replace(written, indexed)
    return text


def tokens(text):
    """The tokens the indexes make of ``text``, in order."""
    return TOKEN.findall(normalize(text))


def clean_query(query):
    """The query as a reader sees it echoed: cut to the longest length searched, control characters
    (NUL among them, which PostgreSQL refuses) turned into spaces, whitespace collapsed."""
    query = "".join(
        " " if unicodedata.category(char)[0] == "C" else char for char in query[:MAX_QUERY_LENGTH]
    )
    return " ".join(query.split())


def parse(query):
    """(terms, had_words): the query's terms worth matching, each once; ``had_words`` says whether it
    had any word at all (a query of stop words has words and no terms)."""
    terms, seen, had_words = [], set(), False
    lowered = query.lower().translate(_SEPARATED)
    for found in QUERY_WORD.finditer(lowered):
        word = found.group()
        if word == "net" and found.start() > 0 and lowered[found.start() - 1] == ".":
            word = "dotnet"  # ".net", with its dot before the match
        words = tuple(part for part in TOKEN.findall(normalize(word)) if HAS_LETTER_OR_DIGIT.search(part))
        if not words:
            continue
        had_words = True
        if (len(words) == 1 and words[0] in STOP_WORDS) or words in seen or len(word) > MAX_TERM_LENGTH:
            continue
        seen.add(words)
        terms.append(Term(words, found.span()))
    return terms[:MAX_TERMS], had_words


def fold(word):
    """``word`` without accents: "café" and "cafe" are one key."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


_stemmer_lock = threading.Lock()
_stemmer = Stemmer.Stemmer("english")


@functools.lru_cache(maxsize=65536)
def key(word):
    """The key words share when one stands for another: "sorting", "sorted" and "sort" share "sort".

    A word ending in "+" or "#" ("c++", "c#") is its own key: it is searched as written. A leading "#"
    (a hashtag, "#include") is not part of the word.
    """
    if word.endswith(("+", "#")):
        return word
    with _stemmer_lock:  # a Stemmer object is not safe to share between threads
        return _stemmer.stemWord(fold(word.lstrip("#")))


def stem_words(words):
    """``key()`` of many words at once (the dictionary's build): one call into the stemmer."""
    plain = [word for word in words if not word.endswith(("+", "#"))]
    with _stemmer_lock:
        stems = _stemmer.stemWords([fold(word.lstrip("#")) for word in plain])
    found = dict(zip(plain, stems, strict=True))
    return [found.get(word, word) for word in words]


def pg_spelling(token):
    for char, spelled in PG_SPELLING:
        token = token.replace(char, spelled)
    return token


def from_pg_spelling(token):
    for char, spelled in PG_SPELLING:
        token = token.replace(spelled, char)
    return token
