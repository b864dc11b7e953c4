/**
 * Blame with deployment on manifests (issue 17): hovering a manifest line of a file some app deploys
 * says who last changed it, through which pull request and approvals, and where that change runs now
 * ("changed by A in #42 (approved by B, merged by C) · live in staging since … · not yet in
 * production"); on a document's first line, the document's newest change. The answer comes from
 * AuditTrailStore.blame (git blame of the editor's text, the forge behind the audit cache, each
 * deploying app's history); nothing here reads a cluster or runs git itself. No hover in Restricted
 * Mode (no git process runs there) or for files no app deploys.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { appsDeployingFile } from '../../core/drift/deployedBy';
import type { AuditTrailStore } from '../../core/audit/trailStore';
import type { RepositoryDiscovery } from '../../core/git/ports';
import { parseManifests, type ParsedFile } from '../../core/manifest/documents';
import type { App } from '../../core/model/app';
import type { Logger } from '../../core/ports';
import { blameHoverMarkdown } from './historyText';

export interface BlameHoverDeps {
  readonly store: Pick<AuditTrailStore, 'blame'>;
  readonly repos: Pick<RepositoryDiscovery, 'workspaceOf'>;
  readonly apps: () => readonly App[];
  readonly now: () => number;
  readonly log: Logger;
}

const escapeMd = (s: string): string => s.replace(/[\\`*_[\]<>|]/g, '\\$&');

export class BlameHoverProvider implements vscode.HoverProvider {
  /** The last parse, by URI and version: hovering along a file parses it once. */
  private parsed: { key: string; file: ParsedFile } | undefined;

  constructor(private readonly deps: BlameHoverDeps) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (document.uri.scheme !== 'file' || !vscode.workspace.isTrusted) return undefined;
    const repo = this.deps.repos.workspaceOf(path.dirname(document.uri.fsPath));
    if (!repo || repo.urls.length === 0) return undefined;
    const apps = this.deps.apps();
    const deployments = appsDeployingFile({ repo: { remotes: repo.urls, root: repo.root, ...(repo.branch !== undefined ? { branch: repo.branch } : {}) }, file: document.uri.fsPath, apps });
    if (deployments.length === 0) return undefined;
    const key = `${document.uri.toString()}@${document.version}`;
    if (this.parsed?.key !== key) this.parsed = { key, file: parseManifests(document.getText()) };
    const doc = this.parsed.file.documents.find((d) => position.line >= d.range.start.line && position.line <= d.range.end.line);
    if (!doc) return undefined;
    const header = position.line === doc.headerLine;
    const file = path.relative(repo.root, document.uri.fsPath).split(path.sep).join('/');
    try {
      const answer = await this.deps.store.blame({
        root: repo.root,
        remotes: repo.urls,
        file,
        ...(document.isDirty ? { contents: document.getText() } : {}),
        version: key,
        startLine: doc.range.start.line + 1,
        endLine: doc.range.end.line + 1,
        ...(header ? {} : { line: position.line + 1 }),
        apps: [...new Map(deployments.map((d) => [d.app.key, d.app])).values()],
      });
      if (token.isCancellationRequested) return undefined;
      const md = new vscode.MarkdownString(blameHoverMarkdown(answer, this.deps.now(), escapeMd));
      return new vscode.Hover(md, document.lineAt(position.line).range);
    } catch (err) {
      // Not a committed file yet, git missing, a file outside the index: no hover, a line in the log.
      this.deps.log.debug(`[BlameHover][provideHover] ${file}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
}
