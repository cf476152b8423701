# An index on the biggest table, built the way a careful team does: concurrently,
# outside a transaction, so writes go on while it builds.
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("bench", "0003_tag_slugs")]
    operations = [AddIndexConcurrently("event", models.Index(fields=["kind", "n"], name="bench_event_kind_n"))]
