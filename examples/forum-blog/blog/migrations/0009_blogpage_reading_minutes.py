# Release 1: a harmless additive change.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("blog", "0008_remove_blogpage_legacy_html")]
    operations = [migrations.AddField(model_name="blogpage", name="reading_minutes", field=models.IntegerField(default=0))]
