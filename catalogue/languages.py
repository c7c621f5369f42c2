"""Which language a page puts first, and how a translated text's provenance is worded: one
home for each, so pages, charts and tags say the same."""

from django.utils import translation
from django.utils.translation import gettext


def chinese_page() -> bool:
    """Whether the page being rendered is in Chinese (the Chinese text comes first)."""
    return translation.get_language().startswith("zh")


def translation_label(origin: str, review: str) -> str:
    """What a translation's mark says in words, or '' for English that is not the
    catalogue's own translation (a source's, or none)."""
    from .models import ReviewStatus, TextOrigin

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
    from .models import ReviewStatus

    return gettext("tr.") + ("✓" if review == ReviewStatus.REVIEWED else "")


def text_origin(origin: str, review: str) -> str:
    """Where an English text comes from, with its review where it is a translation."""
    from .models import TextOrigin

    return translation_label(origin, review) or (TextOrigin(origin).label if origin else "")
