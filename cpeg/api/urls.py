from django.urls import path

from cpeg.api import views
from cpeg.api.endpoints import api

app_name = "api-tokens"

urlpatterns = [
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]

# The JSON endpoints, under /api/v1/ (namespace "api").
api_urls = api.urls
