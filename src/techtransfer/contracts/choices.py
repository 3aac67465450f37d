"""Choices of technology contract registration (技术合同认定登记).

Contract types and subtypes follow 《技术合同认定规则》 and the registration forms of the national
technology-contract registration system; the eleven technical fields are those of the annual
全国技术市场统计年度报告 (Ministry of Science and Technology, 火炬中心), table "按技术领域分":
电子信息, 先进制造, 航空航天, 现代交通, 农业, 新材料及其应用, 新能源与高效节能, 环境保护与资源综合利用,
生物、医药和医疗器械, 核应用, 城市建设与社会发展. (Recalled from the published reports, e.g. the 2021
and 2022 editions; verify against the current edition before relying on the labels.)
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from techtransfer.market.choices import ListingMode


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for registration")
    REGISTERED = "registered", pgettext_lazy("contract status", "Registered")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


class ContractType(models.TextChoices):
    DEVELOPMENT = "development", _("Technology development (技术开发)")
    TRANSFER = "transfer", _("Technology transfer (技术转让)")
    LICENSING = "licensing", _("Technology licensing (技术许可)")
    CONSULTING = "consulting", _("Technical consulting (技术咨询)")
    SERVICE = "service", _("Technical service (技术服务)")


class ContractSubtype(models.TextChoices):
    # 技术开发
    COMMISSIONED = "commissioned", _("Commissioned development (委托开发)")
    COOPERATIVE = "cooperative", _("Cooperative development (合作开发)")
    # 技术转让
    PATENT = "patent", _("Patent right (专利权)")
    PATENT_APPLICATION = "patent_application", _("Patent application right (专利申请权)")
    KNOW_HOW = "know_how", _("Technical secret (技术秘密)")
    SOFTWARE = "software", _("Software copyright (计算机软件著作权)")
    IC_LAYOUT = "ic_layout", _("Integrated circuit layout design (集成电路布图设计)")
    PLANT_VARIETY = "plant_variety", _("New plant variety (植物新品种)")
    BIOMEDICAL_VARIETY = "biomedical_variety", _("New biomedical variety (生物医药新品种)")
    OTHER_TRANSFER = "other_transfer", _("Other (其他)")
    # 技术服务
    GENERAL_SERVICE = "general_service", _("General technical service (一般技术服务)")
    INTERMEDIARY = "intermediary", _("Technical intermediary (技术中介)")
    TRAINING = "training", _("Technical training (技术培训)")


S = ContractSubtype
# Which subtypes belong to which type; types absent here (licensing, consulting) take no subtype.
SUBTYPES: dict[str, tuple[str, ...]] = {
    ContractType.DEVELOPMENT: (S.COMMISSIONED, S.COOPERATIVE),
    ContractType.TRANSFER: (
        S.PATENT, S.PATENT_APPLICATION, S.KNOW_HOW, S.SOFTWARE, S.IC_LAYOUT, S.PLANT_VARIETY,
        S.BIOMEDICAL_VARIETY, S.OTHER_TRANSFER,
    ),
    ContractType.SERVICE: (S.GENERAL_SERVICE, S.INTERMEDIARY, S.TRAINING),
}  # fmt: skip


class TechField(models.TextChoices):
    """The eleven technical fields of the national technology-market statistics (see module docstring)."""

    ELECTRONIC_INFORMATION = "electronic_information", _("Electronic information (电子信息)")
    ADVANCED_MANUFACTURING = "advanced_manufacturing", _("Advanced manufacturing (先进制造)")
    AEROSPACE = "aerospace", _("Aerospace (航空航天)")
    MODERN_TRANSPORT = "modern_transport", _("Modern transport (现代交通)")
    AGRICULTURE = "agriculture", _("Agriculture (农业)")
    NEW_MATERIALS = "new_materials", _("New materials and their applications (新材料及其应用)")
    NEW_ENERGY = "new_energy", _("New energy and energy efficiency (新能源与高效节能)")
    ENVIRONMENT = "environment", _("Environmental protection and resource use (环境保护与资源综合利用)")
    BIOMEDICINE = "biomedicine", _("Biology, medicine and medical devices (生物、医药和医疗器械)")
    NUCLEAR = "nuclear", _("Nuclear applications (核应用)")
    URBAN_SOCIAL = "urban_social", _("Urban construction and social development (城市建设与社会发展)")


class IPType(models.TextChoices):
    """知识产权类型 of the registration form."""

    PATENT = "patent", _("Patent (专利)")
    KNOW_HOW = "know_how", _("Technical secret (技术秘密)")
    SOFTWARE = "software", _("Software copyright (计算机软件著作权)")
    IC_LAYOUT = "ic_layout", _("IC layout design (集成电路布图设计专有权)")
    PLANT_VARIETY = "plant_variety", _("New plant variety (植物新品种)")
    BIOMEDICAL_VARIETY = "biomedical_variety", _("New biomedical variety (生物医药新品种)")
    OTHER = "other", _("Other IP (其他知识产权)")
    NONE = "none", _("No IP involved (未涉及知识产权)")


def ip_type_for(contract_type: str, subtype: str) -> str:
    """The IP type a contract of this type and subtype involves: what a transfer's subtype names (a
    software copyright transfer: software), a patent for a licence, none for development, consulting
    and services (the demo's contracts; the form lets the applicant choose)."""
    by_subtype: dict[str, str] = {
        S.PATENT: IPType.PATENT, S.PATENT_APPLICATION: IPType.PATENT, S.KNOW_HOW: IPType.KNOW_HOW,
        S.SOFTWARE: IPType.SOFTWARE, S.IC_LAYOUT: IPType.IC_LAYOUT, S.PLANT_VARIETY: IPType.PLANT_VARIETY,
        S.BIOMEDICAL_VARIETY: IPType.BIOMEDICAL_VARIETY, S.OTHER_TRANSFER: IPType.OTHER,
    }  # fmt: skip
    if contract_type == ContractType.TRANSFER:
        return str(by_subtype.get(subtype, IPType.PATENT))
    return str(IPType.PATENT if contract_type == ContractType.LICENSING else IPType.NONE)


class PlanCategory(models.TextChoices):
    """计划类别: which funding plan, if any, produced the technology."""

    NATIONAL = "national", _("National programme (国家级计划)")
    PROVINCIAL = "provincial", _("Provincial or ministerial programme (省部级计划)")
    LOCAL = "local", _("City or county programme (地市县级计划)")
    OTHER = "other", _("Other programme (其他计划)")
    NONE = "none", _("Outside any programme (计划外)")


class PartyRole(models.TextChoices):
    SELLER = "seller", _("Seller (卖方)")
    BUYER = "buyer", _("Buyer (买方)")
    INTERMEDIARY = "intermediary", _("Intermediary (中介方)")


class NatureCode(models.TextChoices):
    """主体性质 of a party, as on the registration form."""

    STATE_ORGAN = "state_organ", _("State organ (机关法人)")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution (事业法人)")
    ENTERPRISE = "enterprise", _("Enterprise (企业法人)")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation (社团法人)")
    NATURAL_PERSON = "natural_person", _("Natural person (自然人)")
    OTHER = "other", _("Other organisation (其他组织)")


class AmendmentKind(models.TextChoices):
    AMEND = "amend", _("Amendment (变更)")
    CANCEL = "cancel", _("Cancellation (注销)")


class FlagKind(models.TextChoices):
    SAME_CONTROLLER = "same_controller", _("Same controlling organisation")
    SHARED_REPRESENTATIVE = "shared_representative", _("Shared legal representative")
    CIRCULAR = "circular", _("Circular deal (A → B → A)")


# The recognition conditions (认定条件) a registration official checks; all must hold to register.
RECOGNITION_CHECKLIST: tuple[tuple[str, object], ...] = (
    ("signed", _("The contract is signed and sealed by all parties")),
    ("technical_content", _("The subject is technology (development, transfer, licence, consulting or service)")),
    ("parties", _("The parties are identified and their data are complete")),
    ("amounts", _("The technology transaction amount is correctly separated from non-technical costs")),
    ("ip_ownership", _("Ownership of the intellectual property is clear")),
    ("related_parties", _("Related-party flags, if any, were examined")),
)
CHECKLIST_KEYS: tuple[str, ...] = tuple(k for k, _label in RECOGNITION_CHECKLIST)


# The contract type (and subtype, when the mode implies one) that carries out a market deal made under
# a listing mode; the seller can still change both on the contract form.
_LISTING_MODE_CONTRACT: dict[str, tuple[ContractType, str]] = {
    ListingMode.ASSIGNMENT: (ContractType.TRANSFER, ""),
    ListingMode.EQUITY: (ContractType.TRANSFER, ""),
    ListingMode.EXCLUSIVE_LICENCE: (ContractType.LICENSING, ""),
    ListingMode.SOLE_LICENCE: (ContractType.LICENSING, ""),
    ListingMode.NON_EXCLUSIVE_LICENCE: (ContractType.LICENSING, ""),
    ListingMode.JOINT_DEVELOPMENT: (ContractType.DEVELOPMENT, ContractSubtype.COOPERATIVE.value),
}


def contract_type_for_listing_mode(mode: str) -> tuple[ContractType, str]:
    return _LISTING_MODE_CONTRACT.get(mode, (ContractType.TRANSFER, ""))
