import { getMap, pairOf, scalar } from '../../manifest/nodes';
import { containerAnchor, containerData, eachContainer, findingContainer, podCarriers } from '../helpers';
import type { Rule } from '../types';

export const allowPrivilegeEscalation: Rule = {
  id: 'allow-privilege-escalation',
  number: 14,
  category: 'pod-security-restricted',
  title: 'Privilege escalation not disabled',
  severity: 'warning',
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: 'A container does not set `securityContext.allowPrivilegeEscalation: false` (error when it is explicitly `true`).',
    why: 'Without it, a setuid binary or file capability inside the image can gain more privileges than the process started with (PSS Restricted requires `false`).',
    fix: "Set `allowPrivilegeEscalation: false` on every container. The Harden fix adds it to each container's securityContext, creating the map when missing.",
    anchors:
      'kube-linter `privilege-escalation-container`★; Polaris `privilegeEscalationAllowed` (danger, mutation); Kubescape C-0016; Checkov CKV_K8S_20; Datree #47; PSS Restricted.',
  },
  check(ctx) {
    eachContainer(
      ctx,
      (c) => {
        const pair = pairOf(getMap(c.node, 'securityContext', ctx.doc), 'allowPrivilegeEscalation');
        if (pair && ctx.isTemplated(pair.value)) return;
        const value = pair ? scalar(pair.value ?? undefined) : undefined;
        if (value === false) return;
        ctx.report({
          message:
            value === true
              ? `Container "${c.name}" explicitly allows privilege escalation.`
              : `Container "${c.name}" does not set allowPrivilegeEscalation: false.`,
          at: pair ?? containerAnchor(c),
          severity: value === true ? 'error' : 'warning',
          container: c.name,
          data: containerData(c),
        });
      },
      ['containers', 'initContainers'],
    );
  },
  fix: {
    class: 'harden',
    title: 'Set allowPrivilegeEscalation: false',
    apply(ctx) {
      const found = findingContainer(ctx);
      return found
        ? ctx.editor.setIn(found.container.node, ['securityContext', 'allowPrivilegeEscalation'], false)
        : undefined;
    },
  },
};

export const podSecurityRestrictedRules: readonly Rule[] = [allowPrivilegeEscalation];
