"""Experiment configs (big_vision style): each file's `get_config(arg)` returns an
ml_collections.ConfigDict and its docstring is its run book. Installed as the package
`canvasdraw_configs`, so configs may build on one another and `canvasdraw demo` reads the same
values. Select a variant on the command line with `--config FILE.py:ARG`."""


def parse_arg(arg: str | None, **defaults) -> dict:
    """'key=value,key=value' (or a lone value for the first key) -> {key: value} over `defaults`;
    unknown keys are a ValueError naming the known ones."""
    values = dict(defaults)
    for i, item in enumerate(filter(None, (arg or "").split(","))):
        key, sep, value = item.partition("=")
        if not sep:
            key, value = next(iter(defaults)) if i == 0 else "", item
        if key not in values:
            raise ValueError(f"unknown config argument {item!r}: use {', '.join(f'{k}=' for k in defaults)}")
        values[key] = value
    return values
