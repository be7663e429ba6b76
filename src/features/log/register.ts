import * as vscode from 'vscode';
import { Commands } from '../../constants';
import type { Services } from '../../services/container';

export function registerLog({ log }: Services): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.showLog, () => log.show());
}
