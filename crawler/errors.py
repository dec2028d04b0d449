"""The one base of the errors the library raises for what a user can fix (a bad seed, an
unusable data dir, a busy or damaged index...): its message says in one line what to do,
and the CLI prints just that."""


class KetadirError(Exception):
    """Something the user can fix; str() says how."""
