/**
 * Issue 12, terminal output: text a cluster (or a repository) provides reached the terminal raw,
 * escape sequences included, and `status` printed the credentials in an Application's repoURL. The
 * CLI now passes every outside string through core/log/redact.ts (`terminalText`, `terminalJson`:
 * the log's redaction, then control characters shown escaped). Against the Kubernetes simulator
 * seeded with test/fixtures/hostile/terminal/application.yaml.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { redact, terminalJson, terminalText } from '../../../src/core/log/redact';
import { startSimCluster, type SimCluster } from '../../sim/k8s/cluster';
import { runCli } from '../../support/cliRun';
import { REPO_ROOT } from '../../support/paths';

const CRDS = path.join(REPO_ROOT, 'test', 'fixtures', 'sim', 'crds');
const HOSTILE_APP = path.join(REPO_ROOT, 'test', 'fixtures', 'hostile', 'terminal', 'application.yaml');

/** The start of each credential in the fixture's repoURLs: a cut credential is a leak too. */
const CREDENTIALS = ['glsecret-7d1f', 'tokenonly-4e8b'];
/** Characters a terminal acts on: C0 but line feed, DEL, C1, bidi overrides and isolates, line separators. */
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function assertInert(text: string, what: string): void {
  const m = ACTIVE.exec(text);
  assert.equal(m, null, `${what} holds U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')} near ${JSON.stringify(text.slice(Math.max(0, (m?.index ?? 0) - 20), (m?.index ?? 0) + 20))}`);
  for (const c of CREDENTIALS) assert.ok(!text.includes(c), `${what} holds the credential ${c}`);
}

describe('core/log/redact: terminalText and terminalJson', () => {
  it('escapes ESC as kubectl does (^[), other C0 in caret notation, C1 and bidi as <U+…>', () => {
    assert.equal(terminalText('a\u001b[2Jb\u0007c\u009b31m\u202ed\u007f'), 'a^[[2Jb^Gc<U+009B>31m<U+202E>d^?');
    assert.equal(terminalText('one\ntwo\r'), 'one^Jtwo^M');
    assert.equal(terminalText('one\ntwo\r', { multiline: true }), 'one\ntwo^M');
    assert.equal(terminalText('plain text, ünïcode ✓'), 'plain text, ünïcode ✓');
  });

  it('redacts as the log does, plus a token alone as an HTTP(S) URL user', () => {
    assert.equal(terminalText('https://u:p4ss@h/x'), redact('https://u:p4ss@h/x'));
    assert.equal(terminalText('https://u:p4ss@h/x'), 'https://u:***@h/x');
    assert.equal(redact('clone https://abc123tok@github.com/o/r.git'), 'clone https://***@github.com/o/r.git');
    assert.equal(redact('ssh://git@github.com/o/r.git'), 'ssh://git@github.com/o/r.git');
  });

  it('terminalJson parses back to the redacted values, with nothing a terminal acts on in its text', () => {
    const value = { m: 'x\u001b]8;;https://e/\u0007y\u009b\u202e\u2028', u: 'https://u:p4ss@h/x', n: [1, null, true] };
    const text = terminalJson(value);
    assertInert(text.replace(/\n/g, ' '), 'JSON');
    assert.deepEqual(JSON.parse(text), { ...value, u: 'https://u:***@h/x' });
  });
});

describe('cli status / diff against a cluster holding hostile text', function () {
  this.timeout(60_000);
  let sim: SimCluster;
  let dir: string;
  let kubeconfig: string;

  before(async () => {
    sim = await startSimCluster({
      seed: [path.join(CRDS, 'argocd.yaml'), HOSTILE_APP],
      objects: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'banner', namespace: 'shop' }, data: { motd: 'hello \u001b]0;owned\u0007\u001b[2J world \u009b1m', link: 'https://ops:cm-pass-1f2e@db.example.test/' } },
      ],
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-hostile-out-'));
    kubeconfig = path.join(dir, 'kubeconfig.yaml');
    fs.writeFileSync(kubeconfig, sim.kubeconfig('sim'));
  });
  after(async () => {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('status: the table shows the hostile text escaped and the credentials redacted', async () => {
    const r = await runCli(['status', '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 0, r.err);
    assertInert(r.out.replace(/\n/g, ' '), 'stdout');
    assertInert(r.err.replace(/\n/g, ' '), 'stderr');
    const row = r.out.split('\n').find((l) => l.includes('storefront')) ?? '';
    // The text is there, inert: ESC as ^[, BEL as ^G (the message is cut at 80 characters).
    assert.match(row, /\^\[\]0;owned-title\^Gmain/);
    assert.match(row, /ComparisonError: Failed to load target state: \^\[\]8;;https:\/\/evil\.example\/phish\^G/);
    // Redacted before the column is cut to 60 characters, or the cut would keep half the token.
    assert.match(row, /https:\/\/deploy-bot:\*\*\*@git\.example\.test\/org\/apps\.git apps\/s/);
  });

  it('status --json: parses, keeps the text (escaped by JSON), redacts the credentials', async () => {
    const r = await runCli(['status', '--kubeconfig', kubeconfig, '--json']);
    assert.equal(r.code, 0, r.err);
    assertInert(r.out.replace(/\n/g, ' '), 'stdout');
    const app = (JSON.parse(r.out) as { apps: Array<{ name: string; revision: string; message: string; healthMessage: string; sources: Array<{ repoURL: string }> }> }).apps.find((a) => a.name === 'storefront');
    assert.equal(app?.revision, '\u001b]0;owned-title\u0007main');
    assert.match(app?.healthMessage ?? '', /\u009b31mred/);
    assert.deepEqual(app?.sources.map((s) => s.repoURL), ['https://deploy-bot:***@git.example.test/org/apps.git', 'https://***@git.example.test/org/charts.git']);
  });

  it('diff --context: live values, names and file paths printed inert; colours are ours only', async () => {
    // A repository file whose name and object name carry escape sequences, and a live value that does.
    const desired = path.join(dir, 'banner\u001b[2J.yaml');
    fs.writeFileSync(
      desired,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: banner\n  namespace: shop\ndata:\n  motd: hello\n  link: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "ghost\\e]0;t\\a"\n  namespace: shop\n',
    );
    for (const isTty of [false, true]) {
      const r = await runCli(['diff', '--desired', desired, '--context', 'sim', '--kubeconfig', kubeconfig], { isTty });
      assert.equal(r.code, 1, r.err);
      // Our own colours are SGR sequences `ESC [ n m`; nothing else of ESC may remain.
      const withoutOurColours = r.out.replace(/\u001b\[\d+m/g, '');
      assertInert(withoutOurColours.replace(/\n/g, ' '), `stdout (tty ${isTty})`);
      assert.ok(!r.out.includes('cm-pass-1f2e'), 'a credential in a live value was printed');
      assert.match(withoutOurColours, /banner\^\[\[2J\.yaml:1/);
      assert.match(withoutOurColours, /ghost\^\[\]0;t\^G/);
      assert.match(withoutOurColours, /hello \^\[\]0;owned\^G\^\[\[2J world <U\+009B>1m/);
    }
    const j = await runCli(['diff', '--desired', desired, '--context', 'sim', '--kubeconfig', kubeconfig, '--json']);
    assertInert(j.out.replace(/\n/g, ' '), 'JSON stdout');
    assert.ok(!j.out.includes('cm-pass-1f2e'));
    const doc = JSON.parse(j.out) as { resources: Array<{ name: string; changes: Array<{ path: string; live: unknown }> }> };
    assert.equal(doc.resources[0]?.changes.find((c) => c.path === '/data/motd')?.live, 'hello \u001b]0;owned\u0007\u001b[2J world \u009b1m');
  });

  it('errors from the server reach stderr inert', async () => {
    // The server's message quotes the (valid, but hostile-looking) name it was given.
    const desired = path.join(dir, 'forbidden.yaml');
    fs.writeFileSync(desired, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "x\\e[31m"\n  namespace: shop\n');
    sim.addToken('limited', [{ verbs: ['list'], resources: ['namespaces'] }], 'evil\u001b]0;title\u0007user');
    fs.writeFileSync(path.join(dir, 'limited.yaml'), sim.kubeconfig('sim', { token: 'limited' }));
    const r = await runCli(['diff', '--desired', desired, '--context', 'sim', '--kubeconfig', path.join(dir, 'limited.yaml')]);
    assert.equal(r.code, 2);
    assertInert(r.err.replace(/\n/g, ' '), 'stderr');
    assert.match(r.err, /evil/);
  });
});
