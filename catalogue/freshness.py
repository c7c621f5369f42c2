"""HTTP freshness: ETag, Last-Modified and Cache-Control for every answer, in one place.

What the catalogue serves — pages, API answers, downloads — is validated by the catalogue's
version alone (catalogue.versioning): any admin save or import raises it, so an ETag made from
it, the release and the address changes exactly when the answer may have. Browsers and proxies
may reuse a public answer for CATALOGUE_MAX_AGE seconds without asking. Everything else says
how it may be kept with one of the functions below; no other module writes these headers.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from . import versioning


@dataclass(frozen=True)
class Validators:
    """What identifies one public answer at one catalogue version."""

    etag: str
    last_modified: int | None  # seconds since the epoch: when the version last changed
    cache_key: str  # where the page cache files the rendered answer


def validators(request, parameters: str) -> Validators:
    """The validators of this address with these (canonical) query parameters, now."""
    version = versioning.of_request()
    digest = hashlib.sha256(
        f"{settings.CATALOGUE_RELEASE}|{request.get_host()}|{request.path}?{parameters}".encode()
    ).hexdigest()[:24]
    changed = version.changed_at
    return Validators(
        etag=f'"{version.number}-{digest}"',
        last_modified=int(changed.timestamp()) if changed is not None else None,
        cache_key=f"page:{version.number}:{digest}",
    )


def not_modified(request, found: Validators):
    """304 Not Modified (with the validators) when the client's copy is current, else None."""
    response = get_conditional_response(request, etag=found.etag, last_modified=found.last_modified)
    return None if response is None else public(response, found)


def public(response, found: Validators):
    """A public answer of the catalogue: its validators, and reusable for CATALOGUE_MAX_AGE
    seconds by anyone (it varies by cookie only because staff, logged in, see drafts)."""
    response["ETag"] = found.etag
    if found.last_modified is not None:
        response["Last-Modified"] = http_date(found.last_modified)
    reusable(response)
    patch_vary_headers(response, ["Cookie"])
    return response


def reusable(response):
    """Reusable by anyone for CATALOGUE_MAX_AGE seconds, unless the answer already says how it
    may be kept: for answers not drawn from the catalogue (the API's schema and its docs)."""
    if "Cache-Control" not in response:
        patch_cache_control(response, public=True, max_age=settings.CATALOGUE_MAX_AGE)
    return response


def private(response):
    """An answer for one logged-in person (staff see drafts): never reused unasked."""
    patch_cache_control(response, private=True, no_cache=True)
    return response


def revalidated(response):
    """An error the client made (404, 400): may be kept, but asked about again each time."""
    if "Cache-Control" not in response:
        response["Cache-Control"] = "no-cache"
    return response


def uncacheable(response):
    """Never stored anywhere: server errors, outages, refusals and the health check, which say
    something about this moment only."""
    response["Cache-Control"] = "no-store"
    return response


def static_etag(headers, path: str, url: str) -> None:
    """WhiteNoise's ETag for a static file, from its content: WhiteNoise's own comes from the
    file's time, which differs from one machine (one collectstatic) to the next."""
    with open(path, "rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()[:16]
    headers["ETag"] = f'"{digest}"'
