"""URLs of the cross-app pages built on funding (served under the reporting namespace)."""

urlpatterns = []
