"""API keys of LMS integrators (tables and queries): see the REST API issue."""
