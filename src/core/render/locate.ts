import type { Node } from 'yaml';
import type { Finding } from '../rules/types';
import { nodeAtPath, pathAt } from './rendered';
import type { PathStep } from './template-index';

/** A file the renderer read: a template, a values file, a Kustomize base or patch. */
export interface SourceFile {
  readonly file: string;
  readonly text: string;
}

/** Where a person edits to change a rendered node. Lines and columns are 0-based. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /**
   * template: written literally in the template; values: a values key (or block) in use;
   * action: produced by a `{{ … }}` action on that template line; base/patch: a Kustomize file;
   * kustomization: an `images:` entry of a kustomization.
   */
  readonly via: 'template' | 'values' | 'action' | 'base' | 'patch' | 'kustomization';
  /** Said to the user when the line is not the node itself (an action, --set, a values block). */
  readonly note?: string;
}

/** The object as rendered: which output document and which node. */
export interface RenderedAt {
  /** Helm's `# Source:` path, or the Kustomize origin path. */
  readonly source: string | undefined;
  readonly document: number;
  readonly path: string;
}

export interface MappedFinding {
  readonly finding: Finding;
  readonly location: SourceLocation | undefined;
  readonly rendered: RenderedAt;
  /** Every object the same rule flags at the same source line (a shared values key), when more than one. */
  readonly sharedBy?: readonly string[];
}

/**
 * A values key read by several objects (`image.tag` for a coordinator and its workers) gives one
 * finding per object on one line: each says which objects an edit there changes.
 */
export function noteShared(findings: readonly MappedFinding[]): MappedFinding[] {
  const key = (m: MappedFinding) =>
    m.location ? `${m.finding.rule}|${m.location.file}|${m.location.line}` : undefined;
  const objects = new Map<string, Set<string>>();
  for (const m of findings) {
    const k = key(m);
    if (k === undefined || m.location?.via !== 'values') continue;
    const set = objects.get(k) ?? new Set<string>();
    set.add(`${m.finding.object.kind ?? ''}/${m.finding.object.name ?? ''}`);
    objects.set(k, set);
  }
  return findings.map((m) => {
    const k = key(m);
    const set = k === undefined ? undefined : objects.get(k);
    return set && set.size > 1 ? { ...m, sharedBy: [...set].sort() } : m;
  });
}

/**
 * Findings about something absent point at the container's `name:` (or the pod spec's `spec:`);
 * the field a person adds is this one, and it may come from a values block.
 */
const CONTAINER_FIELD: Readonly<Record<string, string>> = {
  'cpu-request': 'resources',
  'memory-request': 'resources',
  'memory-limit': 'resources',
  'cpu-limit': 'resources',
  'ephemeral-storage': 'resources',
  'memory-request-equals-limit': 'resources',
  'liveness-probe': 'livenessProbe',
  'readiness-probe': 'readinessProbe',
  'startup-probe': 'startupProbe',
  'allow-privilege-escalation': 'securityContext',
  'run-as-non-root': 'securityContext',
  'run-as-high-uid': 'securityContext',
  'read-only-root-filesystem': 'securityContext',
  'drop-all-capabilities': 'securityContext',
  'seccomp-profile': 'securityContext',
  'image-pull-policy': 'imagePullPolicy',
};
const POD_FIELD: Readonly<Record<string, string>> = {
  'seccomp-profile': 'securityContext',
  'run-as-non-root': 'securityContext',
  'automount-service-account-token': 'automountServiceAccountToken',
  'pod-spread': 'topologySpreadConstraints',
};

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

export interface Target {
  /** Where the finding points in the rendered object. */
  readonly path: PathStep[];
  /** The node a person edits: `path`, or the absent field the rule asks for. */
  readonly field: PathStep[];
}

/** Object-level findings sit on `kind:`; what a person adds goes under `spec:`. */
const OBJECT_FIELD: Readonly<Record<string, string>> = {
  'rolling-update-strategy': 'spec',
  'cronjob-policy': 'spec',
};

export function targetOf(finding: Finding, root: Node | null | undefined): Target {
  const path = pathAt(root, finding.start);
  const last = path.at(-1);
  const list = path.at(-3);
  if (last === 'name' && typeof list === 'string' && CONTAINER_LISTS.has(list)) {
    // The rule's fix sets runAsNonRoot on the pod: a pod securityContext, when there is one, is the place.
    const podContext = [...path.slice(0, -3), 'securityContext'];
    if (finding.rule === 'run-as-non-root' && nodeAtPath(root, podContext) !== undefined)
      return { path, field: podContext };
    const field = CONTAINER_FIELD[finding.rule];
    if (field) return { path, field: [...path.slice(0, -1), field] };
  }
  const objectField = OBJECT_FIELD[finding.rule];
  if (path.length === 1 && path[0] === 'kind' && objectField && nodeAtPath(root, [objectField]) !== undefined)
    return { path, field: [objectField] };
  const podField = POD_FIELD[finding.rule];
  if (last === 'spec' && podField && nodeAtPath(root, path) !== undefined)
    return { path, field: [...path, podField] };
  return { path, field: path };
}

/** The offset of a 0-based line and column (a source location) in `text`. */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return offset + column;
}
