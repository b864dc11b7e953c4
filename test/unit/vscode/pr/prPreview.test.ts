import * as assert from 'node:assert/strict';
import { dottedPath, liveImpact, previewImpacts, type LiveRead } from '../../../../src/vscode/pr/impact';
import { planPullRequest } from '../../../../src/core/pr/plan';
import { MASK, renderPreviewHtml } from '../../../../src/vscode/pr/previewHtml';
import { k8sStatusError } from '../../../support/k8sErrors';
import { UnexpectedLiveObjectError, admitLive } from '../../../../src/core/drift/liveAnswer';
import type { App } from '../../../../src/core/model/app';

const DEPLOY = (replicas: number) => `# keep
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: ${replicas}
`;
const SECRET = (pw: string) => `apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
stringData: {password: ${pw}}
`;

const APP = {
  key: 'prod/argocd/Application/argocd/web',
  cluster: 'prod',
  tool: 'argocd',
  kind: 'Application',
  role: 'app',
  namespace: 'argocd',
  name: 'web',
  sync: { status: 'Synced' },
  health: { status: 'Healthy' },
  suspended: false,
  sources: [{ repoURL: 'https://git.example.test/org/apps.git', path: 'apps/web', targetRevision: 'main' }],
  destination: { namespace: 'shop' },
  resources: [],
  resourceHealth: { kind: 'inline' },
  problems: [],
} as unknown as App;

describe('vscode/pr impact and preview', () => {
  it('turns JSON pointers into dotted paths with list indexes', () => {
    assert.equal(dottedPath('/spec/template/spec/containers/0/image'), 'spec.template.spec.containers[0].image');
    assert.equal(dottedPath('/metadata/annotations/a~1b'), 'metadata.annotations.a/b');
  });

  // The cluster: the Deployment runs 3 replicas, the Secret holds another password; `down` is unreachable.
  const LIVE: Record<string, Record<string, unknown>> = {
    'prod/Deployment/shop/web': { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 3 } },
    'prod/Secret/shop/db': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data: { password: Buffer.from('live-pw').toString('base64') } },
  };
  const read: LiveRead = (cluster, ref) => {
    if (cluster === 'down') return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6443'), { code: 'ECONNREFUSED' }));
    const obj = LIVE[`${cluster}/${ref.kind}/${ref.namespace}/${ref.name}`];
    return obj ? Promise.resolve(obj) : Promise.reject(k8sStatusError(404, 'not found'));
  };
  const repo = { root: '/repo', remotes: ['git@git.example.test:org/apps.git'] };

  it('compares the new documents with the LIVE objects per cluster and app, Secret values masked', async () => {
    // Git HEAD says 4 replicas; the cluster runs 3: the impact is 3 → 5, not 4 → 5.
    const impact = await liveImpact({
      files: [
        { path: 'apps/web/all.yaml', status: 'modified', before: `${DEPLOY(4)}---\n${SECRET('old-pw')}`, after: `${DEPLOY(5)}---\n${SECRET('new-pw')}` },
        { path: 'docs/readme.yaml', status: 'added', before: undefined, after: 'a: 1\n' },
      ],
      apps: [APP],
      repo,
      read,
    });
    assert.deepEqual(impact.apps, [APP.key]);
    assert.deepEqual(impact.undeployed, ['docs/readme.yaml']);
    const [web] = previewImpacts(impact);
    assert.ok(web);
    assert.equal(`${web.cluster} · ${web.app} (${web.appKind})`, 'prod · web (Argo CD Application)');
    assert.deepEqual(web.changes.find((c) => c.path === 'spec.replicas'), { resource: 'Deployment shop/web', path: 'spec.replicas', before: '3', after: '5' });
    const secret = web.changes.filter((c) => c.resource === 'Secret shop/db');
    assert.ok(secret.length > 0 && secret.every((c) => c.masked === true && c.before === undefined && c.after === undefined));
    const all = JSON.stringify(impact.impact) + JSON.stringify(previewImpacts(impact));
    for (const pw of ['new-pw', 'old-pw', 'live-pw', Buffer.from('new-pw').toString('base64'), Buffer.from('live-pw').toString('base64')]) assert.ok(!all.includes(pw), `${pw} left the drift engine`);
    // The plan titles and fills the body from the same impact.
    const plan = planPullRequest({ impact: impact.impact, files: ['apps/web/all.yaml'] });
    assert.match(plan.title, /^web: \d+ changes in prod$/);
    assert.match(plan.body, /\| Deployment shop\/web \| `\/spec\/replicas` \| `3` \| `5` \|/);
    assert.ok(!plan.body.includes('new-pw') && !plan.body.includes('live-pw'));
  });

  it('says per app when its cluster cannot be read, and lists objects the change creates', async () => {
    const down = { ...APP, key: 'down/argocd/Application/argocd/web', cluster: 'down' } as App;
    const impact = await liveImpact({
      files: [{ path: 'apps/web/cm.yaml', status: 'added', before: undefined, after: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: shop}\ndata: {a: "1"}\n' }],
      apps: [APP, down],
      repo,
      read,
    });
    const rows = previewImpacts(impact);
    assert.deepEqual(rows.find((r) => r.cluster === 'prod')?.notes, ['ConfigMap shop/cfg: not in the cluster yet, created by the merge']);
    assert.deepEqual(rows.find((r) => r.cluster === 'down')?.notes, ['Live state not compared: down is unreachable.']);
    const body = planPullRequest({ impact: impact.impact, files: ['apps/web/cm.yaml'] }).body;
    assert.match(body, /- down · web: live state not compared \(down is unreachable\)/);
  });

  it('says a refused answer or a refused read for what it is, not "unreachable"', async () => {
    const file = { path: 'apps/web/cm.yaml', status: 'added' as const, before: undefined, after: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: shop}\ndata: {a: "1"}\n' };
    // The API server answered a list where one object was asked (core/drift/liveAnswer), as KubeClusterAccess.get rejects then.
    const listed: LiveRead = async (_c, ref) => {
      const answer = admitLive(ref, { kind: 'ConfigMapList', items: [] });
      throw new UnexpectedLiveObjectError(answer.ok ? 'admitted' : answer.reason);
    };
    const refused = previewImpacts(await liveImpact({ files: [file], apps: [APP], repo, read: listed }));
    assert.deepEqual(refused[0]?.notes, ['Live state not compared: the API server answered a ConfigMapList of 0 items where ConfigMap "cfg" was asked; it is not used.']);
    const forbidden = previewImpacts(await liveImpact({ files: [file], apps: [APP], repo, read: () => Promise.reject(k8sStatusError(403, 'configmaps "cfg" is forbidden')) }));
    assert.deepEqual(forbidden[0]?.notes, ['Live state not compared: reading from prod is forbidden.']);
  });

  it('renders self-contained HTML under a strict CSP, escaping content and masking Secrets', () => {
    const html = renderPreviewHtml(
      {
        heading: 'Open pull request',
        title: '<script>alert(1)</script>',
        impacts: [{ cluster: 'prod', app: 'web', appKind: 'Argo CD Application', changes: [{ resource: 'Secret shop/db', path: 'data.password', before: 'b2xk', after: 'bmV3' }] }],
        files: [{ path: 'apps/web/secret.yaml', status: 'modified' }],
      },
      { nonce: 'N0NCE', css: 'body{}' },
    );
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-N0NCE'; script-src 'nonce-N0NCE'; img-src 'none'">/);
    assert.ok(!html.includes('<script>alert(1)'), 'title not escaped');
    assert.ok(!html.includes('b2xk') && !html.includes('bmV3'), 'a Secret value was rendered');
    assert.ok(html.includes(MASK));
    assert.equal((html.match(/<script nonce="N0NCE">/g) ?? []).length, 1);
    assert.ok(!/<script(?! nonce)/.test(html.replace(/&lt;script/g, '')), 'a script without the nonce');
    assert.ok(!/\bsrc=|href=/.test(html), 'loads something from outside');
  });

});
