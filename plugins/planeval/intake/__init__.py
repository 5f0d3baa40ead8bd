"""Intake: files found in the units' inboxes (``inbox``), archived write-once (``archive``), read into typed
cells whatever their layout (``guards``, ``readers``, ``cells``, ``documents``), and answered with a receipt
(``receipts``) with the unit's workbook back, annotated (``annotate``); also the pre-filled forms units
receive (``unit_forms``) and the narrative reports split into the framework's sections, their internal notes
and template artefacts taken out (``narrative``).

May import: planeval.catalog and the foundation modules (settings, records, files, dates, safetext).
"""
