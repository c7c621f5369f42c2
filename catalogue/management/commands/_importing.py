"""What the import commands share: progress display, dry-run flag and the summary."""

import time

from django.core.management.base import BaseCommand, CommandError

from catalogue.imports import ImportFileError


class Progress:
    """A progress bar on a terminal; a plain line every few seconds otherwise (logs, CI)."""

    def __init__(self, stream, total: int, label: str, interval: float = 2.0):
        self.stream, self.total, self.label, self.interval = stream, total, label, interval
        self.bar = None
        self.last_line = 0.0
        if getattr(stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=label, unit="row", file=stream, leave=False)

    def __call__(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done - self.bar.n)
            return
        now = time.monotonic()
        if now - self.last_line >= self.interval or done == self.total:
            self.last_line = now
            self.stream.write(f"{self.label}: {done}/{self.total} rows\n")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class ImportCommand(BaseCommand):
    label = "import"

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be created, updated and left alone, and change nothing.",
        )

    def run_import(self, do_import, total: int, **kwargs):
        # Progress goes to the raw error stream: tqdm redraws its line with carriage returns.
        progress = Progress(self.stderr._out, total, self.label)
        started = time.monotonic()
        try:
            report = do_import(progress=progress, **kwargs)
        except ImportFileError as error:
            raise CommandError(f"{error}. Nothing was imported.") from error
        finally:
            progress.close()
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"{self.label}: done in {time.monotonic() - started:.1f} s")
        return report
