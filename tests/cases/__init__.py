"""Registry cases by family: each module here defines ``CASES`` (and, where it needs them,
``COVERED_BY`` and ``NOT_OPS``) with the strategies of :mod:`tests.registry`; the registry gathers
every module in this folder, so a new family is one new file."""
