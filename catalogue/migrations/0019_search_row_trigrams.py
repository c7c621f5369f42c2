"""Each search row's trigrams (SearchRow.trigrams): every run of three Chinese characters of its
occupation's search document, as one word without positions, computed by the copy trigger from
the document's bigram columns (two bigrams in a row that overlap, 供应 应链 → 供应链) as a phrase
of them matches; then for the rows there already are, and their index. The documents leave the
row for TOAST, and names and codes stay in it."""

from importlib import import_module

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

search_rows = import_module("catalogue.migrations.0018_search_rows")
CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
ZH_COLUMNS = [f"search_zh_{weight}" for weight in "abcd"]


def trigrams_of(row: str) -> str:
    """The SQL for the trigrams of a row of catalogue_occupation (NEW, o) as a tsvector."""
    text = " || ' ' || ".join(f"{row}.{column}" for column in ZH_COLUMNS)
    return f"strip(to_tsvector('simple', catalogue_cjk_trigrams({text})))"


def copy_function(trigrams: bool) -> str:
    columns = [*search_rows.COPIED, *(["trigrams"] if trigrams else [])]
    values = [f"NEW.{c}" for c in search_rows.COPIED] + ([trigrams_of("NEW")] if trigrams else [])
    return search_rows.copy_function(columns, values)


# Read for every match, so kept in the row, never compressed nor moved to TOAST.
IN_ROW = ["status", "code", "name_zh", "name_en", "name_pinyin"]

SQL = (
    f"""
-- The search document and the trigrams leave the row for TOAST, whatever their size: the facets'
-- pass reads the row of every match, and a document only of a ranked one (on 100,000 rows the
-- trigrams kept inline made the table 148 MB instead of 21 MB).
ALTER TABLE catalogue_searchrow SET (toast_tuple_target = 128),
    {", ".join(f"ALTER COLUMN {column} SET STORAGE PLAIN" for column in IN_ROW)};
-- Runs of three characters from the bigram tokens of catalogue.search.text.cjk_tokens: each two
-- consecutive tokens of two characters where the second starts with the first's last.
CREATE FUNCTION catalogue_cjk_trigrams(tokens text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(p.a || right(p.b, 1), ' '), '')
    FROM (
        SELECT u.t AS a, lead(u.t) OVER (ORDER BY u.n) AS b
        FROM regexp_split_to_table(tokens, '\\s+') WITH ORDINALITY AS u(t, n)
    ) AS p
    WHERE right(p.a, 1) = left(p.b, 1) AND p.a ~ '^{CJK}{{2}}$' AND p.b ~ '^{CJK}{{2}}$'
$$;
"""
    + copy_function(trigrams=True)
    + f"""
UPDATE catalogue_searchrow AS r SET trigrams = {trigrams_of("o")}
FROM catalogue_occupation AS o WHERE o.id = r.occupation_id;
"""
)
REVERSE_SQL = (
    copy_function(trigrams=False)
    + "DROP FUNCTION catalogue_cjk_trigrams(text);\n"
    + "ALTER TABLE catalogue_searchrow RESET (toast_tuple_target), "
    + ", ".join(f"ALTER COLUMN {column} SET STORAGE EXTENDED" for column in IN_ROW)
    + ";"
)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0018_search_rows"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchrow",
            name="trigrams",
            field=django.contrib.postgres.search.SearchVectorField(default=""),
            preserve_default=False,
        ),
        migrations.RunSQL(SQL, REVERSE_SQL),
        # After the rows have their trigrams: one index build, not 100,000 index updates.
        migrations.AddIndex(
            model_name="searchrow",
            index=django.contrib.postgres.indexes.GinIndex(
                fastupdate=False, fields=["trigrams"], name="search_row_trigrams"
            ),
        ),
    ]
