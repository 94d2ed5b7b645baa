from django.db import models


class Row(models.Model):
    """One row per POST: what a form that saves something writes."""

    name = models.CharField(max_length=100)
    answered = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
