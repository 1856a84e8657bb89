"""Attachment bytes → report text: the 年报 published as PDF, DOCX, DOC/WPS or XLS(X) files.

:mod:`~crawler.extract.files.read` detects the kind and dispatches (``extract_attachment``) to one
reader per format — :mod:`~crawler.extract.files.pdf`, :mod:`~crawler.extract.files.docx`,
:mod:`~crawler.extract.files.msword` (``.doc``/``.wps``) and :mod:`~crawler.extract.files.sheets`
(``.xls``/``.xlsx``) — each giving the :class:`~crawler.extract.files.attachment.AttachmentText` of
:mod:`~crawler.extract.files.attachment`.
"""
