/**
 * Honesty suite: the real kubectl (v1.32, /usr/bin/kubectl) against the simulator, with a kubeconfig
 * the simulator wrote. kubectl must see no difference from a cluster. HOME is a fresh temp dir per
 * cluster so kubectl's discovery/OpenAPI cache never leaks between runs.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SimCluster } from './cluster';
import { startSimCluster } from './cluster';
import { call, cm, crdFixtures, repoRoot } from './testKit';

const KUBECTL = '/usr/bin/kubectl';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

const deployment = (replicas: number, image = 'nginx:1.27'): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ${image}
          ports:
            - containerPort: 80
`;

describe('k8s simulator: real kubectl', function () {
  this.timeout(120_000);
  let sim: SimCluster;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const kubectl = (args: string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> => run(KUBECTL, args, { env: { ...env, ...extraEnv }, ...(input !== undefined ? { input } : {}) });

  before(async () => {
    sim = await startSimCluster({
      seed: [crdFixtures()],
      objects: [{
        apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'guestbook', namespace: 'argocd' },
        spec: { project: 'default', destination: { namespace: 'guestbook', server: 'https://kubernetes.default.svc' }, source: { repoURL: 'https://git.example/repo.git', path: 'guestbook' } },
        status: { sync: { status: 'OutOfSync', revision: '4f1c2e9' }, health: { status: 'Progressing' } },
      }],
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-kubectl-'));
    fs.writeFileSync(path.join(dir, 'config'), sim.kubeconfig('sim'));
    fs.mkdirSync(path.join(dir, 'home'));
    env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: path.join(dir, 'home'), KUBECONFIG: path.join(dir, 'config') };
  });
  after(async () => {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('get -A lists a CRD kind with its printer columns', async () => {
    const r = await kubectl(['get', '-A', 'applications.argoproj.io']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^NAMESPACE\s+NAME\s+SYNC STATUS\s+HEALTH STATUS$/);
    assert.match(lines[1]!, /^argocd\s+guestbook\s+OutOfSync\s+Progressing$/);
    const wide = await kubectl(['get', 'apps', '-n', 'argocd', '-o', 'wide']);
    assert.match(wide.stdout, /^NAME\s+SYNC STATUS\s+HEALTH STATUS\s+REVISION\s+PROJECT\nguestbook\s+OutOfSync\s+Progressing\s+4f1c2e9\s+default\n$/);
  });

  it('create, scale and get deployments like a cluster shows them', async () => {
    const c = await kubectl(['create', '-f', '-'], deployment(2));
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout.trim(), 'deployment.apps/web created');
    const s = await kubectl(['scale', 'deployment/web', '--replicas=3']);
    assert.equal(s.stdout.trim(), 'deployment.apps/web scaled');
    const g = await kubectl(['get', 'deploy', 'web']);
    assert.match(g.stdout, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+3\/3\s+3\s+3\s+\d+s\n$/);
  });

  it('create generators (protobuf bodies) for namespace, configmap, secret, serviceaccount, deployment, service', async () => {
    const cmds = [
      ['create', 'namespace', 'gen'], ['create', 'configmap', 'c', '-n', 'gen', '--from-literal=a=b'], ['create', 'secret', 'generic', 's', '-n', 'gen', '--from-literal=p=q'],
      ['create', 'serviceaccount', 'robot', '-n', 'gen'], ['create', 'deployment', 'nginx', '-n', 'gen', '--image=nginx:1.27', '--replicas=2', '--port=80'],
      ['create', 'service', 'clusterip', 'nginx', '-n', 'gen', '--tcp=80:8080'],
    ];
    for (const c of cmds) {
      const r = await kubectl(c);
      assert.equal(r.code, 0, `${c.join(' ')}: ${r.stderr}`);
    }
    const ns = JSON.parse((await kubectl(['get', 'ns', 'gen', '-o', 'json'])).stdout);
    assert.equal(ns.metadata.generateName, undefined, 'zero-valued protobuf scalars are not turned into fields');
    assert.deepEqual(JSON.parse((await kubectl(['get', 'cm', 'c', '-n', 'gen', '-o', 'json'])).stdout).data, { a: 'b' });
    assert.deepEqual(JSON.parse((await kubectl(['get', 'secret', 's', '-n', 'gen', '-o', 'json'])).stdout).data, { p: Buffer.from('q').toString('base64') });
    const dep = JSON.parse((await kubectl(['get', 'deploy', 'nginx', '-n', 'gen', '-o', 'json'])).stdout);
    assert.deepEqual([dep.spec.replicas, dep.spec.selector, dep.spec.template.spec.containers[0].ports], [2, { matchLabels: { app: 'nginx' } }, [{ containerPort: 80, protocol: 'TCP' }]]);
    assert.equal(dep.spec.template.metadata.name, undefined);
    const svc = JSON.parse((await kubectl(['get', 'svc', 'nginx', '-n', 'gen', '-o', 'json'])).stdout);
    assert.deepEqual(svc.spec.ports, [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }]);
  });

  it('get -w receives an event made through the API', async () => {
    const child = spawn(KUBECTL, ['get', 'configmaps', '-n', 'default', '-w'], { env });
    let out = '';
    const seen = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/^watched\s+1\s+/m.test(out)) resolve();
      });
    });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal((await call(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('watched') })).status, 201);
      await Promise.race([seen, new Promise((_, rej) => setTimeout(() => rej(new Error(`no watch event in: ${out}`)), 10_000))]);
    } finally {
      child.kill();
    }
  });

  it('patch (merge, json, strategic), label and edit', async () => {
    assert.equal((await kubectl(['apply', '-f', '-'], JSON.stringify(cm('p')))).code, 0);
    assert.equal((await kubectl(['patch', 'cm', 'p', '--type=merge', '-p', '{"data":{"m":"1"}}'])).stdout.trim(), 'configmap/p patched');
    assert.equal((await kubectl(['patch', 'cm', 'p', '--type=json', '-p', '[{"op":"add","path":"/data/j","value":"2"}]'])).code, 0);
    const sm = await kubectl(['patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}}}']);
    assert.equal(sm.code, 0, sm.stderr);
    const lab = await kubectl(['label', 'cm', 'p', 'tier=web']);
    assert.equal(lab.stdout.trim(), 'configmap/p labeled');
    const got = JSON.parse((await kubectl(['get', 'cm', 'p', '-o', 'json'])).stdout);
    assert.deepEqual(got.data, { k: 'v', m: '1', j: '2' });
    assert.equal(got.metadata.labels.tier, 'web');
    const dep = JSON.parse((await kubectl(['get', 'deploy', 'web', '-o', 'json'])).stdout);
    assert.deepEqual(dep.spec.template.spec.containers.map((c: { name: string; image: string; ports: unknown[] }) => [c.name, c.image, c.ports.length]), [['web', 'nginx:1.28', 1]]);
    const editor = path.join(dir, 'editor.sh');
    fs.writeFileSync(editor, '#!/bin/sh\nsed -i "s/nginx:1.28/nginx:1.29/" "$1"\n', { mode: 0o755 });
    const ed = await kubectl(['edit', 'deploy', 'web'], undefined, { KUBE_EDITOR: editor });
    assert.equal(ed.stdout.trim(), 'deployment.apps/web edited', ed.stderr);
    const after = JSON.parse((await kubectl(['get', 'deploy', 'web', '-o', 'json'])).stdout);
    assert.equal(after.spec.template.spec.containers[0].image, 'nginx:1.29');
    assert.equal(after.metadata.generation, 4);
    // The default field manager is the User-Agent's first token, as the API server derives it.
    const managers = (o: { metadata: { managedFields: Array<{ manager: string; operation: string }> } }): string[] => o.metadata.managedFields.map((m) => `${m.manager} ${m.operation}`).sort();
    const full = JSON.parse((await kubectl(['get', 'deploy', 'web', '-o', 'json', '--show-managed-fields'])).stdout);
    // kubectl scale identifies as plain "kubectl" (subresource scale); kubectl-patch lost its only field (the image) to kubectl-edit.
    assert.deepEqual(managers(full), ['kubectl Update', 'kubectl-create Update', 'kubectl-edit Update']);
    assert.equal(full.metadata.managedFields.find((m: { manager: string }) => m.manager === 'kubectl').subresource, 'scale');
    const cmFull = JSON.parse((await kubectl(['get', 'cm', 'p', '-o', 'json', '--show-managed-fields'])).stdout);
    assert.deepEqual(managers(cmFull), ['kubectl-client-side-apply Update', 'kubectl-label Update', 'kubectl-patch Update']);
    assert.equal((await kubectl(['delete', 'cm', 'p', '--dry-run=server'])).stdout.trim(), 'configmap "p" deleted (server dry run)');
    assert.equal((await kubectl(['get', 'cm', 'p', '-o', 'name'])).stdout.trim(), 'configmap/p');
  });

  it('diff exits 1 with a diff for a change and 0 for none', async () => {
    const same = await kubectl(['get', 'deploy', 'web', '-o', 'yaml']);
    const base = deployment(3, 'nginx:1.29');
    assert.equal((await kubectl(['apply', '-f', '-'], base)).code, 0);
    const none = await kubectl(['diff', '-f', '-'], base);
    assert.equal(none.code, 0, none.stdout + none.stderr);
    const changed = await kubectl(['diff', '-f', '-'], deployment(5, 'nginx:1.29'));
    assert.equal(changed.code, 1, changed.stderr);
    assert.match(changed.stdout, /^-\s+replicas: 3$/m);
    assert.match(changed.stdout, /^\+\s+replicas: 5$/m);
    assert.ok(same.stdout.includes('name: web'));
  });

  it('explain reads the OpenAPI v3 schemas of built-ins and CRDs', async () => {
    const d = await kubectl(['explain', 'deployment.spec.replicas']);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /FIELD: replicas <integer>/);
    const a = await kubectl(['explain', 'applications.spec.project']);
    assert.match(a.stdout, /GROUP:\s+argoproj.io/);
    assert.match(a.stdout, /FIELD: project <string>/);
  });

  it('apply --server-side --dry-run=server -o yaml returns defaulted fields and managedFields', async () => {
    const r = await kubectl(['apply', '--server-side', '--dry-run=server', '-o', 'yaml', '--show-managed-fields', '-f', '-'], deployment(1).replace('name: web', 'name: ssa-dry'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imagePullPolicy: IfNotPresent/);
    assert.match(r.stdout, /protocol: TCP/);
    assert.match(r.stdout, /manager: kubectl\n\s+operation: Apply/);
    assert.equal((await kubectl(['get', 'deploy', 'ssa-dry'])).code, 1, 'dry run persisted nothing');
  });

  it('apply --server-side reports a conflict, then --force-conflicts takes the field over', async () => {
    const other = await kubectl(['apply', '--server-side', '--field-manager=other', '-f', '-'], deployment(2).replace('name: web', 'name: ssa'));
    assert.equal(other.code, 0, other.stderr);
    const conflict = await kubectl(['apply', '--server-side', '-f', '-'], deployment(4).replace('name: web', 'name: ssa'));
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /conflict with "other"/);
    assert.match(conflict.stderr, /\.spec\.replicas/);
    const forced = await kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], deployment(4).replace('name: web', 'name: ssa'));
    assert.equal(forced.code, 0, forced.stderr);
    const live = JSON.parse((await kubectl(['get', 'deploy', 'ssa', '-o', 'json', '--show-managed-fields'])).stdout);
    assert.equal(live.spec.replicas, 4);
    assert.ok(live.metadata.managedFields.some((m: { manager: string; operation: string }) => m.manager === 'kubectl' && m.operation === 'Apply'));
  });

  it('reports NotFound and Forbidden like a cluster', async () => {
    const nf = await kubectl(['get', 'configmap', 'missing']);
    assert.equal(nf.code, 1);
    assert.equal(nf.stderr.trim(), 'Error from server (NotFound): configmaps "missing" not found');
    sim.addToken('limited', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'] }], 'system:serviceaccount:default:limited');
    const cfg = path.join(dir, 'limited');
    fs.writeFileSync(cfg, sim.kubeconfig('limited', { token: 'limited' }));
    const ok = await run(KUBECTL, ['get', 'cm', 'p', '-o', 'name'], { env: { ...env, KUBECONFIG: cfg } });
    assert.equal(ok.stdout.trim(), 'configmap/p');
    const del = await kubectl(['delete', 'cm', 'p']);
    assert.equal(del.stdout.trim(), 'configmap "p" deleted');
    assert.equal((await run(KUBECTL, ['get', 'cm', 'p'], { env: { ...env, KUBECONFIG: cfg } })).code, 1);
    const fb = await run(KUBECTL, ['get', 'deployments'], { env: { ...env, KUBECONFIG: cfg } });
    assert.equal(fb.code, 1);
    assert.equal(fb.stderr.trim(), 'Error from server (Forbidden): deployments.apps is forbidden: User "system:serviceaccount:default:limited" cannot list resource "deployments" in API group "apps" in the namespace "default"');
  });

  it('-v=6 shows no request answered with a status a real server would not give', async () => {
    const fresh = path.join(dir, 'home-v6');
    fs.mkdirSync(fresh);
    const runs = [
      await kubectl(['get', 'deploy,applications,kustomizations,cm', '-A', '-v=6'], undefined, { HOME: fresh }),
      await kubectl(['apply', '-v=6', '-f', '-'], deployment(3, 'nginx:1.29'), { HOME: fresh }),
      await kubectl(['diff', '-v=6', '-f', '-'], deployment(3, 'nginx:1.29'), { HOME: fresh }),
      await kubectl(['explain', 'deployments', '-v=6'], undefined, { HOME: fresh }),
    ];
    const requests = runs.flatMap((r) => r.stderr.split('\n')).filter((l) => l.includes('round_trippers.go'));
    assert.ok(requests.length > 8, 'requests were logged');
    const bad = requests.filter((l) => !/ (200 OK|201 Created) in \d+ milliseconds$/.test(l));
    assert.deepEqual(bad, []);
  });
});

describe('k8s simulator: npm run sim (main.ts)', function () {
  this.timeout(60_000);
  const mainTs = path.join(__dirname, __filename.endsWith('.ts') ? 'main.ts' : 'main.js');
  const nodeArgs = __filename.endsWith('.ts') ? ['--import', 'tsx', mainTs] : [mainTs];

  function startMain(args: string[]): Promise<{ url: string; child: ReturnType<typeof spawn> }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = out.match(/^ready (http:\/\/127\.0\.0\.1:\d+)\n/);
        if (m) resolve({ url: m[1]!, child });
      });
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
  }

  it('two processes with two contexts stand for two clusters; SIGTERM exits 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-main-'));
    try {
      const a = await startMain(['--seed', crdFixtures(), '--kubeconfig', path.join(dir, 'a'), '--context', 'alpha']);
      const b = await startMain(['--seed', crdFixtures(), '--kubeconfig', path.join(dir, 'b'), '--context', 'beta']);
      const env = { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: `${path.join(dir, 'a')}:${path.join(dir, 'b')}` };
      const ctx = await run(KUBECTL, ['config', 'get-contexts', '-o', 'name'], { env });
      assert.deepEqual(ctx.stdout.trim().split('\n').sort(), ['alpha', 'beta']);
      await run(KUBECTL, ['--context', 'beta', 'create', 'namespace', 'only-in-beta', '--dry-run=client', '-o', 'yaml'], { env })
        .then((r) => run(KUBECTL, ['--context', 'beta', 'apply', '-f', '-'], { env, input: r.stdout }));
      assert.equal((await run(KUBECTL, ['--context', 'beta', 'get', 'ns', 'only-in-beta', '-o', 'name'], { env })).stdout.trim(), 'namespace/only-in-beta');
      assert.equal((await run(KUBECTL, ['--context', 'alpha', 'get', 'ns', 'only-in-beta'], { env })).code, 1);
      assert.notEqual(a.url, b.url);
      const exits = [a, b].map((p) => new Promise<number | null>((r) => p.child.on('exit', (code) => r(code))));
      a.child.kill('SIGTERM');
      b.child.kill('SIGINT');
      assert.deepEqual(await Promise.all(exits), [0, 0]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with file:line on bad seed YAML', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-main-'));
    try {
      fs.writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\nkind: ConfigMap\nmetadata: {name: x}\n');
      const r = await run(process.execPath, [...nodeArgs, '--seed', dir], { env: process.env });
      assert.equal(r.code, 2);
      assert.equal(r.stderr.trim(), `${path.join(dir, 'bad.yaml')}:6: apiVersion is missing`);
      assert.equal(r.stdout, '');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
