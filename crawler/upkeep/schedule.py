"""Keeping the directory current on a schedule: which sites are due, durations and dates as
people write them, a foreground loop, and lines for cron and systemd.

Each round is a fresh process (Twisted's reactor cannot restart). SIGTERM or Ctrl-C stops
the loop after the current round: the child runs in its own session so a terminal's Ctrl-C
does not cut a crawl in half.
"""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from crawler.store import SiteRecord

_DAYS = {"0": "Sun", "1": "Mon", "2": "Tue", "3": "Wed", "4": "Thu", "5": "Fri", "6": "Sat", "7": "Sun"}
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    """Seconds in "90s", "30m", "12h", "7d" or "2w"; ValueError saying what to write instead."""
    value, unit = text.strip()[:-1], text.strip()[-1:].lower()
    try:
        seconds = float(value) * _UNITS[unit]
    except (KeyError, ValueError):
        raise ValueError(f"{text!r} is not a duration like 30m, 12h or 7d") from None
    if seconds <= 0:
        raise ValueError("must be longer than zero")
    return seconds


def since(text: str) -> str:
    """The ISO 8601 start of "since 2026-01-31" or "since 7d" (that long ago); "" for always."""
    if not text:
        return ""
    if text[-1:].isalpha():
        return (datetime.now(timezone.utc) - timedelta(seconds=parse_duration(text))).isoformat()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"{text!r} is neither a date (2026-01-31) nor an age (7d)") from None


# A site is due a little before max-age has passed: a crawl records a site as crawled when it
# ends, so with a weekly cron and --max-age 7d the next week's crawl comes a few minutes (or
# hours) short of 7 days, and a strict cutoff would crawl each site only every other week.
DUE_EARLY = 0.1  # of max-age


def due_sites(sites: list[SiteRecord], max_age_seconds: float, force: bool = False) -> list[SiteRecord]:
    """The sites a crawl without seeds takes: never crawled, or not for max_age less DUE_EARLY
    of it (all with force)."""
    cutoff = (datetime.now(timezone.utc) - timedelta(seconds=max_age_seconds * (1 - DUE_EARLY))).isoformat()
    return [site for site in sites if force or not site.last_crawled or site.last_crawled < cutoff]


def crawl_command(data_dir: Path, max_age: str) -> list[str]:
    """What each round runs: `ketadir crawl` of the due sites, in a fresh Python process."""
    return [sys.executable, "-m", "cli", "--data-dir", str(data_dir.resolve()), "crawl", "--max-age", max_age]


def timer_text(command: list[str], cron: str, every_seconds: float | None, workdir: str) -> str:
    """A crontab line and a systemd service and timer running command on the cron expression
    (or every so many seconds); ValueError for a cron expression systemd cannot follow."""
    calendar = cron_to_calendar(cron) if cron else None
    return crontab_line(command, cron, every_seconds) + "\n" + systemd_units(command, calendar, every_seconds, workdir)


_STAMP = "%Y-%m-%d %H:%M:%S %Z"  # how the --every loop dates its lines


def run_every(command: list[str], seconds: float, rounds: int | None = None, say: Callable[[str], None] | None = None) -> int:
    """Run command now and then every `seconds` until a stop signal; returns rounds run.
    say gets a line as each round starts and as it ends (how, and when the next one starts),
    so a scheduler in a terminal says what it did and when it goes on."""
    stop = {"requested": False}

    def request_stop(signum: int, frame: Any) -> None:
        stop["requested"] = True

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    done = 0
    try:
        while not stop["requested"] and (rounds is None or done < rounds):
            started = time.monotonic()
            if say is not None:
                say(f"{datetime.now().astimezone():{_STAMP}}  crawl of due sites started")
            finished = subprocess.run(command, start_new_session=True, stdin=subprocess.DEVNULL)
            done += 1
            if say is not None:
                now = datetime.now().astimezone()
                next_at = now + timedelta(seconds=max(0.0, seconds - (time.monotonic() - started)))
                outcome = "finished" if finished.returncode == 0 else f"failed (exit {finished.returncode})"
                say(f"{now:{_STAMP}}  crawl {outcome}; next run at {next_at:{_STAMP}}")
            while not stop["requested"] and time.monotonic() - started < seconds:
                if rounds is not None and done >= rounds:
                    break
                time.sleep(min(1.0, seconds))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return done


# Each cron field's name and the values it may hold (weekday 7 is Sunday, as 0).
_CRON_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day", 1, 31), ("month", 1, 12), ("weekday", 0, 7))


def check_cron(expression: str) -> list[str]:
    """The five fields of a cron expression, or ValueError saying which one is wrong:
    "61 3 * * *" is refused (minutes go to 59), as cron itself would."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"{expression!r} is not a cron expression: it needs 5 fields (minute hour day month weekday)")
    for (name, low, high), value in zip(_CRON_FIELDS, fields):
        if not all(ch.isdigit() or ch in "*,/-" for ch in value):
            raise ValueError(f"cron {name} field {value!r} has characters other than digits and * , / -")
        for piece in value.split(","):
            span, _, step = piece.partition("/")
            start, _, end = span.partition("-")
            numbers = [n for n in (start, end) if n != "*"]
            if span != "*" and (not start.isdigit() or (end and not end.isdigit())) or (step and not step.isdigit()):
                raise ValueError(f"cron {name} field {value!r}: write N, N-M, */N or N-M/N")
            if any(not low <= int(n) <= high for n in numbers if n):
                raise ValueError(f"cron {name} field {value!r} is out of range: {name}s go from {low} to {high}")
            if end and int(start) > int(end):
                raise ValueError(f"cron {name} field {value!r}: the range runs backwards")
            if step and int(step) == 0:
                raise ValueError(f"cron {name} field {value!r}: a step of 0 never repeats")
    return fields


def cron_to_calendar(expression: str) -> str:
    """A systemd OnCalendar= value for a five-field cron expression (checked by check_cron)."""
    minute, hour, day, month, weekday = check_cron(expression)
    parts = []
    if weekday != "*":
        days = []
        for piece in weekday.split(","):
            if "-" in piece:
                start, _, end = piece.partition("-")
                days.append(f"{_DAYS.get(start, start)}..{_DAYS.get(end, end)}")
            else:
                days.append(_DAYS.get(piece, piece))
        parts.append(",".join(days))
    parts.append(f"*-{_systemd(month)}-{_systemd(day)}")
    parts.append(f"{_systemd(hour)}:{_systemd(minute)}:00")
    return " ".join(parts)


def _systemd(field: str) -> str:
    """cron */N is systemd 0/N; ranges a-b are a..b; single numbers get two digits."""
    if field.isdigit():
        return field.zfill(2)
    return field.replace("*/", "0/").replace("-", "..")


def crontab_line(command: list[str], cron: str, every_seconds: float | None) -> str:
    if not cron and every_seconds:
        hours = every_seconds / 3600
        if hours >= 1 and hours == int(hours) and 24 % int(hours) == 0:
            cron = "0 " + ("*" if hours == 1 else f"*/{int(hours)}") + " * * *"
        elif hours >= 24 and hours % 24 == 0:
            cron = "0 3 " + ("*" if hours == 24 else f"*/{int(hours // 24)}") + " * *"
        else:
            return "# (no crontab line: cron cannot repeat every interval; use the systemd timer below)"
    return f"# crontab -e, then add:\n{cron} {shlex.join(command)} >> ketadir-cron.log 2>&1"


def systemd_units(command: list[str], calendar: str | None, every_seconds: float | None, workdir: str) -> str:
    trigger = f"OnCalendar={calendar}" if calendar else f"OnBootSec=5min\nOnUnitActiveSec={int(every_seconds or 86400)}s"
    return f"""
# ~/.config/systemd/user/ketadir-crawl.service
[Unit]
Description=ketadir: crawl the clinic sites that are due

[Service]
Type=oneshot
WorkingDirectory={workdir}
ExecStart={shlex.join(command)}

# ~/.config/systemd/user/ketadir-crawl.timer
[Unit]
Description=ketadir: keep the directory current

[Timer]
{trigger}
Persistent=true

[Install]
WantedBy=timers.target

# then: systemctl --user daemon-reload && systemctl --user enable --now ketadir-crawl.timer"""
