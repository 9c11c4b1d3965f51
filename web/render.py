"""The pages' templates (Jinja2, autoescaped: every value a page shows is text, never markup)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from chartfile.clerk.search import MARK_END, MARK_START

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["snippet"] = snippet
    env.filters["when"] = when
    env.filters["age"] = age
    return env


def snippet(text: str) -> Markup:
    """A search snippet with its matches marked: the text is escaped first, then the markers become
    <mark> (so nothing in the page text can become markup)."""
    escaped = str(escape(text))
    return Markup(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def when(value: str | dt.datetime | None) -> str:
    """An ISO time as `YYYY-MM-DD HH:MM` UTC."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, dt.datetime) else str(value)
    return text[:16].replace("T", " ")


def age(hours: float) -> str:
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} d"


def html(env: Environment, template: str, values: dict[str, Any]) -> str:
    return env.get_template(template).render(values)
