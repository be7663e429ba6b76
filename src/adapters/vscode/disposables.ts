import type * as vscode from 'vscode';

/**
 * One owner for many disposables: features push every registration here and hand back the
 * store, so deactivation (or a test) disposes everything exactly once.
 */
export class DisposableStore implements vscode.Disposable {
  private readonly items: vscode.Disposable[] = [];
  private disposed = false;

  add<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
    } else {
      this.items.push(item);
    }
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.items.splice(0).reverse()) {
      try {
        item.dispose();
      } catch {
        // A failing dispose must not keep the others alive.
      }
    }
  }
}
