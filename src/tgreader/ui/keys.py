"""The reader's key bindings: one table of ids and default keys, shared by every widget.

A binding id names one user-visible action (``down`` moves a list's cursor and scrolls the
article: the same id on several widgets), so one line in the ``[keymap]`` table of
``config.toml`` remaps it everywhere through ``App.set_keymap``.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.binding import Binding

__all__ = [
    "DEFAULT_KEYS",
    "HELP_ORDER",
    "bind",
    "clashes",
    "first_key",
    "key_display",
    "keys_for",
]

# id -> default keys (Textual key names, comma-separated), in the help screen's order.
DEFAULT_KEYS: dict[str, str] = {
    "pane_next": "tab",
    "pane_prev": "shift+tab",
    "down": "down,j",
    "up": "up,k",
    "page_down": "space,pagedown",
    "page_up": "pageup",
    "top": "g,home",
    "bottom": "G,end",
    "open": "enter",
    "next_article": "n",
    "prev_article": "p",
    **{f"follow_{n}": str(n) for n in range(1, 10)},
    "back": "backspace,h,alt+left",
    "forward": "alt+right",
    "search": "slash",
    "find": "ctrl+f",
    "find_next": "f3",
    "find_prev": "shift+f3",
    "refresh": "r",
    "mark_read": "m",
    "next_unread": "N",
    "mark_all_read": "A",
    "undo": "u",
    "bookmark": "f",
    "bookmarks": "F",
    "open_browser": "o",
    "copy_url": "y",
    "export": "e",
    "photos": "i",
    "photo_view": "v",
    "help": "question_mark",
    "quit": "q",
    "close": "escape",
}

# The help screen shows follow_1 … follow_9 as one row.
HELP_ORDER: tuple[str, ...] = tuple(
    k for k in DEFAULT_KEYS if not k.startswith("follow_") or k == "follow_1"
)

_DISPLAY = {
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "space": "Space",
    "enter": "Enter",
    "escape": "Esc",
    "backspace": "Backspace",
    "tab": "Tab",
    "home": "Home",
    "end": "End",
    "slash": "/",
    "question_mark": "?",
}


def bind(
    binding_id: str,
    action: str,
    description: str = "",
    *,
    show: bool = False,
    priority: bool = False,
) -> Binding:
    """A Binding for ``binding_id`` with its default keys (remappable by id)."""
    return Binding(
        DEFAULT_KEYS[binding_id],
        action,
        description or binding_id,
        show=show,
        id=binding_id,
        priority=priority,
    )


def keys_for(binding_id: str, keymap: Mapping[str, str]) -> str:
    """The keys in force for ``binding_id``: the keymap's, else the default."""
    return keymap.get(binding_id) or DEFAULT_KEYS[binding_id]


def key_display(keys: str) -> str:
    """``down,j`` → ``↓ j``; ``alt+left`` → ``Alt+←``: how a key list reads in the help."""
    shown: list[str] = []
    for key in (k.strip() for k in keys.split(",") if k.strip()):
        *mods, last = key.split("+")
        name = _DISPLAY.get(last, last)
        function_key = len(name) <= 3 and name[:1] == "f" and name[1:].isdigit()
        if (mods and len(name) == 1) or function_key:
            name = name.upper()  # Ctrl+F, F3: as keyboards and other programs write them
        shown.append("+".join([*(m.capitalize() for m in mods), name]))
    return " ".join(shown)


def first_key(binding_id: str, keymap: Mapping[str, str]) -> str:
    """The first key in force for ``binding_id``, as a hint shows it (``?``, ``Q``)."""
    keys = [k.strip() for k in keys_for(binding_id, keymap).split(",") if k.strip()]
    return key_display(keys[0]) if keys else ""


def clashes(keymap: Mapping[str, str]) -> dict[str, list[str]]:
    """Each key that the keymap leaves with two or more bindings (all but one of them would
    silently never run), with their ids; keys no remapped binding has are not looked at."""
    holders: dict[str, list[str]] = {}
    for binding_id in DEFAULT_KEYS:
        for key in keys_for(binding_id, keymap).split(","):
            if key.strip():
                holders.setdefault(key.strip(), []).append(binding_id)
    return {
        key: ids for key, ids in holders.items() if len(ids) > 1 and any(i in keymap for i in ids)
    }
