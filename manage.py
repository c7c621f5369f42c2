#!/usr/bin/env python
import os
import sys


def main():
    # Like config.wsgi: production unless told otherwise, so that a command run on a server
    # without a word about settings never gets debug pages or an embedded database. Local
    # work names its settings (the Makefile does; see README, "Configuration").
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
