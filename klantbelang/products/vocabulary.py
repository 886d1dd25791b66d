"""Product categories and provider types (plain values, usable without Django)."""

CATEGORIES = (
    "mortgage", "term_life", "funeral", "income_protection", "pension_annuity", "investment_fund",
    "structured_note", "savings", "home", "liability", "car", "travel",
)
PROVIDER_TYPES = ("insurer", "bank", "asset_manager", "pension_provider")
STATUSES = ("active", "closed")
SFDR_ARTICLES = (6, 8, 9)
INVESTMENT_CATEGORIES = frozenset({"investment_fund", "structured_note", "pension_annuity", "savings"})
