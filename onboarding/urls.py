from django.urls import path
from django.views.generic import TemplateView

app_name = "onboarding"

urlpatterns = [
    path("", TemplateView.as_view(template_name="onboarding/onboarding_list.html"), name="list"),
]
