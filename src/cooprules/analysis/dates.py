"""Dates that analysis commands accept: ISO ``YYYY-MM-DD``, from 2014-01-01 on."""

from __future__ import annotations

import datetime as dt

from ..errors import iso_day

#: The earliest date an answer can be asked for (the corpus encodes the law from then on).
EARLIEST = dt.date(2014, 1, 1)


class OptionError(ValueError):
    """A bad command-line value: the message names the option and the allowed values."""


def parse_day(text: str | dt.date | None, option: str, default: dt.date | None = None) -> dt.date:
    """``text`` as a date (``None`` gives ``default``, else today).

    Raises :class:`OptionError` naming ``option`` for text that is not ``YYYY-MM-DD``
    or a date before :data:`EARLIEST`.
    """
    if text is None or text == "":
        return default or dt.date.today()
    if isinstance(text, dt.date):
        day = text
    else:
        try:
            day = iso_day(str(text).strip())
        except ValueError:
            raise OptionError(f"{option}: '{text}' is not a date; write YYYY-MM-DD (e.g. 2018-06-01)") from None
    if day < EARLIEST:
        raise OptionError(f"{option}: {day} is before {EARLIEST}; answers can be asked for any date from {EARLIEST} on")
    return day
