"""An occupation's record as the detail page and the API show it, in one statement: the row
with its groups, batch and sources; its main tasks, other titles, job types, search aids, skill
standards with their whole outlines, quotes, figures and related occupations; and the last edit
a curator made. PostgreSQL builds it as one JSON value; occupation_record() turns that back
into the instances the templates and serializers read (``occupation.tasks.all()`` and the rest
answer without a query).

Ten queries before, eight of them prefetches: the ORM building and compiling them, and
PostgreSQL planning them, took most of an uncached detail request's time
(bench/profile_detail.py). The statement is built from the models once per process and prepared
once per connection (catalogue.db.base.DatabaseWrapper.execute_prepared).
"""

import functools
import json
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import JSONObject

from .jsonrows import from_json, json_fields, json_rows
from .standards import attach_outlines, outline_expression, prepare_standard

# What a citation shows of a source; its archived text and notes stay in the database.
SOURCE_FIELDS = ["id", "key", "kind", "title", "publisher", "published_on", "url", "language"]
# A related occupation's link and name; not its search columns or definitions.
RELATED_FIELDS = [
    "id",
    "slug",
    "code",
    "kind",
    "status",
    "name_zh",
    "name_en",
    "name_en_origin",
    "name_en_review",
    "name_pinyin",
    "is_digital",
    "is_green",
]
# Each part: the related manager it fills, and the foreign keys to sources its rows carry.
PARTS = {
    "tasks": ["source"],
    "alternate_titles": ["source"],
    "job_types": ["source", "announcement"],
    "search_synonyms": [],
    "skill_standards": ["source", "text_source", "weights_source"],
    "quotes": ["source"],
    "figures": ["source"],
    "related": [],
}


# Where the slug goes in the statement (a literal that no query has) and what it becomes there.
_SLUG_MARK, _SLUG_PARAMETER = "catalogue.records.slug-parameter", "$1"


def occupation_record(*, slug: str, user):
    """The occupation with this slug and everything its page shows, or None when there is none
    the user may see; related occupations as the user may see them (staff see drafts). Two
    queries the first time on a connection, one after."""
    from .models import Occupation

    staff = bool(user.is_authenticated and user.is_staff)
    alias = router.db_for_read(Occupation)
    connection = connections[alias]
    with connection.cursor() as cursor:
        connection.execute_prepared(
            cursor, f"catalogue_record_{'staff' if staff else 'public'}", _statement(staff), [slug]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    record = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    return _occupation(record, alias)


def _occupation(record: dict, alias: str):
    from .models import MajorGroup, MiddleGroup, MinorGroup, Occupation

    kept = {}  # (model, pk) -> instance: a source cited by thirty tasks is made once

    def instance(model, value):
        if value is None or value["id"] is None:  # joined through a foreign key that is null
            return None
        key = (model, value["id"])
        if key not in kept:
            kept[key] = from_json(model, value, alias)
        return kept[key]

    def with_related(model, row, names):
        values = {name: row.pop(name) for name in names}
        made = from_json(model, row, alias)
        fields = {name: model._meta.get_field(name) for name in names}
        made._state.fields_cache.update(
            {name: instance(fields[name].related_model, value) for name, value in values.items()}
        )
        return made

    occupation = with_related(
        Occupation, record["occupation"], ["announcement", "source", "definition_source"]
    )
    minor = instance(MinorGroup, record["minor_group"])
    if minor is not None:
        middle = instance(MiddleGroup, record["middle_group"])
        middle._state.fields_cache["major_group"] = instance(MajorGroup, record["major_group"])
        minor._state.fields_cache["middle_group"] = middle
    occupation._state.fields_cache["minor_group"] = minor

    prefetched = occupation.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, foreign_keys in PARTS.items():
        manager = getattr(occupation, name)
        rows = []
        for row in record["parts"][name]:
            outline = row.pop("outline", None)
            made = with_related(manager.model, row, foreign_keys)
            if outline is not None:
                made.outline = outline
            if hasattr(manager.model, "occupation_id"):
                made._state.fields_cache["occupation"] = occupation
            rows.append(made)
        queryset = manager.all()
        queryset._result_cache = rows
        queryset._prefetch_done = True
        prefetched[name] = queryset

    standards = occupation.skill_standards.all()
    attach_outlines(standards)
    for standard in standards:
        prepare_standard(standard)
    curated = record["parts"]["last_curated"]
    User = get_user_model()
    occupation.last_curated = (
        None
        if curated is None
        else SimpleNamespace(
            history_date=from_json(Occupation.history.model, curated).history_date,
            history_user=User(**{User.USERNAME_FIELD: curated["user"]}),
        )
    )
    return occupation


@functools.cache
def _statement(staff: bool) -> str:
    """occupation_record()'s statement for the public or for staff, built from the models once
    per process, its one parameter the slug."""
    from .models import (
        AlternateTitle,
        Announcement,
        Figure,
        JobType,
        MajorGroup,
        MiddleGroup,
        MinorGroup,
        Occupation,
        OccupationTask,
        Quote,
        SearchSynonym,
        SkillStandard,
        Source,
    )

    own = OuterRef("pk")

    def source(path):
        return JSONObject(**json_fields(Source, SOURCE_FIELDS, prefix=f"{path}__"))

    def announcement(path):
        return JSONObject(**json_fields(Announcement, prefix=f"{path}__"))

    visible = Occupation.objects.all() if staff else Occupation.objects.published()
    history = Occupation.history.model
    username = get_user_model().USERNAME_FIELD
    parts = JSONObject(
        tasks=json_rows(
            OccupationTask.objects.filter(occupation=own),
            ["position", "id"],
            source=source("source"),
        ),
        alternate_titles=json_rows(
            AlternateTitle.objects.filter(occupation=own), ["title", "id"], source=source("source")
        ),
        job_types=json_rows(
            JobType.objects.filter(occupation=own),
            ["position", "id"],
            source=source("source"),
            announcement=announcement("announcement"),
        ),
        search_synonyms=json_rows(
            SearchSynonym.objects.filter(occupation=own), ["language", "term", "id"]
        ),
        skill_standards=json_rows(
            SkillStandard.objects.filter(occupation=own),
            [F("issued_on").desc(nulls_last=True), "title", "id"],
            source=source("source"),
            text_source=source("text_source"),
            weights_source=source("weights_source"),
            outline=outline_expression(),
        ),
        quotes=json_rows(
            Quote.objects.filter(occupations=own),
            ["source", "position", "pk"],
            source=source("source"),
        ),
        figures=json_rows(
            Figure.objects.filter(occupations=own),
            ["source", "position", "pk"],
            source=source("source"),
        ),
        related=json_rows(
            visible.filter(related=own),
            ["code", "name_zh", "id"],
            json_fields(Occupation, RELATED_FIELDS),
        ),
        last_curated=Subquery(
            history.objects.filter(id=own, history_user__isnull=False)
            .order_by("-history_date", "-history_id")
            .values(
                json=JSONObject(history_date=F("history_date"), user=F(f"history_user__{username}"))
            )[:1]
        ),
    )
    own_fields = [
        f.attname for f in Occupation._meta.concrete_fields if not f.name.startswith("search_")
    ]
    record = JSONObject(
        occupation=JSONObject(
            **json_fields(Occupation, own_fields),
            announcement=JSONObject(**json_fields(Announcement, prefix="announcement__")),
            source=source("source"),
            definition_source=source("definition_source"),
        ),
        minor_group=JSONObject(**json_fields(MinorGroup, prefix="minor_group__")),
        middle_group=JSONObject(**json_fields(MiddleGroup, prefix="minor_group__middle_group__")),
        major_group=JSONObject(
            **json_fields(MajorGroup, prefix="minor_group__middle_group__major_group__")
        ),
        parts=parts,
    )
    query = visible.filter(slug=_SLUG_MARK).order_by().values(record=record)
    sql, params = query.query.sql_with_params()
    connection = connections[router.db_for_read(Occupation)]
    # Every parameter written in but the slug: the driver would otherwise parse hundreds of
    # them (the JSON keys) out of a long statement on every execution.
    statement = connection.ops.compose_sql(sql, params)
    return statement.replace(connection.ops.compose_sql("%s", [_SLUG_MARK]), _SLUG_PARAMETER)
