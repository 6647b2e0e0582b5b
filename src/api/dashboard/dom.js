// DOM helpers: every piece of data goes in through textContent or a checked attribute, never as HTML.
export const $ = (selector) => document.querySelector(selector);

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name === 'className') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name === 'href') node.setAttribute('href', value);
    else node.setAttribute(name, String(value));
  }
  for (const child of children)
    if (child !== null && child !== undefined)
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return node;
}

export const text = (value) => (value === null || value === undefined || value === '' ? '—' : String(value));

export function time(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString(undefined, { hour12: false });
}

/** An external link only for http(s) URLs; anything else is shown as text. */
export function externalLink(url, label) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
      return el('a', { href: parsed.href, target: '_blank', rel: 'noopener noreferrer', text: label });
    }
  } catch {
    // not a URL
  }
  return el('span', { text: '—' });
}

export function statusBadge(status) {
  return el('span', { className: `status status-${String(status).replace(/[^A-Z_]/g, '')}`, text: text(status) });
}

export function row(cells) {
  return el(
    'tr',
    {},
    ...cells.map((cell) => (cell instanceof Node ? el('td', {}, cell) : el('td', { text: text(cell) }))),
  );
}

export function fillBody(table, rows) {
  table.tBodies[0].replaceChildren(...rows);
}

export function facts(dl, pairs) {
  dl.replaceChildren(
    ...pairs.flatMap(([term, value]) => [
      el('dt', { text: term }),
      value instanceof Node ? el('dd', {}, value) : el('dd', { text: text(value) }),
    ]),
  );
}
