import type { ClusterState, KubeObject, Namespace, Pod } from '../k8s/types';
import { formatAge, parseTime } from '../health/time';
import { specOf } from './spec';
import { cause, evidence, note, type DiagnoseInput, type Finding } from './types';

const LISTS: readonly (keyof ClusterState)[] = [
  'pods',
  'deployments',
  'statefulSets',
  'daemonSets',
  'replicaSets',
  'jobs',
  'cronJobs',
  'services',
  'pdbs',
  'resourceQuotas',
  'networkPolicies',
  'applications',
];

const allObjects = (state: ClusterState): KubeObject[] =>
  LISTS.flatMap((k) => state[k] as readonly KubeObject[]);

/** Who is meant to remove a finalizer, and whether that someone is around. */
export function explainFinalizer(finalizer: string, object: KubeObject, input: DiagnoseInput): Finding {
  const uid = object.metadata?.uid;
  const ns = object.metadata?.namespace ?? '';
  switch (finalizer) {
    case 'kubernetes.io/pvc-protection': {
      const users = input.state.pods
        .filter((p) => p.metadata?.namespace === ns)
        .filter((p) =>
          (specOf(p).volumes ?? []).some(
            (v) =>
              (v['persistentVolumeClaim'] as { claimName?: string } | undefined)?.claimName ===
              object.metadata?.name,
          ),
        )
        .map((p) => p.metadata?.name ?? '?');
      return cause(
        `${finalizer}: removed by the PVC protection controller once no pod uses the claim${users.length ? ` — still used by ${users.join(', ')}: delete those pods first` : ' — no pod in the snapshot uses it, so it should go soon'}.`,
      );
    }
    case 'kubernetes.io/pv-protection':
      return cause(`${finalizer}: removed once the PersistentVolume is no longer bound to a claim.`);
    case 'foregroundDeletion': {
      const dependents = uid
        ? allObjects(input.state).filter((o) => o.metadata?.ownerReferences?.some((r) => r.uid === uid))
        : [];
      return cause(
        `${finalizer}: the garbage collector removes it after every dependent is gone${
          dependents.length
            ? ` — ${dependents.length} left: ${dependents
                .slice(0, 5)
                .map((d) => `${d.kind ?? '?'}/${d.metadata?.name ?? '?'}`)
                .join(', ')}`
            : ''
        }.`,
      );
    }
    case 'orphan':
      return cause(
        `${finalizer}: the garbage collector removes it after orphaning the dependents (is kube-controller-manager running?).`,
      );
    case 'batch.kubernetes.io/job-tracking':
      return cause(
        `${finalizer}: the Job controller removes it once it has counted the pod (is kube-controller-manager running?).`,
      );
    case 'kubernetes':
      return cause(
        `${finalizer}: the namespace controller removes it once everything in the namespace is deleted.`,
      );
    default: {
      const domain = finalizer.split('/')[0] ?? finalizer;
      const stem = domain.split('.')[0] ?? domain;
      const controllers = [...input.state.deployments, ...input.state.statefulSets].filter((w) =>
        (w.metadata?.name ?? '').includes(stem),
      );
      const running = controllers.filter((w) => (w.status?.readyReplicas ?? 0) > 0);
      return cause(
        `${finalizer}: set by a controller of ${domain}, which must remove it after its cleanup${
          controllers.length === 0
            ? ` — no Deployment or StatefulSet named like "${stem}" is known: if that controller was uninstalled, nothing will ever remove it`
            : running.length === 0
              ? ` — ${controllers.map((c) => c.metadata?.name ?? '?').join(', ')} is not running: start it`
              : ` — ${running.map((c) => `${c.metadata?.namespace ?? ''}/${c.metadata?.name ?? ''}`).join(', ')} is running: read its logs`
        }.`,
      );
    }
  }
}

/** A pod being deleted: since when, what holds it, and the safe action before force. */
export function explainTerminating(pod: Pod, input: DiagnoseInput): Finding[] {
  const out: Finding[] = [];
  const meta = pod.metadata ?? {};
  const deadline = parseTime(meta.deletionTimestamp);
  if (deadline !== undefined)
    out.push(
      evidence(
        `Deletion requested; its grace period ${input.now > deadline ? `ended ${formatAge(input.now - deadline)} ago` : `ends in ${formatAge(deadline - input.now)}`}.`,
      ),
    );
  for (const f of meta.finalizers ?? []) out.push(explainFinalizer(f, pod, input));
  const nodeName = pod.spec?.nodeName;
  if (nodeName) {
    const node = input.state.nodes.find((n) => n.metadata?.name === nodeName);
    const ready = node?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    if (!node)
      out.push(cause(`Its node ${nodeName} no longer exists: no kubelet will confirm the deletion.`));
    else if (ready !== 'True')
      out.push(
        cause(`Its node ${nodeName} is not Ready: its kubelet cannot confirm the containers stopped.`),
      );
    else if ((meta.finalizers ?? []).length === 0)
      out.push(
        cause(
          `The kubelet on ${nodeName} has not confirmed the containers stopped: check the container runtime on that node.`,
        ),
      );
  }
  out.push(
    note(
      'Safe first: remove the cause above (start the controller, delete the pods using the claim). Force delete (grace period 0) last — it only removes the API object; a process still running on the node keeps running.',
    ),
  );
  return out;
}

/** A namespace stuck Terminating: what is left in it and what its status conditions say. */
export function explainNamespace(namespace: Namespace, input: DiagnoseInput): Finding[] {
  const name = namespace.metadata?.name ?? '';
  // First: the namespace controller stops at the first group it cannot list, before any condition
  // it writes says so (and with no controller running, it never will).
  const out: Finding[] = (input.inventory.apiServices ?? [])
    .filter((a) => !a.available && a.service)
    .map((a) =>
      cause(
        `APIService ${a.name} is unavailable (${[a.reason, a.message].filter(Boolean).join(': ') || 'Available=False'}): the namespace controller cannot list its resources in ${name}, so deletion waits — fix Service ${a.service ?? ''} or delete the APIService.`,
      ),
    );
  const left = new Map<string, number>();
  for (const o of allObjects(input.state))
    if (o.metadata?.namespace === name) left.set(o.kind ?? '?', (left.get(o.kind ?? '?') ?? 0) + 1);
  out.push(
    left.size
      ? cause(
          `Objects still in ${name}: ${[...left].map(([k, n]) => `${n} ${k}`).join(', ')} — each must finish deleting first (check their finalizers).`,
        )
      : note(`No objects the explorer watches are left in ${name}.`),
  );
  const conditions =
    (namespace.status as { conditions?: { type: string; status: string; message?: string }[] } | undefined)
      ?.conditions ?? [];
  for (const c of conditions)
    if (c.status === 'True')
      out.push(
        (/Discovery|GroupVersion/i.test(c.type) ? cause : evidence)(
          `${c.type}: ${c.message ?? ''}${/Discovery/i.test(c.type) ? ' — an unavailable APIService blocks namespace deletion: fix or delete it (kubectl get apiservices).' : ''}`,
        ),
      );
  for (const f of namespace.metadata?.finalizers ?? []) out.push(explainFinalizer(f, namespace, input));
  return out;
}
