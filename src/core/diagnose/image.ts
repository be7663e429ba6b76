import type { KubeEvent, Pod } from '../k8s/types';
import { specOf } from './spec';
import { cause, evidence, note, type DiagnoseInput, type Finding } from './types';

export type PullFailure =
  'not found' | 'unauthorized' | 'rate limited' | 'unreachable' | 'never pull' | 'invalid name' | 'unknown';

const CLASSES: readonly [PullFailure, RegExp][] = [
  ['rate limited', /toomanyrequests|rate limit|429 Too Many/i],
  [
    'unauthorized',
    /unauthorized|authentication required|denied|forbidden|401|403|no basic auth credentials/i,
  ],
  ['not found', /not found|manifest unknown|NotFound|does not exist|404/i],
  [
    'unreachable',
    /no such host|i\/o timeout|connection refused|dial tcp|TLS handshake|x509|network is unreachable|context deadline exceeded/i,
  ],
  ['never pull', /ErrImageNeverPull|imagePullPolicy.*Never|image is not present/i],
  ['invalid name', /InvalidImageName|invalid reference format/i],
];

export function classifyPullError(message: string): PullFailure {
  for (const [cls, re] of CLASSES) if (re.test(message)) return cls;
  return 'unknown';
}

const ADVICE: Record<PullFailure, string> = {
  'not found':
    'the registry says this name:tag does not exist — check the tag was pushed (and to this registry), or that it was only ever built locally on one node.',
  unauthorized: 'the registry refused the credentials — add or fix an imagePullSecret for this registry.',
  'rate limited':
    'the registry rate-limits anonymous pulls (Docker Hub) — authenticate with an imagePullSecret or use a mirror.',
  unreachable: 'the node cannot reach the registry (DNS, proxy, firewall, TLS) — test from the node.',
  'never pull':
    'imagePullPolicy is Never and the image is not on this node — load it on every node, or push it to a registry.',
  'invalid name': 'the image reference is malformed.',
  unknown: "the kubelet's message does not say why — read it below.",
};

const registryOf = (image: string): string => {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
    ? first
    : 'docker.io';
};

export function explainImagePull(pod: Pod, events: readonly KubeEvent[], input: DiagnoseInput): Finding[] {
  const out: Finding[] = [];
  const ns = pod.metadata?.namespace ?? '';
  const failing = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ].filter((s) => /ImagePull|ErrImage|InvalidImageName/.test(s.state?.waiting?.reason ?? ''));
  const pullEvents = events.filter((e) => /pull|image/i.test(e.message ?? '') && e.type === 'Warning');
  for (const s of failing) {
    const image =
      pod.spec?.containers?.find((c) => c.name === s.name)?.image ??
      pod.spec?.initContainers?.find((c) => c.name === s.name)?.image ??
      s.image ??
      '?';
    const messages = [s.state?.waiting?.message ?? '', ...pullEvents.map((e) => e.message ?? '')].filter(
      (m) => m && !/^Back-off pulling/.test(m),
    );
    const cls =
      messages.map(classifyPullError).find((c) => c !== 'unknown') ??
      (s.state?.waiting?.reason === 'ErrImageNeverPull' ? 'never pull' : 'unknown');
    out.push(cause(`Image \`${image}\` (container ${s.name}): ${cls} — ${ADVICE[cls]}`));
    const first = messages[0];
    if (first) out.push(evidence(`Kubelet: ${first}`));
    const registry = registryOf(image);
    const pullSecrets = specOf(pod).imagePullSecrets ?? [];
    if (pullSecrets.length === 0)
      out.push(
        note(
          `No imagePullSecrets: pulls from ${registry} are anonymous${pod.spec?.serviceAccountName ? ` (unless service account ${pod.spec.serviceAccountName} adds some)` : ''}.`,
        ),
      );
    else
      for (const ps of pullSecrets) {
        const known = input.inventory.secrets;
        const exists = known?.some((x) => x.namespace === ns && x.name === ps.name);
        out.push(
          (known && !exists ? cause : note)(
            `imagePullSecret \`${ps.name}\`: ${known === undefined ? 'existence unknown (Secrets not read)' : exists ? 'exists' : `does not exist in ${ns}`}.`,
          ),
        );
      }
    const elsewhere = input.state.pods.filter(
      (p) =>
        p !== pod &&
        p.spec?.nodeName &&
        (p.status?.containerStatuses ?? []).some((c) => c.image === image && (c.state?.running || c.imageID)),
    );
    if (elsewhere.length > 0) {
      const nodes = [...new Set(elsewhere.map((p) => p.spec?.nodeName ?? ''))].sort();
      const here = pod.spec?.nodeName;
      out.push(
        cause(
          `The same image runs in ${elsewhere.length} other pod(s) on ${nodes.join(', ')}${here && !nodes.includes(here) ? `, but this pod is on ${here}: the image is present on ${nodes.join(', ')} only — push it to a registry every node can pull from, or pin the pod to ${nodes.join('/')} with a nodeSelector` : ''}.`,
        ),
      );
    } else out.push(note('No other pod runs this image: it is not cached on any node either.'));
  }
  return out;
}
