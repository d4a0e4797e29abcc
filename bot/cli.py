"""The `outreach` command line."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli_school import override_48985
from bot.events_cli import events as events_group
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.app import Bot
    from bot.services.data_rights import DataRights

log = logging.getLogger("outreach")


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def main() -> None:
    """Parent outreach bot: SMS and Slack conversations for school families."""


# Database ----------------------------------------------------------------------


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations."""
    from bot.store.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    click.echo("database is up to date")


# School data ---------------------------------------------------------------------


@main.command("load")
@click.argument("file", type=click.Path(path_type=Path))
@override_48985
def load(file: Path, override: str | None) -> None:
    """Validate a school YAML file and load it (the active school stays; `outreach school use` switches)."""
    from bot.cli_school import check_school_file
    from bot.services.schools import load_school
    from bot.store import Store
    from bot.store.db import build_engine
    from bot.store.migrate import upgrade

    settings = _settings()
    report = check_school_file(file, override, settings.home_language_threshold)
    upgrade(settings.database_url)
    store = Store(build_engine(settings.database_url, pool_size=1))
    try:
        school = load_school(store, file, override_48985=override)
        with store.transaction() as tx:
            active = tx.school()
    finally:
        store.dispose()
    click.echo(f"loaded {school.data.name} ({school.data.slug})")
    if active is not None and active.id != school.id:
        click.echo(f"the bot still answers as {active.name}: `outreach school use {file}` switches to it")
    for line in report:
        click.echo(line)


# Content checks ------------------------------------------------------------------


@main.group()
def flows() -> None:
    """Conversation flows."""


@flows.command("validate")
def flows_validate() -> None:
    """Check flows for unknown steps, unknown actions, unreachable steps and missing texts."""
    from bot.app import FLOWS_DIR, build_actions
    from bot.engine.loader import FlowFileError, load_flow_set, problems

    try:
        flow_set = load_flow_set(FLOWS_DIR)
    except FlowFileError as exc:
        raise click.ClickException(str(exc)) from None
    found = problems(flow_set, build_actions().names())
    for problem in found:
        click.echo(problem, err=True)
    if found:
        sys.exit(1)
    click.echo(f"{len(flow_set.flows)} flows, {len(flow_set.messages.messages)} system messages: ok")


@main.group()
def i18n() -> None:
    """Translations."""


@i18n.command("check")
def i18n_check() -> None:
    """Fail on a missing or fuzzy text, a placeholder mismatch, a text over budget, or an incomplete HELP."""
    from bot.app import FLOWS_DIR, LOCALES_DIR
    from bot.i18n.catalogs import Catalogs
    from bot.i18n.check import check, review_lines

    catalogs = Catalogs(LOCALES_DIR)
    found = check(FLOWS_DIR, catalogs, LOCALES_DIR / "messages.pot")
    for problem in found:
        click.echo(problem, err=True)
    for line in review_lines(catalogs):
        click.echo(line)
    if found:
        sys.exit(1)
    click.echo(f"locales {', '.join(catalogs.available())}: complete, placeholders intact, within budget")


# Running -------------------------------------------------------------------------


def _prepare(settings: Settings) -> None:
    """Migrate, and load a school only into an empty database: SCHOOL_FILE, or else the demo school."""
    from bot.content import demo_school_file
    from bot.services.schools import load_school
    from bot.store import Store
    from bot.store.db import build_engine
    from bot.store.migrate import upgrade
    from bot.store.repo import DuplicateError

    upgrade(settings.database_url)
    school_file = settings.school_file or demo_school_file()
    store = Store(build_engine(settings.database_url, pool_size=1))
    try:
        with store.transaction() as tx:
            empty = tx.school_count() == 0
        if not empty:
            return
        try:
            school = load_school(store, school_file, activate=True)
        except DuplicateError:
            return  # web, dispatchers and scheduler started together: another one loaded it first
    finally:
        store.dispose()
    if settings.school_file:
        log.info("no school in the database: loaded %s from SCHOOL_FILE %s", school.data.name, school_file)
    else:
        log.warning(
            "no school in the database and no SCHOOL_FILE: loaded the demo school %s with its demo events "
            "and volunteer shifts (for your school: `outreach school use FILE`)",
            school.data.name,
        )
    _load_first_activities(settings, school_file)


def _load_first_activities(settings: Settings, school_file: Path) -> None:
    """Load the school's own events and volunteer opportunities (the files beside it), after the school.

    The demo's come only with the demo school; VOLUNTEERS_FILE, when set, replaces SCHOOL_FILE's own.
    """
    from bot.app import build_bot
    from bot.cli_school import load_own_activities

    bot = build_bot(settings)
    try:
        volunteers = settings.volunteers_file if settings.school_file else None
        done, refused = load_own_activities(bot, school_file, volunteers)
    finally:
        bot.close()
    for line in done:
        log.info(line)
    for refused_file, errors in refused.items():
        # The school works without them; `outreach events load` / `volunteers load` show the same errors.
        log.warning("%s not loaded: %s", refused_file, "; ".join(errors))


def command_bot() -> Bot:
    """A wired bot for a one-shot command: quiet logs, the database migrated and the school loaded."""
    from bot.app import build_bot
    from bot.logs import configure_logging

    settings = _settings()
    configure_logging("WARNING")
    _prepare(settings)
    return build_bot(settings)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--no-dispatcher", is_flag=True, help="Serve webhooks only; run `outreach dispatcher` elsewhere."
)
@click.option(
    "--no-scheduler", is_flag=True, help="Do not run the scheduler; run `outreach scheduler` elsewhere."
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Web worker processes. With more than one, the workers only serve the web and the dispatcher "
    "runs in this supervising process (none with --no-dispatcher).",
)
def serve(host: str, port: int, no_dispatcher: bool, no_scheduler: bool, workers: int) -> None:
    """Run the web server (Twilio webhooks) with the outbox dispatcher and the scheduler."""
    from bot.listen import CannotListen, bind_listener, run_workers, served_port

    settings = _settings()
    # Bind first: a busy port stops the command at once with a non-zero status, before any thread
    # starts (a process manager then restarts it, instead of it running on without serving).
    try:
        listener = bind_listener(host, port)
    except CannotListen as exc:
        raise click.ClickException(str(exc)) from None
    port = served_port(listener)
    if workers > 1:
        _use_multiprocess_metrics()
    import uvicorn

    from bot.app import build_bot
    from bot.logs import configure_logging, enable_stack_dumps
    from bot.services.school_data import SchoolFileError
    from bot.web import create_app

    configure_logging(settings.log_level)
    enable_stack_dumps()
    try:
        _prepare(settings)
    except SchoolFileError as exc:
        raise click.ClickException(str(exc)) from None
    bot = build_bot(settings)
    click.echo(_banner(bot, host, port, workers))
    log_level = settings.log_level.lower()
    if workers == 1:
        bot.warm_up()
        app = create_app(bot, run_dispatcher=not no_dispatcher, run_scheduler=not no_scheduler)
        server = uvicorn.Server(uvicorn.Config(app, log_level=log_level, access_log=False))
        server.run(sockets=[listener])
        if not server.started:
            sys.exit(1)
        return
    # Each worker builds its own bot (no connection crosses a fork) and serves the socket bound above;
    # this process only supervises them, and runs the one dispatcher and the scheduler unless they
    # run elsewhere.
    with _dispatcher_thread(bot, enabled=not no_dispatcher), _scheduler_thread(bot, enabled=not no_scheduler):
        started = run_workers(listener, "bot.web:web_worker_app", workers, log_level)
    if not started:
        sys.exit(1)


def _banner(bot: Bot, host: str, port: int, workers: int) -> str:
    """What `serve` prints first: where it listens (the port really served), and whether texts go out."""
    settings = bot.settings
    database = bot.store.engine.url.render_as_string(hide_password=True)
    lines = [
        f"Parent outreach bot on http://{host}:{port}",
        f"  Twilio webhook: {settings.public_base_url}/twilio/sms",
        f"  transport: {bot.transport.name}; database: {database}; web workers: {workers}",
    ]
    if not settings.twilio_live:
        lines.append("  DRY RUN: no Twilio credentials, so texts are written to the log and never sent")
    if not settings.slack_live:
        lines.append("  DRY RUN: no Slack credentials, so staff alerts are written to the log")
    lines.append("  try it:    outreach chat --phone +12135550123")
    return "\n".join(lines)


def _use_multiprocess_metrics() -> None:
    """Let /metrics add up the counters of every worker (before prometheus_client is imported)."""
    import os
    import tempfile

    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="outreach-metrics-")


@contextmanager
def _dispatcher_thread(bot: Bot, *, enabled: bool) -> Iterator[None]:
    """Run the outbox dispatcher in a thread of this process while the block runs."""
    import threading

    if not enabled:
        yield
        return
    dispatcher = bot.dispatcher()
    thread = threading.Thread(target=dispatcher.run_forever, name="outbox-dispatcher", daemon=True)
    thread.start()
    try:
        yield
    finally:
        dispatcher.stop()
        thread.join(timeout=10)
        bot.close()


@contextmanager
def _scheduler_thread(bot: Bot, *, enabled: bool) -> Iterator[None]:
    """Run the scheduler in a thread of this process (it waits for its lock) while the block runs."""
    if not enabled:
        yield
        return
    from scheduler.service import OutreachScheduler

    runner = OutreachScheduler(bot, sync_seconds=bot.settings.scheduler_sync_seconds)
    runner.start_in_background()
    try:
        yield
    finally:
        runner.stop()


@main.command("dispatcher")
@click.option(
    "--metrics-port", type=int, default=None, help="Expose this process's counters on 127.0.0.1:PORT."
)
def dispatcher(metrics_port: int | None) -> None:
    """Run only the outbox dispatcher (for deployments with separate web workers)."""
    from bot.app import build_bot
    from bot.logs import configure_logging, enable_stack_dumps

    settings = _settings()
    configure_logging(settings.log_level)
    enable_stack_dumps()
    _prepare(settings)
    bot = build_bot(settings)
    if metrics_port is not None:
        from bot.metrics import serve_metrics

        serve_metrics(metrics_port)
    import signal

    worker = bot.dispatcher()
    # systemd and process managers stop with SIGTERM: finish the current send and record it first.
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    try:
        worker.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        bot.close()


@main.command("chat")
@click.option("--phone", required=True, help="The phone number you are texting from, e.g. +12135550123.")
def chat(phone: str) -> None:
    """Text the bot from a terminal: one line in, the replies out (scriptable through stdin)."""
    from bot.app import build_bot
    from bot.domain import Inbound
    from bot.logs import configure_logging
    from bot.services.phones import InvalidPhone, normalize_phone

    settings = _settings()
    configure_logging("WARNING")
    try:
        normalize_phone(phone, settings.default_region)
    except InvalidPhone:
        raise click.ClickException(f"{phone!r} is not a phone number (try +12135550123)") from None
    _prepare(settings)
    bot = build_bot(settings)
    interactive = sys.stdin.isatty()
    if interactive:
        click.echo(f"Texting as {phone}. Type a message and press Enter; Ctrl-D to quit.")
    try:
        for line in sys.stdin:
            text = line.rstrip("\n")
            if interactive and not text:
                continue
            exchange = bot.conversation.handle(Inbound("console", phone, text))
            for reply in exchange.replies:
                click.echo(f"< {reply}".replace("\n", "\n  "))
            if not exchange.replies:
                click.echo("< (no reply)")
            if interactive:
                click.echo("")
    finally:
        bot.close()


main.add_command(events_group)


@main.group()
def concerns() -> None:
    """Parents' concerns."""


@concerns.command("escalate")
def concerns_escalate() -> None:
    """Escalate concerns past their targets to Slack, once each (run from cron until the scheduler does)."""
    from bot.app import build_bot
    from bot.logs import configure_logging

    settings = _settings()
    configure_logging(settings.log_level)
    _prepare(settings)
    bot = build_bot(settings)
    try:
        escalated = bot.concerns.escalate_overdue()
        dispatcher = bot.dispatcher()
        while dispatcher.drain_once():
            pass  # post the escalations now rather than waiting for the server's dispatcher
    finally:
        bot.close()
    click.echo(f"escalated {len(escalated)}: {', '.join(escalated)}" if escalated else "nothing overdue")


@concerns.command("ucp-filed")
@click.argument("reference")
@click.option("--note", default="", help="What was filed and where (no student details).")
def concerns_ucp_filed(reference: str, note: str) -> None:
    """Record that the parent of concern REFERENCE filed a Uniform Complaint (5C evidence)."""
    from bot.app import build_bot
    from bot.services.concern_types import ConcernNotFound, ConcernStateError

    settings = _settings()
    _prepare(settings)
    bot = build_bot(settings)
    try:
        recorded = bot.concerns.record_ucp_filed(reference, "cli", note)
    except (ConcernNotFound, ConcernStateError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        bot.close()
    click.echo(f"{reference}: UCP filing recorded" if recorded else f"{reference}: already recorded")


@main.group()
def outbox() -> None:
    """The outbound queue."""


@outbox.command("status")
@click.option("--limit", default=50, show_default=True, help="How many failed rows to list.")
def outbox_status(limit: int) -> None:
    """Counts by status and priority, and the rows that could not be sent (masked numbers, reasons)."""
    from bot.services.phones import mask_phone
    from bot.store import Store
    from bot.store.db import build_engine
    from bot.store.outbox_status_repo import outbox_report

    settings = _settings()
    store = Store(build_engine(settings.database_url, pool_size=1))
    try:
        report = outbox_report(store, limit)
    finally:
        store.dispose()
    click.echo("status      priority  rows")
    for (status, priority), count in sorted(report.counts.items()):
        click.echo(f"{status:<11} {priority:>8}  {count}")
    if not report.counts:
        click.echo("(the outbox is empty)")
    if report.failed:
        click.echo(f"\nnot sent (newest {len(report.failed)}):")
    for row in report.failed:
        to = mask_phone(row.to_address) if row.channel == "sms" else row.to_address
        when = row.created_at.strftime("%Y-%m-%d %H:%M")
        click.echo(
            f"  #{row.id} {when} {row.channel} {to} {row.status} after {row.attempts}: {row.last_error}"
        )


# Data rights ---------------------------------------------------------------------


def _data_rights(settings: Settings) -> DataRights:
    from bot.services.data_rights import DataRights
    from bot.store import Store
    from bot.store.db import build_engine
    from bot.store.migrate import upgrade

    upgrade(settings.database_url)
    store = Store(build_engine(settings.database_url, pool_size=1))
    return DataRights(
        store,
        hash_key=settings.phone_hash_key,
        region=settings.default_region,
        concerns_channel=settings.slack_concerns_channel,
    )


@main.group()
def contact() -> None:
    """One parent's data: export it, or erase it."""


@contact.command("export")
@click.argument("phone")
def contact_export(phone: str) -> None:
    """Print everything stored about PHONE as JSON (the contact, consent history, messages, concerns...)."""
    import json

    from bot.services.data_rights import NoSuchContact
    from bot.services.phones import InvalidPhone

    rights = _data_rights(_settings())
    try:
        click.echo(json.dumps(rights.export(phone), ensure_ascii=False, indent=2))
    except (NoSuchContact, InvalidPhone) as exc:
        raise click.ClickException(f"no contact with that number ({exc})") from None
    finally:
        rights.store.dispose()


@contact.command("forget")
@click.argument("phone")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def contact_forget(phone: str, yes: bool) -> None:
    """Erase PHONE's personal data; keep its opt-out and consent record and anonymous evidence."""
    from bot.services.data_rights import ErasureNotConfigured, NoSuchContact
    from bot.services.phones import InvalidPhone, mask_phone

    if not yes:
        click.confirm(
            f"Erase everything personal about {mask_phone(phone)}? This cannot be undone", abort=True
        )
    rights = _data_rights(_settings())
    try:
        erased = rights.forget(phone)
    except ErasureNotConfigured as exc:
        raise click.ClickException(str(exc)) from None
    except (NoSuchContact, InvalidPhone) as exc:
        raise click.ClickException(f"no contact with that number ({exc})") from None
    finally:
        rights.store.dispose()
    done = ", ".join(f"{table} {count}" for table, count in erased.counts.items() if count)
    click.echo(
        f"erased contact #{erased.contact_id}: {done or 'nothing but the number'}; consent record kept"
    )


@main.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(1),
    default=None,
    help="Days to keep (default RETENTION_DAYS).",
)
def purge(days: int | None) -> None:
    """Delete messages and other personal rows older than the retention period (consent and evidence stay)."""
    settings = _settings()
    rights = _data_rights(settings)
    try:
        counts = rights.purge(days or settings.retention_days)
    finally:
        rights.store.dispose()
    done = ", ".join(f"{table} {count}" for table, count in counts.items() if count)
    click.echo(f"purged data older than {days or settings.retention_days} days: {done or 'nothing'}")
    if not settings.phone_hash_key:
        click.echo("contacts inactive that long keep their numbers: set PHONE_HASH_KEY to pseudonymise them")


# Scheduling and announcements ----------------------------------------------------------


@main.command("scheduler")
def scheduler_command() -> None:
    """Run only the scheduler (reminders, announcements, escalations); a second one waits for the lock."""
    import signal
    import threading

    from bot.app import build_bot
    from bot.logs import configure_logging, enable_stack_dumps
    from scheduler.service import OutreachScheduler

    settings = _settings()
    configure_logging(settings.log_level)
    enable_stack_dumps()
    _prepare(settings)
    bot = build_bot(settings)
    runner = OutreachScheduler(bot, sync_seconds=settings.scheduler_sync_seconds)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: runner.stopping.set())
    try:
        runner.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        runner.stopping.set()
        bot.close()


def _register_groups() -> None:
    """Commands that live in their own modules are only registered here."""
    from bot.cli_announce import announce, contacts
    from bot.cli_school import school
    from bot.cli_volunteers import volunteers
    from bot.demo.commands import demo_data_command
    from bot.report.commands import report_command

    for command in (announce, contacts, report_command, demo_data_command, volunteers, school):
        main.add_command(command)


_register_groups()
