/**
 * Checks answered from Argo CD Applications and Services.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { CheckDefinition } from '../definition';
import { inNamespace, listed, nameOf, named, plural, refOf } from '../facts';
import type { Reader } from '../read';
import { paramsSchema, params, readName, readNamespace, ref } from './params';

export interface ArgoAppCheck {
  readonly kind: 'argoApp';
  /** Empty: every Application. */
  readonly names: readonly string[];
  readonly namespace?: string;
  readonly sync?: string;
  readonly health?: string;
}
export interface ServiceExternalNameCheck {
  readonly kind: 'serviceExternalName';
  readonly namespace: string;
  readonly name: string;
  readonly equals: string;
}

export const ARGO_SYNC = ['Synced', 'OutOfSync', 'Unknown'] as const;
export const ARGO_HEALTH = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'] as const;

function parseArgoApp(node: Node | null, r: Reader): ArgoAppCheck | undefined {
  const names = (list: string[] | undefined) => (list?.includes('*') ? [] : list);
  if (isScalar(node) || isSeq(node)) {
    const list = names(r.strings(node, 'argoApp'));
    return list ? { kind: 'argoApp', names: list } : undefined;
  }
  if (!isMap(node)) {
    r.report(node, 'argoApp must be an application name, a list of names, "*", or { name, sync, health }.');
    return undefined;
  }
  const p = params(node, r, 'argoApp', ['name', 'namespace', 'sync', 'health'], []);
  if (!p) return undefined;
  const list = p.has('name') ? names(r.strings(p.get('name'), 'name')) : [];
  const namespace = p.has('namespace') ? readNamespace(p.get('namespace'), r) : undefined;
  const status = (key: 'sync' | 'health', known: readonly string[]) => {
    if (!p.has(key)) return undefined;
    const s = r.string(p.get(key), key);
    const match = known.find((k) => k.toLowerCase() === s?.toLowerCase());
    if (s !== undefined && !match)
      r.report(p.get(key), `${key} must be one of ${known.join(', ')} (got "${s}").`);
    return match ?? null;
  };
  const sync = status('sync', ARGO_SYNC);
  const health = status('health', ARGO_HEALTH);
  if (!list || (p.has('namespace') && !namespace) || sync === null || health === null) return undefined;
  return {
    kind: 'argoApp',
    names: list,
    ...(namespace ? { namespace } : {}),
    ...(sync ? { sync } : {}),
    ...(health ? { health } : {}),
  };
}

export const argoApp: CheckDefinition<ArgoAppCheck> = {
  kind: 'argoApp',
  describe:
    'Argo CD Applications are Synced and Healthy (by default both; name `sync` or `health` to require just that). A name, a list, "*" for all, or `{ name, sync, health }`.',
  schema: {
    oneOf: [
      { type: 'string', minLength: 1 },
      { type: 'array', minItems: 1, items: { type: 'string' } },
      paramsSchema([], {
        name: {
          oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
          description: 'Application name(s); omit or "*" for all.',
        },
        namespace: ref('namespace'),
        sync: { enum: ARGO_SYNC },
        health: { enum: ARGO_HEALTH },
      }),
    ],
  },
  parse: parseArgoApp,
  needs: () => ['applications'],
  evaluate(check, facts) {
    const sync = check.sync ?? (check.health === undefined ? ARGO_SYNC[0] : undefined);
    const health = check.health ?? (check.sync === undefined ? ARGO_HEALTH[0] : undefined);
    const wanted = [sync, health].filter((s) => s !== undefined).join(' and ');
    const apps = facts.state.applications.filter(
      (a) => inNamespace(a, check.namespace) && (check.names.length === 0 || check.names.includes(nameOf(a))),
    );
    const absent = check.names.filter((n) => !apps.some((a) => nameOf(a) === n));
    const appRef = (a: (typeof apps)[number]) => refOf('Application', a);
    if (absent.length > 0)
      return {
        status: 'fail',
        evidence: `Argo CD Application ${listed(absent, (n) => n)} not found.`,
        refs: [],
      };
    if (apps.length === 0) return { status: 'fail', evidence: 'No Argo CD Applications found.', refs: [] };
    const state = (a: (typeof apps)[number]) =>
      `${a.status?.sync?.status ?? 'Unknown'}, ${a.status?.health?.status ?? 'Unknown'}`;
    const off = apps.filter(
      (a) =>
        (sync !== undefined && a.status?.sync?.status !== sync) ||
        (health !== undefined && a.status?.health?.status !== health),
    );
    const subject =
      check.names.length === 0 ? `all ${plural(apps.length, 'Application')}` : listed(apps, nameOf);
    if (off.length === 0)
      return {
        status: 'pass',
        evidence: `Argo CD: ${subject} ${apps.length === 1 ? 'is' : 'are'} ${wanted}.`,
        refs: named(apps.map(appRef)),
      };
    const only = apps.length === 1 ? apps[0] : undefined;
    return {
      status: 'fail',
      evidence: only
        ? `Argo CD: ${nameOf(only)} is ${state(only)}, not ${wanted}.`
        : `Argo CD: ${off.length} of ${plural(apps.length, 'Application')} not ${wanted}: ${listed(off, (a) => `${nameOf(a)} (${state(a)})`)}.`,
      refs: named(off.map(appRef)),
    };
  },
};

/** DNS names compare case-insensitively, and "a.b." is "a.b". */
const host = (s: string) => s.trim().toLowerCase().replace(/\.$/, '');

export const serviceExternalName: CheckDefinition<ServiceExternalNameCheck> = {
  kind: 'serviceExternalName',
  describe:
    'An ExternalName Service points at this host. Example: `{ serviceExternalName: { namespace: data-platform, name: postgres-shared-service, equals: kong-postgres.kong.svc.cluster.local } }`.',
  schema: paramsSchema(['namespace', 'name', 'equals'], {
    namespace: ref('namespace'),
    name: ref('name'),
    equals: { type: 'string', minLength: 1 },
  }),
  parse(value, r) {
    const kind = 'serviceExternalName';
    const p = params(value, r, kind, ['namespace', 'name', 'equals'], ['namespace', 'name', 'equals']);
    if (!p) return undefined;
    const namespace = readNamespace(p.get('namespace'), r);
    const name = readName(p.get('name'), r, 'Service name');
    const equals = r.string(p.get('equals'), 'equals');
    return namespace && name && equals ? { kind, namespace, name, equals } : undefined;
  },
  needs: () => ['services'],
  evaluate(check, facts) {
    const label = `Service ${check.namespace}/${check.name}`;
    const svc = facts.state.services.find((s) => inNamespace(s, check.namespace) && nameOf(s) === check.name);
    if (!svc) return { status: 'fail', evidence: `${label} not found.`, refs: [] };
    const self = [refOf('Service', svc)];
    const type = svc.spec?.type ?? 'ClusterIP';
    if (type !== 'ExternalName')
      return {
        status: 'fail',
        evidence: `${label} is type ${type}, not ExternalName → ${check.equals}.`,
        refs: self,
      };
    const target = svc.spec?.externalName ?? '';
    return host(target) === host(check.equals)
      ? { status: 'pass', evidence: `${label} → ${target}.`, refs: self }
      : {
          status: 'fail',
          evidence: `${label} → ${target || '(empty)'}, expected ${check.equals}.`,
          refs: self,
        };
  },
};
