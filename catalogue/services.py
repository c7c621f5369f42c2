"""Writes: every change to the catalogue outside the admin's plain edits goes through here."""

import re

from django.db import transaction
from pypinyin import Style, lazy_pinyin

from .models import Occupation

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify_name(*, name_en: str = "", name_zh: str = "") -> str:
    """An ASCII slug from the English name, else from the pinyin of the Chinese name."""
    text = name_en or " ".join(lazy_pinyin(name_zh, style=Style.NORMAL, errors="ignore"))
    return _NON_SLUG.sub("-", text.lower()).strip("-")[:100] or "occupation"


def occupation_slug(
    *, taken: set[str], name_en: str = "", name_zh: str = "", code: str | None = None
) -> str:
    """A slug not in ``taken`` (which it joins); the code tells apart two with the same name."""
    base = slugify_name(name_en=name_en, name_zh=name_zh)
    candidates = [base, f"{base}-{code}"] if code else [base]
    slug = next((c for c in candidates if c not in taken), None)
    n = 2
    while slug is None:
        slug = f"{base}-{n}" if f"{base}-{n}" not in taken else None
        n += 1
    taken.add(slug)
    return slug


@transaction.atomic
def occupation_set_status(*, occupations, status: str) -> int:
    """Publish or unpublish occupations; returns how many changed.

    Saved one by one so that each change is in the record's history.
    """
    if status not in Occupation.Status.values:
        raise ValueError(f"Unknown status {status!r}.")
    changed = 0
    # The rows by key: the queryset may be DISTINCT or outer-join relations (an admin search
    # across titles does both), and neither can be locked.
    locked = Occupation.objects.filter(pk__in=occupations.values("pk")).select_for_update()
    for occupation in locked.exclude(status=status).order_by("pk"):
        occupation.status = status
        occupation.save(update_fields=["status", "updated_at"])
        changed += 1
    return changed


def occupation_publish(*, occupations) -> int:
    """Make the occupations visible to the public."""
    return occupation_set_status(occupations=occupations, status=Occupation.Status.PUBLISHED)


def occupation_unpublish(*, occupations) -> int:
    """Hide the occupations from the public again."""
    return occupation_set_status(occupations=occupations, status=Occupation.Status.DRAFT)


def skill_standard_link(*, standard, occupation, save: bool = True):
    """Link a standard to an occupation (or unlink it) as a curator: the match says so, and
    imports keep the link."""
    from .imports_standards import LINK_FIELDS
    from .models import SkillStandard

    standard.occupation = occupation
    if occupation is not None:
        standard.match_method = SkillStandard.Match.CURATOR
        standard.unmatched_reason = ""
    else:
        standard.match_method = SkillStandard.Match.UNMATCHED
        standard.unmatched_reason = "Unlinked by a curator."
    standard.curated_fields = sorted({*standard.curated_fields, *LINK_FIELDS})
    if save:
        standard.full_clean()
        standard.save()
    return standard


@transaction.atomic
def standard_level_outline_save(*, level, functions, contents, items) -> bool:
    """Save a level's outline from its page's three formsets (already valid), items first so
    that a function or work content deleted after them takes only what is left; a level
    whose outline a parser extracted is then marked as edited. Returns whether anything
    changed."""
    from .models import StandardLevel

    changed = any(formset.has_changed() for formset in (functions, contents, items))
    if not changed:
        return False
    for formset in (items, contents, functions):
        formset.save()
    if level.content_status in {"", StandardLevel.Content.EXTRACTED}:
        level.content_status = (
            StandardLevel.Content.EDITED if level.content_status else StandardLevel.Content.PASTED
        )
        level.save(update_fields=["content_status"])
    return True
