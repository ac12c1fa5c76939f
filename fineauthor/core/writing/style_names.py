"""Coined names for a writer's style, made offline from word lists.

Why a strange name: the system prompt of every example names the style ("You write in the
Brinewake Vesper style"). A name the model has rarely or never seen is split into several
tokens that, before training, mean little together; the fine-tune ties that sequence to the
examples' voice, and the name then calls the voice up without dragging in anything else. An
ordinary word ("Gothic") already means a great deal to the model and pulls in all of it.

Two kinds of coinage, both two words:

- a **compound and a noun**, such as "Brinewake Vesper": two parts that sound like a place or a
  thing and an evocative word;
- a **plain word and a clipped one**, such as "Breakwater Pocalypse": an everyday word and the
  end of a grand one (apocalypse), in the spirit of "Outline Mageddon".

A seed text (the writer's description of their style, or a passage) steers the choice: its mood
words ("tide", "ghost", "kiss", "neon", …) favour matching word lists. Nothing here is offensive
or a brand name we know of; the sample project's "Saltmarrow Hush" and the lesson's "Outline
Mageddon" are never suggested.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from fineauthor.core.dataset import tokens


@dataclass(frozen=True)
class _Mood:
    cues: frozenset[str]  # words in a seed text that call for this mood
    heads: tuple[str, ...]  # first parts of a compound
    tails: tuple[str, ...]  # second parts of a compound
    nouns: tuple[str, ...]  # the word after a compound
    plain: tuple[str, ...]  # the everyday word before a clipped one


def _mood(cues: str, heads: str, tails: str, nouns: str, plain: str) -> _Mood:
    return _Mood(
        frozenset(cues.split()),
        tuple(heads.split()),
        tuple(tails.split()),
        tuple(nouns.split()),
        tuple(plain.split()),
    )


_MOODS: dict[str, _Mood] = {
    "sea": _mood(
        "sea salt tide shore coast coastal wave harbour harbor gull drown boat ship fog sailor "
        "fisher island beach cliff lighthouse ocean brine storm",
        "Brine Tide Gull Kelp Shoal Wrack Drift Spray Surf Reef",
        "wake mere fall reach hollow combe wick fathom haven",
        "Vesper Undertow Lantern Litany Murmur Swell Elegy Shanty Hush Fathoms",
        "Breakwater Tideline Lighthouse Shoreline Driftwood Seaglass",
    ),
    "gothic": _mood(
        "dark ghost grave night blood shadow haunt haunted death crypt raven moon fear dread "
        "gothic horror bone candle ruin curse witch manor mourning grief",
        "Ash Raven Grave Candle Thorn Crypt Bone Wither Mourn Gloam",
        "lock moor shade veil bell crest stone mere hollow",
        "Requiem Vigil Nocturne Lament Reverie Dirge Orison Hush Threnody Evensong",
        "Nightfall Moonrise Eventide Threshold Lanternlight Belltower",
    ),
    "romance": _mood(
        "love kiss heart romance romantic desire longing summer rose honey tender wedding "
        "flirt passion blush lover swoon",
        "Rose Velvet Amber Blush Silk Ember Petal Dove Clover Linden",
        "heart bloom glow fern wren lace song",
        "Ardour Serenade Sonnet Longing Reverie Devotion Tryst Ballad Swoon Keepsake",
        "Slowburn Heartstring Midsummer Firelight Candlelit",
    ),
    "pastoral": _mood(
        "forest wood woods tree meadow moss fern river village farm garden orchard hill field "
        "spring green countryside cottage",
        "Moss Fern Bramble Hazel Rowan Thistle Larch Sorrel Alder Heather",
        "dell brook combe glen thatch hollow wold mere",
        "Idyll Almanac Hymn Harvest Gloaming Chorus Ramble Wayside Eclogue Rambling",
        "Hedgerow Windfall Wildwood Greenwood Meadowsweet",
    ),
    "noir": _mood(
        "city street neon detective smoke alley gun cop crime jazz whisky whiskey bar noir "
        "murder heist gangster nightclub",
        "Neon Smoke Soot Chrome Cinder Lamp Dusk Rust Velour Grime",
        "lane ward shine mark line alley gate",
        "Blues Alibi Confession Ledger Nocturne Shakedown Requiem Undertow Lowdown Stakeout",
        "Backstreet Streetlamp Afterhours Rainslick Nightshift",
    ),
    "mythic": _mood(
        "dragon magic sword king queen kingdom spell wizard quest elf rune throne prophecy mage "
        "fae crown myth legend epic fantasy",
        "Rune Wyrm Ember Thorn Frost Gold Wild Storm Fable Glimmer",
        "crown hallow spire mantle fell helm song vale forge",
        "Saga Chronicle Canticle Oath Prophecy Gambit Litany Codex Edda Reckoning",
        "Spellbound Wayfarer Runestone Oathbound Farthest",
    ),
    "space": _mood(
        "star stars space ship planet orbit alien robot galaxy signal station android colony "
        "void comet rocket future",
        "Void Comet Nova Orbit Quasar Lumen Helio Astra Parsec Ion",
        "drift fall wake spire reach glass vault line lock",
        "Signal Protocol Transit Meridian Parallax Zenith Vector Axiom Apogee Perihelion",
        "Deepfield Farside Afterburn Starlit Lightspeed",
    ),
    "whimsy": _mood(
        "funny silly cosy cozy tea cake cat dog giggle whimsy whimsical picnic biscuit knit "
        "comedy humour humor quirky",
        "Biscuit Muddle Bumble Puddle Crumb Pickle Thimble Doodle Jumble Tumble",
        "whisk wick nook wort kin bury stitch",
        "Caper Jamboree Kerfuffle Hullabaloo Rigmarole Shindig Hubbub Frolic Ditty Palaver",
        "Teatime Crumpet Hopscotch Pinwheel Teacosy",
    ),
}

# The ends of grand words (armageddon → Mageddon): they sound like something, and mean nothing.
_CLIPPED = tuple(
    "Mageddon Pocalypse Tastrophe Nomicon Morphosis Valanche Phoria Tropolis Bellion Lirium "
    "Quinox Rendipity Vanescence Cendiary Mnesia Sonance Lusion Scendence".split()
)

# Never suggested: the sample project's style, the lesson's example, and compounds of our parts
# that are ordinary words or names already taken.
_NEVER = frozenset(
    {
        "saltmarrow hush",
        "outline mageddon",
    }
)
_NOT_COINED = frozenset(
    "saltmarrow ironforge honeymoon rosebloom driftwood tidewater ashmoor goldcrest "
    "stormcrown roseheart silkworm thornhollow frostfell bumblebee crumbwort gravestone "
    "hazelmere cloverbloom emberglow".split()
)
# Letter runs that make a name hard to say, and words that must not appear where parts meet.
_UNSAYABLE = re.compile(r"(.)\1\1|[bcdfgjklmnpqrstvwxz]{4}", re.IGNORECASE)
_RUDE = re.compile(
    r"anal|anus|arse|cock|cum|cunt|dick|fag|fuck|nig|piss|porn|rape|shit|slut|tit|twat"
)
_WORD = re.compile(r"[a-z]+")

_COMPOUND_SHARE = 0.7  # the rest are plain-and-clipped names
_MOOD_SHARE = 0.75  # with mood words in the seed text, this share of names follows them


def _mood_weights(seed_text: str) -> dict[str, int]:
    """How often each mood's cue words appear in the seed text (plurals and -ed/-ing too)."""
    weights = dict.fromkeys(_MOODS, 0)
    for word in _WORD.findall(seed_text.lower().replace("’", "'")):
        stems = {word, word.removesuffix("s"), word.removesuffix("es"), word.removesuffix("ed")}
        stems.add(word.removesuffix("ing"))
        stems.add(word.removesuffix("y"))
        for name, mood in _MOODS.items():
            if stems & mood.cues:
                weights[name] += 1
    return weights


def _compound(head: str, tail: str) -> str | None:
    word = head + tail
    lower = word.lower()
    if head[-1].lower() == tail[0] or lower in _NOT_COINED or _UNSAYABLE.search(word):
        return None
    # Each part is chosen by hand; only where they meet can a rude word appear by accident.
    if any(m.start() < len(head) < m.end() for m in _RUDE.finditer(lower)):
        return None
    # "th", "sh", "ch", "ck", "ng" sound as one: count them so before judging a cluster.
    if re.search(r"[bcdfgjklmnpqrstvwxz]{4}", re.sub(r"th|sh|ch|ck|ng|ph|wh", "x", lower)):
        return None
    return word


def _one_name(rng: random.Random, mood: _Mood) -> tuple[str, tuple[str, ...]]:
    """A name from one mood, with the parts it used (to keep a batch varied)."""
    if rng.random() < _COMPOUND_SHARE:
        head, tail, noun = rng.choice(mood.heads), rng.choice(mood.tails), rng.choice(mood.nouns)
        first = _compound(head, tail)
        if first is None:
            return "", ()
        return f"{first} {noun}", (head, tail, noun)
    plain, clipped = rng.choice(mood.plain), rng.choice(_CLIPPED)
    return f"{plain} {clipped}", (plain, clipped)


def _acceptable(name: str) -> bool:
    return bool(name) and name.lower() not in _NEVER


def _plan(count: int, weights: dict[str, int], rng: random.Random) -> list[str | None]:
    """The mood of each name to make: most follow the seed text's moods in proportion to how
    strongly it calls them (None: any mood, for variety), in a shuffled order."""
    matched = {name: weight for name, weight in weights.items() if weight}
    steered = round(count * _MOOD_SHARE) if matched else 0
    total = sum(matched.values())
    shares = {name: steered * weight / total for name, weight in matched.items()}
    plan: list[str | None] = [name for name, share in shares.items() for _ in range(int(share))]
    # Largest remainders fill what rounding down left over.
    for name in sorted(shares, key=lambda n: shares[n] - int(shares[n]), reverse=True):
        if len(plan) >= steered:
            break
        plan.append(name)
    plan.extend([None] * (count - len(plan)))
    rng.shuffle(plan)
    return plan


def suggest_names(seed_text: str = "", count: int = 6, rng_seed: int | None = None) -> list[str]:
    """``count`` distinct two-word coinages for a style, steered by ``seed_text``'s mood words.

    The same ``rng_seed`` and seed text give the same names; None gives fresh ones each call.
    """
    if count <= 0:
        return []
    rng = random.Random(rng_seed)
    names: list[str] = []
    seen: set[str] = set()
    used_parts: set[str] = set()
    for wanted in _plan(count, _mood_weights(seed_text), rng):
        for attempt in range(400):
            mood = _MOODS[wanted] if wanted is not None else rng.choice(list(_MOODS.values()))
            name, parts = _one_name(rng, mood)
            if not _acceptable(name) or name.lower() in seen:
                continue
            # Vary the batch: no part twice, unless the lists run out.
            if used_parts.intersection(parts) and attempt < 200:
                continue
            names.append(name)
            seen.add(name.lower())
            used_parts.update(parts)
            break
    return names


def name_rarity(name: str, encoding: str = "o200k_base") -> int:
    """How many tokens ``name`` is for ``encoding``: the more pieces, the less the model already
    associates with it, so the more the fine-tune can make it mean."""
    return len(tokens.encode(name, encoding))
