from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(
            f"Models have changes without a migration (exit {exit.code}):\n{out.getvalue()}"
        )


@pytest.mark.django_db(transaction=True)
def test_skill_standards_migration_keeps_existing_standards():
    """Standards recorded before 0007 get a key each and keep their number as the document
    number; the import then finds them by occupation (tests/test_import_standards.py)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("catalogue", "0005_covering_and_upper_indexes")],
        [("catalogue", "0007_skill_standards")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    occupation = old.get_model("catalogue", "Occupation").objects.create(
        name_zh="人工智能训练师", slug="ai-trainer", kind="occupation", status="published"
    )
    Standard = old.get_model("catalogue", "SkillStandard")
    Standard.objects.create(occupation=occupation, title="甲", edition="", number="")
    Standard.objects.create(occupation=occupation, title="乙", edition="2021年版", number="第1号")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    rows = list(
        new.get_model("catalogue", "SkillStandard")
        .objects.order_by("pk")
        .values_list("title", "key", "document_number")
    )
    pks = list(
        new.get_model("catalogue", "SkillStandard")
        .objects.order_by("pk")
        .values_list("pk", flat=True)
    )
    assert rows == [("甲", f"standard-{pks[0]}", ""), ("乙", f"standard-{pks[1]}", "第1号")]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_pinyin_runs_migration_rebuilds_the_documents():
    """Documents written before 0020 have no runs of syllables, which pinyin queries now look up:
    the migration writes them again."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from catalogue.models import Occupation

    before = [("catalogue", "0019_search_row_trigrams")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    old.get_model("catalogue", "Occupation").objects.create(
        name_zh="数字供应链管理员",
        slug="digital-supply-chain",
        kind="occupation",
        status="published",
        search_zh_a="数字 字供 供应 应链 链管 管理 理员",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert list(Occupation.objects.search("gongyinglian").values_list("slug", flat=True)) == [
        "digital-supply-chain"
    ]
