import type { Pod, Service } from '../k8s/types';
import { containersOf, specOf, type KeyRef } from './spec';
import { editDistance } from '../text/edit-distance';
import { cause, type DiagnoseInput, type Finding, type NamedKeys } from './types';

/**
 * The closest names within a third of the name's length (at least 2 edits), closest first; a
 * name that only adds or drops a dashed suffix (`zookeeper` / `zookeeper-service`) counts too.
 */
export function nearMisses(name: string, candidates: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const affix = (c: string) => c.startsWith(`${name}-`) || name.startsWith(`${c}-`);
  return candidates
    .map((c) => ({ c, d: affix(c) ? limit : editDistance(name, c, limit) }))
    .filter((x) => x.d > 0 && x.d <= limit)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, 3)
    .map((x) => x.c);
}

interface Ref {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly name: string;
  readonly key?: string;
  readonly optional: boolean;
  readonly where: string;
}

function referencesOf(pod: Pod): Ref[] {
  const refs: Ref[] = [];
  const push = (kind: Ref['kind'], r: KeyRef | undefined, where: string, withKey: boolean) => {
    if (!r?.name) return;
    refs.push({
      kind,
      name: r.name,
      optional: r.optional === true,
      where,
      ...(withKey && r.key ? { key: r.key } : {}),
    });
  };
  for (const c of containersOf(pod)) {
    for (const e of c.env ?? []) {
      push('Secret', e.valueFrom?.secretKeyRef, `env ${e.name} of container ${c.name}`, true);
      push('ConfigMap', e.valueFrom?.configMapKeyRef, `env ${e.name} of container ${c.name}`, true);
    }
    for (const e of c.envFrom ?? []) {
      push('Secret', e.secretRef, `envFrom of container ${c.name}`, false);
      push('ConfigMap', e.configMapRef, `envFrom of container ${c.name}`, false);
    }
  }
  for (const v of specOf(pod).volumes ?? []) {
    const name = typeof v['name'] === 'string' ? v['name'] : '?';
    const secret = v['secret'] as
      { secretName?: string; optional?: boolean; items?: { key: string }[] } | undefined;
    const cm = v['configMap'] as { name?: string; optional?: boolean; items?: { key: string }[] } | undefined;
    if (secret?.secretName) {
      push(
        'Secret',
        { name: secret.secretName, ...(secret.optional !== undefined ? { optional: secret.optional } : {}) },
        `volume ${name}`,
        false,
      );
      for (const item of secret.items ?? [])
        push(
          'Secret',
          {
            name: secret.secretName,
            key: item.key,
            ...(secret.optional !== undefined ? { optional: secret.optional } : {}),
          },
          `volume ${name}`,
          true,
        );
    }
    if (cm?.name) {
      push(
        'ConfigMap',
        { name: cm.name, ...(cm.optional !== undefined ? { optional: cm.optional } : {}) },
        `volume ${name}`,
        false,
      );
      for (const item of cm.items ?? [])
        push(
          'ConfigMap',
          { name: cm.name, key: item.key, ...(cm.optional !== undefined ? { optional: cm.optional } : {}) },
          `volume ${name}`,
          true,
        );
    }
  }
  for (const s of specOf(pod).imagePullSecrets ?? [])
    push('Secret', { name: s.name }, 'imagePullSecrets', false);
  return refs;
}

/**
 * Secret and ConfigMap references that do not resolve in the pod's namespace, with the
 * near-miss names and keys that do. Names and keys only: the inventory never holds values.
 */
export function unresolvedReferences(pod: Pod, input: DiagnoseInput): Finding[] {
  const ns = pod.metadata?.namespace ?? '';
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const ref of referencesOf(pod)) {
    const list: readonly NamedKeys[] | undefined =
      ref.kind === 'Secret' ? input.inventory.secrets : input.inventory.configMaps;
    if (!list) continue;
    const inNs = list.filter((o) => o.namespace === ns);
    const found = inNs.find((o) => o.name === ref.name);
    const id = `${ref.kind}/${ref.name}/${ref.key ?? ''}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const optional = ref.optional
      ? ' It is marked optional, so the container starts without it — and the app sees an empty value.'
      : '';
    if (!found) {
      if (ref.key && seen.has(`${ref.kind}/${ref.name}/`)) continue;
      seen.add(`${ref.kind}/${ref.name}/`);
      const near = nearMisses(
        ref.name,
        inNs.map((o) => o.name),
      );
      const hint = near.length ? `; ${near.map((n) => `\`${n}\``).join(', ')} exists in this namespace` : '';
      const elsewhere =
        near.length === 0 ? list.filter((o) => o.name === ref.name).map((o) => o.namespace) : [];
      const other = elsewhere.length
        ? `; a ${ref.kind} of that name exists in ${elsewhere.join(', ')} (references never cross namespaces)`
        : '';
      out.push(
        cause(`${ref.kind} \`${ref.name}\` not found in ${ns} (${ref.where})${hint}${other}.${optional}`),
      );
      continue;
    }
    if (ref.key && found.keys && !found.keys.includes(ref.key)) {
      const near = nearMisses(ref.key, found.keys);
      out.push(
        cause(
          `${ref.kind} \`${ref.name}\` has no key \`${ref.key}\` (${ref.where})${near.length ? `; it has ${near.map((k) => `\`${k}\``).join(', ')}` : `; its keys: ${found.keys.map((k) => `\`${k}\``).join(', ') || 'none'}`}.${optional}`,
        ),
      );
    }
  }
  return out;
}

const HOST_PORT =
  /(?:^|[\s,;=/@])([a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*):(\d{2,5})\b/g;
const CLUSTER_SUFFIXES = ['.svc.cluster.local', '.svc'];

/** Split `name[.namespace[.svc[.cluster.local]]]`; undefined when it is not an in-cluster name. */
function serviceName(
  host: string,
  podNs: string,
): { name: string; namespace: string; qualified: boolean } | undefined {
  let h = host;
  for (const s of CLUSTER_SUFFIXES) if (h.endsWith(s)) h = h.slice(0, -s.length);
  const parts = h.split('.');
  if (parts.length === 1 && parts[0]) return { name: parts[0], namespace: podNs, qualified: false };
  if (parts.length === 2 && parts[0] && parts[1] && h !== host)
    return { name: parts[0], namespace: parts[1], qualified: true };
  if (parts.length === 2 && parts[0] && parts[1] && !/\.(com|net|org|io|dev|local|internal)$/.test(host))
    return { name: parts[0], namespace: parts[1], qualified: true };
  return undefined;
}

/**
 * Env values naming `host:port` where the host is an in-cluster Service name that does not
 * resolve from the pod's namespace: a bare name of a Service that lives elsewhere (it needs the
 * FQDN), or a near-miss of one that exists.
 */
export function unresolvedHosts(pod: Pod, services: readonly Service[]): Finding[] {
  const ns = pod.metadata?.namespace ?? '';
  const out: Finding[] = [];
  const exists = (name: string, namespace: string) =>
    services.some((s) => s.metadata?.name === name && s.metadata?.namespace === namespace);
  for (const c of containersOf(pod))
    for (const e of c.env ?? []) {
      if (typeof e.value !== 'string') continue;
      for (const m of e.value.matchAll(HOST_PORT)) {
        const host = m[1] ?? '';
        const port = m[4] ?? '';
        if (/^\d+(\.\d+){3}$/.test(host) || host === 'localhost') continue;
        const svc = serviceName(host, ns);
        if (!svc || exists(svc.name, svc.namespace)) continue;
        const fqdn = services
          .filter((s) => s.metadata?.name === svc.name)
          .map((s) => `${svc.name}.${s.metadata?.namespace ?? ''}.svc.cluster.local:${port}`);
        const near = nearMisses(
          svc.name,
          services.filter((s) => s.metadata?.namespace === svc.namespace).map((s) => s.metadata?.name ?? ''),
        ).map((n) => (svc.qualified ? `${n}.${svc.namespace}.svc.cluster.local:${port}` : `${n}:${port}`));
        const hint = fqdn.length
          ? `; it exists in another namespace: use \`${fqdn.join('` or `')}\``
          : near.length
            ? `; did you mean \`${near.join('` or `')}\`?`
            : '';
        if (!fqdn.length && !near.length && !svc.qualified) continue;
        out.push(
          cause(
            `env ${e.name} of container ${c.name} points at \`${host}:${port}\`: no Service \`${svc.name}\` in ${svc.namespace}${hint}.`,
          ),
        );
      }
    }
  return out;
}
