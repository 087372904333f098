"""Issue 12: every regular expression of the package runs in linear time on long hostile inputs.

Each compiled pattern found in a module is run over texts of the shapes that make backtracking patterns quadratic
(long runs of one letter, of white space, of hyphenated or capitalised words, of digits). A pattern that rescans a
run from each of its positions takes seconds on 20,000 characters; a linear one, milliseconds."""
import importlib
import pkgutil
import re
import time

import ceasefire

SHAPES = {"one token": "A" * 20_000, "lower case": "a" * 20_000, "capitalised words": "Kherson Sumy Oblast " * 1_000,
          "digits": "1" * 20_000, "digits spaced": "1 " * 10_000, "punctuation": "!?.," * 5_000,
          "hyphens": "a-" * 10_000, "capitalised hyphens": "Aa-" * 6_666, "spaces": " " * 20_000,
          "new lines": "\n" * 20_000, "cyrillic": "Б" * 20_000, "cyrillic words": "Херсон Суми " * 1_666,
          "commas": "a, " * 6_666, "distances": "20 km north of " * 1_333, "near": "near Kherson near " * 1_111,
          "quotes": '"' * 20_000, "brackets": "(" * 20_000, "mixed": "A1-b'C " * 2_857}


def _patterns():
    seen = {}
    for info in pkgutil.walk_packages(ceasefire.__path__, "ceasefire."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                seen.setdefault(id(value), (f"{info.name}.{name}", value))
    return list(seen.values())


def test_regex_every_pattern_of_the_package_is_linear_on_long_runs():
    patterns = _patterns()
    assert len(patterns) > 50  # the walk found the package's patterns
    slow = []
    for name, pattern in patterns:
        for shape, text in SHAPES.items():
            started = time.perf_counter()
            for _ in pattern.finditer(text):
                pass
            if time.perf_counter() - started > 0.25:
                slow.append(f"{name} on {shape}")
    assert not slow, slow
