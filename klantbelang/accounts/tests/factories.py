import factory

from klantbelang.accounts.models import ApiToken, Membership, Team, User
from klantbelang.core.tests.factories import FirmFactory

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.nl")
    full_name = factory.Faker("name", locale="nl_NL")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    firm = factory.SubFactory(FirmFactory)
    role = "adviser"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    firm = factory.SubFactory(FirmFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


def member(firm, *roles, **user_fields) -> User:
    """A user in ``firm`` holding ``roles``."""
    user = UserFactory(**user_fields)
    for role in roles:
        MembershipFactory(user=user, firm=firm, role=role)
    return User.objects.get(pk=user.pk)


__all__ = ["PASSWORD", "ApiToken", "MembershipFactory", "TeamFactory", "UserFactory", "member"]
