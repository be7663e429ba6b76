import { readClusterCrdSchemas } from '../adapters/k8s/crds';
import { forContext, kubeconfigPaths, loadKubeconfig } from '../adapters/k8s/kubeconfig';
import { KubeRest } from '../adapters/k8s/rest';
import { silentLogger } from '../core/log';
import type { IndexedObject } from '../core/rules/scope';
import { UsageError } from './args';

/**
 * `shipshape lint --context NAME`: the CRDs the cluster serves, as index entries (one per CRD
 * schema), read once for the run. In the commands bundle: a lint without --context never loads
 * the Kubernetes client.
 */
export async function clusterCrdEntries(
  context: string | undefined,
  kubeconfig: string | undefined,
): Promise<{ entries: IndexedObject[]; context: string }> {
  const source = loadKubeconfig(kubeconfigPaths(kubeconfig));
  const name = context ?? source.kc.getCurrentContext();
  if (!source.kc.getContextObject(name))
    throw new UsageError(`no context "${name}" in ${source.paths.join(', ')}`);
  const schemas = await readClusterCrdSchemas(new KubeRest(forContext(source, name), silentLogger));
  return {
    context: name,
    entries: schemas.map((s) => ({
      identity: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
      file: `context ${name}`,
      crdSchemas: [s],
    })),
  };
}
