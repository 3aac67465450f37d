import factory

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.models import Achievement
from techtransfer.core.tests.factories import OrganisationFactory, UserFactory


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement

    name = factory.Sequence(lambda n: f"一种稀土永磁材料的制备方法{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    region_id = factory.LazyAttribute(lambda a: a.organisation.region_id)
    created_by = factory.SubFactory(UserFactory)
    abstract = "本发明公开了一种稀土永磁材料的制备方法，提高了矫顽力。"
    keywords = ["稀土", "永磁"]
    status = AchievementStatus.DRAFT


def valid_form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "applied",
        "name": "一种锂电池正极材料的制备方法",
        "abstract": "本成果提出一种高镍三元正极材料的共沉淀制备工艺，循环寿命提高30%。",
        "keywords": "锂电池；正极材料；共沉淀",
        "secrecy": "public",
        "attribute": "original",
        "embodiment": "process",
        "evaluation_level": "not_evaluated",
        "trl": "6",
        "stage": "",
        "discipline": "材料科学与工程",
        "plan_industry": "new_energy",
        "emerging_industry": "6",
        "sector_code": "C3841",
        "funding_source": "provincial",
        "funding_programme": "江西省重点研发计划",
        "funding_project_number": "20232BBE50001",
        "transfer_modes": ["licence", "equity"],
        "price": "120.00",
        "research_start": "2021-03",
        "research_end": "2023-12",
        "contact_name": "王工",
        "contact_phone": "0791-88888888",
        "contact_email": "wang@example.org",
    }
    data.update(overrides)
    return data
