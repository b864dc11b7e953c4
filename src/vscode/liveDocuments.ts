/**
 * Read-only `gitops-live:` documents: an object as the cluster has it now, as YAML, with
 * `metadata.managedFields` dropped (noise for people: kubectl hides it too since 1.21) and Secret
 * values masked, so opening one never puts a credential on screen or in a saved file.
 */
import * as vscode from 'vscode';
import { stringify } from 'yaml';
import { maskAnswer } from '../core/drift/mask';
import { gitOpsKind } from '../core/model/app';
import type { AppStore } from '../core/store/appStore';
import type { Disposable } from '../core/lifecycle';

export const LIVE_SCHEME = 'gitops-live';

export interface ObjectReader {
  get(cluster: string, ref: { apiVersion: string; kind: string; namespace: string; name: string }): Promise<unknown>;
}

/** `gitops-live:/<cluster>/<kind>/<namespace>/<name>.yaml?<app key>`; the path is for the tab title. */
export function liveUri(key: string, cluster: string, kind: string, namespace: string, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: LIVE_SCHEME, path: `/${cluster}/${kind}/${namespace || '_'}/${name}.yaml`, query: key });
}

export class LiveDocumentProvider implements vscode.TextDocumentContentProvider, Disposable {
  constructor(
    private readonly apps: AppStore,
    private readonly reader: ObjectReader,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const app = this.apps.get(uri.query);
    if (app === undefined) return `# ${uri.query} is no longer known to GitOps Lens.\n`;
    const k = gitOpsKind(app.kind);
    if (k === undefined) return `# unknown kind ${app.kind}\n`;
    const obj = await this.reader.get(app.cluster, { apiVersion: `${k.group}/${k.version}`, kind: app.kind, namespace: app.namespace, name: app.name });
    return `# Live ${app.kind} ${app.namespace}/${app.name} on ${app.cluster} (read-only)\n${stringify(forDisplay(obj))}`;
  }

  dispose(): void {
    // Nothing held; the registration is disposed by composition.
  }
}

/**
 * Drops managedFields and masks Secret values by the kind of every object in the answer (a list is
 * unwrapped item by item: core/drift/mask.ts `maskAnswer`, the masks the diff views use too, and
 * kubectl's last-applied annotation with them); returns a copy.
 */
function forDisplay(obj: unknown): unknown {
  if (typeof obj !== 'object' || obj === null) return obj;
  const copy = maskAnswer(structuredClone(obj)) as Record<string, unknown>;
  const objects = Array.isArray(copy.items) ? [copy, ...copy.items] : [copy];
  for (const o of objects) {
    const meta = typeof o === 'object' && o !== null ? (o as Record<string, unknown>).metadata : undefined;
    if (meta && typeof meta === 'object') delete (meta as Record<string, unknown>).managedFields;
  }
  return copy;
}
