/**
 * KustomizeRenderer with the real `kubectl kustomize` (kustomize v5 built in) on test/fixtures/render:
 * namePrefix, namespace, a patch and a configMapGenerator, unsaved text, the user's tree untouched,
 * caching, cancellation, and the fallbacks when the tool is missing or the build fails.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KUSTOMIZE_NOT_FOUND, KustomizeRenderer, findKustomizationFor } from '../../../../src/infra/render/kustomize';
import type { Logger } from '../../../../src/core/ports';
import { REPO_ROOT } from '../../../support/paths';

const SHOP = path.join(REPO_ROOT, 'test', 'fixtures', 'render', 'shop');
const WEB = path.join(SHOP, 'base', 'web.yaml');
const PROD = path.join(SHOP, 'overlays', 'prod');
const webText = (): string => fs.readFileSync(WEB, 'utf8');

const meta = (o: Readonly<Record<string, unknown>>): Record<string, unknown> => o.metadata as Record<string, unknown>;

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string): void => void lines.push(m);
  return { lines, trace: push, debug: push, info: push, warn: push, error: push };
}

function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('render: kustomize', () => {
  it('finds the nearest kustomization that includes a file, or the app root when given', async () => {
    assert.deepEqual(await findKustomizationFor(WEB).then((t) => t && { dir: t.dir, role: t.role }), { dir: path.join(SHOP, 'base'), role: 'resource' });
    const viaRoot = await findKustomizationFor(WEB, { root: PROD });
    assert.equal(viaRoot?.dir, PROD);
    assert.deepEqual([...(viaRoot?.dirs ?? [])].sort(), [path.join(SHOP, 'base'), PROD].sort());
    assert.equal((await findKustomizationFor(path.join(PROD, 'replicas.yaml')))?.role, 'patch');
    assert.equal((await findKustomizationFor(path.join(PROD, 'kustomization.yaml')))?.role, 'kustomization');
    // A manifest no kustomization refers to is plain.
    assert.equal(await findKustomizationFor(path.join(REPO_ROOT, 'test', 'fixtures', 'drift', 'desired', 'web.yaml')), undefined);
  });

  it('maps the overlay build back to the documents of the base file (namePrefix, namespace, patch)', async () => {
    const r = new KustomizeRenderer();
    const out = await r.render({ fsPath: WEB, text: webText(), root: PROD });
    assert.equal(out?.tool, 'kubectl kustomize');
    assert.equal(out?.fallback, undefined);
    assert.deepEqual(out?.documents.map((d) => [d.documentIndex, d.desired.kind, meta(d.desired).name, meta(d.desired).namespace]), [
      [0, 'Deployment', 'prod-web', 'shop-prod'],
      [1, 'Service', 'prod-web', 'shop-prod'],
    ]);
    const dep = out?.documents[0]?.desired as { spec: { replicas: number }; metadata: Record<string, unknown> };
    assert.equal(dep.spec.replicas, 3, 'the overlay patch is applied');
    assert.equal(dep.metadata.annotations, undefined, 'the injected origin annotation is stripped');
  });

  it('without a root, the nearest kustomization (the base) renders the file', async () => {
    const out = await new KustomizeRenderer().render({ fsPath: WEB, text: webText() });
    assert.deepEqual(out?.documents.map((d) => meta(d.desired).name), ['web', 'web']);
    assert.equal((out?.documents[0]?.desired as { spec: { replicas: number } }).spec.replicas, 1);
  });

  it('generated objects map to the kustomization document, with their hash-suffixed name', async () => {
    const kfile = path.join(PROD, 'kustomization.yaml');
    const out = await new KustomizeRenderer().render({ fsPath: kfile, text: fs.readFileSync(kfile, 'utf8') });
    assert.equal(out?.documents.length, 1);
    const g = out?.documents[0];
    assert.equal(g?.documentIndex, 0);
    assert.equal(g?.generatedBy, 'ConfigMapGenerator');
    assert.match(String(meta(g?.desired ?? {}).name), /^prod-flags-[a-z0-9]{10}$/);
    assert.deepEqual(g?.desired.data, { checkout: 'on' });
  });

  it('a patch file stands for no object', async () => {
    const f = path.join(PROD, 'replicas.yaml');
    assert.deepEqual(await new KustomizeRenderer().render({ fsPath: f, text: fs.readFileSync(f, 'utf8') }), { tool: 'kustomize', documents: [] });
  });

  it('renders unsaved text and never writes into the user tree', async () => {
    const before = snapshotTree(SHOP);
    const edited = webText().replace('image: shop/web:1.4.0', 'image: shop/web:2.0.0');
    const out = await new KustomizeRenderer().render({ fsPath: WEB, text: edited, root: PROD });
    const dep = out?.documents[0]?.desired as { spec: { template: { spec: { containers: { image: string }[] } } } };
    assert.equal(dep.spec.template.spec.containers[0]?.image, 'shop/web:2.0.0');
    assert.deepEqual(snapshotTree(SHOP), before);
  });

  it('caches by folder and input texts: an unchanged render does not run the tool again', async () => {
    const log = recordingLog();
    const r = new KustomizeRenderer({ log });
    const builds = (): number => log.lines.filter((l) => l.startsWith('[Render][kustomize] kubectl kustomize')).length;
    await r.render({ fsPath: WEB, text: webText(), root: PROD });
    await r.render({ fsPath: WEB, text: webText(), root: PROD });
    assert.equal(builds(), 1);
    await Promise.all([r.render({ fsPath: WEB, text: `${webText()}\n# edit\n`, root: PROD }), r.render({ fsPath: WEB, text: `${webText()}\n# edit\n`, root: PROD })]);
    assert.equal(builds(), 2, 'a changed text renders once, concurrent callers share the build');
  });

  it('tool missing: the fallback text and no documents', async () => {
    const r = new KustomizeRenderer({ findExecutable: () => Promise.resolve(undefined) });
    assert.deepEqual(await r.render({ fsPath: WEB, text: webText() }), { tool: 'kustomize', documents: [], fallback: KUSTOMIZE_NOT_FOUND });
    assert.equal(KUSTOMIZE_NOT_FOUND, 'kustomize not found: plain document');
  });

  it('build error: first line of kustomize message as fallback, the rest to the log, workspace paths', async () => {
    const log = recordingLog();
    const kfile = path.join(PROD, 'kustomization.yaml');
    const broken = fs.readFileSync(kfile, 'utf8').replace('- ../../base', '- ../../missing-base');
    const out = await new KustomizeRenderer({ log }).render({ fsPath: kfile, text: broken });
    assert.equal(out?.documents.length, 0);
    assert.match(out?.fallback ?? '', /^kubectl kustomize failed: .*missing-base/);
    assert.ok(!(out?.fallback ?? '').includes('\n'));
    assert.doesNotMatch(out?.fallback ?? '', /run\.go|command failed/, 'klog framing of kubectl is dropped');
    assert.ok(!(out?.fallback ?? '').includes('gitops-lens-kustomize-'), 'no temp path in the message');
    assert.ok(log.lines.some((l) => l.includes('missing-base') && l.startsWith('[Render][kustomize]')));
  });

  it('cancel: an aborted render rejects with AbortError', async () => {
    const ac = new AbortController();
    const p = new KustomizeRenderer().render({ fsPath: WEB, text: `${webText()}\n# cancel\n`, root: PROD, signal: ac.signal });
    ac.abort();
    await assert.rejects(p, (e: Error) => e.name === 'AbortError');
  });

});
