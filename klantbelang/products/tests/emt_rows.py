"""Hand-written EMT files for the tests."""

HEADER_V4 = [
    "00010_Financial_Instrument_Identifying_Data", "00030_Financial_Instrument_Name",
    "01010_Investor_Type_Retail", "01020_Investor_Type_Professional", "02010_Basic_Investor",
    "02020_Informed_Investor", "02030_Advanced_Investor", "03010_Compatible_With_Clients_Who_Can_Not_Bear_Capital_Loss",
    "03020_Compatible_With_Clients_Who_Can_Bear_Limited_Capital_Loss", "03030_Limited_Capital_Loss_Level",
    "03040_Compatible_With_Clients_Who_Do_Not_Need_Capital_Guarantee",
    "03050_Compatible_With_Clients_Who_Can_Bear_Loss_Beyond_Capital", "04010_Risk_Tolerance_PRIIPS_Methodology",
    "05010_Return_Profile_Preservation", "05020_Return_Profile_Growth", "05030_Return_Profile_Income",
    "05040_Return_Profile_Hedging", "05050_Option_or_Leveraged_Return_Profile",
    "05080_Minimum_Recommended_Holding_Period", "06010_Execution_Only",
    "06020_Execution_With_Appropriateness_Test_Or_Non_Advised_Services", "06030_Investment_Advice",
    "06040_Portfolio_Management", "99999_Distributor_Commission",
]
# V1-style names for the same numbers: only the 5-digit prefix counts.
HEADER_V1 = [name.split("_", 1)[0] + "_" + "X" * 3 for name in HEADER_V4]

GOOD = ["NL0000000001", "Defensief Mixfonds", "Y", "Y", "Y", "Y", "Y", "N", "Y", "0.1", "Y", "N", "3",
        "Neutral", "Y", "neutral", "N", "N", "M", "N", "Y", "Y", "Y", "0.5"]
SECOND = ["NL0000000002", "Wereld Aandelen", "yes", "Yes", "n", "y", "Y", "no", "NO", "", "Y", "N", "5",
          "N", "Y", "", "", "N", "7", "N", "Neutral", "Y", "Y", "0.7"]


def emt(rows, *, header=HEADER_V4, delimiter=";", bom=True) -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    return ("\ufeff" if bom else "").encode() + "\r\n".join(lines).encode("utf-8")


def changed(row, field_number, value):
    index = next(i for i, name in enumerate(HEADER_V4) if name.startswith(field_number))
    return [*row[:index], value, *row[index + 1:]]
