/**
 * The Argo CD API simulator itself: its validator catches what Argo CD's description does not allow,
 * its answers have grpc-gateway's shapes, and `npm run sim -- … --argocd-config FILE` serves the
 * seeded Applications with a CLI config that the status logic reads.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import type { Clock } from '../../../src/core/ports';
import { argoCdStatus, argoCdTargets } from '../../../src/infra/argocd/statusSource';
import { REPO_ROOT } from '../../support/paths';
import { startArgoCdSim } from './argocd';
import { argoCdValidator } from './openApi';

const clock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};

describe('Argo CD API simulator', function () {
  this.timeout(60_000);

  it('holds answers to Argo CD\'s OpenAPI description, closed: unknown fields and wrong types are violations', () => {
    const v = argoCdValidator();
    assert.deepEqual(v.validateResponse('GET', '/api/v1/applications/guestbook', 200, { metadata: { name: 'guestbook' }, status: { health: { status: 'Healthy' } } }), []);
    assert.deepEqual(v.validateResponse('GET', '/api/v1/applications/guestbook', 200, { metadata: { name: 'guestbook', colour: 'red' } }), ['/metadata must NOT have additional properties {"additionalProperty":"colour"}']);
    assert.deepEqual(v.validateResponse('GET', '/api/v1/applications/guestbook/resource-tree', 200, { nodes: [{ kind: 'Pod', name: 'p', health: { status: 1 } }] }), ['/nodes/0/health/status must be string {"type":"string"}']);
    assert.deepEqual(v.validateRequest('POST', '/api/v1/applications/guestbook/sync', new URLSearchParams('dryRun=1'), { revision: 'main', prune: 'yes' }), [
      'query parameter "dryRun" is not a parameter of POST /api/v1/applications/{name}/sync',
      '/prune must be boolean {"type":"boolean"}',
    ]);
    assert.deepEqual(v.validateStreamChunk('GET', '/api/v1/stream/applications', { result: { type: 'ADDED', application: { metadata: { name: 'a' } } } }), []);
    assert.match(v.validateStreamChunk('GET', '/api/v1/applications', {})[0] ?? '', /not a streaming operation/);
  });

  it('answers errors in grpc-gateway v1\'s shapes, for calls and for streams', async () => {
    const sim = await startArgoCdSim({ plainText: true });
    try {
      const call = await fetch(`${sim.url}/api/v1/applications/x`, { headers: { authorization: `Bearer ${sim.token}` } });
      assert.equal(call.status, 403);
      assert.deepEqual(await call.json(), { error: 'permission denied', code: 7, message: 'permission denied' });
      const stream = await fetch(`${sim.url}/api/v1/stream/applications`);
      assert.equal(stream.status, 401);
      assert.deepEqual(JSON.parse(await stream.text()), { error: { grpc_code: 16, http_code: 401, message: 'no session information', http_status: 'Unauthorized' } });
      const post = await fetch(`${sim.url}/api/v1/applications/x/sync`, { method: 'POST', body: '{}', headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'text/plain' } });
      assert.equal(post.status, 415);
      assert.deepEqual(sim.server.violations, []);
    } finally {
      await sim.stop();
    }
  });

  it('`npm run sim -- --argocd-config FILE` serves the seeded Applications and writes a CLI config for them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-sim-main-'));
    const seed = path.join(dir, 'seed');
    fs.mkdirSync(seed);
    fs.copyFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'sim', 'crds', 'argocd.yaml'), path.join(seed, 'crds.yaml'));
    fs.writeFileSync(path.join(seed, 'apps.yaml'), YAML.stringify({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'guestbook', namespace: 'argocd' },
      spec: { project: 'default', source: { repoURL: 'https://git.example.test/org/apps.git', path: 'guestbook', targetRevision: 'main' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook' } },
      status: { sync: { status: 'OutOfSync', revision: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' }, health: { status: 'Degraded', message: 'Deployment "guestbook-ui" exceeded its progress deadline' } },
    }));
    const config = path.join(dir, 'argocd-config');
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(REPO_ROOT, 'test', 'sim', 'k8s', 'main.ts'), '--seed', seed, '--kubeconfig', path.join(dir, 'kubeconfig'), '--context', 'demo', '--argocd-config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines = await new Promise<string[]>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const ls = out.split('\n').filter((l) => l !== '');
          if (ls.length >= 2) resolve(ls);
        });
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', (code) => reject(new Error(`sim exited ${code}: ${err}`)));
      });
      assert.match(lines[0] ?? '', /^ready http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(lines[1] ?? '', /^argocd https:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(fs.statSync(config).mode & 0o777, 0o600);
      const { targets, problems } = await argoCdTargets({ configFile: config });
      assert.deepEqual(problems, []);
      assert.equal(targets[0]?.baseUrl, lines[1]?.slice('argocd '.length));
      const r = await argoCdStatus(targets, { clock, log: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } });
      assert.deepEqual(r.apps.map((a) => [a.cluster, a.name, a.sync.status, a.health.status]), [['demo', 'guestbook', 'OutOfSync', 'Degraded']]);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
