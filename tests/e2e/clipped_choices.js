() => {
    // tests/e2e/accessibility.py clipped_choices: a select too narrow for the choice it shows.
    // The text's width in the select's own font, its padding and Chromium's arrow (20 px).
    const measure = document.createElement('canvas').getContext('2d');
    const ARROW = 20;
    return [...document.querySelectorAll('main select')]
        .filter((select) => select.getClientRects().length > 0)
        .map((select) => {
            const style = getComputedStyle(select);
            measure.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            const text = select.selectedOptions.length ? select.selectedOptions[0].text : '';
            const needed = measure.measureText(text).width + parseFloat(style.paddingLeft)
                + parseFloat(style.paddingRight) + ARROW;
            return needed > select.clientWidth
                ? `select[name=${select.name}] shows "${text}" in ${select.clientWidth} px, needs ${Math.ceil(needed)}`
                : null;
        })
        .filter((problem) => problem !== null);
}
