import * as vscode from 'vscode';
import { selectorSelects } from '../../core/health/ownership';
import type { ClusterState, Pod, Service } from '../../core/k8s/types';
import { podReady, serviceSelector } from '../../core/pods/forward-target';
import type { ClusterNode } from './nodes';
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

export function serviceOf(state: ClusterState, namespace: string, name: string): Service | undefined {
  return state.services.find((s) => s.metadata?.namespace === namespace && s.metadata.name === name);
}

/** The pods a Service selects (none when it has no selector: its endpoints are managed by hand). */
export function podsOfService(state: ClusterState, service: Service): Pod[] {
  const selector = serviceSelector(service);
  const namespace = service.metadata?.namespace;
  if (!selector) return [];
  return state.pods.filter(
    (p) => p.metadata?.namespace === namespace && selectorSelects(selector, p.metadata?.labels),
  );
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
