"""The home page: each signed-in person's to-do list (``core:home``).

It reads across groups, agreements, monitoring and funding, so it lives in
reporting; people not signed in go on to the public directory.
"""

from __future__ import annotations

from django.shortcuts import redirect, render

from cpeg.accounts.navigation import own_group_url, start_url
from cpeg.reporting.todo import home_page


def home(request):
    """Show what is waiting for the user; send anyone else to the directory."""
    user = request.user
    if not user.is_authenticated:
        return redirect(start_url(user))
    page = home_page(user=user)
    return render(
        request,
        "reporting/home.html",
        {"page": page, "start_url": start_url(user), "own_group_url": own_group_url(user)},
    )
