"""Open311 GeoReport v2 routes, mounted at /open311/v2/ on the public host and on every
government's host; each resource in `.json` and `.xml`."""

from django.urls import re_path

from api.open311 import views

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(rf"^discovery{FORMAT}", views.DiscoveryView.as_view(), name="open311-discovery"),
    re_path(rf"^services{FORMAT}", views.ServicesView.as_view(), name="open311-services"),
    re_path(
        rf"^services/(?P<service_code>[^/]+?){FORMAT}", views.ServiceDefinitionView.as_view(), name="open311-service"
    ),
    re_path(rf"^requests{FORMAT}", views.RequestsView.as_view(), name="open311-requests"),
    re_path(rf"^requests/(?P<service_request_id>[^/]+?){FORMAT}", views.RequestView.as_view(), name="open311-request"),
    re_path(rf"^tokens/(?P<token>[^/]+?){FORMAT}", views.TokenView.as_view(), name="open311-token"),
    re_path(rf"^servicerequestupdates{FORMAT}", views.UpdatesView.as_view(), name="open311-updates"),
    re_path(r"^(?P<rest>.*)$", views.UnknownView.as_view(), name="open311-unknown"),
]
