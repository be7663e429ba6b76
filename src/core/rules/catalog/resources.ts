import { Commented } from '../../edit/emit';
import { getMapPath, pairOf, scalar } from '../../manifest/nodes';
import { containerAnchor, containerData, eachContainer, findingContainer, podCarriers } from '../helpers';
import type { Rule } from '../types';

export const cpuRequest: Rule = {
  id: 'cpu-request',
  number: 29,
  category: 'resources',
  title: 'CPU request missing',
  severity: 'warning',
  fixClass: 'scaffold',
  kinds: podCarriers,
  docs: {
    what: 'A container has no `resources.requests.cpu` (or it is 0).',
    why: 'The scheduler places pods by their requests: without one the pod can land on a full node and starve, and ResourceQuotas that constrain `requests.cpu` reject it outright.',
    fix: 'Set a request from observed usage (`kubectl top pods --containers`). The scaffold inserts `requests.cpu: 100m` with a TODO comment to replace it.',
    anchors:
      'kube-linter `unset-cpu-requirements`★ (request only); Polaris `cpuRequestsMissing` (mutation 100m); kube-score `container-resources`; Kubescape C-0268/C-0050; Checkov CKV_K8S_10; Datree #3; Popeye POP-106.',
  },
  check(ctx) {
    eachContainer(
      ctx,
      (c) => {
        const requests = getMapPath(c.node, ['resources', 'requests'], ctx.doc);
        const pair = pairOf(requests, 'cpu');
        if (pair && ctx.isTemplated(pair.value)) return;
        const value = pair ? scalar(pair.value ?? undefined) : undefined;
        if (value !== undefined && value !== null && value !== 0 && value !== '0') return;
        ctx.report({
          message: `Container "${c.name}" has no CPU request: the scheduler cannot place it reliably and CPU quotas reject it.`,
          at: pair ?? containerAnchor(c),
          container: c.name,
          data: containerData(c),
        });
      },
      ['containers', 'initContainers'],
    );
  },
  fix: {
    class: 'scaffold',
    title: 'Add a CPU request (100m, TODO)',
    apply(ctx) {
      const found = findingContainer(ctx);
      return found
        ? ctx.editor.setIn(
            found.container.node,
            ['resources', 'requests', 'cpu'],
            new Commented('100m', 'TODO: set from observed usage'),
          )
        : undefined;
    },
  },
};

export const resourceRules: readonly Rule[] = [cpuRequest];
