from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from crm import report_views, views
from customers import mail_webhook

crm_patterns = [
    path("", views.my_day, name="my_day"),
    path("search/", views.search, name="search"),
    path("reports/", report_views.reports, name="reports"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/open/", views.notice_open, name="notice_open"),
    path("notices/read/", views.notices_mark_all_read, name="notices_mark_all_read"),
]

urlpatterns = [
    path("", include((crm_patterns, "crm"))),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset by email. Public by necessity: marked here, where the public pages of the
    # URL conf can be read (Django marks its own views too; tests/crm/test_access.py checks).
    # The templates have names of their own: the admin app, listed before crm, ships templates
    # under Django's default names that would otherwise be found first.
    path("accounts/password-reset/", views.password_reset, name="password_reset"),
    path(
        "accounts/password-reset/done/",
        login_not_required(
            auth_views.PasswordResetDoneView.as_view(template_name="registration/reset_done.html")
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        login_not_required(
            views.PasswordResetConfirmView.as_view(template_name="registration/reset_confirm.html")
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        login_not_required(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="registration/reset_complete.html"
            )
        ),
        name="password_reset_complete",
    ),
    path("customers/", include("customers.urls")),
    path("followups/", include("customers.followup_urls")),
    path("complaints/", include("complaints.urls")),
    path("onboarding/", include("onboarding.urls")),
    # Public pages for customers, reached by the signed links Tend emails them.
    path("survey/", include("complaints.survey_urls")),
    # Customers' email, posted by the mail provider's inbound route (customers/mail_webhook.py):
    # Mailgun posts the parsed message, or the raw MIME to a URL ending in "mime".
    path("anymail/mailgun/inbound/", mail_webhook.mailgun_inbound, name="mailgun_inbound"),
    path(
        "anymail/mailgun/inbound_mime/",
        mail_webhook.mailgun_inbound,
        name="mailgun_inbound_mime",
    ),
    path("admin/", admin.site.urls),
]
