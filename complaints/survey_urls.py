"""The public check-in survey, at the root of the site: /survey/<token>/ (SURVEY_PATH)."""

from django.urls import path

from complaints import survey_views

app_name = "survey"

urlpatterns = [
    path("<str:token>/", survey_views.survey_page, name="answer"),
]
