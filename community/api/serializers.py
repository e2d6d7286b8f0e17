"""What the API shows and accepts. Output shows what the site's pages show this caller (the
querysets come from the same selectors); input is checked here for shape, then by the services
for the site's rules."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from community.models import Comment
from community.models.comments import COMMENT_MAX_LENGTH
from ideas.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Campaign, Category, Language, Status
from ideas.selectors import SORTS


class Input(serializers.Serializer):
    """A request body. A field the endpoint does not take is a 400 naming it rather than
    ignored: a client that PATCHes an idea's "status" must not believe the status changed."""

    # What a browser's form adds; a body read from a form may carry it.
    IGNORED = frozenset({"csrfmiddlewaretoken"})

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields) - self.IGNORED)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This endpoint does not take this field."] for name in unknown}
                )
        return super().to_internal_value(data)


class PersonSerializer(serializers.Serializer):
    """A person as shown beside their posts: name, organisation, staff badge, and their profile
    page only when it is public (else null)."""

    name = serializers.SerializerMethodField()
    organisation = serializers.CharField()
    staff = serializers.SerializerMethodField()
    profile = serializers.SerializerMethodField()

    def get_name(self, person: User) -> str:
        return str(person)

    def get_staff(self, person: User) -> bool:
        # Prefetched by the selectors (roles.staff_role_of): no query per row.
        return person.holds_staff_role

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_profile(self, person: User) -> str | None:
        if not person.profile_public or person.is_erased:
            return None
        return reverse("members:detail", kwargs={"pk": person.pk})


class CategorySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()
    premoderated = serializers.BooleanField()
    idea_count = serializers.IntegerField(required=False)
    open_count = serializers.IntegerField(required=False)


class CategoryRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class IdeaSerializer(serializers.Serializer):
    """An idea as the list cards show it. `visibility` is "public", or "pending" / "hidden" for
    the ideas only their author and moderators see."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")
    category = CategoryRefSerializer()
    status = serializers.ChoiceField(choices=Status.choices)
    language = serializers.ChoiceField(choices=Language.choices)
    author = PersonSerializer()
    vote_count = serializers.IntegerField()
    comment_count = serializers.IntegerField()
    voted = serializers.BooleanField(source="viewer_voted")
    visibility = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    snippet = serializers.CharField(
        required=False, help_text="With `q`: the matching words in <mark>, as HTML."
    )

    @extend_schema_field(serializers.ChoiceField(choices=["public", "pending", "hidden"]))
    def get_visibility(self, idea: Any) -> str:
        if idea.is_hidden:
            return "hidden"
        return "pending" if idea.is_pending else "public"


class StatusChangeSerializer(serializers.Serializer):
    from_status = serializers.ChoiceField(choices=Status.choices)
    to_status = serializers.ChoiceField(choices=Status.choices)
    response = serializers.CharField()
    response_html = serializers.CharField()
    by = PersonSerializer(source="changed_by")
    created_at = serializers.DateTimeField()


class StatusChangeCreateSerializer(Input):
    to_status = serializers.ChoiceField(choices=Status.choices)
    response = serializers.CharField(
        max_length=BODY_MAX_LENGTH, help_text="The official response, in Markdown (public)."
    )


class IdeaDetailSerializer(IdeaSerializer):
    body = serializers.CharField()
    body_html = serializers.CharField()
    campaign = serializers.CharField(source="campaign.slug", allow_null=True)
    can_edit = serializers.BooleanField()
    official_responses = StatusChangeSerializer(many=True)


class BySlug(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """A row named by its slug; a value no slug can be (a NUL byte, which PostgreSQL refuses in
    a query) is a 400 naming the field, not a server error."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class IdeaListQuerySerializer(serializers.Serializer):
    """The list's filters, as on the site; here a wrong value is a 400 naming it."""

    sort = serializers.ChoiceField(choices=SORTS, required=False)
    category = BySlug(slug_field="slug", queryset=Category.objects.all(), required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    q = serializers.CharField(max_length=100, required=False, allow_blank=True)
    campaign = BySlug(slug_field="slug", queryset=Campaign.objects.all(), required=False)


class IdeaWriteSerializer(Input):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    body = serializers.CharField(max_length=BODY_MAX_LENGTH)
    category = BySlug(slug_field="slug", queryset=Category.objects.all())
    language = serializers.ChoiceField(choices=Language.choices)


class IdeaCreateSerializer(IdeaWriteSerializer):
    campaign = serializers.SlugField(
        required=False, help_text="The slug of an open campaign to submit the idea into."
    )


class VoteSerializer(serializers.Serializer):
    voted = serializers.BooleanField()
    vote_count = serializers.IntegerField()


def _text_hidden(comment: Comment) -> bool:
    """Removed, or held for a moderator and listed only for the replies under it
    (community.comments.selectors.comments_for_idea)."""
    return comment.is_removed or getattr(comment, "held", False)


class ReplySerializer(serializers.Serializer):
    """A comment; a removed one, or one held for a moderator above visible replies, keeps its
    place in the thread without its text or author."""

    id = serializers.IntegerField()
    author = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    removed = serializers.BooleanField(source="is_removed")
    pending = serializers.BooleanField(source="is_pending")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_author(self, comment: Comment) -> dict[str, Any] | None:
        return None if _text_hidden(comment) else PersonSerializer(comment.author).data

    def get_body(self, comment: Comment) -> str:
        return "" if _text_hidden(comment) else comment.body

    def get_body_html(self, comment: Comment) -> str:
        return "" if _text_hidden(comment) else comment.body_html


class CommentSerializer(ReplySerializer):
    replies = ReplySerializer(many=True, source="replies.all")


class CommentCreateSerializer(Input):
    body = serializers.CharField(max_length=COMMENT_MAX_LENGTH)
    # Declared fields leave the class attributes (DRF's metaclass): no clash with Field.parent.
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, min_value=1, help_text="The id of the comment this one answers."
    )


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    organisation = serializers.CharField()
    profile_public = serializers.BooleanField()
    roles = serializers.ListField(child=serializers.CharField())
    permissions = serializers.ListField(child=serializers.CharField())
    can_participate = serializers.BooleanField()
    suspended_until = serializers.DateTimeField(allow_null=True)
    token_scope = serializers.ChoiceField(
        choices=["read", "write"], allow_null=True, help_text="null when signed in by session."
    )
    service_account = serializers.BooleanField(help_text="A system's account, not a person's.")


def page_of(item: type[serializers.Serializer], *, numbered: bool) -> serializers.Serializer:
    """The schema of one page of `item`s: `count`, `next`, `previous` and `results` (numbered
    pages, community.api.pagination.PageNumberPagination) or `next`, `previous` and `results`
    (keyset cursors, KeysetPagination)."""
    fields: dict[str, serializers.Field] = {
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    }
    if numbered:
        fields = {"count": serializers.IntegerField(), **fields}
    name = item.__name__.removesuffix("Serializer")
    return type(f"{name}Page", (serializers.Serializer,), fields)()  # type: ignore[return-value]


class TrendSerializer(serializers.Serializer):
    recent = serializers.FloatField(help_text="Ideas and votes a day, last days.")
    expected = serializers.FloatField(help_text="The same a day, the weeks before.")
    ratio = serializers.FloatField()
    z = serializers.FloatField()
    trending = serializers.BooleanField(source="is_trending")
    direction = serializers.ChoiceField(choices=["up", "down", "flat"])


class IdeaRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")
    vote_count = serializers.IntegerField()


class ThemeSerializer(serializers.Serializer):
    """A theme of the published clustering run, with its figures (ideas/themes/)."""

    id = serializers.IntegerField(source="theme.pk")
    name = serializers.CharField(source="theme.display_name")
    terms = serializers.ListField(child=serializers.CharField(), source="theme.terms")
    status = serializers.CharField(source="theme.status")
    note = serializers.CharField(source="theme.note")
    size = serializers.IntegerField(help_text="Public ideas in the theme.")
    votes = serializers.IntegerField()
    daily = serializers.ListField(
        child=serializers.IntegerField(), help_text="Activity per day, oldest first, today last."
    )
    trend = TrendSerializer()
    top_ideas = IdeaRefSerializer(many=True)
    signal_count = serializers.IntegerField(
        source="theme.signal_count", help_text="Outside signals in the theme (ideas.outside)."
    )
    signal_sources = serializers.DictField(
        child=serializers.IntegerField(), source="theme.signal_sources", help_text="Per source."
    )


class ThemeListQuerySerializer(serializers.Serializer):
    sort = serializers.ChoiceField(choices=["trend", "size", "votes"], required=False)
    category = BySlug(slug_field="slug", queryset=Category.objects.all(), required=False)
