"""Comments written before Comment.by_staff existed get their author's roles of today (or of
their last day, for staff who left): the best that is known of the past. One UPDATE in its own
transaction, outside the lock of the column's creation (on PostgreSQL it uses the author index)."""

from django.conf import settings
from django.db import migrations
from django.db.models import Q


def mark_staff_comments(apps, schema_editor):  # type: ignore[no-untyped-def]
    Comment = apps.get_model("community", "Comment")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    answers = Permission.objects.filter(
        content_type__app_label="ideas", codename="change_idea_status"
    )
    staff = User.objects.filter(
        Q(is_superuser=True) | Q(groups__permissions__in=answers) | Q(user_permissions__in=answers)
    ).values("pk")
    Comment.objects.filter(author__in=staff, by_staff=False).update(by_staff=True)


class Migration(migrations.Migration):
    atomic = False  # the UPDATE commits on its own

    dependencies = [
        ("community", "0018_comment_by_staff"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(mark_staff_comments, migrations.RunPython.noop, elidable=True),
    ]
