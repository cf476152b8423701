# Additive: a nullable column on the wide table (metadata only, no rewrite).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bench", "0001_initial")]
    operations = [migrations.AddField("document", "summary", models.TextField(blank=True, null=True))]
