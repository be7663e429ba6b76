/**
 * Runbook + evaluation → the webview's ViewState. No `vscode` import: unit tests build states
 * from plain objects, and the same function feeds the CLI's JSON output.
 */
import { expandDefaults, snippetById } from '../../core/runbook/snippets';
import type { ItemResult, Runbook, RunbookEvaluation } from '../../core/runbook/types';
import type { ItemView, SnippetView, TaskView, ViewState } from '../../protocol/runbook';

export interface ViewInput {
  readonly runbook: Runbook | undefined;
  readonly file: { readonly label: string; readonly builtIn: boolean; readonly problems: number };
  readonly evaluation: RunbookEvaluation | undefined;
  readonly source?: ViewState['source'];
  readonly notice?: string;
  readonly health?: ViewState['health'];
  /** Checks are not evaluated yet (the first LIST is still running): the sentence to show instead. */
  readonly waiting?: string;
}

const NOT_EVALUATED: ItemResult = {
  status: 'unknown',
  evidence: 'Not evaluated: no cluster or snapshot is open.',
  refs: [],
  manual: false,
};

function itemStatus(result: ItemResult): ItemView['status'] {
  if (!result.manual) return result.status;
  return result.status === 'pass' ? 'done' : 'open';
}

function snippetView(id: string): SnippetView {
  const snippet = snippetById(id);
  if (!snippet)
    return { id, title: id, description: 'This snippet is not part of Shipshape (check its id).', text: '' };
  return {
    id,
    title: snippet.name,
    description:
      snippet.insertInto !== undefined && !/inside a/i.test(snippet.description)
        ? `${snippet.description} Insert it inside a ${snippet.insertInto === 'podSpec' ? 'pod spec' : 'container'}.`
        : snippet.description,
    text: expandDefaults(snippet.body),
  };
}

export function viewState(input: ViewInput): ViewState {
  const runbook = input.runbook;
  const phases = (runbook?.phases ?? []).map((phase) => {
    const tasks = phase.tasks.map((task): TaskView => ({
      id: task.id,
      title: task.title,
      ...(task.priority !== undefined ? { priority: task.priority } : {}),
      ...(task.description !== undefined ? { description: task.description } : {}),
      steps: task.steps,
      fix: task.fix,
      snippets: task.snippets.map(snippetView),
      items: task.items.map((item): ItemView => {
        const evaluated = input.evaluation?.items.get(item.id);
        // Without a cluster only the operator's ticks mean anything.
        const result =
          evaluated && (evaluated.manual || (input.source && input.waiting === undefined))
            ? evaluated
            : {
                ...NOT_EVALUATED,
                ...(input.waiting !== undefined ? { evidence: input.waiting } : {}),
                manual: !item.check && item.invalidCheck === undefined,
              };
        return {
          id: item.id,
          title: item.title,
          manual: result.manual,
          status: itemStatus(result),
          evidence: result.evidence,
          refs: result.refs.map((r) => ({
            kind: r.kind,
            name: r.name,
            ...(r.namespace ? { namespace: r.namespace } : {}),
          })),
        };
      }),
    }));
    // Counted from what is shown, so a half-loaded cluster never inflates the progress.
    const items = tasks.flatMap((t) => t.items);
    return {
      id: phase.id,
      title: phase.title,
      ...(phase.description !== undefined ? { description: phase.description } : {}),
      passed: items.filter((i) => i.status === 'pass' || i.status === 'done').length,
      total: items.length,
      tasks,
    };
  });
  return {
    title: runbook?.title ?? 'Runbook',
    runbook: input.file,
    phases,
    ...(input.source ? { source: input.source } : {}),
    ...(input.notice !== undefined ? { notice: input.notice } : {}),
    ...(input.health ? { health: input.health } : {}),
  };
}

/** Health samples for the sparkline: one per minute at most (or on change), the last 4 hours. */
export function addSample(
  samples: readonly { t: number; v: number }[],
  now: number,
  value: number,
): { t: number; v: number }[] {
  const last = samples[samples.length - 1];
  if (last && now - last.t < 60_000 && Math.abs(last.v - value) < 0.05) return [...samples];
  return [...samples, { t: now, v: Math.round(value * 10) / 10 }]
    .filter((s) => now - s.t <= 4 * 3_600_000)
    .slice(-240);
}
