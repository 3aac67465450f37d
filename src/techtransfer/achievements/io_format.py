"""The column format of the achievement import and export files (template, import, export).

- Row 1 holds the headers: each column's Chinese header (its machine key is accepted too); columns
  may come in any order and optional ones may be left out.
- Choice columns accept the Chinese name, the English label or the stored value. Empty cells of
  columns with a default (kind, secrecy, TRL, …) take that default.
- Lists (keywords, transfer modes) are separated by "；" (also ";", ",", "、" or "|").
- 完成单位: "单位名称：贡献"; 完成人: "姓名（工作单位）：贡献" (brackets and contribution optional);
  知识产权: "类型：名称：申请号：公开（授权、登记）号" (parts may be empty). Entries are separated by
  line breaks; a cell without line breaks may separate them by "；" instead.

The Chinese headers and choice names are part of the file format and therefore fixed text, not
translated UI strings; the English explanations are translatable.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements import services
from techtransfer.achievements.choices import (
    IP_KIND_ALIASES,
    AchievementKind,
    EmbodimentForm,
    EmergingIndustry,
    EvaluationLevel,
    FundingSource,
    InnovationAttribute,
    IPKind,
    PlanIndustry,
    SecrecyLevel,
    Stage,
    TransferMode,
)

EXAMPLE_MARK = "【示例】"  # the template's example row starts its name with this; such rows are skipped
LIST_JOIN = "；"


# --- choice names of the file format ---------------------------------------------------------------

CHOICE_CLASSES: dict[str, type[models.TextChoices]] = {
    "kind": AchievementKind,
    "secrecy": SecrecyLevel,
    "attribute": InnovationAttribute,
    "embodiment": EmbodimentForm,
    "evaluation_level": EvaluationLevel,
    "stage": Stage,
    "plan_industry": PlanIndustry,
    "emerging_industry": EmergingIndustry,
    "funding_source": FundingSource,
    "transfer_modes": TransferMode,
    "ip_kind": IPKind,
}

ZH_NAMES: dict[str, dict[str, str]] = {
    "kind": {"applied": "应用技术", "basic": "基础理论", "soft": "软科学"},
    "secrecy": {"public": "公开", "internal": "内部"},
    "attribute": {"original": "原始创新", "absorbed": "引进消化吸收再创新", "secondary": "国内技术二次开发"},
    "embodiment": {
        "technology": "新技术", "process": "新工艺", "product": "新产品", "material": "新材料", "device": "新装置",
        "variety": "新品种", "software": "计算机软件", "paper": "论文专著", "report": "研究报告", "standard": "标准",
        "other": "其他",
    },
    "evaluation_level": {
        "intl_leading": "国际领先", "intl_advanced": "国际先进", "dom_leading": "国内领先",
        "dom_advanced": "国内先进", "not_evaluated": "未评价",
    },
    "stage": {"early": "初期", "middle": "中期", "mature": "成熟"},
    "plan_industry": {
        "aviation": "航空制造", "ssl": "半导体照明", "biomed": "生物和新医药", "ngit": "新一代信息技术",
        "new_materials": "新材料", "new_energy": "新能源", "green": "节能环保",
    },
    "emerging_industry": {
        "1": "新一代信息技术产业", "2": "高端装备制造产业", "3": "新材料产业", "4": "生物产业", "5": "新能源汽车产业",
        "6": "新能源产业", "7": "节能环保产业", "8": "数字创意产业", "9": "相关服务业",
    },
    "funding_source": {
        "national": "国家计划", "provincial": "省级计划", "municipal": "市县计划", "enterprise": "企业资金",
        "own": "单位自有资金", "international": "国际合作", "other": "其他", "none": "无",
    },
    "transfer_modes": {
        "assignment": "转让", "licence": "许可", "equity": "作价入股", "joint_development": "合作开发",
        "service": "技术服务", "other": "其他",
    },
    "ip_kind": {
        "invention_patent": "发明专利", "utility_model": "实用新型专利", "design_patent": "外观设计专利",
        "software_copyright": "软件著作权", "standard": "标准", "plant_variety": "植物新品种", "other": "其他",
    },
}  # fmt: skip

CLASSIFIED_INPUT = "secret"  # what the form expects for "classified", so that it refuses with its own message
TRUE_WORDS = frozenset({"是", "yes", "true", "y", "1", "面议"})
FALSE_WORDS = frozenset({"否", "no", "false", "n", "0"})


def fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@functools.lru_cache(maxsize=64)
def _choice_table(key: str, language: str | None) -> dict[str, str]:
    table: dict[str, str] = {}
    for value, label in CHOICE_CLASSES[key].choices:
        with translation.override("en"):
            table[fold(str(label))] = value
        table[fold(str(label))] = value  # the label in the current language
        table[fold(ZH_NAMES[key][value])] = value
        table[fold(value)] = value
    if key == "ip_kind":  # the short names people type (实用新型, 软件著作权), whatever the language
        table.update({fold(alias): str(value) for alias, value in IP_KIND_ALIASES.items()})
    return table


def choice_value(key: str, text: str) -> str:
    """The stored value for `text` in choice column `key`; unknown text is returned unchanged so that
    the form refuses it with its usual message."""
    return _choice_table(key, translation.get_language()).get(fold(text), text)


def zh_name(key: str, value: str) -> str:
    return ZH_NAMES[key].get(value, value) if value else ""


# --- the columns --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # a services.DATA_FIELDS name, or one of the extra keys below
    header: str  # the Chinese header: part of the file format
    help_zh: str
    help_en: Promise | str
    example: str = ""
    required: bool = False  # the column must be present (and the form requires a value)
    export_only: bool = False  # written by the export, ignored (with a notice) on import


COLUMNS: tuple[Column, ...] = (
    Column("name", "成果名称", "必填，不超过200字。", _("Required, at most 200 characters."),
           EXAMPLE_MARK + "一种稀土永磁材料晶界扩散制备方法", required=True),
    Column("kind", "成果类型", "留空为“应用技术”。", _("Empty means applied technology."), "应用技术"),
    Column("recommending_unit", "推荐单位", "选填。", _("Optional."), "南昌市科学技术局"),
    Column("research_start", "研究起始时间", "年-月，如 2021-03。", _("Year-month, for example 2021-03."), "2021-03"),
    Column("research_end", "研究终止时间", "年-月，不早于起始时间。", _("Year-month, not before the start."),
           "2023-12"),
    Column("secrecy", "密级", "公开或内部；涉密成果不能在本平台登记。",
           _("Public or internal; classified results cannot be registered here."), "公开"),
    Column("attribute", "创新属性", "留空为“原始创新”。", _("Empty means original innovation."), "原始创新"),
    Column("keywords", "关键词", "必填，最多8个，用“；”分隔，每个不超过40字。",
           _("Required, up to 8, separated by ；, each at most 40 characters."), "稀土永磁；晶界扩散；矫顽力",
           required=True),
    Column("embodiment", "成果体现形式", "留空为“新技术”。", _("Empty means new technology."), "新工艺"),
    Column("evaluation_level", "成果水平", "留空为“未评价”。", _("Empty means not evaluated."), "国内领先"),
    Column("trl", "技术成熟度", "1–9 的整数，留空为 3。", _("A whole number 1–9; empty means 3."), "6"),
    Column("stage", "成果所处阶段", "留空则按技术成熟度：1–4 初期，5–6 中期，7–9 成熟。",
           _("Empty follows the TRL: 1–4 early, 5–6 middle, 7–9 mature."), "中期"),
    Column("discipline", "学科", "选填，须为67个学科之一（见“学科”表）。",
           _("Optional; one of the 67 disciplines (see the disciplines sheet)."), "材料科学与工程"),
    Column("plan_industry", "所属产业", "行动计划的七大产业之一，选填。",
           _("Optional; one of the plan's seven industries."), "新材料"),
    Column("emerging_industry", "战略性新兴产业", "选填。", _("Optional."), "新材料产业"),
    Column("sector_code", "国民经济行业代码", "GB/T 4754-2017：门类字母加2–4位数字，选填。",
           _("GB/T 4754-2017: a section letter with 2–4 digits; optional."), "C3985"),
    Column("funding_source", "经费来源", "留空为“无”。", _("Empty means no funding."), "省级计划"),
    Column("funding_programme", "计划名称", "选填。", _("Optional."), "江西省重点研发计划"),
    Column("funding_project_number", "项目编号", "选填。", _("Optional."), "20212BBE51001"),
    Column("transfer_modes", "拟转化方式", "可多选，用“；”分隔。", _("Several allowed, separated by ；."),
           "许可；合作开发"),
    Column("price", "价格（万元）", "非负数，选填。", _("A non-negative number; optional."), "120"),
    Column("price_negotiable", "价格面议", "是或否，留空为“是”；为“否”时须填价格。",
           _("Yes (是) or no (否), empty means yes; with no, give a price."), "否"),
    Column("abstract", "成果简介", "必填，不超过2000字。", _("Required, at most 2,000 characters."),
           "采用晶界扩散工艺在烧结钕铁硼磁体中引入重稀土元素，在减少重稀土用量的同时显著提高矫顽力。", required=True),
    Column("contact_name", "联系人", "选填。", _("Optional."), "王工"),
    Column("contact_phone", "联系电话", "选填。", _("Optional."), "0791-88888888"),
    Column("contact_email", "联系邮箱", "选填。", _("Optional."), "contact@example.org"),
    Column("contributors_org", "完成单位", "每行一个：单位名称：贡献（贡献可省略）。",
           _("One per line: organisation name：contribution (contribution optional)."),
           "江西示范新材料研究院：材料制备与中试"),
    Column("contributors_person", "完成人", "每行一人：姓名（工作单位）：贡献（括号和贡献可省略）。",
           _("One per line: name (affiliation)：contribution (brackets and contribution optional)."),
           "张三（江西示范新材料研究院）：总体设计\n李四：工艺验证"),
    Column("ip_items", "知识产权", "每行一项：类型：名称：申请号：公开（授权、登记）号，各部分可为空。",
           _("One per line: type：title：application number：publication number; parts may be empty."),
           "发明专利：一种稀土永磁材料晶界扩散方法：CN202110000000.1："),
    Column("source", "来源", "数据来源或署名，选填，不超过200字。",
           _("Source or attribution; optional, at most 200 characters.")),
    Column("registration_number", "登记号", "导出时填写，导入时忽略。", _("Filled by the export, ignored on import."),
           export_only=True),
    Column("organisation", "所属单位", "导出时填写，导入时忽略（导入到所选单位）。",
           _("Filled by the export, ignored on import (records go to the chosen organisation)."), export_only=True),
    Column("status", "状态", "导出时填写，导入时忽略（导入为草稿）。",
           _("Filled by the export, ignored on import (imports are drafts)."),
           export_only=True),
    Column("discipline_category", "学科门类", "导出时填写，导入时由学科确定。",
           _("Filled by the export; on import it follows from the discipline."), export_only=True),
)  # fmt: skip

COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
IMPORT_COLUMNS = tuple(c for c in COLUMNS if not c.export_only)
DATA_COLUMNS = tuple(c for c in COLUMNS if c.key in services.DATA_FIELDS)
# Columns whose empty cell takes the model's default (the form itself requires a value).
DEFAULTED = ("kind", "secrecy", "attribute", "embodiment", "evaluation_level", "trl", "funding_source")


def header_key(text: str) -> str:
    return re.sub(r"[\s*＊]", "", text).casefold()


HEADER_LOOKUP: dict[str, Column] = {
    **{header_key(c.key): c for c in COLUMNS},
    **{header_key(c.header): c for c in COLUMNS},
}
