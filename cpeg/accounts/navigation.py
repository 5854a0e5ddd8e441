"""Where each person starts, and the links in the service navigation.

Both depend on who the person is (an officer, a link member, a group's
administrator or executive), so they live here, beside the rules in
``accounts.access``, rather than in ``core``, which knows no roles. The
home page (``core:home``, each person's to-do list) is reporting's, as it
reads across apps; it links to ``start_url`` and sends people not signed
in there. ``base.html`` shows ``nav_items`` through the
``accounts_navigation`` template tag.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from cpeg.accounts.access import admin_group_ids_of, custody_panel_ids_of, group_ids_of


def _url(name: str) -> str | None:
    """The URL of ``name``, or None while that page is not installed."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def own_group_url(user) -> str | None:
    """The page of the (first) group the user administers or sits on."""
    own = sorted(group_ids_of(user))
    return reverse("groups:group-detail", kwargs={"pk": own[0]}) if own else None


def own_panel_url(user) -> str | None:
    """A custody visitor's (first) panel's visits, where they record one."""
    own = sorted(custody_panel_ids_of(user))
    return _url_with("scrutiny:panel-visits", own[0]) if own else None


def _url_with(name: str, pk: int) -> str | None:
    try:
        return reverse(name, kwargs={"pk": pk})
    except NoReverseMatch:
        return None


def start_url(user) -> str:
    """The page each person starts from: officers and link members the
    group list, a group's people their group, a custody visitor their
    panel's visits, everyone else the public directory."""
    if user.is_authenticated:
        if user.has_perm("core.view_group_list"):
            return reverse("groups:group-list")
        own = own_group_url(user) or own_panel_url(user)
        if own:
            return own
    return reverse("public:group-list")


def nav_links(user) -> list[tuple[str, str]]:
    """(label, URL) of each link the user's navigation shows, in order."""
    items = []
    if user is not None and user.is_authenticated:
        # A group's own people start from their group (officers have none).
        items.append(("Your group", own_group_url(user)))
        if user.has_perm("core.view_group_list"):
            items.append(("Groups", reverse("groups:group-list")))
        if user.has_perm("core.view_officer_pages"):
            items.append(("SLAs", _url("agreements:sla-overview")))
        if user.has_perm("monitoring.view_dashboard"):
            items.append(("Monitoring", _url("reporting:monitoring-dashboard")))
        if user.has_perm("core.view_officer_pages"):
            items.append(("Funding", _url("funding:round-list")))
        elif user.has_perm("funding.view_cost_analysis"):
            # Link members: the cost analysis is their way into funding.
            items.append(("Funding", _url("reporting:cost-analysis")))
        if user.has_perm("consultations.view_consultation_list"):
            items.append(("Consultations", _url("consultations:consultation-list")))
        if user.has_perm("reviews.view_annualreview"):
            items.append(("Annual reviews", _url("reviews:review-list")))
        if user.has_perm("scrutiny.view_stopsearch_index"):
            items.append(("Stop and search", _url("scrutiny:index")))
        # A custody visitor's one way in: their panel's visits.
        items.append(("Custody visiting", own_panel_url(user)))
        if user.has_perm("groups.view_person"):
            items.append(("People", reverse("groups:person-list")))
        items.append(("Accounts", accounts_url(user)))
        if user.has_perm("core.use_admin"):
            items.append(("Admin", reverse("admin:index")))
    items.append(("Public directory", reverse("public:group-list")))
    return [(label, url) for label, url in items if url]


def nav_items(request) -> list[dict]:
    """The navigation for ``request``: label, URL and whether it is the
    current section (only the longest matching link is marked)."""
    path = request.path if request is not None else ""
    nav = [
        {"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
        for label, url in nav_links(getattr(request, "user", None))
    ]
    active = [n for n in nav if n["active"]]
    if len(active) > 1:
        longest = max(active, key=lambda n: len(n["url"]))
        for n in nav:
            n["active"] = n is longest
    return nav


def accounts_url(user) -> str | None:
    """Where a person manages accounts: every account for a manager, their
    (first) group's for a group's administrator, nowhere for anyone else."""
    if user.has_perm("accounts.manage_accounts"):
        return reverse("accounts:account-list")
    own = sorted(admin_group_ids_of(user))
    return reverse("accounts:group-accounts", kwargs={"pk": own[0]}) if own else None
