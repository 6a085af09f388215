from decimal import Decimal

import factory

from jixiao.accounts.models import User
from jixiao.org.models import FinanceSection, FiscalYear, Region, Unit, UnitKind

PASSWORD = "Test-Passw0rd!"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"{430200 + n + 1:06d}")
    name = factory.Sequence(lambda n: f"测试区{n}")


class FiscalYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FiscalYear

    region = factory.SubFactory(RegionFactory)
    year = 2026


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinanceSection

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"业务{n}股")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"{100 + n}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.ADMINISTRATIVE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = "office"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "budget.Project"

    region = factory.SelfAttribute("unit.region")
    code = factory.Sequence(lambda n: f"43021220260{n:06d}")
    name = factory.Sequence(lambda n: f"测试项目{n}")
    start_year = 2026
    end_year = 2026
    initial_budget = Decimal("1000000.00")
    adjusted_budget = Decimal("1000000.00")
    fund_general_public = Decimal("1000000.00")
