"""Search quality, measured: a judgement set built from the real sample by a seeded generator.

For 300 articles: the question as written (known-item MRR@10 at least 0.9), four of its longest words
(found in the top 10 for at least 90%), and the question with one typo in each word of 6 letters or
more (found in the top 3 for at least 90%). An article counts as found when its question is found: the
corpus copies some questions into several subjects, and a reader cannot tell the copies apart.

Every query's whole result set is compared with tests/data/search_sets.json, written on one engine and
checked on both: SQLite and PostgreSQL return the same sets. After a deliberate change to matching,
rewrite it with ``QTAKES_WRITE_SEARCH_SETS=1``. Skips where the sample corpus is absent.
"""

import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from articles.models import Article
from tests.judgement import judgement_set, measure
from tests.pages import CORPUS, import_files

pytestmark = pytest.mark.django_db  # also what makes pytest-django set up the test database first

SETS = Path(__file__).resolve().parent / "data" / "search_sets.json"
# Beyond the judgement set: the terms written as they are, frequent words, partial and empty matches.
EXTRA_QUERIES = [
    "c++", "c#", ".net", "node.js", "x86-64", "derivative", "the process of", "what are the main",
    "photosynthesis light", "cell", "sorting algorithms", "zzzz qqqq", "hyponatremia sodium chess",
]  # fmt: skip


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker):
    """The real sample, imported once for this module and emptied after it."""
    if not CORPUS.exists():
        pytest.skip(f"{CORPUS} is not here")
    with django_db_blocker.unblock():
        name = str(connection.settings_dict["NAME"])
        assert "test" in name or "memory" in name, f"not a test database: {name}"  # it is flushed below
        import_files([CORPUS])
        questions = dict(Article.objects.published().values_list("url", "question"))
        try:
            yield questions
        finally:
            call_command("flush", "--no-input", verbosity=0)


@pytest.fixture(scope="module")
def measured(sample, django_db_blocker):
    with django_db_blocker.unblock():
        judged = judgement_set(sample) + [("extra", query, "") for query in EXTRA_QUERIES]
        figures, sets = measure(judged)
    for kind, (mrr, top3, top10) in figures.items():  # shown with -s
        print(f"{kind:12} MRR@10 {mrr:.3f}  top 3 {top3:.1%}  top 10 {top10:.1%}")
    return figures, sets


def test_a_question_typed_exactly_finds_itself_first(measured):
    mrr, _, _ = measured[0]["question"]
    assert mrr >= 0.9, measured[0]


def test_one_typo_in_each_long_word_finds_the_article_in_the_top_3(measured):
    _, top3, _ = measured[0]["typos"]
    assert top3 >= 0.9, measured[0]


def test_four_of_its_longest_words_find_the_article_in_the_top_10(measured):
    _, _, top10 = measured[0]["four words"]
    assert top10 >= 0.9, measured[0]


def test_sqlite_and_postgresql_return_the_same_sets(measured):
    sets = measured[1]
    if os.environ.get("QTAKES_WRITE_SEARCH_SETS"):
        SETS.write_text(
            json.dumps(sets, indent=0, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    expected = json.loads(SETS.read_text(encoding="utf-8"))
    differing = {
        query: (expected.get(query), found) for query, found in sets.items() if expected.get(query) != found
    }
    assert not differing, differing
