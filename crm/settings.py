"""Tend's settings: one module, driven by environment variables (see .env.example).

A file named .env beside manage.py (or the file TEND_ENV_FILE names) fills in the variables the
environment leaves unset; the environment always wins over it.

The defaults are the embedded mode: SQLite and a Celery broker that needs no server, both under
``var/``, email printed to the console. Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS
and, to scale out, DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis).
"""

import os
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from crm.env import (
    env_bool,
    env_broker_url,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_origins,
    env_phone_region,
    env_str,
    env_time_zone,
    load_env_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# Before any variable is read; into os.environ, so the processes Tend starts (a test's Celery
# worker) and the test configuration (TEND_REQUIRE_BROWSER) see the same values.
load_env_file(Path(env_str("TEND_ENV_FILE", str(BASE_DIR / ".env"))))
VAR_DIR = Path(env_str("TEND_VAR_DIR", str(BASE_DIR / "var")))
STATIC_ROOT = VAR_DIR / "static"
# The embedded database, the broker and collected static files live here; creating the folders
# now spares every entry point (web, worker, tests) the step.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-tend-embedded-development-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "import_export",
    "anymail",
    "crm",
    "customers",
    "complaints",
    "onboarding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages gzipped for clients that accept it (the phone form: 14 KB down to about 2.4 KB).
    # Below WhiteNoise, which answers static files itself, already compressed; above everything
    # else, so that it compresses the body the rest have finished with. Django pads the
    # compressed length with random bytes, against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # NUL characters removed from GET and POST before any view (see crm/middleware.py).
    "crm.middleware.StripNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a signed-in person unless its view says otherwise (login, /healthz), so a
    # new view can never be public by a forgotten decorator.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Django's CSP middleware, report-only on the few third-party admin pages that need inline
    # code (see crm/middleware.py).
    "crm.middleware.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The admin's changelist search cleaned like every other search box (crm/middleware.py).
    "crm.middleware.CleanAdminSearchMiddleware",
    # Axes must come last: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The unread notices badge in the navigation: one count, only where shown.
                "crm.inbox.unread_notice_count",
            ],
        },
    },
    # The rows lists repeat, drawn several times faster (crm/jinja.py): each app's jinja2/.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "crm.jinja.environment"},
    },
]

# Widgets through Jinja2, which Django ships their templates for (crm/form_renderer.py).
FORM_RENDERER = "crm.form_renderer.JinjaWidgets"

DATABASES = {
    "default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tend.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not pytest-django's in-memory default: the worker process started by the tests
    # must see the same database as the test itself. Each test run adds a suffix of its own
    # (tests/conftest.py), as it does to PostgreSQL's test_<name>.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-tend.sqlite3")}
    # A covering index's INCLUDE columns are PostgreSQL's help to its planner; SQLite builds the
    # index without them, which is all the embedded mode needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: Tend's queries are short OLTP ones (a page of rows through an index),
    # and a plan whose estimated cost crosses jit_above_cost pays tens to thousands of
    # milliseconds of compilation that a query running a few milliseconds never earns back.
    # Appended to any options the URL gave; a URL that sets jit itself keeps its choice.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if "jit" not in _options.get("options", ""):
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with permissions read in one query (crm/permissions_backend.py).
    "crm.permissions_backend.PermissionsInOneQueryBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "crm:my_day"
LOGOUT_REDIRECT_URL = "login"

# Failed logins, counted by django-axes in the database (so every web process sees them). Five
# wrong passwords for one username from one address lock that pair out; twenty failures from one
# address across any usernames lock the address out, so guessing one password on many accounts
# is stopped too, while an office behind one NAT survives its colleagues' typos. Axes compares
# one limit with the largest count over the parameter sets; crm/lockout.py picks that limit.
AXES_USERNAME_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 20, minimum=1)
if AXES_IP_FAILURE_LIMIT < AXES_USERNAME_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        f"AXES_IP_FAILURE_LIMIT ({AXES_IP_FAILURE_LIMIT}) must be at least AXES_FAILURE_LIMIT "
        f"({AXES_USERNAME_FAILURE_LIMIT}): an address is shared by the usernames tried from it."
    )
AXES_FAILURE_LIMIT = "crm.lockout.failure_limit"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"]]
AXES_HANDLER = "crm.lockout.AxesHandler"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "crm.views.locked_out"

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en-us")
# Where phone numbers written without a country code are from (ISO 3166 code, e.g. GB, DE).
PHONE_REGION = env_phone_region("PHONE_REGION", "US")
TIME_ZONE = env_time_zone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Without collectstatic (the embedded mode, DEBUG on) whitenoise serves from the app folders.
WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# CSV import and export in the admin (django-import-export). A file is imported whole or not at
# all (customers/resources.py); importing needs the model's add permission, exporting its view
# permission.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Cells a spreadsheet would run as formulas are guarded by crm/spreadsheet.SafeCSV, which keeps
# the value (django-import-export's own escaping deletes the "=" and so changes the data).
# A file with more rows than this is imported by a background job that shows its progress.
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 2000, minimum=1)

# Email: printed to the console unless an SMTP host is given, or EMAIL_BACKEND names another
# backend, such as a provider's through django-anymail ("anymail.backends.mailgun.EmailBackend").
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
# django-anymail's settings, each from an environment variable named ANYMAIL_<SETTING>:
# ANYMAIL_MAILGUN_API_KEY=… becomes ANYMAIL["MAILGUN_API_KEY"] (see the README).
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value
}
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Seconds a mail server may take to answer. Without a limit a hung server holds a sender
# forever, past the lease on its notices (crm.notices.LEASE), and another sender sends them too.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tend <tend@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address customers' replies reach Tend at (an inbound route of the mail provider). Mail
# about a complaint carries it plus-addressed (replies+c-000123-<tag>@…) so that the reply
# threads into the complaint (complaints/customer_links.py). Empty: messages carry no Reply-To.
REPLY_ADDRESS = env_str("REPLY_ADDRESS")
# The public check-in survey page answers at most this many requests per client address in a
# window (crm/throttle.py), then a polite "wait a moment".
SURVEY_RATE_LIMIT = env_int("SURVEY_RATE_LIMIT", 20, minimum=1)
SURVEY_RATE_WINDOW = timedelta(minutes=env_int("SURVEY_RATE_WINDOW_MINUTES", 10, minimum=1))
# Customers' email reaching Tend through the mail provider's inbound webhook (README "Replies
# from customers"). Mailgun signs every post with the webhook signing key; without the key the
# webhook answers 404. A webhook secret (ANYMAIL_WEBHOOK_SECRET, read with the other ANYMAIL_
# settings above) adds HTTP basic auth (user:password in the route's URL).
if env_str("MAILGUN_WEBHOOK_SIGNING_KEY"):
    ANYMAIL.setdefault("MAILGUN_WEBHOOK_SIGNING_KEY", env_str("MAILGUN_WEBHOOK_SIGNING_KEY"))
# Each attachment of an inbound email up to this size (MB) is kept; a larger one is refused.
INBOUND_ATTACHMENT_MAX_BYTES = env_int("INBOUND_ATTACHMENT_MAX_MB", 10, minimum=1) * 1024 * 1024
# A reply this many days or fewer after a complaint was closed (or resolved) reopens it; a later
# one becomes a follow-up for its owner.
REPLY_REOPENS_WITHIN = timedelta(days=env_int("REPLY_REOPENS_WITHIN_DAYS", 14, minimum=0))
# Text messages to customers (customers/messaging/sms.py): printed to the console, sent through
# Twilio's API, or off (customers who prefer texts get email).
SMS_BACKEND = env_choice("SMS_BACKEND", "console", {"CONSOLE", "TWILIO", "OFF"}).lower()
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_FROM = env_str("TWILIO_FROM")
if SMS_BACKEND == "twilio" and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and TWILIO_FROM):
    raise ImproperlyConfigured(
        "SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM."
    )
# Tend's own address, for links in the mail it sends.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Self-service password reset. The emailed link is built from SITE_URL, never from the request's
# Host header, and works for this many minutes. Requests are throttled per client address and
# per email address over a sliding window (counted in the database, shared by all processes).
PASSWORD_RESET_TIMEOUT = 60 * env_int("PASSWORD_RESET_LINK_MINUTES", 60, minimum=1)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 5, minimum=1)
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("PASSWORD_RESET_LIMIT_PER_EMAIL", 5, minimum=1)
PASSWORD_RESET_WINDOW = timedelta(minutes=env_int("PASSWORD_RESET_WINDOW_MINUTES", 60, minimum=1))

# Service targets. A callback is due within this many business minutes of the request.
CALLBACK_RESPONSE_MINUTES = env_int("CALLBACK_RESPONSE_MINUTES", 60, minimum=1)
# A resolved complaint gets a check-in with the customer this many days later.
COMPLAINT_CHECK_IN_DAYS = env_int("COMPLAINT_CHECK_IN_DAYS", 14, minimum=1)
# Onboarding: the check-in after completion (days), a stall (business days without progress),
# and an unanswered handoff's reminder and then escalation (business minutes).
ONBOARDING_CHECK_IN_DAYS = env_int("ONBOARDING_CHECK_IN_DAYS", 30, minimum=1)
ONBOARDING_STALL_DAYS = env_int("ONBOARDING_STALL_DAYS", 5, minimum=1)
ONBOARDING_HANDOFF_REMIND_MINUTES = env_int("ONBOARDING_HANDOFF_REMIND_MINUTES", 240, minimum=1)
ONBOARDING_HANDOFF_ESCALATION_MINUTES = env_int(
    "ONBOARDING_HANDOFF_ESCALATION_MINUTES", 480, minimum=1
)
# A stalled onboarding goes to supervisors this many business minutes after its owner was told.
ONBOARDING_STALL_ESCALATION_MINUTES = env_int(
    "ONBOARDING_STALL_ESCALATION_MINUTES", 480, minimum=1
)
# An overdue follow-up is escalated to supervisors this many business minutes after its owner
# was reminded.
FOLLOW_UP_ESCALATION_MINUTES = env_int("FOLLOW_UP_ESCALATION_MINUTES", 120, minimum=1)
# A complaint past an SLA deadline is escalated to supervisors this many business minutes after
# its owner was told.
COMPLAINT_ESCALATION_MINUTES = env_int("COMPLAINT_ESCALATION_MINUTES", 60, minimum=1)
# An unanswered complaint handoff reminds its receiver this many business minutes after the
# offer, then goes to supervisors this many business minutes after the reminder.
COMPLAINT_HANDOFF_REMIND_MINUTES = env_int("COMPLAINT_HANDOFF_REMIND_MINUTES", 60, minimum=1)
COMPLAINT_HANDOFF_ESCALATION_MINUTES = env_int(
    "COMPLAINT_HANDOFF_ESCALATION_MINUTES", 120, minimum=1
)
# A remedy waiting for approval reminds the people who may approve it this many business minutes
# after it was proposed, then goes to the Owners group this many business minutes later.
REMEDY_APPROVAL_REMIND_MINUTES = env_int("REMEDY_APPROVAL_REMIND_MINUTES", 120, minimum=1)
REMEDY_APPROVAL_ESCALATION_MINUTES = env_int("REMEDY_APPROVAL_ESCALATION_MINUTES", 240, minimum=1)
# Without business hours (open around the clock) the working day starts at this hour: the daily
# digest goes out then, and keep-in-touch calls are planned from then.
DAY_START_HOUR = env_int("DAY_START_HOUR", 8)
if DAY_START_HOUR > 23:
    raise ImproperlyConfigured(f"DAY_START_HOUR must be 0 to 23, not {DAY_START_HOUR}.")

# Security. Production (DEBUG off) gets HTTPS-only cookies, HSTS and a redirect to HTTPS, so
# that `manage.py check --deploy` is clean; each can be turned off for a TLS-less intranet.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: scripts need the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Celery. The embedded broker keeps its messages as files under var/celery; web and worker must
# point at the same folders (kombu does not create them: see CrmConfig.ready).
CELERY_BROKER_URL = env_broker_url("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "celery" / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "messages"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "messages"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic work lives here rather than in django-celery-beat, whose releases cap Django < 6.1.
# Exactly one beat runs: embedded in the worker (`make run`) or as its own process at scale.
# Times are in TIME_ZONE (CELERY_TIMEZONE). A run that waited in the queue past its next one
# expires rather than piling up behind it: every task here catches up on its next run.
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "crm.tasks.record_worker_heartbeat", "schedule": 60.0},
    "deadline-sweep": {
        "task": "customers.tasks.run_deadline_sweep",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
    # Intakes whose task never reached a worker (the broker was down) run here instead.
    "complaint-intake-catch-up": {
        "task": "complaints.tasks.process_pending_intakes",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
    "keep-in-touch-planner": {
        "task": "customers.tasks.plan_keep_in_touch",
        "schedule": crontab(hour=6, minute=0),
    },
    "notice-catch-up": {
        "task": "crm.tasks.send_due_notices",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
    "import-catch-up": {
        "task": "crm.tasks.resume_import_jobs",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
    # Customer messages whose task never ran (the broker was down) or whose retry is due.
    "customer-message-catch-up": {
        "task": "customers.tasks.send_due_customer_messages",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
    # Resolved complaints whose check-in fell due get the survey link (once per resolution).
    "check-in-surveys": {
        "task": "complaints.tasks.send_check_in_surveys",
        "schedule": 900.0,
        "options": {"expires": 900},
    },
    "daily-digest": {
        "task": "customers.tasks.send_daily_digests",
        "schedule": crontab(minute=0),
        "options": {"expires": 3600},
    },
}
# The owners' weekly report of last week's headline figures (crm/weekly_report.py): the day
# ("OFF" for none) and the hour it is sent, in TIME_ZONE. A run that waited in the queue past
# the day still sends last week's report, once.
WEEKLY_REPORT_DAYS = {"MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6, "SUN": 0}
WEEKLY_REPORT_DAY = env_choice("WEEKLY_REPORT_DAY", "MON", {*WEEKLY_REPORT_DAYS, "OFF"})
WEEKLY_REPORT_HOUR = env_int("WEEKLY_REPORT_HOUR", 7)
if WEEKLY_REPORT_HOUR > 23:
    raise ImproperlyConfigured(f"WEEKLY_REPORT_HOUR must be 0 to 23, not {WEEKLY_REPORT_HOUR}.")
if WEEKLY_REPORT_DAY != "OFF":
    CELERY_BEAT_SCHEDULE["weekly-owner-report"] = {
        "task": "crm.tasks.send_weekly_owner_report",
        "schedule": crontab(
            day_of_week=WEEKLY_REPORT_DAYS[WEEKLY_REPORT_DAY], hour=WEEKLY_REPORT_HOUR, minute=0
        ),
        "options": {"expires": 6 * 3600},
    }

LOG_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", LOG_LEVELS)},
}
