import * as assert from 'node:assert/strict';
import { computeImpact, dottedPath, fieldChanges, pullRequestBody, slug } from '../../src/vscode/pr/impact';
import { MASK, renderPreviewHtml } from '../../src/vscode/pr/previewHtml';
import type { App } from '../../src/core/model/app';

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

  it('lists field changes between HEAD and the new text, Secret values masked', () => {
    const changes = fieldChanges({ path: 'apps/web/all.yaml', status: 'modified', before: `${DEPLOY(3)}---\n${SECRET('old-pw')}`, after: `${DEPLOY(5)}---\n${SECRET('new-pw')}` });
    const replicas = changes.find((c) => c.path === 'spec.replicas');
    assert.deepEqual(replicas, { resource: 'Deployment shop/web', path: 'spec.replicas', before: '3', after: '5' });
    const secret = changes.filter((c) => c.resource === 'Secret shop/db');
    assert.ok(secret.length > 0 && secret.every((c) => c.masked === true));
    assert.ok(!JSON.stringify(changes).includes('new-pw') && !JSON.stringify(changes).includes('old-pw'), 'a Secret value left the drift engine');
  });

  it('groups changes by the apps deploying each file and titles a single change', () => {
    const impact = computeImpact({
      files: [
        { path: 'apps/web/deploy.yaml', status: 'modified', before: DEPLOY(3), after: DEPLOY(5) },
        { path: 'docs/readme.yaml', status: 'added', before: undefined, after: 'a: 1\n' },
      ],
      apps: [APP],
      repo: { root: '/repo', remotes: ['git@git.example.test:org/apps.git'] },
    });
    assert.deepEqual(impact.apps, [APP.key]);
    assert.deepEqual(impact.undeployed, ['docs/readme.yaml']);
    assert.equal(impact.headline, 'web: replicas 3 → 5 in prod');
    const body = pullRequestBody({ impact, files: [{ path: 'apps/web/deploy.yaml', status: 'modified' }] });
    assert.match(body, /\*\*prod · web\*\* \(Argo CD Application\)/);
    assert.match(body, /\| Deployment shop\/web \| `spec\.replicas` \| `3` \| `5` \|/);
    assert.match(body, /- `apps\/web\/deploy\.yaml` \(modified\)/);
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

  it('makes branch-safe slugs', () => {
    assert.equal(slug('Roll back Web: revert ABC/123!'), 'roll-back-web-revert-abc-123');
    assert.equal(slug('///'), 'change');
    assert.ok(slug('x'.repeat(100)).length <= 48);
  });
});
