"""The Campaign model moves from the community app to ideas (issue #13: ideas must not import
community, and Idea.campaign points at it). State only: the table keeps its name
(`community_campaign`, Meta.db_table), its rows, indexes, constraint and the foreign keys that
point at it, so nothing is copied or rebuilt. community 0014 then drops the old model from the
community app's state and moves the content type (and with it the permissions)."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0013_signals"),
        # The community app's Campaign, still there in the state until community 0014.
        ("community", "0013_webhooks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Campaign",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=140, verbose_name="title")),
                        ("slug", models.SlugField(unique=True)),
                        (
                            "description",
                            models.TextField(
                                max_length=5000,
                                validators=[django.core.validators.MaxLengthValidator(5000)],
                                verbose_name="description",
                            ),
                        ),
                        ("description_html", models.TextField(default="", editable=False)),
                        (
                            "banner",
                            models.ImageField(
                                blank=True, upload_to="campaigns/", verbose_name="banner image"
                            ),
                        ),
                        ("starts_at", models.DateTimeField(verbose_name="starts")),
                        ("ends_at", models.DateTimeField(verbose_name="ends")),
                        (
                            "partners_only",
                            models.BooleanField(default=False, verbose_name="partners only"),
                        ),
                        (
                            "premoderated",
                            models.BooleanField(
                                default=False,
                                help_text="Ideas submitted to this campaign wait for a moderator before they are public.",
                                verbose_name="pre-moderated",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("results_awarded_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "category",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="campaigns",
                                to="ideas.category",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "community_campaign", "ordering": ["-starts_at"]},
                ),
                migrations.AddConstraint(
                    model_name="campaign",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                        name="campaign_ends_after_start",
                    ),
                ),
                migrations.AlterField(
                    model_name="idea",
                    name="campaign",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="ideas",
                        to="ideas.campaign",
                        verbose_name="campaign",
                    ),
                ),
                migrations.AlterField(
                    model_name="maskedoriginal",
                    name="campaign",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ideas.campaign",
                    ),
                ),
            ],
        )
    ]
