import {
  isWebviewBound,
  type HostBound,
  type ItemView,
  type PhaseView,
  type SnippetView,
  type TaskView,
  type ViewState,
} from '../../protocol/runbook';
import { bar, button, el, sparkline, withCode } from './dom';

interface UiState {
  /** Sections the user opened or closed by hand (phase or task id → open). */
  readonly open: Record<string, boolean>;
  readonly filter: 'all' | 'attention';
}

interface VsCodeApi {
  postMessage(message: HostBound): void;
  getState(): UiState | undefined;
  setState(state: UiState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;
let ui: UiState = vscode.getState() ?? { open: {}, filter: 'all' };
let current: ViewState | undefined;

const send = (message: HostBound) => vscode.postMessage(message);
const saveUi = (next: UiState) => {
  ui = next;
  vscode.setState(ui);
};

type TaskStatus = 'fail' | 'unknown' | 'open' | 'pass';
const ORDER: readonly TaskStatus[] = ['fail', 'unknown', 'open', 'pass'];

function itemRank(item: ItemView): TaskStatus {
  return item.status === 'done' ? 'pass' : item.status;
}

function taskStatus(task: TaskView): TaskStatus {
  const ranks = task.items.map(itemRank);
  return ORDER.find((s) => ranks.includes(s)) ?? 'pass';
}

const STATUS_TEXT: Record<TaskStatus, string> = {
  fail: 'Failing',
  unknown: 'Cannot tell',
  open: 'To tick',
  pass: 'Done',
};

function counts(phases: readonly PhaseView[]): Record<TaskStatus, number> {
  const out: Record<TaskStatus, number> = { fail: 0, unknown: 0, open: 0, pass: 0 };
  for (const p of phases) for (const t of p.tasks) for (const i of t.items) out[itemRank(i)]++;
  return out;
}

function disclosure(
  id: string,
  openByDefault: boolean,
  className: string,
  summary: Node[],
  body: () => Node[],
): HTMLDetailsElement {
  const details = el('details', { className });
  details.open = ui.open[id] ?? openByDefault;
  const head = el('summary');
  head.append(...summary);
  details.append(head);
  // Bodies are built on first open: the built-in runbook has ~100 items and 20 snippets.
  let filled = false;
  const fill = () => {
    if (filled || !details.open) return;
    filled = true;
    details.append(...body());
  };
  details.addEventListener('toggle', () => {
    fill();
    if (details.open !== (ui.open[id] ?? openByDefault))
      saveUi({ ...ui, open: { ...ui.open, [id]: details.open } });
  });
  fill();
  return details;
}

function statusGlyph(status: TaskStatus): HTMLElement {
  const glyph = { fail: '✕', unknown: '?', open: '○', pass: '✓' }[status];
  const span = el('span', { className: `glyph ${status}`, text: glyph, title: STATUS_TEXT[status] });
  span.setAttribute('aria-label', STATUS_TEXT[status]);
  return span;
}

function renderItem(item: ItemView): HTMLElement {
  const li = el('li', { className: `item ${itemRank(item)}` });
  li.dataset['item'] = item.id;
  if (item.manual) {
    const box = el('input');
    box.type = 'checkbox';
    box.checked = item.status === 'done';
    box.id = `tick-${item.id}`;
    box.addEventListener('change', () => send({ type: 'toggle', item: item.id, done: box.checked }));
    const label = el('label', { text: item.title });
    label.htmlFor = box.id;
    li.append(box, label);
  } else {
    li.append(statusGlyph(itemRank(item)), el('span', { className: 'title', text: item.title }));
  }
  if (item.evidence && !item.manual) li.append(el('div', { className: 'evidence', text: item.evidence }));
  if (item.refs.length > 0) {
    const refs = el('div', { className: 'refs' });
    for (const ref of item.refs) {
      const name = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
      refs.append(
        button(name, () => send({ type: 'reveal', ref }), {
          className: 'link',
          title: `Reveal ${name} in the Clusters view`,
        }),
      );
    }
    li.append(refs);
  }
  return li;
}

function renderSnippet(snippet: SnippetView): HTMLElement {
  const box = el('div', { className: 'snippet' });
  box.dataset['snippet'] = snippet.id;
  const actions = el(
    'span',
    { className: 'actions' },
    button('Insert', () => send({ type: 'insertSnippet', snippet: snippet.id }), {
      className: 'primary',
      title: 'Insert into the active YAML editor, with tab stops to fill in',
    }),
    button('Copy', () => send({ type: 'copySnippet', snippet: snippet.id }), {
      title: 'Copy with its defaults filled in',
    }),
  );
  box.append(
    el(
      'div',
      { className: 'snippet-head' },
      el('span', { className: 'snippet-title', text: snippet.title }),
      actions,
    ),
    el('p', { className: 'muted', text: snippet.description }),
  );
  if (snippet.text)
    box.append(
      disclosure(`snippet:${snippet.id}`, false, 'yaml', [document.createTextNode('Show YAML')], () => [
        el('pre', {}, el('code', { text: snippet.text })),
      ]),
    );
  return box;
}

function renderTask(task: TaskView): HTMLElement {
  const status = taskStatus(task);
  const done = task.items.filter((i) => itemRank(i) === 'pass').length;
  const summary: Node[] = [
    statusGlyph(status),
    el('span', { className: 'task-title', text: task.title }),
    ...(task.priority ? [el('span', { className: `badge ${task.priority}`, text: task.priority })] : []),
    el('span', { className: 'count', text: `${done}/${task.items.length}` }),
  ];
  return disclosure(`task:${task.id}`, status === 'fail', `task ${status}`, summary, () => {
    const body: Node[] = [];
    if (task.description) body.push(el('p', { className: 'muted' }, withCode(task.description)));
    if (task.items.length) body.push(el('ul', { className: 'items' }, ...task.items.map(renderItem)));
    if (task.steps.length)
      body.push(
        el('h4', { text: 'Investigate' }),
        el('ol', { className: 'steps' }, ...task.steps.map((s) => el('li', {}, withCode(s)))),
      );
    if (task.fix.length)
      body.push(
        el('h4', { text: 'Fix' }),
        el('ul', { className: 'fix' }, ...task.fix.map((s) => el('li', {}, withCode(s)))),
      );
    if (task.snippets.length) body.push(el('h4', { text: 'Snippets' }), ...task.snippets.map(renderSnippet));
    return body;
  });
}

function renderPhase(phase: PhaseView, firstUnfinished: boolean): HTMLElement | undefined {
  const tasks = ui.filter === 'attention' ? phase.tasks.filter((t) => taskStatus(t) !== 'pass') : phase.tasks;
  if (tasks.length === 0 && ui.filter === 'attention') return undefined;
  const c = counts([phase]);
  const summary: Node[] = [
    el('span', { className: 'phase-title', text: phase.title }),
    el('span', { className: 'count', text: `${phase.passed}/${phase.total}` }),
    bar(
      [
        { value: c.pass, className: 'pass' },
        { value: c.fail, className: 'fail' },
        { value: c.unknown, className: 'unknown' },
      ],
      phase.total,
      `${phase.passed} of ${phase.total} done, ${c.fail} failing`,
    ),
  ];
  const section = disclosure(`phase:${phase.id}`, firstUnfinished, 'phase', summary, () => [
    ...(phase.description ? [el('p', { className: 'muted' }, withCode(phase.description))] : []),
    ...tasks.map(renderTask),
  ]);
  section.dataset['phase'] = phase.id;
  return section;
}

function header(state: ViewState): HTMLElement {
  const head = el('header');
  head.append(el('h2', { text: state.title }));
  const meta = el('div', { className: 'meta' });
  if (state.source)
    meta.append(
      el('span', {
        className: `source ${state.source.stale ? 'stale' : state.source.kind}`,
        text: `${state.source.kind === 'snapshot' ? 'Snapshot' : 'Cluster'}: ${state.source.label}${state.source.stale ? ' (stale)' : ''}`,
      }),
    );
  meta.append(el('span', { className: 'file', text: state.runbook.label, title: 'The runbook shown' }));
  if (state.runbook.problems > 0)
    meta.append(
      button(
        `${state.runbook.problems} problem${state.runbook.problems === 1 ? '' : 's'} in the runbook`,
        () => send({ type: 'openRunbook' }),
        {
          className: 'link warn',
        },
      ),
    );
  meta.append(
    button('Open', () => send({ type: 'openRunbook' }), {
      className: 'link',
      title: 'Open the runbook file',
    }),
  );
  if (state.runbook.builtIn)
    meta.append(
      button('Copy to workspace', () => send({ type: 'copyBuiltIn' }), {
        className: 'link',
        title: 'Save an editable copy of this runbook in the workspace',
      }),
    );
  head.append(meta);
  if (state.notice) head.append(el('p', { className: 'notice', text: state.notice }));
  const c = counts(state.phases);
  const total = c.pass + c.fail + c.unknown + c.open;
  const summary = el('div', { className: 'summary' });
  if (state.health) {
    const pct = state.health.percent;
    summary.append(
      el(
        'div',
        { className: 'health' },
        el('span', {
          className: `big ${pct === null ? '' : pct >= 95 ? 'pass' : pct >= 80 ? 'unknown' : 'fail'}`,
          text: pct === null ? '—' : `${pct.toFixed(1)}%`,
        }),
        el('span', { className: 'muted', text: 'pods healthy' }),
        ...(state.health.samples.length > 1 ? [sparkline(state.health.samples)] : []),
      ),
    );
  }
  summary.append(
    el(
      'div',
      { className: 'progress' },
      bar(
        [
          { value: c.pass, className: 'pass' },
          { value: c.fail, className: 'fail' },
          { value: c.unknown, className: 'unknown' },
        ],
        total,
        `${c.pass} of ${total} done`,
      ),
      el('span', {
        className: 'muted',
        text: [
          `${c.pass} of ${total} done`,
          ...(c.fail ? [`${c.fail} failing`] : []),
          ...(c.unknown ? [`${c.unknown} cannot tell`] : []),
          ...(c.open ? [`${c.open} to tick`] : []),
        ].join(' · '),
      }),
    ),
  );
  head.append(summary);
  const filters = el('div', { className: 'filters' });
  filters.setAttribute('role', 'group');
  for (const [value, label] of [
    ['all', 'All tasks'],
    ['attention', 'Needs attention'],
  ] as const) {
    const b = button(label, () => {
      saveUi({ ...ui, filter: value });
      if (current) render(current);
    });
    b.setAttribute('aria-pressed', String(ui.filter === value));
    filters.append(b);
  }
  head.append(filters);
  return head;
}

function render(state: ViewState): void {
  current = state;
  const scroll = window.scrollY;
  const firstUnfinished = state.phases.find((p) => p.passed < p.total)?.id;
  const phases = state.phases
    .map((p) => renderPhase(p, p.id === firstUnfinished))
    .filter((p): p is HTMLElement => p !== undefined);
  root.replaceChildren(
    header(state),
    ...(phases.length > 0
      ? phases
      : [
          el('p', {
            className: 'muted',
            text: state.phases.length ? 'Nothing needs attention.' : 'This runbook has no phases.',
          }),
        ]),
  );
  window.scrollTo(0, scroll);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isWebviewBound(event.data)) render(event.data.state);
});
send({ type: 'ready' });
