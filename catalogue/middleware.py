"""What every API answer shares: one language, and Cache-Control on GETs (ETags come from
ConditionalGetMiddleware)."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse, QueryDict
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, urlencode

from . import ratelimits, versioning
from .clients import client_address

API_PREFIX = "/api/"
# How long browsers and proxies may reuse a public page without asking again.
PUBLIC_MAX_AGE = 60


class ApiCacheControlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            # The same answer, and the same links, whatever the client's Accept-Language.
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        response = self.get_response(request)
        if request.method in {"GET", "HEAD"} and request.path.startswith(API_PREFIX):
            if response.status_code < 400:
                response.setdefault("Cache-Control", "public, max-age=60")
            else:
                response.setdefault("Cache-Control", "no-cache")
        return response


class RateLimitMiddleware:
    """Anonymous clients get RATE_LIMITS[kind] requests a minute per address (see
    catalogue.clients) for each kind of request — searches and downloads, autocomplete, the
    API, and every other page; beyond that, 429 Too Many Requests with Retry-After.

    Counted in a store every worker shares (catalogue.ratelimits), in fixed one-minute
    windows. /healthz is not counted (load balancers ask it often); static files never reach
    this far (WhiteNoise answers them first).
    """

    UNCOUNTED = {"/healthz"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        kind = self.kind(request)
        limit = settings.RATE_LIMITS.get(kind, 0) if kind else 0
        if limit and not request.user.is_authenticated:
            counted = ratelimits.count(kind, client_address(request))
            if counted.requests > limit:
                return self.refuse(request, kind, retry_after=counted.retry_after)
        return self.get_response(request)

    @classmethod
    def kind(cls, request) -> str | None:
        path = request.path
        if path in cls.UNCOUNTED:
            return None
        if path.endswith("/autocomplete/"):
            return "autocomplete"
        if path.startswith(API_PREFIX):
            return "api"
        if "/occupations/" in path and (request.GET.get("q") or "/occupations/export." in path):
            return "search"
        return "page"

    @staticmethod
    def refuse(request, kind: str, retry_after: int):
        from django.shortcuts import render

        message = f"Too many requests: at most {settings.RATE_LIMITS[kind]} a minute for {kind}."
        if request.path.startswith(API_PREFIX) or kind == "autocomplete":
            response = JsonResponse({"detail": message}, status=429)
        else:
            response = render(
                request, "429.html", {"retry_after": retry_after}, status=429, using=None
            )
        response["Retry-After"] = str(retry_after)
        response["Cache-Control"] = "no-store"
        return response


class CataloguePageMiddleware:
    """Conditional GET and a page cache for anonymous visitors, both keyed by the catalogue's
    version, which any admin save or import raises.

    Every public GET carries an ETag (version, release, address) and Last-Modified (when the
    version last changed), so a browser's If-None-Match is answered 304 without rendering
    anything. Rendered pages are kept in Django's cache under the same key: a change to the
    catalogue makes new keys, so nothing is ever stale and nothing needs deleting. Staff, who
    see drafts, are never cached.
    """

    # Views whose answers do not come from the catalogue, or must never be cached.
    EXEMPT_VIEWS = {"healthz", "api:schema", "api:docs"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        page = getattr(request, "_catalogue_page", None)
        if page is None:
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, no_cache=True)
            return response
        key, etag, last_modified = page
        if response.status_code != 200 or response.cookies:
            return response
        if getattr(response, "_from_page_cache", False):
            return response
        response = self.headers(response, etag, last_modified)
        if response.streaming:  # a download: conditional GET as for any page, but not cached
            return response
        if request.method == "GET" and settings.CATALOGUE_PAGE_CACHE:
            cache.set(key, (response.status_code, list(response.items()), response.content))
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self.applies(request):
            return None
        parameters = self.drop_unknown_parameters(request)
        version = versioning.of_request()
        digest = hashlib.sha256(
            f"{settings.CATALOGUE_RELEASE}|{request.get_host()}|{request.path}?{parameters}".encode()
        ).hexdigest()[:24]
        etag = f'"{version.number}-{digest}"'
        last_modified = (
            int(version.changed_at.timestamp()) if version.changed_at is not None else None
        )
        key = f"page:{version.number}:{digest}"
        request._catalogue_page = (key, etag, last_modified)
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return self.headers(not_modified, etag, last_modified)
        if not settings.CATALOGUE_PAGE_CACHE:
            return None
        cached = cache.get(key) if request.method == "GET" else None
        if cached is None:
            return None
        status, headers, content = cached
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response._from_page_cache = True
        return response

    # Views whose parameters are not declared on a view class of the catalogue's own.
    PARAMETERS = {"django.contrib.sitemaps.views.sitemap": frozenset({"p"})}

    def drop_unknown_parameters(self, request) -> str:
        """Leave the view only the query parameters it reads (its class's query_parameters),
        and return them in a canonical order, for the key: `?x=1`, `?x=2`… would otherwise
        each be a new page, rendered and stored, and so a way around the cache."""
        match = request.resolver_match
        view_class = getattr(match.func, "view_class", None)
        known = self.PARAMETERS.get(match.view_name) or getattr(
            view_class, "query_parameters", frozenset()
        )
        if any(name not in known for name in request.GET):
            kept = QueryDict(mutable=True)
            for name, values in request.GET.lists():
                if name in known:
                    kept.setlist(name, values)
            request.GET = kept.copy()  # immutable, as Django's own
            request.META["QUERY_STRING"] = kept.urlencode()
        return urlencode(sorted(request.GET.lists()), doseq=True)

    def applies(self, request) -> bool:
        match = request.resolver_match
        return (
            request.method in {"GET", "HEAD"}
            and match is not None
            and "admin" not in match.namespaces
            and match.view_name not in self.EXEMPT_VIEWS
            and not request.user.is_authenticated
        )

    @staticmethod
    def headers(response, etag, last_modified):
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        return response
