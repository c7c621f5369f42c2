"""What every page's <head> and header need: its canonical address and its other languages."""

from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, translate_url
from django.utils import translation

from .addresses import address

# Open Graph wants territory locales; hreflang and lang want BCP 47 tags.
OG_LOCALES = {"en": "en_US", "zh-hans": "zh_CN"}
BCP47 = {"en": "en", "zh-hans": "zh-Hans"}


def site(request):
    current = translation.get_language()
    path = request.path
    full_path = request.get_full_path()
    # What the handler resolved, when that is this address (no script prefix precedes it).
    match = request.resolver_match if unquote(path) == request.path_info else None
    localized = in_each_language(path, match)
    # The switcher keeps the search and filters of the page it switches.
    switched = localized if full_path == path else in_each_language(full_path, match)
    languages = []
    for code, name in settings.LANGUAGES:
        languages.append(
            {
                "code": code,
                "tag": BCP47.get(code, code),
                "name": name,
                "url": request.build_absolute_uri(localized[code]),
                "switch_url": switched[code],
                "current": code == current,
                "og_locale": OG_LOCALES.get(code, code),
            }
        )
    return {
        "canonical_url": request.build_absolute_uri(path),
        "languages": languages,
        "language_tag": BCP47.get(current, current),
        "og_locale": OG_LOCALES.get(current, current),
        "default_language_url": {lang["code"]: lang["url"] for lang in languages}.get(
            settings.LANGUAGE_CODE
        )
        or request.build_absolute_uri(translate_url(path, settings.LANGUAGE_CODE)),
    }


def in_each_language(url: str, match=None) -> dict[str, str]:
    """Django's translate_url(url, code) for every language, by code: the address resolved
    once, not once a language (not at all when `match` is its resolve()), and reversed by
    catalogue.addresses (reverse() cost 30 µs)."""
    parsed = urlsplit(url)
    codes = [code for code, _name in settings.LANGUAGES]
    if match is None:
        try:
            match = resolve(unquote(parsed.path))  # it may be encoded
        except Resolver404:
            return dict.fromkeys(codes, url)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    translated = {}
    for code in codes:
        with translation.override(code):
            try:
                translated[code] = urlunsplit(
                    parsed._replace(path=address(name, *match.args, *match.kwargs.values()))
                )
            except NoReverseMatch:
                translated[code] = url
    return translated
