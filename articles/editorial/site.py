"""The admin site of the content team: the site's name in the header, a dashboard on the front page,
and the site-wide tools that belong to no one model (the SEO report).

It replaces Django's default site (``apps.QtakesAdminConfig``), so every ``admin.site.register`` and
``@admin.register`` in the project lands here.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import path


class QtakesAdminSite(admin.AdminSite):
    index_title = "Dashboard"
    index_template = "admin/qtakes/index.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_header = f"{settings.SITE_NAME} admin"
        self.site_title = f"{settings.SITE_NAME} admin"

    def index(self, request, extra_context=None):
        from . import dashboard, seo_store  # the site is built while the apps load: no models before

        context = {"dashboard": None, **(extra_context or {})}
        if request.user.has_perm("articles.view_article"):
            context["dashboard"] = dashboard.build()
            context["seo_last_run"] = seo_store.last_run()
        return super().index(request, context)

    def get_urls(self):
        from . import seo_report

        return [
            path(
                "seo/",
                self.admin_view(lambda request: seo_report.report_view(self, request)),
                name="seo_report",
            ),
            path(
                "seo/check/",
                self.admin_view(lambda request: seo_report.check_view(self, request)),
                name="seo_check",
            ),
            *super().get_urls(),
        ]
