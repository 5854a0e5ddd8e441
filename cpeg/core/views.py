from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from cpeg.accounts.access import group_ids_of


def home(request):
    """Send each person to the page they start from."""
    user = request.user
    if not user.is_authenticated:
        return redirect("public:group-list")
    if user.has_perm("core.view_group_list"):
        return redirect("groups:group-list")
    own = sorted(group_ids_of(user))
    if own:
        return redirect(reverse("groups:group-detail", kwargs={"pk": own[0]}))
    return redirect("public:group-list")


def healthcheck(request):
    return HttpResponse("ok", content_type="text/plain")
