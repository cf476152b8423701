# A data migration over a mid-size table: fill the slugs that are missing.
from django.db import migrations
from django.db.models.functions import Lower


def fill_slugs(apps, schema_editor):
    Tag = apps.get_model("bench", "Tag")
    Tag.objects.filter(slug__isnull=True).update(slug=Lower("name"))


class Migration(migrations.Migration):
    dependencies = [("bench", "0002_document_summary")]
    operations = [migrations.RunPython(fill_slugs, migrations.RunPython.noop)]
