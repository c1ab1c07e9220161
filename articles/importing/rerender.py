"""Every stored answer rendered again with the current renderer (after a renderer upgrade)."""

import time
from dataclasses import dataclass, field

from django.db import transaction

from .. import rendering
from ..generation import deferred_bumps
from ..models import Article

BATCH_SIZE = 500


@dataclass
class RerenderResult:
    count: int = 0
    seconds: float = 0.0
    refused: list = field(default_factory=list)  # (url, reason): kept as they were rendered before


def rerender_all(batch_size=BATCH_SIZE):
    """Render every stored answer again, a batch per transaction; return a RerenderResult.

    An answer the renderer now refuses (nested deeper than it takes) keeps the HTML it has and is named.
    """
    result, started = RerenderResult(), time.perf_counter()
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        articles = Article.objects.filter(pk__in=ids[start : start + batch_size]).only("pk", "url", "answer")
        rendered = []
        for article in articles:
            try:
                article.answer_html = rendering.render_markdown(article.answer)
            except rendering.RenderRefused as exc:
                result.refused.append((article.url, str(exc)))
                continue
            rendered.append(article)
        with transaction.atomic(), deferred_bumps():
            Article.objects.bulk_update(rendered, ["answer_html"], batch_size=250)
        result.count += len(rendered)
    result.seconds = time.perf_counter() - started
    return result
