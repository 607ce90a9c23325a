from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from crm import views

crm_patterns = [
    path("", views.my_day, name="my_day"),
    path("search/", views.search, name="search"),
    path("reports/", views.reports, name="reports"),
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
    path("customers/", include("customers.urls")),
    path("followups/", include("customers.followup_urls")),
    path("complaints/", include("complaints.urls")),
    path("onboarding/", include("onboarding.urls")),
    path("admin/", admin.site.urls),
]
