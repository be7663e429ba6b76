import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { parseKustomizeError, type RenderError } from '../../core/render/errors';
import { originPaths, type KustomizeRender } from '../../core/render/kustomize-map';
import type { SourceFile } from '../../core/render/locate';
import type { LocatedRenderError } from './helm';
import { formatBytes, runTool, type RunLimits } from './run';

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
  /** Kustomization fields laid over the overlay (an Argo CD app's `kustomize` options). */
  options?: Readonly<Record<string, unknown>>,
): Promise<KustomizeOutcome> {
  const overlay = resolve(dir);
  const wrapper = mkdtempSync(join(tmpdir(), 'shipshape-kustomize-'));
  try {
    writeFileSync(
      join(wrapper, 'kustomization.yaml'),
      stringify({
        ...options,
        resources: [relative(wrapper, overlay)],
        buildMetadata: ['originAnnotations'],
      }),
    );
    const result = await runTool(kustomize, ['build', wrapper], limits);
    const kustomization = kustomizationIn(overlay) ?? join(overlay, 'kustomization.yaml');
    if (result.timedOut || result.tooBig || result.code === null) {
      const message = result.timedOut
        ? `kustomize build did not finish within ${Math.round(limits.timeoutMs / 1000)} s and was stopped`
        : result.tooBig
          ? `kustomize build wrote more than ${formatBytes(limits.maxBytes)} and was stopped`
          : `kustomize build could not be run: ${result.stderr.trim()}`;
      return { ok: false, errors: [{ file: kustomization, line: 1, column: 1, message }] };
    }
    if (result.code !== 0) {
      return {
        ok: false,
        errors: parseKustomizeError(result.stderr.split(wrapper).join('.')).map((e) =>
          locateKustomizeError(e, overlay, kustomization),
        ),
      };
    }
    const origins = new Map<string, SourceFile>();
    for (const path of originPaths(result.stdout)) {
      const file = resolve(wrapper, path);
      if (existsSync(file)) origins.set(path, { file, text: readFileSync(file, 'utf8') });
    }
    const kustomizations = kustomizationChain(overlay, new Set()).map((file) => ({
      file,
      text: readFileSync(file, 'utf8'),
    }));
    return {
      ok: true,
      render: { rendered: result.stdout, origins, patches: patchesOf(overlay, new Set()), kustomizations },
    };
  } finally {
    rmSync(wrapper, { recursive: true, force: true });
  }
}

/**
 * A file Kustomize names is opened at the line Kustomize gives; a file that does not exist is
 * shown where a kustomization of the build lists it.
 */
function locateKustomizeError(e: RenderError, overlay: string, kustomization: string): LocatedRenderError {
  const candidates = e.file ? [resolve(overlay, e.file), resolve(e.file)] : [];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  if (found) return { file: found, line: e.line ?? 1, column: 1, message: e.message };
  if (e.file && /no such file or directory/.test(e.message)) {
    for (const k of kustomizationChain(overlay, new Set())) {
      const lines = readFileSync(k, 'utf8').split('\n');
      const index = lines.findIndex((l) => l.includes(e.file as string));
      if (index >= 0)
        return {
          file: k,
          line: index + 1,
          column: (lines[index] ?? '').indexOf(e.file) + 1,
          message: `${e.file} is listed here but does not exist`,
        };
    }
  }
  return { file: kustomization, line: e.line ?? 1, column: 1, message: e.message };
}

/** The kustomization files of a build: the overlay's first, then its bases'. */
function kustomizationChain(dir: string, seen: Set<string>): string[] {
  const file = kustomizationIn(dir);
  if (!file || seen.has(file)) return [];
  seen.add(file);
  let resources: unknown;
  try {
    resources = (parse(readFileSync(file, 'utf8')) as { resources?: unknown } | null)?.resources;
  } catch {
    return [file];
  }
  const out = [file];
  for (const r of Array.isArray(resources) ? resources : []) {
    if (typeof r !== 'string') continue;
    const path = resolve(dirname(file), r);
    if (existsSync(path) && statSync(path).isDirectory()) out.push(...kustomizationChain(path, seen));
  }
  return out;
}

/** Plain `kustomize build` (no origin annotations): what `kubectl apply -k` would send. */
export async function buildOverlay(
  kustomize: string,
  dir: string,
  limits: RunLimits,
  options?: Readonly<Record<string, unknown>>,
): Promise<{ text: string } | { errors: LocatedRenderError[] }> {
  const overlay = resolve(dir);
  const kustomization = kustomizationIn(overlay) ?? join(overlay, 'kustomization.yaml');
  const wrapper = options ? mkdtempSync(join(tmpdir(), 'shipshape-kustomize-')) : undefined;
  if (wrapper)
    writeFileSync(
      join(wrapper, 'kustomization.yaml'),
      stringify({ ...options, resources: [relative(wrapper, overlay)] }),
    );
  const result = await runTool(kustomize, ['build', wrapper ?? overlay], limits).finally(() => {
    if (wrapper) rmSync(wrapper, { recursive: true, force: true });
  });
  if (result.code === 0 && !result.timedOut && !result.tooBig) return { text: result.stdout };
  if (result.code !== null && !result.timedOut && !result.tooBig)
    return {
      errors: parseKustomizeError(result.stderr).map((e) => locateKustomizeError(e, overlay, kustomization)),
    };
  const message = result.timedOut
    ? `kustomize build did not finish within ${Math.round(limits.timeoutMs / 1000)} s and was stopped`
    : result.tooBig
      ? `kustomize build wrote more than ${formatBytes(limits.maxBytes)} and was stopped`
      : `kustomize build could not be run: ${result.stderr.trim()}`;
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
