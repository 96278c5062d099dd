"""Where generated clients and properties are: cities with their postal code prefixes and
phone area codes (mostly the US, some Canada, Britain, Mexico and Australia), and streets."""

from dataclasses import dataclass

from crewdesk.sampledata.bulk.names import name_list


@dataclass(frozen=True)
class City:
    name: str
    region: str
    postal_prefix: str  # US: first 3 ZIP digits; CA: FSA; GB: outward code; MX/AU: first digits
    area_codes: tuple[str, ...]  # US/CA area codes, or a national prefix elsewhere


def _cities(rows: str) -> list[City]:
    cities = []
    for row in rows.strip().splitlines():
        name, region, prefix, codes = (part.strip() for part in row.split("|"))
        cities.append(City(name, region, prefix, tuple(codes.split())))
    return cities


US_CITIES = _cities(
    """
    Austin|TX|787|512 737
    Round Rock|TX|786|512 737
    Houston|TX|770|713 281 832
    Dallas|TX|752|214 469 972
    San Antonio|TX|782|210
    Phoenix|AZ|850|602 480 623
    Scottsdale|AZ|852|480
    Tucson|AZ|857|520
    Los Angeles|CA|900|213 310 323 818
    San Diego|CA|921|619 858
    San Jose|CA|951|408 669
    San Francisco|CA|941|415 628
    Sacramento|CA|958|916
    Palm Springs|CA|922|760 442
    Seattle|WA|981|206 425
    Portland|OR|972|503 971
    Denver|CO|802|303 720
    Salt Lake City|UT|841|801 385
    Las Vegas|NV|891|702 725
    Chicago|IL|606|312 773 872
    Minneapolis|MN|554|612 952
    Detroit|MI|482|313
    Columbus|OH|432|614
    Cleveland|OH|441|216
    Indianapolis|IN|462|317
    Nashville|TN|372|615 629
    Atlanta|GA|303|404 470 678
    Savannah|GA|314|912
    Miami|FL|331|305 786
    Orlando|FL|328|407 321
    Tampa|FL|336|813
    Naples|FL|341|239
    Destin|FL|325|850
    Charlotte|NC|282|704 980
    Raleigh|NC|276|919 984
    Asheville|NC|288|828
    Charleston|SC|294|843 854
    Myrtle Beach|SC|295|843
    Washington|DC|200|202
    Baltimore|MD|212|410 443
    Philadelphia|PA|191|215 267
    Pittsburgh|PA|152|412
    New York|NY|100|212 646 917
    Brooklyn|NY|112|718 347 929
    Boston|MA|021|617 857
    Newark|NJ|071|973 862
    New Orleans|LA|701|504
    Kansas City|MO|641|816
    St. Louis|MO|631|314
    Albuquerque|NM|871|505
    Honolulu|HI|968|808
    Anchorage|AK|995|907
    Boise|ID|837|208
    Omaha|NE|681|402 531
    """
)
CA_CITIES = _cities(
    """
    Toronto|ON|M5V M4C M6K M4W|416 647 437
    Vancouver|BC|V6B V5K V6K|604 778
    Montréal|QC|H2X H3A H2J|514 438
    Calgary|AB|T2P T3A|403 587
    Ottawa|ON|K1P K2P|613 343
    """
)
GB_CITIES = _cities(
    """
    London|Greater London|SW1A EC1A N1 E2 W1A SE1|20
    Manchester|Greater Manchester|M1 M4 M20|161
    Glasgow|Scotland|G1 G12|141
    """
)
MX_CITIES = _cities(
    """
    Ciudad de México|CDMX|06 03 11|55
    Guadalajara|Jal.|44 45|33
    Monterrey|N.L.|64 66|81
    """
)
AU_CITIES = _cities(
    """
    Sydney|NSW|20 21|2
    Melbourne|VIC|30 31|3
    Brisbane|QLD|40 41|7
    """
)
COUNTRY_WEIGHTS = [("US", 90), ("CA", 4), ("GB", 2), ("MX", 2), ("AU", 2)]
STREET_NAMES = name_list(
    "Main, Oak, Maple, Cedar, Pine, Elm, Washington, Lake, Hill, Park, Sunset, Lincoln,"
    "Jefferson, Madison, Franklin, Highland, Church, Spring, Ridge, River, Meadow, Forest,"
    "Willow, Mill, Center, Chestnut, Walnut, Cherry, Jackson, Adams, Dogwood, Magnolia,"
    "Sycamore, Hickory, Birch, Aspen, Juniper, Laurel, Holly, 1st, 2nd, 3rd, 4th, 5th, 12th,"
    "Broadway, Market, College, Bayview, Ocean, Harbor, Mission, Camino del Sol, Calle Luna,"
    "Martin Luther King Jr, César Chávez, Peachtree, Bluebonnet, Live Oak, Pecan, Mockingbird,"
    "Riverside, Lakeshore, Valley View, Canyon, Prairie, Country Club, Old Mill, Fox Run"
)
STREET_TYPES = [
    ("St", "Street"),
    ("Ave", "Avenue"),
    ("Rd", "Road"),
    ("Blvd", "Boulevard"),
    ("Dr", "Drive"),
    ("Ln", "Lane"),
    ("Ct", "Court"),
    ("Way", "Way"),
    ("Pl", "Place"),
    ("Cir", "Circle"),
    ("Pkwy", "Parkway"),
    ("Ter", "Terrace"),
]
