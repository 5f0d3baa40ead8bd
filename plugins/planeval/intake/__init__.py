"""Intake: files found in the units' inboxes (``inbox``), archived write-once (``archive``), read into typed
cells whatever their layout (``guards``, ``readers``, ``cells``, ``documents``), and answered with a receipt
(``receipts``); also the pre-filled forms units receive (``unit_forms``).

May import: planeval.catalog and the foundation modules (settings, records, files, dates).
"""
