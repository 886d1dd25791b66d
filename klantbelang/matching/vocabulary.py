"""The shared vocabulary of the matching engine (DESIGN: "Client profile JSON" and the EMT table).

Plain Python: no Django here, so the engine runs in a command, a worker or a notebook alike.
"""

CLIENT_TYPES = ("retail", "professional")
KNOWLEDGE_LEVELS = ("basic", "informed", "advanced")  # ordered
LOSS_LEVELS = ("none", "limited", "no_guarantee", "beyond_capital")  # ordered: each tolerates the ones before
OBJECTIVES = ("preservation", "growth", "income", "hedging", "leveraged")
SERVICES = ("execution_only", "non_advised", "advice", "portfolio_management")

# Answers of a target market: Y (in the target market), N (negative target market), neutral.
# A field the product's data leaves empty is None and is treated like neutral: warn.
YES, NO, NEUTRAL = "Y", "N", "neutral"

PASS, WARN, FAIL = "pass", "warn", "fail"
VERDICTS = (PASS, WARN, FAIL)

# The axes of every match, in output order; "need" and "entry_age" are added when the profile
# names a need type or an age (non-investment products).
BASE_AXES = ("client_type", "knowledge", "loss", "risk", "objectives", "horizon", "service", "sustainability")
EXTRA_AXES = ("need", "entry_age")
ALL_AXES = BASE_AXES + EXTRA_AXES

# Horizon codes of EMT field 05080, in years.
HORIZON_CODES = {"VS": 0.0, "S": 1.0, "M": 3.0, "L": 5.0}
