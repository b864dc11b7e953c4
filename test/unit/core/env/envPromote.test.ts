/**
 * Promote (issue 19) on repositories on disk: the edit lands in the target environment's own files
 * with everything but the edited value kept byte for byte, is checked against the target rendered
 * with it (real `kubectl kustomize`, stand-in `helm`), and a change that only a shared file could make
 * is refused, naming the file and the environments it would reach.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { promotionSummary, toFileEdits, verifyPromotion, type PromoteWhat } from '../../../../src/core/env/promote';
import { unifiedDiff } from '../../../../src/core/env/unifiedDiff';
import { RepoEnvironments, type PromoteResult } from '../../../../src/infra/env/environments';
import { pathLookup } from '../../../../src/infra/render/process';
import { Renderer } from '../../../../src/infra/render/renderer';
import { ENV_REPO_FILES, STOREFRONT_PRODUCTION, writeFakeHelm, writeRepo } from '../../../support/envRepo';

const PRODUCTION_ENV = 'apps/storefront/overlays/production/env.yaml';
const SHOP_PRODUCTION = 'clusters/production/flux-system/shop.yaml';
const file = (f: string): string => ENV_REPO_FILES[f] as string;

/** `text` with exactly these replacements, each of text found once: the rest is byte for byte the same. */
function replaced(text: string, ...pairs: Array<[string, string]>): string {
  let out = text;
  for (const [a, b] of pairs) {
    assert.equal(out.split(a).length, 2, `"${a}" occurs once`);
    out = out.replace(a, b);
  }
  return out;
}

describe('environments: promote', function () {
  this.timeout(60_000);
  const roots: string[] = [];
  let bin: string;
  before(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'env-helm-'));
    writeFakeHelm(bin);
  });
  after(() => {
    for (const d of [...roots, bin]) fs.rmSync(d, { recursive: true, force: true });
  });
  const load = async (files: Readonly<Record<string, string>> = ENV_REPO_FILES): Promise<RepoEnvironments> => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'env-promote-'));
    roots.push(dir);
    writeRepo(dir, files);
    return RepoEnvironments.load(dir, { renderer: new Renderer({ findExecutable: pathLookup(`${bin}${path.delimiter}${process.env.PATH ?? ''}`) }) });
  };
  const promote = async (envs: RepoEnvironments, app: string, from: string, to: string, what: PromoteWhat, keys?: string[]): Promise<PromoteResult> => {
    const g = envs.group(app);
    assert.ok(g.ok, app);
    const a = envs.environment(g.value, from);
    const b = envs.environment(g.value, to);
    assert.ok(a.ok && b.ok, `${from} ${to}`);
    return envs.promote(g.value, a.value, b.value, what, keys);
  };
  const edits = (r: PromoteResult): Record<string, string> => Object.fromEntries(r.plan.edits.map((e) => [e.path, e.after]));
  const allVerified = (r: PromoteResult): void => assert.deepEqual(r.verified.filter((v) => !v.ok).map((v) => [v.change.label, v.actual]), []);

  it('an image tag: the overlay’s images: entry, only the tag’s text changed, checked in the render', async () => {
    const r = await promote(await load(), 'storefront', 'staging', 'production', 'image');
    assert.deepEqual(r.plan.refused, []);
    assert.deepEqual(edits(r), { [STOREFRONT_PRODUCTION]: replaced(file(STOREFRONT_PRODUCTION), ['newTag: "2.4.0"', 'newTag: "2.5.1"']) });
    assert.deepEqual(r.plan.changes.map((c) => [c.what, c.label, c.before, c.after]), [['image', 'image registry.example.com/acme/storefront', 'registry.example.com/acme/storefront:2.4.0', 'registry.example.com/acme/storefront:2.5.1']]);
    assert.deepEqual(r.verified.map((v) => [v.ok, v.actual]), [[true, 'registry.example.com/acme/storefront:2.5.1']]);
    // The shape the PR flow takes (core/pr/ports.ts FileEdit).
    assert.deepEqual(toFileEdits(r.plan), [{ path: STOREFRONT_PRODUCTION, content: edits(r)[STOREFRONT_PRODUCTION], before: file(STOREFRONT_PRODUCTION) }]);
    assert.match(promotionSummary(r.plan, 'storefront'), /^Promote \*\*storefront\*\* from \*\*overlays\/staging\*\* to \*\*overlays\/production\*\*\.\n\n- image registry\.example\.com\/acme\/storefront: 2\.4\.0 → 2\.5\.1 \(apps\/storefront\/overlays\/production\/kustomization\.yaml\)$/);
  });

  it('the whole overlay difference: replicas entry, the patch file’s value, and a new patch for what production has no place for', async () => {
    const r = await promote(await load(), 'storefront', 'staging', 'production', 'all');
    assert.deepEqual(r.plan.refused, []);
    allVerified(r);
    assert.deepEqual(r.plan.changes.map((c) => [c.what, c.label, c.file]), [
      ['image', 'image registry.example.com/acme/storefront', STOREFRONT_PRODUCTION],
      ['replicas', 'replicas storefront', STOREFRONT_PRODUCTION],
      ['field', 'Deployment storefront LOG_LEVEL', PRODUCTION_ENV],
      ['field', 'Deployment storefront FEATURE_CHECKOUT_V2', STOREFRONT_PRODUCTION],
    ]);
    const after = edits(r);
    assert.equal(after[PRODUCTION_ENV], replaced(file(PRODUCTION_ENV), ['value: warn # quiet in production', 'value: debug # quiet in production']));
    assert.equal(
      after[STOREFRONT_PRODUCTION],
      replaced(
        file(STOREFRONT_PRODUCTION),
        ['newTag: "2.4.0"', 'newTag: "2.5.1"'],
        ['count: 3 #', 'count: 5 #'],
        [
          '  - path: env.yaml\n',
          `  - path: env.yaml
  - patch: |
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: storefront
      spec:
        template:
          spec:
            containers:
            - name: web
              env:
              - name: FEATURE_CHECKOUT_V2
                value: "true"
`,
        ],
      ),
    );
    // Nothing outside production's own folder.
    assert.deepEqual(Object.keys(after).sort(), [PRODUCTION_ENV, STOREFRONT_PRODUCTION].sort());
  });

  it('an overlay without images: gets one, and the render confirms it', async () => {
    const files = { ...ENV_REPO_FILES, [STOREFRONT_PRODUCTION]: file(STOREFRONT_PRODUCTION).replace(/images:\n.*\n.*\n/, '') };
    const r = await promote(await load(files), 'storefront', 'staging', 'production', 'image');
    allVerified(r);
    assert.equal(
      edits(r)[STOREFRONT_PRODUCTION],
      replaced(files[STOREFRONT_PRODUCTION], ['  - path: env.yaml\n', '  - path: env.yaml\nimages:\n  - name: registry.example.com/acme/storefront\n    newTag: 2.5.1\n']),
    );
  });

  it('refuses to edit the base by surprise: says which file, and which environments it would reach', async () => {
    const files = {
      ...ENV_REPO_FILES,
      // qa deploys the base itself: it has no kustomization of its own.
      'clusters/qa/argocd/storefront.yaml': file('clusters/staging/argocd/storefront.yaml').replace('apps/storefront/overlays/staging', 'apps/storefront/base'),
    };
    const r = await promote(await load(files), 'storefront', 'staging', 'qa', 'image');
    assert.deepEqual(r.plan.edits, []);
    assert.deepEqual(r.plan.refused, [
      {
        label: 'image registry.example.com/acme/storefront',
        reason:
          'base has no kustomization of its own: apps/storefront/base is built by overlays/production, overlays/staging too. An image change can only be made in apps/storefront/base/kustomization.yaml, where it would reach them as well; not changed.',
        sharedFile: 'apps/storefront/base/kustomization.yaml',
        reaches: ['overlays/production', 'overlays/staging'],
      },
    ]);
  });

  it('Helm values: each key where the target keeps it, values files and manifest kept byte for byte', async () => {
    const r = await promote(await load(), 'shop', 'staging', 'production', 'values');
    assert.deepEqual(r.plan.refused, []);
    allVerified(r);
    assert.deepEqual(r.plan.changes.map((c) => [c.label, c.before, c.after, c.file]), [
      // Staging sets it in its values file: production's values file gets it.
      ['replicaCount', 1, 2, 'charts/shop/values-production.yaml'],
      ['image.tag', '1.1.0', '1.2.0', 'charts/shop/values-production.yaml'],
      ['ingress.host', 'shop.example.com', 'shop.staging.example.com', SHOP_PRODUCTION],
    ]);
    assert.equal(
      edits(r)['charts/shop/values-production.yaml'],
      replaced(file('charts/shop/values-production.yaml'), ['tag: "1.1.0" # released 2024-05-02\n', 'tag: "1.2.0" # released 2024-05-02\nreplicaCount: 2\n']),
    );
    assert.equal(edits(r)[SHOP_PRODUCTION], replaced(file(SHOP_PRODUCTION), ['host: shop.example.com # public name', 'host: shop.staging.example.com # public name']));
    assert.equal(edits(r)['charts/shop/values.yaml'], undefined, 'the shared defaults are not touched');
  });

  it('each carried change names the key that picks it alone again (the editor’s pick of what to carry)', async () => {
    const envs = await load();
    for (const [app, what] of [['storefront', 'all'], ['shop', 'values']] as const) {
      const all = await promote(envs, app, 'staging', 'production', what);
      assert.ok(all.plan.changes.length >= 3, `${app}: ${all.plan.changes.length} changes`);
      for (const c of all.plan.changes) {
        assert.ok(c.key, `${app} ${c.label} has no key`);
        const one = await promote(envs, app, 'staging', 'production', what, [c.key]);
        assert.deepEqual(one.plan.changes.map((x) => x.label), [c.label], `${app}: key ${c.key}`);
      }
    }
  });

  it('--only image on a Helm app carries image keys only; a chosen key list narrows it further', async () => {
    const r = await promote(await load(), 'shop', 'staging', 'production', 'image');
    assert.deepEqual(r.plan.changes.map((c) => c.label), ['image.tag']);
    const k = await promote(await load(), 'shop', 'staging', 'production', 'values', ['ingress']);
    assert.deepEqual(k.plan.changes.map((c) => c.label), ['ingress.host']);
  });

  it('a chart version: the HelmRelease’s spec.chart.spec.version, quotes and comment kept', async () => {
    const nginx = 'clusters/production/flux-system/ingress-nginx.yaml';
    const r = await promote(await load(), 'ingress-nginx', 'staging', 'production', 'chart');
    assert.deepEqual(edits(r), { [nginx]: replaced(file(nginx), ['version: "4.11.3" # pinned', 'version: "4.12.0" # pinned']) });
    const local = await promote(await load(), 'shop', 'staging', 'production', 'chart');
    assert.deepEqual([local.plan.edits, local.plan.refused], [[], []]);
    assert.match(local.plan.notes[0] as string, /use the chart in charts\/shop: its version is its Chart\.yaml's, one file for every environment/);
  });

  it('ApplicationSet siblings: the version in the target’s list element; values only a shared template holds are refused', async () => {
    const files = {
      'argocd/podinfo.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: podinfo
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - cluster: dev
            version: 6.7.1 # tried in dev first
            replicas: 1
          - cluster: prod
            version: 6.6.0 # what prod runs
            replicas: 1
  template:
    metadata:
      name: 'podinfo-{{ .cluster }}'
    spec:
      project: default
      source:
        repoURL: https://stefanprodan.github.io/podinfo
        chart: podinfo
        targetRevision: '{{ .version }}'
        helm:
          valuesObject:
            ui:
              message: 'hello {{ .cluster }}'
      destination:
        name: '{{ .cluster }}'
        namespace: podinfo
`,
    };
    const envs = await load(files);
    const r = await promote(envs, 'podinfo', 'dev', 'prod', 'all');
    assert.deepEqual(edits(r), { 'argocd/podinfo.yaml': replaced(files['argocd/podinfo.yaml'], ['version: 6.6.0 # what prod runs', 'version: 6.7.1 # what prod runs']) });
    assert.deepEqual(r.plan.refused.map((x) => [x.label, x.sharedFile, x.reaches]), [['ui.message', 'argocd/podinfo.yaml', ['dev']]]);
    assert.match(r.plan.refused[0]?.reason ?? '', /^prod has no values of its own to set it in: it comes from argocd\/podinfo\.yaml, which dev read too\. The change can only be made there/);
  });

  it('Argo CD chart apps with values from the repository ($values): targetRevision and the environment’s values file', async () => {
    const app = (env: string, version: string): string => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: podinfo
  namespace: argocd
spec:
  project: default
  sources:
    - repoURL: https://stefanprodan.github.io/podinfo
      chart: podinfo
      targetRevision: ${version} # chart version
      helm:
        valueFiles:
          - $values/envs/${env}/podinfo.yaml
    - repoURL: https://git.example.com/acme/gitops.git
      targetRevision: main
      ref: values
  destination:
    server: https://kubernetes.default.svc
    namespace: podinfo
`;
    const files = {
      'clusters/dev/podinfo.yaml': app('dev', '6.7.1'),
      'clusters/prod/podinfo.yaml': app('prod', '6.6.0'),
      'envs/dev/podinfo.yaml': 'ui:\n  message: hello # dev\n',
      'envs/prod/podinfo.yaml': 'ui:\n  message: welcome # prod\n',
    };
    const r = await promote(await load(files), 'podinfo', 'dev', 'prod', 'all');
    assert.deepEqual(r.plan.refused, []);
    allVerified(r);
    assert.deepEqual(edits(r), {
      'clusters/prod/podinfo.yaml': replaced(files['clusters/prod/podinfo.yaml'], ['targetRevision: 6.6.0 # chart version', 'targetRevision: 6.7.1 # chart version']),
      'envs/prod/podinfo.yaml': replaced(files['envs/prod/podinfo.yaml'], ['message: welcome # prod', 'message: hello # prod']),
    });
  });

  it('a shared values file above the target’s own: the value goes into the manifest’s own values, which win over files', async () => {
    const app = (env: string, files: string[]): string => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/acme/gitops.git
    path: charts/shop
    helm:
      valueFiles:
${files.map((f) => `        - ${f}\n`).join('')}      values: |
        ingress:
          host: ${env}.example.com
  destination:
    server: https://kubernetes.default.svc
    namespace: shop
`;
    const files = {
      ...Object.fromEntries(Object.entries(ENV_REPO_FILES).filter(([f]) => !f.startsWith('clusters/'))),
      'charts/shop/pinned.yaml': 'replicaCount: 1 # every environment\n',
      // Staging reads the pinned file first (its own values win), production last (the pinned file wins).
      'clusters/staging/shop.yaml': app('staging', ['pinned.yaml', 'values-staging.yaml']),
      'clusters/production/shop.yaml': app('production', ['values-production.yaml', 'pinned.yaml']),
    };
    const r = await promote(await load(files), 'shop', 'staging', 'production', 'values');
    assert.deepEqual(r.plan.refused, []);
    allVerified(r);
    assert.deepEqual(r.plan.changes.map((c) => [c.label, c.file, c.pointer]), [
      ['replicaCount', 'clusters/production/shop.yaml', '/spec/source/helm/valuesObject/replicaCount'],
      ['image.tag', 'charts/shop/values-production.yaml', '/image/tag'],
      // helm.values is a string of YAML: never edited in place; valuesObject wins over it.
      ['ingress.host', 'clusters/production/shop.yaml', '/spec/source/helm/valuesObject/ingress/host'],
    ]);
    assert.equal(edits(r)['charts/shop/pinned.yaml'], undefined);
    assert.equal(
      edits(r)['clusters/production/shop.yaml'],
      replaced(files['clusters/production/shop.yaml'], ['          host: production.example.com\n', '          host: production.example.com\n      valuesObject:\n        replicaCount: 2\n        ingress:\n          host: staging.example.com\n']),
    );
  });

  it('a shared values file that wins, and no own values above it: refused, nothing written for that key', async () => {
    const files = {
      ...Object.fromEntries(Object.entries(ENV_REPO_FILES).filter(([f]) => !f.startsWith('clusters/'))),
      'charts/shop/pinned.yaml': 'replicaCount: 1 # every environment\n',
      'argocd/shop.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: shop
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - env: staging
            first: pinned.yaml
            last: values-staging.yaml
          - env: production
            first: values-production.yaml
            last: pinned.yaml
  template:
    metadata:
      name: 'shop-{{env}}'
    spec:
      project: default
      source:
        repoURL: https://git.example.com/acme/gitops.git
        path: charts/shop
        helm:
          valueFiles:
            - '{{first}}'
            - '{{last}}'
      destination:
        name: '{{env}}'
        namespace: shop
`,
    };
    const r = await promote(await load(files), 'shop', 'staging', 'production', 'values');
    assert.deepEqual(r.plan.changes.map((c) => c.label), ['image.tag']);
    assert.deepEqual(r.plan.refused.map((x) => [x.label, x.sharedFile, x.reaches]), [['replicaCount', 'charts/shop/pinned.yaml', ['staging']]]);
    assert.match(r.plan.refused[0]?.reason ?? '', /^set again in charts\/shop\/pinned\.yaml, which takes precedence over production's own values and is read by staging too; not changed\.$/);
    assert.ok(!Object.values(edits(r)).some((t) => t.includes('replicaCount')), 'no dead write of the key into production’s own file');
  });

  it('plain folders (no kustomize, no Helm): the image tag in the target’s own Deployment manifest, the rest of the file byte for byte', async () => {
    const deployment = (tag: string, replicas: number, note: string): string => `# ${note}
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-settings
data:
  mode: normal
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: ${replicas} # sized for this environment
  template:
    spec:
      containers:
        - name: migrate
          image: registry.example.com/acme/migrate:1.0.0
        - name: api
          image: "registry.example.com/acme/api:${tag}"   # released by CI
          ports:
            - containerPort: 8080
`;
    const files = {
      'apps/api/staging/deployment.yaml': deployment('3.1.0', 1, 'Staging'),
      'apps/api/production/deployment.yaml': deployment('3.0.2', 4, 'Production'),
      'apps/api/production/README.md': 'not a manifest\n',
      'argocd/api.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: api
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - env: staging
          - env: production
  template:
    metadata:
      name: 'api-{{env}}'
    spec:
      project: default
      source:
        repoURL: https://git.example.com/acme/gitops.git
        targetRevision: main
        path: 'apps/api/{{env}}'
      destination:
        name: '{{env}}'
        namespace: api
`,
    };
    const envs = await load(files);
    const image = await promote(envs, 'api', 'staging', 'production', 'image');
    assert.deepEqual(image.plan.refused, []);
    allVerified(image);
    assert.deepEqual(image.plan.changes.map((c) => [c.what, c.label, c.file, c.before, c.after]), [
      ['image', 'Deployment api image registry.example.com/acme/api', 'apps/api/production/deployment.yaml', 'registry.example.com/acme/api:3.0.2', 'registry.example.com/acme/api:3.1.0'],
    ]);
    assert.deepEqual(edits(image), {
      'apps/api/production/deployment.yaml': replaced(files['apps/api/production/deployment.yaml'], ['acme/api:3.0.2"   # released by CI', 'acme/api:3.1.0"   # released by CI']),
    });
    // Checked in the folder as it would be read with the edit: the api container runs the new tag.
    assert.deepEqual(image.verified.map((v) => [v.ok, v.actual]), [[true, 'registry.example.com/acme/api:3.1.0']]);
    // The whole difference: still only the tag; the replica count is named as left to the person editing.
    const all = await promote(envs, 'api', 'staging', 'production', 'all');
    assert.deepEqual(all.plan.edits, image.plan.edits);
    assert.ok(all.plan.notes.some((n) => /plain folder: only image tags are carried; edit Deployment api replicas by hand/.test(n)), JSON.stringify(all.plan.notes));
  });

  it('Secret values and generator output are never written', async () => {
    const files = {
      ...ENV_REPO_FILES,
      'apps/storefront/overlays/staging/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: storefront-db\nstringData:\n  password: staging-password\n',
      'apps/storefront/overlays/staging/kustomization.yaml': `${file('apps/storefront/overlays/staging/kustomization.yaml')}  - path: secret.yaml\nconfigMapGenerator:\n  - name: flags\n    literals:\n      - checkout=v2\n`,
      [STOREFRONT_PRODUCTION]: `${file(STOREFRONT_PRODUCTION)}configMapGenerator:\n  - name: flags\n    literals:\n      - checkout=v1\n`,
    };
    const r = await promote(await load(files), 'storefront', 'staging', 'production', 'values');
    const refused = r.plan.refused.map((x) => [x.label, x.reason]);
    assert.ok(refused.some(([l, why]) => l === 'Secret storefront-db password' && /is masked: copy it by hand/.test(why as string)), JSON.stringify(refused));
    assert.ok(refused.some(([l, why]) => l === 'ConfigMap flags checkout' && /made by a kustomize generator/.test(why as string)), JSON.stringify(refused));
    assert.ok(!JSON.stringify(r.plan).includes('staging-password'));
  });

  it('verifyPromotion: a change the target’s render does not show is not confirmed', () => {
    const steps = [{ field: 'spec' }, { field: 'replicas' }];
    const change = { what: 'replicas' as const, label: 'replicas web', before: 3, after: 5, file: 'k.yaml', pointer: '/replicas/0/count', expect: { type: 'field' as const, group: 'apps', kind: 'Deployment', name: 'web', steps, value: 5 } };
    const obj = (replicas: number) => ({ desired: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'prod-web' }, spec: { replicas } } });
    const names = { prefixes: ['prod-'], suffixes: [], namespaces: [] };
    assert.deepEqual(verifyPromotion({ changes: [change] }, { objects: [obj(5)], names }).map((v) => [v.ok, v.actual]), [[true, 5]]);
    assert.deepEqual(verifyPromotion({ changes: [change] }, { objects: [obj(3)], names }).map((v) => [v.ok, v.actual]), [[false, 3]]);
    assert.deepEqual(verifyPromotion({ changes: [change] }, { objects: [], names }).map((v) => v.ok), [false]);
  });

  it('unifiedDiff: what it prints, git apply turns the old text into the new (any texts)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'env-udiff-'));
    roots.push(dir);
    execFileSync('git', ['init', '-q'], { cwd: dir });
    const line = fc.constantFrom('a', 'b', 'c', '# comment', '  - x', '');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 25 }), fc.array(line, { maxLength: 25 }), fc.boolean(), fc.boolean(), (a, b, na, nb) => {
        const before = a.join('\n') + (na && a.length > 0 ? '\n' : '');
        const after = b.join('\n') + (nb && b.length > 0 ? '\n' : '');
        const diff = unifiedDiff('f.yaml', before, after);
        if (before === after) return diff === '';
        fs.writeFileSync(path.join(dir, 'f.yaml'), before);
        fs.writeFileSync(path.join(dir, 'p.diff'), diff);
        execFileSync('git', ['apply', '--unidiff-zero', 'p.diff'], { cwd: dir, stdio: 'pipe' });
        return fs.readFileSync(path.join(dir, 'f.yaml'), 'utf8') === after;
      }),
      { numRuns: 150 },
    );
    assert.equal(unifiedDiff('x.yaml', 'a\nb\nc\n', 'a\nB\nc\n'), '--- a/x.yaml\n+++ b/x.yaml\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
  });
});
