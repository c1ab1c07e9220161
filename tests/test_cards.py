"""Social cards: every article, subject and the home page name a 1200x630 image that is never stale,
drawn on first request and kept, or all ahead of time by `make_cards`."""

from io import BytesIO

import pytest
from django.core.management import call_command
from PIL import Image

from articles.models import Article
from articles.site import cards
from articles.site.cards import draw
from tests.pages import (
    BINARY_SEARCH,
    pages_fixture,  # noqa: F401 - fixture
    read,
)

pytestmark = pytest.mark.django_db
SITE = "https://qtakes.example"


@pytest.fixture(autouse=True)
def cards_dir(settings, tmp_path):
    settings.QTAKES_CARDS_DIR = str(tmp_path / "cards")
    return tmp_path / "cards"


def card_of(client, path):
    page = read(client.get(path))
    (image,) = page.meta_content("property", "og:image")
    assert image.startswith(SITE + "/cards/")
    return page, image.removeprefix(SITE)


def fetch_card(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    data = b"".join(response.streaming_content)
    image = Image.open(BytesIO(data))
    assert image.size == (1200, 630) and len(data) <= 100 * 1024
    return response, image


def test_an_article_names_its_card_for_every_reader_of_the_head(client, pages):
    page, path = card_of(client, BINARY_SEARCH)
    question = "How does binary search find an element in a sorted list?"
    assert page.meta_content("property", "og:image:width") == ["1200"]
    assert page.meta_content("property", "og:image:height") == ["630"]
    assert page.meta_content("property", "og:image:alt") == [question]
    assert page.meta_content("name", "twitter:card") == ["summary_large_image"]
    assert page.meta_content("name", "twitter:image") == [SITE + path]
    (article,) = page.json_ld_of_type("Article")
    assert article["image"] == {"@type": "ImageObject", "url": SITE + path, "width": 1200, "height": 630}


def test_a_card_is_drawn_on_first_request_then_served_from_its_file(client, pages, monkeypatch):
    _, path = card_of(client, BINARY_SEARCH)
    response, _ = fetch_card(client, path)
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    monkeypatch.setattr(draw, "draw_card", lambda *args: pytest.fail("drawn again"))
    fetch_card(client, path)


def test_a_changed_question_gives_a_new_card_and_the_old_address_follows(client, pages):
    _, old = card_of(client, BINARY_SEARCH)
    Article.objects.filter(url=BINARY_SEARCH).update(question="How does binary search work?")
    _, new = card_of(client, BINARY_SEARCH)
    assert new != old
    assert client.get(old).status_code == 301 and client.get(old)["Location"] == new
    fetch_card(client, new)


def test_an_unpublished_article_has_no_card(client, pages):
    _, path = card_of(client, BINARY_SEARCH)
    Article.objects.filter(url=BINARY_SEARCH).update(status="draft")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("page_path", ["/", "/learn/", "/learn/computer-science/", "/keywords/algorithms/"])
def test_home_subjects_and_listings_have_cards_too(client, pages, page_path):
    _, path = card_of(client, page_path)
    fetch_card(client, path)


def test_a_long_question_wraps_inside_the_card_and_never_overflows():
    question = (
        " ".join(["Interdisciplinary"] * 40) + " Pneumonoultramicroscopicsilicovolcanoconiosis" * 3 + "?"
    )
    image = Image.open(
        BytesIO(draw.draw_card(question, "Philosophy and Greek Myths", "QuickTakes", "q.example"))
    )
    pixels = image.convert("RGB")
    background = pixels.getpixel((1190, 10))
    # The right margin (80 px) and the band between the title and the footer rule are background only.
    for x in range(1125, 1200, 3):
        for y in range(0, 630, 3):
            assert pixels.getpixel((x, y)) == background, (x, y)
    for x in range(16, 1200, 3):
        for y in range(548, 558):
            assert pixels.getpixel((x, y)) == background, (x, y)


def test_make_cards_draws_every_card_once_and_prunes_the_stale(pages, cards_dir, capsys):
    call_command("make_cards", workers=2)
    drawn = sorted(cards_dir.glob("*/*.png"))
    published = Article.objects.published().count()
    assert len(drawn) >= published  # every published article's, plus the subjects' and the site's
    assert "Drew" in capsys.readouterr().out
    call_command("make_cards", workers=1)
    assert "Drew 0 cards" in capsys.readouterr().out
    Article.objects.filter(url=BINARY_SEARCH).update(question="Renamed?")
    call_command("make_cards", workers=1, prune=True)
    assert "Drew 1 cards" in capsys.readouterr().out
    assert len(sorted(cards_dir.glob("*/*.png"))) == len(drawn)  # the old one went, the new one came


def test_card_keys_follow_what_the_card_shows(settings):
    key = cards.card_key("A question?", "Physics")
    assert cards.card_key("A question?", "Chemistry") != key
    assert cards.card_key("Another question?", "Physics") != key
    settings.SITE_URL = "https://elsewhere.example"
    assert cards.card_key("A question?", "Physics") != key  # the card prints the site's host


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_browser_loads_the_card_a_page_names(browser, live_server, static_through_whitenoise, pages):
    context = browser.new_context(viewport={"width": 1200, "height": 700})
    page = context.new_page()
    page.goto(live_server.url + BINARY_SEARCH)
    image = page.locator('meta[property="og:image"]').get_attribute("content")
    path = image.removeprefix(SITE)
    page.goto(live_server.url + path)
    size = page.evaluate("[document.images[0].naturalWidth, document.images[0].naturalHeight]")
    assert size == [1200, 630]
    context.close()
