"""The Textual reviewer. Import :mod:`scrubber.review.app` for the app itself (this package import stays light)."""
