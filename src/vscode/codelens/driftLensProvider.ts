/**
 * The manifest CodeLenses of issue 5 ("In sync · prod-eu", "Drift: 3 fields · prod-eu", …), one per
 * Kubernetes document and deploying cluster. Ranges come from `provideCodeLenses` and commands from
 * `resolveCodeLens`, as the vscode-extension-samples codelens-sample does; both only read
 * DriftSession (STYLE.md rule 5). Documents are fed to DriftSession from editor events here, with
 * edits debounced so that typing re-diffs once per pause, against the live object already read.
 */
import * as vscode from 'vscode';
import type { Disposable } from '../../core/lifecycle';
import type { AppStore } from '../../core/store/appStore';
import type { CommandId } from '../commandIds';
import type { DriftLens, DriftSession } from '../../core/drift/session';
import { lensTitle } from './lensTitle';
import { YAML_DOCUMENTS, isYamlDocument } from '../yamlDocuments';

const SHOW_DRIFT: CommandId = 'gitopsLens.showDrift';

/** Unsaved buffers count too: issue 5 wants the lens to follow the text as it is typed. */
export const DRIFT_LENS_SELECTOR: vscode.DocumentSelector = YAML_DOCUMENTS;

const EDIT_DEBOUNCE_MS = 150;

class DriftCodeLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly uri: vscode.Uri,
    readonly lens: DriftLens,
  ) {
    super(range);
  }
}

export class DriftLensProvider implements vscode.CodeLensProvider<DriftCodeLens>, Disposable {
  private readonly _onDidChangeCodeLenses = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this._onDidChangeCodeLenses.event;
  private readonly subscription: Disposable;

  constructor(
    private readonly results: DriftSession,
    /** The name a user knows a cluster by: an Argo CD API server's name rather than `argocd:<context>` (issue 16). */
    private readonly clusterLabel: (cluster: string) => string = (c) => c,
  ) {
    this.subscription = results.onDidChange(() => this._onDidChangeCodeLenses.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): DriftCodeLens[] {
    return this.results.lenses(document.uri.toString()).map((l) => new DriftCodeLens(new vscode.Range(l.line, 0, l.line, 0), document.uri, l));
  }

  resolveCodeLens(lens: DriftCodeLens): DriftCodeLens {
    const shown = this.clusterLabel(lens.lens.cluster);
    lens.command = {
      title: lensTitle({ ...lens.lens, cluster: shown }),
      command: SHOW_DRIFT,
      tooltip: `Compare with the live object on ${shown}`,
      arguments: [lens.uri.toString(), lens.lens.documentIndex, lens.lens.cluster],
    };
    return lens;
  }

  dispose(): void {
    this.subscription.dispose();
    this._onDidChangeCodeLenses.dispose();
  }
}

const isTracked = isYamlDocument;

const textOf = (d: vscode.TextDocument) => ({ uri: d.uri.toString(), fsPath: d.uri.scheme === 'file' ? d.uri.fsPath : undefined, text: d.getText() });

/**
 * Feeds DriftSession: open YAML documents (and those already open at activation), their edits
 * (debounced), closes, and AppStore changes (debounced too: informers deliver them in bursts).
 */
export function trackDriftDocuments(results: DriftSession, apps: AppStore): vscode.Disposable {
  const timers = new Map<string, NodeJS.Timeout>();
  let appTimer: NodeJS.Timeout | undefined;
  const pending = { added: new Set<string>(), updated: new Set<string>(), removed: new Set<string>() };
  const subs: Disposable[] = [];

  for (const d of vscode.workspace.textDocuments) if (isTracked(d)) results.track(textOf(d));
  // A document whose language is set after opening (Change Language Mode) arrives as close + open.
  subs.push(vscode.workspace.onDidOpenTextDocument((d) => isTracked(d) && results.track(textOf(d))));
  subs.push(
    vscode.workspace.onDidChangeTextDocument((e) => {
      const d = e.document;
      if (!isTracked(d) || e.contentChanges.length === 0) return;
      const key = d.uri.toString();
      clearTimeout(timers.get(key));
      timers.set(
        key,
        setTimeout(() => {
          timers.delete(key);
          if (!d.isClosed) results.track(textOf(d));
        }, EDIT_DEBOUNCE_MS),
      );
    }),
  );
  subs.push(
    vscode.workspace.onDidCloseTextDocument((d) => {
      const key = d.uri.toString();
      clearTimeout(timers.get(key));
      timers.delete(key);
      results.forget(key);
    }),
  );
  subs.push(
    apps.onDidChange((change) => {
      for (const k of change.added) pending.added.add(k);
      for (const k of change.updated) pending.updated.add(k);
      for (const k of change.removed) pending.removed.add(k);
      if (appTimer !== undefined) return;
      appTimer = setTimeout(() => {
        appTimer = undefined;
        const c = { added: [...pending.added], updated: [...pending.updated], removed: [...pending.removed] };
        pending.added.clear();
        pending.updated.clear();
        pending.removed.clear();
        results.appsChanged(c);
      }, EDIT_DEBOUNCE_MS);
    }),
  );
  return new vscode.Disposable(() => {
    for (const t of timers.values()) clearTimeout(t);
    clearTimeout(appTimer);
    for (const s of subs) s.dispose();
  });
}
