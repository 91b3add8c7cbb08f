"""Text from config.toml shown in the reader (theme names, unknown binding ids, keys, the
file's error) is cleaned as page text is: no escape, control or bidi character reaches
the screen."""

from __future__ import annotations

from tgreader.config import Config
from tgreader.errors import ConfigError
from tgreader.ui.dialogs import HelpScreen, help_rows
from tgreader.ui.i18n import Translator

from tui_support import settle
from ui_support import AppFactory

HOSTILE = "\x1b]0;owned\x07\x1b[31m\u202e\u200f"
# What text.clean removes (escape, bell, bidi controls): none of it may be shown.
UNSAFE = ("\x1b", "\x07", "\u202e", "\u200f")


async def test_config_text_is_cleaned_before_it_is_shown(
    reader: AppFactory, notified: list[tuple[str, str]]
) -> None:
    config = Config(theme=f"dark{HOSTILE}", keymap={f"bad{HOSTILE}id": "x", "quit": f"q{HOSTILE}"})
    error = ConfigError(f"/x/config.toml{HOSTILE}", f"unknown setting 'a{HOSTILE}'")
    app = reader(config=config, config_error=error)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
    messages = [message for message, _ in notified]
    assert len(messages) == 3  # the file's error, the unknown theme, the unknown id
    for message in messages:
        assert not any(ch in message for ch in UNSAFE), repr(message)
    assert any("bad]0;owned[31mid" in message for message in messages)
    keys = [row[0] for row in help_rows(Translator("en"), config.keymap)]
    assert all(not any(ch in k for ch in UNSAFE) for k in keys)
