"""The load test's floor (bench/web_journey.py): a bare Django view that shows a ModelForm and
saves one row through it. Routed only when PORTAL_BENCH_BASELINE=1 (never in production)."""

from django import forms
from django.shortcuts import redirect, render
from django.urls import path

from enquiries.models import SelfServiceOutcome


class BaselineForm(forms.ModelForm):
    class Meta:
        model = SelfServiceOutcome
        fields = ["service", "answered"]


def baseline(request):
    form = BaselineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("web:bench_baseline")
    return render(request, "web/bench_baseline.html", {"form": form})


urlpatterns = [path("bench/baseline/", baseline, name="bench_baseline")]
