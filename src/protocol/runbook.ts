import { hasType, isRecord } from './messages';

/** What the Runbook view renders; sent whole on every change (it is small). */
export interface ViewState {
  readonly title: string;
  readonly notice?: string;
}

export type HostBound = { type: 'ready' };
export type WebviewBound = { type: 'state'; state: ViewState };

export function isHostBound(value: unknown): value is HostBound {
  return hasType(value, 'ready');
}

export function isWebviewBound(value: unknown): value is WebviewBound {
  return hasType(value, 'state') && isRecord(value['state']) && typeof value['state']['title'] === 'string';
}
