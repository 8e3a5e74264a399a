"""The HTTP API: commands in (``POST /api/v1/hendelser``), cases, timelines and audit logs out.

``service.http.lag_api`` builds the FastAPI application around a ``Core``; access rules live in
``domain.tilgang`` and the audit log of reads in ``service.compliance.audit``.
"""
