"""Builds the one compiled module, ``bot.mplus._order_walk`` (see its docstring for why).

It is optional: where no C compiler is at hand the install still succeeds and orders are read by the
pure-Python shaper (``bot.mplus.order_xml``), only slower. Everything else is in pyproject.toml.
"""

import lxml
from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "bot.mplus._order_walk",
            ["bot/mplus/_order_walk.pyx"],
            include_dirs=lxml.get_include(),
            optional=True,
        )
    ]
)
