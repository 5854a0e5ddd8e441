from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cpeg.accounts.access import require_perm
from cpeg.core.views_helpers import handle_form
from cpeg.notifications import selectors, services
from cpeg.notifications.choices import STATUS_TAG_CLASSES, Frequency, NotificationStatus
from cpeg.notifications.forms import PreferenceForm


@login_required
def notification_list(request):
    """Every email sent or waiting, for officers; filter by status."""
    require_perm(request.user, "notifications.view_notification_list")
    status = request.GET.get("status", "")
    status = status if status in NotificationStatus.values else ""
    page = selectors.notification_page(status=status, page=request.GET.get("page", 1))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "status": status,
            "status_label": NotificationStatus(status).label if status else "",
            "query": f"status={status}" if status else "",
            "counts": [(value, NotificationStatus(value).label, n) for value, n in selectors.status_counts().items()],
            "tags": STATUS_TAG_CLASSES,
        },
    )


@login_required
def preferences(request):
    """Choose an email for each event or one daily digest."""
    user = request.user
    require_perm(user, "notifications.change_notificationpreference", user)
    preference = selectors.preference_of(user=user)
    initial = {
        "frequency": preference.frequency if preference else Frequency.IMMEDIATE,
        "version": preference.version if preference else None,
    }
    form = PreferenceForm(request.POST if request.method == "POST" else None, initial=initial)
    return handle_form(
        request,
        form=form,
        template="notifications/preferences.html",
        context={"preference": preference},
        save=lambda f: services.preference_set(
            user=user, actor=user, frequency=f.cleaned_data["frequency"], version=f.cleaned_data.get("version")
        ),
        success_message="Your email preference has been saved.",
        success_url="notifications:preferences",
    )
