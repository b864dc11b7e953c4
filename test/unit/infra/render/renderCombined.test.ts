/** createRenderer: helm for chart templates, kustomize for files a kustomization refers to, plain otherwise. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRenderer } from '../../../../src/infra/render/renderer';
import { pathLookup } from '../../../../src/infra/render/process';
import { REPO_ROOT } from '../../../support/paths';

const FIX = path.join(REPO_ROOT, 'test', 'fixtures');
const read = (p: string): { fsPath: string; text: string } => ({ fsPath: p, text: fs.readFileSync(p, 'utf8') });

describe('render: createRenderer', () => {
  // The real PATH, minus helm (not installed here; the stand-in is in renderHelm.test.ts).
  const real = pathLookup();
  const render = createRenderer({ findExecutable: (n) => (n === 'helm' ? Promise.resolve(undefined) : real(n)) });

  it('chooses kustomize, helm or plain by where the file is', async () => {
    const k = await render(read(path.join(FIX, 'render', 'shop', 'base', 'web.yaml')));
    assert.equal(k?.tool, 'kubectl kustomize');
    assert.equal(k?.documents.length, 2);
    const h = await render(read(path.join(FIX, 'render', 'chart', 'shop', 'templates', 'web.yaml')));
    assert.deepEqual(h, { tool: 'helm', documents: [], notPlainYaml: true, fallback: 'helm not found: templates not rendered' });
    assert.equal(await render(read(path.join(FIX, 'drift', 'live', 'cluster.yaml'))), undefined);
  });
});
