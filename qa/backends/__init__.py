"""Where indexes live: the roles ranking reads them through (base.py) and their implementations."""
