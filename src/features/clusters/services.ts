import * as vscode from 'vscode';
import type { ClusterState, Service } from '../../core/k8s/types';
import { podReady, serviceSelector } from '../../core/pods/forward-target';
import { podsOfService, serviceOf } from '../../core/pods/service-pods';
import type { ClusterNode } from '../../services/clusters/nodes';
import { markdown } from './render';

/**
 * Services under each namespace: the rows Port Forward… and the pods behind them start from.
 * Health stays with the workloads; a Service row says what it exposes and how many ready pods
 * are behind it now.
 */

export function servicesIn(state: ClusterState, namespace: string): Service[] {
  return state.services
    .filter((s) => s.metadata?.namespace === namespace)
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

type ServicePort = NonNullable<NonNullable<Service['spec']>['ports']>[number];

const portText = (p: ServicePort) =>
  p.targetPort === undefined || p.targetPort === p.port ? String(p.port) : `${p.port}→${p.targetPort}`;

export function serviceItem(
  state: ClusterState | undefined,
  node: Extract<ClusterNode, { type: 'service' }>,
  rw: string,
): vscode.TreeItem {
  const item = new vscode.TreeItem(node.name);
  item.iconPath = new vscode.ThemeIcon('plug');
  item.contextValue = `shipshape:service:${rw}`;
  const service = state && serviceOf(state, node.namespace, node.name);
  if (!service || !state) return item;
  const type = service.spec?.type ?? 'ClusterIP';
  const ports = (service.spec?.ports ?? []).map(portText).join(', ');
  const pods = podsOfService(state, service);
  const behind =
    type === 'ExternalName'
      ? `→ ${service.spec?.externalName ?? ''}`
      : serviceSelector(service)
        ? `${pods.filter(podReady).length}/${pods.length} pods ready`
        : 'no selector';
  item.description = [type, ports, behind].filter(Boolean).join(' · ');
  item.tooltip = markdown((md) => {
    md.appendMarkdown('**');
    md.appendText(`Service ${node.namespace}/${node.name}`);
    md.appendMarkdown('**\n\n');
    md.appendText(item.description as string);
  });
  return item;
}
