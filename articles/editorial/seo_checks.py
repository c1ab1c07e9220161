"""SEO checks, the rules: what a search result shows of an article, and what is wrong with it.

Pure functions of an article's values; seo_store.py keeps their findings for the report and the
dashboard, and the change form's counters (static/js/seo_counters.js) apply the same rules as the
editor types, with the width table below handed to them as data.

A result's title is the page's ``<title>`` (articles.site.seo.article_head): the question, then the SEO
title. Google cuts titles at about 600 px of 20 px Arial, not at a number of characters, so the width
is estimated from Arial's advance widths (measured in Chromium with Liberation Sans, Arial's metric twin).
"""

import hashlib
import json

from django.conf import settings
from django.db.models import TextChoices

from ..models import SeoProblem
from ..site.teasers import is_damaged

TITLE_FONT_PX = 20
TITLE_MAX_PX = 600
DESCRIPTION_MIN = 70
DESCRIPTION_MAX = 160
ELLIPSIS = "…"
EM = 2048  # Arial's units per em
# Advance widths in 1/2048 em, by the characters that share one. Letters and digits not listed: 1139.
DEFAULT_WIDTH = 1139
WIDE_FROM = 0x2E80
WIDTHS = {
    391: "'",
    455: "ijl’‘",
    532: "|",
    569: " !,./:;I[\\]ft·",
    682: "()-`r“”",
    684: "{}",
    727: '"',
    797: "*",
    819: "°",
    961: "^",
    1024: "Jcksvxyz",
    1124: "±≤≥",
    1196: "+<=>~×",
    1251: "FTZ",
    1366: "&ABEKPSVXY",
    1479: "CDHNRUw",
    1593: "GOQ",
    1706: "Mm",
    1821: "%",
    1933: "W",
    2048: "—…→",
    2079: "@",
}
CHAR_WIDTHS = {char: width for width, chars in WIDTHS.items() for char in chars}

Kind = SeoProblem.Kind
DUPLICATE_KINDS = (Kind.TITLE_DUPLICATE, Kind.DESCRIPTION_DUPLICATE)


class Level(TextChoices):
    OK = "ok", "Good"
    WARN = "warn", "Check"
    BAD = "bad", "Problem"


def char_width(char):
    """A character's width in 1/2048 em; from U+2E80 on (CJK and beyond), a full em."""
    if char in CHAR_WIDTHS:
        return CHAR_WIDTHS[char]
    return EM if ord(char) >= WIDE_FROM else DEFAULT_WIDTH


def title_width(text, font_px=TITLE_FONT_PX):
    """The estimated width in pixels of ``text`` in a search result's title."""
    return round(sum(char_width(char) for char in text) * font_px / EM)


def cut_title(text, max_px=TITLE_MAX_PX):
    """``text`` as a search result shows it: whole if it fits, else cut at a word with an ellipsis."""
    if title_width(text) <= max_px:
        return text
    budget = max_px * EM / TITLE_FONT_PX - char_width(ELLIPSIS)
    used, end = 0, 0
    for index, char in enumerate(text):
        used += char_width(char)
        if used > budget:
            break
        end = index + 1
    cut = text[:end]
    if " " in cut.strip():
        cut = cut.rstrip().rsplit(" ", 1)[0]
    return cut.rstrip(" |-:,") + " " + ELLIPSIS


def cut_description(text, limit=DESCRIPTION_MAX):
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + " " + ELLIPSIS


def page_title(question, seo_title, subject_name):
    """The article page's ``<title>``, as articles.site.seo.article_head writes it."""
    return f"{question} | {seo_title or f'{settings.SITE_NAME} | {subject_name}'}"


def text_key(text):
    """What two articles share when their text is the same, case and spacing aside; "" for no text."""
    folded = " ".join(text.split()).casefold()
    if not folded:
        return ""
    return hashlib.blake2b(folded.encode(), digest_size=16).hexdigest()


def title_level(width):
    return Level.OK if width <= TITLE_MAX_PX else Level.BAD


def description_level(length):
    if length == 0:
        return Level.BAD
    if length < DESCRIPTION_MIN or length > DESCRIPTION_MAX:
        return Level.WARN
    return Level.OK


def title_problems(question, seo_title, subject_name):
    title = page_title(question, seo_title, subject_name)
    width = title_width(title)
    if width > TITLE_MAX_PX:
        return [(Kind.TITLE_LONG, f"~{width} px, {len(title)} characters")]
    return []


def description_problems(description):
    """The description's own problems: missing, short, long, damaged (duplicates are found elsewhere)."""
    text = description.strip()
    if not text:
        return [(Kind.DESCRIPTION_MISSING, "")]
    problems = []
    if len(text) < DESCRIPTION_MIN:
        problems.append((Kind.DESCRIPTION_SHORT, f"{len(text)} characters, under {DESCRIPTION_MIN}"))
    elif len(text) > DESCRIPTION_MAX:
        problems.append((Kind.DESCRIPTION_LONG, f"{len(text)} characters, over {DESCRIPTION_MAX}"))
    if is_damaged(text):
        problems.append((Kind.DESCRIPTION_DAMAGED, damage(text)))
    return problems


def damage(text):
    """What looks damaged in a description, in a few words."""
    if text.replace("$", "").count("\\") or "{" in text or "}" in text:
        found = "TeX commands or braces"
    else:
        found = "TeX remnants"
    dollars = text.count("$")
    return f"{found}, {dollars} “$”" if dollars % 2 else found


def article_problems(values):
    """(kind, detail) for each problem of one article found in its own values (duplicates aside).

    ``values``: question, seo_title, seo_description, subject_name, has_answer, has_keywords, dangling
    (the number of related articles with nothing to show), related (how many there are).
    """
    problems = [
        *title_problems(values["question"], values["seo_title"], values["subject_name"]),
        *description_problems(values["seo_description"]),
    ]
    if not values["has_keywords"]:
        problems.append((Kind.NO_KEYWORDS, ""))
    if values["dangling"]:
        problems.append((Kind.DANGLING_RELATED, f"{values['dangling']} of {values['related']}"))
    if not values["has_answer"]:
        problems.append((Kind.EMPTY_ANSWER, ""))
    return problems


def widths_json():
    """The width table for the change form's script: {"default", "em", "wideFrom", "widths"}."""
    return json.dumps(
        {"default": DEFAULT_WIDTH, "em": EM, "wideFrom": WIDE_FROM, "widths": WIDTHS}, ensure_ascii=False
    )


def counter_settings():
    """What the counters script needs besides the widths: limits and the site's name."""
    return {
        "titleMaxPx": TITLE_MAX_PX,
        "fontPx": TITLE_FONT_PX,
        "descriptionMin": DESCRIPTION_MIN,
        "descriptionMax": DESCRIPTION_MAX,
        "siteName": settings.SITE_NAME,
    }
