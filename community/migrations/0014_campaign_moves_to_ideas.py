"""The Campaign model moved to the ideas app (ideas 0014, state only, same table): the
community's foreign keys now name `ideas.Campaign`, the old model leaves the community app's
state (no table is dropped), and its content type is renamed so that the permissions
(`community.add_campaign` → `ideas.add_campaign`), the groups and users holding them, and the
admin's history follow."""

import django.db.models.deletion
from django.db import migrations, models


def _rename_content_type(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label=new, model="campaign").exists():
        return  # already made under the new name: keep it, Django made its permissions too
    ContentType.objects.filter(app_label=old, model="campaign").update(app_label=new)


def forwards(apps, schema_editor):
    _rename_content_type(apps, schema_editor, "community", "ideas")


def backwards(apps, schema_editor):
    _rename_content_type(apps, schema_editor, "ideas", "community")


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0013_webhooks"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("ideas", "0014_campaign_moves_to_ideas"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="campaignresults",
                    name="campaign",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="results",
                        serialize=False,
                        to="ideas.campaign",
                    ),
                ),
                migrations.AlterField(
                    model_name="badgeaward",
                    name="campaign",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ideas.campaign",
                    ),
                ),
                migrations.DeleteModel(name="Campaign"),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
