import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { parseKustomizeError } from '../../core/render/errors';
import { originPaths, type KustomizeRender } from '../../core/render/kustomize-map';
import type { SourceFile } from '../../core/render/locate';
import type { LocatedRenderError } from './helm';
import { runTool, type RunLimits } from './run';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export function kustomizationIn(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
}

export type KustomizeOutcome =
  | { readonly ok: true; readonly render: KustomizeRender }
  | { readonly ok: false; readonly errors: readonly LocatedRenderError[] };

/**
 * `kustomize build` with `buildMetadata: [originAnnotations]`, without touching the user's
 * kustomization: a throw-away kustomization in a temp dir takes the overlay as its only resource
 * (Kustomize refuses absolute resource paths, so it is named relatively).
 */
export async function renderOverlay(
  kustomize: string,
  dir: string,
  limits: RunLimits,
): Promise<KustomizeOutcome> {
  const overlay = resolve(dir);
  const wrapper = mkdtempSync(join(tmpdir(), 'shipshape-kustomize-'));
  try {
    writeFileSync(
      join(wrapper, 'kustomization.yaml'),
      `resources:\n  - ${JSON.stringify(relative(wrapper, overlay))}\nbuildMetadata: [originAnnotations]\n`,
    );
    const result = await runTool(kustomize, ['build', wrapper], limits);
    const kustomization = kustomizationIn(overlay) ?? join(overlay, 'kustomization.yaml');
    if (result.timedOut || result.tooBig || result.code === null) {
      const message = result.timedOut
        ? `kustomize build did not finish within ${Math.round(limits.timeoutMs / 1000)} s and was stopped`
        : result.tooBig
          ? `kustomize build wrote more than ${Math.round(limits.maxBytes / 1048576)} MiB and was stopped`
          : `kustomize build could not be run: ${result.stderr.trim()}`;
      return { ok: false, errors: [{ file: kustomization, line: 1, column: 1, message }] };
    }
    if (result.code !== 0) {
      return {
        ok: false,
        errors: parseKustomizeError(result.stderr.split(wrapper).join('.')).map((e) => {
          const candidates = e.file
            ? [resolve(overlay, e.file), resolve(wrapper, e.file), resolve(e.file)]
            : [];
          return {
            file: candidates.find((c) => existsSync(c)) ?? kustomization,
            line: e.line ?? 1,
            column: 1,
            message: e.message,
          };
        }),
      };
    }
    const origins = new Map<string, SourceFile>();
    for (const path of originPaths(result.stdout)) {
      const file = resolve(wrapper, path);
      if (existsSync(file)) origins.set(path, { file, text: readFileSync(file, 'utf8') });
    }
    return { ok: true, render: { rendered: result.stdout, origins, patches: patchesOf(overlay, new Set()) } };
  } finally {
    rmSync(wrapper, { recursive: true, force: true });
  }
}

/** Plain `kustomize build` (no origin annotations): what `kubectl apply -k` would send. */
export async function buildOverlay(
  kustomize: string,
  dir: string,
  limits: RunLimits,
): Promise<{ text: string } | { errors: LocatedRenderError[] }> {
  const overlay = resolve(dir);
  const kustomization = kustomizationIn(overlay) ?? join(overlay, 'kustomization.yaml');
  const result = await runTool(kustomize, ['build', overlay], limits);
  if (result.code === 0 && !result.timedOut && !result.tooBig) return { text: result.stdout };
  const message = result.timedOut
    ? `kustomize build did not finish within ${Math.round(limits.timeoutMs / 1000)} s and was stopped`
    : result.tooBig
      ? `kustomize build wrote more than ${Math.round(limits.maxBytes / 1048576)} MiB and was stopped`
      : (parseKustomizeError(result.stderr)[0]?.message ?? 'kustomize build failed');
  return { errors: [{ file: kustomization, line: 1, column: 1, message }] };
}

/** The strategic-merge patch files of a kustomization and its bases, bases first. */
function patchesOf(dir: string, seen: Set<string>): SourceFile[] {
  const file = kustomizationIn(dir);
  if (!file || seen.has(file)) return [];
  seen.add(file);
  let k: Record<string, unknown>;
  try {
    k = (parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null) ?? {};
  } catch {
    return [];
  }
  const list = (key: string): unknown[] => (Array.isArray(k[key]) ? (k[key] as unknown[]) : []);
  const out: SourceFile[] = [];
  for (const r of [...list('resources'), ...list('bases'), ...list('components')]) {
    if (typeof r !== 'string') continue;
    const path = resolve(dirname(file), r);
    if (existsSync(path) && statSync(path).isDirectory()) out.push(...patchesOf(path, seen));
  }
  const paths = [
    ...list('patches').flatMap((p) => {
      const path = (p as { path?: unknown } | null)?.path;
      return typeof path === 'string' ? [path] : [];
    }),
    ...list('patchesStrategicMerge').filter((p): p is string => typeof p === 'string' && !p.includes('\n')),
  ];
  for (const p of paths) {
    const path = resolve(dirname(file), p);
    if (existsSync(path)) out.push({ file: path, text: readFileSync(path, 'utf8') });
  }
  return out;
}
