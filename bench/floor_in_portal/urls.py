"""The floor inside the portal: a bare view that shows a ModelForm and saves one row through it,
behind the portal's whole middleware stack and rendered with its base template."""

from django import forms
from django.shortcuts import redirect, render
from django.urls import path

from enquiries.models import SelfServiceOutcome
from portal.urls import urlpatterns as portal_urlpatterns


class BaselineForm(forms.ModelForm):
    class Meta:
        model = SelfServiceOutcome
        fields = ["service", "answered"]


def baseline(request):
    form = BaselineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("bench_baseline")
    return render(request, "baseline.html", {"form": form})


urlpatterns = [path("bench/baseline/", baseline, name="bench_baseline"), *portal_urlpatterns]
