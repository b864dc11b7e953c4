/**
 * Every user-triggered change runs through `run` so that the `operationInProgress` context key
 * disables conflicting commands and views hear when it ends (STYLE.md rule 7).
 */
import * as vscode from 'vscode';
import { Emitter, type Event } from '../core/lifecycle';
import { CONTEXT_KEYS } from './commandIds';

/** `argocdApi`: a call that changes something in Argo CD through its API (refresh, sync; issue 16). */
export type OperationKind = 'refresh' | 'annotate' | 'argocdApi';

export class OperationRunner implements vscode.Disposable {
  private readonly _onDidRunOperation = new Emitter<OperationKind>();
  readonly onDidRunOperation: Event<OperationKind> = this._onDidRunOperation.event;
  private running = 0;

  async run<T>(kind: OperationKind, fn: () => Promise<T>): Promise<T> {
    if (this.running++ === 0) await this.setKey(true);
    try {
      return await fn();
    } finally {
      if (--this.running === 0) await this.setKey(false);
      this._onDidRunOperation.fire(kind);
    }
  }

  private async setKey(value: boolean): Promise<void> {
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.operationInProgress, value);
  }

  dispose(): void {
    this._onDidRunOperation.dispose();
  }
}
