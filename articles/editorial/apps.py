from django.contrib.admin.apps import AdminConfig


class QtakesAdminConfig(AdminConfig):
    """Django's admin with the content team's site (site.py) as the default one."""

    default_site = "articles.editorial.site.QtakesAdminSite"
