"""The seed catalogue: loads idempotently, quotes verbatim, codes as the classification has them."""

import csv
import json
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from catalogue.models import Figure, Occupation, Quote, SkillStandard, Source

from .helpers import snapshot

SEEDS_DIR = settings.BASE_DIR.parent / "shared" / "seeds"
DATA_DIR = Path(settings.CATALOGUE_DATA_DIR)


class SeedFixtureTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("loaddata", "seed", verbosity=0)

    def test_loading_twice_changes_nothing(self):
        before = snapshot()
        self.assertTrue(before["catalogue_occupation"])
        call_command("loaddata", "seed", verbosity=0)
        self.assertEqual(snapshot(), before)

    def test_every_quote_stands_verbatim_at_its_position(self):
        quotes = Quote.objects.select_related("source")
        self.assertGreaterEqual(quotes.count(), 9)
        for quote in quotes:
            with self.subTest(speaker=quote.speaker_name, position=quote.position):
                archive = quote.source.archived_text
                self.assertEqual(
                    archive[quote.position : quote.position + len(quote.text)], quote.text
                )
                quote.full_clean()

    def test_every_figure_excerpt_stands_verbatim_at_its_position(self):
        for figure in Figure.objects.select_related("source"):
            with self.subTest(figure=str(figure)):
                archive = figure.source.archived_text
                self.assertEqual(
                    archive[figure.position : figure.position + len(figure.excerpt)], figure.excerpt
                )
                figure.full_clean()

    def test_damaged_quotes_keep_the_damage_and_mark_the_correction(self):
        shi = Quote.objects.get(speaker_name="Shi Chunlei")
        self.assertIn("needs to’ fight on multiple lines’", shi.text)
        self.assertIn("[‘]fight on multiple lines’", shi.corrected_text)
        self.assertTrue(shi.correction_note)

    def test_every_expert_and_practitioner_quoted(self):
        self.assertEqual(
            set(Quote.objects.values_list("speaker_name", flat=True)),
            {
                "Liu Xiaowei",
                "Nie Beibei",
                "Shi Chunlei",
                "Liu Dacheng",
                "Wang Xiaoguang",
                "Tian Yongpo",
                "He Wei",
            },
        )

    def test_every_occupation_cites_a_source(self):
        self.assertFalse(Occupation.objects.filter(source__isnull=True).exists())
        self.assertFalse(Occupation.objects.filter(name_en="").exists())

    def test_named_occupations_are_present_with_their_codes(self):
        expected = {
            "ai-trainer": "4-04-05-05",
            "internet-marketer": "4-01-06-02",
            "all-media-operator": "4-13-01-05",
            "supply-chain-manager": "4-02-06-05",
            "virtual-reality-engineering-technician": "2-02-38-07",
            "information-security-tester": "4-04-04-04",
            "online-delivery-worker": "4-10-08-01",
            "e-sports-player": "4-14-05-07",
            "job-information-auditor": None,
            "video-creator": None,
        }
        found = dict(Occupation.objects.filter(slug__in=expected).values_list("slug", "code"))
        self.assertEqual(found, expected)
        self.assertEqual(
            set(
                Occupation.objects.get(slug="ai-trainer").job_types.values_list(
                    "name_zh", flat=True
                )
            ),
            {"数据标注员"},
        )

    def test_skill_standards_meet_osta_list_and_claim_no_date_or_number(self):
        standards = SkillStandard.objects.select_related("occupation")
        self.assertEqual(
            {(s.occupation.code, s.key, s.osta_id) for s in standards},
            {
                ("4-01-06-02", "osta-457", 457),
                ("4-04-05-05", "osta-453", 453),
                ("4-04-04-04", "osta-456", 456),
            },
        )
        for standard in standards:
            # The article says only that the ministry issued them: no date or number without
            # the list's import, and no level text without the standard.
            self.assertIsNone(standard.issued_on)
            self.assertEqual(standard.document_number, "")
            self.assertFalse(standard.levels.exists())

    @pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="shared/seeds is not beside the project")
    def test_archived_text_is_the_seed_article_unchanged(self):
        for key, name in [
            ("internet-plus-new-employment-space", "000_013007be36e66cc1.txt"),
            ("digital-economy-employment-rice-bowl", "002_25151cef171d7125.txt"),
        ]:
            with self.subTest(source=key):
                self.assertEqual(
                    Source.objects.get(key=key).archived_text,
                    (SEEDS_DIR / name).read_text(encoding="utf-8"),
                )

    @pytest.mark.skipif(
        not (DATA_DIR / "cn_occupations_2022.csv").is_file(), reason="no data folder"
    )
    def test_seed_occupations_agree_with_the_classification(self):
        with open(DATA_DIR / "cn_occupations_2022.csv", encoding="utf-8", newline="") as f:
            rows = {row["code"]: row for row in csv.DictReader(f)}
        for occupation in Occupation.objects.exclude(code=None):
            row = rows[occupation.code]
            with self.subTest(code=occupation.code):
                self.assertEqual(occupation.name_zh, row["name_zh"])
                self.assertEqual(occupation.definition_zh, row["definition_zh"])
                self.assertEqual(occupation.is_digital, row["is_digital"] == "1")
                self.assertEqual(occupation.is_green, row["is_green"] == "1")
                self.assertEqual(str(occupation.source_page), row["source_page"])
                self.assertEqual(occupation.minor_group.name_zh, row["minor_name"])
                self.assertEqual(occupation.minor_group.middle_group.name_zh, row["middle_name"])


class BadFixtureTests(TestCase):
    """A fixture with a fault is refused with its file and line, and loads nothing."""

    fixtures = ["seed"]

    def write(self, directory, records=None, raw: bytes | None = None) -> Path:
        path = Path(directory) / "bad.json"
        path.write_bytes(raw if raw is not None else json.dumps(records, indent=1).encode())
        return path

    def occupation(self, code, slug, **fields):
        return {
            "model": "catalogue.occupation",
            "fields": {
                "code": code,
                "slug": slug,
                "name_zh": "测试职业",
                "status": "published",
                "kind": "occupation",
                **fields,
            },
        }

    def assert_refused(self, path, *expected):
        before = snapshot()
        with self.assertRaises(CommandError) as raised:
            call_command("loaddata", str(path), verbosity=0)
        for text in (str(path), *expected):
            self.assertIn(text, str(raised.exception))
        self.assertEqual(snapshot(), before)
        return str(raised.exception)

    def test_a_bad_row_names_its_line(self):
        with tempfile.TemporaryDirectory() as directory:
            good = self.occupation(None, "fixture-good-one")
            bad = self.occupation("4-04-5-05", "fixture-bad-code")  # a malformed code
            path = self.write(directory, [good, bad])
            message = self.assert_refused(path, "record 2")
            starts = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text == " {"]
            line = starts[1]
            self.assertIn(f"line {line}", message)

    def test_a_duplicate_code_names_its_line(self):
        with tempfile.TemporaryDirectory() as directory:
            duplicate = self.occupation("4-04-05-05", "another-ai-trainer")  # AI trainer's code
            duplicate["pk"] = 999_999
            duplicate["fields"]["minor_group"] = ["4-04-05"]
            path = self.write(
                directory,
                [self.occupation(None, "fixture-first"), self.occupation(None, "x2"), duplicate],
            )
            starts = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text == " {"]
            self.assert_refused(path, "record 3", f"line {starts[2]}", "occupation_code")

    def test_a_wrong_encoding_names_its_line(self):
        with tempfile.TemporaryDirectory() as directory:
            text = json.dumps([self.occupation(None, "gbk-encoded")], indent=1, ensure_ascii=False)
            path = self.write(directory, raw=text.encode("gbk"))
            line = next(n for n, row in enumerate(text.splitlines(), 1) if "测试" in row)
            self.assert_refused(path, f"line {line}", "not UTF-8")

    def test_a_truncated_file_names_its_line(self):
        with tempfile.TemporaryDirectory() as directory:
            text = json.dumps([self.occupation(None, "cut-short")] * 3, indent=1)
            cut = text[: len(text) // 2]
            path = self.write(directory, raw=cut.encode())
            self.assert_refused(path, f"line {cut.count(chr(10)) + 1}", "truncated")

    def test_an_unknown_field_names_its_line(self):
        with tempfile.TemporaryDirectory() as directory:
            path = self.write(
                directory,
                [self.occupation(None, "ok-one"), self.occupation(None, "x", colour="red")],
            )
            self.assert_refused(path, "record 2")

    def test_two_records_of_one_code_are_refused_not_merged(self):
        with tempfile.TemporaryDirectory() as directory:
            first = self.occupation("4-04-05-77", "fixture-first-77", minor_group=["4-04-05"])
            second = self.occupation("4-04-05-77", "fixture-second-77", minor_group=["4-04-05"])
            path = self.write(directory, [first, self.occupation(None, "between"), second])
            starts = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text == " {"]
            self.assert_refused(
                path, "record 3", f"line {starts[2]}", f"the same record as line {starts[0]}"
            )

    def test_a_quote_not_verbatim_in_its_source_is_refused(self):
        with tempfile.TemporaryDirectory() as directory:
            quote = {
                "model": "catalogue.quote",
                "fields": {
                    "source": ["internet-plus-new-employment-space"],
                    "position": 0,
                    "text": "Words the article never printed.",
                    "speaker_name": "Nobody",
                },
            }
            path = self.write(directory, [self.occupation(None, "fixture-before-quote"), quote])
            self.assert_refused(path, "record 2", "not in the source's archived text verbatim")

    def test_a_nul_character_names_its_line(self):
        with tempfile.TemporaryDirectory() as directory:
            path = self.write(
                directory,
                [self.occupation(None, "ok-one"), self.occupation(None, "nul", name_zh="测\x00试")],
            )
            starts = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text == " {"]
            self.assert_refused(path, "record 2", f"line {starts[1]}", "NUL")
