import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from crm import demo


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.mark.django_db
def test_seed_demo_creates_one_login_per_group_and_prints_them(debug_on, capsys):
    call_command("seed_demo")
    output = capsys.readouterr().out
    user_model = get_user_model()
    for group in ("Front-line staff", "Supervisors", "Owners"):
        assert user_model.objects.filter(groups__name=group).exists()
        assert group in output
    assert f"password: {demo.DEMO_PASSWORD}" in output
    owner = user_model.objects.get(username="olivia")
    assert owner.is_staff
    assert owner.check_password(demo.DEMO_PASSWORD)


@pytest.mark.django_db
def test_seed_demo_run_twice_creates_nothing_more(debug_on):
    call_command("seed_demo")
    count = get_user_model().objects.count()
    call_command("seed_demo")
    assert get_user_model().objects.count() == count


@pytest.mark.django_db
def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()
