"""The public pages: addresses, listings, related links, the publish rule, hostile content, headers,
query counts and conditional requests."""

import datetime
import re
from collections import deque
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from django.views.defaults import server_error

from articles.models import Article, Redirect
from articles.site import views
from tests.pages import (
    BIG_O,
    BINARY_SEARCH,
    CORPUS,
    DANGLING,
    HASH_TABLE,
    HOSTILE,
    LINKED_LIST,
    MERGE_SORT,
    RATIONAL,
    TAX_ACCOUNTING,
    TAX_BUSINESS,
    PageReader,
    import_files,
    make_article,
    make_subject,
    no_page_cache_fixture,  # noqa: F401 - fixture
    pages_fixture,  # noqa: F401 - fixture
    read,
    whole_sitemap,
)

pytestmark = pytest.mark.django_db


def read_any(response):
    return PageReader(response.content.decode())


def hrefs(response):
    return read(response).anchors


def unpublish(url, **changes):
    changes = changes or {"status": Article.Status.DRAFT}
    Article.objects.filter(url=url).update(**changes)


# -- Addresses ---------------------------------------------------------------------------------------


def test_home_offers_subjects_latest_articles_and_a_search_box(client, pages):
    response = client.get("/")
    page = read(response)
    assert page.h1 == ["Short answers to real questions"]
    assert reverse("articles:subject", kwargs={"subject": "computer-science"}) in page.anchors
    assert MERGE_SORT in page.anchors  # the newest article
    assert (
        "form",
        {"class": "search-form", "role": "search", "action": "/search/", "method": "get"},
    ) in page.tags
    assert any(tag == "input" and attrs.get("name") == "q" for tag, attrs in page.tags)


def test_learn_lists_every_subject_with_its_article_count(client, pages):
    text = " ".join(client.get("/learn/").content.decode().split())
    assert 'Computer Science</span> <span class="subject-count">6 questions' in text
    assert 'Mathematics</span> <span class="subject-count">1 question<' in text
    assert "Accounting and Finance" in text and "Business and Management" in text


def test_subject_page_lists_its_articles_newest_first(client, pages):
    links = [href for href in hrefs(client.get("/learn/computer-science/")) if "/questions/" in href]
    assert links == [MERGE_SORT, BINARY_SEARCH, HASH_TABLE, BIG_O, HOSTILE, LINKED_LIST]


def test_subject_questions_folder_and_slashless_subject_lead_to_the_subject_page(client, pages):
    for path in ("/learn/computer-science/questions/", "/learn/computer-science"):
        response = client.get(path)
        assert response.status_code == 301
        assert response["Location"] == "/learn/computer-science/"


def test_article_answers_at_exactly_its_url(client, pages):
    response = client.get(BINARY_SEARCH)
    page = read(response)
    assert page.h1 == ["How does binary search find an element in a sorted list?"]
    assert "/learn/computer-science/" in page.anchors  # the subject as a breadcrumb
    assert (
        '<p class="byline">Posted on <time datetime="2024-12-20">Dec 20, 2024</time></p>'
        in response.content.decode()
    )


def test_article_slash_variant_redirects_permanently(client, pages):
    response = client.get(BINARY_SEARCH + "/")
    assert response.status_code == 301
    assert response["Location"] == BINARY_SEARCH


@pytest.mark.parametrize(
    "path",
    [
        "/learn/computer-science/questions/no-such-question",
        "/learn/computer-science/questions/no-such-question/",
        "/learn/no-such-subject/",
        "/keywords/no-such-keyword/",
        "/no/such/page",
        BINARY_SEARCH + "/extra",
    ],
)
def test_unknown_paths_answer_a_real_404_page(client, pages, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_server_error_answers_its_own_page_with_the_sites_stylesheet(rf, db):
    response = server_error(rf.get("/any"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert re.search(r'<link rel="stylesheet" href="/static/css/site\.[0-9a-f]{12}\.css">', html)
    assert '<a href="/">Go to the home page</a>' in html


def test_a_moved_article_redirects_from_its_old_address(client, pages):
    article = Article.objects.get(url=BINARY_SEARCH)
    Redirect.objects.create(old_url="/learn/computer-science/questions/binary-search", article=article)
    for old in (
        "/learn/computer-science/questions/binary-search",
        "/learn/computer-science/questions/binary-search/",
    ):
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == BINARY_SEARCH


def test_a_redirect_to_an_unpublished_article_is_a_404(client, pages):
    Redirect.objects.create(
        old_url="/learn/computer-science/questions/old", article=Article.objects.get(url=HASH_TABLE)
    )
    unpublish(HASH_TABLE)
    assert client.get("/learn/computer-science/questions/old").status_code == 404


def test_a_removed_article_answers_410_gone(client, pages):
    unpublish(HASH_TABLE, status=Article.Status.REMOVED)
    for path in (HASH_TABLE, HASH_TABLE + "/"):
        response = client.get(path)
        assert response.status_code == 410
        assert "This question has been removed" in response.content.decode()
        assert read_any(response).meta_content("name", "robots") == ["noindex"]
    assert HASH_TABLE not in crawl(client)


def test_staff_preview_a_draft_that_the_public_cannot_see(client, admin_client, pages):
    unpublish(MERGE_SORT)
    assert client.get(MERGE_SORT).status_code == 404
    response = admin_client.get(MERGE_SORT)
    assert response.status_code == 200
    assert read(response).meta_content("name", "robots") == ["noindex"]
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert MERGE_SORT not in admin_client.get("/learn/computer-science/").content.decode()


def test_date_is_shown_with_the_files_own_pattern_and_label(client, pages):
    assert (
        'Published <time datetime="2024-12-25">Wednesday, December 25th 2024</time>'
        in client.get(MERGE_SORT).content.decode()
    )
    assert 'Posted on <time datetime="2024-12-10">10/12/2024</time>' in client.get(BIG_O).content.decode()


# -- Listings ----------------------------------------------------------------------------------------


def test_listing_ties_are_broken_stably_and_pages_do_not_overlap(client, db):
    subject = make_subject("Physics")
    same_time = timezone.now() - datetime.timedelta(days=2)
    made = [make_article(subject, f"question-{n}", publish_at=same_time) for n in range(views.PER_PAGE + 5)]
    first = [h for h in hrefs(client.get("/learn/physics/")) if "/questions/" in h]
    second = [h for h in hrefs(client.get("/learn/physics/?page=2")) if "/questions/" in h]
    assert len(first) == views.PER_PAGE and len(second) == 5
    assert first + second == [article.url for article in reversed(made)]  # newest id first
    assert [h for h in hrefs(client.get("/learn/physics/")) if "/questions/" in h] == first


@pytest.mark.parametrize("query", ["?page=3", "?page=0", "?page=abc", "?page=-1"])
def test_listing_pages_out_of_range_are_404(client, db, query):
    subject = make_subject("Physics")
    for n in range(views.PER_PAGE + 1):
        make_article(subject, f"question-{n}")
    assert client.get("/learn/physics/" + query).status_code == 404


def test_pagination_links_both_ways(client, db):
    subject = make_subject("Physics")
    for n in range(2 * views.PER_PAGE + 1):
        make_article(subject, f"question-{n}", days_ago=n + 1)
    page = read(client.get("/learn/physics/?page=2"))
    assert "/learn/physics/" in page.anchors and "?page=3" in page.anchors
    assert page.link_href("prev") == ["https://qtakes.example/learn/physics/"]
    assert page.link_href("next") == ["https://qtakes.example/learn/physics/?page=3"]


def test_keyword_page_lists_the_articles_carrying_it(client, pages):
    article_page = read(client.get(BINARY_SEARCH))
    assert "/keywords/time-complexity/" in article_page.anchors
    links = [h for h in hrefs(client.get("/keywords/time-complexity/")) if "/questions/" in h]
    assert links == [MERGE_SORT, BINARY_SEARCH, HASH_TABLE, BIG_O]


@pytest.mark.parametrize("name", ["optics", "C++ & C#", "Ökonomie", "数据结构", "naïve bayes 2"])
def test_article_links_its_keywords_where_the_keyword_says_it_lives(client, db, no_page_cache, name):
    article = make_article(make_subject("Physics"), "keyworded")
    article.keywords.add(name)
    make_article(article.subject, "another").keywords.add(name)  # the keyword's page offers another
    keyword = article.keywords.get()
    assert views.keyword_path(keyword.slug) == keyword.get_absolute_url()
    assert keyword.get_absolute_url() in read(client.get(article.url)).anchors


# -- Which articles show where ----------------------------------------------------------------------


def crawl(client, start="/"):
    """Every internal page reachable by links from ``start``: {path: status}."""
    seen, queue = {}, deque([start])
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        base = urlsplit(path).path
        for href in read(response).anchors:
            parts = urlsplit(href)
            if parts.netloc or href.startswith(("#", "/static/")):
                continue
            target = (parts.path or base) + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                queue.append(target)
    return seen


def test_every_link_on_the_site_leads_to_a_live_page(client, pages):
    statuses = crawl(client)
    assert {path: status for path, status in statuses.items() if status != 200} == {}
    assert BINARY_SEARCH in statuses and "/keywords/time-complexity/" in statuses
    assert DANGLING not in statuses  # a relation whose target does not exist is never a link


@pytest.mark.parametrize(
    "changes",
    [{"status": Article.Status.DRAFT}, {"publish_at": timezone.now() + datetime.timedelta(days=3)}],
    ids=["draft", "scheduled"],
)
def test_an_unpublished_article_answers_404_and_is_never_linked(client, pages, changes):
    unpublish(MERGE_SORT, **changes)
    assert client.get(MERGE_SORT).status_code == 404
    assert client.get(MERGE_SORT + "/").status_code == 404
    statuses = crawl(client)
    assert MERGE_SORT not in statuses
    assert MERGE_SORT not in client.get("/search/?q=merge+sort").content.decode()
    assert BINARY_SEARCH in whole_sitemap(client) and MERGE_SORT not in whole_sitemap(client)
    for path in ("/feeds/latest.rss", "/feeds/subjects/computer-science.atom"):
        assert MERGE_SORT not in client.get(path).content.decode()


def test_no_index_articles_stay_in_listings_search_and_related_links(client, pages):
    assert BIG_O in hrefs(client.get("/learn/computer-science/"))
    assert BIG_O in hrefs(client.get("/search/?q=big+notation"))
    assert BIG_O in hrefs(client.get(BINARY_SEARCH))


# -- Related articles --------------------------------------------------------------------------------


def sections(response):
    """The links of the 'Related questions' and 'More in <subject>' lists of an article page."""
    html = response.content.decode()
    found = {}
    for key in ("related-title", "more-title"):
        match = re.search(rf'<h2 id="{key}">.*?</ul>', html, re.S)
        found[key] = re.findall(r'href="([^"]+)"', match.group(0)) if match else []
    return found["related-title"], found["more-title"]


def test_related_articles_follow_the_file_each_once_without_dead_links(client, pages):
    related, more = sections(client.get(BINARY_SEARCH))
    # The file lists merge sort twice, a url that does not exist, hash table, and the no_index big-O.
    assert related == [MERGE_SORT, HASH_TABLE, BIG_O]
    # Fewer than five: more from the same subject by shared keywords, kept apart.
    assert more == [LINKED_LIST]


def test_an_unpublished_related_target_is_left_out(client, pages):
    unpublish(HASH_TABLE)
    related, more = sections(client.get(BINARY_SEARCH))
    assert related == [MERGE_SORT, BIG_O]
    assert HASH_TABLE not in more


def test_more_links_share_keywords_and_stay_in_the_subject(client, pages):
    related, more = sections(client.get(MERGE_SORT))
    assert related == [BINARY_SEARCH]
    assert set(more) == {BIG_O, HASH_TABLE, LINKED_LIST}  # all share a keyword with merge sort
    assert more[0] == BIG_O  # two shared keywords beat one
    related, more = sections(client.get(RATIONAL))  # Mathematics: nothing else shares its keywords
    assert related == [] and more == []


def test_five_resolved_related_articles_leave_no_room_for_more(client, db):
    subject = make_subject("Physics")
    source = make_article(subject, "source")
    targets = [make_article(subject, f"target-{n}") for n in range(5)]
    other = make_article(subject, "shares-a-keyword")
    source.keywords.add("optics")
    other.keywords.add("optics")
    for position, target in enumerate(targets, start=1):
        source.relations.create(position=position, target_url=target.url, target=target)
    related, more = sections(client.get(source.url))
    assert related == [target.url for target in targets]
    assert more == []


def test_more_links_fill_the_five_when_the_best_sharers_are_already_related(client, db):
    subject = make_subject("Physics")
    source = make_article(subject, "source")
    names = [f"optics {n}" for n in range(8)]
    source.keywords.add(*names)
    # Peers sharing 8, 7, ... 2 keywords; the two that share most are also the file's relations.
    peers = []
    for shared in range(8, 1, -1):
        peers.append(make_article(subject, f"peer-{shared}", days_ago=shared))
        peers[-1].keywords.add(*names[:shared])
    for position, target in enumerate(peers[:2], start=1):
        source.relations.create(position=position, target_url=target.url, target=target)
    unpublish(peers[2].url)  # the best sharer left over is not shown, so the next ones move up
    related, more = sections(client.get(source.url))
    assert related == [peer.url for peer in peers[:2]]
    assert more == [peer.url for peer in peers[3:6]]


# -- Hostile content ---------------------------------------------------------------------------------


FORBIDDEN_TAGS = {"iframe", "object", "embed", "svg", "style", "frame", "frameset", "base", "applet"}


def assert_no_active_markup(html):
    """No markup that runs code, loads third-party content or styles inline (the CSP would block it)."""
    for tag, attrs in PageReader(html).tags:
        assert tag not in FORBIDDEN_TAGS, tag
        if tag == "img":
            assert attrs.get("src", "").startswith("/static/"), attrs
        if tag == "script" and "src" in attrs:  # a small same-origin file, after the page is read
            assert attrs["src"].startswith("/static/js/") and "defer" in attrs, attrs
        elif tag == "script":
            assert attrs == {"type": "application/ld+json"}, attrs
        if tag == "form":
            assert attrs.get("action") == "/search/", attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name != "style", tag
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)


def test_hostile_content_never_reaches_a_page_as_markup(client, pages):
    response = client.get(HOSTILE)
    html = response.content.decode()
    assert_no_active_markup(html)
    assert read(response).h1 == ['What does <script>alert("title")</script> do in a page?']
    text = unescape(html)
    assert '<script>alert("answer")</script>' in text  # shown as text, harmlessly
    assert "{{ settings.SECRET_KEY }}" in text and '{% now "Y" %}' in text  # never run as a template
    assert_no_active_markup(client.get("/").content.decode())  # home lists each subject's newest only
    for path in ("/learn/computer-science/", "/keywords/xss/", "/search/?q=script+page"):
        listing = client.get(path).content.decode()
        assert_no_active_markup(listing)
        assert '<script>alert("title")</script>' in unescape(listing)  # the title, shown as text


def test_no_page_carries_an_inline_script_or_style(client, pages):
    for path in (
        "/",
        "/learn/",
        "/learn/computer-science/",
        BINARY_SEARCH,
        "/keywords/algorithms/",
        "/search/?q=sort",
    ):
        assert_no_active_markup(client.get(path).content.decode())
    assert_no_active_markup(client.get("/no-such-page").content.decode())


def test_security_headers(client, pages):
    response = client.get(BINARY_SEARCH)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_static_files_are_served_by_the_site_with_hashed_names(client, pages):
    page = read(client.get(BINARY_SEARCH))
    sheets = page.link_href("stylesheet")
    assert any(re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", href) for href in sheets), sheets
    assert any(re.fullmatch(r"/static/css/code\.[0-9a-f]{12}\.css", href) for href in sheets), sheets
    for href in sheets + page.link_href("icon"):
        assert client.get(href).status_code == 200


# -- Conditional requests and health -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [BINARY_SEARCH, "/", "/learn/", "/learn/computer-science/", "/keywords/algorithms/"]
)
def test_pages_answer_conditional_requests(client, pages, no_page_cache, path):
    response = client.get(path)
    assert response.status_code == 200 and response["ETag"]
    again = client.get(path, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304 and again.content == b""


def test_article_answers_if_modified_since(client, pages, no_page_cache):
    response = client.get(BINARY_SEARCH)
    assert response["Last-Modified"] == "Fri, 20 Dec 2024 00:00:00 GMT"
    again = client.get(BINARY_SEARCH, headers={"If-Modified-Since": response["Last-Modified"]})
    assert again.status_code == 304


def test_conditional_requests_with_the_page_cache_in_front(client, pages):
    response = client.get(BINARY_SEARCH)
    assert client.get(BINARY_SEARCH, headers={"If-None-Match": response["ETag"]}).status_code == 304


def test_healthz_touches_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


# -- Query counts ------------------------------------------------------------------------------------


def make_rich_article(n_related, n_keywords):
    subject = make_subject("Physics")
    article = make_article(subject, f"rich-{n_related}-{n_keywords}")
    targets = [make_article(subject, f"target-{n_related}-{n}") for n in range(n_related)]
    for position, target in enumerate(targets, start=1):
        article.relations.create(position=position, target_url=target.url, target=target)
    names = [f"keyword {n}" for n in range(n_keywords)]
    article.keywords.add(*names)
    for target in targets:
        target.keywords.add(*names[:2])
    return article


@pytest.mark.parametrize("n_related,n_keywords", [(0, 0), (1, 3), (5, 20)])
def test_article_page_takes_a_fixed_number_of_queries_whatever_it_links(
    client, db, no_page_cache, django_assert_num_queries, n_related, n_keywords
):
    article = make_rich_article(n_related, n_keywords)
    # One more for keywords: which of them other articles share (articles.site.keywords).
    with django_assert_num_queries(4 if n_keywords else 3):
        assert client.get(article.url).status_code == 200


def test_article_page_stays_within_five_queries_with_the_page_cache(
    client, pages, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        assert client.get(BINARY_SEARCH).status_code == 200
    with django_assert_max_num_queries(1):  # served from the cache
        assert client.get(BINARY_SEARCH).status_code == 200


@pytest.mark.parametrize(
    "path,queries",
    [
        ("/", 2),
        ("/learn/", 1),
        ("/learn/physics/", 3),
        ("/learn/physics/?page=2", 3),
        ("/learn/physics/?page=3", 3),
        ("/keywords/optics/", 4),
        ("/keywords/optics/?page=3", 4),
        # Results with their count, snippets and subjects; the first search after a change also reads the
        # words it brought to the typo dictionary (two more), so each path is asked once before counting.
        ("/search/?q=question", 6),
        ("/search/?q=question&page=3", 6),
        ("/search/?q=the", 0),
    ],
)
def test_listing_pages_take_a_fixed_number_of_queries(
    client, db, no_page_cache, django_assert_num_queries, path, queries
):
    subject = make_subject("Physics")
    for n in range(3 * views.PER_PAGE):
        make_article(subject, f"question-{n}", days_ago=n + 1).keywords.add("optics")
    client.get(path)
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


# -- Pages drawn from the corpus cases of FORMAT.md --------------------------------------------------

FORMAT_CASES = [
    "how-are-credit-transactions-recorded-in-journal-entries.md",
    "are-there-any-additional-materials-allowed-during-the-examination.md",
    "what-distinguishes-rational-numbers-from-irrational-numbers.md",
    "how-are-recursive-functions-implemented-in-c.md",
    "how-do-ribose-and-deoxyribose-sugars-differ-structurally.md",
    "what-are-frames-in-tkinter-and-how-are-they-used.md",
    "accounting-and-finance__what-are-the-taxation-requirements-for-corporations.md",
    "business-and-management__what-are-the-taxation-requirements-for-corporations.md",
    "what-is-the-magnetic-nature-of-molecular-oxygen.md",
]


@pytest.fixture
def format_cases(db):
    if not all((CORPUS / name).exists() for name in FORMAT_CASES):
        pytest.skip(f"the corpus sample is not at {CORPUS}")
    import_files([CORPUS / name for name in FORMAT_CASES])
    return {article.file_name: article for article in Article.objects.all()}


def answer_of(response):
    html = response.content.decode()
    return html[html.index('<div class="answer">') : html.index("</article>")]


def test_format_cases_render(client, format_cases):
    for article in format_cases.values():
        response = client.get(article.url)
        assert read(response).h1 == [" ".join(article.question.split())], article.url

    # "---" inside the answer (a Markdown table) does not end the front matter.
    journal = answer_of(
        client.get(format_cases["how-are-credit-transactions-recorded-in-journal-entries.md"].url)
    )
    assert "<table>" in journal

    # \neq is the LaTeX command, not a newline and "eq".
    rational = answer_of(
        client.get(format_cases["what-distinguishes-rational-numbers-from-irrational-numbers.md"].url)
    )
    assert "<math" in rational and "≠" in unescape(rational)
    assert "\\n eq" not in rational and "\neq" not in rational

    # A C string keeps its \n; the code is highlighted.
    c_code = answer_of(client.get(format_cases["how-are-recursive-functions-implemented-in-c.md"].url))
    assert '<pre class="highlight"' in c_code and "\\n" in unescape(re.sub("<[^>]+>", "", c_code))

    # Inline code holding a tag shows the tag as text.
    tkinter = answer_of(client.get(format_cases["what-are-frames-in-tkinter-and-how-are-they-used.md"].url))
    assert "<code>&lt;" in tkinter
    assert_no_active_markup(
        client.get(format_cases["what-are-frames-in-tkinter-and-how-are-they-used.md"].url).content.decode()
    )

    no_index = client.get(
        format_cases["are-there-any-additional-materials-allowed-during-the-examination.md"].url
    )
    assert read(no_index).meta_content("name", "robots") == ["noindex"]


def test_own_math_and_code_page_renders(client, pages):
    answer = answer_of(client.get(BINARY_SEARCH))
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in answer
    assert '<pre class="highlight" tabindex="0"><code class="language-python">' in answer
    assert '<span class="hl-k">def</span>' in answer
    assert '<div class="table-wrap" tabindex="0"><table>' in answer
    rational = answer_of(client.get(RATIONAL))
    assert "≠" in unescape(rational) and "∉" in unescape(rational)
    assert "$5" in rational and "$10" in rational  # prices stay prices


def test_twin_questions_both_render(client, pages):
    for url in (TAX_ACCOUNTING, TAX_BUSINESS):
        assert read(client.get(url)).h1 == ["What are the taxation requirements for corporations?"]


@pytest.mark.corpus
def test_every_sample_article_renders_with_its_question_as_h1(client, db, no_page_cache):
    if not CORPUS.is_dir():
        pytest.skip(f"the corpus sample is not at {CORPUS}")
    import_files([CORPUS])
    articles = list(Article.objects.values_list("url", "question"))
    assert len(articles) > 3000
    failures = []
    for url, question in articles:
        response = client.get(url)
        if response.status_code != 200:
            failures.append((url, response.status_code))
        elif read(response).h1 != [" ".join(question.split())]:
            failures.append((url, "h1"))
    assert failures == []
