"""The exceptions the command line turns into one line on stderr (canvasdraw.cli.main)."""


class UserError(Exception):
    """A mistake in what the user asked for; the CLI prints it as one line and exits 2."""


class NonFiniteLossError(RuntimeError):
    """A training loss became NaN or inf; the last good checkpoint is kept. The CLI exits 1."""
