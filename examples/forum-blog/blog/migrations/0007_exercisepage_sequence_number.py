from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("blog", "0006_stepbasedexercisepage")]
    operations = [migrations.AddField(model_name="exercisepage", name="sequence_number", field=models.IntegerField(null=True))]
