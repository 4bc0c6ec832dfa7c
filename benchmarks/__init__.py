"""Measurements for `make bench`: numbers to report, never assertions inside the test suite."""
