"""v1 routes that answer on every host, public and government alike: the categories, the
village search, web push subscriptions and the OpenAPI schema. Both host URLconfs mount them."""

from drf_spectacular.views import SpectacularAPIView

from api.v1 import categories, push, regions
from tenants.host_kinds import EVERY, answers_on, host_path

urlpatterns = [
    host_path("categories/", categories.CategoryListView.as_view(), name="v1-categories"),
    host_path("regions/villages/", regions.VillageSearchView.as_view(), name="v1-village-search"),
    host_path("me/push-subscriptions/", push.PushSubscriptionView.as_view(), name="v1-push-subscriptions"),
    host_path("schema/", answers_on(EVERY)(SpectacularAPIView.as_view()), name="v1-schema"),
]
