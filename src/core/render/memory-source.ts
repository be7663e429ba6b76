import { isMap, isScalar, isSeq } from 'yaml';
import { YamlEditor } from '../edit/yaml-edit';
import type { TextEdit } from '../edit/text-edit';
import { raisedLimit } from '../fixes/memory';
import { podSpecPath } from '../manifest/objects';
import { parseManifestFile } from '../yaml/parse';
import type { RenderLint } from './helm-map';
import { offsetOf } from './locate';
import type { SourceLocation } from './locate';
import { renderedDocumentOf, type RenderedRef } from './locate-object';
import { nodeAtPath, pathAt } from './rendered';
import type { PathStep } from './template-index';

/** The memory limit of a rendered container, raised in the file that produces it. */
export interface SourceMemoryRaise {
  /** The values file or template edited. */
  readonly file: string;
  readonly edits: readonly TextEdit[];
  readonly container: string;
  /** The limit as rendered now (undefined when the chart sets none). */
  readonly from?: string;
  readonly to: string;
  /** values: a values key (`key`); template: a literal line of the template. */
  readonly via: 'values' | 'template';
  /** 0-based line the edit starts at (the key, or the template line). */
  readonly line: number;
  /** The values key written, `worker.resources.limits.memory`. */
  readonly key?: string;
  /** The container's path in the rendered object, to check a new render. */
  readonly renderedPath: readonly PathStep[];
}

/**
 * OOMKilled, in a chart: the memory limit of that container is raised where a person would change
 * it — the values key when the template reads it from values (or the values block
 * `toYaml .Values.x.resources` writes), the template line when it is literal there. `read` gives
 * the text of a source file. The caller renders the edited chart to check the new limit lands.
 */
export function raiseMemoryAtSource(
  lint: RenderLint,
  ref: RenderedRef,
  options: { readonly container?: string; readonly liveLimit?: string; readonly factor?: number },
  read: (file: string) => string | undefined,
): SourceMemoryRaise | { readonly problem: string } {
  const index = renderedDocumentOf(lint, ref);
  const root = index === undefined ? undefined : lint.file.documents[index]?.root;
  if (index === undefined || !root) return { problem: `the chart does not render ${ref.kind} ${ref.name}` };
  const list = [...podSpecPath(ref.kind), 'containers'];
  const containers = nodeAtPath(root, list);
  const names = isSeq(containers)
    ? containers.items.map((c) => {
        const name = isMap(c) ? c.get('name') : undefined;
        return typeof name === 'string' ? name : '';
      })
    : [];
  let at = names.indexOf(options.container ?? '');
  if (at < 0 && names.length === 1) at = 0;
  if (at < 0)
    return {
      problem: `${ref.kind} ${ref.name} renders no container named "${options.container ?? '?'}" (it has ${names.join(', ') || 'none'})`,
    };
  const container = [...list, at];
  const scalar = (p: readonly PathStep[]) => {
    const node = nodeAtPath(root, [...container, ...p]);
    const value = isScalar(node) ? node.value : undefined;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  };
  const from = scalar(['resources', 'limits', 'memory']);
  const to = raisedLimit(
    from ?? options.liveLimit ?? scalar(['resources', 'requests', 'memory']),
    options.factor,
  );
  const base = { container: names[at] ?? '', ...(from ? { from } : {}), to, renderedPath: container };

  // The deepest node that says where the limit is written: the value itself, else the block around it.
  const wanted: PathStep[] = ['resources', 'limits', 'memory'];
  for (let depth = wanted.length; depth >= 1; depth--) {
    const path = [...container, ...wanted.slice(0, depth)];
    const loc = lint.locate?.(index, path);
    if (!loc) continue;
    const rest = wanted.slice(depth) as string[];
    if (loc.via === 'values') {
      const edit = valuesEdit(loc, rest, to, read);
      if (edit) return { ...base, ...edit };
      continue;
    }
    // Literal in the template, and rendered: the template line is the limit's (or its block's).
    if (loc.via === 'template' && nodeAtPath(root, path) !== undefined) {
      const text = read(loc.file);
      if (text === undefined) continue;
      const edits = templateEdit(text, loc, rest, to);
      if (edits) return { ...base, file: loc.file, edits, via: 'template', line: loc.line };
    }
    if (loc.via === 'action')
      return {
        problem: `${ref.kind} ${ref.name}'s ${wanted.slice(0, depth).join('.')} is ${loc.note ?? 'written by a template action'} (${loc.file}:${loc.line + 1}); change it there`,
      };
  }
  return { problem: `no values key or template line of the chart sets ${names[at] ?? ''}'s memory limit` };
}

function valuesEdit(
  loc: SourceLocation,
  rest: readonly string[],
  to: string,
  read: (file: string) => string | undefined,
): Pick<SourceMemoryRaise, 'file' | 'edits' | 'via' | 'line' | 'key'> | undefined {
  const text = read(loc.file);
  if (text === undefined) return undefined;
  const file = parseManifestFile(text);
  const map = file.documents[0]?.root;
  if (!isMap(map)) return undefined;
  const key = pathAt(map, offsetOf(text, loc.line, loc.column));
  if (key.length === 0 || key.some((s) => typeof s !== 'string')) return undefined;
  const target = [...(key as string[]), ...rest];
  return {
    file: loc.file,
    edits: new YamlEditor(file).setIn(map, target, to),
    via: 'values',
    line: loc.line,
    key: target.join('.'),
  };
}

/**
 * A literal template line: `memory: 1Gi` gets its value replaced; a literal `resources:` or
 * `limits:` block gets the missing keys as new lines under it, indented like its children.
 */
function templateEdit(
  text: string,
  loc: SourceLocation,
  rest: readonly string[],
  to: string,
): TextEdit[] | undefined {
  const lines = text.split('\n');
  const line = lines[loc.line];
  if (line === undefined) return undefined;
  const start = offsetOf(text, loc.line, 0);
  if (rest.length === 0) {
    const m = /^(\s*(?:-\s+)?memory:\s*)(["']?[^"'\s#]+["']?)/.exec(line);
    if (!m) return undefined;
    const from = start + (m[1] ?? '').length;
    return [{ start: from, end: from + (m[2] ?? '').length, text: to }];
  }
  if (!/:\s*(#.*)?$/.test(line)) return undefined;
  const next = lines[loc.line + 1] ?? '';
  const own = line.length - line.trimStart().length;
  const childIndent =
    next.trim() && next.length - next.trimStart().length > own
      ? next.length - next.trimStart().length
      : own + 2;
  const step = childIndent - own;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const added = rest
    .map((k, i) => `${' '.repeat(childIndent + i * step)}${k}:${i === rest.length - 1 ? ` ${to}` : ''}`)
    .join(eol);
  const at = start + line.length - (line.endsWith('\r') ? 1 : 0);
  return [{ start: at, end: at, text: `${eol}${added.replace(/\r$/, '')}` }];
}
