"""What every page's <head> and header need: its canonical address and its other languages."""

from django.conf import settings
from django.urls import translate_url
from django.utils import translation

# Open Graph wants territory locales; hreflang and lang want BCP 47 tags.
OG_LOCALES = {"en": "en_US", "zh-hans": "zh_CN"}
BCP47 = {"en": "en", "zh-hans": "zh-Hans"}


def site(request):
    current = translation.get_language()
    path = request.path
    full_path = request.get_full_path()
    languages = []
    for code, name in settings.LANGUAGES:
        localized = translate_url(path, code)
        languages.append(
            {
                "code": code,
                "tag": BCP47.get(code, code),
                "name": name,
                "url": request.build_absolute_uri(localized),
                # The switcher keeps the search and filters of the page it switches.
                "switch_url": localized if full_path == path else translate_url(full_path, code),
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
