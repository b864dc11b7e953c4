/**
 * The workspace the in-host drift tests share: the simulated clusters connected, the `sim-argo` app
 * `checkout` listed, and the workspace folder made a clone of the repository it deploys
 * (test/fixtures/gitops/checkoutRepo.ts) holding one manifest file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CHECKOUT_CLONE_GIT_CONFIG } from '../fixtures/gitops/checkoutRepo';
import { waitFor } from '../support/waitFor';
import { api } from './extensionApi';

/**
 * waitFor for probes that may be async (the editor's execute*Provider commands): one call in flight at
 * a time, its last answer checked on each poll.
 */
export function pollFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  let last: T | undefined | false;
  let inFlight = false;
  return waitFor(
    what,
    () => {
      if (!inFlight) {
        inFlight = true;
        void Promise.resolve(fn()).then(
          (v) => ((last = v), (inFlight = false)),
          () => (inFlight = false),
        );
      }
      return last;
    },
    timeoutMs,
  );
}

/** `<line>: <title>` of each drift lens on a document. */
export async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  return lenses.filter((l) => l.command?.command === 'gitopsLens.showDrift').map((l) => `${l.range.start.line}: ${l.command?.title ?? ''}`);
}

export interface CheckoutClone {
  folder: string;
  /** The manifest written into apps/checkout. */
  file: string;
}

const config = () => vscode.workspace.getConfiguration('gitopsLens');

type ApiApps = ReturnType<Awaited<ReturnType<typeof api>>['apps']>;

/** Connects the simulated clusters (the runner's kubeconfig) with the view shown, and waits until `find` sees its app. */
export async function connectSimsAndWaitFor<T>(what: string, find: (apps: ApiApps) => T | undefined, timeoutMs = 20_000): Promise<T> {
  const v1 = await api();
  const kubeconfig = process.env.GITOPS_LENS_SIM_KUBECONFIG;
  assert.ok(kubeconfig, 'GITOPS_LENS_SIM_KUBECONFIG is not set by the runner');
  await config().update('kubeconfig', [kubeconfig], vscode.ConfigurationTarget.Global);
  await vscode.commands.executeCommand('gitopsLens.applications.focus');
  return pollFor(what, () => find(v1.apps()), timeoutMs);
}

/** Connects the simulators, waits for the checkout app, and writes `text` to apps/checkout/<fileName>. */
export async function openCheckoutClone(fileName: string, text: string): Promise<CheckoutClone> {
  await connectSimsAndWaitFor('the checkout app', (apps) => apps.find((a) => a.cluster === 'sim-argo' && a.name === 'checkout'));
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'no workspace folder');
  fs.mkdirSync(path.join(folder, '.git'), { recursive: true });
  fs.writeFileSync(path.join(folder, '.git', 'config'), CHECKOUT_CLONE_GIT_CONFIG);
  const file = path.join(folder, 'apps', 'checkout', fileName);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return { folder, file };
}

/** Undoes openCheckoutClone: editors closed, the clone's files gone, the simulators disconnected. */
export async function closeCheckoutClone(clone: CheckoutClone | undefined): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  if (clone) {
    // Let the git extension's check-ignore of the closed files run before .git goes (else EPIPE).
    await new Promise((r) => setTimeout(r, 1500));
    fs.rmSync(path.join(clone.folder, '.git'), { recursive: true, force: true });
    fs.rmSync(path.dirname(clone.file), { recursive: true, force: true });
  }
  const v1 = await api();
  await config().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
  await pollFor('simulated contexts gone', () => !v1.clusters().some((c) => c.name === 'sim-argo'));
}
