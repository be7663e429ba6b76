import { objectsOf, type ObjectIdentity } from '../manifest/objects';
import type { ManifestFile } from '../yaml/parse';

/** The identity of an object that can be sent to the API server: every part but the namespace set. */
export interface TargetIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** One object of a manifest file, as the body a server-side apply sends. */
export interface ApplyTarget {
  readonly identity: TargetIdentity;
  readonly body: Readonly<Record<string, unknown>>;
  readonly documentIndex: number;
  readonly listIndex?: number;
  /** The object's text range in the file (offsets). */
  readonly start: number;
  readonly end: number;
}

export interface TargetProblem {
  readonly message: string;
  readonly start?: number;
}

export type TargetSet =
  | { readonly refused: string }
  | { readonly targets: readonly ApplyTarget[]; readonly problems: readonly TargetProblem[] };

export const TEMPLATE_REFUSAL =
  'This file is a Helm template ({{ … }}): Shipshape cannot know what it renders to. Render it first (helm template … > rendered.yaml) and diff or apply the output.';

/**
 * What of a manifest file can go to a cluster. Templates are refused whole; a document with YAML
 * errors, or an object without apiVersion, kind or name, is reported and left out (never sent
 * half-read).
 */
export function applyTargets(file: ManifestFile): TargetSet {
  if (file.isTemplate) return { refused: TEMPLATE_REFUSAL };
  const problems: TargetProblem[] = [];
  const broken = new Set<number>();
  for (const document of file.documents) {
    const error = document.problems.find((p) => p.severity === 'error');
    if (!error) continue;
    broken.add(document.index);
    problems.push({
      message: `document ${document.index + 1} has a YAML error and is not sent: ${error.message}`,
      start: error.start,
    });
  }
  const targets: ApplyTarget[] = [];
  for (const object of objectsOf(file)) {
    if (broken.has(object.document.index)) continue;
    const start = object.node.range?.[0] ?? object.document.start;
    const end = object.node.range?.[1] ?? object.document.end;
    const identity = complete(object.identity);
    if (typeof identity === 'string') {
      problems.push({ message: identity, start });
      continue;
    }
    const body = object.node.toJS(object.document.doc) as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) continue;
    targets.push({
      identity,
      body: body as Record<string, unknown>,
      documentIndex: object.document.index,
      ...(object.listIndex !== undefined ? { listIndex: object.listIndex } : {}),
      start,
      end,
    });
  }
  return { targets, problems };
}

function complete(identity: ObjectIdentity): TargetIdentity | string {
  const { apiVersion, kind, name, namespace } = identity;
  const missing = [!apiVersion && 'apiVersion', !kind && 'kind', !name && 'metadata.name'].filter(Boolean);
  if (!apiVersion || !kind || !name)
    return `${kind ?? 'an object'}${name ? ` ${name}` : ''} has no ${missing.join(', ')} and is not sent (server-side apply needs all three)`;
  return { apiVersion, kind, name, ...(namespace ? { namespace } : {}) };
}

/** "Deployment data-platform/redis" — how objects are named to the user. */
export function targetLabel(identity: Pick<TargetIdentity, 'kind' | 'name' | 'namespace'>): string {
  return `${identity.kind} ${identity.namespace ? `${identity.namespace}/` : ''}${identity.name}`;
}
