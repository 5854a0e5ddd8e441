"""URLs of the cross-app pages built on monitoring (served under the reporting namespace)."""

urlpatterns = []
