# The benchmark's app: a narrow big table (events), a wide one with text
# (documents), a mid-size one a data migration rewrites (tags), and small ones.
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Document(models.Model):
    author = models.ForeignKey(Author, on_delete=models.PROTECT)
    title = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=20)
    score = models.DecimalField(max_digits=8, decimal_places=2)
    tags = models.JSONField(default=list)
    created = models.DateTimeField(db_index=True)
    summary = models.TextField(null=True, blank=True)


class Event(models.Model):
    kind = models.CharField(max_length=40)
    n = models.IntegerField()
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "n"], name="bench_event_kind_n")]


class Tag(models.Model):
    name = models.CharField(max_length=100)
    slug = models.CharField(max_length=100, null=True, blank=True)


class Flag(models.Model):
    name = models.CharField(max_length=50)
