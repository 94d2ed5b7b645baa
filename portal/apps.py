from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """The Django admin, served by the portal's own site: second factor and access log."""

    default_site = "enquiries.admin_site.PortalAdminSite"

    def ready(self) -> None:
        super().ready()
        from portal import session_refresh  # noqa: F401 - connects its sign-in receiver
