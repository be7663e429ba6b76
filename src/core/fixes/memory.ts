import { parseQuantity } from '../health/quantity';
import { YamlEditor } from '../edit/yaml-edit';
import type { TextEdit } from '../edit/text-edit';
import { getMapPath, str } from '../manifest/nodes';
import { findObject, type ObjectName } from '../manifest/find';
import { containersOf, podSpecOf } from '../manifest/objects';
import type { ManifestFile } from '../yaml/parse';

const MI = 1024 ** 2;
const GI = 1024 ** 3;

/** Bytes as the unit people write: whole Gi when it is one, else whole Mi (rounded up). */
export function formatMemory(bytes: number): string {
  if (bytes >= GI && bytes % GI === 0) return `${bytes / GI}Gi`;
  return `${Math.ceil(bytes / MI)}Mi`;
}

/** `base` times `factor` (default 2), in the unit people write; 1Gi when there is no base. */
export function raisedLimit(base: string | undefined, factor = 2): string {
  const bytes = base ? parseQuantity(base) : 0;
  return bytes > 0 ? formatMemory(Math.ceil(bytes * factor)) : '1Gi';
}

export interface MemoryRaise {
  readonly edits: readonly TextEdit[];
  readonly container: string;
  readonly from?: string;
  readonly to: string;
}

/**
 * The manifest edit for an OOMKilled container: its memory limit times `factor` (default 2).
 * The base is the manifest's own limit, else the limit the pod ran with (a LimitRange default),
 * else its request; with none of them, 1Gi. Requests are left alone: raising the limit is what
 * stops the kills, and the request is a scheduling decision the user makes.
 */
export function raiseMemoryLimit(
  file: ManifestFile,
  ref: ObjectName,
  options: { readonly container?: string; readonly liveLimit?: string; readonly factor?: number } = {},
): MemoryRaise | { readonly problem: string } {
  if (file.isTemplate)
    return { problem: 'the manifest is a Helm template: change the limit in its values instead' };
  const object = findObject(file, ref);
  if (!object) return { problem: `no ${ref.kind} ${ref.name} in this file` };
  const spec = podSpecOf(object);
  if (!spec) return { problem: `${ref.kind} ${ref.name} has no pod template` };
  const containers = containersOf(spec, object, ['containers']);
  const container =
    containers.find((c) => c.name === options.container) ??
    (containers.length === 1 ? containers[0] : undefined);
  if (!container)
    return {
      problem: `${ref.kind} ${ref.name} has no container named "${options.container ?? '?'}" (it has ${containers.map((c) => c.name).join(', ') || 'none'})`,
    };
  const doc = object.document.doc;
  const resources = (key: string) => str(getMapPath(container.node, ['resources', key], doc), 'memory', doc);
  const from = resources('limits');
  const to = raisedLimit(from ?? options.liveLimit ?? resources('requests'), options.factor);
  const edits = new YamlEditor(file).setIn(container.node, ['resources', 'limits', 'memory'], to);
  return { edits, container: container.name, ...(from ? { from } : {}), to };
}
