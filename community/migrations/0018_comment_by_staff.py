"""Comment.by_staff: whether the author answered officially when they wrote it. Until now the
"needs an answer" queue read today's roles, so promoting a member turned their old comments into
staff answers. Adding the column with its default changes only PostgreSQL's catalogue; the rows
are marked by the next migration, outside this one's lock."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("community", "0017_follow_idea_users")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="by_staff",
            field=models.BooleanField(db_default=False, default=False),
        ),
    ]
