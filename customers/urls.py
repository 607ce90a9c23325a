from django.urls import path

from customers import contact_views, mail_views, views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/archive/", views.customer_archive, name="archive"),
    path("<int:pk>/restore/", views.customer_restore, name="restore"),
    path("<int:pk>/log/", views.log_interaction, name="log"),
    path("<int:pk>/followups/new/", views.follow_up_create, name="follow_up_create"),
    path("mail/<int:pk>/", mail_views.mail_detail, name="mail"),
    path("mail/attachments/<int:pk>/", mail_views.attachment_download, name="mail_attachment"),
    path("<int:pk>/contacts/new/", contact_views.contact_create, name="contact_create"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/edit/",
        contact_views.contact_edit,
        name="contact_edit",
    ),
    path(
        "<int:pk>/contacts/<int:contact_pk>/remove/",
        contact_views.contact_remove,
        name="contact_remove",
    ),
]
