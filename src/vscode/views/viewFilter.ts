/**
 * The Applications view's filter (text and state), shared by the filter commands and the tree. Sets
 * the `gitopsLens.filterActive` context key so the view title can offer "Clear Filter".
 */
import * as vscode from 'vscode';
import { Emitter, type Disposable, type Event } from '../../core/lifecycle';
import type { AppFilter } from '../../core/store/appStore';
import { CONTEXT_KEYS } from '../commandIds';

export class ViewFilter implements Disposable {
  private readonly _onDidChange = new Emitter<AppFilter>();
  readonly onDidChange: Event<AppFilter> = this._onDidChange.event;
  private current: AppFilter = {};

  get value(): AppFilter {
    return this.current;
  }

  get isActive(): boolean {
    return (this.current.text ?? '') !== '' || this.current.only !== undefined;
  }

  /** A short human description for the view's `description`, undefined when not filtering. */
  describe(): string | undefined {
    if (!this.isActive) return undefined;
    const only = this.current.only === 'outOfSync' ? 'out of sync' : this.current.only === 'unhealthy' ? 'unhealthy' : undefined;
    return ['filter:', this.current.text ? `"${this.current.text}"` : undefined, only].filter(Boolean).join(' ');
  }

  set(next: AppFilter): void {
    const text = next.text?.trim() || undefined;
    const value: AppFilter = { ...(text ? { text } : {}), ...(next.only ? { only: next.only } : {}) };
    if (value.text === this.current.text && value.only === this.current.only) return;
    this.current = value;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.filterActive, this.isActive);
    this._onDidChange.fire(value);
  }

  dispose(): void {
    this._onDidChange.dispose();
  }
}
