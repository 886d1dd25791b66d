# Dates as a Dutch reader writes them on forms and letters: 14-03-1988 (Django's own nl format drops
# the leading zeros, 14-3-1988). Input formats stay Django's.
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
