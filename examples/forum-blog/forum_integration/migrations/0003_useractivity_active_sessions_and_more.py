from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("forum_integration", "0002_readingprogress_trustlevel_useractivity")]
    operations = [
        migrations.AddField(model_name="useractivity", name="active_sessions", field=models.IntegerField(default=0)),
    ]
