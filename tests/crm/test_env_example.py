import re
from pathlib import Path

from django.conf import settings

READ_CALL = re.compile(r'env_\w+\(\s*"([A-Z_]+)"')


def test_env_example_lists_every_variable_the_settings_read():
    source = (Path(settings.BASE_DIR) / "crm" / "settings.py").read_text()
    example = (Path(settings.BASE_DIR) / ".env.example").read_text()
    read = set(READ_CALL.findall(source))
    listed = set(re.findall(r"^#? ?([A-Z_]+)=", example, flags=re.MULTILINE))
    assert read
    assert read - listed == set()
