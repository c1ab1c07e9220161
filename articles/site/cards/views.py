"""The cards' addresses: ``/cards/learn/<subject>/<slug>/<key>.png`` (an article's, after its own
address), ``/cards/subjects/<subject>/<key>.png`` and ``/cards/site/<key>.png``. A key that is not the
current one (the question changed since the page was shared) redirects to the current card; an article
the public cannot see has none.
"""

from django.http import FileResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from ...models import Article, Subject
from . import (
    SITE_TITLE,
    SUBJECT_LABEL,
    article_card_path,
    card_key,
    site_card_path,
    stored_card,
    subject_card_path,
)

YEAR = 365 * 24 * 3600


def card_response(request, key, current_key, current_path, title, subject=""):
    if key != current_key:
        return HttpResponsePermanentRedirect(current_path)
    response = FileResponse(stored_card(title, subject).open("rb"), content_type="image/png")
    # The address changes whenever the image would: keep it for a year, never ask again.
    response["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


@require_safe
def article_card(request, subject, slug, key):
    articles = Article.objects.published().select_related("subject").only("url", "question", "subject__name")
    article = get_object_or_404(articles, url=f"/learn/{subject}/questions/{slug}")
    current = card_key(article.question, article.subject.name)
    return card_response(
        request, key, current, article_card_path(article), article.question, article.subject.name
    )


@require_safe
def subject_card(request, subject, key):
    subject = get_object_or_404(Subject, slug=subject)
    current = card_key(subject.name, SUBJECT_LABEL)
    return card_response(request, key, current, subject_card_path(subject), subject.name, SUBJECT_LABEL)


@require_safe
def site_card(request, key):
    return card_response(request, key, card_key(SITE_TITLE), site_card_path(), SITE_TITLE)
