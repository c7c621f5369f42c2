"""Traditional Chinese input, "did you mean" that leads somewhere, and the curated search
synonyms: their import, their effect on ranking and their place on the page."""

from pathlib import Path

from django.test import TestCase

from catalogue.imports import ImportFileError
from catalogue.models import Occupation, Quote, SearchSynonym
from catalogue.search.query import parse
from catalogue.search.text import simplified_readings
from catalogue.search.vocabulary import suggest
from catalogue.synonyms import search_synonyms_import

from .factories import OccupationFactory, SourceFactory
from .helpers import index_for_search, snapshot

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "search_synonyms.csv"
HEADER = "term,language,occupation_code,occupation_name_zh,reason\n"


def ranked_codes(query, n=5):
    return list(Occupation.objects.search(query).by_relevance().values_list("code", flat=True)[:n])


def published(**kwargs):
    return OccupationFactory(status=Occupation.Status.PUBLISHED, **kwargs)


class TraditionalChineseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        published(code="4-04-05-05", name_zh="人工智能训练师", name_en="AI trainer")
        published(code="2-05-08-01", name_zh="内科护士", minor_group__code="2-05-08")
        published(code="2-02-10-03", name_zh="计算机软件工程技术人员", minor_group__code="2-02-10")
        published(code="4-04-05-01", name_zh="计算机程序设计员")
        index_for_search()

    def test_readings(self):
        self.assertEqual(simplified_readings("護士"), ["护士"])
        self.assertEqual(simplified_readings("人工智慧"), ["人工智能"])
        self.assertEqual(simplified_readings("nurse"), [])

    def test_simplified_input_is_not_rewritten_away(self):
        # The Taiwan phrase table reads 程序 as 进程: what was typed must still be searched.
        self.assertEqual(ranked_codes("计算机程序设计员")[0], "4-04-05-01")
        self.assertEqual(ranked_codes("人工智能训练师")[0], "4-04-05-05")

    def test_traditional_input_finds_what_simplified_finds(self):
        for traditional, simplified in [
            ("人工智慧", "人工智能"),
            ("護士", "护士"),
            ("軟體工程", "软件工程"),
            ("人工智慧訓練師", "人工智能训练师"),
        ]:
            with self.subTest(traditional):
                found = ranked_codes(simplified)
                self.assertTrue(found)
                self.assertEqual(ranked_codes(traditional), found)

    def test_a_traditional_name_is_an_exact_match(self):
        parsed = parse("人工智慧訓練師")
        self.assertIn("人工智能训练师", parsed.exact_texts)


class SuggestionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        source = SourceFactory(
            archived_text="“We teach them to label data,” said the teacher of the course."
        )
        trainer = published(
            code="4-04-05-05",
            name_zh="人工智能训练师",
            name_en="Artificial intelligence trainer",
            definition_en="People who label data and train intelligent systems.",
        )
        published(
            code="2-02-10-03",
            name_zh="计算机软件工程技术人员",
            name_en="Computer software engineers",
            minor_group__code="2-02-10",
        )
        quote = Quote.objects.create(
            source=source,
            text="We teach them to label data",
            position=1,
            speaker_name="A teacher",
        )
        quote.occupations.add(trainer)
        index_for_search()

    def test_a_suggestion_is_never_taken_from_a_quote(self):
        # "teach" is only in the quote: "teacher" must not be corrected to it.
        self.assertIsNone(suggest("teacher"))
        self.assertIsNone(suggest("teachr"))

    def test_no_suggestion_that_searches_for_the_same_stem(self):
        # "engineers" is in the vocabulary, "engineer" is not; both search for one stem.
        self.assertIsNone(suggest("software engineer"))

    def test_a_suggestion_finds_something(self):
        self.assertEqual(suggest("artifical inteligence"), "artificial intelligence")
        self.assertTrue(Occupation.objects.matching(parse("artificial intelligence")).exists())

    def test_no_suggestion_that_finds_nothing(self):
        # The correction exists in the vocabulary, but finds no published occupation.
        Occupation.objects.update(status=Occupation.Status.DRAFT)
        self.assertIsNone(suggest("artifical inteligence"))


class SynonymImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.programmer = published(code="4-04-05-01", name_zh="计算机程序设计员")
        published(code="2-02-10-03", name_zh="计算机软件工程技术人员", minor_group__code="2-02-10")
        published(code="4-10-08-01", name_zh="网约配送员", minor_group__code="4-10-08")

    def write(self, text):
        path = Path(self.tmp) / "search_synonyms.csv"
        path.write_text(HEADER + text, encoding="utf-8")
        return path

    def setUp(self):
        import tempfile

        self.tmp = tempfile.mkdtemp()

    def test_import_is_idempotent_and_refreshes_search(self):
        path = self.write(
            "码农,zh-Hans,4-04-05-01,计算机程序设计员,Slang for a programmer.\n"
            "外卖骑手,zh-Hans,4-10-08-01,网约配送员,Platform delivery riders.\n"
        )
        with self.captureOnCommitCallbacks(execute=True):
            report = search_synonyms_import(path=path)
        self.assertEqual(report.created["search synonyms"], 2)
        self.assertEqual(ranked_codes("码农")[0], "4-04-05-01")
        self.assertEqual(ranked_codes("外卖骑手")[0], "4-10-08-01")
        again = search_synonyms_import(path=path)
        self.assertEqual(again.created["search synonyms"], 0)
        self.assertEqual(again.unchanged["search synonyms"], 2)
        self.assertEqual(SearchSynonym.objects.count(), 2)

    def test_a_changed_reason_is_updated(self):
        path = self.write("码农,zh-Hans,4-04-05-01,计算机程序设计员,Old reason.\n")
        search_synonyms_import(path=path)
        path = self.write("码农,zh-Hans,4-04-05-01,计算机程序设计员,New reason.\n")
        report = search_synonyms_import(path=path)
        self.assertEqual(report.updated["search synonyms"], 1)
        self.assertEqual(SearchSynonym.objects.get().reason, "New reason.")

    def test_a_bad_row_changes_nothing_and_names_its_line(self):
        search_synonyms_import(path=self.write("码农,zh-Hans,4-04-05-01,计算机程序设计员,Slang.\n"))
        before = snapshot()
        cases = [
            ("程序员,zh-Hans,4-04-05-01,计算机程序设计员,\n", "line 3: '程序员' has no reason"),
            ("程序员,fr,4-04-05-01,计算机程序设计员,Why.\n", "line 3: language must be"),
            (",zh-Hans,4-04-05-01,计算机程序设计员,Why.\n", "line 3: the term is empty"),
            (
                "码农,zh-Hans,4-04-05-01,计算机程序设计员,A.\n"
                "码农,zh-Hans,4-04-05-01,计算机程序设计员,B.\n",
                "line 4: '码农' is listed twice",
            ),
        ]
        for text, message in cases:
            with self.subTest(message):
                rows = "外卖骑手,zh-Hans,4-10-08-01,网约配送员,Riders.\n" + text
                with self.assertRaises(ImportFileError) as raised:
                    search_synonyms_import(path=self.write(rows))
                self.assertIn(f"search_synonyms.csv, {message}", str(raised.exception))
                self.assertEqual(snapshot(), before)

    def test_a_row_for_an_occupation_the_catalogue_lacks_is_reported_not_placed(self):
        report = search_synonyms_import(
            path=self.write(
                "程序员,zh-Hans,9-99-99-99,不存在,Why.\n"
                "码农,zh-Hans,4-04-05-01,网约配送员,Why.\n"
                "外卖骑手,zh-Hans,4-10-08-01,网约配送员,Riders.\n"
            )
        )
        self.assertEqual(report.created["search synonyms"], 1)
        self.assertEqual(
            report.skipped,
            [
                "line 2: '程序员' not placed: 9-99-99-99 不存在 is not in the catalogue",
                "line 3: '码农' not placed: 4-04-05-01 网约配送员 is 计算机程序设计员 in the catalogue",
            ],
        )

    def test_dry_run_writes_nothing(self):
        path = self.write("码农,zh-Hans,4-04-05-01,计算机程序设计员,Slang.\n")
        report = search_synonyms_import(path=path, dry_run=True)
        self.assertEqual(report.created["search synonyms"], 1)
        self.assertFalse(SearchSynonym.objects.exists())

    def test_the_shipped_file_is_valid(self):
        rows = DATA_FILE.read_text(encoding="utf-8").splitlines()
        self.assertGreater(len(rows), 10)
        self.assertEqual(rows[0] + "\n", HEADER)

    def test_the_page_shows_them_as_search_aids_with_their_reason(self):
        search_synonyms_import(
            path=self.write("码农,zh-Hans,4-04-05-01,计算机程序设计员,Slang for a programmer.\n")
        )
        page = self.client.get(self.programmer.get_absolute_url())
        self.assertContains(page, "Also searched as")
        self.assertContains(page, '<dt lang="zh-Hans">码农</dt>', html=True)
        self.assertContains(page, "Slang for a programmer.")
        self.assertContains(page, "not names of the occupation")
