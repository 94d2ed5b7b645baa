from pathlib import Path

import channels

REPO = Path(__file__).resolve().parents[2]


def test_channels_is_our_package_not_django_channels():
    assert Path(channels.__file__).resolve().parent == REPO / "channels"
    assert (REPO / "channels" / "__init__.py").read_text() == ""
