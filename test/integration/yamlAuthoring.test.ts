/**
 * Manifest authoring (issue 7) in the real extension host: our yaml-language-server process (Red Hat
 * YAML is not installed here) validates a Flux Kustomization with the offline schemas, completes
 * inside an Application's spec.syncPolicy, and validates a CRD that only the connected `sim-flux`
 * simulator serves, from its /openapi/v3.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SimAccess } from './simClusters';
import { waitFor } from '../support/waitFor';
import { api } from './extensionApi';
import { REPO_ROOT } from '../support/paths';

const KUSTOMIZATION = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  targetNamespce: apps
`;

const APPLICATION = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  namespace: argocd
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: guestbook}
  syncPolicy:
    
`;

const WIDGET = `apiVersion: yaml.example.test/v1
kind: Widget
metadata:
  name: w
spec:
  size: big
`;

const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.yaml.example.test' },
  spec: {
    group: 'yaml.example.test',
    names: { kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
          },
        },
      },
    ],
  },
};

function sim(): SimAccess['flux'] {
  const raw = process.env.GITOPS_LENS_SIM;
  assert.ok(raw, 'GITOPS_LENS_SIM is not set by the runner');
  return (JSON.parse(raw) as SimAccess).flux;
}

async function diagnosticsOf(uri: vscode.Uri, what: string, match: (d: vscode.Diagnostic) => boolean): Promise<vscode.Diagnostic> {
  return waitFor(what, () => vscode.languages.getDiagnostics(uri).find(match), 30_000);
}

describe('YAML authoring', function () {
  this.timeout(90_000);
  const cfg = () => vscode.workspace.getConfiguration('gitopsLens');
  let dir = '';
  const write = (name: string, text: string): vscode.Uri => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return vscode.Uri.file(file);
  };

  before(async () => {
    await api();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder);
    dir = path.join(folder, 'yaml-authoring');
    fs.mkdirSync(dir, { recursive: true });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
    await cfg().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
  });

  it('reports a wrong field of a Flux Kustomization at the field, offline', async () => {
    const uri = write('kustomization.yaml', KUSTOMIZATION);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const d = await diagnosticsOf(uri, 'the unknown-field diagnostic', (x) => /targetNamespce/.test(x.message));
    assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character], [12, 2, 12, 16]);
    // Exactly one problem: the valid fields raise none, and nothing is reported twice.
    assert.equal(vscode.languages.getDiagnostics(uri).length, 1, JSON.stringify(vscode.languages.getDiagnostics(uri)));
  });

  it('offers `automated` inside spec.syncPolicy of an Application', async () => {
    const uri = write('application.yaml', APPLICATION);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    // The server starts with the first manifest; ask until its answer carries the schema's fields.
    let labels: string[] = [];
    const deadline = Date.now() + 30_000;
    while (!labels.includes('automated') && Date.now() < deadline) {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(9, 4));
      labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      if (!labels.includes('automated')) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(labels.includes('automated'), labels.join(', '));
    assert.ok(labels.includes('syncOptions'));
    assert.ok(!labels.includes('replicas'));
  });

  it('validates a CRD served only by the connected simulator', async () => {
    const s = sim();
    const res = await fetch(`${s.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(WIDGET_CRD),
    });
    assert.ok(res.ok || res.status === 409, `create CRD: ${res.status} ${await res.text()}`);

    const v1 = await api();
    const kubeconfig = process.env.GITOPS_LENS_SIM_KUBECONFIG;
    assert.ok(kubeconfig, 'GITOPS_LENS_SIM_KUBECONFIG is not set by the runner');
    await cfg().update('kubeconfig', [kubeconfig], vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('gitopsLens.applications.focus');
    await waitFor('sim-flux connected', () => v1.clusters().some((c) => c.name === s.context), 30_000);

    const uri = write('widget.yaml', WIDGET);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const d = await diagnosticsOf(uri, 'the Widget type diagnostic from the cluster schema', (x) => /integer/i.test(x.message));
    assert.equal(d.range.start.line, 5);
  });

  it('an alias bomb (issue 12) is a diagnostic at the alias, and the YAML server keeps serving', async () => {
    // Before the bound, the outline request for this 500-byte ConfigMap grew our yaml-language-server
    // process past 4 GB, and the CRD's validation never ended.
    const hostile = (n: string): string => fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'hostile', 'files', n), 'utf8');
    const lol = write('lol.yaml', hostile('billionLaughs.yaml'));
    const crd = write('crd-bomb.yaml', hostile('crdBomb.yaml'));
    for (const uri of [lol, crd]) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const d = await diagnosticsOf(lol, 'the alias bomb diagnostic', (x) => /excessive aliasing/.test(x.message));
    assert.equal(d.range.start.line, 9);
    assert.match(d.message, /^YAML: excessive aliasing: \*c /);
    await diagnosticsOf(crd, 'the CRD bomb diagnostic', (x) => /excessive aliasing/.test(x.message));
    const symbols = await vscode.commands.executeCommand<unknown[] | undefined>('vscode.executeDocumentSymbolProvider', lol);
    assert.deepEqual(symbols ?? [], []);
    // The same server still answers for another manifest (its outline).
    const app = write('application-after-bomb.yaml', APPLICATION);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(app));
    let names: string[] = [];
    const deadline = Date.now() + 30_000;
    while (names.length === 0 && Date.now() < deadline) {
      const found = await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', app);
      names = (found ?? []).map((x) => x.name);
      if (names.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(names, ['apiVersion', 'kind', 'metadata', 'spec']);
  });
});

