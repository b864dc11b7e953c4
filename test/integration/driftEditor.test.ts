/**
 * The editor around the drift lenses (issue 5) in the real extension host, against `sim-argo` (the
 * Argo CD app `checkout` deploys apps/checkout of https://git.example.test/org/apps.git into namespace
 * `checkout`; its live Deployment and ConfigMap are test/fixtures/gitops/liveResources.ts): edit
 * preview, the diff editor's live side, hover, "adopt live value", and a broken document's diagnostic
 * next to lenses on the good documents.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CHECKOUT_GIT_IMAGE as GIT_IMAGE, CHECKOUT_LIVE_IMAGE as LIVE_IMAGE, checkoutConfigMapYaml, checkoutDeploymentYaml } from '../fixtures/gitops/checkoutRepo';
import { closeCheckoutClone, lensTitles, openCheckoutClone, pollFor as waitFor, type CheckoutClone } from './driftWorkspace';

// The image is quoted: adopting the live value keeps the quotes.
const MANIFEST = `${checkoutConfigMapYaml('# the live value')}---
${checkoutDeploymentYaml({ header: "# the image differs from the cluster's", image: JSON.stringify(GIT_IMAGE) })}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: checkout-broken
data: {a: [1, 2}
`;

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

async function quickFixes(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value)) ?? [];
}

describe('Drift editor: hover, adopt live value, diagnostics', function () {
  this.timeout(90_000);
  let clone: CheckoutClone | undefined;
  let file = '';

  before(async () => {
    clone = await openCheckoutClone('editor.yaml', MANIFEST);
    file = clone.file;
  });

  after(() => closeCheckoutClone(clone));

  it('marks the broken document with a diagnostic and keeps lenses on the others; hover, diff, edit preview and adopt live', async () => {
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);

    // Broken YAML: one diagnostic at js-yaml's line and column (`data: {a: [1, 2}` is line 29, column 15).
    const diags = await waitFor('the YAML diagnostic', () => {
      const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'gitops-lens');
      return Promise.resolve(d.length > 0 ? d : undefined);
    });
    assert.equal(diags.length, 1);
    assert.deepEqual([diags[0]?.range.start.line, diags[0]?.range.start.character], [28, 15]);
    assert.match(diags[0]?.message ?? '', /flow collection/);
    assert.equal(diags[0]?.severity, vscode.DiagnosticSeverity.Error);
    // … and the good documents keep their lenses.
    const first = await waitFor('lenses with results', async () => {
      const t = await lensTitles(doc.uri);
      return t.length === 2 && !t.some((s) => s.includes('Checking')) ? t : undefined;
    });
    assert.deepEqual(first, ['0: In sync · sim-argo', '8: Drift: 1 field · sim-argo']);

    // Hover on the drifted field: both values, with the cluster.
    const imageLine = 22;
    assert.ok(doc.lineAt(imageLine).text.includes(GIT_IMAGE));
    const hover = await hoverText(doc.uri, new vscode.Position(imageLine, 12));
    assert.ok(hover.includes('spec.template.spec.containers[0].image'), hover);
    assert.ok(hover.includes(`desired \`"${GIT_IMAGE}"\``) && hover.includes(`live \`"${LIVE_IMAGE}"\``) && hover.includes('sim-argo'), hover);
    // On the document's first line: every drifted field of the document.
    assert.ok((await hoverText(doc.uri, new vscode.Position(8, 2))).includes('1 drifted field'));
    // No drift hover on a line without drift (the schema hover of the YAML support may still be there).
    assert.ok(!(await hoverText(doc.uri, new vscode.Position(14, 4))).includes('**Drift**'));

    // The diff the lens opens: the live side is normalized (no managedFields, no status).
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
    const lens = lenses.find((l) => l.range.start.line === 8);
    assert.ok(lens?.command);
    await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
    const diff = await waitFor('diff editor', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return Promise.resolve(input instanceof vscode.TabInputTextDiff ? input : undefined);
    });
    assert.equal(diff.original.scheme, 'gitops-drift');
    const live = (await vscode.workspace.openTextDocument(diff.original)).getText();
    assert.ok(live.includes(`image: ${LIVE_IMAGE}`), live);
    assert.ok(!live.includes('managedFields') && !live.includes('status:') && !live.includes('resourceVersion'), live);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const editor = await vscode.window.showTextDocument(doc);

    // Edit preview: typing a different LOG_LEVEL (unsaved) turns the ConfigMap's lens into drift.
    const levelLine = doc.lineAt(5).text;
    const at = levelLine.indexOf('info');
    assert.ok(await editor.edit((e) => e.replace(new vscode.Range(5, at, 5, at + 4), 'trace')));
    await waitFor('drift after typing', async () => (await lensTitles(doc.uri))[0] === '0: Drift: 1 field · sim-argo' || undefined);

    // Adopt live value on the ConfigMap field: the edit writes `info` back, keeping the comment.
    const fixes = await waitFor('adopt action for LOG_LEVEL', async () => {
      const a = await quickFixes(doc.uri, new vscode.Range(5, 4, 5, 4));
      return a.some((x) => x.title.startsWith('Adopt live value of data.LOG_LEVEL')) ? a : undefined;
    });
    const adopt = fixes.find((x) => x.title.startsWith('Adopt live value of data.LOG_LEVEL'));
    assert.equal(adopt?.title, 'Adopt live value of data.LOG_LEVEL: "info"');
    assert.ok(fixes.some((x) => x.title === 'Adopt all live values of this document'));
    assert.ok(adopt?.edit && (await vscode.workspace.applyEdit(adopt.edit)));
    assert.equal(doc.lineAt(5).text, '  LOG_LEVEL: info # the live value');
    assert.ok(doc.isDirty, 'the adopted value stays unsaved');

    // Adopt all on the Deployment: the image becomes the live one, in its double quotes; both lenses in sync.
    const all = (await quickFixes(doc.uri, new vscode.Range(imageLine, 10, imageLine, 10))).find((x) => x.title === 'Adopt all live values of this document');
    assert.ok(all?.edit && (await vscode.workspace.applyEdit(all.edit)));
    assert.equal(doc.lineAt(imageLine).text, `        image: "${LIVE_IMAGE}"`);
    await waitFor('in sync after adopting', async () => {
      const t = await lensTitles(doc.uri);
      return t.join('|') === '0: In sync · sim-argo|8: In sync · sim-argo' || undefined;
    });
    // Only the two values changed.
    const changed = doc.getText().split('\n').filter((l, i) => l !== MANIFEST.split('\n')[i]);
    assert.deepEqual(changed, [`        image: "${LIVE_IMAGE}"`]);

    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.ok(!doc.isDirty);
    // A language change closes and reopens the document (the host delays a real close): the diagnostic goes.
    const plain = await vscode.languages.setTextDocumentLanguage(doc, 'plaintext');
    await waitFor('diagnostics cleared', () => Promise.resolve(vscode.languages.getDiagnostics(plain.uri).every((d) => d.source !== 'gitops-lens') || undefined));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
