"""Who changed what in the admin: a history entry per article a bulk change touches, and a revision of
each as it then is. Shared by the article actions and the clean-up tools (keywords, subjects)."""

from django.contrib.admin.models import CHANGE, LogEntry

from .. import history


def log_bulk(request, articles, message):
    """One history entry per article a bulk action changes (who, what, when); returns their ids."""
    articles = list(articles.select_related(None).only("pk", "question"))
    LogEntry.objects.log_actions(request.user.pk, articles, CHANGE, message)
    return [article.pk for article in articles]


def with_revisions(request, message, change):
    """Run ``change(on_change)`` (a bulk editing service), logging the articles it changes, then keep a
    revision of each as it now is; returns what ``change`` returns."""
    changed = []
    result = change(lambda changing: changed.extend(log_bulk(request, changing, message)))
    history.record(changed, message, request.user)
    return result
