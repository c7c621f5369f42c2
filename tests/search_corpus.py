"""A small catalogue for relevance tests: the seed, plus real occupations that compete with its
names (codes, names and S/L flags from the 2022 classification draft, 中华人民共和国职业分类大典
（2022年版）（社会公示稿）, as extracted by xuanganx/career-navigator), and the relevance set."""

from catalogue.models import MajorGroup, MiddleGroup, MinorGroup, Occupation
from catalogue.services import slugify_name

COMPETITORS = [
    ("2-02-38-01", "人工智能工程技术人员", 1, 0),
    ("2-02-38-02", "物联网工程技术人员", 1, 0),
    ("2-02-38-03", "大数据工程技术人员", 1, 0),
    ("2-02-38-04", "云计算工程技术人员", 1, 0),
    ("2-02-38-08", "区块链工程技术人员", 1, 0),
    ("4-04-05-06", "区块链应用操作员", 1, 0),
    ("4-04-05-13", "生成式人工智能系统应用员", 1, 0),
    ("2-02-30-11", "供应链工程技术人员", 1, 0),
    ("4-02-06-03", "物流服务师", 0, 1),
    ("4-01-06-03", "跨境电商运营管理师", 1, 0),
    ("4-13-01-10", "网络主播", 1, 0),
    ("4-14-05-06", "电子竞技运营师", 0, 0),
    ("4-04-04-02", "网络与信息安全管理员", 1, 0),
    ("4-04-04-05", "数字化解决方案设计师", 1, 0),
    ("4-04-05-11", "虚拟现实产品设计师", 1, 0),
    ("4-10-03-02", "美发师", 0, 0),
    ("2-09-03-06", "剪辑师", 0, 0),
    ("4-14-06-02", "民宿管家", 0, 0),
    ("4-02-04-06", "无人机驾驶员", 0, 0),
    ("2-06-07-13", "数字化管理师", 1, 0),
    ("4-01-02-06", "连锁经营管理师", 0, 0),
    ("4-02-02-01", "客运车辆驾驶员", 0, 1),
    ("4-14-01-03", "健康照护师", 0, 0),
    ("4-13-04-01", "在线学习服务师", 0, 0),
    ("6-31-07-01", "工业机器人系统运维员", 1, 0),
    ("4-04-04-01", "信息通信网络运行管理员", 1, 0),
]


def build_competitors():
    """Add the competing occupations (the seed must be loaded first)."""
    for code, name_zh, digital, green in COMPETITORS:
        major, _ = MajorGroup.objects.get_or_create(
            code=code[0], defaults={"name_zh": f"大类{code[0]}"}
        )
        middle, _ = MiddleGroup.objects.get_or_create(
            code=code[:4], defaults={"name_zh": f"中类{code[:4]}", "major_group": major}
        )
        MinorGroup.objects.get_or_create(
            code=code[:7], defaults={"name_zh": f"小类{code[:7]}", "middle_group": middle}
        )
        Occupation.objects.create(
            code=code,
            minor_group_id=code[:7],
            name_zh=name_zh,
            slug=slugify_name(name_zh=name_zh),
            is_digital=bool(digital),
            is_green=bool(green),
            status=Occupation.Status.PUBLISHED,
        )


# (query, the slug expected, within the top n)
RELEVANCE_SET = [
    # English: exact names and titles, stemming, prefixes while typing, job types
    ("AI trainer", "ai-trainer", 1),
    ("trainers", "ai-trainer", 1),
    ("artificial intelligence trainer", "ai-trainer", 1),
    ("supply chain manager", "supply-chain-manager", 1),
    ("supply chain", "supply-chain-manager", 1),
    ("supp", "supply-chain-manager", 1),
    ("internet marketer", "internet-marketer", 1),
    ("marketers", "internet-marketer", 1),
    ("marke", "internet-marketer", 1),
    ("information security tester", "information-security-tester", 1),
    ("security", "information-security-tester", 3),
    ("informat", "information-security-tester", 3),
    ("all-media operator", "all-media-operator", 1),
    ("all media", "all-media-operator", 1),
    ("virtual reality", "virtual-reality-engineering-technician", 1),
    ("e-sports player", "e-sports-player", 1),
    ("online delivery", "online-delivery-worker", 1),
    ("online distributor", "online-delivery-worker", 1),
    ("video creator", "video-creator", 1),
    ("job information auditor", "job-information-auditor", 1),
    ("data labeller", "ai-trainer", 1),
    ("anchor with goods", "internet-marketer", 1),
    ("car-hailing", "car-hailing-driver", 1),
    ("shared employees", "shared-employees", 1),
    # Chinese: whole names, runs inside names, job types, single characters on names
    ("人工智能训练师", "ai-trainer", 1),
    ("训练师", "ai-trainer", 1),
    ("智能训练", "ai-trainer", 1),
    ("供应链管理师", "supply-chain-manager", 1),
    ("供应链", "supply-chain-manager", 3),
    ("互联网营销师", "internet-marketer", 1),
    ("营销", "internet-marketer", 1),
    ("数据标注员", "ai-trainer", 1),
    ("电子竞技员", "e-sports-player", 1),
    ("网约配送员", "online-delivery-worker", 1),
    ("全媒体", "all-media-operator", 1),
    ("虚拟现实", "virtual-reality-engineering-technician", 3),
    ("信息安全", "information-security-tester", 3),
    ("竞", "e-sports-player", 3),
    # Pinyin: full with and without spaces, initials
    ("rengong zhineng xunlianshi", "ai-trainer", 1),
    ("rengongzhineng xunlianshi", "ai-trainer", 1),
    ("rengongzhineng", "ai-trainer", 3),
    ("rgznxls", "ai-trainer", 1),
    ("gongyinglian guanlishi", "supply-chain-manager", 1),
    ("gongyinglian", "supply-chain-manager", 3),
    ("hulianwang yingxiaoshi", "internet-marketer", 1),
    ("hlwyxs", "internet-marketer", 1),
    ("dianzi jingji", "e-sports-player", 3),
    ("wangyue peisongyuan", "online-delivery-worker", 1),
    ("quanmeiti", "all-media-operator", 1),
    # Codes
    ("4-04-05-05", "ai-trainer", 1),
    ("4-04-05", "ai-trainer", 3),
    ("2-02-38-07", "virtual-reality-engineering-technician", 1),
]

# (typed, the suggestion expected, the slug its search puts first)
TYPOS = [
    ("suply chain", "supply chain", "supply-chain-manager"),
    ("artifical inteligence", "artificial intelligence", "ai-trainer"),
    ("trainr", "trainer", "ai-trainer"),
    ("informaton securty", "information security", "information-security-tester"),
]
