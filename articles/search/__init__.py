"""Search over published articles: what a reader meant, found by the database's own full-text index.

Indexes (migration 0011_search_terms): the same literal tokens on SQLite (FTS5) and PostgreSQL
(tsvectors with GIN), so the two return the same result sets. What a query word stands for is decided
here, from the site's own words (``dictionary``): the word itself, its other forms ("sorting": "sort",
"sorted"), and, when the words as typed find nothing or little, the words it may misspell (one typo in
5 to 8 letters, two from 9). How the engines rank is in ``engines``.

A search goes, until something is found: every term as typed (with its other forms); every term
corrected ("Showing results for ..."); then any term, ranked by how many match (``partial``). Any other
database falls back to ``icontains`` (slow, unranked, correct).
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ..models import Article, Subject
from . import dictionary, engines
from .engines import Choice
from .snippets import snippet, words_pattern
from .text import MAX_QUERY_LENGTH, STOP_WORDS, clean_query, parse

__all__ = ["MAX_QUERY_LENGTH", "STOP_WORDS", "Results", "find", "matches", "search", "search_terms"]

LISTING_FIELDS = (
    "url", "question", "date", "date_format", "seo_description", "publish_at", "subject__slug",
    "subject__name",
)  # fmt: skip
LITTLE = 3  # fewer results than this, with a word the site does not know: try the corrected words
MAX_TYPO_FORMS = 8
HEAD_FIRST_OVER = 1000


@dataclass
class Results:
    """What a search found. ``status``: "empty" (no query), "too_common" (stop words only), "found" or
    "none". ``corrected``: the query as searched when the words as typed were corrected."""

    query: str
    status: str = "empty"
    total: int = 0
    articles: list = field(default_factory=list)
    subjects: list = field(default_factory=list)  # (Subject, count), most results first
    subject: Subject | None = None
    corrected: str = ""
    partial: bool = False


@dataclass
class Attempt:
    plan: list
    mode: str
    counts: dict
    corrected: str = ""

    @property
    def total(self):
        return sum(self.counts.values())


def search_terms(query):
    """The words and phrases of a query worth matching, as text: lowercase, no stop words, each once."""
    return [term.text for term in parse(clean_query(query))[0]]


def find(query, *, subject=None, offset=0, limit=30, literal=False, snippets=True):
    """Search ``query``; ``subject`` (a slug) narrows it; ``literal`` turns corrections off.

    The articles of the requested slice carry ``snippet`` (unless ``snippets`` is false); ``subjects``
    counts the results of each subject before narrowing. A query with no word worth matching touches no
    database.
    """
    query = clean_query(query)
    terms, had_words = parse(query)
    if not terms:
        return Results(query, status="too_common" if had_words else "empty")
    engine = engines.engine()
    if engine is None:
        return _fallback(query, terms, subject, offset, limit)
    with engine.session():
        return _find(engine, query, terms, subject, offset, limit, literal, snippets)


def _find(engine, query, terms, subject, offset, limit, literal, snippets):
    words = dictionary.current()
    now = timezone.now()
    attempt = _attempt(engine, words, query, terms, now, literal)
    results = Results(query, status="found" if attempt.total else "none")
    results.corrected, results.partial = attempt.corrected, attempt.mode == "any"
    results.subjects = _subjects(attempt.counts)
    results.subject = _subject(results.subjects, subject)
    if subject and results.subject is None:
        return results  # an unknown subject narrows to nothing: the view answers 404
    results.total = attempt.counts.get(results.subject.pk, 0) if results.subject else attempt.total
    if results.total and offset < results.total:
        within = results.subject.pk if results.subject else None
        ids = _ranked(engine, attempt, now, within, limit, offset, results.total)
        results.articles = _articles(ids, _marked_words(attempt.plan) if snippets else None)
    return results


def _ranked(engine, attempt, now, subject, limit, offset, total):
    """The ids of the slice, best first. Every term in the question ranks first, so with many results
    the first pages come from ranking those alone, on their questions (``head_ranking``: a tenth of the
    work for a frequent word), unless there are too few of them to fill the slice. (The one page where
    they run out is ranked whole, so its first few may repeat or skip some of the page before.)"""
    if attempt.mode == "all" and total > HEAD_FIRST_OVER and attempt.counts.scores is None:
        ids = engine.ranked(attempt.plan, attempt.mode, now, subject, limit, offset, head=True)
        if len(ids) == limit:
            return ids
    return engine.ranked(attempt.plan, attempt.mode, now, subject, limit, offset, counts=attempt.counts)


def search(query, *, limit=20, offset=0):
    """The articles ``find`` ranks for ``query``, best first: at most ``limit`` of them."""
    return find(query, limit=limit, offset=offset).articles


def _attempt(engine, words, query, terms, now, literal):
    """The first of: every term as typed, every term corrected, any term, that finds something."""
    plan = [Choice(_forms(words, term), [term.words]) for term in terms]
    first = Attempt(plan, "all", engine.subject_counts(plan, "all", now))
    unknown = any(len(term.words) == 1 and not words.count(term.words[0]) for term in terms)
    best, corrected = first, None
    if not literal and (first.total == 0 or (first.total < LITTLE and unknown)):
        corrected_plan, text = _corrected(words, query, terms, plan, everything=first.total == 0)
        if corrected_plan is not None:
            corrected = Attempt(
                corrected_plan, "all", engine.subject_counts(corrected_plan, "all", now), text
            )
            if corrected.total > first.total:
                best = corrected
    if best.total == 0 and len(terms) > 1:
        source = corrected or first
        partial = Attempt(
            source.plan, "any", engine.subject_counts(source.plan, "any", now), source.corrected
        )
        if partial.total:
            best = partial
    return best


def _forms(words, term):
    """A term's indexed forms: a phrase as written; a word with its other forms."""
    if len(term.words) > 1:
        return [term.words]
    return [(form,) for form in words.variants(term.words[0])]


def _corrected(words, query, terms, plan, everything):
    """(plan with the words each term may misspell, the corrected query) or (None, "") when no word has
    a correction. Only words the site does not know are corrected, unless ``everything``: then known
    words also take the words they may misspell, ranked below themselves."""
    corrected, replaced, changed = [], [], False
    for term, choice in zip(terms, plan, strict=True):
        word = term.words[0]
        typos = words.typos(word)[:MAX_TYPO_FORMS] if len(term.words) == 1 else []
        known = words.count(word) > 0
        if not typos or (known and not everything):
            corrected.append(choice)
            continue
        changed = True
        best = word if known else typos[0][0]
        forms = list(dict.fromkeys([*choice.forms, *((typo,) for typo, _ in typos)]))
        corrected.append(Choice(forms, [(best,)]))
        if best != word:
            replaced.append((term.span, best))
    if not changed:
        return None, ""
    text = query.lower() if replaced else ""
    for (start, end), best in sorted(replaced, reverse=True):
        text = text[:start] + best + text[end:]
    return corrected, text


def _subject(subjects, slug):
    """The subject of ``slug``: from those with results, else from the database (None: no such subject)."""
    if not slug:
        return None
    found = next((subject for subject, _ in subjects if subject.slug == slug), None)
    return found or Subject.objects.filter(slug=slug).first()


def _subjects(counts):
    subjects = Subject.objects.filter(pk__in=list(counts)) if counts else []
    return sorted(((s, counts[s.pk]) for s in subjects), key=lambda pair: (-pair[1], pair[0].name))


def _articles(ids, words):
    """The articles of ``ids`` in that order, each with the snippet for ``words`` (None: no snippets)."""
    fields = LISTING_FIELDS if words is None else (*LISTING_FIELDS, "answer")
    found = Article.objects.filter(pk__in=ids).select_related("subject").only(*fields)
    by_id = {article.pk: article for article in found}
    articles = [by_id[pk] for pk in ids if pk in by_id]
    pattern = words_pattern(words) if words else None
    for article in articles:
        article.snippet = snippet(article.answer, pattern) if words is not None else ""
    return articles


def _marked_words(plan):
    return {token for choice in plan for form in choice.forms for token in form}


def matches(terms):
    """A filter for articles whose question, answer or keywords hold every one of ``terms`` (as
    ``search_terms`` gives them, in any of their forms), through the database's own index; published or
    not. The admin's search is built on it."""
    parsed = [term for text in terms for term in parse(text)[0]]
    engine = engines.engine()
    if engine is None or not parsed:
        every_word = Q()
        for term in terms:
            every_word &= (
                Q(question__icontains=term) | Q(answer__icontains=term) | Q(seo_keywords__icontains=term)
            )
        return every_word
    words = dictionary.current()
    sql, params = engine.matching([Choice(_forms(words, term), [term.words]) for term in parsed])
    return Q(pk__in=RawSQL(sql, params))


def _fallback(query, terms, subject, offset, limit):
    articles = Article.objects.published().select_related("subject").only(*LISTING_FIELDS, "answer")
    articles = articles.filter(matches([term.text for term in terms])).order_by("-publish_at", "-id")
    if subject:
        articles = articles.filter(subject__slug=subject)
    found = list(articles[offset : offset + limit])
    pattern = words_pattern({word for term in terms for word in term.words})
    for article in found:
        article.snippet = snippet(article.answer, pattern)
    return Results(query, status="found" if found else "none", total=articles.count(), articles=found)


def sqlite_index_is_complete(using_connection=None):
    """Whether the FTS5 tables, the change log, the three triggers and the subject index exist (a
    SQLite table rebuild drops the triggers and indexes Django does not know)."""
    conn = using_connection or connection
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE (type = 'table' AND name IN (%s, %s, %s)) "
            "OR (type = 'trigger' AND tbl_name = 'articles_article' AND name LIKE %s) "
            "OR (type = 'index' AND name = 'article_search_subject')",
            [engines.FTS, engines.QUESTIONS, dictionary.LOG_TABLE, engines.FTS + "%"],
        )
        return cursor.fetchone()[0] == 7
