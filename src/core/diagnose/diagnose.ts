import type { Namespace, Pod } from '../k8s/types';
import { classifyPod, type PodHealth } from '../health/pod';
import { suggestionFor } from '../health/suggestions';
import { explainCrash } from './crash';
import { explainImagePull } from './image';
import { explainPending, isUnscheduled } from './pending';
import { unresolvedHosts, unresolvedReferences } from './refs';
import { explainFinalizer, explainNamespace, explainTerminating } from './terminating';
import { eventsFor, expiredEventsNote, ownerChain, timeline } from './timeline';
import type { ClaimInfo, DiagnoseInput, Diagnosis, Section, Todo } from './types';

export type { DiagnoseInput, Diagnosis } from './types';

/** The actions (keys of src/constants.ts Commands) that apply to a pod in this class. */
function actionsFor(health: PodHealth, owner: string, pending: Section | undefined): Todo[] {
  const todo: Todo[] = [];
  // Rollouts and manifests belong to long-running controllers; a Job's pod is fixed in its Job.
  const workload = /^(Deployment|StatefulSet|DaemonSet)\//.test(owner);
  const oom = health.lastTermination?.reason === 'OOMKilled';
  switch (health.class) {
    case 'crashloop':
    case 'failed':
    case 'restarting':
    case 'notReady':
      todo.push({ text: 'Show the previous container logs', action: 'showPreviousLogs' });
      if (oom)
        todo.push({ text: "Raise the container's memory limit in its manifest", action: 'raiseMemoryLimit' });
      if (workload) todo.push({ text: 'Open its manifest to fix the cause above', action: 'openManifest' });
      if (workload) todo.push({ text: 'Restart the rollout once fixed', action: 'restartRollout' });
      break;
    case 'config':
    case 'image':
      if (workload) todo.push({ text: 'Open its manifest to fix the reference', action: 'openManifest' });
      todo.push({ text: 'Delete the pod once fixed, so it is recreated at once', action: 'deletePod' });
      break;
    case 'unschedulable':
    case 'pending':
      if (workload)
        todo.push({ text: 'Open its manifest to change requests or placement', action: 'openManifest' });
      if (pending?.findings.some((f) => /Insufficient/.test(f.text)))
        todo.push({ text: 'Scale down a non-essential workload on the node named above', action: 'scale' });
      break;
    case 'stuckTerminating':
    case 'terminating':
      todo.push({ text: 'Describe it and resolve the finalizer owners above', action: 'describe' });
      todo.push({ text: 'Last resort: force delete (grace period 0)', action: 'forceDeletePod' });
      break;
    default:
      break;
  }
  return todo;
}

/** Everything Diagnose can say about one pod, or undefined when the pod is not in the state. */
export function diagnosePod(input: DiagnoseInput, namespace: string, name: string): Diagnosis | undefined {
  const pod = input.state.pods.find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name);
  return pod ? diagnose(pod, input) : undefined;
}

export function diagnose(pod: Pod, input: DiagnoseInput): Diagnosis {
  const health = classifyPod(pod, input.now);
  const chain = ownerChain(pod, input);
  const top = chain[chain.length - 1] ?? pod;
  const owner = `${top.kind ?? 'Pod'}/${top.metadata?.name ?? ''}`;
  const podEvents = eventsFor([pod], input.state.events);
  const sections: Section[] = [];
  let pending: Section | undefined;
  if (health.class === 'terminating' || health.class === 'stuckTerminating')
    sections.push({ title: 'Why it is stuck Terminating', findings: explainTerminating(pod, input) });
  else if (isUnscheduled(pod) && (health.class === 'unschedulable' || health.class === 'pending')) {
    pending = explainPending(pod, input);
    sections.push(pending);
  } else if (health.class === 'image')
    sections.push({
      title: 'Why the image does not pull',
      findings: explainImagePull(pod, podEvents, input),
    });
  else if (['crashloop', 'failed', 'restarting', 'notReady', 'config'].includes(health.class))
    sections.push({
      title: 'Why it fails',
      findings: explainCrash(pod, podEvents, input.inventory.previousLogs),
    });
  const refs = [...unresolvedReferences(pod, input), ...unresolvedHosts(pod, input.state.services)];
  if (refs.length > 0) sections.push({ title: 'References that do not resolve', findings: refs });
  if (input.inventory.secrets === undefined)
    sections.push({
      title: 'Not checked',
      findings: [
        { level: 'note', text: 'Secrets and ConfigMaps were not read: missing references cannot be told.' },
      ],
    });
  // A missing reference is the root cause more often than what the crash shows: lead with it.
  const causes = [...refs, ...sections.flatMap((s) => s.findings)].filter((f) => f.level === 'cause');
  const todo: Todo[] = [{ text: suggestionFor(health) }, ...actionsFor(health, owner, pending)];
  const eventsNote = expiredEventsNote(pod, input);
  return {
    namespace: pod.metadata?.namespace ?? '',
    pod: pod.metadata?.name ?? '',
    owner,
    reason: health.reason,
    summary: health.summary,
    ...(causes[0] ? { verdict: causes[0].text } : {}),
    sections,
    timeline: timeline(pod, input),
    ...(eventsNote ? { eventsNote } : {}),
    todo,
  };
}

/** A namespace stuck Terminating: what is left in it, its conditions and finalizers. */
export function diagnoseNamespace(namespace: Namespace, input: DiagnoseInput): Diagnosis {
  const name = namespace.metadata?.name ?? '';
  const findings = explainNamespace(namespace, input);
  const verdict = findings.find((f) => f.level === 'cause')?.text;
  return {
    namespace: name,
    pod: '',
    owner: `Namespace/${name}`,
    reason: 'Terminating',
    summary: `Namespace ${name} is being deleted`,
    ...(verdict ? { verdict } : {}),
    sections: [{ title: 'Why the namespace is stuck Terminating', findings }],
    timeline: [],
    todo: [
      {
        text: 'Delete or fix what is left (and any unavailable APIService), then the namespace controller finishes',
      },
    ],
  };
}

/** A PersistentVolumeClaim being deleted that its finalizers hold (pvc-protection: a pod uses it). */
export function diagnoseClaim(claim: ClaimInfo, input: DiagnoseInput): Diagnosis {
  const object = {
    kind: 'PersistentVolumeClaim',
    metadata: { name: claim.name, namespace: claim.namespace, finalizers: [...(claim.finalizers ?? [])] },
  };
  const findings = (claim.finalizers ?? []).map((f) => explainFinalizer(f, object, input));
  const verdict = findings.find((f) => f.level === 'cause')?.text;
  return {
    namespace: claim.namespace,
    pod: '',
    owner: `PersistentVolumeClaim/${claim.name}`,
    reason: 'Terminating',
    summary: `PersistentVolumeClaim ${claim.namespace}/${claim.name} is being deleted${claim.phase ? ` (${claim.phase})` : ''}`,
    ...(verdict ? { verdict } : {}),
    sections: [{ title: 'Why the claim is stuck Terminating', findings }],
    timeline: [],
    todo: [
      { text: 'Delete the pods that use the claim (or scale their workload down); the claim goes next' },
    ],
  };
}

/**
 * Every pod with a problem (severity > 0, completed and healthy pods left out), worst first,
 * then every namespace and PersistentVolumeClaim stuck Terminating.
 */
export function diagnoseAll(input: DiagnoseInput): Diagnosis[] {
  const namespaces = input.state.namespaces
    .filter((n) => n.status?.phase === 'Terminating' || n.metadata?.deletionTimestamp)
    .map((n) => diagnoseNamespace(n, input));
  const claims = (input.inventory.claims ?? [])
    .filter((c) => c.deletionTimestamp && (c.finalizers ?? []).length > 0)
    .map((c) => diagnoseClaim(c, input));
  return [...diagnosePods(input), ...namespaces, ...claims];
}

/** The pods `diagnoseAll` explains: those with a problem (completed and healthy ones left out). */
export function problemPods(input: DiagnoseInput): Pod[] {
  return input.state.pods.filter((pod) => classifyPod(pod, input.now).severity > 0);
}

function diagnosePods(input: DiagnoseInput): Diagnosis[] {
  return problemPods(input)
    .map((pod) => ({ pod, health: classifyPod(pod, input.now) }))
    .sort(
      (a, b) =>
        b.health.severity - a.health.severity ||
        `${a.pod.metadata?.namespace ?? ''}/${a.pod.metadata?.name ?? ''}`.localeCompare(
          `${b.pod.metadata?.namespace ?? ''}/${b.pod.metadata?.name ?? ''}`,
        ),
    )
    .map(({ pod }) => diagnose(pod, input));
}
