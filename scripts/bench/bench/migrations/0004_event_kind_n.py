# An index on the biggest table.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bench", "0003_tag_slugs")]
    operations = [migrations.AddIndex("event", models.Index(fields=["kind", "n"], name="bench_event_kind_n"))]
