() => {
    // tests/e2e/accessibility.py sideways_overflow: what makes the page scroll sideways.
    const width = document.documentElement.clientWidth;
    const extra = document.documentElement.scrollWidth - width;
    if (extra <= 0) return [];
    // Inside a container that scrolls (or clips) it, up the chain of containing blocks: an
    // absolutely positioned element escapes every scroller below its positioned ancestor.
    const clips = (el) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
    const contained = (el) => {
        for (let node = el; node && node !== document.body;) {
            const position = getComputedStyle(node).position;
            if (position === 'fixed') return false;
            let block = node.parentElement;
            while (position === 'absolute' && block && block !== document.body
                   && getComputedStyle(block).position === 'static') block = block.parentElement;
            if (!block || block === document.body) return false;
            if (clips(block)) return true;
            node = block;
        }
        return false;
    };
    // Where an element's box ends, or its text if a long word overflows the box.
    const end = (el) => {
        const box = el.getBoundingClientRect();
        if (box.width === 0) return 0;
        const spills = getComputedStyle(el).overflowX === 'visible';
        return spills ? Math.max(box.right, box.left + el.scrollWidth) : box.right;
    };
    const out = [...document.body.querySelectorAll('*')]
        .filter((el) => end(el) > width + 1 && !contained(el));
    const innermost = out.filter((el) => !out.some((o) => o !== el && el.contains(o)));
    const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (typeof el.className === 'string' && el.className.trim()
           ? '.' + el.className.trim().split(/\s+/).join('.') : '');
    return [`${extra} px wider than the window`, ...innermost.slice(0, 5).map(
        (el) => `${name(el)} ends at ${Math.round(end(el))} px`)];
}
