from django.urls import include, path

from .api import api

handler500 = "klantbelang.core.views.server_error"

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("klantbelang.accounts.urls")),
    path("", include("klantbelang.core.urls")),
    path("", include("klantbelang.clients.urls")),
    path("", include("klantbelang.products.urls")),
    path("", include("klantbelang.matching.urls")),
    path("", include("klantbelang.relationships.urls")),
    path("", include("klantbelang.advice.urls")),
    path("", include("klantbelang.prospects.urls")),
    path("", include("klantbelang.quality.urls")),
    path("", include("klantbelang.governance.urls")),
]
