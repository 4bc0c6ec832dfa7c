"""The site generator: pure Python and Jinja2, no MkDocs imports, so it outlives the choice of MkDocs.

Pages written by organizers carry markers such as `<!-- portal:complaint-form -->`; the generator
replaces each marker with HTML built from content/data and from the API's own request schemas,
so the form a visitor fills in and the validation the server applies cannot drift apart.
"""
