/**
 * `gitops-lens envs`, `compare` and `promote` (issue 19), run in-process as a terminal would: on a
 * repository written to disk (real `kubectl kustomize`, stand-in `helm`), and on the demo (its two
 * simulated clusters read with `--context` for revisions, sync, health and what is pending).
 */
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { StaleFileError, writeRepoEdits } from '../../../src/infra/env/repoScan';
import { RepoFileError } from '../../../src/infra/repoFiles';
import { startDemoEnvironment, type DemoEnvironment } from '../../sim/demo/environment';
import { runCli } from '../../support/cliRun';
import { ENV_REPO_FILES, STOREFRONT_PRODUCTION, commitRepo, gitEnv, writeFakeHelm, writeRepo } from '../../support/envRepo';

describe('cli: envs, compare, promote', function () {
  this.timeout(60_000);
  const roots: string[] = [];
  let bin: string;
  before(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'env-cli-helm-'));
    writeFakeHelm(bin);
  });
  after(() => {
    for (const d of [...roots, bin]) fs.rmSync(d, { recursive: true, force: true });
  });
  const repo = (files: Readonly<Record<string, string>> = ENV_REPO_FILES): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'env-cli-'));
    roots.push(dir);
    writeRepo(dir, files);
    commitRepo(dir);
    return dir;
  };
  const cli = (args: string[]) => runCli(args, { env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` } });
  const read = (dir: string, f: string): string => fs.readFileSync(path.join(dir, f), 'utf8');

  it('promote --dry-run prints a unified diff with repository paths that git apply takes; nothing is written', async () => {
    const dir = repo();
    const r = await cli(['promote', '--repo', dir, '--app', 'storefront', '--from', 'overlays/staging', '--to', 'production', '--only', 'image', '--dry-run']);
    assert.equal(r.code, 0, r.err);
    assert.equal(
      r.out,
      `--- a/${STOREFRONT_PRODUCTION}
+++ b/${STOREFRONT_PRODUCTION}
@@ -6,7 +6,7 @@
 namePrefix: prod-
 images:
   - name: registry.example.com/acme/storefront # last release
-    newTag: "2.4.0"   # keep quoted
+    newTag: "2.5.1"   # keep quoted
 replicas:
   - name: storefront
     count: 3 # peak traffic needs 3
`,
    );
    assert.equal(r.err, `promote storefront: overlays/staging → overlays/production\n  image registry.example.com/acme/storefront: 2.4.0 → 2.5.1 (${STOREFRONT_PRODUCTION})\n`);
    assert.equal(read(dir, STOREFRONT_PRODUCTION), ENV_REPO_FILES[STOREFRONT_PRODUCTION]);
    fs.writeFileSync(path.join(dir, 'promote.diff'), r.out);
    execFileSync('git', ['apply', '--check', 'promote.diff'], { cwd: dir, env: gitEnv() });
  });

  it('promote writes the files, and the same promotion again has nothing left to do', async () => {
    const dir = repo();
    const dry = await cli(['promote', '--repo', dir, '--app', 'shop', '--from', 'staging', '--to', 'production', '--dry-run']);
    const r = await cli(['promote', '--repo', dir, '--app', 'shop', '--from', 'staging', '--to', 'production']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, [
      'promote shop: staging → production',
      '  replicaCount: 1 → 2 (charts/shop/values-production.yaml)',
      '  image.tag: 1.1.0 → 1.2.0 (charts/shop/values-production.yaml)',
      '  ingress.host: shop.example.com → shop.staging.example.com (clusters/production/flux-system/shop.yaml)',
      'wrote charts/shop/values-production.yaml',
      'wrote clusters/production/flux-system/shop.yaml',
      '',
    ].join('\n'));
    // What was written is what the dry run showed.
    const other = repo();
    fs.writeFileSync(path.join(other, 'p.diff'), dry.out);
    execFileSync('git', ['apply', 'p.diff'], { cwd: other, env: gitEnv() });
    for (const f of ['charts/shop/values-production.yaml', 'clusters/production/flux-system/shop.yaml']) assert.equal(read(other, f), read(dir, f), f);
    const again = await cli(['promote', '--repo', dir, '--app', 'shop', '--from', 'staging', '--to', 'production']);
    assert.deepEqual([again.code, again.out, again.err], [0, '', 'nothing to promote: production already has what staging has\n']);
  });

  it('a change only the base could make: exit 1, the reason on stderr, nothing written', async () => {
    const dir = repo({
      ...ENV_REPO_FILES,
      'clusters/qa/argocd/storefront.yaml': (ENV_REPO_FILES['clusters/staging/argocd/storefront.yaml'] as string).replace('apps/storefront/overlays/staging', 'apps/storefront/base'),
    });
    const r = await cli(['promote', '--repo', dir, '--app', 'storefront', '--from', 'staging', '--to', 'qa', '--only', 'image']);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /^not carried: image registry\.example\.com\/acme\/storefront: base has no kustomization of its own: apps\/storefront\/base is built by overlays\/production, overlays\/staging too\. An image change can only be made in apps\/storefront\/base\/kustomization\.yaml, where it would reach them as well; not changed\.\n$/);
    assert.equal(execFileSync('git', ['status', '--porcelain'], { cwd: dir, env: gitEnv(), encoding: 'utf8' }), '');
  });

  it('usage and lookup errors exit 2 and say what exists', async () => {
    const dir = repo();
    const cases: Array<[string[], RegExp]> = [
      [['promote', '--app', 'storefront', '--from', 'a', '--to', 'b'], /^gitops-lens: needs --repo DIR\n\nUsage:/],
      [['promote', '--repo', dir, '--app', 'storefront', '--from', 'staging', '--to', 'production', '--only', 'tags'], /--only takes image, chart or values, not "tags"/],
      [['promote', '--repo', dir, '--app', 'storefront', '--from', 'staging'], /needs --app NAME --from ENV --to ENV/],
      [['promote', '--repo', dir, '--app', 'storefront', '--from', 'staging', '--to', 'qa'], /^gitops-lens: storefront has no environment "qa" \(environments: overlays\/production, overlays\/staging\)\n$/],
      [['promote', '--repo', dir, '--app', 'web', '--from', 'staging', '--to', 'qa'], /^gitops-lens: no app "web" in the repository \(apps: ingress-nginx, shop, storefront\)\n$/],
      [['promote', '--repo', dir, '--app', 'shop', '--from', 'staging', '--to', 'staging'], /--from and --to name the same environment \(staging\)/],
      [['envs', '--repo', path.join(dir, 'missing')], /cannot read .*missing: no such folder/],
    ];
    for (const [args, want] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, want, args.join(' '));
    }
  });

  it('envs lists every app with its environments; --json for scripts', async () => {
    const dir = repo();
    const r = await cli(['envs', '--repo', dir, '--app', 'storefront']);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.match(lines[0] as string, /^APP\s+ENVIRONMENT\s+CLUSTER\s+DEPLOYED BY\s+SOURCE\s+REVISION\s+SYNC\s+HEALTH$/);
    assert.match(lines[1] as string, /^storefront\s+overlays\/production\s+production\s+Application argocd\/storefront\s+apps\/storefront\/overlays\/production\s+-\s+Unknown\s+Unknown$/);
    assert.equal(lines.length, 3);
    const json = JSON.parse((await cli(['envs', '--repo', dir, '--json'])).out) as { apps: Array<{ name: string; environments: Array<{ name: string; cluster: string; manifest: { file: string } }> }> };
    assert.deepEqual(json.apps.map((a) => [a.name, a.environments.map((e) => `${e.name}@${e.cluster}:${e.manifest.file}`)]), [
      ['ingress-nginx', ['production@production:clusters/production/flux-system/ingress-nginx.yaml', 'staging@staging:clusters/staging/flux-system/ingress-nginx.yaml']],
      ['shop', ['production@production:clusters/production/flux-system/shop.yaml', 'staging@staging:clusters/staging/flux-system/shop.yaml']],
      ['storefront', ['overlays/production@production:clusters/production/argocd/storefront.yaml', 'overlays/staging@staging:clusters/staging/argocd/storefront.yaml']],
    ]);
  });

  it('compare: exit 1 with the differences, 0 when two environments match', async () => {
    const dir = repo({
      ...ENV_REPO_FILES,
      'infrastructure/redis/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: redis\ndata:\n  maxmemory: 64mb\n',
      'clusters/staging/redis.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: redis\n  namespace: flux-system\nspec:\n  path: ./infrastructure/redis\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
    });
    fs.copyFileSync(path.join(dir, 'clusters/staging/redis.yaml'), path.join(dir, 'clusters/production/redis.yaml'));
    const r = await cli(['compare', '--repo', dir, '--app', 'storefront', '--from', 'staging', '--to', 'production']);
    assert.equal(r.code, 1, r.err);
    assert.equal(
      r.out,
      [
        'overlays/production is 4 fields behind overlays/staging: image 2.4.0 → 2.5.1, replicas 3 → 5, LOG_LEVEL warn → debug, +1 more',
        '  ~ Deployment prod-storefront',
        '      replicas (/spec/replicas): 3 in overlays/production, 5 in overlays/staging',
        '      LOG_LEVEL (/spec/template/spec/containers/0/env/0/value): warn in overlays/production, debug in overlays/staging',
        '      FEATURE_CHECKOUT_V2 (/spec/template/spec/containers/0/env/1): (none) in overlays/production, true in overlays/staging',
        '      image (/spec/template/spec/containers/0/image): 2.4.0 in overlays/production, 2.5.1 in overlays/staging',
        '',
      ].join('\n'),
    );
    const same = await cli(['compare', '--repo', dir, '--app', 'redis', '--from', 'staging', '--to', 'production']);
    assert.deepEqual([same.code, same.out], [0, 'production matches staging\n']);
    const json = JSON.parse((await cli(['compare', '--repo', dir, '--app', 'ingress-nginx', '--from', 'staging', '--to', 'production', '--json'])).out) as { extra: unknown };
    assert.deepEqual(json.extra, [{ field: 'chart', from: '4.12.0', to: '4.11.3' }, { field: 'controller.replicaCount', from: 1, to: 2 }]);
  });

  it('writeRepoEdits: refuses a file changed since the plan, and a path out of the repository', () => {
    const dir = repo();
    const before = read(dir, STOREFRONT_PRODUCTION);
    assert.throws(() => writeRepoEdits(dir, [{ path: STOREFRONT_PRODUCTION, before: `${before}# edited meanwhile\n`, after: 'x' }]), StaleFileError);
    assert.equal(read(dir, STOREFRONT_PRODUCTION), before);
    assert.throws(() => writeRepoEdits(dir, [{ path: '../outside.yaml', before: '', after: 'x' }]), RepoFileError);
    fs.symlinkSync(os.tmpdir(), path.join(dir, 'out'));
    assert.throws(() => writeRepoEdits(dir, [{ path: 'out/x.yaml', before: '', after: 'x' }]));
  });
});

describe('cli: environments of the demo, with its clusters', function () {
  this.timeout(180_000);
  let root: string;
  let env: DemoEnvironment;
  let bin: string;
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'env-cli-demo-'));
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'env-cli-helm-'));
    writeFakeHelm(bin);
    env = await startDemoEnvironment(root);
  });
  after(async () => {
    await env?.stop();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(bin, { recursive: true, force: true });
  });
  const cli = (args: string[]) =>
    runCli([...args, '--context', 'staging', '--context', 'production'], { env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, KUBECONFIG: env.kubeconfigFiles.join(path.delimiter), HOME: root } });

  it('envs: revision each cluster runs, sync, health and what is pending where', async () => {
    const r = await cli(['envs', '--repo', env.workspace, '--app', 'storefront']);
    assert.equal(r.code, 0, r.err);
    const head = (await promisify(execFile)('git', ['-C', env.workspace, 'rev-parse', '--short=7', 'HEAD'])).stdout.trim();
    const bootstrap = (await promisify(execFile)('git', ['-C', env.workspace, 'rev-parse', '--short=7', 'HEAD~2'])).stdout.trim();
    const rows = r.out.trimEnd().split('\n').slice(1).map((l) => l.split(/\s{2,}/));
    // Production runs the bootstrap; of the two commits since, one (the base change) is its.
    assert.deepEqual(rows.map((c) => [c[1], c[2], c[5], c[6], c[7], c[8]]), [
      ['overlays/production', 'production', `main@${bootstrap}`, 'OutOfSync', 'Healthy', '1 (2 on main)'],
      ['overlays/staging', 'staging', `main@${head}`, 'Synced', 'Healthy', '0'],
    ]);
    const json = JSON.parse((await cli(['envs', '--repo', env.workspace, '--app', 'storefront', '--json'])).out) as { apps: Array<{ environments: Array<{ pending: { touchingCommits: Array<{ subject: string }> } }> }> };
    assert.deepEqual(json.apps[0]?.environments[0]?.pending.touchingCommits.map((c) => c.subject), ['storefront: structured logs in every environment']);
  });

  it('compare: commits and fields behind, as the issue puts it', async () => {
    const r = await cli(['compare', '--repo', env.workspace, '--app', 'storefront', '--from', 'staging', '--to', 'production']);
    assert.equal(r.code, 1, r.err);
    assert.equal(r.out.split('\n')[0], 'overlays/production is 2 commits and 2 fields behind overlays/staging: image 2.4.0 → 2.5.1, replicas 3 → 5');
  });

  it('promote --dry-run: the production overlay only, comments kept', async () => {
    const r = await cli(['promote', '--repo', env.workspace, '--app', 'storefront', '--from', 'staging', '--to', 'production', '--dry-run']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^--- a\/apps\/storefront\/overlays\/production\/kustomization\.yaml\n\+\+\+ b\/apps\/storefront\/overlays\/production\/kustomization\.yaml\n/);
    assert.match(r.out, /\n   - name: registry\.example\.com\/acme\/storefront # the release customers run\n-    newTag: "2\.4\.0"\n\+    newTag: "2\.5\.1"\n/);
    assert.match(r.out, /\n-    count: 3\n\+    count: 5\n/);
    const nginx = await cli(['promote', '--repo', env.workspace, '--app', 'ingress-nginx', '--from', 'staging', '--to', 'production', '--only', 'chart', '--dry-run']);
    assert.match(nginx.out, /\n-      version: "4\.11\.3"\n\+      version: "4\.12\.0"\n/);
  });
});
