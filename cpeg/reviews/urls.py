from cpeg.reviews import urls_downloads, urls_pages

app_name = "reviews"

urlpatterns = [*urls_pages.urlpatterns, *urls_downloads.urlpatterns]
