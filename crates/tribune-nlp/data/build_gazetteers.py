#!/usr/bin/env python3
"""Rebuilds the gazetteer files of this folder from their open sources.

Usage (from crates/tribune-nlp/data):
    python3 build_gazetteers.py ../../../../shared/gazetteer ../../../../shared/bench/ner/gum

Sources and licences:
  * Phoenix / CAMEO actor and agent dictionaries (MIT, LICENSE-phoenix.txt):
    places.txt, demonyms.txt, organizations.txt, roles.txt, given_names.txt.
  * GUM corpus token layer (annotations CC-BY 4.0; the Wikinews texts used
    here CC-BY 2.5, LICENSE-gum.txt): common_words.txt, the words that GUM
    writes in lower case, used to tell a capitalised sentence opener or a
    headline word from a name.

Every output is one lower-case entry per line, words separated by a space,
sorted, so that a rebuild shows as a readable diff.
"""
import collections
import os
import re
import sys

# Demonyms whose country name does not share their stem.
EXTRA_DEMONYMS = """
burmese congolese danish emirati finnish polish spanish ivorian tanzanian
herzegovinian nevisian ceylonese englishman englishwoman scotsman scotswoman
welshman welshwoman dutchman dutchwoman
american british english scottish welsh irish dutch french german greek swiss
swedish danish norwegian finnish spanish portuguese polish czech slovak
hungarian turkish kurdish israeli palestinian arab arabic filipino thai
vietnamese chinese japanese korean taiwanese lebanese sudanese somali yemeni
iraqi iranian saudi emirati qatari kuwaiti omani bahraini pakistani afghan
bangladeshi nepali sri lankan burmese malaysian indonesian australian
zealander canadian mexican cuban brazilian argentine argentinian chilean
peruvian colombian venezuelan bolivian ecuadorian uruguayan paraguayan
egyptian libyan tunisian algerian moroccan nigerian kenyan ethiopian
ugandan rwandan congolese ghanaian zimbabwean zambian angolan mozambican
russian ukrainian belarusian soviet georgian armenian azerbaijani kazakh
uzbek serbian croatian bosnian slovenian albanian macedonian bulgarian
romanian moldovan latvian lithuanian estonian icelandic european asian
african latin catholic muslim christian jewish islamic hindu sikh buddhist
protestant orthodox sunni shia shiite republican democrat democratic
western eastern northern southern middle-eastern scandinavian balkan
caribbean hispanic yugoslav czechoslovak austrian belgian luxembourg
italian maltese cypriot jordanian syrian indian
""".split()

# Countries and home nations that Phoenix files under another name.
EXTRA_COUNTRIES = """
britain england scotland wales u.s. usa us uk u.k. holland
""".split()

ROLE_SUFFIX_NOISE = re.compile(r"[^a-z .'-]")


def norm(name):
    name = name.strip().strip("_").replace("_", " ").lower()
    name = re.sub(r"\s+", " ", name)
    return name.strip()


def entries(path):
    """Yields (primary, aliases, codes, comment) blocks of a TABARI file."""
    cur = None
    with open(path, encoding="latin-1") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line[0] in " \t":
                if cur is not None:
                    cur[2].extend(re.findall(r"\[([^\]]*)\]", line))
                continue
            body, _, comment = line.partition("#")
            codes = re.findall(r"\[([^\]]*)\]", body)
            name = re.sub(r"\[[^\]]*\]", "", body).strip()
            if name.startswith("+"):
                if cur is not None:
                    cur[1].append(norm(name[1:]))
                continue
            if cur is not None:
                yield cur
            cur = (norm(name), [], list(codes), comment.strip())
        if cur is not None:
            yield cur


def good(name):
    return (
        name
        and len(name) <= 60
        and re.fullmatch(r"[a-z][a-z0-9 .'&-]*", name) is not None
    )


def main():
    gaz, gum = sys.argv[1], sys.argv[2]
    out = os.path.dirname(os.path.abspath(__file__))

    roles = set()
    agents = os.path.join(gaz, "Phoenix.agents.txt")
    subst = {}
    with open(agents, encoding="latin-1") as f:
        for line in f:
            line = line.split("#")[0].strip()
            if not line:
                continue
            m = re.match(r"(!\w+!)\s*=\s*(.*)", line)
            if m:
                subst[m.group(1)] = [w.strip() for w in m.group(2).split(",")]
                continue
            name = re.sub(r"\[[^\]]*\]", "", line).strip()
            names = [name]
            for key, vals in subst.items():
                if key in name:
                    names = [n.replace(key, v) for n in names for v in vals]
            for n in names:
                n = norm(n)
                if good(n) and len(n.split()) <= 3 and len(n) > 2:
                    roles.add(n)

    places, demonyms, orgs, given, people = set(), set(EXTRA_DEMONYMS), set(), collections.Counter(), set()
    countries_only = set(EXTRA_COUNTRIES)
    countries = os.path.join(gaz, "Phoenix.Countries.actors.txt")
    for primary, aliases, codes, comment in entries(countries):
        is_country = any(
            c.split() and re.fullmatch(r"[A-Z]{3}", c.split()[0]) for c in codes
        )
        if "countryinfo" in comment.lower():
            people.add(primary)
            for a in aliases:
                people.add(a)
            continue
        if is_country:
            stem = primary.replace(" ", "")[:4]
            # The country itself and its spellings, not its cities.
            countries_only.update(
                a for a in [primary] + aliases
                if good(a) and not a.endswith(" city")
                and (a == primary or a.replace(" ", "")[:4] == stem)
            )
            for a in [primary] + aliases:
                if not good(a):
                    continue
                # Only words sharing the country's stem: other aliases
                # are cities and provinces ("milan", "helsinki"). The
                # country's own name ("pakistan", "japan") is a place
                # even when it ends like an adjective.
                if a != primary and " " not in a and not a.endswith("stan") and re.search(r"(an|ian|ese|ish|i|ic)$", a) and (
                    a[:4] == stem
                ):
                    demonyms.add(a)
                else:
                    places.add(a)
        else:
            for a in [primary] + aliases:
                if good(a) and len(a.split()) >= 1:
                    orgs.add(a)
    for fname in ["Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt"]:
        for primary, aliases, codes, comment in entries(os.path.join(gaz, fname)):
            joined = " ".join(codes)
            if "ELI" in joined or "rulers" in comment.lower():
                people.add(primary)
                people.update(aliases)
                continue
            for a in [primary] + aliases:
                if good(a):
                    orgs.add(a)

    # Common words from GUM: written lower case somewhere in running text.
    lower, upper = collections.Counter(), collections.Counter()
    xml = os.path.join(gum, "xml")
    for fn in sorted(os.listdir(xml)):
        with open(os.path.join(xml, fn), encoding="utf-8") as f:
            for line in f:
                if line.startswith("<"):
                    continue
                tok = line.split("\t")[0]
                if not tok.isalpha():
                    continue
                if tok.islower():
                    lower[tok] += 1
                elif tok[0].isupper():
                    upper[tok.lower()] += 1
    common = {w for w, n in lower.items() if n >= upper[w] and len(w) > 1}
    common.update(["a", "i"])

    for p in people:
        words = [w for w in p.split() if w.isalpha()]
        if len(words) >= 2:
            first = words[0]
            if first not in roles and first not in common and len(first) > 2:
                given[first] += 1
    given_names = {g for g, n in given.items() if n >= 1}
    # A place or organisation must not look like a plain word or role.
    places = {p for p in places if p not in common and p not in roles}
    org_words = re.compile(
        r"\b(party|front|army|force|forces|council|ministry|bank|union|"
        r"organi[sz]ation|association|committee|commission|agency|"
        r"company|corporation|inc|corp|co|ltd|group|movement|brigade|"
        r"league|fund|institute|court|assembly|parliament|congress|"
        r"police|office|department|university|federation|alliance|"
        r"network|service|services|international|national)\b"
    )
    orgs = {
        o
        for o in orgs
        if o not in common
        and o not in roles
        and o not in places
        and (len(o.split()) >= 2 or len(o) <= 6)
        and (o.split()[0] not in given_names or org_words.search(o))
    }
    extra = set(EXTRA_DEMONYMS)
    demonyms = {d for d in demonyms if d not in places or d in extra}
    places -= extra

    def write(name, items):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            for item in sorted(items):
                f.write(item + "\n")

    write("places.txt", places)
    write("countries.txt", {c for c in countries_only if c in places or c in EXTRA_COUNTRIES})
    write("demonyms.txt", demonyms)
    write("organizations.txt", orgs)
    write("roles.txt", roles)
    write("given_names.txt", given_names)
    write("common_words.txt", common)


if __name__ == "__main__":
    main()
