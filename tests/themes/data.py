"""Small idea sets written for the theme tests: three obvious themes in French and English."""

CARD_FREEZE = [
    "Freeze my card from the app",
    "Let me block my lost card instantly in the mobile app",
    "Temporary card lock button in the app",
    "Bloquer ma carte bancaire depuis l'appli",
    "Pouvoir geler temporairement ma carte dans l'application",
    "Freeze and unfreeze my debit card with one tap",
    "Verrouiller ma CB perdue directement dans l'appli",
    "A switch in the app to pause my card when I lose it",
]
DARK_MODE = [
    "Dark mode for the mobile app",
    "Please add a dark theme to the banking app",
    "Mode sombre dans l'application mobile",
    "The app is too bright at night, add a dark mode",
    "Un thème sombre pour l'appli svp",
    "Night mode for the app to save my eyes",
    "Activer le mode nuit dans l'application de la banque",
    "Dark colour scheme option in the app settings",
]
BRANCH_HOURS = [
    "Open branches on Saturday mornings",
    "Longer opening hours for branches in the evening",
    "Ouvrir les agences le samedi matin",
    "Branches should stay open until 7pm",
    "Des horaires d'ouverture des agences plus tardifs",
    "Agences ouvertes le samedi pour ceux qui travaillent",
    "Please open the branch on Saturdays",
    "Horaires d'agence élargis en semaine",
]
GROUPS = {"card": CARD_FREEZE, "dark": DARK_MODE, "branch": BRANCH_HOURS}
