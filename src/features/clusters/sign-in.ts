import * as vscode from 'vscode';
import { execCredentials, type SignInPrompt } from '../../adapters/k8s/exec-credential';
import type { Logger } from '../../core/log';

/**
 * A credential plugin that may be waiting for the user (kubelogin's browser sign-in, a device
 * code printed on stderr) gets a notification saying so, with what it printed and a Cancel that
 * stops it. There is no terminal to give it: plugins are told `interactive: false`.
 */
export function registerSignInPrompts(log: Logger): vscode.Disposable {
  return execCredentials.onSignIn((prompt) => {
    log.info(`context ${prompt.context}: waiting for the credential plugin ${prompt.plugin} (sign-in)`);
    void show(prompt);
  });
}

function show(prompt: SignInPrompt): Thenable<void> {
  const waiting = `The credential plugin \`${prompt.plugin}\` is waiting: complete the sign-in in your browser, or follow what it says.`;
  const said = (text: string) => text.trim().split('\n').slice(-2).join(' ');
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Signing in to ${prompt.context}`,
      cancellable: true,
    },
    (progress, token) => {
      const report = (text: string) =>
        progress.report({ message: text.trim() ? `${waiting} It says: ${said(text)}` : waiting });
      report(prompt.output());
      prompt.onOutput(report);
      token.onCancellationRequested(() => prompt.cancel());
      return prompt.done;
    },
  );
}
