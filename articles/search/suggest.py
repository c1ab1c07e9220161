"""Suggestions as you type: a few published questions for what is in the search box so far.

The last word is a prefix (unless a space follows it), completed from the site's own words (the most
frequent completions), or from the words whose start it misspells; earlier words match as in a search,
corrected when the site does not know them. Questions only, ranked by the engine's relevance: a
suggestion names the question it leads to. Each takes two small queries after the dictionary's check.
"""

from django.utils import timezone

from ..models import Article
from . import dictionary, engines
from .engines import Choice
from .text import clean_query, parse

MIN_PREFIX = 2
MAX_FORMS = 8


def suggestions(query, limit=6):
    """Up to ``limit`` published questions for what was typed so far: [(url, question, subject name)].

    The last word is a prefix (unless followed by a space), completed from the site's words, or from
    the words it may misspell; earlier words match as in ``find``. Questions only: a suggestion names
    the question it leads to.
    """
    finished = query[-1:].isspace()  # the last word is whole: not a prefix
    query = clean_query(query)
    terms, _ = parse(query)
    engine = engines.engine()
    if engine is None or not terms or len(query) < MIN_PREFIX:
        return []
    with engine.session():
        words = dictionary.current()
        plan = []
        for position, term in enumerate(terms):
            last = position == len(terms) - 1 and not finished and term.span[1] == len(query)
            plan.append(_suggested_choice(words, term, last))
        ids = engine.suggested(plan, timezone.now(), limit * 2)
        rows = Article.objects.filter(pk__in=ids).values_list("pk", "url", "question", "subject__name")
    by_id = {row[0]: row[1:] for row in rows}
    shown, seen = [], set()
    for pk in ids:
        if pk in by_id and by_id[pk][1] not in seen:  # a question copied into several subjects: once
            seen.add(by_id[pk][1])
            shown.append(by_id[pk])
    return shown[:limit]


def _suggested_choice(words, term, last):
    if len(term.words) > 1:
        return Choice([term.words], [term.words])
    word = term.words[0]
    if last and len(word) >= MIN_PREFIX:
        # Cheapest first: completions, then whole words it misspells, then words whose start it misspells.
        completions = (
            words.completions(word, MAX_FORMS)
            or [typo for typo, _ in words.typos(word)[:MAX_FORMS]]
            or words.fuzzy_completions(word, MAX_FORMS)
        )
        forms = list(dict.fromkeys([word, *completions]))
    else:
        forms = words.variants(word)
        if not words.count(word):
            forms += [typo for typo, _ in words.typos(word)[:MAX_FORMS]]
    return Choice([(form,) for form in forms], [(word,)])
