"""Open311 GeoReport v2 routes, mounted at /open311/v2/ on the public host and on every
government's host (every view declares EVERY); each resource in `.json` and `.xml`."""

from api.open311 import views
from tenants.host_kinds import host_re_path

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    host_re_path(rf"^discovery{FORMAT}", views.DiscoveryView.as_view(), name="open311-discovery"),
    host_re_path(rf"^services{FORMAT}", views.ServicesView.as_view(), name="open311-services"),
    host_re_path(
        rf"^services/(?P<service_code>[^/]+?){FORMAT}", views.ServiceDefinitionView.as_view(), name="open311-service"
    ),
    host_re_path(rf"^requests{FORMAT}", views.RequestsView.as_view(), name="open311-requests"),
    host_re_path(
        rf"^requests/(?P<service_request_id>[^/]+?){FORMAT}", views.RequestView.as_view(), name="open311-request"
    ),
    host_re_path(rf"^tokens/(?P<token>[^/]+?){FORMAT}", views.TokenView.as_view(), name="open311-token"),
    host_re_path(rf"^servicerequestupdates{FORMAT}", views.UpdatesView.as_view(), name="open311-updates"),
    host_re_path(r"^(?P<rest>.*)$", views.UnknownView.as_view(), name="open311-unknown"),
]
