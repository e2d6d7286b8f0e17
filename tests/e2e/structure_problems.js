() => {
    // tests/e2e/accessibility.py structure_problems: one h1, landmarks, heading levels.
    const problems = [];
    const shown = (el) => el.checkVisibility() && !el.closest('[aria-hidden="true"]');
    const count = (selector) => [...document.querySelectorAll(selector)].filter(shown).length;
    const h1 = count('h1, [role=heading][aria-level="1"]');
    if (h1 !== 1) problems.push(`${h1} h1 elements`);
    const landmarks = {
        banner: 'body > header, [role=banner]', navigation: 'nav, [role=navigation]',
        main: 'main, [role=main]', contentinfo: 'body > footer, [role=contentinfo]',
    };
    for (const [role, selector] of Object.entries(landmarks)) {
        // Counted in the page, shown or not: on a phone the menu folds the navigation.
        const n = document.querySelectorAll(selector).length;
        if (n < 1 || (role !== 'navigation' && n > 1)) problems.push(`${n} ${role} landmarks`);
    }
    let previous = 0;
    const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]')];
    for (const el of headings.filter(shown)) {
        const level = Number(el.getAttribute('aria-level') || el.tagName.slice(1));
        if (level > previous + 1) {
            problems.push(`h${level} after h${previous}: "${el.textContent.trim().slice(0, 40)}"`);
        }
        previous = level;
    }
    return problems;
}
