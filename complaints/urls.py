from django.urls import path

from complaints import action_views, approval_views, remedy_views, views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_create, name="create"),
    path("approvals/", approval_views.approval_queue, name="approvals"),
    path("remedies/", remedy_views.remedy_list, name="remedies"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/do/<slug:action>/", action_views.complaint_action, name="action"),
    path("remedies/<int:pk>/decide/", action_views.remedy_decide, name="remedy_decide"),
    path("remedies/<int:pk>/deliver/", action_views.remedy_deliver, name="remedy_deliver"),
    path(
        "handoffs/<int:pk>/accept/",
        action_views.handoff_answer,
        {"answer": "accept"},
        name="handoff_accept",
    ),
    path(
        "handoffs/<int:pk>/decline/",
        action_views.handoff_answer,
        {"answer": "decline"},
        name="handoff_decline",
    ),
]
