import { isWebviewBound, type HostBound, type ViewState } from '../../protocol/runbook';

interface VsCodeApi {
  postMessage(message: HostBound): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function render(state: ViewState): void {
  root.replaceChildren(el('h2', state.title), ...(state.notice ? [el('p', state.notice, 'notice')] : []));
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isWebviewBound(event.data)) render(event.data.state);
});
vscode.postMessage({ type: 'ready' });
