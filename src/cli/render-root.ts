import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KUSTOMIZATION_FILES } from '../adapters/fs/kustomize-patches';
import { mayHoldArgoApp } from '../core/render/argo-app';

/** Options `lint` takes for charts and overlays (see LINT_USAGE). */
export const RENDER_VALUE_OPTIONS = [
  'values',
  'set',
  'set-string',
  'namespace',
  'release',
  'helm',
  'kustomize',
  'render-timeout',
];

/**
 * Whether a path given on the command line may be rendered (a chart or Kustomize root, a file of
 * Argo CD Applications): a cheap look first, so a plain lint never loads the render code and the
 * child_process and crypto modules it needs (start-up, issue 18). render-lint.ts decides for real.
 */
export function mayRender(path: string): boolean {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isDirectory())
    return [...KUSTOMIZATION_FILES, 'Chart.yaml'].some((name) => existsSync(join(path, name)));
  if (!stat?.isFile()) return false;
  try {
    return mayHoldArgoApp(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
}
