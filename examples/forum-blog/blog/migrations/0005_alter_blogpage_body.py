from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("blog", "0004_courseenrollment")]
    operations = [migrations.AlterField(model_name="blogpage", name="body", field=models.TextField(blank=True))]
