"""Pages where a link member or officer makes and revokes their API tokens."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cpeg.accounts.access import require_perm
from cpeg.api import selectors, services
from cpeg.api.forms import RevokeForm, TokenForm
from cpeg.core.views_helpers import handle_form

# The token just made, kept in the (server-side) session until the list
# page shows it once; never in a cookie or the address.
NEW_TOKEN_KEY = "api-new-token"


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    require_perm(request.user, "api.use_partner_api")
    form = TokenForm(request.POST if request.method == "POST" else None)

    def save(f):
        token, text = services.token_create(actor=request.user, name=f.cleaned_data["name"])
        request.session[NEW_TOKEN_KEY] = {"id": token.pk, "text": text}
        return token

    new_token = request.session.pop(NEW_TOKEN_KEY, None) if request.method == "GET" else None
    return handle_form(
        request,
        form=form,
        template="api/token_list.html",
        context={"tokens": selectors.token_list(user=request.user), "new_token": new_token},
        save=save,
        success_message="Token made: copy it now",
        success_url=reverse("api-tokens:token-list"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk):
    token = selectors.token_get_for(user=request.user, pk=pk)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    url = reverse("api-tokens:token-list")
    if request.method == "POST" and form.is_valid() and form.cleaned_data["confirm"] == "no":
        return redirect(url)
    return handle_form(
        request,
        form=form,
        template="api/token_revoke.html",
        context={"token": token, "cancel_url": url},
        save=lambda f: services.token_revoke(actor=request.user, token=token),
        success_message="Token revoked",
        success_url=url,
    )
