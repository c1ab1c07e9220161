"""The banner staff see on a public article page the public cannot see: a draft ("Draft - not public"),
a scheduled article ("Scheduled for ..."), or the admin's preview of unsaved changes; with a link to
edit the article.

Such pages are never cached for the public: the page cache skips every request that carries a session
(articles.site.cache), and the view marks drafts and scheduled articles ``private, no-store``. Published
pages get no banner, so nothing a staff member sees differs from the public's page there.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ..models import Article

ARTICLE_VIEW = "articles:article"


def is_staff(request):
    # Only a request carrying a session can be staff: anonymous pages never touch the session table.
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_staff


def scheduled_text(publish_at):
    when = timezone.localtime(publish_at)
    return f"Scheduled for {when:%-d %b %Y, %H:%M} {when.tzname()} - not public yet"


def staff_banner(request):
    """What the banner says on this request's page: {"kind", "text", "edit_url"}, or None."""
    if getattr(request, "qtakes_preview", False):
        return {"kind": "preview", "text": "Preview - not saved", "edit_url": ""}
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name != ARTICLE_VIEW or not is_staff(request):
        return None
    row = (
        Article.objects.filter(url=request.path_info)
        .exclude(status=Article.Status.REMOVED)
        .values("pk", "status", "publish_at")
        .first()
    )
    if row is None:
        return None
    if row["status"] == Article.Status.DRAFT:
        kind, text = "draft", "Draft - not public"
    elif row["publish_at"] > timezone.now():
        kind, text = "scheduled", scheduled_text(row["publish_at"])
    else:
        return None
    edit_url = ""
    if request.user.has_perm("articles.change_article") or request.user.has_perm("articles.view_article"):
        edit_url = reverse("admin:articles_article_change", args=[row["pk"]])
    return {"kind": kind, "text": text, "edit_url": edit_url}
