"""(filled in as the app grows)"""


def register() -> None:
    return None
