"""The relevance set run against the real catalogue (the data in data/): each query, the
occupations that answer it (any of them will do) and the rank the best of them must reach.

Groups: names as the classification writes them, everyday English, colloquial and older Chinese,
traditional Chinese, pinyin, job-ad titles and codes. "Everyday" and "colloquial" are the words
people use, not the catalogue's: they are what the translations, job-ad titles, job types and
search synonyms are for.
"""

NURSES = ["2-05-08-01", "2-05-08-02", "2-05-08-03", "2-05-08-04", "2-05-08-05", "2-05-08-07"]
TEACHERS = [
    "2-08-01-01",
    "2-08-01-02",
    "2-08-02-01",
    "2-08-02-02",
    "2-08-02-03",
    "2-08-02-04",
    "2-08-03-00",
    "2-08-04-00",
]
COOKS = ["4-03-02-01", "4-03-02-03"]
SECURITY = ["4-04-04-02", "4-04-04-04", "4-04-04-06", "2-02-10-07"]

# (group, query, codes that answer it, the rank the first of them must reach)
RELEVANCE_SET = [
    # Names as the classification writes them.
    ("names", "人工智能训练师", ["4-04-05-05"], 1),
    ("names", "互联网营销师", ["4-01-06-02"], 1),
    ("names", "供应链管理师", ["4-02-06-05"], 1),
    ("names", "全媒体运营师", ["4-13-01-05"], 1),
    ("names", "信息安全测试员", ["4-04-04-04"], 1),
    ("names", "区块链应用操作员", ["4-04-05-06"], 1),
    ("names", "网约配送员", ["4-10-08-01"], 1),
    ("names", "电子竞技员", ["4-14-05-07"], 1),
    ("names", "网络主播", ["4-13-01-10"], 1),
    ("names", "康复治疗师", ["4-14-03-07"], 1),
    ("names", "大数据工程技术人员", ["2-02-38-03"], 1),
    ("names", "生成式人工智能系统应用员", ["4-04-05-13"], 1),
    ("names", "无人机驾驶员", ["4-02-04-06"], 1),
    ("names", "快递员", ["4-02-07-08"], 1),
    ("names", "家政服务员", ["4-10-01-06"], 1),
    ("names", "养老护理员", ["4-10-01-05"], 1),
    ("names", "训练师", ["4-04-05-05"], 3),
    ("names", "供应链", ["4-02-06-05"], 3),
    ("names", "区块链", ["4-04-05-06", "2-02-38-08"], 2),
    ("names", "电工", ["6-31-01-03"], 1),
    # Everyday English.
    ("everyday English", "nurse", NURSES, 3),
    ("everyday English", "electrician", ["6-31-01-03"], 3),
    ("everyday English", "teacher", TEACHERS, 3),
    ("everyday English", "software engineer", ["2-02-10-03"], 3),
    ("everyday English", "programmer", ["4-04-05-01"], 3),
    ("everyday English", "drone pilot", ["4-02-04-06"], 3),
    ("everyday English", "cybersecurity", SECURITY, 3),
    ("everyday English", "delivery rider", ["4-10-08-01"], 3),
    ("everyday English", "chef", COOKS, 3),
    ("everyday English", "truck driver", ["4-02-02-02"], 3),
    ("everyday English", "accountant", ["2-06-03-00"], 3),
    ("everyday English", "cashier", ["4-01-02-04"], 3),
    ("everyday English", "plumber", ["6-29-02-15"], 3),
    ("everyday English", "welder", ["6-18-02-04"], 3),
    ("everyday English", "data annotator", ["4-04-05-05"], 3),
    ("everyday English", "live streaming sales", ["4-01-06-02"], 3),
    ("everyday English", "AI trainer", ["4-04-05-05"], 3),
    ("everyday English", "supply chain manager", ["4-02-06-05"], 3),
    ("everyday English", "internet marketer", ["4-01-06-02"], 3),
    ("everyday English", "blockchain", ["4-04-05-06", "2-02-38-08"], 3),
    ("everyday English", "courier", ["4-02-07-08"], 3),
    ("everyday English", "security guard", ["4-07-05-01"], 3),
    ("everyday English", "pediatrician", ["2-05-01-03"], 3),
    ("everyday English", "pharmacist", ["2-05-06-01"], 3),
    ("everyday English", "dentist", ["2-05-01-07"], 3),
    ("everyday English", "lawyer", ["2-07-04-00"], 3),
    ("everyday English", "hairdresser", ["4-10-03-02"], 3),
    ("everyday English", "translator", ["2-10-05-01"], 3),
    ("everyday English", "firefighter", ["3-02-03-01", "3-02-03-06"], 3),
    ("everyday English", "police officer", ["3-02-01-00"], 3),
    ("everyday English", "journalist", ["2-10-01-01", "2-10-01-02"], 3),
    ("everyday English", "cook", COOKS, 3),
    ("everyday English", "elderly care worker", ["4-10-01-05"], 3),
    ("everyday English", "housekeeper", ["4-10-01-06"], 3),
    ("everyday English", "e-sports player", ["4-14-05-07"], 3),
    ("everyday English", "big data engineer", ["2-02-38-03"], 3),
    ("everyday English", "cloud computing engineer", ["2-02-38-04"], 3),
    ("everyday English", "video editor", ["2-09-03-06"], 3),
    ("everyday English", "veterinarian", ["2-03-06-01"], 3),
    ("everyday English", "car mechanic", ["4-12-01-01"], 3),
    # Colloquial and older Chinese.
    ("colloquial Chinese", "程序员", ["4-04-05-01"], 3),
    ("colloquial Chinese", "码农", ["4-04-05-01"], 3),
    ("colloquial Chinese", "外卖骑手", ["4-10-08-01"], 3),
    ("colloquial Chinese", "骑手", ["4-10-08-01"], 3),
    ("colloquial Chinese", "快递小哥", ["4-02-07-08"], 3),
    ("colloquial Chinese", "厨师", COOKS, 3),
    ("colloquial Chinese", "带货", ["4-01-06-02"], 3),
    ("colloquial Chinese", "育婴员", ["4-10-01-03"], 3),
    ("colloquial Chinese", "送餐员", ["4-10-08-01"], 3),
    ("colloquial Chinese", "AI训练师", ["4-04-05-05"], 3),
    ("colloquial Chinese", "数据标注师", ["4-04-05-05"], 3),
    ("colloquial Chinese", "带货主播", ["4-01-06-02"], 3),
    ("colloquial Chinese", "护工", ["4-14-01-02"], 3),
    ("colloquial Chinese", "保姆", ["4-10-01-06"], 3),
    ("colloquial Chinese", "月嫂", ["4-10-01-06"], 3),
    ("colloquial Chinese", "网约车司机", ["4-02-02-01"], 3),
    ("colloquial Chinese", "会计师", ["2-06-03-00"], 3),
    ("colloquial Chinese", "理发师", ["4-10-03-02"], 3),
    ("colloquial Chinese", "保安", ["4-07-05-01"], 3),
    ("colloquial Chinese", "外卖员", ["4-10-08-01"], 3),
    # Traditional Chinese.
    ("traditional Chinese", "人工智慧", ["4-04-05-05", "2-02-38-01", "4-04-05-13"], 3),
    ("traditional Chinese", "護士", NURSES, 3),
    ("traditional Chinese", "軟體工程師", ["2-02-10-03"], 3),
    ("traditional Chinese", "資訊安全", SECURITY, 3),
    ("traditional Chinese", "區塊鏈", ["4-04-05-06", "2-02-38-08"], 3),
    ("traditional Chinese", "供應鏈管理師", ["4-02-06-05"], 3),
    ("traditional Chinese", "網路主播", ["4-13-01-10"], 3),
    ("traditional Chinese", "廚師", COOKS, 3),
    ("traditional Chinese", "電工", ["6-31-01-03"], 3),
    ("traditional Chinese", "外送員", ["4-10-08-01"], 3),
    ("traditional Chinese", "大數據工程技術人員", ["2-02-38-03"], 1),
    ("traditional Chinese", "人工智慧訓練師", ["4-04-05-05"], 1),
    # Pinyin.
    ("pinyin", "rengong zhineng xunlianshi", ["4-04-05-05"], 1),
    ("pinyin", "rengongzhineng", ["4-04-05-05", "2-02-38-01", "4-04-05-13"], 3),
    ("pinyin", "rgznxls", ["4-04-05-05"], 1),
    ("pinyin", "gongyinglian", ["4-02-06-05", "2-02-30-11"], 3),
    ("pinyin", "hulianwang yingxiaoshi", ["4-01-06-02"], 1),
    ("pinyin", "kuaidiyuan", ["4-02-07-08"], 1),
    ("pinyin", "dianzi jingjiyuan", ["4-14-05-07"], 1),
    ("pinyin", "wangyue peisongyuan", ["4-10-08-01"], 1),
    ("pinyin", "qukuailian", ["4-04-05-06", "2-02-38-08"], 3),
    # hushi is also the pinyin of 护师, the end of 照护师 and 防护师.
    ("pinyin", "hushi", NURSES, 5),
    # Titles used in job ads and job types.
    ("job-ad titles", "软件工程师", ["2-02-10-03"], 3),
    ("job-ad titles", "Java开发", ["2-02-10-03", "4-04-05-01"], 3),
    ("job-ad titles", "配送员", ["4-10-08-01"], 3),
    ("job-ad titles", "数据标注员", ["4-04-05-05"], 3),
    ("job-ad titles", "人工智能算法测试员", ["4-04-05-05"], 3),
    ("job-ad titles", "中餐厨师", ["4-03-02-01"], 3),
    ("job-ad titles", "注册会计师", ["2-06-03-00"], 3),
    ("job-ad titles", "游戏主播", ["4-14-05-07"], 3),
    # The English names of new occupations.
    ("English names", "all-media operator", ["4-13-01-05"], 1),
    ("English names", "information security tester", ["4-04-04-04"], 1),
    ("English names", "blockchain application operator", ["4-04-05-06"], 1),
    ("English names", "industrial robot", ["6-31-07-01"], 3),
    ("English names", "virtual reality", ["4-04-05-11"], 3),
    ("English names", "homestay", ["4-14-06-02"], 3),
    # Codes.
    ("codes", "4-04-05-05", ["4-04-05-05"], 1),
    ("codes", "4-01-06-02", ["4-01-06-02"], 1),
    ("codes", "2-02-38-03", ["2-02-38-03"], 1),
    ("codes", "4-10-08-01", ["4-10-08-01"], 1),
    ("codes", "6-31-01-03", ["6-31-01-03"], 1),
]


def rank_of(query: str, codes: list[str]) -> int | None:
    """The best rank, in the top 20 of a search of published occupations, of these codes."""
    from catalogue.models import Occupation

    found = list(
        Occupation.objects.published()
        .search(query)
        .by_relevance()
        .values_list("code", flat=True)[:20]
    )
    ranks = [found.index(code) + 1 for code in codes if code in found]
    return min(ranks) if ranks else None
