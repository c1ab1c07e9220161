"""Social cards: the 1200x630 image a link preview shows for an article, a subject and the home page.

A card's address carries a digest of everything drawn on it (``card_key``): a changed question or
subject name gives a new address, so a card is never stale, and a card once drawn never changes, so it
is cached for a year. Cards are drawn on first request and kept as files (``settings.QTAKES_CARDS_DIR``,
named by their digest), or all ahead of time with ``manage.py make_cards``. Drawing is ``draw.py``.
"""

import hashlib
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

WIDTH, HEIGHT = 1200, 630
# Bump when the drawing changes: every card gets a new address, and the old files can be pruned.
CARD_VERSION = "1"
SITE_TITLE = "Short answers to real questions"
SUBJECT_LABEL = "Questions and answers"


def card_key(title, subject=""):
    """The digest naming a card: what it shows, the site it names, the drawing's version."""
    text = "\0".join((CARD_VERSION, title, subject, settings.SITE_NAME, site_host()))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def site_host():
    return urlsplit(settings.SITE_URL).netloc or settings.SITE_URL


def article_card_path(article):
    """``/cards/learn/<subject>/<slug>/<key>.png``: the article's own address, then the card's key."""
    subject, _, slug = article.url.removeprefix("/learn/").partition("/questions/")
    key = card_key(article.question, article.subject.name)
    return reverse("articles:article-card", kwargs={"subject": subject, "slug": slug, "key": key})


def subject_card_path(subject):
    key = card_key(subject.name, SUBJECT_LABEL)
    return reverse("articles:subject-card", kwargs={"subject": subject.slug, "key": key})


def site_card_path():
    return reverse("articles:site-card", kwargs={"key": card_key(SITE_TITLE)})


def card_file(key):
    return Path(settings.QTAKES_CARDS_DIR) / key[:2] / f"{key}.png"


def stored_card(title, subject=""):
    """The card's file, drawn and kept first if it is not there yet."""
    key = card_key(title, subject)
    path = card_file(key)
    if not path.exists():
        from .draw import draw_card  # Pillow and the fonts load only where cards are drawn

        keep(path, draw_card(title, subject, settings.SITE_NAME, site_host()))
    return path


def keep(path, data):
    """Write ``data`` to ``path`` atomically: two workers drawing one card at once both leave it whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
