#!/usr/bin/env python3
"""Django's command line for the minimal site the browser tests run next to the Node demo."""
import os
import sys

if __name__ == '__main__':
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'demo_site.settings')
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
