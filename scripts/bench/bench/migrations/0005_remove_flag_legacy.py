# A RemoveField on a small table (the benchmark allows this loss).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("bench", "0004_event_kind_n")]
    operations = [migrations.RemoveField("flag", "legacy")]
