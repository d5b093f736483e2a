"""Function words of the languages the engine stems, folded (lowercase, no accents).

A query word in one of these lists never decides a match: "alternatives to immigration detention for
children" is matched on "alternatives", "immigration", "detention" and "children"; "to" and "for"
only count inside a quoted phrase. Elisions split into a lone letter ("l'intégration" → "l",
"integration"; "qu'il" → "qu", "il"), which the lists hold too. Documents keep every word (phrases
need them); only queries drop these.

The lists are short on purpose: articles, prepositions, pronouns, conjunctions and auxiliaries,
nothing that names a subject. A word that is a function word in one language and a content word in
another is left out ("son", "sin", "come", "red", "mare").
"""

EN = """
a an and are as at be been being but by can could did do does for from had has have how i if in into
is it its may might must nor not of on or our shall should so such than that the their them then
there these they this those to too us was we were what when where which while who whom why will
with within without would you your about after against among between during over under upon via
""".split()

FR = """
a au aux avec ce ces cet cette d dans de des du elle elles en est et etre eux il ils j je l la le
les leur leurs lui m ma mais me meme mes moi mon n ne nos notre nous on ont ou par pas pour qu que
qui s sa se ses si sont sur t ta te tes toi ton tu un une vos votre vous y quel quelle quels quelles
comment pourquoi quand lors selon sans sous entre chez vers ainsi afin
""".split()

ES = """
a al como con de del el ella ellas ellos en entre es esta estan este esto estos fue ha han hay la
las le les lo los mas me mi muy ni no nos o para pero por que quien se si sobre su sus te tu un una
uno unos unas y ya cual cuales cuando donde cuanto hacia hasta desde segun sino tambien durante
mediante ante bajo tras
""".split()

STOP_WORDS = frozenset(EN) | frozenset(FR) | frozenset(ES)


def is_stop_word(folded: str) -> bool:
    return folded in STOP_WORDS
