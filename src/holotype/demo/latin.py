"""Invented but plausible zoological and botanical names, and a taxonomy they are consistent with.

A genus is two Greek or Latin roots joined by a connecting vowel with a gendered ending
(*Melanophyllus*, *Leptocephala*, *Xanthodendrum*); a specific epithet agrees with it in gender
(*albus*/*alba*/*album*, *gracilis*/*gracile*) or is a patronym (*wallacei*) or a place name
(*nairobiensis*). Each genus belongs to one family, named after a type genus as the codes of
nomenclature do (*Melanophyllidae* for animals, *Melanophyllaceae* for plants and fungi); each
family belongs to one order, each order to one class of :data:`CLASSES`.

Everything is drawn from a seeded generator, so the same seed gives the same taxonomy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from holotype.demo.words import PLACES, SURNAMES

#: kingdom, phylum, class, collection code, department, sub-department, preparation kinds,
#: and the ending of the class's order names.
CLASSES = (
    ("Animalia", "Arthropoda", "Insecta", "BMNH(E)", "Entomology", "Coleoptera", "optera"),
    ("Animalia", "Chordata", "Aves", "ZOO", "Zoology", "Birds", "iformes"),
    ("Animalia", "Mollusca", "Gastropoda", "ZOO", "Zoology", "Mollusca", "ida"),
    ("Plantae", "Tracheophyta", "Magnoliopsida", "BOT", "Botany", "Gen Herb", "ales"),
    ("Plantae", "Bryophyta", "Bryopsida", "BOT", "Botany", "Bryophytes", "ales"),
    ("Fungi", "Basidiomycota", "Agaricomycetes", "BOT", "Botany", "Fungi", "ales"),
    ("Animalia", "Chordata", "Mammalia", "ZOO", "Zoology", "Mammals", "ia"),
    ("Animalia", "Arthropoda", "Arachnida", "BMNH(E)", "Entomology", "Arachnida", "ida"),
    ("Animalia", "Mollusca", "Bivalvia", "PAL", "Palaeontology", "Invertebrates", "ida"),
)

_FIRST = (
    "acanth", "aeg", "agr", "amph", "andr", "anth", "arct", "argyr", "aster", "aul", "brachy",
    "bry", "call", "carab", "cephal", "chlor", "chrys", "cten", "cyan", "dasy", "dendr", "dicr",
    "erythr", "eu", "glyph", "gymn", "haem", "heli", "heter", "hydr", "lamp", "lept", "leuc",
    "lith", "macr", "mega", "melan", "micr", "myrm", "neo", "ochr", "odont", "orth", "pachy",
    "phyll", "plat", "poly", "pseud", "pter", "rhin", "rhod", "sten", "tachy", "trich", "xanth",
    "xyl", "zyg",
)
_SECOND = (
    "bates", "bius", "carp", "ceph", "cer", "chil", "clad", "cnem", "cor", "dact", "derm",
    "dont", "gast", "glott", "gnath", "lab", "lep", "lob", "mer", "morph", "myz", "nem", "not",
    "phag", "phor", "phyll", "pod", "pter", "rhyn", "scel", "som", "spor", "stom", "thec",
    "thrix", "ton", "trop", "zon",
)
#: adjective stems of the first and second declension (-us, -a, -um)
_ADJ_US = (
    "alb", "angust", "aure", "barbat", "brunne", "caerule", "cinere", "crassicorn", "elegant",
    "elongat", "ferrugine", "flav", "fusc", "glabrat", "hirsut", "lat", "long", "lute", "maculat",
    "magn", "marginat", "minut", "nigrit", "obscur", "ornat", "pallid", "parv", "punctat", "robust",
    "rubid", "rufipenn", "sanguine", "striat", "sylvatic", "tenu", "variegat", "virid", "vulgar",
)
#: adjective stems of the third declension (-is, -is, -e)
_ADJ_IS = (
    "austral", "boreal", "brev", "commun", "fragil", "gracil", "humil", "littoral", "mirabil",
    "nobil", "occidental", "oriental", "simil", "tropical", "agil",
)
_ENDS_US = ("us", "a", "um")
_ENDS_IS = ("is", "is", "e")
#: authors of names (a few of the great describers, then the collectors' surnames)
_AUTHORS = (
    "Linnaeus", "Fabricius", "Latreille", "Walker", "Boisduval", "Gray", "Hooker", "Lamarck",
    "Westwood", "Meyrick", "Distant", "Kirby", "Schaus", "Druce", "Hampson", "Bentham",
    "Swartz", "Fries", "Sowerby", "Thomas", "Blanford", "Sharp", "Bates", "Jordan",
)

#: Binomials as the demo writes them: a capitalised genus and a lower-case epithet.
BINOMIAL = r"[A-Z][a-z]+ [a-z]+"


@dataclass(frozen=True)
class Taxonomy:
    """Species and their higher taxa, as parallel arrays indexed by species."""

    genus: np.ndarray  # genus name of each species
    epithet: np.ndarray
    authorship: np.ndarray  # "Author, year" or "(Author, year)"
    family: np.ndarray
    order: np.ndarray
    klass: np.ndarray  # index into CLASSES


def _genus(rng: np.random.Generator) -> tuple[str, int]:
    """A genus name and its gender (0 masculine, 1 feminine, 2 neuter)."""
    first = _FIRST[int(rng.integers(len(_FIRST)))]
    second = _SECOND[int(rng.integers(len(_SECOND)))]
    join = "" if first[-1] in "aeiouy" else "o"
    gender = int(rng.choice(3, p=(0.5, 0.4, 0.1)))
    return (first + join + second + _ENDS_US[gender]).capitalize(), gender


def _epithet(rng: np.random.Generator, gender: int) -> str:
    kind = rng.random()
    if kind < 0.55:
        return _ADJ_US[int(rng.integers(len(_ADJ_US)))] + _ENDS_US[gender]
    if kind < 0.75:
        return _ADJ_IS[int(rng.integers(len(_ADJ_IS)))] + _ENDS_IS[gender]
    if kind < 0.9:
        return SURNAMES[int(rng.integers(len(SURNAMES)))].lower() + "i"  # a patronym
    place = PLACES[int(rng.integers(len(PLACES)))].lower()
    return place.rstrip("aeiou") + "ensis"


def _author(rng: np.random.Generator) -> str:
    name = f"{_AUTHORS[int(rng.integers(len(_AUTHORS)))]}, {int(rng.integers(1758, 2021))}"
    return f"({name})" if rng.random() < 0.3 else name


def build_taxonomy(rng: np.random.Generator, n_species: int) -> Taxonomy:
    """``n_species`` species in about ``n_species / 6`` genera, ``/ 40`` families."""
    genera: dict[str, int] = {}
    while len(genera) < max(1, n_species // 6):
        name, gender = _genus(rng)
        genera.setdefault(name, gender)
    genus_names = sorted(genera)
    n_families = max(1, len(genus_names) // 7)
    n_orders = max(1, n_families // 6)
    order_class = rng.integers(0, len(CLASSES), n_orders)
    family_order = rng.integers(0, n_orders, n_families)
    genus_family = rng.integers(0, n_families, len(genus_names))
    # A family is named after its first genus (its type genus); an order after a family's stem.
    family_names: list[str] = []
    for f in range(n_families):
        members = np.flatnonzero(genus_family == f)
        type_genus = genus_names[int(members[0])] if len(members) else _genus(rng)[0]
        animal = CLASSES[int(order_class[family_order[f]])][0] == "Animalia"
        family_names.append(_stem(type_genus) + ("idae" if animal else "aceae"))
    order_names = [
        _stem(_genus(rng)[0]) + CLASSES[int(order_class[o])][6] for o in range(n_orders)
    ]
    seen: set[tuple[str, str]] = set()
    rows: list[tuple[str, str, str, int]] = []
    while len(rows) < n_species:
        g = int(rng.integers(len(genus_names)))
        pair = (genus_names[g], _epithet(rng, genera[genus_names[g]]))
        if pair not in seen:
            seen.add(pair)
            rows.append((*pair, _author(rng), g))
    g_idx = np.array([r[3] for r in rows])
    fam = genus_family[g_idx]
    order = family_order[fam]
    return Taxonomy(
        genus=np.array([r[0] for r in rows], dtype=object),
        epithet=np.array([r[1] for r in rows], dtype=object),
        authorship=np.array([r[2] for r in rows], dtype=object),
        family=np.array(family_names, dtype=object)[fam],
        order=np.array(order_names, dtype=object)[order],
        klass=order_class[order],
    )


def _stem(genus: str) -> str:
    """The stem family and order names are built on (*Melanophyllus* → *Melanophyll*)."""
    for ending in ("us", "um", "a"):
        if genus.endswith(ending):
            return genus[: -len(ending)]
    return genus
