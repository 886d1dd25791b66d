"""The financial planning core: a household and the year's legal figures in, scenarios and needs out.

Plain Python with no Django inside (import-linter keeps it so); see docs/planning.md.
"""

from .household import FieldError, Household, HouseholdInvalid, parse_household
from .needs import NEED_TYPES
from .parameters import (
           DEFAULT_PARAMETER_SET,
           ParameterSet,
           UnknownParameterSet,
           available_parameter_sets,
           load_parameters,
)
from .plan import plan

__all__ = ["DEFAULT_PARAMETER_SET", "NEED_TYPES", "FieldError", "Household", "HouseholdInvalid", "ParameterSet",
           "UnknownParameterSet", "available_parameter_sets", "load_parameters", "parse_household", "plan"]
