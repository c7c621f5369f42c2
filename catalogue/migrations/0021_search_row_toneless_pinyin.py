"""Each search row's pinyin without its tone marks (SearchRow.pinyin_toneless: gōng yìng liàn →
gong ying lian), written by the copy trigger from the occupation's name_pinyin, then for the rows
there already are. A search tests whether typed pinyin is a name's own with a LIKE on it,
where it tested a regular expression of every toned form of each letter against name_pinyin:
about 1.4 µs a name, for each of the thousands of names that a common syllable run matches.

TONED and PLAIN are every letter with a tone mark that pypinyin writes in a reading and its
plain letter (ü's is u, as in catalogue.search.text._letter_patterns), and then the combining
marks it writes after a few letters (ê̄, m̀), which translate() deletes, having no letter for them.
A test checks them against pypinyin's readings.
"""

from importlib import import_module

from django.db import migrations, models

search_rows = import_module("catalogue.migrations.0018_search_rows")
trigram_rows = import_module("catalogue.migrations.0019_search_row_trigrams")

TONED = "àáāǎèéêēěếềìíīǐòóōǒùúüūǔǘǚǜńňǹḿ\u0300\u0304\u030c"
PLAIN = "aaaaeeeeeeeiiiioooouuuuuuuunnnm"


def copy_function(toneless: bool) -> str:
    columns = [*search_rows.COPIED, "trigrams", *(["pinyin_toneless"] if toneless else [])]
    values = [f"NEW.{c}" for c in search_rows.COPIED] + [trigram_rows.trigrams_of("NEW")]
    if toneless:
        values.append("catalogue_toneless(NEW.name_pinyin)")
    return search_rows.copy_function(columns, values)


SQL = (
    f"""
CREATE FUNCTION catalogue_toneless(pinyin text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT translate(pinyin, '{TONED}', '{PLAIN}') $$;
-- Read for every match, as the names are: kept in the row (0019).
ALTER TABLE catalogue_searchrow ALTER COLUMN pinyin_toneless SET STORAGE PLAIN;
"""
    + copy_function(toneless=True)
    + "UPDATE catalogue_searchrow SET pinyin_toneless = catalogue_toneless(name_pinyin);\n"
)
REVERSE_SQL = copy_function(toneless=False) + "DROP FUNCTION catalogue_toneless(text);\n"


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0020_pinyin_runs"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchrow",
            name="pinyin_toneless",
            field=models.CharField(default="", max_length=400),
            preserve_default=False,
        ),
        migrations.RunSQL(SQL, REVERSE_SQL),
    ]
