import type { Node, Pod } from '../k8s/types';
import { selects, specOf, type PodAffinityTerm } from './spec';

const running = (p: Pod) =>
  !!p.spec?.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';

/** The pods a term selects: its namespaces (the pod's own by default), its label selector. */
function selected(term: PodAffinityTerm, pod: Pod, pods: readonly Pod[]): Pod[] | undefined {
  // A namespaceSelector needs the namespaces' labels: not judged rather than guessed.
  if (term.namespaceSelector && Object.keys(term.namespaceSelector).length > 0) return undefined;
  const all = term.namespaceSelector !== undefined;
  const namespaces = term.namespaces?.length ? term.namespaces : [pod.metadata?.namespace ?? ''];
  return pods.filter(
    (p) =>
      p !== pod &&
      running(p) &&
      (all || namespaces.includes(p.metadata?.namespace ?? '')) &&
      !!term.labelSelector &&
      selects(term.labelSelector, p.metadata?.labels ?? {}),
  );
}

const describeSelector = (term: PodAffinityTerm) =>
  Object.entries(term.labelSelector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .concat((term.labelSelector?.matchExpressions ?? []).map((r) => `${r.key} ${r.operator}`))
    .join(',') || 'its selector';

/**
 * The pod's required pod affinity and anti-affinity on one node, as the scheduler's
 * InterPodAffinity filter judges them: a node's domain is every node sharing its `topologyKey`
 * label value. Existing pods' anti-affinity against this pod is not judged here.
 */
export function podAffinityFailures(
  pod: Pod,
  node: Node,
  nodes: readonly Node[],
  pods: readonly Pod[],
): string[] {
  const failures: string[] = [];
  const affinity = specOf(pod).affinity;
  const domainOf = (term: PodAffinityTerm): Set<string> | undefined => {
    const value = node.metadata?.labels?.[term.topologyKey];
    if (value === undefined) return undefined;
    return new Set(
      nodes
        .filter((n) => n.metadata?.labels?.[term.topologyKey] === value)
        .map((n) => n.metadata?.name ?? ''),
    );
  };
  for (const term of affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
    const domain = domainOf(term);
    const matching = selected(term, pod, pods);
    if (!domain || !matching) continue;
    const inDomain = matching.filter((p) => domain.has(p.spec?.nodeName ?? ''));
    if (inDomain.length > 0)
      failures.push(
        `pod anti-affinity: ${inDomain[0]?.metadata?.name ?? '?'} (${describeSelector(term)}) already runs in its ${term.topologyKey} domain`,
      );
  }
  for (const term of affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
    const matching = selected(term, pod, pods);
    if (!matching) continue;
    // The first pod of a group that selects itself may go anywhere (the scheduler's own exception).
    if (
      matching.length === 0 &&
      term.labelSelector &&
      selects(term.labelSelector, pod.metadata?.labels ?? {})
    )
      continue;
    const domain = domainOf(term);
    if (!domain || !matching.some((p) => domain.has(p.spec?.nodeName ?? '')))
      failures.push(
        `pod affinity: no pod with ${describeSelector(term)} in its ${term.topologyKey} domain${domain ? '' : ` (the node has no ${term.topologyKey} label)`}`,
      );
  }
  return failures;
}
