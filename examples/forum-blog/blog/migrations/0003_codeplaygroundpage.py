import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("blog", "0002_exercisepage_learningindexpage")]
    operations = [
        migrations.CreateModel(
            name="CodePlaygroundPage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("language", models.CharField(max_length=30)),
                ("page", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="blog.blogpage")),
            ],
        ),
    ]
