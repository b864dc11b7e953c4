/**
 * kubeconfig as kubectl reads it: the same files (test/fixtures/hostile/kube/kubeconfig) given to the
 * real kubectl (v1.32, /usr/bin/kubectl) and to GitOps Lens, against two Kubernetes API simulators.
 * Each case asserts kubectl's outcome first (so a fixture that stops meaning what it says fails
 * here), then that GitOps Lens has the same one: the same server answers, or both refuse.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveContext } from '../../../../src/core/kube/kubeconfig';
import type { KubeconfigFile } from '../../../../src/core/ports';
import { KubeClusterAccess } from '../../../../src/infra/k8s/clusterAccess';
import { NODE_PATH_RULES } from '../../../../src/infra/k8s/kubeClient';
import { startSimCluster, type SimCluster } from '../../../sim/k8s/cluster';
import { runCli } from '../../../support/cliRun';
import { REPO_ROOT } from '../../../support/paths';

const KUBECTL = '/usr/bin/kubectl';
const CASES = path.join(REPO_ROOT, 'test', 'fixtures', 'hostile', 'kube', 'kubeconfig');
const TOKEN = 'shared-token-of-both-simulators';
const b64url = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
/** An unsigned JWT as an OIDC provider would issue it; clients read its `exp` only. */
const OIDC_TOKEN = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ iss: 'https://issuer.invalid', sub: 'me', aud: 'gitops-lens-test', exp: 4102444800 })}.`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

type Outcome = { ok: true; namespaces: string[] } | { ok: false; message: string };

describe('kubeconfig as kubectl reads it (real kubectl, two simulators)', function () {
  this.timeout(60_000);
  let a: SimCluster;
  let b: SimCluster;
  let tmp: string;
  let home: string;
  let elsewhere: string;
  let vars: Record<string, string>;
  let proxy: http.Server;
  let tunnels = 0;

  before(async () => {
    a = await startSimCluster({ objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'only-on-a' } }] });
    b = await startSimCluster({ objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'only-on-b' } }] });
    for (const s of [a, b]) s.addToken(TOKEN, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], 'shared-user');
    for (const s of [a, b]) s.addToken(OIDC_TOKEN, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], 'oidc:me');
    const clientCert = a.clientCertificate('cert-user');
    b.clientCertificate('cert-user');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-kubectl-'));
    home = path.join(tmp, 'home');
    // Both kubectl and the test process run from a folder that holds none of the referenced files.
    elsewhere = path.join(tmp, 'elsewhere');
    fs.mkdirSync(home);
    fs.mkdirSync(elsewhere);
    const caData = YAMLValue(a.kubeconfig('x'), 'certificate-authority-data');
    // An HTTP CONNECT proxy that counts its tunnels.
    proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnels++;
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host ?? '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    vars = {
      A: YAMLValue(a.kubeconfig('x'), 'server'),
      B: YAMLValue(b.kubeconfig('x'), 'server'),
      HTTP_A: a.url,
      CA_DATA: caData,
      CA_PEM: Buffer.from(caData, 'base64').toString('utf8').trim(),
      TOKEN,
      OIDC_TOKEN,
      CLIENT_CERT_PEM: clientCert.cert.trim(),
      CLIENT_KEY_PEM: clientCert.key.trim(),
      EXEC_CERT_CREDENTIAL: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { clientCertificateData: clientCert.cert, clientKeyData: clientCert.key } }),
      PROXY: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`,
    };
  });
  after(async () => {
    proxy.closeAllConnections();
    proxy.close();
    await a.stop();
    await b.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Copies a case folder to a fresh temp folder with the placeholders replaced; returns that folder. */
  const materialize = (name: string): string => {
    const dest = fs.mkdtempSync(path.join(tmp, `${name}-`));
    const copy = (from: string, to: string): void => {
      for (const e of fs.readdirSync(from, { withFileTypes: true })) {
        const src = path.join(from, e.name);
        const dst = path.join(to, e.name);
        if (e.isDirectory()) {
          fs.mkdirSync(dst);
          copy(src, dst);
        } else {
          const text = fs.readFileSync(src, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? `{{${k}}}`);
          fs.writeFileSync(dst, text, { mode: fs.statSync(src).mode });
        }
      }
    };
    copy(path.join(CASES, name), dest);
    return dest;
  };

  const kubectl = async (files: string[], context: string): Promise<Outcome> => {
    const r = await run(KUBECTL, ['--context', context, '--request-timeout', '10s', 'get', 'namespaces', '-o', 'name'], { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: files.join(path.delimiter) }, elsewhere);
    if (r.code !== 0) return { ok: false, message: r.stderr.trim() };
    return { ok: true, namespaces: r.stdout.split('\n').map((l) => l.replace(/^namespace\//, '')).filter((n) => n.startsWith('only-on-')) };
  };

  const ours = async (files: string[], context: string): Promise<Outcome & { code?: string }> => {
    const texts: KubeconfigFile[] = files.map((p) => ({ path: p, text: fs.readFileSync(p, 'utf8') }));
    const access = new KubeClusterAccess({ kubeconfig: () => texts });
    try {
      const list = (await access.getJson(context, '/api/v1/namespaces')) as { items: { metadata: { name: string } }[] };
      return { ok: true, namespaces: list.items.map((n) => n.metadata.name).filter((n) => n.startsWith('only-on-')) };
    } catch (e) {
      return { ok: false, message: (e as Error).message, code: String((e as { code?: unknown }).code) };
    } finally {
      (access as { dispose?: () => void }).dispose?.();
    }
  };

  const same = async (files: string[], context: string, expected: 'a' | 'b' | 'refused'): Promise<{ kubectl: Outcome; ours: Outcome & { code?: string } }> => {
    const k = await kubectl(files, context);
    if (expected === 'refused') assert.equal(k.ok, false, `kubectl was expected to refuse context ${context}`);
    else assert.deepEqual(k, { ok: true, namespaces: [`only-on-${expected}`] }, `kubectl on context ${context}`);
    const o = await ours(files, context);
    if (expected === 'refused') assert.equal(o.ok, false, `GitOps Lens connected with context ${context}, which kubectl refuses (${k.ok ? '' : k.message})`);
    else assert.deepEqual({ ok: o.ok, namespaces: o.ok ? o.namespaces : o.message }, { ok: true, namespaces: [`only-on-${expected}`] }, `GitOps Lens on context ${context}`);
    return { kubectl: k, ours: o };
  };

  it('a relative certificate-authority is relative to the kubeconfig file, not the working directory', async () => {
    const dir = materialize('relative-paths');
    await same([path.join(dir, 'nested', 'dir', 'config')], 'ca-relative', 'a');
  });

  it('tokenFile is read (relative to the kubeconfig file) and sent', async () => {
    const dir = materialize('relative-paths');
    await same([path.join(dir, 'nested', 'dir', 'config')], 'token-file', 'a');
  });

  it('an exec command with a slash is relative to the kubeconfig file', async () => {
    const dir = materialize('relative-paths');
    await same([path.join(dir, 'nested', 'dir', 'config')], 'exec-relative', 'a');
  });

  it('a user defined in a second KUBECONFIG file is found and used', async () => {
    const dir = materialize('split-user');
    await same([path.join(dir, 'clusters.yaml'), path.join(dir, 'users.yaml')], 'split', 'a');
  });

  it('one cluster name in two files: the first definition wins for contexts, connections and status alike', async () => {
    const dir = materialize('same-cluster-name');
    const files = [path.join(dir, 'first.yaml'), path.join(dir, 'second.yaml')];
    // "second" is defined in second.yaml, whose own "shared" cluster points at B: kubectl still goes to A.
    await same(files, 'second', 'a');
    await same(files, 'first', 'a');
    const listed = await runCli(['contexts', '--json', '--kubeconfig', files[0] as string, '--kubeconfig', files[1] as string]);
    const contexts = (JSON.parse(listed.out) as { contexts: { name: string; server: string; namespace: string | null }[] }).contexts;
    assert.equal(contexts.find((c) => c.name === 'second')?.server, vars.A, '`contexts` shows the server kubectl uses');
    assert.equal(contexts.find((c) => c.name === 'second')?.namespace, 'from-second');
    a.counts.reset();
    b.counts.reset();
    const st = await runCli(['status', '--context', 'second', '--kubeconfig', files[0] as string, '--kubeconfig', files[1] as string]);
    assert.ok((a.counts.snapshot().discovery ?? 0) >= 1, `status did not ask A: ${st.err}`);
    assert.deepEqual(b.counts.snapshot(), {}, '`status` connected to B, which `contexts` does not show');
  });

  it('one broken entry breaks only the contexts that use it', async () => {
    const dir = materialize('broken-entries');
    const file = [path.join(dir, 'config')];
    await same(file, 'good', 'a');
    for (const ctx of ['no-server', 'bad-exec', 'cert-without-key', 'missing-user', 'missing-cluster']) {
      const r = await same(file, ctx, 'refused');
      assert.equal(r.ours.code, 'KubeconfigInvalid', `${ctx}: ${r.ours.ok ? '' : r.ours.message}`);
    }
    const listed = await runCli(['contexts', '--json', '--kubeconfig', file[0] as string]);
    assert.deepEqual((JSON.parse(listed.out) as { contexts: { name: string }[] }).contexts.map((c) => c.name).sort(), ['bad-exec', 'cert-without-key', 'good', 'missing-cluster', 'missing-user', 'no-server']);
  });

  it('a plain-http server gets no credentials, as from kubectl: Unauthorized', async () => {
    const dir = materialize('plain-http');
    const r = await same([path.join(dir, 'config')], 'plain', 'refused');
    assert.match(r.kubectl.ok ? '' : r.kubectl.message, /Unauthorized|must be logged in/);
    assert.equal(r.ours.code, 'Unauthorized', r.ours.ok ? '' : r.ours.message);
  });

  it('tls-server-name is the name the server certificate is checked against', async () => {
    const dir = materialize('tls-server-name');
    const file = [path.join(dir, 'config')];
    await same(file, 'sni-ok', 'a');
    const r = await same(file, 'sni-wrong', 'refused');
    assert.match(r.kubectl.ok ? '' : r.kubectl.message, /x509|certificate/);
    assert.equal(r.ours.code, 'Unreachable', r.ours.ok ? '' : r.ours.message);
  });

  it('proxy-url tunnels the connection through the proxy', async () => {
    const dir = materialize('proxy');
    const file = path.join(dir, 'config');
    tunnels = 0;
    assert.deepEqual(await kubectl([file], 'via-proxy'), { ok: true, namespaces: ['only-on-a'] });
    assert.ok(tunnels > 0, 'kubectl went around the proxy');
    tunnels = 0;
    const o = await ours([file], 'via-proxy');
    assert.deepEqual(o, { ok: true, namespaces: ['only-on-a'] });
    assert.ok(tunnels > 0, 'GitOps Lens went around the proxy');
  });

  it('x509 client certificates from files relative to the kubeconfig and from an exec plugin authenticate', async () => {
    const dir = materialize('client-cert');
    const file = [path.join(dir, 'kube', 'config')];
    await same(file, 'cert-files', 'a');
    await same(file, 'cert-plugin', 'a');
  });

  it('auth-provider: an oidc id-token is sent; the removed gcp provider is refused with the way out', async () => {
    const dir = materialize('auth-providers');
    const file = [path.join(dir, 'config')];
    await same(file, 'oidc', 'a');
    const gcp = await same(file, 'gcp', 'refused');
    assert.match(gcp.kubectl.ok ? '' : gcp.kubectl.message, /gcp auth plugin has been removed/);
    assert.equal(gcp.ours.code, 'KubeconfigInvalid');
    assert.match(gcp.ours.ok ? '' : gcp.ours.message, /gke-gcloud-auth-plugin/);
  });

  it('certificate-authority and certificate-authority-data together are refused', async () => {
    const dir = materialize('ca-file-and-data');
    const r = await same([path.join(dir, 'config')], 'both', 'refused');
    assert.equal(r.ours.code, 'KubeconfigInvalid');
  });

  it('resolves every context as `kubectl config view --flatten` does: server, namespace, CA, client certificate and key, token', async () => {
    const sets: string[][] = [];
    const rel = materialize('relative-paths');
    sets.push([path.join(rel, 'nested', 'dir', 'config')]);
    const cert = materialize('client-cert-paths');
    sets.push([path.join(cert, 'one', 'config'), path.join(cert, 'two', 'deeper', 'config')]);
    const same2 = materialize('same-cluster-name');
    sets.push([path.join(same2, 'first.yaml'), path.join(same2, 'second.yaml')]);
    const split = materialize('split-user');
    sets.push([path.join(split, 'clusters.yaml'), path.join(split, 'users.yaml')]);
    let compared = 0;
    for (const files of sets) {
      const r = await run(KUBECTL, ['config', 'view', '--flatten', '--raw', '-o', 'json'], { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: files.join(path.delimiter) }, elsewhere);
      assert.equal(r.code, 0, r.stderr);
      const flat = JSON.parse(r.stdout) as {
        clusters: { name: string; cluster: Record<string, string> }[];
        users: { name: string; user: Record<string, string> }[];
        contexts: { name: string; context: Record<string, string> }[];
      };
      const texts = files.map((p) => ({ path: p, text: fs.readFileSync(p, 'utf8') }));
      const b64 = (file: string | undefined, data: string | undefined): string | undefined => data ?? (file ? fs.readFileSync(file).toString('base64') : undefined);
      for (const c of flat.contexts) {
        const resolved = resolveContext(texts, c.name, NODE_PATH_RULES);
        assert.ok(resolved.ok, `${c.name}: ${resolved.ok ? '' : resolved.problems.join('; ')}`);
        const cfg = resolved.config;
        const cluster = flat.clusters.find((x) => x.name === c.context.cluster)?.cluster ?? {};
        const user = flat.users.find((x) => x.name === c.context.user)?.user ?? {};
        assert.equal(cfg.server, cluster.server, `${c.name}: server`);
        assert.equal(cfg.namespace, c.context.namespace, `${c.name}: namespace`);
        assert.equal(b64(cfg.caFile, cfg.caData), cluster['certificate-authority-data'], `${c.name}: CA`);
        assert.equal(b64(cfg.auth?.clientCertificateFile, cfg.auth?.clientCertificateData), user['client-certificate-data'], `${c.name}: client certificate`);
        assert.equal(b64(cfg.auth?.clientKeyFile, cfg.auth?.clientKeyData), user['client-key-data'], `${c.name}: client key`);
        assert.equal(cfg.auth?.token, user.token, `${c.name}: token`);
        // flatten leaves tokenFile as written; it resolves against the user's file like the other paths.
        if (user.tokenFile !== undefined) assert.equal(fs.readFileSync(cfg.auth?.tokenFile ?? '', 'utf8').trim(), TOKEN, `${c.name}: tokenFile`);
        compared++;
      }
    }
    assert.equal(compared, 7);
  });
});

/** The first `key: value` of a YAML text (the simulator's one-cluster kubeconfig). */
function YAMLValue(text: string, key: string): string {
  const m = new RegExp(`^\\s*${key}: (.+)$`, 'm').exec(text);
  if (!m?.[1]) throw new Error(`no ${key} in kubeconfig`);
  return m[1].trim().replace(/^"|"$/g, '');
}
