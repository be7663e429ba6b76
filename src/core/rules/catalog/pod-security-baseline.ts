import { getMap, pairOf, scalar } from '../../manifest/nodes';
import { containerData, eachContainer, findingContainer, podCarriers } from '../helpers';
import type { Rule } from '../types';

export const privilegedContainer: Rule = {
  id: 'privileged-container',
  number: 1,
  category: 'pod-security-baseline',
  title: 'Privileged container',
  severity: 'error',
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: 'A container sets `securityContext.privileged: true`.',
    why: 'A privileged container has every capability and direct access to host devices: a compromise of the process is a compromise of the node and everything scheduled on it.',
    fix: 'Remove the need for privilege (use specific capabilities, or a device plugin). The Harden fix sets `privileged: false` in place.',
    anchors:
      'kube-linter `privileged-container`★; Polaris `runAsPrivileged` (danger, mutation); kube-score `container-security-context-privileged`; Kubescape C-0057; Checkov CKV_K8S_16; Datree #20; PSS Baseline.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      const pair = pairOf(getMap(c.node, 'securityContext', ctx.doc), 'privileged');
      if (pair && scalar(pair.value ?? undefined) === true && !ctx.isTemplated(pair.value)) {
        ctx.report({
          message: `Container "${c.name}" runs privileged: it can do anything the node can.`,
          at: pair,
          container: c.name,
          data: containerData(c),
        });
      }
    });
  },
  fix: {
    class: 'harden',
    title: 'Set privileged: false',
    apply(ctx) {
      const found = findingContainer(ctx);
      const sc = getMap(found?.container.node, 'securityContext', ctx.doc);
      return sc ? ctx.editor.setIn(sc, ['privileged'], false) : undefined;
    },
  },
};

export const podSecurityBaselineRules: readonly Rule[] = [privilegedContainer];
