/**
 * Issue 12: masking was chosen by the kind of the DESIRED document, so a read that came back as a
 * SecretList (a crafted name, a proxy or a server answering the collection) was compared and shown in
 * clear. Now what comes back is checked (core/drift/liveAnswer.ts `admitLive`: only the asked object
 * is used) and masked by the kind of every object in it (core/drift/mask.ts `maskAnswer`: lists
 * unwrapped item by item). Covered here: the core functions on the simulator's own SecretList,
 * KubeClusterAccess and `gitops-lens diff --context` behind a proxy that answers the list, and the
 * lens engine (DriftSession) through its live-read port, hover details and the diff editor included.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import { admitLive, UnexpectedLiveObjectError } from '../../../../src/core/drift/liveAnswer';
import { isMask, maskAnswer } from '../../../../src/core/drift/mask';
import { KubeClusterAccess } from '../../../../src/infra/k8s/clusterAccess';
import { DriftSession } from '../../../../src/core/drift/session';
import { lensTitle } from '../../../../src/vscode/codelens/lensTitle';
import * as F from '../../../fixtures/gitops/argocd';
import { startSimCluster, type SimCluster } from '../../../sim/k8s/cluster';
import { startAnswerProxy, type AnswerProxy } from '../../../support/answerProxy';
import { runCli } from '../../../support/cliRun';
import { FakeReader, repoOf, ROOT, settle, uriOf } from '../../../support/driftFixtures';
import { recordingLogger } from '../../../support/fakes';
import { HOSTILE_SECRETS_DIR, leakedSecretValues } from '../../../support/hostileSecrets';

type Obj = Record<string, unknown>;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const SECRETS_PATH = '/api/v1/namespaces/shop/secrets';

/** The SecretList the simulator answers for GET /api/v1/namespaces/shop/secrets, as the API server does. */
async function secretList(sim: SimCluster): Promise<Obj> {
  const res = await fetch(`${sim.url}${SECRETS_PATH}`, { headers: { Authorization: `Bearer ${sim.token}` } });
  assert.equal(res.status, 200);
  return (await res.json()) as Obj;
}

/** A desired Secret that asks for `items`, so a live list's items would be compared and shown. */
const CRAFTED_DESIRED = `apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
  namespace: shop
items: []
data:
  password: aGVsbG8=
`;

describe('a live read answered with a SecretList', function () {
  this.timeout(60_000);
  let sim: SimCluster;
  let list: Obj;

  before(async () => {
    sim = await startSimCluster({ seed: [path.join(HOSTILE_SECRETS_DIR, 'cluster.yaml')] });
    // A Secret applied with kubectl carries its values once more in last-applied.
    const db = sim.objects.get('v1', 'Secret', 'shop', 'db-credentials') as unknown as Obj;
    (db.metadata as Obj).annotations = { [LAST_APPLIED]: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-credentials', namespace: 'shop' }, stringData: { password: 'hunter2-db-password-7f3a' } }) };
    sim.objects.put(db as never);
    list = await secretList(sim);
  });
  after(() => sim.stop());

  describe('core: maskAnswer and admitLive', () => {
    it('the simulator answers a SecretList whose items carry no kind, values in base64 (the shape masked here)', () => {
      assert.equal(list.kind, 'SecretList');
      const items = list.items as Obj[];
      assert.equal(items.length, 2);
      assert.ok(items.every((i) => i.kind === undefined));
      assert.notDeepEqual(leakedSecretValues(JSON.stringify(list)), []);
    });

    it('maskAnswer masks each item of a SecretList by the kind the list implies, last-applied too', () => {
      const masked = maskAnswer(list);
      assert.deepEqual(leakedSecretValues(JSON.stringify(masked)), []);
      const items = masked.items as Obj[];
      assert.deepEqual(items.map((i) => (i.metadata as Obj).name), ['db-credentials', 'payment-api']);
      for (const i of items) for (const v of Object.values(i.data as Obj)) assert.ok(isMask(v), String(v));
      const la = JSON.parse(((items[0]?.metadata as Obj).annotations as Obj)[LAST_APPLIED] as string) as Obj;
      assert.ok(isMask((la.data as Obj).password));
      // The answer itself is left as it came.
      assert.notDeepEqual(leakedSecretValues(JSON.stringify(list)), []);
    });

    it('maskAnswer unwraps a List item by item, nested lists included, by each item’s own kind', () => {
      const items = structuredClone(list.items) as Obj[];
      const mixed = {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' }, data: { LOG_LEVEL: 'info' } },
          { ...items[0], apiVersion: 'v1', kind: 'Secret' },
          { apiVersion: 'v1', kind: 'SecretList', items: [items[1]] },
          // A server that names a Secret with another apiVersion is masked all the same.
          { ...items[1], apiVersion: 'v2', kind: 'Secret' },
        ],
      };
      const masked = maskAnswer(mixed);
      assert.deepEqual(leakedSecretValues(JSON.stringify(masked)), []);
      assert.deepEqual((masked.items[0] as Obj).data, { LOG_LEVEL: 'info' }, 'a ConfigMap keeps its values');
    });

    it('admitLive keeps only the asked object', () => {
      const db: Obj = { ...(list.items as Obj[])[0], apiVersion: 'v1', kind: 'Secret' };
      const asked = { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'db-credentials' };
      assert.deepEqual(admitLive(asked, db), { ok: true, obj: db });
      for (const [answer, reason] of [
        [list, /answered a SecretList of 2 items where Secret "db-credentials" was asked/],
        [{ apiVersion: 'v1', kind: 'List', items: [db] }, /a List of 1 item where/],
        [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, /answered a Namespace \(v1\)/],
        [{ ...db, metadata: { ...(db.metadata as Obj), name: 'payment-api' } }, /answered Secret "payment-api"/],
        [{ ...db, metadata: { ...(db.metadata as Obj), namespace: 'other' } }, /of namespace "other"/],
        [{ ...db, apiVersion: 'example.com/v1' }, /answered a Secret \(example\.com\/v1\)/],
        [[db], /an array/],
        ['x', /a string/],
      ] as const) {
        const a = admitLive(asked, answer);
        assert.equal(a.ok, false);
        assert.match(a.ok ? '' : a.reason, reason);
        assert.deepEqual(leakedSecretValues(a.ok ? '' : a.reason), []);
      }
      // A cluster-scoped object named with a namespace in Git comes without one: still the object.
      const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
      assert.equal(admitLive({ apiVersion: 'v1', kind: 'Namespace', namespace: 'shop', name: 'shop' }, ns).ok, true);
    });
  });

  describe('behind a server that answers the list for the object', () => {
    let proxy: AnswerProxy;
    let dir: string;
    let kubeconfig: string;
    before(async () => {
      proxy = await startAnswerProxy(sim.url, (p) => (p === `${SECRETS_PATH}/db-credentials` ? SECRETS_PATH : undefined));
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-secretlist-'));
      kubeconfig = path.join(dir, 'kubeconfig.yaml');
      fs.writeFileSync(kubeconfig, proxy.kubeconfig('hostile', sim.token));
    });
    after(async () => {
      await proxy.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('KubeClusterAccess.get rejects with UnexpectedLiveObjectError naming kinds and counts only', async () => {
      const access = new KubeClusterAccess({ kubeconfig: () => [{ path: kubeconfig, text: fs.readFileSync(kubeconfig, 'utf8') }] });
      const err = await access.get('hostile', { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'db-credentials' }).then(
        () => assert.fail('the list was accepted'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof UnexpectedLiveObjectError, String(err));
      assert.match(err.message, /the API server answered a SecretList of 2 items where Secret "db-credentials" was asked; it is not used/);
      assert.ok(proxy.requests.includes(`${SECRETS_PATH}/db-credentials`), 'the request went through the proxy');
    });

    for (const json of [false, true]) {
      it(`diff --context${json ? ' --json' : ''}: exit 2, says what came, no Secret value in any output`, async () => {
        const desired = path.join(dir, 'db.yaml');
        fs.writeFileSync(desired, CRAFTED_DESIRED);
        const r = await runCli(['diff', '--desired', desired, '--context', 'hostile', '--kubeconfig', kubeconfig, ...(json ? ['--json'] : [])]);
        assert.deepEqual(leakedSecretValues(r.out + r.err), []);
        assert.equal(r.code, 2, r.out + r.err);
        assert.match(r.err, /cannot read Secret db-credentials \(.*db\.yaml:1\) from context "hostile": the API server answered a SecretList of 2 items/);
      });
    }
  });

  describe('lens engine (DriftSession) through its live-read port', () => {
    const FILE = `${ROOT}/apps/guestbook/secret.yaml`;
    // guestbook deploys apps/guestbook into namespace guestbook on prod.
    const app = mapArgoApplication('prod', F.ARGO2_SYNCED_HEALTHY);
    const setup = () => {
      const reader = new FakeReader();
      const results = new DriftSession({ apps: () => [app], reader, repoOf, log: recordingLogger().logger });
      const open = async (text: string) => {
        results.track({ uri: uriOf(FILE), fsPath: FILE, text });
        await settle(results, uriOf(FILE));
      };
      const everything = () => JSON.stringify([results.lenses(uriOf(FILE)), results.details(uriOf(FILE)), results.view(uriOf(FILE), 0, 'prod')]);
      return { reader, results, open, everything };
    };
    const inGuestbook = (o: Obj): Obj => ({ ...o, metadata: { ...(o.metadata as Obj), namespace: 'guestbook' } });

    it('a SecretList answer is never compared or shown: Unknown with the reason; lenses, hover details and diff view hold no value', async () => {
      const s = setup();
      s.reader.set('prod', 'Secret', 'guestbook', 'db-credentials', { obj: { ...list, items: (list.items as Obj[]).map(inGuestbook) } });
      await s.open(CRAFTED_DESIRED.replace('namespace: shop', 'namespace: guestbook'));
      const [lens] = s.results.lenses(uriOf(FILE));
      assert.equal(lens?.state.kind, 'unknown');
      assert.match(lensTitle(lens!), /^Unknown · prod \(the API server answered a SecretList of 2 items where Secret "db-credentials" was asked/);
      assert.deepEqual(leakedSecretValues(s.everything()), []);
    });

    it('a crafted name is not read at all: the lens says why', async () => {
      const s = setup();
      await s.open(fs.readFileSync(path.join(HOSTILE_SECRETS_DIR, 'dot.yaml'), 'utf8').replace(/namespace: shop/g, 'namespace: guestbook'));
      const titles = s.results.lenses(uriOf(FILE)).map((l) => lensTitle(l));
      assert.deepEqual(titles, ['Not in cluster · prod', `Unknown · prod (Secret name "." is not valid: may not be '.')`]);
      assert.deepEqual(s.reader.calls, ['prod ConfigMap guestbook/shop-settings']);
    });

    it('Secret values still drift: equal values in sync, a changed value one masked field', async () => {
      const s = setup();
      const live = inGuestbook({ ...(list.items as Obj[])[0], apiVersion: 'v1', kind: 'Secret' });
      s.reader.set('prod', 'Secret', 'guestbook', 'db-credentials', { obj: live });
      const doc = (password: string) =>
        `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\ntype: Opaque\nstringData:\n  username: shop-admin-5c1e\n  password: ${password}\n`;
      await s.open(doc('hunter2-db-password-7f3a'));
      assert.equal(lensTitle(s.results.lenses(uriOf(FILE))[0]!), 'In sync · prod');
      await s.open(doc('rotated-in-git'));
      assert.equal(lensTitle(s.results.lenses(uriOf(FILE))[0]!), 'Drift: 1 field · prod');
      // The field manager that set the live value (issue 17) comes along; it names a manager, never a value.
      const changes = s.results.details(uriOf(FILE))[0]?.changes ?? [];
      assert.deepEqual(changes.map(({ attribution: _a, ...c }) => c), [{ path: '/stringData/password', desired: '++++++++', live: '++++++++++++' }]);
      assert.equal(changes[0]?.attribution?.path, '/data/password');
      assert.deepEqual(leakedSecretValues(s.everything()), []);
    });
  });
});
