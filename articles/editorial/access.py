"""Login-throttle records (django-axes: attempts, failures, logins) are for superusers alone.

They hold addresses, user agents and usernames typed at the login form: not an editor's business,
whatever permissions a group grants. Axes registers its own admins; they are replaced here by the same
admins with every permission limited to superusers.
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin


class SuperusersOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return (
            request.user.is_active
            and request.user.is_superuser
            and super().has_change_permission(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return (
            request.user.is_active
            and request.user.is_superuser
            and super().has_delete_permission(request, obj)
        )


class AccessAttemptAdmin(SuperusersOnly, axes_admin.AccessAttemptAdmin):
    pass


class AccessLogAdmin(SuperusersOnly, axes_admin.AccessLogAdmin):
    pass


class AccessFailureLogAdmin(SuperusersOnly, axes_admin.AccessFailureLogAdmin):
    pass


REPLACED = {
    AccessAttempt: AccessAttemptAdmin,
    AccessLog: AccessLogAdmin,
    AccessFailureLog: AccessFailureLogAdmin,
}


def register(site=admin.site):
    for model, model_admin in REPLACED.items():
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
