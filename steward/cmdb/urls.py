from django.urls import URLPattern, URLResolver, include, path

app_name = "cmdb"

urlpatterns: list[URLPattern | URLResolver] = [
    path("discovery/", include("steward.cmdb.discovery.urls")),
]
