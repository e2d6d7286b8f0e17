"""Zero-shot scoring with e5: cosine similarity to short prototype sentences written for Ruche.

No labelled data is involved: each class is described by a few dozen FR/EN sentences written by
the team, and a text's class evidence is the mean cosine to its `TOP_K` most similar prototypes
(a nearest-prototype vote is more robust than one class centroid when a class mixes styles, e.g.
"thanks" and "great idea" for positive). Prototypes are embedded once per process.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

POLARITY_CLASSES = ("negative", "neutral", "positive")
TOP_K = 3
# e5 cosines live in a narrow band (~0.75-0.9), so differences are sharpened before softmax.
TEMPERATURE = 0.02

NEGATIVE = [
    "This is unacceptable, I want my money back",
    "Terrible service, nobody ever answers the phone",
    "The app keeps crashing, it is useless",
    "I am very disappointed with my bank",
    "Worst customer experience I have ever had",
    "The fees are outrageous and nobody explained them",
    "I hate the new interface, it is confusing",
    "Still waiting for my refund after three weeks, this is ridiculous",
    "Your website is down again, so annoying",
    "I was treated rudely at the branch",
    "This update made everything worse",
    "I'm angry, my card was blocked for no reason",
    "C'est inadmissible, je veux être remboursé",
    "Service client nul, personne ne répond",
    "L'application plante tout le temps, c'est pénible",
    "Je suis très déçu par ma banque",
    "Les frais sont scandaleux",
    "La nouvelle version est pire que l'ancienne",
    "J'en ai marre d'attendre, c'est honteux",
    "Conseiller désagréable et incompétent",
    "Ma carte est bloquée et personne ne m'aide, je suis furieux",
    "Franchement c'est lamentable",
    "Quelle galère pour faire un simple virement",
    "Ça ne marche jamais, c'est nul",
    # General and news-style French and English (tweets, headlines, reviews), so that posts
    # outside banking are not all pulled towards the neutral questions above.
    "Encore une mauvaise nouvelle pour les salariés, des centaines d'emplois menacés",
    "Quelle catastrophe, rien ne fonctionne comme promis",
    "Scandale : ils reculent encore une fois, c'est une honte",
    "Franchement ça me déprime, rien ne change",
    "Grosse déception, le projet est abandonné",
    "Les prix explosent et personne ne fait rien",
    "Je suis dégoûté par cette décision absurde",
    "Ils ont tout raté, quel gâchis",
    "N'importe quoi, c'est ridicule",
    "Histoire creuse, acteurs mauvais, je me suis ennuyé du début à la fin",
    "Another bad news story: the plant is closing and jobs are lost",
    "What a disaster, a waste of time and money",
    # Customer-service posts (travel, deliveries, phone lines), where the grievance is told
    # as facts rather than with opinion words.
    "On hold for two hours and then they hung up on me",
    "Stuck at the station again, no information from anyone",
    "My luggage is lost and nobody can tell me where it is",
    "Third delay this week, I will miss my meeting",
    "Bloqué à l'aéroport depuis ce matin, aucune information",
    "Une heure d'attente au téléphone puis on me raccroche au nez",
]
NEUTRAL = [
    "How do I change my password?",
    "What are the opening hours of the branch?",
    "Can I order a new card online?",
    "I would like to know the interest rate for a savings account",
    "Is it possible to add a second account holder?",
    "Where can I find my bank statement?",
    "Add an option to export transactions to CSV",
    "Please add a dark mode to the app",
    "The branch is located on the main street",
    "I have a question about international transfers",
    "Proposal: allow scheduled transfers on weekends",
    "My account number changed last month",
    "Comment faire pour changer mon code secret ?",
    "Quels sont les horaires de l'agence ?",
    "Est-il possible d'ouvrir un livret en ligne ?",
    "Je voudrais connaître le taux du prêt immobilier",
    "Où trouver mon relevé de compte ?",
    "Ajouter la possibilité d'exporter les opérations",
    "Proposer un mode sombre dans l'application",
    "J'ai une question sur les virements à l'étranger",
    "Idée : permettre de choisir la date de prélèvement",
    "L'agence se trouve dans le centre-ville",
    "Pouvez-vous m'envoyer un nouveau RIB ?",
    "Je souhaite modifier mon adresse postale",
    # General and news-style French and English: announcements, events, links.
    "Le rapport annuel est disponible sur le site",
    "Conférence sur l'avenir des transports jeudi à Lyon",
    "Le ministre présentera le projet de loi la semaine prochaine",
    "Retrouvez le programme complet de la journée ici",
    "Réunion publique prévue le 12 mars à la mairie",
    "Nouvel article sur notre blog : les chiffres du mois",
    "Le dossier sera examiné par le conseil municipal",
    "Interview du directeur à lire ce matin",
    "Les résultats de l'enquête seront publiés demain",
    "Quelle est la différence entre ces deux offres ?",
    "The annual report will be published next week",
    "Read the full interview with the director here",
    # Short replies and plain facts in a conversation with a company: no opinion at all.
    "Done, I sent you the details by private message",
    "Yes, the booking is under my name",
    "OK, I will check tomorrow",
    "Flying to Boston next Monday",
    "Do you have a phone number for the support team?",
    "Is there a direct connection between these two cities?",
    "Here is the link to the new timetable",
    "C'est fait, je vous ai envoyé mes coordonnées en message privé",
    "Oui, la réservation est à mon nom",
    "Je pars à Marseille lundi prochain",
]
POSITIVE = [
    "Thanks, great app!",
    "Excellent service, very helpful advisor",
    "I love the new design, it is so easy to use",
    "Great idea, I fully support this",
    "The transfer was instant, perfect",
    "Thank you for fixing the problem so quickly",
    "Very satisfied with my bank",
    "Best banking app I have used",
    "The staff at the branch were friendly and efficient",
    "Well done, the update is really good",
    "Happy with the service, keep it up",
    "Awesome, it works perfectly now",
    "Merci, super appli",
    "Excellent accueil en agence, conseillère très sympa",
    "J'adore la nouvelle application, très pratique",
    "Bonne idée, je soutiens totalement",
    "Virement instantané, parfait",
    "Merci d'avoir résolu mon problème si vite",
    "Très satisfait de ma banque",
    "Bravo pour la mise à jour, c'est génial",
    "Service rapide et efficace, merci beaucoup",
    "Top, tout fonctionne très bien maintenant",
    "Conseiller au top, je recommande",
    "Super initiative, vraiment utile",
    # General and news-style French and English (tweets, headlines, reviews).
    "Bonne nouvelle : le projet est enfin lancé",
    "Une belle initiative qui va créer des emplois dans la région",
    "Bravo à toute l'équipe pour ce prix bien mérité",
    "Une solution innovante et prometteuse",
    "Félicitations pour cette belle réussite !",
    "Trop bien, j'ai adoré cette journée",
    "Un grand pas en avant pour tout le monde",
    "Quel plaisir de voir ce projet aboutir",
    "Une histoire captivante et des personnages attachants, à voir absolument",
    "Record battu, une très belle performance",
    "Good news: the new project is finally under way",
    "Congratulations on a well-deserved award",
]
COMPLAINT = [
    "I was charged twice and nobody answers",
    "My transfer never arrived and I have no news",
    "I've been waiting two weeks for my new card",
    "You blocked my account without telling me",
    "The ATM took my money but did not give me the cash",
    "Still no refund after my complaint",
    "I cannot log in since the update and support does not reply",
    "You charged me fees that I never agreed to",
    "My order still has not arrived",
    "I called five times and nobody solved my problem",
    "The app logged me out and my payment failed",
    "Why is my card declined again?",
    "J'ai été débité deux fois et personne ne répond",
    "Mon virement n'est toujours pas arrivé",
    "J'attends ma nouvelle carte depuis trois semaines",
    "Vous avez bloqué mon compte sans me prévenir",
    "Le distributeur a gardé mon argent",
    "Toujours pas remboursé après ma réclamation",
    "Impossible de me connecter depuis la mise à jour",
    "On m'a prélevé des frais que je n'ai jamais acceptés",
    "J'ai appelé cinq fois et mon problème n'est pas réglé",
    "Ma carte est encore refusée, pourquoi ?",
    "Mon conseiller ne me rappelle jamais",
    "Paiement refusé alors que j'ai de l'argent sur mon compte",
    # Complaints outside banking (deliveries, travel, shops, devices), as customers write them.
    "My package was due yesterday and it is still not here",
    "The flight was delayed four hours and nobody told us anything",
    "I have been on hold for an hour, this is a joke",
    "The phone you sold me broke after two days and you refuse to replace it",
    "Wrong order again and customer service ignores my emails",
    "No internet at home since Monday and still no technician",
    "Colis toujours pas livré alors qu'il devait arriver hier",
    "Train encore supprimé sans la moindre information",
    "Produit cassé au bout de deux jours et le SAV ne répond pas",
]
NOT_COMPLAINT = [
    "How do I change my password?",
    "Thanks for the quick help!",
    "Can you tell me the opening hours?",
    "Great app, I use it every day",
    "I would like to open a savings account",
    "Please add Apple Pay support",
    "Is there a fee for international transfers?",
    "Happy birthday to my sister!",
    "Just watched a great movie tonight",
    "What is the best way to save for a house?",
    "Good morning everyone",
    "Idea: let us choose the card design",
    "Comment changer mon mot de passe ?",
    "Merci pour votre aide rapide !",
    "Quels sont vos horaires d'ouverture ?",
    "Super appli, je l'utilise tous les jours",
    "Je voudrais ouvrir un livret d'épargne",
    "Pouvez-vous ajouter Apple Pay ?",
    "Y a-t-il des frais pour les virements à l'étranger ?",
    "Bon anniversaire à ma sœur !",
    "Belle journée à tous",
    "Idée : pouvoir choisir le visuel de sa carte",
    "Quel est le meilleur moyen d'épargner pour un achat immobilier ?",
    "Bonne idée, je vote pour",
    # Requests for something new: an ideas portal is full of them, often with a past
    # annoyance as the reason, and they are not complaints.
    "It would be great to split a restaurant bill with friends in the app",
    "Let me choose my own PIN code in the app",
    "Add a chart showing how my savings grow over the year",
    "Offer cashback at partner shops",
    "I lost an hour looking for my IBAN last week, a share button would help",
    "When my phone battery is dead I cannot pay, a backup option would be useful",
    "Ce serait pratique de pouvoir partager une dépense entre amis",
    "Pouvoir choisir son code PIN depuis l'appli",
    "Ajouter un graphique de l'évolution de mon épargne",
    "Proposer du cashback chez les commerçants partenaires",
    "J'ai perdu du temps à chercher mon RIB, un bouton pour le partager serait utile",
    "Quand mon téléphone est déchargé je ne peux plus payer, il faudrait une solution de secours",
    "Can't wait for the weekend with friends",
    "Vivement les vacances !",
    # Everyday posts and plain questions to a company: not a grievance even when addressed
    # to customer service.
    "How long do I have to return an item bought online?",
    "Do you ship to Ireland, and how much does it cost?",
    "Can I change the date of my ticket?",
    "What a match last night, the last minute was crazy",
    "This song has been stuck in my head all day",
    "Who is coming to the concert on Saturday?",
    "Quel est le délai pour retourner un article acheté en ligne ?",
    "Est-ce que je peux changer la date de mon billet ?",
    "Quel match hier soir, fin de partie incroyable",
]


def class_evidence(vectors: np.ndarray, prototypes: np.ndarray) -> np.ndarray:
    """(n, d) texts x (p, d) prototypes of one class -> (n,) mean of the top-k cosines."""
    sims = vectors @ prototypes.T
    k = min(TOP_K, sims.shape[1])
    top = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:]
    return np.asarray(top.mean(axis=1), dtype=np.float64)


def softmax(evidence: np.ndarray) -> np.ndarray:
    """Row softmax of (n, classes) evidence at `TEMPERATURE`."""
    z = evidence / TEMPERATURE
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float64)


@lru_cache(maxsize=1)
def prototype_vectors() -> dict[str, np.ndarray]:
    """Embed every prototype set once per process (about 1 s with e5 on 2 cores)."""
    from ideas.clustering.vectors import E5Embedder

    embedder = E5Embedder()
    sets = {
        "negative": NEGATIVE,
        "neutral": NEUTRAL,
        "positive": POSITIVE,
        "complaint": COMPLAINT,
        "not_complaint": NOT_COMPLAINT,
    }
    return {name: embedder.embed(texts) for name, texts in sets.items()}
