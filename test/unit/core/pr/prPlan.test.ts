import * as assert from 'node:assert/strict';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import { appsDeployingFile } from '../../../../src/core/drift/deployedBy';
import type { ResourceId } from '../../../../src/core/drift/engine';
import type { App } from '../../../../src/core/model/app';
import { BODY_END, BODY_START, branchName, chooseTemplate, defaultTitle, impactOf, mergeTemplate, planPullRequest, renderImpact, replaceImpact, slugify } from '../../../../src/core/pr/plan';
import type { AppImpact } from '../../../../src/core/pr/plan';

const URL = 'https://github.com/acme/gitops.git';
const dep = (replicas: number, image = 'guestbook:1.0') => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'guestbook', namespace: 'web' }, spec: { replicas, template: { spec: { containers: [{ name: 'web', image }] } } } });
const id = (kind: string, name: string, namespace: string | undefined = 'web', apiVersion = 'apps/v1'): ResourceId => ({ apiVersion, kind, namespace, name });
const replicas = (cluster: string, from: number, to: number): AppImpact => ({ cluster, app: 'guestbook', resources: [{ id: id('Deployment', 'guestbook'), change: 'update', fields: [{ path: '/spec/replicas', from, to }] }] });

function argo(cluster: string, name: string, namespace: string): App {
  return mapArgoApplication(cluster, { metadata: { name, namespace: 'argocd' }, spec: { project: 'default', source: { repoURL: URL, path: 'apps/guestbook', targetRevision: 'main' }, destination: { server: 'https://kubernetes.default.svc', namespace } } });
}

describe('core/pr/plan: branch, title and body of a change', () => {
  it('titles one change by field and values, several by count, naming the clusters', () => {
    assert.equal(defaultTitle([replicas('prod-eu', 3, 5)]), 'guestbook: replicas 3 → 5 in prod-eu');
    // The same change reaching two clusters is still one change.
    assert.equal(defaultTitle([replicas('prod-eu', 3, 5), replicas('staging', 3, 5)]), 'guestbook: replicas 3 → 5 in prod-eu, staging');
    const three: AppImpact = {
      cluster: 'prod-eu',
      app: 'guestbook',
      resources: [
        { id: id('Deployment', 'guestbook'), change: 'update', fields: [{ path: '/spec/replicas', from: 3, to: 5 }, { path: '/spec/template/spec/containers/0/image', from: 'guestbook:1.0', to: 'guestbook:1.1' }] },
        { id: id('ConfigMap', 'cfg', 'web', 'v1'), change: 'create', fields: [] },
      ],
    };
    assert.equal(defaultTitle([three, replicas('staging', 3, 5)]), 'guestbook: 3 changes in prod-eu, staging');
    assert.equal(defaultTitle([{ ...replicas('prod', 1, 2), resources: [{ id: id('Deployment', 'g'), change: 'update', fields: [{ path: '/spec/template/spec/containers/0/image', from: 'a', to: 'b' }] }] }]), 'guestbook: image a → b in prod');
    // Masked Secret values are never put in a title.
    assert.equal(defaultTitle([{ cluster: 'prod', app: 'db', resources: [{ id: id('Secret', 'db', 'web', 'v1'), change: 'update', fields: [{ path: '/data/password', from: '++++++++', to: '++++++++++++' }] }] }]), 'db: password changed in prod');
    assert.equal(defaultTitle([], ['apps/a.yaml']), 'Update apps/a.yaml');
    assert.equal(defaultTitle([], ['a.yaml', 'b.yaml']), 'Update 2 files');
  });

  it('names the branch <prefix>/<slug>', () => {
    assert.equal(branchName([replicas('prod-eu', 3, 5)], []), 'gitops/guestbook-replicas');
    assert.equal(branchName([replicas('prod-eu', 3, 5)], [], 'Team Ops/PRs'), 'team-ops/prs/guestbook-replicas');
    assert.equal(branchName([], ['apps/guestbook/deployment.yaml']), 'gitops/guestbook-deployment');
    assert.equal(slugify('Ünïcode  & Spaces!!'), 'unicode-spaces');
    assert.equal(slugify('---'), 'change');
  });

  it('renders the impact per cluster and app with links, masks and escaped cells, then the files', () => {
    const plan = planPullRequest({
      impact: [
        { ...replicas('prod-eu', 3, 5), url: 'https://argocd.example/applications/argocd/guestbook' },
        { cluster: 'staging', app: 'db', resources: [{ id: id('Secret', 'db', 'web', 'v1'), change: 'update', fields: [{ path: '/data/password', from: '++++++++', to: '++++++++++++' }, { path: '/metadata/labels/x', from: 'a|b', to: undefined }] }] },
      ],
      files: [{ path: 'apps/guestbook/deployment.yaml', before: 'x', after: 'y' }],
    });
    assert.equal(plan.branch, 'gitops/guestbook-db');
    assert.equal(plan.title, 'guestbook, db: 3 changes in prod-eu, staging');
    assert.ok(plan.body.startsWith(BODY_START) && plan.body.endsWith(BODY_END));
    assert.ok(plan.body.includes('**prod-eu** · [guestbook](https://argocd.example/applications/argocd/guestbook)'));
    assert.ok(plan.body.includes('| Deployment web/guestbook | `/spec/replicas` | `3` | `5` |'));
    assert.ok(plan.body.includes('| Secret web/db | `/data/password` | *(secret, masked)* | *(secret, masked)* |'));
    assert.ok(plan.body.includes('| Secret web/db | `/metadata/labels/x` | `a\\|b` | — |'));
    assert.ok(plan.body.indexOf('**prod-eu**') < plan.body.indexOf('**staging**'));
    assert.ok(plan.body.includes('### Files\n\n- `apps/guestbook/deployment.yaml`'));
    assert.ok(!plan.body.includes('++++++++'));
    assert.match(plan.commitMessage, /^guestbook, db: 3 changes in prod-eu, staging\n\n- guestbook: Deployment web\/guestbook: replicas 3 → 5\n/);
  });

  it('merges into templates: at the marker, under a Description heading, else before; an update replaces only our section', () => {
    const section = `${BODY_START}\nX\n${BODY_END}`;
    assert.equal(mergeTemplate('## Why\n<!-- gitops-lens -->\n## Checklist\n- [ ] tested', section), `## Why\n${section}\n## Checklist\n- [ ] tested`);
    assert.equal(mergeTemplate('## Description\n\n## Checklist\n- [ ] tested', section), `## Description\n\n${section}\n\n\n## Checklist\n- [ ] tested`);
    assert.equal(mergeTemplate('- [ ] tested', section), `${section}\n\n- [ ] tested`);
    assert.equal(mergeTemplate(undefined, section), section);
    const body = `Author's note\n\n${section}\n\nfooter`;
    assert.equal(replaceImpact(body, `${BODY_START}\nY\n${BODY_END}`), `Author's note\n\n${BODY_START}\nY\n${BODY_END}\n\nfooter`);
    assert.equal(replaceImpact('hand written', section), `${section}\n\nhand written`);
  });

  it('chooses the template each forge would use', () => {
    const files = new Map([
      ['.github/PULL_REQUEST_TEMPLATE/feature.md', 'feature'],
      ['.github/PULL_REQUEST_TEMPLATE/Default.md', 'gh default'],
      ['.gitlab/merge_request_templates/Default.md', 'gl'],
      ['.gitea/pull_request_template.md', 'gitea'],
      ['.azuredevops/pull_request_template.md', 'ado'],
    ]);
    assert.equal(chooseTemplate('github', files)?.text, 'gh default');
    assert.equal(chooseTemplate('github', new Map([['.GITHUB/Pull_Request_Template.md', 'upper'], ['docs/pull_request_template.md', 'docs']]))?.text, 'upper');
    assert.equal(chooseTemplate('gitlab', files)?.text, 'gl');
    assert.equal(chooseTemplate('gitea', files)?.text, 'gitea');
    assert.equal(chooseTemplate('azure-devops', files)?.text, 'ado');
    assert.equal(chooseTemplate('bitbucket-cloud', files), undefined);
    assert.equal(chooseTemplate('github', new Map([['.github/PULL_REQUEST_TEMPLATE/b.md', 'b'], ['.github/PULL_REQUEST_TEMPLATE/a.md', 'a']]))?.text, 'a');
  });

  it('impactOf: a live value set outside Git (managedFields) is named in the PR body it overwrites (issue 17)', async () => {
    const apps = [argo('prod-eu', 'guestbook', 'web')];
    const deployments = (file: string) => appsDeployingFile({ repo: { remotes: [URL], root: '/r', branch: 'main' }, file, apps });
    const live = {
      ...dep(7, 'guestbook:1.1'),
      metadata: {
        name: 'guestbook',
        namespace: 'web',
        managedFields: [
          { manager: 'argocd-controller', operation: 'Apply', apiVersion: 'apps/v1', time: '2026-03-03T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } } },
          { manager: 'kubectl-scale', operation: 'Update', apiVersion: 'apps/v1', time: '2026-03-03T14:02:00Z', subresource: 'scale', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
        ],
      },
    };
    const impact = await impactOf([{ path: 'apps/guestbook/deployment.yaml', before: JSON.stringify(dep(3)), after: JSON.stringify(dep(3, 'guestbook:1.2')) }], deployments, () => live);
    const fields = impact[0]!.resources[0]!.fields;
    assert.deepEqual(fields.map((f) => [f.path, f.setOutsideGit?.lastSetBy?.manager ?? null]), [
      ['/spec/replicas', 'kubectl-scale'],
      ['/spec/template/spec/containers/0/image', null],
    ]);
    const body = renderImpact(impact, ['apps/guestbook/deployment.yaml']);
    assert.match(body, /Live values set outside Git, which this change overwrites:\n\n- Deployment web\/guestbook: .*kubectl-scale/);
  });

  it('impactOf: what the new desired changes in the live objects of each deploying app', async () => {
    const apps = [argo('prod-eu', 'guestbook', 'web'), argo('staging', 'guestbook', 'web')];
    const deployments = (file: string) => appsDeployingFile({ repo: { remotes: [URL], root: '/r', branch: 'main' }, file, apps });
    const toYaml = (o: unknown) => JSON.stringify(o); // JSON is YAML
    const live: Record<string, Record<string, Record<string, unknown>>> = {
      'prod-eu': {
        'Deployment/web/guestbook': { ...dep(3), metadata: { name: 'guestbook', namespace: 'web', uid: 'u1', resourceVersion: '7' }, status: { replicas: 3 } },
        'Secret/web/db': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'web' }, data: { password: Buffer.from('old-pass').toString('base64') } },
        'ConfigMap/web/gone': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone', namespace: 'web' }, data: { a: '1' } },
      },
      staging: { 'Deployment/web/guestbook': { ...dep(5) } },
    };
    const lookups: string[] = [];
    const getLive = (d: { cluster: string }, rid: ResourceId) => {
      lookups.push(`${d.cluster}:${rid.kind}/${rid.namespace}/${rid.name}`);
      return live[d.cluster]?.[`${rid.kind}/${rid.namespace}/${rid.name}`];
    };
    const secret = (pw: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: pw } });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone' }, data: { a: '1' } };
    const unchanged = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } };
    const impact = await impactOf(
      [
        { path: 'apps/guestbook/deployment.yaml', before: toYaml(dep(3)), after: toYaml(dep(5)) },
        { path: 'apps/guestbook/secret.yaml', before: `${toYaml(secret('old-pass'))}\n---\n${toYaml(cm)}\n---\n${toYaml(unchanged)}`, after: `${toYaml(secret('new-pass'))}\n---\n${toYaml(unchanged)}` },
        { path: 'apps/guestbook/new.yaml', before: undefined, after: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fresh\n' },
      ],
      deployments,
      getLive,
      { appUrl: (d) => `https://argocd.example/applications/argocd/${d.app.name}?cluster=${d.cluster}` },
    );
    const prod = impact.find((a) => a.cluster === 'prod-eu');
    assert.ok(prod);
    assert.equal(prod.url, 'https://argocd.example/applications/argocd/guestbook?cluster=prod-eu');
    assert.deepEqual(
      prod.resources.map((r) => [r.change, `${r.id.kind}/${r.id.namespace}/${r.id.name}`, r.fields.map((f) => [f.path, f.from, f.to])]),
      [
        ['update', 'Deployment/web/guestbook', [['/spec/replicas', 3, 5]]],
        ['update', 'Secret/web/db', [['/data/password', '++++++++++++', '++++++++']]],
        ['delete', 'ConfigMap/web/gone', []],
        ['create', 'ConfigMap/web/fresh', []],
      ],
    );
    // staging already runs 5 replicas: the change does nothing there except the objects it does not have.
    const staging = impact.find((a) => a.cluster === 'staging');
    assert.deepEqual(staging?.resources.map((r) => `${r.change} ${r.id.kind}/${r.id.name}`), ['create Secret/db', 'create ConfigMap/fresh']);
    // Unchanged documents are not looked up at all; no clear-text Secret value anywhere in the result.
    assert.ok(!lookups.some((l) => l.includes('Service')));
    const text = JSON.stringify(impact);
    assert.ok(!text.includes('new-pass') && !text.includes(Buffer.from('old-pass').toString('base64')));
    // The fresh ConfigMap counts once for both clusters.
    assert.equal(planPullRequest({ impact, files: [] }).title, 'guestbook: 5 changes in prod-eu, staging');
  });
});
