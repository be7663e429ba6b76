import * as vscode from 'vscode';
import { OUTPUT_CHANNEL_NAME } from '../../constants';
import { redact, type Logger } from '../../core/log';

export interface ExtensionLogger extends Logger, vscode.Disposable {
  show(): void;
}

/** The single "Shipshape" log channel. Every message passes through `redact` first. */
export function createLogger(): ExtensionLogger {
  const channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  const text = (m: string | Error) => redact(m instanceof Error ? (m.stack ?? m.message) : m);
  return {
    trace: (m) => channel.trace(text(m)),
    debug: (m) => channel.debug(text(m)),
    info: (m) => channel.info(text(m)),
    warn: (m) => channel.warn(text(m)),
    error: (m) => channel.error(text(m)),
    show: () => channel.show(true),
    dispose: () => channel.dispose(),
  };
}
