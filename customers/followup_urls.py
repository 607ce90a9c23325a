from django.urls import path
from django.views.generic import TemplateView

app_name = "followups"

urlpatterns = [
    path("", TemplateView.as_view(template_name="customers/followup_list.html"), name="list"),
]
