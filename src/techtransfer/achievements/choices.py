"""Classifications of the national 科技成果登记表 and of the plan, as TextChoices.

The 67 disciplines (学科) are those of the CSL dataset, shipped in data/discipline_to_category.tsv.
"""

import csv
import functools
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

from techtransfer.search.classifier import category_name, discipline_name

DATA = Path(__file__).resolve().parent / "data"


class AchievementKind(models.TextChoices):
    """The three kinds of the registration form; the value's digit is the type digit of the number."""

    APPLIED = "applied", _("Applied technology")
    BASIC = "basic", _("Basic theory")
    SOFT = "soft", _("Soft science")


KIND_DIGIT = {AchievementKind.APPLIED: "1", AchievementKind.BASIC: "2", AchievementKind.SOFT: "3"}


class AchievementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_CONFIRMATION = "pending_confirmation", _("Waiting for the organisation to confirm")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class SecrecyLevel(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal only")


# Values a form or import may send that the platform must refuse (classified results are not registered here).
CLASSIFIED_LEVELS = frozenset({"secret", "confidential", "top_secret", "秘密", "机密", "绝密"})


class InnovationAttribute(models.TextChoices):
    ORIGINAL = "original", _("Original innovation")
    ABSORBED = "absorbed", _("Re-innovation after introduction and absorption")
    SECONDARY = "secondary", _("Secondary development of domestic technology")


class EmbodimentForm(models.TextChoices):
    NEW_TECHNOLOGY = "technology", _("New technology")
    NEW_PROCESS = "process", _("New process")
    NEW_PRODUCT = "product", _("New product")
    NEW_MATERIAL = "material", _("New material")
    NEW_DEVICE = "device", _("New device")
    NEW_VARIETY = "variety", _("New variety")
    SOFTWARE = "software", _("Computer software")
    PAPER = "paper", _("Paper or monograph")
    REPORT = "report", _("Research report")
    STANDARD = "standard", _("Standard")
    OTHER = "other", _("Other")


class EvaluationLevel(models.TextChoices):
    INTERNATIONAL_LEADING = "intl_leading", _("International leading")
    INTERNATIONAL_ADVANCED = "intl_advanced", _("International advanced")
    DOMESTIC_LEADING = "dom_leading", _("Domestic leading")
    DOMESTIC_ADVANCED = "dom_advanced", _("Domestic advanced")
    NOT_EVALUATED = "not_evaluated", _("Not evaluated")


class Stage(models.TextChoices):
    EARLY = "early", _("Early stage")
    MIDDLE = "middle", _("Middle stage")
    MATURE = "mature", _("Mature")


def stage_for_trl(trl: int) -> str:
    """Default mapping (GB/T 22900-2009 Appendix A): 初期 ≈ TRL 1–4, 中期 ≈ 5–6, 成熟 ≈ 7–9."""
    if trl <= 4:
        return Stage.EARLY
    if trl <= 6:
        return Stage.MIDDLE
    return Stage.MATURE


TRL_RANGE = {Stage.EARLY: (1, 4), Stage.MIDDLE: (5, 6), Stage.MATURE: (7, 9)}


class PlanIndustry(models.TextChoices):
    """The seven industries the action plan names."""

    AVIATION = "aviation", _("Aviation manufacturing")
    SSL = "ssl", _("Semiconductor lighting")
    BIOMED = "biomed", _("Biology and new medicine")
    NGIT = "ngit", _("New-generation information technology")
    NEW_MATERIALS = "new_materials", _("New materials")
    NEW_ENERGY = "new_energy", _("New energy")
    GREEN = "green", _("Energy saving and environmental protection")


class EmergingIndustry(models.TextChoices):
    """战略性新兴产业分类(2018), its nine areas."""

    NGIT = "1", _("New-generation information technology industry")
    EQUIPMENT = "2", _("High-end equipment manufacturing industry")
    MATERIALS = "3", _("New materials industry")
    BIO = "4", _("Biology industry")
    NEV = "5", _("New-energy vehicle industry")
    ENERGY = "6", _("New energy industry")
    GREEN = "7", _("Energy saving and environmental protection industry")
    DIGITAL_CREATIVE = "8", _("Digital creative industry")
    SERVICES = "9", _("Related services industry")


# GB/T 4754-2017 sections (门类). A sector code is a section letter optionally followed by the
# 2-digit division, 3-digit group or 4-digit class code.
GBT4754_SECTIONS = {
    "A": "农、林、牧、渔业", "B": "采矿业", "C": "制造业", "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业", "F": "批发和零售业", "G": "交通运输、仓储和邮政业", "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业", "J": "金融业", "K": "房地产业", "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业", "N": "水利、环境和公共设施管理业", "O": "居民服务、修理和其他服务业",
    "P": "教育", "Q": "卫生和社会工作", "R": "文化、体育和娱乐业", "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}  # fmt: skip


class TransferMode(models.TextChoices):
    ASSIGNMENT = "assignment", _("Assignment (转让)")
    LICENCE = "licence", _("Licence (许可)")
    EQUITY = "equity", _("Equity investment (作价入股)")
    JOINT_DEVELOPMENT = "joint_development", _("Cooperative development (合作开发)")
    SERVICE = "service", _("Technical service (技术服务)")
    OTHER = "other", _("Other")


class IPKind(models.TextChoices):
    INVENTION_PATENT = "invention_patent", _("Invention patent")
    UTILITY_MODEL = "utility_model", _("Utility model patent")
    DESIGN_PATENT = "design_patent", _("Design patent")
    SOFTWARE_COPYRIGHT = "software_copyright", _("Software copyright")
    STANDARD = "standard", _("Standard")
    PLANT_VARIETY = "plant_variety", _("Plant variety")
    OTHER = "other", _("Other")


# Chinese names people type for IP types, whatever the interface language.
IP_KIND_ALIASES = {
    "发明专利": IPKind.INVENTION_PATENT, "实用新型": IPKind.UTILITY_MODEL, "实用新型专利": IPKind.UTILITY_MODEL,
    "外观设计": IPKind.DESIGN_PATENT, "外观设计专利": IPKind.DESIGN_PATENT, "软件著作权": IPKind.SOFTWARE_COPYRIGHT,
    "计算机软件著作权": IPKind.SOFTWARE_COPYRIGHT, "标准": IPKind.STANDARD, "植物新品种": IPKind.PLANT_VARIETY,
    "其他": IPKind.OTHER,
}  # fmt: skip


class FundingSource(models.TextChoices):
    NATIONAL = "national", _("National programme")
    PROVINCIAL = "provincial", _("Provincial programme")
    MUNICIPAL = "municipal", _("Municipal or county programme")
    ENTERPRISE = "enterprise", _("Enterprise funds")
    OWN = "own", _("Own funds of the organisation")
    INTERNATIONAL = "international", _("International cooperation")
    OTHER = "other", _("Other")
    NONE = "none", _("No funding")


@functools.cache
def disciplines() -> dict[str, str]:
    """The 67 disciplines (学科) → their category (门类)."""
    with open(DATA / "discipline_to_category.tsv", encoding="utf-8") as f:
        return {row["discipline"]: row["category"] for row in csv.DictReader(f, delimiter="\t")}


def discipline_choices() -> list[tuple[str, str]]:
    """(value, label) of every discipline: the value is its Chinese name; the label is the English name
    in English (as the search facets and the suggestions show it), the Chinese name otherwise.
    Called for each form, in the request's language."""
    choices = [(d, discipline_name(d) or d) for d in disciplines()]
    # In English, in the order of the names shown; in Chinese, the table's order.
    return sorted(choices, key=lambda c: c[1].lower()) if any(label != d for d, label in choices) else choices


# The 13 categories (学科门类) in the order of their codes (01 哲学 … 13 艺术学, GB/T 13745 and the
# Ministry of Education's catalogue), as Chinese readers know them.
CATEGORY_ORDER = (
    "哲学",
    "经济学",
    "法学",
    "教育学",
    "文学",
    "历史学",
    "理学",
    "工学",
    "农学",
    "医学",
    "军事学",
    "管理学",
    "艺术学",
)


def discipline_choice_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """`discipline_choices` under their categories (门类: 理学, 工学, …), for a select's <optgroup>s:
    67 names in one list are hard to scan. Categories in the order of their codes."""
    category = disciplines()
    groups: dict[str, list[tuple[str, str]]] = {}
    for value, label in discipline_choices():
        groups.setdefault(category[value], []).append((value, label))
    rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    ordered = sorted(groups, key=lambda c: (rank.get(c, len(rank)), c))
    return [(category_name(c), groups[c]) for c in ordered]
