"""The 14 persuasion techniques of the Propaganda Techniques Corpus, explained in our own words.

Names are the official PTC label strings (SemEval-2020 Task 11), which the JSON output and the
benchmark files use. Every report shows ``title``, ``definition`` and ``why`` from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Technique:
    name: str
    title: str
    definition: str
    why: str
    # Chosen for distinctness by a greedy max-min search among Kelly's, Okabe-Ito's and
    # matplotlib's qualitative colours, 14 whose highlight tints differ by CIELAB dE >= 17 pairwise (the
    # hue-wheel colours before: 11.8, two near-identical teals and blues) and whose full colour, used
    # for [n] markers, reads on dark and light terminals (relative luminance 0.07-0.55).
    colour: str


TECHNIQUES: tuple[Technique, ...] = (
    Technique(
        "Appeal_to_Authority",
        "Appeal to authority",
        "Presents a claim as true because an authority or expert says so, without other support.",
        "Shifts the burden from evidence to status: readers are asked to trust who speaks, not what is shown.",
        "#9467bd",
    ),
    Technique(
        "Appeal_to_fear-prejudice",
        "Appeal to fear or prejudice",
        "Seeks support for an idea by stirring anxiety or panic about an alternative, or by playing on existing prejudice.",
        "Fear narrows judgement; the reader reacts to a threat instead of weighing the argument.",
        "#ffb300",
    ),
    Technique(
        "Bandwagon,Reductio_ad_hitlerum",
        "Bandwagon / reductio ad Hitlerum",
        "Urges the reader to join a view because 'everyone' holds it, or rejects a view because a hated group holds it.",
        "Popularity or guilt by association stands in for reasons.",
        "#009e73",
    ),
    Technique(
        "Black-and-White_Fallacy",
        "Black-and-white fallacy",
        "Presents two options as the only possible ones when more exist, or one option as the only one.",
        "A false choice hides the alternatives and pushes the reader to the option the writer wants.",
        "#e31a1c",
    ),
    Technique(
        "Causal_Oversimplification",
        "Causal oversimplification",
        "Attributes a complex outcome to a single cause, or blames one actor for a problem with many causes.",
        "A simple story of cause and blame is easier to believe and to act on than the true, tangled one.",
        "#817066",
    ),
    Technique(
        "Doubt",
        "Doubt",
        "Questions the credibility of someone or something without offering evidence against it.",
        "Insinuation plants suspicion that is hard to refute because nothing concrete was claimed.",
        "#56b4e9",
    ),
    Technique(
        "Exaggeration,Minimisation",
        "Exaggeration / minimisation",
        "Represents something as much bigger, better or worse than it is, or plays down something serious.",
        "Distorting scale changes how much the reader cares without changing the facts offered.",
        "#93aa00",
    ),
    Technique(
        "Flag-Waving",
        "Flag-waving",
        "Plays on patriotism or group identity to justify or promote an idea or action.",
        "Loyalty to the group is made to stand for agreement with the argument.",
        "#cea262",
    ),
    Technique(
        "Loaded_Language",
        "Loaded language",
        "Uses words and phrases with strong emotional charge to influence the reader.",
        "Emotive wording frames the facts before the reader has judged them.",
        "#33a02c",
    ),
    Technique(
        "Name_Calling,Labeling",
        "Name calling / labelling",
        "Attaches a label to a person or group that the audience fears, hates or finds undesirable (or, for allies, loves).",
        "A label replaces argument: the target is judged by the word, not by what they did.",
        "#ff7f0e",
    ),
    Technique(
        "Repetition",
        "Repetition",
        "Repeats the same message over and over so that the audience comes to accept it.",
        "Familiarity is mistaken for truth; repetition adds no evidence.",
        "#17becf",
    ),
    Technique(
        "Slogans",
        "Slogans",
        "A brief, striking phrase that may include labelling and stereotyping, used as a rallying call.",
        "A catchy formula replaces reasoning and is easy to repeat without thought.",
        "#e377c2",
    ),
    Technique(
        "Thought-terminating_Cliches",
        "Thought-terminating cliché",
        "A short, generic phrase that discourages critical thought and ends the discussion ('it is what it is').",
        "It closes the question instead of answering it.",
        "#ff7a5c",
    ),
    Technique(
        "Whataboutism,Straw_Men,Red_Herring",
        "Whataboutism / straw man / red herring",
        "Deflects criticism by pointing at the opponent's faults, misrepresents the opponent's position, or brings in an irrelevant topic.",
        "Attention moves away from the issue at hand, so the original charge is never answered.",
        "#b32851",
    ),
)

TECHNIQUE_NAMES: tuple[str, ...] = tuple(t.name for t in TECHNIQUES)
BY_NAME: dict[str, Technique] = {t.name: t for t in TECHNIQUES}


def explain(name: str) -> Technique:
    """The explanation of a technique by its official name (KeyError for an unknown name)."""
    return BY_NAME[name]
