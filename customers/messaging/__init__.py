"""Messages to customers: acknowledgements, promised times, resolutions, surveys, callbacks.

A service of ``customers`` that the apps above it call (complaints/messages.py), so it may know
customers and contacts but never complaints: what a message is about is a generic relation, and
the text comes from templates owners edit, filled with values the caller hands over.
"""
