"""Composition root: settings, application, HTTP API, delivery channels and wiring."""
