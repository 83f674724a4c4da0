"""Words that make readable short-link slugs such as ``gentle-mossy-otter``.

Every word is lowercase ASCII letters only (no hyphens, so a slug always splits into three
words) and family friendly. The two lists share no word. Appending words is safe; removing or
reordering them changes which slugs a seeded random generator produces, so only append.
"""

from __future__ import annotations

import random

ADJECTIVES: tuple[str, ...] = (
    "able", "agile", "airy", "amber", "amiable", "ample", "ancient", "azure", "balmy", "bold",
    "bouncy", "brave", "breezy", "bright", "brisk", "bubbly", "busy", "calm", "candid", "careful",
    "cheerful", "chipper", "civil", "clever", "cosmic", "cosy", "crimson", "crisp", "cuddly",
    "curious", "dainty", "dapper", "daring", "dashing", "dazzling", "deft", "devoted", "dreamy",
    "dusky", "eager", "earnest", "elegant", "emerald", "epic", "exact", "fabled", "fair",
    "famous", "fancy", "fearless", "feathered", "festive", "fine", "fleet", "fluffy", "focused",
    "fond", "frank", "fresh", "friendly", "frosty", "fuzzy", "gallant", "gentle", "giddy",
    "gifted", "glad", "gleaming", "glossy", "glowing", "golden", "graceful", "grand", "grateful",
    "green", "happy", "hardy", "hazel", "hearty", "helpful", "heroic", "honest", "hopeful",
    "humble", "humming", "indigo", "ivory", "jade", "jaunty", "jolly", "jovial", "joyful", "keen",
    "kind", "kindly", "lilac", "lively", "loyal", "lucky", "lunar", "lush", "majestic",
    "marbled", "mellow", "merry", "mighty", "mindful", "misty", "modest", "mossy", "neat",
    "nimble", "noble", "nocturnal", "oaken", "opal", "patient", "peaceful", "pearly", "perky",
    "placid", "plucky", "plush", "polar", "polite", "proud", "punctual", "quick", "quiet",
    "quirky", "radiant", "rainy", "rapid", "rare", "ready", "regal", "relaxed", "rosy", "royal",
    "rustic", "sandy", "scarlet", "serene", "sharp", "shiny", "silent", "silky", "silver",
    "simple", "sincere", "sleek", "smart", "smooth", "snappy", "snowy", "snug", "soft", "solar",
    "sparkly", "speedy", "spirited", "splendid", "spotted", "sprightly", "steady", "stellar",
    "stormy", "striped", "sturdy", "sunny", "swift", "tawny", "teal", "tidy", "tiny", "tranquil",
    "tropical", "trusty", "twinkly", "upbeat", "valiant", "vast", "velvet", "verdant", "vibrant",
    "vivid", "wandering", "warm", "wavy", "whimsical", "whistling", "windy", "wintry", "wise",
    "witty", "woolly", "zany", "zealous", "zesty", "zippy",
)  # fmt: skip

ANIMALS: tuple[str, ...] = (
    "aardvark", "albatross", "alpaca", "anchovy", "anole", "ant", "anteater", "antelope",
    "armadillo", "avocet", "axolotl", "badger", "barnacle", "barracuda", "bat", "beaver", "bee",
    "beetle", "bison", "blackbird", "bluebird", "boar", "bobcat", "bonobo", "budgerigar",
    "buffalo", "bullfinch", "bumblebee", "butterfly", "buzzard", "camel", "capybara", "caribou",
    "cassowary", "caterpillar", "catfish", "chameleon", "cheetah", "chickadee", "chinchilla",
    "chipmunk", "cicada", "clam", "cod", "condor", "coral", "cormorant", "cougar", "coyote",
    "crab", "crane", "cricket", "crocodile", "crow", "cuckoo", "curlew", "cuttlefish", "deer",
    "dingo", "dolphin", "donkey", "dormouse", "dove", "dragonfly", "duck", "dugong", "eagle",
    "echidna", "eel", "egret", "eland", "elephant", "elk", "emu", "falcon", "ferret", "finch",
    "firefly", "flamingo", "flounder", "fox", "frog", "gazelle", "gecko", "gerbil", "gibbon",
    "giraffe", "gnu", "goat", "goldfinch", "goose", "gopher", "gorilla", "grasshopper", "grouse",
    "gull", "hamster", "hare", "hawk", "hedgehog", "heron", "herring", "hippo", "hornet",
    "horse", "hummingbird", "ibex", "ibis", "iguana", "impala", "jackal", "jaguar", "jay",
    "jellyfish", "kangaroo", "kestrel", "kingfisher", "kiwi", "koala", "kookaburra", "krill",
    "ladybird", "lemur", "leopard", "limpet", "lion", "lizard", "llama", "lobster", "lynx",
    "macaw", "magpie", "mallard", "manatee", "mandrill", "mantis", "marmot", "meerkat", "mink",
    "mole", "mongoose", "moose", "moth", "mouse", "mussel", "narwhal", "newt", "nightingale",
    "ocelot", "octopus", "okapi", "opossum", "orca", "oriole", "oryx", "osprey", "ostrich",
    "otter", "owl", "ox", "oyster", "panda", "pangolin", "panther", "parrot", "partridge",
    "peacock", "pelican", "penguin", "pheasant", "pigeon", "pika", "platypus", "plover",
    "porcupine", "porpoise", "puffin", "puma", "quail", "quokka", "rabbit", "raccoon", "raven",
    "reindeer", "rhino", "robin", "salamander", "salmon", "sandpiper", "sardine", "scallop",
    "seahorse", "seal", "shrimp", "skylark", "sloth", "snail", "sparrow", "squid", "squirrel",
    "starfish", "starling", "stoat", "stork", "sturgeon", "swallow", "swan", "tapir", "tarsier",
    "termite", "tern", "tiger", "toad", "tortoise", "toucan", "trout", "tuna", "turtle", "vole",
    "vulture", "wallaby", "walrus", "warbler", "wasp", "weasel", "whale", "wildebeest", "wolf",
    "wombat", "woodpecker", "wren", "yak", "zebra",
)  # fmt: skip


def random_slug(rng: random.Random) -> str:
    """``adjective-adjective-animal``, with two different adjectives, drawn from ``rng``."""
    first, second = rng.sample(ADJECTIVES, 2)
    return f"{first}-{second}-{rng.choice(ANIMALS)}"
