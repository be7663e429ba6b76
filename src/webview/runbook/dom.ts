/**
 * DOM helpers for the webviews. Text only ever goes in through textContent: cluster strings
 * (pod names, event messages) must never become markup, and the CSP would block inline
 * handlers and styles anyway.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; title?: string } = {},
  ...children: (Node | string | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title !== undefined) node.title = props.title;
  for (const child of children) if (child !== undefined && child !== false) node.append(child);
  return node;
}

export function button(
  label: string,
  onClick: () => void,
  props: { className?: string; title?: string } = {},
): HTMLButtonElement {
  const b = el('button', {
    text: label,
    className: props.className ?? 'secondary',
    ...(props.title ? { title: props.title } : {}),
  });
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/** `kubectl get pods` in backticks becomes <code>; everything stays text. */
export function withCode(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  text.split('`').forEach((part, i) => {
    if (part === '') return;
    fragment.append(i % 2 === 1 ? el('code', { text: part }) : document.createTextNode(part));
  });
  return fragment;
}

/** A progress bar: widths are set through the CSSOM, which the CSP allows (inline styles it does not). */
export function bar(
  parts: readonly { value: number; className: string }[],
  total: number,
  label: string,
): HTMLElement {
  const outer = el('div', { className: 'bar', title: label });
  outer.setAttribute('role', 'img');
  outer.setAttribute('aria-label', label);
  for (const part of parts) {
    if (part.value <= 0 || total <= 0) continue;
    const fill = el('div', { className: `fill ${part.className}` });
    fill.style.width = `${(100 * part.value) / total}%`;
    outer.append(fill);
  }
  return outer;
}

const SVG = 'http://www.w3.org/2000/svg';

/** The platform health history as a small line; the 95% target is a dashed rule. */
export function sparkline(
  samples: readonly { t: number; v: number }[],
  width = 160,
  height = 32,
): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('role', 'img');
  const first = samples[0];
  const last = samples[samples.length - 1];
  svg.setAttribute(
    'aria-label',
    first && last
      ? `Health went from ${first.v}% to ${last.v}% over ${samples.length} samples`
      : 'No health history yet',
  );
  const min = Math.min(50, ...samples.map((s) => s.v));
  const y = (v: number) => height - 2 - ((v - min) / (100 - min)) * (height - 4);
  const target = document.createElementNS(SVG, 'line');
  target.setAttribute('x1', '0');
  target.setAttribute('x2', String(width));
  target.setAttribute('y1', String(y(95)));
  target.setAttribute('y2', String(y(95)));
  target.setAttribute('class', 'target');
  svg.append(target);
  if (first && last && samples.length > 1) {
    const span = Math.max(1, last.t - first.t);
    const points = samples.map(
      (s) => `${(((s.t - first.t) / span) * (width - 4) + 2).toFixed(1)},${y(s.v).toFixed(1)}`,
    );
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', points.join(' '));
    line.setAttribute('class', 'line');
    svg.append(line);
  }
  return svg;
}
