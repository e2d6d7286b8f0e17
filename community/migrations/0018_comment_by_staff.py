"""Comment.by_staff: whether the author answered officially when they wrote it. Until now the
"needs an answer" queue read today's roles, so promoting a member turned their old comments into
staff answers. Existing rows get today's roles, the best that is known of the past."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q


def mark_staff_comments(apps, schema_editor):  # type: ignore[no-untyped-def]
    Comment = apps.get_model("community", "Comment")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    answers = Permission.objects.filter(
        content_type__app_label="ideas", codename="change_idea_status"
    )
    staff = User.objects.filter(
        Q(is_superuser=True) | Q(groups__permissions__in=answers) | Q(user_permissions__in=answers),
        is_active=True,
    ).values("pk")
    Comment.objects.filter(author__in=staff).update(by_staff=True)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0017_follow_idea_users"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="by_staff",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.RunPython(mark_staff_comments, migrations.RunPython.noop, elidable=True),
    ]
