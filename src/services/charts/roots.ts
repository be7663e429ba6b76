import { dirname, sep } from 'node:path';

/** A chart or Kustomize root: where `helm template` / `kustomize build` runs. */
export interface SourceRoot {
  readonly kind: 'helm' | 'kustomize';
  readonly dir: string;
}

const KUSTOMIZATIONS = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/**
 * Roots from the marker files found in the workspace. A `Chart.yaml` under another chart's
 * `charts/` folder is a subchart: it is rendered (and its diagnostics published) through its
 * umbrella chart, the way Helm and Argo CD render it.
 */
export function rootsFrom(markers: readonly string[]): SourceRoot[] {
  const charts = markers.filter((f) => basename(f) === 'Chart.yaml').map((f) => dirname(f));
  const umbrellas = charts.filter(
    (dir) => !charts.some((other) => other !== dir && dir.startsWith(`${other}${sep}charts${sep}`)),
  );
  const overlays = markers
    .filter((f) => KUSTOMIZATIONS.has(basename(f)))
    .map((f) => dirname(f))
    // A kustomization inside a chart (rare: a chart's own post-render overlay) stays the chart's.
    .filter((dir) => !umbrellas.some((c) => inside(dir, c)));
  return [
    ...umbrellas.sort().map((dir) => ({ kind: 'helm' as const, dir })),
    ...[...new Set(overlays)].sort().map((dir) => ({ kind: 'kustomize' as const, dir })),
  ];
}

/** The roots whose render reads a file: its chart, or every overlay under which it sits. */
export function rootsOf(roots: readonly SourceRoot[], file: string): SourceRoot[] {
  const chart = roots.find((r) => r.kind === 'helm' && inside(file, r.dir));
  if (chart) return [chart];
  return roots.filter((r) => r.kind === 'kustomize' && inside(file, r.dir));
}

export function inside(file: string, dir: string): boolean {
  return file === dir || file.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);
}

const basename = (f: string) => f.slice(f.lastIndexOf(sep) + 1);
