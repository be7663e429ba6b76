import { changeMark } from '../../core/k8s/change-mark';
import { managementOfMeta } from '../../core/k8s/management';
import type { ObjectMeta } from '../../core/k8s/types';
import { compareObjects } from '../../core/sync/compare';
import { conflictsOf } from '../../core/sync/conflicts';
import {
  labelOf,
  verbOf,
  type ApplyResult,
  type Inspection,
  type SyncState,
} from '../../core/sync/inspection';
import { targetLabel, type ApplyTarget } from '../../core/sync/targets';
import { KubeError } from './errors';
import { resourcePath, type ResourceType } from './informer';
import type { KubeRest } from './rest';

type Json = Record<string, unknown>;

export const FIELD_MANAGER = 'shipshape';

interface ApiResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

/**
 * Which resource serves a kind, asked of the cluster itself (so CRDs work): one request per API
 * group version, cached for the connection's lifetime; a failed look-up is retried next time.
 */
export class Discovery {
  private readonly lists = new Map<string, Promise<ResourceType[]>>();

  constructor(private readonly rest: KubeRest) {}

  async resolve(apiVersion: string, kind: string): Promise<ResourceType> {
    let list = this.lists.get(apiVersion);
    if (!list) {
      list = this.fetch(apiVersion);
      this.lists.set(apiVersion, list);
      list.catch(() => this.lists.delete(apiVersion));
    }
    const type = (await list).find((t) => t.kind === kind);
    if (!type)
      throw new KubeError(
        'notFound',
        `The cluster serves ${apiVersion} but no kind ${kind} in it: check the kind's spelling, or whether its CRD is installed.`,
      );
    return type;
  }

  private async fetch(apiVersion: string): Promise<ResourceType[]> {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
    let answer: ApiResourceList;
    try {
      answer = await this.rest.request<ApiResourceList>('GET', path, { what: `discover ${apiVersion}` });
    } catch (error) {
      if (error instanceof KubeError && error.kind === 'notFound')
        throw new KubeError(
          'notFound',
          `The cluster does not serve ${apiVersion}: an API version this Kubernetes release removed, or a CRD that is not installed.`,
        );
      throw error;
    }
    return (answer.resources ?? [])
      .filter((r) => !r.name.includes('/'))
      .map((r) => ({
        group: group ?? '',
        version: version ?? '',
        plural: r.name,
        kind: r.kind,
        namespaced: r.namespaced,
      }));
  }
}

export interface SyncContext {
  readonly rest: KubeRest;
  readonly discovery: Discovery;
  /** Where namespaced objects without `metadata.namespace` go (the context's namespace, else default). */
  readonly defaultNamespace: string;
}

interface Located {
  readonly path: string;
  readonly body: Json;
  /** Named with the namespace it will really land in. */
  readonly label: string;
  readonly namespace?: string;
}

async function locate(ctx: SyncContext, target: ApplyTarget): Promise<Located> {
  const { apiVersion, kind, name, namespace } = target.identity;
  const type = await ctx.discovery.resolve(apiVersion, kind);
  const ns = type.namespaced ? (namespace ?? ctx.defaultNamespace) : undefined;
  const body = structuredClone(target.body) as Json;
  if (ns) body['metadata'] = { ...(body['metadata'] as Json | undefined), namespace: ns };
  return {
    path: resourcePath(type, ns, name),
    body,
    label: targetLabel({ kind, name, ...(ns ? { namespace: ns } : {}) }),
    ...(ns ? { namespace: ns } : {}),
  };
}

function apply(ctx: SyncContext, at: Located, options: { dryRun: boolean; force: boolean }, what: string) {
  return ctx.rest.request<Json>('PATCH', at.path, {
    body: at.body,
    contentType: 'application/apply-patch+yaml',
    query: {
      fieldManager: FIELD_MANAGER,
      force: options.force,
      ...(options.dryRun ? { dryRun: 'All' } : {}),
    },
    what,
  });
}

function failure(error: unknown): { state: SyncState; message: string } {
  if (!(error instanceof KubeError))
    return { state: 'error', message: error instanceof Error ? error.message : String(error) };
  const state: SyncState =
    error.kind === 'forbidden' ? 'forbidden' : error.kind === 'invalid' ? 'invalid' : 'error';
  return { state, message: error.apiMessage ?? error.message };
}

/**
 * Reads the live object and asks the server what a server-side apply (field manager
 * `shipshape`) would make of it, without changing anything (`dryRun=All`). A refused dry run
 * because other managers own changed fields is a `conflict`; the forced dry run then shows what
 * taking ownership would do.
 */
export async function inspect(ctx: SyncContext, target: ApplyTarget): Promise<Inspection> {
  let label = labelOf(target);
  try {
    const at = await locate(ctx, target);
    label = at.label;
    let live: Json | undefined;
    try {
      live = await ctx.rest.request<Json>('GET', at.path, { what: `read ${label}` });
    } catch (error) {
      if (!(error instanceof KubeError && error.kind === 'notFound')) throw error;
    }
    const resourceVersion = (live?.['metadata'] as { resourceVersion?: string } | undefined)?.resourceVersion;
    const kind = target.identity.kind;
    const managedBy =
      managementOfMeta(kind, live?.['metadata'] as ObjectMeta | undefined) ??
      managementOfMeta(kind, at.body['metadata'] as ObjectMeta | undefined);
    const rv = {
      ...(resourceVersion ? { resourceVersion } : {}),
      ...(live ? { mark: changeMark(live) } : {}),
      ...(at.namespace ? { namespace: at.namespace } : {}),
      ...(managedBy ? { managedBy } : {}),
    };
    try {
      const planned = await apply(ctx, at, { dryRun: true, force: false }, `dry-run apply ${label}`);
      const comparison = compareObjects(live, planned, at.body);
      return { target, label, state: comparison.state, comparison, ...rv };
    } catch (error) {
      if (!(error instanceof KubeError && error.kind === 'conflict' && error.causes)) throw error;
      const conflicts = conflictsOf(error.causes);
      const planned = await apply(ctx, at, { dryRun: true, force: true }, `dry-run apply ${label}`);
      return {
        target,
        label,
        state: 'conflict',
        comparison: compareObjects(live, planned, at.body),
        conflicts,
        ...rv,
      };
    }
  } catch (error) {
    return { target, label, ...failure(error) };
  }
}

/** Namespaces and CRDs go first, as kubectl orders them: what follows may live in them. */
const FIRST = ['Namespace', 'CustomResourceDefinition'];
export function applyOrder<T extends { target: ApplyTarget }>(items: readonly T[]): T[] {
  const rank = (i: T) => {
    const at = FIRST.indexOf(i.target.identity.kind);
    return at < 0 ? FIRST.length : at;
  };
  return [...items].sort((a, b) => rank(a) - rank(b));
}

/**
 * Applies one inspected object for real. `force` takes ownership of conflicting fields and is
 * only passed after the user said so, and only while the object is as the dry run saw it. The
 * outcome word comes from the dry run just before.
 */
export async function applyInspected(
  ctx: SyncContext,
  inspection: Inspection,
  force: boolean,
): Promise<ApplyResult> {
  const { label } = inspection;
  const verb = verbOf(inspection);
  if (!verb)
    return { label, outcome: 'skipped', ...(inspection.message ? { message: inspection.message } : {}) };
  if (verb === 'unchanged') return { label, outcome: 'unchanged' };
  // Forcing takes fields from their owners on the strength of the dry run the user saw; if the
  // object has changed since, that dry run no longer says what forcing would do. The
  // resourceVersion the dry run saw makes the server refuse the apply (409) in that case.
  const pinned = force && inspection.resourceVersion !== undefined;
  try {
    const at = await locate(ctx, inspection.target);
    const body = pinned
      ? {
          ...at.body,
          metadata: { ...(at.body['metadata'] as Json), resourceVersion: inspection.resourceVersion },
        }
      : at.body;
    await apply(ctx, { ...at, body }, { dryRun: false, force }, `apply ${label}`);
    return { label, outcome: verb };
  } catch (error) {
    if (pinned && error instanceof KubeError && error.kind === 'conflict')
      return {
        label,
        outcome: 'failed',
        message:
          'it changed in the cluster since the dry run, so nothing was forced; check it again (Diff with Cluster) before forcing',
      };
    return { label, outcome: 'failed', message: failure(error).message };
  }
}
