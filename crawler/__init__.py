"""govreports: find, clean and store Chinese government information disclosure annual reports."""

__version__ = "0.1.0"
