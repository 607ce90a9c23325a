"""The Makefile, run for real in a copy of the checkout whose .venv holds stand-in programs."""

import os
import re
import shutil
import subprocess
import time
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

MAKE = shutil.which("make") or "make"

BASE_DIR = Path(settings.BASE_DIR)
COPIED = ["Makefile", "pyproject.toml", "requirements.txt", "requirements-dev.txt"]
# Each stand-in prints what it was asked and what it saw, and succeeds.
REPORTER = '#!/bin/sh\necho "$(basename "$0") $*"\n'
ENV_REPORTER = (
    "#!/bin/sh\n"
    'echo "DATABASE_URL=$DATABASE_URL"\n'
    'echo "TEND_REQUIRE_BROWSER=$TEND_REQUIRE_BROWSER"\n'
)


def write_program(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


@pytest.fixture
def checkout(tmp_path) -> Path:
    for name in COPIED:
        shutil.copy(BASE_DIR / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def installed(checkout) -> Path:
    """A .venv that counts as set up, with stand-ins for python, celery and pytest."""
    bin_dir = checkout / ".venv" / "bin"
    for name in ("python", "celery"):
        write_program(bin_dir / name, REPORTER)
    write_program(bin_dir / "pytest", ENV_REPORTER)
    later = time.time() + 60
    for stamp in (".runtime", ".dev"):
        (checkout / ".venv" / stamp).touch()
        os.utime(checkout / ".venv" / stamp, (later, later))
    return checkout


def make(checkout: Path, *arguments: str, **environ: str) -> subprocess.CompletedProcess:
    # Not os.environ: the settings loaded a developer's .env into it.
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")}
    return subprocess.run(
        [MAKE, "--no-print-directory", *arguments],
        cwd=checkout,
        env={**base, **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_environment_wins_over_a_dotenv_file_in_make_test(installed):
    (installed / ".env").write_text(
        "DATABASE_URL=sqlite:///var/tend.sqlite3\nTEND_REQUIRE_BROWSER=\n"
    )
    result = make(
        installed, "test", DATABASE_URL="postgres://ci@127.0.0.1/tend", TEND_REQUIRE_BROWSER="1"
    )
    assert result.returncode == 0, result.stderr
    assert "DATABASE_URL=postgres://ci@127.0.0.1/tend" in result.stdout
    assert "TEND_REQUIRE_BROWSER=1" in result.stdout


@pytest.mark.parametrize("given_as", ["argument", "environment"])
def test_a_given_python_older_than_3_12_is_refused_before_anything_is_installed(
    checkout, given_as
):
    # A stand-in that answers the version check as Python 3.11 does.
    old = write_program(checkout / "python3.11", "#!/bin/sh\necho 3.11\nexit 1\n")
    if given_as == "argument":
        result = make(checkout, "setup", f"PYTHON={old}")
    else:
        result = make(checkout, "setup", PYTHON=str(old))
    assert result.returncode != 0
    assert f"PYTHON={old} is Python 3.11" in result.stdout
    assert "pyenv install 3.12" in result.stdout
    assert "uv python install 3.12" in result.stdout
    assert "apt-get" not in result.stdout
    assert not (checkout / ".venv").exists()


def test_a_given_python_is_checked_even_when_the_venv_is_ready(installed):
    old = write_program(installed / "python3.11", "#!/bin/sh\necho 3.11\nexit 1\n")
    result = make(installed, "run", PYTHON=str(old))
    assert result.returncode != 0
    assert f"PYTHON={old} is Python 3.11" in result.stdout
    assert "manage.py" not in result.stdout
    assert make(installed, "manage", "ARGS=check").returncode == 0


def test_a_given_python_that_does_not_run_is_named(checkout):
    result = make(checkout, "setup", "PYTHON=python-that-is-not-there")
    assert result.returncode != 0
    assert "PYTHON=python-that-is-not-there does not run" in result.stdout


def test_make_run_installs_what_running_needs_and_make_test_the_test_tools(checkout):
    run = make(checkout, "--dry-run", "run")
    test = make(checkout, "--dry-run", "test")
    assert "--requirement requirements.txt" in run.stdout
    assert "requirements-dev.txt" not in run.stdout
    assert "--requirement requirements.txt" in test.stdout
    assert "--requirement requirements-dev.txt" in test.stdout
    assert ".[dev]" not in run.stdout + test.stdout


def test_make_run_on_every_interface_says_that_allowed_hosts_decides_who_gets_in(installed):
    everywhere = make(installed, "run", "ADDRESS=0.0.0.0:8000")
    assert everywhere.returncode == 0, everywhere.stderr
    assert "python manage.py runserver 0.0.0.0:8000" in everywhere.stdout
    assert "400 Bad Request unless" in everywhere.stdout
    assert "ALLOWED_HOSTS" in everywhere.stdout
    local = make(installed, "run")
    assert "python manage.py runserver 127.0.0.1:8000" in local.stdout
    assert "ALLOWED_HOSTS" not in local.stdout


def test_make_manage_runs_manage_py_with_the_arguments_given(installed):
    result = make(installed, "manage", "ARGS=seed_scale --customers 10")
    assert result.returncode == 0, result.stderr
    assert "python manage.py seed_scale --customers 10" in result.stdout


def pins(lock: str) -> dict[str, str]:
    text = (BASE_DIR / lock).read_text()
    return {
        name.lower().replace("_", "-"): version
        for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", text, re.MULTILINE)
    }


def requirement_name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_lock_files_pin_every_dependency_with_hashes_and_agree():
    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert {requirement_name(r) for r in project["dependencies"]} <= set(runtime)
    assert {requirement_name(r) for r in project["optional-dependencies"]["dev"]} <= set(dev)
    assert "pytest" not in runtime and "playwright" not in runtime
    assert {name: dev[name] for name in runtime} == runtime
    for lock in ("requirements.txt", "requirements-dev.txt"):
        entries = re.split(r"\n(?=[A-Za-z0-9])", (BASE_DIR / lock).read_text())
        unhashed = [e.split()[0] for e in entries if "==" in e and "--hash=sha256:" not in e]
        assert unhashed == [], f"{lock} pins without hashes: {unhashed}"
