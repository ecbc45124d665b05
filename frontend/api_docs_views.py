"""The API's reference pages: Swagger UI at /api/docs/ and Redoc at /api/redoc/, on the public
host and on every government's host (wherever /api/v1/ answers), reading /api/v1/schema/.

Both come from drf-spectacular-sidecar's static files: nothing from a CDN, so they work offline
and behind the site's Content Security Policy. That policy stays as it is for every other page;
these two add to `style-src` only their response's nonce, which the pages' few base styles carry,
and Redoc's page the hashes of the styles its bundle writes (below). No inline script:
Swagger UI's set-up is a script of its own (drf-spectacular's split view, `?script`), Redoc
starts from its `<redoc>` element.
"""

from __future__ import annotations

from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from tenants.host_kinds import EVERY, answers_on

SCHEMA_URL_NAME = "v1-schema"


class SwaggerPage(SpectacularSwaggerSplitView):
    url_name = SCHEMA_URL_NAME
    template_name = "frontend/api_docs/swagger.html"
    title = "Warga API"


class RedocPage(SpectacularRedocView):
    url_name = SCHEMA_URL_NAME
    template_name = "frontend/api_docs/redoc.html"
    title = "Warga API"


# Redoc writes its styles at run time into <style> elements it creates as its bundle loads, before
# any option (its `nonce`) is read: empty ones that styled-components then fills through the
# CSSOM, and perfect-scrollbar's fixed stylesheet. Exactly those two contents are allowed, by
# hash. Another sidecar version with another stylesheet shows up as a CSP error in
# tests/e2e/test_api_docs_pages.py, which names the new hash.
REDOC_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # an empty <style>
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # perfect-scrollbar.css
]
swagger_page = answers_on(EVERY)(csp_update({"style-src": [NONCE]})(SwaggerPage.as_view()))
# Redoc's search index runs in a worker it makes from a blob of its own (same-origin) script.
redoc_page = answers_on(EVERY)(
    csp_update({"style-src": [NONCE, *REDOC_STYLE_HASHES], "worker-src": [SELF, "blob:"]})(RedocPage.as_view())
)
