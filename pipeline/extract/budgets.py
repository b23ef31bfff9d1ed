"""Placeholder until the extractor lands."""


def run(doc) -> None:
    return None
