import type { ContextInfo } from '../../adapters/k8s/kubeconfig';
import type { Source } from './sources';

/**
 * The context rows after a kubeconfig (re)load. A context whose server, user and credentials are
 * unchanged keeps its row and its live connection, but takes the new entry (the current context,
 * the default namespace): after `kubectl config use-context`, Diff, Apply and the drift lens must
 * follow without reconnecting anything. No `vscode` here, so this is tested in plain Node.
 */
export function contextSources(
  previous: ReadonlyMap<string, Source>,
  contexts: readonly ContextInfo[],
  options: { readonly trusted: boolean; readonly fromWorkspace: boolean },
): { readonly next: Source[]; readonly replaced: Source[] } {
  const next: Source[] = [];
  const replaced: Source[] = [];
  for (const context of contexts) {
    const id = `ctx:${context.name}`;
    const old = previous.get(id);
    const same =
      old?.context &&
      old.context.server === context.server &&
      old.context.user === context.user &&
      old.context.credentials === context.credentials;
    let source: Source;
    if (same && old) {
      source = old;
      source.context = context;
      // A kept connection follows trust too: granting it makes writes available at once.
      source.readonly = !options.trusted;
    } else {
      source = { id, label: context.name, kind: 'context', readonly: !options.trusted, context };
      if (old) replaced.push(old);
    }
    if (!options.trusted && options.fromWorkspace && context.usesExec) {
      source.blocked =
        'This context runs a credential plugin from a kubeconfig in this untrusted workspace; trust the workspace to connect.';
    } else {
      delete source.blocked;
    }
    next.push(source);
  }
  return { next, replaced };
}
