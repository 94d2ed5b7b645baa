from django import forms
from django.shortcuts import redirect, render

from floor.models import Row


class RowForm(forms.ModelForm):
    class Meta:
        model = Row
        fields = ["name", "answered"]


def row(request):
    """GET shows the form; POST saves one row and keeps its id in the (database) session."""
    form = RowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session["last_row"] = form.save().pk
        return redirect("row")
    last = request.session.get("last_row")
    return render(request, "floor/form.html", {"form": form, "last": last})
