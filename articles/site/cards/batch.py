"""Every card drawn ahead of time (``manage.py make_cards``), on every core, and the stale ones pruned.

Pages work without this: a card is drawn on its first request. Drawing all of them ahead of time spares
the first visitor of each (a link preview's crawler) the 10-20 ms a card takes, and reports what a full
set costs. Workers draw and write; they touch no database, so they are forked processes, niced like
the importer's, each given a chunk of cards.
"""

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context

from django.conf import settings

from ...models import Article, Subject
from . import SITE_TITLE, SUBJECT_LABEL, card_file, card_key, keep, site_host

CHUNK = 250


@dataclass
class CardsResult:
    drawn: int = 0
    present: int = 0
    pruned: int = 0
    seconds: float = 0.0
    sizes: list = field(default_factory=list)  # bytes of each card drawn


def wanted_cards():
    """(title, label) of every card the public pages name: each published article's, subject's, the site's."""
    cards = [(SITE_TITLE, "")]
    cards += [(name, SUBJECT_LABEL) for name in Subject.objects.values_list("name", flat=True)]
    cards += Article.objects.published().values_list("question", "subject__name").order_by("id")
    return cards


def make_cards(workers=None, prune=False):
    """Draw every missing card with ``workers`` processes (one per core by default)."""
    start = time.monotonic()
    result = CardsResult()
    missing, keys = {}, set()
    for title, label in wanted_cards():
        key = card_key(title, label)
        keys.add(key)
        if key not in missing and not card_file(key).exists():
            missing[key] = (title, label)
    result.present = len(keys) - len(missing)
    jobs = list(missing.items())
    chunks = [jobs[at : at + CHUNK] for at in range(0, len(jobs), CHUNK)]
    context = {"site_name": settings.SITE_NAME, "host": site_host()}
    with ProcessPoolExecutor(workers or os.cpu_count(), mp_context=get_context("fork")) as pool:
        for sizes in pool.map(draw_chunk, chunks, [context] * len(chunks)):
            result.sizes += sizes
    result.drawn = len(result.sizes)
    if prune:
        result.pruned = prune_cards(keys)
    result.seconds = time.monotonic() - start
    return result


def draw_chunk(jobs, context):
    """In a worker: draw and keep each (key, (title, label)); the size of each file."""
    from .draw import draw_card

    if os.nice(0) < 10:
        os.nice(10 - os.nice(0))  # pages served beside this come first
    sizes = []
    for key, (title, label) in jobs:
        data = draw_card(title, label, context["site_name"], context["host"])
        keep(card_file(key), data)
        sizes.append(len(data))
    return sizes


def prune_cards(keys):
    """Remove the card files no page names any more (an edited question's old card)."""
    removed = 0
    root = card_file("00").parent.parent
    for path in root.glob("*/*.png") if root.exists() else ():
        if path.stem not in keys:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
