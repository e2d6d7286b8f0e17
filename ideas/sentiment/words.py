"""Hand-written FR/EN sentiment and complaint vocabulary (written for Ruche, no external list).

Words are written lower-case *without accents* because they are compared after accent folding.
Scores run from -3 (very negative) to +3 (very positive), in the spirit of VADER's scale.
Inflected forms are matched through Snowball stems as well, so "bloquee", "bloquees" and
"bloque" share one entry; only the base form needs writing.
"""

from __future__ import annotations


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


def _scored(block: str, score: float) -> dict[str, float]:
    return dict.fromkeys(block.split(), score)


POLARITY: dict[str, float] = {
    # --- English, positive
    **_scored("good nice fine helpful useful easy clear fast quick smooth friendly", 1.8),
    **_scored("likes liked enjoy enjoyed glad happy pleased satisfied convenient", 1.8),
    **_scored("better improved improvement simple reliable handy polite efficient", 1.5),
    **_scored("great love loved awesome excellent amazing perfect fantastic wonderful", 2.8),
    **_scored("brilliant superb outstanding best impressive delighted grateful", 2.8),
    **_scored("thanks thank thx appreciate appreciated kudos congrats bravo cool", 1.6),
    **_scored("recommend welcome resolved solved fixed works working safe", 1.2),
    # --- English, negative
    **_scored("bad poor slow annoying annoyed confusing difficult hard wrong broken", -1.8),
    **_scored("problem problems issue issues bug bugs error errors fail failed failure", -1.5),
    **_scored("crash crashes crashed crashing freeze frozen stuck blocked lost missing", -1.5),
    **_scored("delay delayed late cancelled canceled waiting refused declined denied", -1.3),
    **_scored("terrible awful horrible worst useless pathetic ridiculous disgusting", -2.8),
    **_scored("unacceptable disgrace shameful scam fraud rude incompetent nightmare", -2.8),
    **_scored("hate hated angry furious disappointed disappointing frustrated", -2.5),
    **_scored("frustrating upset sad sorry unhappy worse fees expensive overcharged", -1.5),
    **_scored("charged complaint complain complaining unable impossible", -1.2),
    **_scored("sucks suck fail fails ugh wtf", -2.2),
    # --- English, general and customer-service vocabulary (travel, deliveries, support)
    **_scored("unfortunately sadly stranded ruined mess dirty nonsense ignored ignoring", -1.8),
    **_scored("unhelpful waste wasted lied lying liar overbooked smh hangup disgusted", -2.0),
    **_scored("beautiful fun kind proud thankful gorgeous", 1.8),
    # --- French, positive (accents folded)
    **_scored("bon bonne bons bonnes pratique utile facile simple clair rapide", 1.6),
    **_scored("aime aimer apprecie content contente satisfait satisfaite agreable", 1.8),
    **_scored("efficace fiable sympa sympathique aimable serviable ameliore amelioration", 1.5),
    **_scored("super genial geniale excellent excellente parfait parfaite top formidable", 2.6),
    **_scored("adore magnifique merveilleux incroyable bravo felicitations ravi ravie", 2.8),
    **_scored("merci remercie recommande resolu regle fonctionne marche reussi", 1.3),
    **_scored("meilleur meilleure mieux chouette cool", 1.8),
    **_scored("bien", 1.0),
    # --- French, negative
    **_scored("mauvais mauvaise nul nulle lent lente penible complique difficile", -1.8),
    **_scored("probleme bug bogue erreur panne plante plantage bloque bloquee perdu", -1.5),
    **_scored("retard attente attendre refuse refusee rejete impossible echec", -1.3),
    **_scored("horrible affreux lamentable pitoyable catastrophe catastrophique honte", -2.8),
    **_scored("inadmissible inacceptable scandale scandaleux arnaque escroquerie", -2.8),
    **_scored("honteux minable incompetent incompetents deplorable", -2.8),
    **_scored("deteste decu decue decevant decevante marre furieux enerve colere", -2.4),
    **_scored("triste dommage pire frais cher chere chers cheres ennuyeux nullite", -1.5),
    **_scored("plainte reclamation mal", -1.0),
    **_scored("terrible", -2.0),
    # --- French, general and tweet vocabulary (news, opinions, reviews; accents folded)
    **_scored("succes reussite victoire gagne heureux heureuse plaisir bonheur joie espoir", 1.8),
    **_scored("beau belle beaux belles fier fiere bienvenue bienvenu progres prometteur", 1.6),
    **_scored("innovant innovante impeccable nickel kiffe merveille vive", 1.6),
    **_scored("felicite soutien encourageant passionnant captivant drole emouvant", 1.8),
    **_scored("mdr lol ptdr", 1.0),
    **_scored("menace menaces menace danger dangereux grave inquietant inquiete peur", -1.6),
    **_scored("crise mort morts victime victimes accident perte chomage licenciement", -1.6),
    **_scored("fermeture gaspillage destruction detruit pollution polemique conflit", -1.3),
    **_scored("violence absurde ridicule stupide malheureusement helas mensonge", -1.8),
    **_scored("mediocre navrant insupportable bacle galere gachis chiant relou", -2.0),
    **_scored("degoute deprime ennui ennuie decevoir merde bof", -2.0),
    **_scored("marrant marrante marrants marrantes", 1.5),
    # --- French, opinions on a work or a show (reviews; accents folded)
    **_scored("extraordinaire remarquable incontournable exceptionnel exceptionnelle", 2.6),
    **_scored("sublime splendide brillant brillante bluffant bluffante jubilatoire", 2.6),
    **_scored("prenant prenante haletant haletante plaisant plaisante touchant touchante", 1.8),
    **_scored("poignant poignante hilarant hilarante savoureux savoureuse addictif addictive", 1.8),
    **_scored("plu plait", 1.5),
    **_scored("debile irritant irritante pourri pourrie niais niaise insipide fade", -2.0),
    **_scored("ringard ringarde soporifique grotesque consternant affligeant navet", -2.2),
    **_scored("lourd lourde creux creuse inutile vulgaire kitsch cliche cliches", -1.3),
    **_scored("moyen moyenne", -0.8),
    # --- English, opinions on a work or a show
    **_scored("extraordinary remarkable hilarious touching gripping", 2.2),
    **_scored("boring dull bland lame pointless cheesy predictable", -2.0),
}

# Words that share a Snowball stem with a listed word but carry no opinion themselves: "help"
# and "please" ask for something ("please help"), they are not "helpful" or "pleased"; "wonder"
# is not "wonderful", "politique" not "poli", "attention" not "attente", "marrant" not "marre".
# They score 0 unless listed in POLARITY.
NOT_OPINIONS: frozenset[str] = _words(
    """
    help helps helping helped please work worked friend friends march wonder wonders wondering
    wondered likely politics lately attention issued
    politique politiques politiquement impression impressions attention issu issus
    fonction fonctions
    """
)
# "like" is a verb of opinion after a subject or an adverb ("I like it", "don't like"), not in
# "would like", "looks like", "like a sauna".
LIKE_AS_OPINION_AFTER: frozenset[str] = _words("i we they you u really also not still just do did")

# Words that flip (and soften) the polarity of the next few words.
NEGATORS: frozenset[str] = _words(
    """
    not no never none nothing nobody neither nor without hardly cannot
    ne n pas jamais rien aucun aucune sans ni personne guere
    """
)

# Multiplier for the next sentiment word.
BOOSTERS: dict[str, float] = {
    **_scored("very really so too extremely totally absolutely completely super truly", 1.4),
    **_scored("incredibly highly seriously utterly", 1.5),
    **_scored("tres vraiment trop tellement hyper vachement completement totalement", 1.4),
    **_scored("absolument extremement franchement carrement grave archi", 1.4),
    **_scored("slightly somewhat kinda kind sort bit little barely", 0.6),
    **_scored("peu assez plutot moyennement legerement", 0.6),
}

# Two-word idioms whose meaning is not the sum of their words (checked before single words).
IDIOMS: dict[tuple[str, str], float] = {
    ("not", "bad"): 1.5,
    ("pas", "mal"): 1.5,
    ("pas", "terrible"): -1.6,
    ("pas", "top"): -1.6,
    ("pas", "bien"): -1.5,
    ("pas", "fou"): -1.2,
    ("not", "great"): -1.6,
    ("marche", "pas"): -2.0,
    ("marche", "plus"): -2.0,
    ("fonctionne", "pas"): -2.0,
    ("fonctionne", "plus"): -2.0,
    ("not", "work"): -2.0,
    ("not", "working"): -2.0,
    ("not", "works"): -2.0,
    ("toujours", "pas"): -1.5,
    ("still", "not"): -1.5,
    ("still", "no"): -1.5,
    ("still", "waiting"): -2.0,
    ("no", "one"): -1.0,
    ("no", "response"): -1.8,
    ("no", "answer"): -1.8,
    ("pas", "normal"): -2.0,
    ("en", "panne"): -1.5,
    ("hors", "service"): -1.8,
    ("no", "problem"): 1.2,
    ("pas", "probleme"): 1.0,
    ("de", "rien"): 0.8,
    ("well", "done"): 2.0,
    ("top", "notch"): 2.5,
    ("ras", "le"): -2.0,
    ("stopped", "working"): -2.0,
    ("stopped", "work"): -2.0,
    ("stops", "working"): -2.0,
    ("marche", "jamais"): -2.0,
    ("marche", "mal"): -2.0,
    ("on", "hold"): -1.5,
    ("hung", "up"): -2.0,
    ("hang", "up"): -1.5,
    ("no", "help"): -1.8,
    ("en", "attente"): -1.5,
    ("sans", "interet"): -2.0,
    ("aucun", "interet"): -2.0,
    ("must", "see"): 2.5,
    ("a", "voir"): 1.5,
}

# Words that suggest a breach of expectations (a complaint), whatever the tone.
COMPLAINT_CUES: frozenset[str] = _words(
    """
    still again yet waiting waited refund refunded charged twice overcharged cancelled canceled
    nobody unacceptable ridiculous complaint complain broken stuck lost missing delayed late
    unable cannot impossible never error fail failed crash crashed blocked denied refused
    worst terrible awful horrible hours days weeks
    toujours encore attends attente attendre rembourse remboursement rembourser preleve
    prelevement deux personne inadmissible inacceptable scandale scandaleux plainte reclamation
    bloque bloquee perdu panne plante erreur refuse refusee depuis jamais heures jours semaines
    marre honte arnaque retard retards
    """
)

# Emoji and emoticons, read from the raw text (normalisation drops them).
EMOJI: dict[str, float] = {
    **_scored("😀 😃 😄 😁 😊 🙂 😍 🥰 😘 👍 👌 🎉 💯 🙏 👏 ✨ 💪 😎 🤩 ❤ ♥ 💙 💚 😂 🤗 ☺", 2.0),
    **_scored("😡 😠 🤬 😤 😢 😭 😞 😒 🙄 👎 💩 😩 😫 😣 😖 😔 😕 🙁 ☹ 😱 🤮 😑", -2.0),
    **_scored(":) :-) :d :-d ;) ;-) <3 =) :p ^^ xd", 1.8),
    **_scored(":( :-( :'( >:( :/ :-/ =(", -1.8),
}
