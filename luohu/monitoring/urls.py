from django.urls import path

from luohu.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("counties/", views.counties, name="counties"),
    path("casework/", views.casework_mix, name="mix"),
    path("figures/", views.figures, name="figures"),
    path("targets/", views.targets, name="targets"),
    path("whatif/", views.whatif, name="whatif"),
]
