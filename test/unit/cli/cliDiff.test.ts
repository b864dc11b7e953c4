/**
 * `gitops-lens diff` through the exported `main`, on the fixture manifests in test/fixtures/drift
 * (read from the repo root, so the test runs the same from src and from out/), and with --context
 * against the Kubernetes API simulator through client-node.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimCluster, type SimCluster } from '../../sim/k8s/cluster';
import { REPO_ROOT } from '../../support/paths';
import { runCli } from '../../support/cliRun';
import { seedable } from '../../support/simObjects';
import { ARGO2_SYNCED_HEALTHY } from '../../fixtures/gitops/argocd';

const FIX = path.join(REPO_ROOT, 'test', 'fixtures', 'drift');
const fix = (p: string): string => path.join(FIX, p);

interface DiffJson {
  resources: { apiVersion: string; kind: string; namespace: string | null; name: string; status: string; changes: { path: string; desired: unknown; live: unknown }[] }[];
  summary: { inSync: number; drifted: number; missing: number; extra: number };
}

/** Clear-text Secret values of the fixtures, raw and base64, that no output may contain. */
const SECRETS = ['hunter2-in-git', 'hunter2-on-cluster', Buffer.from('hunter2-in-git').toString('base64'), 'aHVudGVyMi1vbi1jbHVzdGVy'];

describe('cli diff', () => {
  it('--json: drift, missing and extra with JSON Pointer paths at desired indexes; exit 1', async () => {
    const r = await runCli(['diff', '--desired', fix('desired'), '--live', fix('live'), '--json']);
    assert.equal(r.code, 1, r.err);
    const doc = JSON.parse(r.out) as DiffJson;
    assert.deepEqual(doc.summary, { inSync: 1, drifted: 2, missing: 1, extra: 1 });
    const byId = new Map(doc.resources.map((x) => [`${x.kind}/${x.name}`, x]));
    assert.deepEqual(byId.get('Deployment/web'), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
      status: 'Drifted',
      changes: [
        { path: '/spec/replicas', desired: 3, live: 5 },
        // containers are keyed by name: live lists envoy first, the path uses the desired index 0.
        { path: '/spec/template/spec/containers/0/image', desired: 'shop/web:1.4.0', live: 'shop/web:1.3.9' },
      ],
    });
    assert.equal(byId.get('Service/web')?.status, 'InSync');
    assert.equal(byId.get('ConfigMap/settings')?.status, 'Missing');
    assert.equal(byId.get('ConfigMap/leftover')?.status, 'Extra');
    const secret = byId.get('Secret/db');
    assert.equal(secret?.status, 'Drifted');
    assert.deepEqual(secret?.changes.map((c) => c.path), ['/data/password']);
    for (const s of SECRETS) assert.ok(!r.out.includes(s), `output leaks ${s}`);
  });

  it('text output: masked Secrets, colour only on a TTY', async () => {
    const plain = await runCli(['diff', '--desired', fix('desired'), '--live', fix('live')]);
    assert.equal(plain.code, 1);
    assert.match(plain.out, /^Drifted apps\/v1 Deployment shop\/web \(.*web\.yaml:2\)$/m);
    assert.match(plain.out, /~ \/spec\/replicas: 3 \(desired\) ≠ 5 \(live\)/);
    assert.match(plain.out, /^Summary: 1 in sync, 2 drifted, 1 missing, 1 extra$/m);
    assert.ok(!plain.out.includes('\u001b['), 'no ANSI codes off a TTY');
    for (const s of SECRETS) assert.ok(!plain.out.includes(s), `output leaks ${s}`);
    const tty = await runCli(['diff', '--desired', fix('desired'), '--live', fix('live')], { isTty: true });
    assert.ok(tty.out.includes('\u001b[31mDrifted'), 'Drifted in red on a TTY');
  });

  it('exit 0 when everything is in sync', async () => {
    const r = await runCli(['diff', '--desired', fix('live'), '--live', fix('live'), '--json']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual((JSON.parse(r.out) as DiffJson).summary, { inSync: 4, drifted: 0, missing: 0, extra: 0 });
  });

  it('exit 2 with file and line for bad YAML', async () => {
    const r = await runCli(['diff', '--desired', fix('bad'), '--live', fix('live')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /bad[/\\]broken\.yaml:\d+:\d+: invalid YAML/);
    assert.equal(r.out, '');
  });

  it('exit 2 for usage errors and unreadable paths', async () => {
    assert.equal((await runCli(['diff', '--desired', fix('desired')])).code, 2);
    assert.equal((await runCli(['diff', '--live', fix('live')])).code, 2);
    assert.equal((await runCli(['diff', '--desired', fix('desired'), '--live', fix('live'), '--context', 'x'])).code, 2);
    const r = await runCli(['diff', '--desired', fix('nope'), '--live', fix('live')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read .*nope: ENOENT/);
  });

  it('--ignore applies an Argo CD Application\'s ignoreDifferences (managedFieldsManagers, jq select)', async () => {
    const r = await runCli(['diff', '--desired', fix('desired/apps/web.yaml'), '--live', fix('live'), '--ignore', fix('ignore/application.yaml'), '--json']);
    const doc = JSON.parse(r.out) as DiffJson;
    assert.equal(doc.resources.find((x) => x.kind === 'Deployment')?.status, 'InSync');
    // The live Secret and leftover ConfigMap are not in this desired file: extra, so still exit 1.
    assert.deepEqual(doc.summary, { inSync: 2, drifted: 0, missing: 0, extra: 2 });
    assert.equal(r.code, 1);
  });

  it('--ignore applies a Flux Kustomization\'s spec.ignore', async () => {
    const r = await runCli(['diff', '--desired', fix('desired/apps/web.yaml'), '--live', fix('live'), '--ignore', fix('ignore/kustomization.yaml'), '--json']);
    const deploy = (JSON.parse(r.out) as DiffJson).resources.find((x) => x.kind === 'Deployment');
    // replicas is ignored; the image change is still drift.
    assert.deepEqual(deploy?.changes.map((c) => c.path), ['/spec/template/spec/containers/0/image']);
  });

  it('--ignore rejects an unsupported jq expression with exit 2 and says why', async () => {
    const r = await runCli(['diff', '--desired', fix('desired'), '--live', fix('live'), '--ignore', fix('ignore/unsupported.yaml')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /unsupported\.yaml:1: Application shop: spec\.ignoreDifferences\[0\]\.jqPathExpressions\[0\]: unsupported jqPathExpression/);
  });

  it('--argocd-cm FILE: system-level ignoreDifferences and compareoptions apply to --live files; a bad file is exit 2', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-argocd-cm-'));
    try {
      fs.writeFileSync(path.join(dir, 'argocd-cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n  resource.customizations.ignoreDifferences.apps_Deployment: |\n    jsonPointers:\n    - /spec/replicas\n');
      const r = await runCli(['diff', '--desired', fix('desired/apps/web.yaml'), '--live', fix('live'), '--argocd-cm', path.join(dir, 'argocd-cm.yaml'), '--json']);
      const deploy = (JSON.parse(r.out) as DiffJson).resources.find((x) => x.kind === 'Deployment');
      assert.deepEqual(deploy?.changes.map((c) => c.path), ['/spec/template/spec/containers/0/image']);
      fs.writeFileSync(path.join(dir, 'not-a-cm.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n');
      const bad = await runCli(['diff', '--desired', fix('desired/apps/web.yaml'), '--live', fix('live'), '--argocd-cm', path.join(dir, 'not-a-cm.yaml')]);
      assert.equal(bad.code, 2);
      assert.match(bad.err, /no ConfigMap in it \(expected argocd-cm\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('three-way and --context', () => {
    let dir: string;
    let sim: SimCluster;
    const cm = (data: Record<string, string>, lastApplied?: Record<string, string>): string =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'c',
          namespace: 'default',
          ...(lastApplied
            ? { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: lastApplied }) } }
            : {}),
        },
        data,
      });

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-diff-'));
      sim = await startSimCluster({
        objects: [
          { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 5, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'envoy', image: 'envoyproxy/envoy:v1.31.0' }, { name: 'web', image: 'shop/web:1.4.0', ports: [{ containerPort: 8080 }], resources: { limits: { cpu: '1000m', memory: '512Mi' } } }] } } } },
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
        ],
      });
      fs.writeFileSync(path.join(dir, 'kubeconfig.yaml'), sim.kubeconfig('sim'));
    });
    after(async () => {
      await sim.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('reports a field removed from Git but still live when last-applied had it', async () => {
      fs.writeFileSync(path.join(dir, 'desired.yaml'), cm({ a: '1' }));
      fs.writeFileSync(path.join(dir, 'live.yaml'), cm({ a: '1', b: '2', c: '3' }, { a: '1', b: '2' }));
      const r = await runCli(['diff', '--desired', path.join(dir, 'desired.yaml'), '--live', path.join(dir, 'live.yaml'), '--json']);
      assert.equal(r.code, 1, r.err);
      // b was applied before and deleted from Git; c was never applied (someone else's field).
      assert.deepEqual((JSON.parse(r.out) as DiffJson).resources[0]?.changes, [{ path: '/data/b', desired: null, live: '2' }]);
    });

    it('--context reads live objects with client-node; absent objects are Missing', async () => {
      const r = await runCli(['diff', '--desired', fix('desired/apps/web.yaml'), '--context', 'sim', '--kubeconfig', path.join(dir, 'kubeconfig.yaml'), '--json']);
      assert.equal(r.code, 1, r.err);
      const doc = JSON.parse(r.out) as DiffJson;
      assert.deepEqual(
        doc.resources.map((x) => [x.kind, x.status, x.changes.map((c) => c.path)]),
        [
          ['Deployment', 'Drifted', ['/spec/replicas']],
          ['Service', 'Missing', []],
        ],
      );
    });

    it('--context: a key the controller server-side applied and Git dropped is drift (managedFields); a key kubectl edit added is not', async () => {
      // The simulator keeps managedFields as the API server does: an apply as kustomize-controller, then an edit.
      const call = async (method: string, p: string, body: string, contentType: string): Promise<void> => {
        const res = await fetch(`${sim.url}${p}`, { method, headers: { authorization: `Bearer ${sim.token}`, 'content-type': contentType }, body });
        assert.ok(res.ok, `${method} ${p}: ${res.status} ${await res.text()}`);
      };
      const cmPath = '/api/v1/namespaces/shop/configmaps/flags';
      await call('PATCH', `${cmPath}?fieldManager=kustomize-controller&force=true`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flags', namespace: 'shop' }, data: { a: '1', b: '2' } }), 'application/apply-patch+yaml');
      await call('PATCH', `${cmPath}?fieldManager=kubectl-edit`, JSON.stringify({ data: { c: '3' } }), 'application/merge-patch+json');
      const live = sim.objects.get('v1', 'ConfigMap', 'shop', 'flags') as unknown as { metadata: { managedFields: { manager: string; operation: string }[] } };
      assert.deepEqual(live.metadata.managedFields.map((m) => `${m.manager} ${m.operation}`).sort(), ['kubectl-edit Update', 'kustomize-controller Apply']);
      fs.writeFileSync(path.join(dir, 'flags.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\n  namespace: shop\ndata:\n  a: "1"\n');
      const r = await runCli(['diff', '--desired', path.join(dir, 'flags.yaml'), '--context', 'sim', '--kubeconfig', path.join(dir, 'kubeconfig.yaml'), '--json']);
      assert.equal(r.code, 1, r.err);
      assert.deepEqual((JSON.parse(r.out) as DiffJson).resources.map((x) => [x.status, x.changes]), [['Drifted', [{ path: '/data/b', desired: null, live: '2' }]]]);
    });

    it('--context reads the context\'s argocd-cm: its system-level ignoreDifferences hide their fields', async () => {
      sim.objects.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', namespace: 'shop' }, data: { x: '1', y: '1' } });
      fs.writeFileSync(path.join(dir, 'limits.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: limits\n  namespace: shop\ndata:\n  x: "2"\n  y: "2"\n');
      const run = async () => {
        const r = await runCli(['diff', '--desired', path.join(dir, 'limits.yaml'), '--context', 'sim', '--kubeconfig', path.join(dir, 'kubeconfig.yaml'), '--json']);
        return (JSON.parse(r.out) as DiffJson).resources[0]?.changes.map((c) => c.path);
      };
      assert.deepEqual(await run(), ['/data/x', '/data/y']);
      if (!sim.objects.get('v1', 'Namespace', undefined, 'argocd')) sim.objects.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } });
      sim.objects.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: 'argocd' }, data: { 'resource.customizations.ignoreDifferences.ConfigMap': 'jsonPointers:\n- /data/x\n' } });
      try {
        assert.deepEqual(await run(), ['/data/y']);
      } finally {
        sim.objects.delete('v1', 'ConfigMap', 'argocd', 'argocd-cm');
      }
    });

    it('--context with an unknown context is exit 2', async () => {
      const r = await runCli(['diff', '--desired', fix('desired/apps/web.yaml'), '--context', 'nope', '--kubeconfig', path.join(dir, 'kubeconfig.yaml')]);
      assert.equal(r.code, 2);
      assert.match(r.err, /context "nope"/);
    });
  });
});

/**
 * `diff` on kustomize folders, rendered by the real `kubectl kustomize` (test/fixtures/render/shop:
 * overlays/prod adds namePrefix prod-, namespace shop-prod, a replicas patch and a configMapGenerator
 * on base/). Generated objects point at the kustomization file that configures them.
 */
describe('cli diff: rendered kustomize folders', () => {
  const R = path.join(REPO_ROOT, 'test', 'fixtures', 'render');
  const PROD = path.join(R, 'shop', 'overlays', 'prod');
  const LIVE = path.join(R, 'live', 'prod.yaml');

  it('renders the overlay: prefixed, namespaced, patched and generated objects compared with live; exit 1', async () => {
    const r = await runCli(['diff', '--desired', PROD, '--live', LIVE, '--json']);
    assert.equal(r.code, 1, r.err);
    const doc = JSON.parse(r.out) as DiffJson;
    assert.deepEqual(doc.summary, { inSync: 3, drifted: 1, missing: 0, extra: 0 });
    const dep = doc.resources.find((x) => x.kind === 'Deployment');
    assert.deepEqual(dep && [dep.namespace, dep.name, dep.status, dep.changes], [
      'shop-prod',
      'prod-web',
      'Drifted',
      // replicas 3 comes from the patch and matches; only the image drifts.
      [{ path: '/spec/template/spec/containers/0/image', desired: 'shop/web:1.4.0', live: 'shop/web:1.3.9' }],
    ]);
    assert.ok(doc.resources.some((x) => x.kind === 'ConfigMap' && /^prod-flags-[a-z0-9]{10}$/.test(x.name) && x.status === 'InSync'));
  });

  it('--desired naming a kustomization file by a relative path renders it (it never did)', async () => {
    const rel = path.relative(process.cwd(), path.join(PROD, 'kustomization.yaml'));
    assert.ok(!path.isAbsolute(rel) && rel.includes(path.sep));
    const r = await runCli(['diff', '--desired', rel, '--live', LIVE, '--json']);
    assert.equal(r.code, 1, r.err);
    const doc = JSON.parse(r.out) as DiffJson;
    assert.deepEqual(doc.summary, { inSync: 3, drifted: 1, missing: 0, extra: 0 });
    assert.ok(doc.resources.some((x) => x.kind === 'Deployment' && x.name === 'prod-web' && x.namespace === 'shop-prod'));
  });

  it('text output names the source document of each rendered object (generated ones: the kustomization)', async () => {
    const r = await runCli(['diff', '--desired', PROD, '--live', LIVE]);
    assert.equal(r.code, 1, r.err);
    const at = (kind: string, name: string): string | undefined => new RegExp(`${kind} shop-prod/${name} \\((.*)\\)$`, 'm').exec(r.out)?.[1];
    assert.equal(at('Deployment', 'prod-web'), `${path.join(R, 'shop', 'base', 'web.yaml')}:2`);
    assert.equal(at('Service', 'prod-web'), `${path.join(R, 'shop', 'base', 'web.yaml')}:24`);
    assert.equal(at('ConfigMap', 'prod-settings'), `${path.join(R, 'shop', 'base', 'settings.yaml')}:1`);
    assert.equal(at('ConfigMap', 'prod-flags-[a-z0-9]+'), `${path.join(PROD, 'kustomization.yaml')}:1`);
  });

  it('a parent folder: only top-level kustomizations render, bases are not compared twice', async () => {
    const r = await runCli(['diff', '--desired', path.join(R, 'shop'), '--live', LIVE, '--json']);
    assert.equal(r.code, 1, r.err);
    assert.deepEqual((JSON.parse(r.out) as DiffJson).summary, { inSync: 3, drifted: 1, missing: 0, extra: 0 });
  });

  it('--no-render compares the plain documents (the patch is then a Missing object of its own)', async () => {
    const r = await runCli(['diff', '--desired', PROD, '--live', LIVE, '--no-render', '--json']);
    assert.equal(r.code, 1, r.err);
    const doc = JSON.parse(r.out) as DiffJson;
    assert.deepEqual(doc.summary, { inSync: 0, drifted: 0, missing: 1, extra: 4 });
    assert.deepEqual(doc.resources.filter((x) => x.status === 'Missing').map((x) => `${x.kind}/${x.name}`), ['Deployment/web']);
  });

  it('without kustomize or kubectl on PATH: a note, then the plain documents', async () => {
    const r = await runCli(['diff', '--desired', PROD, '--live', LIVE, '--json'], { env: { PATH: path.join(R, 'no-such-bin') } });
    assert.match(r.err, /note: neither kustomize nor kubectl is on PATH: .*kustomization\.yaml and its bases are compared as plain documents/);
    assert.deepEqual((JSON.parse(r.out) as DiffJson).summary, { inSync: 0, drifted: 0, missing: 1, extra: 4 });
  });

  it('a build error is exit 2 naming the kustomization file and kustomize’s message', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-render-'));
    try {
      fs.cpSync(path.join(R, 'shop'), path.join(dir, 'shop'), { recursive: true });
      const k = path.join(dir, 'shop', 'overlays', 'prod', 'kustomization.yaml');
      fs.writeFileSync(k, fs.readFileSync(k, 'utf8').replace('- path: replicas.yaml', '- path: no-such-patch.yaml'));
      const r = await runCli(['diff', '--desired', path.join(dir, 'shop', 'overlays', 'prod'), '--live', LIVE]);
      assert.equal(r.code, 2);
      assert.match(r.err, new RegExp(`^gitops-lens: ${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: kubectl kustomize failed: .*no-such-patch\\.yaml`, 'm'));
      assert.equal(r.out, '');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * `diff --context` with manifests that name no namespace (issue 13): they land where the app deploying
 * their file puts them (the Argo CD Application's destination.namespace, read from the context as the
 * lenses read it), else in the context's namespace, else in `default`, as kubectl would.
 */
describe('cli diff --context: the namespace of a manifest without one', function () {
  this.timeout(30_000);
  let sim: SimCluster;
  let dir: string;
  const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: guestbook-config\ndata:\n  LOG_LEVEL: info\n';

  before(async () => {
    sim = await startSimCluster({
      seed: [path.join(REPO_ROOT, 'test', 'fixtures', 'sim', 'crds', 'argocd.yaml')],
      objects: [
        // Deploys apps/guestbook of https://git.example.test/org/apps.git into namespace guestbook.
        seedable(ARGO2_SYNCED_HEALTHY),
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'guestbook' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'guestbook-config', namespace: 'guestbook' }, data: { LOG_LEVEL: 'info' } },
      ],
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-diff-ns-'));
    // A clone of the app's repository (the remote as ssh; the app names it by https), on main.
    fs.mkdirSync(path.join(dir, 'clone', '.git'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'clone', '.git', 'HEAD'), 'ref: refs/heads/main\n');
    fs.writeFileSync(path.join(dir, 'clone', '.git', 'config'), '[remote "origin"]\n\turl = git@git.example.test:org/apps.git\n');
    fs.mkdirSync(path.join(dir, 'clone', 'apps', 'guestbook'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'clone', 'apps', 'guestbook', 'config.yaml'), CM);
    fs.mkdirSync(path.join(dir, 'loose'));
    fs.writeFileSync(path.join(dir, 'loose', 'config.yaml'), CM);
    fs.writeFileSync(path.join(dir, 'kubeconfig.yaml'), sim.kubeconfig('sim'));
    fs.writeFileSync(path.join(dir, 'kubeconfig-ns.yaml'), sim.kubeconfig('sim', { namespace: 'guestbook' }));
  });
  after(async () => {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const diffJson = async (file: string, kubeconfig = 'kubeconfig.yaml') => {
    const r = await runCli(['diff', '--desired', file, '--context', 'sim', '--kubeconfig', path.join(dir, kubeconfig), '--json']);
    return { code: r.code, err: r.err, resources: (JSON.parse(r.out || '{"resources":[]}') as DiffJson).resources };
  };

  it("takes the deploying app's destination namespace (was: Missing in default)", async () => {
    const r = await diffJson(path.join(dir, 'clone', 'apps', 'guestbook', 'config.yaml'));
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.resources.map((x) => [x.kind, x.namespace, x.name, x.status]), [['ConfigMap', 'guestbook', 'guestbook-config', 'InSync']]);
  });

  it("outside a clone of an app's repository: the context's namespace, else default", async () => {
    const inContext = await diffJson(path.join(dir, 'loose', 'config.yaml'), 'kubeconfig-ns.yaml');
    assert.equal(inContext.code, 0, inContext.err);
    assert.deepEqual(inContext.resources.map((x) => [x.namespace, x.status]), [['guestbook', 'InSync']]);
    const fallback = await diffJson(path.join(dir, 'loose', 'config.yaml'));
    assert.equal(fallback.code, 1, fallback.err);
    assert.deepEqual(fallback.resources.map((x) => [x.namespace, x.status]), [['default', 'Missing']]);
  });
});
