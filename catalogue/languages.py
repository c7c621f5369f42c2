"""Which language a page puts first, how a translated text's provenance is worded, and the
interface's words in a page's language: one home for each, so pages, charts, filters, tags and
the structured data say the same.

On a Chinese page the Chinese text comes first; on an English page the English one, where
there is one, and the Chinese otherwise.
"""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from .models import ReviewStatus, TextOrigin

# The lang attribute of each text a page shows.
ZH, EN = "zh-Hans", "en"


def chinese_page() -> bool:
    """Whether the page being rendered is in Chinese (the Chinese text comes first)."""
    return translation.get_language().startswith("zh")


def page_language() -> str:
    """The lang tag of the page being rendered: of the words it writes itself."""
    return ZH if chinese_page() else EN


def english_first(en: str) -> bool:
    """Whether this English text comes before its Chinese one on the page being rendered:
    on an English page, when there is an English text."""
    return bool(en) and not chinese_page()


def first_name(zh: str, en: str) -> str:
    """The name to show first, or alone, for a Chinese name and its English one."""
    return en if english_first(en) else zh


def first_language(en: str) -> str:
    """The lang tag of first_name(zh, en)."""
    return EN if english_first(en) else ZH


def in_page_order(zh: str, en: str) -> list[tuple[str, str]]:
    """The texts there are of a Chinese one and its English one, as (lang tag, text), the one
    that comes first on the page being rendered first."""
    texts = [(tag, text) for tag, text in [(ZH, zh), (EN, en)] if text]
    return texts[::-1] if zh and english_first(en) else texts


def translation_label(origin: str, review: str) -> str:
    """What a translation's mark says in words, or '' for English that is not the
    catalogue's own translation (a source's, or none)."""
    reviewed = review == ReviewStatus.REVIEWED
    if origin == TextOrigin.CURATOR:
        if reviewed:
            return gettext("curator's translation, reviewed")
        return gettext("curator's translation, unreviewed")
    if origin == TextOrigin.CATALOGUE_TRANSLATION:
        if reviewed:
            return gettext("catalogue translation, reviewed")
        return gettext("catalogue translation, unreviewed")
    return ""


def translation_mark_text(review: str) -> str:
    """The mark's few visible characters: translated, and ticked once reviewed."""
    return gettext("tr.") + ("✓" if review == ReviewStatus.REVIEWED else "")


def text_origin(origin: str, review: str) -> str:
    """Where an English text comes from, with its review where it is a translation."""
    return translation_label(origin, review) or (TextOrigin(origin).label if origin else "")


# What kept_per_language() keeps, to be forgotten together.
_KEPT = []


def kept_per_language(function):
    """function(*arguments), computed under a language once a process and kept: called as
    kept(language, *arguments), for what depends on nothing but the interface's language and
    its arguments (a translated message, a translation mark). The message catalogues do not
    change while a process runs; what makes Django read them again clears these too."""

    @functools.cache
    def kept(language, *arguments):
        with translation.override(language):
            return function(*arguments)

    _KEPT.append(kept)
    return kept


def _forget_what_was_kept():
    for kept in _KEPT:
        kept.cache_clear()


@receiver(setting_changed)
def _on_setting_changed(*, setting, **kwargs):
    # The settings that make Django read its catalogues again (django.test.signals).
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _forget_what_was_kept()


@receiver(file_changed)
def _on_file_changed(*, file_path, **kwargs):
    # The development server reads a catalogue compiled anew without restarting
    # (django.utils.translation.reloader.translation_file_changed).
    if file_path.suffix == ".mo":
        _forget_what_was_kept()


@kept_per_language
def interface_word(message: str) -> SafeString:
    """A message of the interface, translated: interface_word(language, message). A record's
    page has sixty, and gettext() looked up the active language's thread-local for each."""
    # Trusted, as the words of a Django template are (not escaped).
    return SafeString(gettext(message))
