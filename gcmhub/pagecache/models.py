"""The page cache's one table: a generation counter per scope of content."""

from django.db import models


class Generation(models.Model):
    """How many committed transactions changed the content of `scope` (an app label, e.g.
    "knowledge"). Bumped inside the changing transaction (`generations.bump`), read before each
    cached page is looked up: a page is stored under the generations it was rendered after, so a
    committed change makes every page that shows that scope miss, and a rolled-back one does not."""

    scope = models.CharField(max_length=100, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.scope}: {self.value}"
