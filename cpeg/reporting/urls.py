"""Cross-app pages. Their paths keep the area a user expects (the monitoring
dashboard under /monitoring/, the cost analysis under /funding/); their
names are in the ``reporting`` namespace."""

from cpeg.reporting.funding import urls as funding_urls
from cpeg.reporting.monitoring import urls as monitoring_urls

app_name = "reporting"
urlpatterns = [*monitoring_urls.urlpatterns, *funding_urls.urlpatterns]
