"""The occupations' narrow search rows (catalogue.models.SearchRow) and the triggers that keep
them: an occupation's row is written with it and deleted with it; has_standard and levels are
set again for the occupations whose standards or levels a statement changed (or all, after a
TRUNCATE). Then a row for every occupation there already is."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# The copied columns, in the order of catalogue_searchrow's INSERT below.
COPIED = [
    "status",
    "code",
    "is_digital",
    "is_green",
    "announcement_id",
    "name_zh",
    "name_en",
    "name_pinyin",
    "search_vector",
]
# What the copied columns are computed from: an UPDATE setting none of them changes nothing.
WRITTEN = [*COPIED[:-1], *(f"search_{lang}_{w}" for lang in ("en", "zh") for w in "abcd")]
# A level's bit in catalogue_searchrow.levels, as StandardLevel.level_bit computes it.
LEVEL_BIT = "CASE WHEN l.scheme = 'L' THEN 5 - l.level ELSE 4 + l.level END"


def copy_function(columns: list[str], values: list[str]) -> str:
    """The trigger function that writes an occupation's search row: these columns of
    catalogue_searchrow, with these values (SQL over the occupation, NEW)."""
    return f"""
CREATE OR REPLACE FUNCTION catalogue_search_row_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM catalogue_searchrow WHERE occupation_id = OLD.id;
        RETURN NULL;
    END IF;
    INSERT INTO catalogue_searchrow (occupation_id, {", ".join(columns)}, has_standard, levels)
    VALUES (NEW.id, {", ".join(values)}, false, 0)
    ON CONFLICT (occupation_id) DO UPDATE SET {", ".join(f"{c} = EXCLUDED.{c}" for c in columns)};
    RETURN NULL;
END $$;
"""


SQL = (
    copy_function(COPIED, [f"NEW.{c}" for c in COPIED])
    + f"""
CREATE TRIGGER catalogue_search_row_copy
AFTER INSERT OR DELETE OR UPDATE OF {", ".join(WRITTEN)} ON catalogue_occupation
FOR EACH ROW EXECUTE FUNCTION catalogue_search_row_copy();

CREATE FUNCTION catalogue_search_row_standards(occupations bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE catalogue_searchrow AS r
    SET has_standard = s.has_standard, levels = s.levels
    FROM (
        SELECT o.id,
            EXISTS (SELECT 1 FROM catalogue_skillstandard st WHERE st.occupation_id = o.id)
                AS has_standard,
            COALESCE((
                SELECT bit_or(1 << {LEVEL_BIT})
                FROM catalogue_skillstandard st
                JOIN catalogue_standardlevel l ON l.standard_id = st.id
                WHERE st.occupation_id = o.id
            ), 0)::smallint AS levels
        FROM unnest(occupations) AS o(id)
    ) AS s
    WHERE r.occupation_id = s.id
        AND (r.has_standard, r.levels) IS DISTINCT FROM (s.has_standard, s.levels)
$$;

CREATE FUNCTION catalogue_search_row_standards_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    occupations bigint[];
BEGIN
    -- Each statement names only the transition tables its kind of change has.
    IF TG_OP = 'TRUNCATE' THEN
        occupations := ARRAY(
            SELECT occupation_id FROM catalogue_searchrow WHERE has_standard OR levels <> 0
        );
    ELSIF TG_TABLE_NAME = 'catalogue_skillstandard' AND TG_OP = 'INSERT' THEN
        occupations := ARRAY(SELECT occupation_id FROM new_rows);
    ELSIF TG_TABLE_NAME = 'catalogue_skillstandard' AND TG_OP = 'DELETE' THEN
        occupations := ARRAY(SELECT occupation_id FROM old_rows);
    ELSIF TG_TABLE_NAME = 'catalogue_skillstandard' THEN
        occupations := ARRAY(
            SELECT occupation_id FROM new_rows UNION SELECT occupation_id FROM old_rows
        );
    ELSIF TG_OP = 'INSERT' THEN
        occupations := ARRAY(
            SELECT occupation_id FROM catalogue_skillstandard
            WHERE id IN (SELECT standard_id FROM new_rows)
        );
    ELSIF TG_OP = 'DELETE' THEN
        occupations := ARRAY(
            SELECT occupation_id FROM catalogue_skillstandard
            WHERE id IN (SELECT standard_id FROM old_rows)
        );
    ELSE
        occupations := ARRAY(
            SELECT occupation_id FROM catalogue_skillstandard WHERE id IN (
                SELECT standard_id FROM new_rows UNION SELECT standard_id FROM old_rows
            )
        );
    END IF;
    PERFORM catalogue_search_row_standards(occupations);
    RETURN NULL;
END $$;
"""
)
# Each table's triggers: one a kind of change, since each has its own transition tables.
for table in ("catalogue_skillstandard", "catalogue_standardlevel"):
    SQL += f"""
CREATE TRIGGER catalogue_search_row_inserted AFTER INSERT ON {table}
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION catalogue_search_row_standards_changed();
CREATE TRIGGER catalogue_search_row_updated AFTER UPDATE ON {table}
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION catalogue_search_row_standards_changed();
CREATE TRIGGER catalogue_search_row_deleted AFTER DELETE ON {table}
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION catalogue_search_row_standards_changed();
CREATE TRIGGER catalogue_search_row_truncated AFTER TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION catalogue_search_row_standards_changed();
"""
# The rows of the occupations there are already.
SQL += f"""
INSERT INTO catalogue_searchrow (occupation_id, {", ".join(COPIED)}, has_standard, levels)
SELECT id, {", ".join(COPIED)}, false, 0 FROM catalogue_occupation;
SELECT catalogue_search_row_standards(ARRAY(
    SELECT DISTINCT occupation_id FROM catalogue_skillstandard WHERE occupation_id IS NOT NULL
));
"""

REVERSE_SQL = (
    """
DROP TRIGGER catalogue_search_row_copy ON catalogue_occupation;
"""
    + "".join(
        f"DROP TRIGGER catalogue_search_row_{kind} ON {table};\n"
        for table in ("catalogue_skillstandard", "catalogue_standardlevel")
        for kind in ("inserted", "updated", "deleted", "truncated")
    )
    + """
DROP FUNCTION catalogue_search_row_standards_changed();
DROP FUNCTION catalogue_search_row_standards(bigint[]);
DROP FUNCTION catalogue_search_row_copy();
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0017_job_type_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchRow",
            fields=[
                (
                    "occupation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="catalogue.occupation",
                    ),
                ),
                ("status", models.CharField(max_length=10)),
                ("code", models.CharField(max_length=10, null=True)),
                ("is_digital", models.BooleanField()),
                ("is_green", models.BooleanField()),
                ("name_zh", models.CharField(max_length=200)),
                ("name_en", models.CharField(max_length=200)),
                ("name_pinyin", models.CharField(max_length=400)),
                ("has_standard", models.BooleanField(default=False)),
                ("levels", models.SmallIntegerField(default=0)),
                ("search_vector", django.contrib.postgres.search.SearchVectorField()),
                (
                    "announcement",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.announcement",
                    ),
                ),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fastupdate=False, fields=["search_vector"], name="search_row_gin"
                    ),
                    models.Index(
                        fields=["status", "code"],
                        include=(
                            "is_digital",
                            "is_green",
                            "announcement",
                            "has_standard",
                            "levels",
                        ),
                        name="search_row_status_code",
                        opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                    ),
                ],
            },
        ),
        migrations.RunSQL(SQL, REVERSE_SQL),
    ]
