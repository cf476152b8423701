import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("blog", "0005_alter_blogpage_body")]
    operations = [
        migrations.CreateModel(
            name="StepBasedExercisePage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("steps", models.JSONField(default=list)),
                ("exercise", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="blog.exercisepage")),
            ],
        ),
    ]
