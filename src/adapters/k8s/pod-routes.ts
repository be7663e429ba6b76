import {
  choosePod,
  noPodMessage,
  selectorQuery,
  type ForwardTarget,
  type PodRoute,
} from '../../core/pods/forward-target';
import type { LabelSelector, Pod } from '../../core/k8s/types';
import type { KubeRest } from './rest';
import type { Route } from './streams';

/** The pods a label selector picks in one namespace, straight from the API server. */
export async function listPods(rest: KubeRest, namespace: string, selector: LabelSelector): Promise<Pod[]> {
  const list = await rest.request<{ items?: Pod[] }>(
    'GET',
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
    { query: { labelSelector: selectorQuery(selector) }, what: `list pods in ${namespace}` },
  );
  return list.items ?? [];
}

/**
 * The router of a Service or workload forward: each connection asks `candidates` for the pods
 * behind the target (the extension's watch cache, or a LIST) and keeps the pod in use while it
 * stays ready. `onChange` hears when the forward moves to another pod, or has none.
 */
export class PodRouter {
  private route: PodRoute | undefined;

  constructor(
    private readonly target: ForwardTarget,
    private readonly candidates: () => Promise<readonly Pod[]> | readonly Pod[],
    private readonly onChange: (route: PodRoute | undefined) => void = () => undefined,
  ) {}

  /** The pod connections go to now (undefined before the first pick, or when none is ready). */
  get current(): PodRoute | undefined {
    return this.route;
  }

  readonly pick = async (failed: ReadonlySet<string>): Promise<Route> => {
    const pods = await this.candidates();
    const route = choosePod(this.target, pods, this.route?.pod, failed);
    this.set(route);
    if (!route) throw new Error(noPodMessage(this.target, pods));
    return { pod: { namespace: this.target.namespace, name: route.pod }, port: route.port };
  };

  /** Follows the pods without a connection, so what the forward shows is where the next one goes. */
  refresh(pods: readonly Pod[]): void {
    this.set(choosePod(this.target, pods, this.route?.pod));
  }

  private set(route: PodRoute | undefined): void {
    if (route?.pod === this.route?.pod && route?.port === this.route?.port) return;
    this.route = route;
    this.onChange(route);
  }
}
