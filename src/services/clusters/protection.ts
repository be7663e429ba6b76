import * as vscode from 'vscode';
import type { ContextGuard } from '../../adapters/k8s/plan';
import { protectedContextEntries } from '../../adapters/vscode/config';
import { contextIsProtected } from '../../core/sync/protected';
import type { ClusterSources, Source } from './sources';

/** Protected contexts (production) need their name typed, not just a click. */
export async function typedContextName(contextName: string, action: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `${action} on ${contextName}`,
    prompt: `${contextName} is a protected context (shipshape.protectedContexts). Type its name to continue.`,
    placeHolder: contextName,
    ignoreFocusOut: true,
    validateInput: (value) =>
      value === contextName || value === '' ? undefined : `Type "${contextName}" exactly`,
  });
}

/** Whether `source` is protected: by its name, its server URL, or another name for the same server. */
export function isProtectedSource(sources: ClusterSources, source: Source): boolean {
  if (!source.context) return false;
  const known = sources.list().flatMap((s) => (s.context ? [s.context] : []));
  return contextIsProtected(source.context, protectedContextEntries(), known);
}

/** The guard a write to `source` runs under: the typed name is asked only for a protected context. */
export function guardFor(sources: ClusterSources, source: Source, action: string): ContextGuard {
  const context = source.context?.name ?? source.label;
  return {
    context,
    protected: isProtectedSource(sources, source),
    typeName: (name) => typedContextName(name, action),
  };
}
