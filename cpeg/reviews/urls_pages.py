from django.urls import path

from cpeg.reviews import views

urlpatterns = [
    path("", views.review_list, name="review-list"),
    path("start/", views.review_start, name="review-start"),
    path("<fy:year>/", views.review_draft, name="review-draft"),
    path("<fy:year>/appendices/", views.review_appendices, name="review-appendices"),
    path("<fy:year>/appendices/<int:pk>/", views.review_appendix, name="review-appendix"),
    path("<fy:year>/narrative/<slug:section>/", views.narrative_edit, name="narrative-edit"),
    path("<fy:year>/publish/", views.review_publish, name="review-publish"),
    path("<fy:year>/new-draft/", views.review_new_draft, name="review-new-draft"),
    path("<fy:year>/records/<str:key>/", views.figure_records, name="figure-records"),
    path("<fy:year>/v<int:number>/changes/", views.version_changes, name="version-changes"),
    # Public: published versions only.
    path("published/", views.published_list, name="published-list"),
    path("published/<fy:year>/", views.published_latest, name="published-latest"),
    path("published/<fy:year>/v<int:number>/", views.published_version, name="published-version"),
]
