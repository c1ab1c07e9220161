"""The search judgement set: queries built from real questions by a seeded generator, and the figures.

For each of ``size`` articles drawn with ``seed``: the question as written, four of its longest words,
and the question with one typo (a letter deleted, inserted, replaced, or two swapped) in each word of 6
letters or more. An article counts as found when its question is found: the corpus copies some
questions into several subjects, and a reader cannot tell the copies apart. Used by
tests/test_search_quality.py (the sample) and bench/search_bench.py (the whole corpus).
"""

import hashlib
import random

from articles.search import STOP_WORDS, find

SIZE = 300
SEED = 19


def content_words(question):
    words = []
    for word in question.replace("-", " ").split():
        word = "".join(char for char in word if char.isalpha()).lower()
        if word and word not in STOP_WORDS and word not in words:
            words.append(word)
    return words


def misspell(word, rng):
    """``word`` with one typo: a letter deleted, inserted, replaced, or two swapped."""
    position = rng.randrange(len(word))
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz".replace(word[position], ""))
    kind = rng.choice(("delete", "insert", "replace", "swap"))
    if kind == "delete":
        return word[:position] + word[position + 1 :]
    if kind == "insert":
        return word[:position] + letter + word[position:]
    if kind == "swap" and position < len(word) - 1 and word[position] != word[position + 1]:
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    return word[:position] + letter + word[position + 1 :]


def with_typos(question, rng):
    out = []
    for word in question.split():
        core = "".join(char for char in word if char.isalpha())
        out.append(word.replace(core, misspell(core, rng)) if len(core) >= 6 and core.isascii() else word)
    return " ".join(out)


def judgement_set(questions, size=SIZE, seed=SEED):
    """[(kind, query, question)] for ``size`` articles drawn from {url: question} with ``seed``."""
    rng = random.Random(seed)
    eligible = sorted((url, q) for url, q in questions.items() if len(content_words(q)) >= 4)
    judged = []
    for _, question in rng.sample(eligible, size):
        words = content_words(question)
        longest = sorted(words, key=lambda w: (-len(w), words.index(w)))[:4]
        judged += [
            ("question", question, question),
            ("four words", " ".join(w for w in words if w in longest), question),
            ("typos", with_typos(question, rng), question),
        ]
    return judged


def measure(judged, limit=5000):
    """{kind: (MRR@10, found in top 3, found in top 10)} and {query: (total, digest of the first
    ``limit`` results as a set: of every result, on the sample)}."""
    ranks, sets = {}, {}
    for kind, query, question in judged:
        found = find(query, limit=limit, snippets=False)
        questions = [article.question.strip().lower() for article in found.articles]
        target = question.strip().lower()
        rank = questions.index(target) + 1 if target in questions[:10] else None
        ranks.setdefault(kind, []).append(rank)
        urls = "\n".join(sorted(article.url for article in found.articles))
        sets[query] = [found.total, hashlib.sha256(urls.encode()).hexdigest()[:16]]
    figures = {
        kind: (
            sum(1 / r for r in found if r) / len(found),
            sum(1 for r in found if r and r <= 3) / len(found),
            sum(1 for r in found if r) / len(found),
        )
        for kind, found in ranks.items()
    }
    return figures, sets
