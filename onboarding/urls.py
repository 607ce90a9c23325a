from django.urls import path

from onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("", views.onboarding_list, name="list"),
    path("handoffs/", views.handoffs_offered, name="handoffs"),
    path("start/<int:customer_pk>/", views.onboarding_start, name="start"),
    path("<int:pk>/", views.onboarding_detail, name="detail"),
    path("<int:pk>/cancel/", views.onboarding_cancel, name="cancel"),
    path("steps/<int:pk>/complete/", views.step_complete, name="step_complete"),
    path("steps/<int:pk>/handoff/", views.handoff_offer, name="handoff_offer"),
    path(
        "handoffs/<int:pk>/accept/",
        views.handoff_answer,
        {"answer": "accept"},
        name="handoff_accept",
    ),
    path(
        "handoffs/<int:pk>/decline/",
        views.handoff_answer,
        {"answer": "decline"},
        name="handoff_decline",
    ),
]
