from django.urls import path

from customers import followup_views as views

app_name = "followups"

urlpatterns = [
    path("", views.follow_up_list, name="list"),
    path("<int:pk>/", views.follow_up_detail, name="detail"),
    path("<int:pk>/complete/", views.follow_up_complete, name="complete"),
    path("<int:pk>/outcome/", views.follow_up_outcome, name="outcome"),
    path("<int:pk>/reopen/", views.follow_up_reopen, name="reopen"),
    path("<int:pk>/reschedule/", views.follow_up_reschedule, name="reschedule"),
    path("<int:pk>/reassign/", views.follow_up_reassign, name="reassign"),
]
