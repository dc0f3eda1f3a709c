"""Texts for the demo organisation: a Finnish public health and welfare institute and its clients.

Names of people are invented. Clients are kinds of organisations such an institute really visits;
their business IDs are made up.
"""

DEPARTMENTS = [
    ("TH", "Terveys ja hyvinvointi"),
    ("TT", "Tieto ja tutkimus"),
]

# (code, name, department code, headcount)
UNITS = [
    ("TH-TE", "Terveyden edistäminen", "TH", 18),
    ("TH-YT", "Ympäristöterveys", "TH", 14),
    ("TH-MT", "Mielenterveys ja päihteet", "TH", 16),
    ("TH-LP", "Lapset, nuoret ja perheet", "TH", 15),
    ("TT-TR", "Tilastot ja rekisterit", "TT", 20),
    ("TT-TP", "Tutkimuspalvelut", "TT", 14),
    ("TT-TJ", "Tietojärjestelmät", "TT", 12),
    ("TT-VI", "Viestintä", "TT", 9),
    ("TT-JT", "Johdon tuki", "TT", 1),
]

FIRST_NAMES = [
    "Aino",
    "Eero",
    "Helmi",
    "Juhani",
    "Kaisa",
    "Lauri",
    "Maija",
    "Niko",
    "Outi",
    "Pekka",
    "Riikka",
    "Sami",
    "Tiina",
    "Ville",
    "Anni",
    "Jussi",
    "Hanna",
    "Markku",
    "Elina",
    "Tuomas",
    "Satu",
    "Antti",
    "Laura",
    "Mikko",
    "Johanna",
    "Heikki",
    "Sanna",
    "Petri",
    "Minna",
    "Kari",
    "Emilia",
    "Olli",
    "Noora",
    "Jari",
    "Katja",
    "Timo",
    "Veera",
    "Harri",
    "Linnea",
    "Arto",
]

LAST_NAMES = [
    "Virtanen",
    "Korhonen",
    "Mäkinen",
    "Nieminen",
    "Mäkelä",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Lehtinen",
    "Saarinen",
    "Salminen",
    "Heinonen",
    "Niemi",
    "Heikkilä",
    "Kinnunen",
    "Salonen",
    "Turunen",
    "Salo",
    "Laitinen",
    "Tuominen",
    "Rantanen",
    "Karjalainen",
    "Jokinen",
    "Mattila",
    "Savolainen",
    "Lahtinen",
    "Ahonen",
]

TITLES = [
    "Erikoistutkija",
    "Tutkija",
    "Kehittämispäällikkö",
    "Asiantuntija",
    "Erityisasiantuntija",
    "Tilastoasiantuntija",
    "Suunnittelija",
    "Tietoasiantuntija",
    "Projektipäällikkö",
]

LEADERSHIP_TITLES = ["Yksikön päällikkö", "Johtaja", "Ryhmäpäällikkö"]

# (name, kind, region)
CLIENTS = [
    ("Helsingin kaupunki", "municipality", "Uusimaa"),
    ("Espoon kaupunki", "municipality", "Uusimaa"),
    ("Vantaan kaupunki", "municipality", "Uusimaa"),
    ("Tampereen kaupunki", "municipality", "Pirkanmaa"),
    ("Turun kaupunki", "municipality", "Varsinais-Suomi"),
    ("Oulun kaupunki", "municipality", "Pohjois-Pohjanmaa"),
    ("Jyväskylän kaupunki", "municipality", "Keski-Suomi"),
    ("Kuopion kaupunki", "municipality", "Pohjois-Savo"),
    ("Lahden kaupunki", "municipality", "Päijät-Häme"),
    ("Porin kaupunki", "municipality", "Satakunta"),
    ("Joensuun kaupunki", "municipality", "Pohjois-Karjala"),
    ("Rovaniemen kaupunki", "municipality", "Lappi"),
    ("Seinäjoen kaupunki", "municipality", "Etelä-Pohjanmaa"),
    ("Vaasan kaupunki", "municipality", "Pohjanmaa"),
    ("Kajaanin kaupunki", "municipality", "Kainuu"),
    ("Mikkelin kaupunki", "municipality", "Etelä-Savo"),
    ("Kotkan kaupunki", "municipality", "Kymenlaakso"),
    ("Pirkanmaan hyvinvointialue", "wellbeing_county", "Pirkanmaa"),
    ("Varsinais-Suomen hyvinvointialue", "wellbeing_county", "Varsinais-Suomi"),
    ("Pohjois-Pohjanmaan hyvinvointialue", "wellbeing_county", "Pohjois-Pohjanmaa"),
    ("Keski-Suomen hyvinvointialue", "wellbeing_county", "Keski-Suomi"),
    ("Pohjois-Savon hyvinvointialue", "wellbeing_county", "Pohjois-Savo"),
    ("Lapin hyvinvointialue", "wellbeing_county", "Lappi"),
    ("Etelä-Pohjanmaan hyvinvointialue", "wellbeing_county", "Etelä-Pohjanmaa"),
    ("Satakunnan hyvinvointialue", "wellbeing_county", "Satakunta"),
    ("Päijät-Hämeen hyvinvointialue", "wellbeing_county", "Päijät-Häme"),
    ("Itä-Uudenmaan hyvinvointialue", "wellbeing_county", "Uusimaa"),
    ("Kainuun hyvinvointialue", "wellbeing_county", "Kainuu"),
    ("Sosiaali- ja terveysministeriö", "ministry_agency", "Uusimaa"),
    ("Opetus- ja kulttuuriministeriö", "ministry_agency", "Uusimaa"),
    ("Valtiovarainministeriö", "ministry_agency", "Uusimaa"),
    ("Opetushallitus", "ministry_agency", "Uusimaa"),
    ("Ruokavirasto", "ministry_agency", "Uusimaa"),
    ("Sosiaali- ja terveysalan lupa- ja valvontavirasto", "ministry_agency", "Uusimaa"),
    ("Tilastokeskus", "ministry_agency", "Uusimaa"),
    ("Kansaneläkelaitos", "ministry_agency", "Uusimaa"),
    ("Digi- ja väestötietovirasto", "ministry_agency", "Uusimaa"),
    ("Aluehallintovirasto, Länsi- ja Sisä-Suomi", "ministry_agency", "Pirkanmaa"),
    ("Mielenterveyden keskusliitto", "ngo", "Uusimaa"),
    ("Sosiaali- ja terveysjärjestöjen yhteistyöjärjestö", "ngo", "Uusimaa"),
    ("Hengitysliitto", "ngo", "Pirkanmaa"),
    ("Ehkäisevän päihdetyön järjestö", "ngo", "Uusimaa"),
    ("Lastensuojelun keskusliitto", "ngo", "Uusimaa"),
    ("Vanhustyön keskusliitto", "ngo", "Uusimaa"),
    ("Nuorisoseurat", "ngo", "Keski-Suomi"),
    ("Helsingin yliopisto", "university", "Uusimaa"),
    ("Tampereen yliopisto", "university", "Pirkanmaa"),
    ("Itä-Suomen yliopisto", "university", "Pohjois-Savo"),
    ("Oulun yliopisto", "university", "Pohjois-Pohjanmaa"),
    ("Turun yliopisto", "university", "Varsinais-Suomi"),
    ("Jyväskylän yliopisto", "university", "Keski-Suomi"),
    ("Åbo Akademi", "university", "Varsinais-Suomi"),
    ("Lapin ammattikorkeakoulu", "university", "Lappi"),
    ("Hyvinvointidata Oy", "company", "Uusimaa"),
    ("Hoivapolku Oy", "company", "Pirkanmaa"),
    ("Analytiikka Kuusi Oy", "company", "Pohjois-Pohjanmaa"),
    ("Terveysteknologia Aalto Oy", "company", "Uusimaa"),
    ("Kuntaliitto", "other", "Uusimaa"),
    ("Ahvenanmaan maakunnan hallitus", "other", "Ahvenanmaa"),
    ("Pohjoismainen hyvinvointikeskus", "other", "Uusimaa"),
]

THEMES = [
    (
        "Tietopalvelut ja neuvonta",
        "Yksi paikka, josta asiakas löytää hyvät käytännöt ja tutkimustiedon.",
    ),
    ("Indikaattorit ja mittarit", "Yhteiset kansalliset indikaattorit ja niiden aikataulut."),
    ("Tilastot ja avoin data", "Tilastojen löytäminen ja käyttö, avoin data tarkemmalla alueella."),
    ("Koulutus ja osaaminen", "Koulutukset ja perehdytys asiakkaiden työn tueksi."),
    ("Yhteistyö ja viestintä", "Yhteinen vuosikello, teemaviikot, tapahtumat ja julkaisut."),
    ("Tutkimusyhteistyö", "Yhteiset hankkeet ja tutkimus- ja tietopalvelujen yhteyspiste."),
]

# (title, the client's words, theme index)
IDEAS = [
    (
        "Neuvontapalvelu hyviin käytäntöihin",
        "Toivomme yhtä neuvontapistettä, joka ohjaa meidät suoraan hyviin käytäntöihin ja "
        "tuoreeseen tutkimukseen, kun valmistelemme palveluja.",
        0,
    ),
    (
        "Kansalliset yhteiset indikaattorit",
        "Tarvitsemme tiedon siitä, mitkä yhteiset kansalliset indikaattorit ovat tulossa ja "
        "milloin, jotta voimme suunnitella omat seurantamme niiden mukaan.",
        1,
    ),
    (
        "Apua tilastokuutioiden käyttöön",
        "Tilastokuutiot ovat vaikeakäyttöisiä. Lyhyt opas tai yhteinen työpaja auttaisi meitä "
        "löytämään ja käyttämään tilastoja itse.",
        2,
    ),
    (
        "Riskinarviointikoulutus terveystarkastajille",
        "Terveystarkastajamme hyötyisivät käytännönläheisestä riskinarvioinnin koulutuksesta.",
        3,
    ),
    (
        "Avoin data tarkemmalla aluetasolla",
        "Julkaiskaa avointa dataa myös postinumero- tai ruututasolla, niin voimme kohdentaa "
        "palveluja alueille, joilla tarve on suurin.",
        2,
    ),
    (
        "Yhteinen vuosikello",
        "Yhteinen vuosikello teemaviikoista, tapahtumista ja julkaisuista auttaisi meitä "
        "ajoittamaan oman viestintämme.",
        4,
    ),
    (
        "Yksi yhteyspiste tutkimus- ja tietopalveluihin",
        "Emme aina tiedä, keneen ottaa yhteyttä. Yksi yhteyspiste tutkimus- ja tietopalveluille "
        "säästäisi molempien aikaa.",
        5,
    ),
    (
        "Indikaattorien tulkintaohje päättäjille",
        "Valtuutetut kysyvät usein, mitä luvut tarkoittavat. Lyhyt tulkintaohje auttaisi.",
        1,
    ),
    (
        "Alueelliset tietoiskut hyvinvointialueille",
        "Vuosittainen tietoisku oman alueen luvuista olisi meille arvokas.",
        0,
    ),
    (
        "Rekisteriaineistojen luvitus selkeämmäksi",
        "Aineistolupien hakeminen on raskasta. Malliesimerkit ja tarkistuslista auttaisivat.",
        5,
    ),
    (
        "Verkkokurssi ehkäisevästä päihdetyöstä",
        "Lyhyt verkkokurssi ehkäisevästä päihdetyöstä sopisi uusien työntekijöiden perehdytykseen.",
        3,
    ),
    (
        "Uutiskirje kuntien hyvinvointityöhön",
        "Kuukausittainen koonti uusista julkaisuista ja työkaluista kuntien hyvinvointityöhön.",
        4,
    ),
    (
        "Yhteinen kehittämishanke vanhuspalveluihin",
        "Haluaisimme käynnistää yhteisen kehittämishankkeen vanhuspalvelujen laadun mittaamiseen.",
        5,
    ),
    (
        "Rajapinta tilastotietoihin",
        "Koneluettava rajapinta tilastoihin säästäisi analyytikoidemme aikaa.",
        2,
    ),
]

VISIT_NOTES = [
    "Asiakas kertoi, että tiedon löytäminen vie liikaa aikaa.",
    "Kuuntelimme, miten asiakas käyttää julkaisujamme arjessa.",
    "Asiakas toivoi tiiviimpää yhteydenpitoa ja yhteisiä tapaamisia.",
    "Saimme hyvän kuvan alueen tarpeista ja tulevista muutoksista.",
    "Asiakas kiitti aiemmasta yhteistyöstä ja toivoi jatkoa.",
    "Keskustelimme siitä, mitä tietoa päätöksenteko tarvitsee.",
    "",
]

CAMPAIGN_NAMES = {
    "fi": "Sopiiko tulla kylään?",
    "sv": "Får vi komma på besök?",
    "en": "May we come visit?",
}
PREVIOUS_CAMPAIGN_NAMES = {
    "fi": "Sopiiko tulla kylään? (edellinen)",
    "sv": "Får vi komma på besök? (föregående)",
    "en": "May we come visit? (previous)",
}

VISIT_DEFINITION = {
    "fi": (
        "Noin tunnin käynti asiakkaan luona, josta suurin osa kuunnellaan asiakasta – "
        "tapaaminen, jota ei olisi ollut ilman kampanjaa."
    ),
    "sv": (
        "Ett besök på ungefär en timme hos kunden, där vi största delen av tiden lyssnar på "
        "kunden – ett möte som inte hade blivit av utan kampanjen."
    ),
    "en": (
        "A visit of about an hour at the client's, most of it spent listening to the client – "
        "a meeting that would not have happened without the campaign."
    ),
}

CAMPAIGN_MESSAGE = {
    "fi": (
        "Lähdemme kylään kuuntelemaan. Jokainen käynti kertoo meille jotain, mitä emme "
        "työpöydän ääressä saisi selville. Johtoryhmä on jo liikkeellä – tule mukaan!"
    ),
    "sv": (
        "Vi går på besök för att lyssna. Varje besök lär oss något som vi aldrig skulle få "
        "veta vid skrivbordet. Ledningsgruppen är redan i farten – häng med!"
    ),
    "en": (
        "We go visiting to listen. Every visit tells us something we would never find out at "
        "our desks. The management team is already on its way – join us!"
    ),
}

# What clients answered to "what should we do next?" on the feedback link.
CLIENT_NEXT_STEPS = [
    "",
    "Tulkaa uudelleen ensi vuonna, ja tuokaa tilastoasiantuntija mukaan.",
    "Kertokaa, milloin uudet indikaattorit julkaistaan.",
    "Yhteinen vuosikello tapahtumista auttaisi meitä suunnittelemaan.",
    "Järjestäkää koulutus tietokantojen käytöstä.",
    "Hyvä keskustelu, jatketaan tästä.",
]


# Other organisations in the challenge, as their feeds last told us: (organisation, feed address,
# staff on the roster, days their campaign started before ours, counted visits per day, ideas per
# visit). Their addresses end in .invalid, so fetching them never reaches anyone.
CHALLENGE_PEERS = [
    (
        "Esimerkkivirasto",
        "https://kylaan.esimerkkivirasto.invalid/challenge/sopiiko-tulla-kylaan/feed.json",
        340,
        8,
        5.5,
        0.21,
    ),
    (
        "Malliseudun hyvinvointialue",
        "https://kylaan.malliseutu.invalid/challenge/kylaan-2026/feed.json",
        2100,
        -3,
        9.0,
        0.3,
    ),
]
