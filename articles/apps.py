from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "QuickTakes"

    def ready(self):
        # The admin lives with the other editorial tools; Django's autodiscovery looks for articles.admin.
        from .editorial import admin  # noqa: F401
