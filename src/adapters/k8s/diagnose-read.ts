import { previousLogsWanted } from '../../core/diagnose/crash';
import { apiServiceInfo, claimInfo, configMapKeys, secretKeys } from '../../core/diagnose/inventory';
import type { ContainerLog, Inventory } from '../../core/diagnose/types';
import { volumeInfo } from '../../core/diagnose/volumes';
import type { Pod } from '../../core/k8s/types';
import { KubeError } from './errors';
import type { KubeRest } from './rest';

interface List {
  readonly kind?: string;
  readonly apiVersion?: string;
  readonly items?: Record<string, unknown>[];
}

/** What Diagnose reads, full objects (env, volumes, tolerations: the explorer's slim model drops them). */
const PATHS: readonly [string, string][] = [
  ['/api/v1/namespaces', 'Namespace'],
  ['/api/v1/nodes', 'Node'],
  ['/api/v1/pods', 'Pod'],
  ['/apis/apps/v1/deployments', 'Deployment'],
  ['/apis/apps/v1/replicasets', 'ReplicaSet'],
  ['/apis/apps/v1/statefulsets', 'StatefulSet'],
  ['/apis/apps/v1/daemonsets', 'DaemonSet'],
  ['/apis/batch/v1/jobs', 'Job'],
  ['/apis/batch/v1/cronjobs', 'CronJob'],
  ['/api/v1/services', 'Service'],
  // All events, Normal ones too: the timeline needs "Scheduled", "Pulled", "Killing".
  ['/api/v1/events', 'Event'],
];

const unreadable = (error: unknown) =>
  error instanceof KubeError && (error.kind === 'forbidden' || error.kind === 'notFound');

/**
 * One LIST of everything Diagnose needs. Secrets are reduced to names and keys as each list
 * arrives — the values are dropped before anything else sees the response. A list we may not
 * read leaves its part unknown (undefined), never empty.
 */
export async function readForDiagnosis(
  rest: KubeRest,
): Promise<{ objects: Record<string, unknown>[]; inventory: Inventory; unreadable: string[] }> {
  const objects: Record<string, unknown>[] = [];
  const missing: string[] = [];
  const list = async (path: string): Promise<List | undefined> => {
    try {
      return await rest.request<List>('GET', path, { what: `list ${path}`, timeoutMs: 60_000 });
    } catch (error) {
      if (!unreadable(error)) throw error;
      missing.push(path);
      return undefined;
    }
  };
  for (const [path, kind] of PATHS) {
    const got = await list(path);
    for (const item of got?.items ?? [])
      objects.push({ ...item, kind, ...(got?.apiVersion ? { apiVersion: got.apiVersion } : {}) });
  }
  const secrets = await list('/api/v1/secrets');
  const keysOnly = secrets?.items?.map(secretKeys).filter((s) => s !== undefined);
  if (secrets) (secrets as { items?: unknown }).items = undefined;
  const configMaps = (await list('/api/v1/configmaps'))?.items
    ?.map(configMapKeys)
    .filter((s) => s !== undefined);
  const claims = (await list('/api/v1/persistentvolumeclaims'))?.items
    ?.map(claimInfo)
    .filter((s) => s !== undefined);
  const volumes = await readVolumes(list);
  // An unavailable aggregated API is what holds a namespace in Terminating.
  const apiServices = (await list('/apis/apiregistration.k8s.io/v1/apiservices'))?.items
    ?.map(apiServiceInfo)
    .filter((s) => s !== undefined);
  return {
    objects,
    inventory: {
      ...(keysOnly ? { secrets: keysOnly } : {}),
      ...(configMaps ? { configMaps } : {}),
      ...(claims ? { claims } : {}),
      ...(volumes ? { volumes } : {}),
      ...(apiServices ? { apiServices } : {}),
    },
    unreadable: missing,
  };
}

/**
 * What the explorer's slim, Warning-only model lacks for one namespace: the full pods named
 * (env, volumes, tolerations), every event, and Secret/ConfigMap keys and PVCs — read on demand
 * when the user asks to diagnose, not watched.
 */
export async function readNamespaceForDiagnosis(
  rest: KubeRest,
  namespace: string,
  pods: readonly string[],
): Promise<{ pods: Record<string, unknown>[]; events: Record<string, unknown>[]; inventory: Inventory }> {
  const ns = encodeURIComponent(namespace);
  const list = async (path: string): Promise<List | undefined> => {
    try {
      return await rest.request<List>('GET', path, { what: `list ${path}`, timeoutMs: 30_000 });
    } catch (error) {
      if (unreadable(error)) return undefined;
      throw error;
    }
  };
  const full = await Promise.all(
    pods.map((name) =>
      rest
        .request<Record<string, unknown>>(
          'GET',
          `/api/v1/namespaces/${ns}/pods/${encodeURIComponent(name)}`,
          {
            what: `read pod ${namespace}/${name}`,
          },
        )
        .then((p) => ({ ...p, kind: 'Pod' })),
    ),
  );
  const events = ((await list(`/api/v1/namespaces/${ns}/events`))?.items ?? []).map((e) => ({
    ...e,
    kind: 'Event',
  }));
  const secrets = (await list(`/api/v1/namespaces/${ns}/secrets`))?.items
    ?.map(secretKeys)
    .filter((s) => s !== undefined);
  const configMaps = (await list(`/api/v1/namespaces/${ns}/configmaps`))?.items
    ?.map(configMapKeys)
    .filter((s) => s !== undefined);
  const claims = (await list(`/api/v1/namespaces/${ns}/persistentvolumeclaims`))?.items
    ?.map(claimInfo)
    .filter((s) => s !== undefined);
  // Only when a claim is bound: PersistentVolumes are cluster-wide, a list many users may not read.
  const volumes = claims?.some((c) => c.volumeName) ? await readVolumes(list) : undefined;
  return {
    pods: full,
    events,
    inventory: {
      ...(secrets ? { secrets } : {}),
      ...(configMaps ? { configMaps } : {}),
      ...(claims ? { claims } : {}),
      ...(volumes ? { volumes } : {}),
    },
  };
}

/** PersistentVolumes reduced to node affinity and zone labels (the scheduler's volume filters). */
async function readVolumes(list: (path: string) => Promise<List | undefined>) {
  return (await list('/api/v1/persistentvolumes'))?.items?.map(volumeInfo).filter((s) => s !== undefined);
}

/** Enough lines to show what a process said before it died; bytes capped for a chatty one. */
const TAIL_LINES = 20;
const LIMIT_BYTES = 16_384;
const LINE_CHARS = 500;

/**
 * The last lines of each restarted container's previous instance (`pods/log?previous=true`,
 * served by the node's kubelet through the API server). A log that cannot be read — the kubelet
 * gone with its node, rotated away, no permission for pods/log — is left out: unknown, and the
 * rest of the diagnosis stands.
 */
export async function readPreviousLogs(rest: KubeRest, pods: readonly Pod[]): Promise<ContainerLog[]> {
  const wanted = pods.flatMap((p) =>
    previousLogsWanted(p).map((container) => ({
      namespace: p.metadata?.namespace ?? '',
      pod: p.metadata?.name ?? '',
      container,
    })),
  );
  const out: ContainerLog[] = [];
  // A few at a time: each is a round trip through the API server to a kubelet.
  for (let i = 0; i < wanted.length; i += 4)
    await Promise.all(
      wanted.slice(i, i + 4).map(async (w) => {
        const path = `/api/v1/namespaces/${encodeURIComponent(w.namespace)}/pods/${encodeURIComponent(w.pod)}/log`;
        try {
          const text = await rest.raw('GET', path, {
            query: { container: w.container, previous: true, tailLines: TAIL_LINES, limitBytes: LIMIT_BYTES },
            what: `read the previous log of ${w.namespace}/${w.pod} ${w.container}`,
            timeoutMs: 15_000,
          });
          const lines = text.split('\n').map((l) => l.slice(0, LINE_CHARS));
          if (lines[lines.length - 1] === '') lines.pop();
          out.push({ ...w, lines: lines.slice(-TAIL_LINES) });
        } catch {
          // Unknown, not empty: see above.
        }
      }),
    );
  return out;
}
