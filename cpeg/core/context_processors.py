"""Template context shared by every page: the service name and navigation."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse


def _url(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        if user.has_perm("core.view_group_list"):
            items.append(("Groups", reverse("groups:group-list")))
        if user.has_perm("core.view_officer_pages"):
            items.append(("SLAs", _url("agreements:sla-overview")))
        if user.has_perm("monitoring.view_dashboard"):
            items.append(("Monitoring", _url("monitoring:dashboard")))
        if user.has_perm("core.view_officer_pages"):
            items.append(("Funding", _url("funding:round-list")))
        from cpeg.accounts.access import group_ids_of

        own = sorted(group_ids_of(user))
        if own:
            items.append(("Your group", reverse("groups:group-detail", kwargs={"pk": own[0]})))
        if user.has_perm("groups.view_person"):
            items.append(("People", reverse("groups:person-list")))
        if user.has_perm("core.use_admin"):
            items.append(("Admin", reverse("admin:index")))
    items.append(("Public directory", reverse("public:group-list")))
    items = [(label, url) for label, url in items if url]
    path = request.path if request is not None else ""
    nav = [
        {"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
        for label, url in items
    ]
    # Only the longest matching link is marked as current.
    active = [n for n in nav if n["active"]]
    if len(active) > 1:
        longest = max(active, key=lambda n: len(n["url"]))
        for n in nav:
            n["active"] = n is longest
    return {
        "service_name": settings.SERVICE_NAME,
        "authority_name": settings.AUTHORITY_NAME,
        "nav_items": nav,
    }
