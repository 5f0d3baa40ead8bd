"""Monitoring a campaign: obligations (unit × form × due date) and their statuses (``obligations``), what a
reminder lists (``reminders``), the admins' alert when a deadline has passed (``alerts``).

May import: planeval.catalog, planeval.warehouse and the foundation modules.
"""
