from typing import cast

import factory
from django.contrib.auth.models import Group, Permission

from accounts import roles
from accounts.mfa import mfa_enrol, user_needs_mfa
from accounts.models import User
from community.models import Comment
from ideas.models import Category, Idea
from ideas.rendering import render_markdown


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create:
            self.groups.add(Group.objects.get(name=extracted or roles.MEMBER))

    @factory.post_generation
    def mfa(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Staff are enrolled in two-factor authentication, as they must be to reach staff pages;
        `mfa=False` makes one who has not done it yet."""
        if create and extracted is not False and user_needs_mfa(self):
            mfa_enrol(self)


def complaints_team_member(**fields: object) -> User:
    """Staff through a group an administrator built in the Django admin ("complaints team",
    given `moderate_content`), not one of the five roles."""
    team, _ = Group.objects.get_or_create(name="complaints team")
    team.permissions.add(Permission.objects.get(codename="moderate_content"))
    member = cast(User, UserFactory(mfa=False, **fields))
    member.groups.add(team)
    return member


def given_a_staff_permission(**fields: object) -> User:
    """Staff through a permission given to the account directly (`manage_themes`)."""
    member = cast(User, UserFactory(mfa=False, **fields))
    member.user_permissions.add(Permission.objects.get(codename="manage_themes"))
    return member


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    name_fr = factory.Sequence(lambda n: f"Catégorie {n}")


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    title = factory.Sequence(lambda n: f"Idea number {n}")
    body = "Let me **freeze** my card from the app."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))
    author = factory.SubFactory(UserFactory)
    category = factory.SubFactory(CategoryFactory)
    language = "en"


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    idea = factory.SubFactory(IdeaFactory)
    author = factory.SubFactory(UserFactory)
    body = "Yes please, I would use it every day."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))
    by_staff = factory.LazyAttribute(lambda o: roles.user_answers_officially(o.author))
