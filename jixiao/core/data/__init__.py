"""Data shipped with Jixiao: the starter indicator library, lexicons, default thresholds."""

from importlib.resources import files


def read_data(path: str) -> str:
    """The text of a data file under jixiao/core/data/, e.g. ``library/categories.json``."""
    return files(__name__).joinpath(path).read_text(encoding="utf-8")
