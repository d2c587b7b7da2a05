"""Subcommands of `quizzes`. A command module exposes `register(subparsers)`, which adds its parser(s) and
sets `handler` (a function taking the parsed arguments and returning the exit code). Adding a command group:
write its module and list it in COMMAND_MODULES."""

COMMAND_MODULES = [
    "app.commands.db",
    "app.commands.bank",
    "app.commands.keys",
    # -- LTI platform commands --
    "app.commands.lti",
    # -- instructor sessions --
    "app.commands.instructors",
    # -- export commands --
    "app.commands.export",
]
