/**
 * What one in-host suite may leave behind for the next, put back before the first suite and after
 * each (test/index.ts adds it as a hook of every top-level suite), so that every suite passes alone
 * and in any order (GITOPS_LENS_TEST_SHUFFLE, GITOPS_LENS_TEST_SUITE):
 * - editors: dirty buffers reverted (an adopted value must not be saved by a later auto-save, nor a
 *   close ask "Save changes?"), then every editor closed;
 * - settings: every `gitopsLens.*` value written at user, workspace or folder level removed, so the
 *   simulated clusters are disconnected (and with them the language server's cluster schemas, which
 *   take precedence over the offline ones) and no forge mapping remains;
 * - files: the workspace folder and the kubeconfig fixtures back to what the runner copied (a `.git`,
 *   `.vscode/settings.json` or manifest a suite wrote is removed, an edited file restored);
 * - the forge simulator's token forgotten, the Applications view's filter cleared.
 * The simulated clusters' objects are not reset: suites change only objects no other suite reads.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../support/waitFor';
import { api, extension } from './extensionApi';

/** Path → content (undefined: a folder) of a tree, as the runner laid it out. */
type TreeSnapshot = Map<string, Buffer | undefined>;

const snapshots = new Map<string, TreeSnapshot>();

function snapshot(root: string): TreeSnapshot {
  const out: TreeSnapshot = new Map();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        out.set(p, undefined);
        walk(p);
      } else if (e.isFile()) out.set(p, fs.readFileSync(p));
    }
  };
  walk(root);
  return out;
}

/** Removes what is not in `snap`, rewrites what differs from it, recreates what is missing. */
function restore(root: string, snap: TreeSnapshot): string[] {
  const changed: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (!snap.has(p) || (snap.get(p) === undefined) !== e.isDirectory()) {
        fs.rmSync(p, { recursive: true, force: true });
        changed.push(path.relative(root, p));
      } else if (e.isDirectory()) walk(p);
    }
  };
  walk(root);
  for (const [p, content] of snap) {
    if (content === undefined) {
      if (!fs.existsSync(p)) fs.mkdirSync(p, { recursive: true });
    } else if (!fs.existsSync(p) || !fs.readFileSync(p).equals(content)) {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
      changed.push(path.relative(root, p));
    }
  }
  return changed;
}

function trees(): string[] {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'no workspace folder');
  return [folder, process.env.GITOPS_LENS_FIXTURES].filter((d): d is string => typeof d === 'string');
}

/** Records the trees the runner laid out; call once, before any suite. */
export function recordHostState(): void {
  for (const root of trees()) if (!snapshots.has(root)) snapshots.set(root, snapshot(root));
}

async function closeEditors(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty) continue;
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

async function clearSettings(): Promise<void> {
  const properties = (extension().packageJSON as { contributes: { configuration: { properties: Record<string, unknown> } } }).contributes.configuration.properties;
  const cfg = vscode.workspace.getConfiguration();
  for (const key of Object.keys(properties)) {
    const i = cfg.inspect(key);
    if (i?.globalValue !== undefined) await cfg.update(key, undefined, vscode.ConfigurationTarget.Global);
    if (i?.workspaceValue !== undefined) await cfg.update(key, undefined, vscode.ConfigurationTarget.Workspace);
    if (i?.workspaceFolderValue !== undefined) await cfg.update(key, undefined, vscode.ConfigurationTarget.WorkspaceFolder);
  }
}

/** Puts the extension host back as the runner started it; see the file comment. */
export async function resetHostState(): Promise<void> {
  const v1 = await api();
  await closeEditors();
  await clearSettings();
  for (const [root, snap] of snapshots) restore(root, snap);
  const forge = process.env.GITOPS_LENS_FORGE_SIM;
  if (forge) await vscode.commands.executeCommand('gitopsLens.forgetForgeToken', { host: new URL((JSON.parse(forge) as { url: string }).url).host });
  await vscode.commands.executeCommand('gitopsLens.clearFilter');
  // Only the runner's KUBECONFIG contexts remain: the simulated clusters (and their schemas) are gone.
  await waitFor('only the KUBECONFIG contexts', () => {
    const names = v1.clusters().map((c) => c.name);
    return (names.length > 0 && names.every((n) => n === 'prod-eu' || n === 'staging') && v1.clusters().every((c) => c.enabled)) || undefined;
  }, 20_000);
}
