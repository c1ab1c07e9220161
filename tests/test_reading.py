"""What a reader finds on the pages: keywords that lead somewhere, one spelling of each, related keywords,
teasers that never show stray TeX, a table of contents, numbered pages, a varied home page, one layout."""

import re
from pathlib import Path

import pytest

from articles.site import keywords, outline, teasers
from articles.site.templating import page_numbers
from tests.pages import (
    DATA,
    import_files,
    make_article,
    make_subject,
    no_page_cache_fixture,  # noqa: F401 - fixture
    read,
)

pytestmark = pytest.mark.django_db
WIDE = Path(__file__).resolve().parent / "data" / "wide"
QUADRATICS = "/learn/mathematics/questions/how-are-quadratic-equations-solved"
DERIVATIVE = "/learn/mathematics/questions/what-is-a-derivative"


@pytest.fixture
def maths(db):
    import_files(sorted(WIDE.glob("*.md")) + [DATA / "binary-search.md", DATA / "rational-numbers.md"])


def keyword_chips(response):
    """(name, href or None) of each keyword under an article, in order."""
    html = response.content.decode()
    start = html.index('id="keywords-title"')
    section = html[start : html.index("</section>", start)]
    chips = re.findall(r'<li><(?:a href="([^"]*)" rel="tag"|span class="tag-alone")>([^<]*)<', section)
    return [(name, href or None) for href, name in chips]


# -- Keywords ------------------------------------------------------------------------------------------


def test_only_keywords_other_articles_share_are_links_and_spellings_show_once(client, maths):
    chips = keyword_chips(client.get(QUADRATICS))
    # The file's order: quadratic equations, Derivatives, algebra, discriminant.
    assert chips == [
        ("quadratic equations", None),  # no other article: its page would list this one alone
        ("Derivatives", "/keywords/derivatives/"),  # "derivative" on another article: one keyword
        ("algebra", "/keywords/algebra/"),
        ("discriminant", None),
    ]
    assert keyword_chips(client.get(DERIVATIVE))[0] == ("derivative", "/keywords/derivative/")


def test_a_keyword_page_lists_every_spelling_and_points_to_one_address(client, maths):
    for slug in ("derivative", "derivatives"):
        page = read(client.get(f"/keywords/{slug}/"))
        links = [href for href in page.anchors if "/questions/" in href]
        assert QUADRATICS in links and DERIVATIVE in links
        assert page.link_href("canonical") == ["https://qtakes.example/keywords/derivative/"]


def test_a_keyword_page_shows_related_keywords_that_lead_somewhere(client, db, no_page_cache):
    subject = make_subject("Physics")
    for n in range(3):
        make_article(subject, f"optics-{n}").keywords.add("optics", "lenses", *(["light"] if n else []))
    make_article(subject, "lonely").keywords.add("optics", "prisms")
    html = client.get("/keywords/optics/").content.decode()
    aside = html[html.index('id="related-keywords-title"') :]
    assert '"/keywords/lenses/"' in aside and '"/keywords/light/"' in aside
    assert aside.index("lenses") < aside.index("light")  # shared by three, then by two
    assert "prisms" not in aside  # on one article only: its page would offer nothing more


@pytest.mark.parametrize(
    "spellings",
    [
        ("derivative", "derivatives"),
        ("process", "processes"),
        ("study", "studies"),
        ("box", "boxes"),
        ("machine-learning", "machine-learnings"),
    ],
)
def test_singular_and_plural_fold_into_one_key(spellings):
    assert len({keywords.spelling_key(slug) for slug in spellings}) == 1


@pytest.mark.parametrize("word", ["analysis", "physics", "status", "glass", "gas", "data"])
def test_words_ending_in_s_that_are_not_plurals_keep_it(word):
    assert keywords.singular(word) == word


# -- Damaged descriptions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "description, damaged",
    [
        ("ext{R}^n$, linear combination, row reduction", True),
        ("ext{O}_2$, $", True),
        ("The formula \\( \\bar{x} = \\frac{1}{n} \\)", True),
        ("A pen costs $5 and a book $10.", False),
        ("Plain words about vectors, with (parentheses) and 50% of them.", False),
    ],
)
def test_damaged_descriptions_are_told_from_sound_ones(description, damaged):
    assert teasers.is_damaged(description) is damaged


def test_a_damaged_description_falls_back_to_the_answers_first_sentence(client, maths):
    first = "A quadratic equation ax²+bx+c=0 has the roots x=(−b±√(b²−4ac))/(2a), which are real when"
    page = read(client.get(QUADRATICS))
    description = page.meta_content("name", "description")[0]
    assert description.startswith(first) and "ext{" not in description and "$" not in description
    assert page.meta_content("property", "og:description") == [description]
    listing = client.get("/learn/mathematics/").content.decode()
    assert "ext{" not in listing and "A quadratic equation ax²+bx+c=0" in listing
    feed = client.get("/feeds/subjects/mathematics.rss").content.decode()
    assert "ext{" not in feed and "A quadratic equation ax²+bx+c=0" in feed


def test_the_files_description_is_kept_as_it_is(maths):
    from articles.models import Article

    assert Article.objects.get(url=QUADRATICS).seo_description == "ext{R}^n$, roots, discriminant, $"


def test_math_in_a_teaser_reads_as_plain_characters():
    html = "<p>Molecular oxygen (<math><mrow><msub><mi>O</mi><mn>2</mn></msub></mrow></math>) is paramagnetic. More.</p>"
    assert teasers.first_sentence(html) == "Molecular oxygen (O₂) is paramagnetic."


# -- Table of contents ---------------------------------------------------------------------------------


def test_answers_with_three_headings_get_a_table_of_contents(client, maths):
    html = client.get(QUADRATICS).content.decode()
    assert '<nav class="toc" aria-labelledby="toc-title">' in html
    for anchor in ("factoring", "the-formula", "completing-the-square", "summary"):
        assert f'href="#{anchor}"' in html and f'<h2 id="{anchor}">' in html
    assert 'class="toc"' not in client.get(DERIVATIVE).content.decode()  # no headings at all


def test_heading_ids_are_unique_and_never_a_page_id():
    found = outline.outline("<h2>Main</h2><h2>Summary</h2><h3>Summary</h3><h2></h2>")
    assert [entry.id for entry in found.contents] == ["main-2", "summary", "section-4"]
    assert [child.id for child in found.contents[1].children] == ["summary-2"]


# -- Listings ------------------------------------------------------------------------------------------


def test_listings_number_their_pages(client, db, no_page_cache):
    subject = make_subject("Physics")
    for n in range(30 * 9 + 1):
        make_article(subject, f"question-{n}", days_ago=n + 1)
    html = client.get("/learn/physics/?page=5").content.decode()
    nav = html[html.index('<nav class="pagination"') :]
    numbers = [int(n) for n in re.findall(r'<span class="visually-hidden">Page </span>(\d+)</a>', nav)]
    assert numbers == [1, 4, 5, 6, 10]  # the gaps (2-3, 7-9) are ellipses
    assert '?page=5" aria-current="page"' in nav


@pytest.mark.parametrize(
    "current, last, expected",
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 10, [1, 2, None, 10]),
        (3, 10, [1, 2, 3, 4, None, 10]),
        (4, 7, [1, None, 3, 4, 5, None, 7]),
        (5, 10, [1, None, 4, 5, 6, None, 10]),
        (8, 10, [1, None, 7, 8, 9, 10]),
    ],
)
def test_page_numbers_show_the_ends_and_the_neighbourhood(current, last, expected):
    class Paginator:
        num_pages = last

    class Page:
        number = current
        paginator = Paginator

    assert page_numbers(Page) == expected


def test_home_shows_the_newest_question_of_each_subject(client, db, no_page_cache):
    busy, other = make_subject("Physics"), make_subject("Chemistry")
    for n in range(20):
        make_article(busy, f"physics-{n}", days_ago=n + 1)
    make_article(other, "chemistry-0", days_ago=30)
    links = [href for href in read(client.get("/")).anchors if "/questions/" in href]
    assert links == ["/learn/physics/questions/physics-0", "/learn/chemistry/questions/chemistry-0"]


@pytest.mark.parametrize("path", ["/", "/learn/", "/learn/mathematics/", "/keywords/algebra/", QUADRATICS])
def test_every_page_puts_its_content_in_the_one_layout(client, maths, path):
    html = client.get(path).content.decode()
    grid = html.index('<div class="wrap page-grid">')
    assert grid < html.index('<main id="main"') < html.index("</main>")
    if "<aside" in html:  # a sidebar follows main, in the same grid
        assert html.index("</main>") < html.index('<aside class="sidebar"')
    else:
        assert '<main id="main" tabindex="-1" class="span-all">' in html


def test_a_keyword_on_one_article_only_is_not_linked(client, db, no_page_cache):
    article = make_article(make_subject("Physics"), "alone")
    article.keywords.add("unshared")
    page = read(client.get(article.url))
    assert "/keywords/unshared/" not in page.anchors
    assert '<span class="tag-alone">unshared</span>' in client.get(article.url).content.decode()
