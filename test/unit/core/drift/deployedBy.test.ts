import * as assert from 'node:assert/strict';
import { mapArgoAppProject, mapArgoApplication } from '../../../../src/core/argocd/application';
import { appsDeployingFile, normalizePath, revisionMatches, type DeployedByInput, type Deployment } from '../../../../src/core/drift/deployedBy';
import { mapFluxHelmRelease, mapFluxKustomization, mapFluxSource } from '../../../../src/core/flux/mapFlux';
import type { App } from '../../../../src/core/model/app';

const REMOTE = 'git@github.com:acme/gitops.git';
const URL = 'https://github.com/acme/gitops.git';

function argo(cluster: string, name: string, spec: Record<string, unknown>): App {
  return mapArgoApplication(cluster, { metadata: { name, namespace: 'argocd' }, spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc' }, ...spec } });
}

function gitRepo(cluster: string, name: string, url: string, ref?: Record<string, string>): App {
  return mapFluxSource(cluster, 'GitRepository', { metadata: { name, namespace: 'flux-system' }, spec: { url, ...(ref ? { ref } : {}) } });
}

function kustomization(cluster: string, name: string, path: string | undefined, extra: Record<string, unknown> = {}): App {
  return mapFluxKustomization(cluster, { metadata: { name, namespace: 'flux-system' }, spec: { sourceRef: { kind: 'GitRepository', name: 'gitops' }, ...(path === undefined ? {} : { path }), ...extra } });
}

function find(input: Partial<DeployedByInput> & { file: string; apps: readonly App[] }): Deployment[] {
  return appsDeployingFile({ repo: { remotes: [REMOTE], root: '/home/me/gitops', branch: 'main' }, ...input });
}

const summary = (ds: readonly Deployment[]) => ds.map((d) => `${d.cluster}:${d.app.name}:${d.appPath}`);

describe('core/drift/deployedBy appsDeployingFile', () => {
  it('finds the same path deployed by apps in two clusters, sorted by cluster then app', () => {
    const apps = [
      argo('prod', 'web', { source: { repoURL: URL, path: 'apps/web', targetRevision: 'main' }, destination: { server: 'https://prod', namespace: 'web' } }),
      argo('dev', 'web', { source: { repoURL: URL, path: 'apps/web', targetRevision: 'HEAD' }, destination: { namespace: 'web-dev' } }),
      argo('dev', 'api', { source: { repoURL: URL, path: 'apps/web/', targetRevision: 'main' } }),
      argo('dev', 'other', { source: { repoURL: URL, path: 'apps/other' } }),
    ];
    const ds = find({ file: 'apps/web/deploy.yaml', apps });
    assert.deepEqual(summary(ds), ['dev:api:apps/web', 'dev:web:apps/web', 'prod:web:apps/web']);
    assert.deepEqual(
      ds.map((d) => [d.namespace, d.revisionMatches, d.inSubdirectory, d.chart]),
      [
        [undefined, true, false, false],
        ['web-dev', true, false, false],
        ['web', true, false, false],
      ],
    );
    assert.equal(ds[2]!.app.key, 'prod/argocd/Application/argocd/web');
  });

  it('matches paths ".", "./", "" and nested files, marking files below the app directory', () => {
    for (const path of ['.', './', '', '/']) {
      const ds = find({ file: 'apps/web/deploy.yaml', apps: [argo('c', 'root', { source: { repoURL: URL, path } })] });
      assert.deepEqual(summary(ds), ['c:root:'], `path ${JSON.stringify(path)}`);
      assert.equal(ds[0]!.inSubdirectory, true);
    }
    const top = find({ file: 'deploy.yaml', apps: [argo('c', 'root', { source: { repoURL: URL, path: '.' } })] });
    assert.equal(top[0]?.inSubdirectory, false);
    const nested = find({ file: './apps/x/sub/dir/cm.yaml', apps: [argo('c', 'x', { source: { repoURL: URL, path: 'apps/x/' } })] });
    assert.deepEqual(summary(nested), ['c:x:apps/x']);
    assert.equal(nested[0]!.inSubdirectory, true);
  });

  it('does not match sibling directories sharing a prefix, the directory itself, or paths above it', () => {
    const apps = [argo('c', 'x', { source: { repoURL: URL, path: 'apps/x' } })];
    assert.deepEqual(find({ file: 'apps/x2/cm.yaml', apps }), []);
    assert.deepEqual(find({ file: 'apps/x', apps }), []);
    assert.deepEqual(find({ file: 'apps/cm.yaml', apps }), []);
    assert.deepEqual(find({ file: 'apps/x/../y/cm.yaml', apps }), []);
    assert.equal(find({ file: 'apps/y/../x/cm.yaml', apps }).length, 1);
  });

  it('accepts an absolute file below the root and rejects one outside it', () => {
    const apps = [argo('c', 'x', { source: { repoURL: URL, path: 'apps/x' } })];
    assert.equal(find({ file: '/home/me/gitops/apps/x/cm.yaml', apps }).length, 1);
    assert.deepEqual(find({ file: '/home/me/other/apps/x/cm.yaml', apps }), []);
    assert.equal(appsDeployingFile({ repo: { remotes: [REMOTE], root: '/home/me/gitops/' }, file: '/home/me/gitops/apps/x/cm.yaml', apps }).length, 1);
  });

  it('finds nothing when no remote matches, or there are no remotes', () => {
    const apps = [argo('c', 'x', { source: { repoURL: 'https://github.com/acme/gitops-infra', path: 'apps/x' } })];
    assert.deepEqual(find({ file: 'apps/x/cm.yaml', apps }), []);
    assert.deepEqual(appsDeployingFile({ repo: { remotes: [], root: '/r' }, file: 'apps/x/cm.yaml', apps: [argo('c', 'x', { source: { repoURL: URL, path: 'apps/x' } })] }), []);
  });

  it('matches any remote of the workspace repository (fork origin, upstream)', () => {
    const apps = [argo('c', 'x', { source: { repoURL: 'https://github.com/upstream/gitops', path: 'apps/x' } })];
    const repo = { remotes: ['git@github.com:me/gitops.git', 'https://github.com/upstream/gitops.git'], root: '/r', branch: 'main' };
    assert.equal(appsDeployingFile({ repo, file: 'apps/x/a.yaml', apps }).length, 1);
  });

  it('multi-source Argo CD apps: any Git source with a path, one deployment per app; chart and ref-only sources are skipped', () => {
    const app = argo('c', 'multi', {
      sources: [
        { repoURL: 'https://charts.example.com', chart: 'web', targetRevision: '1.2.3' },
        { repoURL: URL, targetRevision: 'main' },
        { repoURL: 'https://github.com/acme/other', path: 'apps/x' },
        { repoURL: URL, path: 'overlays/prod', targetRevision: 'release' },
        { repoURL: URL, path: 'overlays', targetRevision: 'main' },
      ],
    });
    assert.deepEqual(find({ file: 'apps/x/a.yaml', apps: [app] }), [], 'the ref-only source does not claim the repository root');
    const ds = find({ file: 'overlays/prod/a.yaml', apps: [app] });
    assert.deepEqual(summary(ds), ['c:multi:overlays/prod']);
    assert.equal(ds[0]!.revisionMatches, false, 'the deepest source (targetRevision release) wins');
    assert.deepEqual(summary(find({ file: 'overlays/dev/a.yaml', apps: [app] })), ['c:multi:overlays']);
  });

  it('a single-source Argo CD app without a path deploys from the repository root', () => {
    const ds = find({ file: 'a.yaml', apps: [argo('c', 'nopath', { source: { repoURL: URL } })] });
    assert.deepEqual(summary(ds), ['c:nopath:']);
  });

  it('Flux Kustomization: repository URL through the GitRepository, ./path relative to its root, recursive, targetNamespace', () => {
    const apps = [
      gitRepo('prod', 'gitops', 'ssh://git@github.com/acme/gitops', { branch: 'main' }),
      gitRepo('dev', 'gitops', URL, { branch: 'develop' }),
      kustomization('prod', 'apps', './clusters/prod', { targetNamespace: 'apps' }),
      kustomization('dev', 'apps', './clusters'),
      kustomization('dev', 'infra', './infra'),
    ];
    const ds = find({ file: 'clusters/prod/web/deploy.yaml', apps });
    assert.deepEqual(summary(ds), ['dev:apps:clusters', 'prod:apps:clusters/prod']);
    assert.deepEqual(
      ds.map((d) => [d.namespace, d.revisionMatches, d.inSubdirectory]),
      [
        [undefined, false, true],
        ['apps', true, true],
      ],
    );
  });

  it('Flux Kustomization: uses sourceOf when given, with the cluster of the app', () => {
    const k = kustomization('prod', 'apps', 'clusters');
    const git = gitRepo('elsewhere', 'gitops', URL);
    const asked: string[] = [];
    const ds = find({
      file: 'clusters/a.yaml',
      apps: [k],
      sourceOf: (ref, cluster) => {
        asked.push(`${cluster}:${ref}`);
        return git;
      },
    });
    assert.deepEqual(asked, ['prod:GitRepository/flux-system/gitops']);
    assert.deepEqual(summary(ds), ['prod:apps:clusters']);
  });

  it('Flux Kustomization: no deployment when the source is missing, in another cluster, or not a GitRepository', () => {
    const k = kustomization('prod', 'apps', 'clusters');
    assert.deepEqual(find({ file: 'clusters/a.yaml', apps: [k] }), []);
    assert.deepEqual(find({ file: 'clusters/a.yaml', apps: [k, gitRepo('dev', 'gitops', URL)] }), []);
    const bucket = mapFluxSource('prod', 'Bucket', { metadata: { name: 'gitops', namespace: 'flux-system' }, spec: { endpoint: URL } });
    const kb = mapFluxKustomization('prod', { metadata: { name: 'apps', namespace: 'flux-system' }, spec: { sourceRef: { kind: 'Bucket', name: 'gitops' }, path: 'clusters' } });
    assert.deepEqual(find({ file: 'clusters/a.yaml', apps: [kb, bucket] }), []);
  });

  it('Flux Kustomization without a path deploys the whole repository; a GitRepository without ref follows master', () => {
    const apps = [gitRepo('c', 'gitops', URL), kustomization('c', 'all', undefined)];
    const ds = find({ file: 'x/y.yaml', apps });
    assert.deepEqual(summary(ds), ['c:all:']);
    assert.equal(ds[0]!.revisionMatches, false);
    assert.equal(find({ file: 'x/y.yaml', apps, repo: { remotes: [URL], root: '/r', branch: 'master' } })[0]!.revisionMatches, true);
  });

  it('Flux HelmRelease with a chart from a GitRepository deploys the chart directory, marked as a chart', () => {
    const release = mapFluxHelmRelease('c', {
      metadata: { name: 'podinfo', namespace: 'apps' },
      spec: { targetNamespace: 'podinfo', chart: { spec: { chart: './charts/podinfo', sourceRef: { kind: 'GitRepository', name: 'gitops', namespace: 'flux-system' } } } },
    });
    const chart = mapFluxSource('c', 'HelmChart', {
      metadata: { name: 'apps-podinfo', namespace: 'flux-system' },
      spec: { chart: './charts/podinfo', sourceRef: { kind: 'GitRepository', name: 'gitops' } },
    });
    const apps = [release, chart, gitRepo('c', 'gitops', URL, { branch: 'main' })];
    const ds = find({ file: 'charts/podinfo/templates/deployment.yaml', apps });
    assert.deepEqual(summary(ds), ['c:podinfo:charts/podinfo']);
    assert.deepEqual([ds[0]!.chart, ds[0]!.namespace, ds[0]!.revisionMatches, ds[0]!.inSubdirectory], [true, 'podinfo', true, true]);
    assert.deepEqual(find({ file: 'charts/other/values.yaml', apps }), []);
    assert.deepEqual(find({ file: 'charts/podinfo/values.yaml', apps: [release, gitRepo('c', 'gitops', URL)] }), [], 'no HelmChart yet: unknown');
  });

  it('ignores source objects and projects (their repository URLs deploy nothing)', () => {
    const project = mapArgoAppProject('c', { metadata: { name: 'default', namespace: 'argocd' }, spec: { sourceRepos: [URL] } });
    assert.equal(project.sources[0]?.repoURL, URL);
    const apps = [gitRepo('c', 'gitops', URL), project];
    assert.deepEqual(find({ file: 'a.yaml', apps }), []);
  });
});

describe('core/drift/deployedBy revisionMatches', () => {
  const table: Array<[string | undefined, string | undefined, boolean | undefined]> = [
    [undefined, 'main', true],
    ['', 'feature/x', true],
    ['HEAD', 'main', true],
    ['HEAD', undefined, true],
    ['main', 'main', true],
    ['main', 'feature/x', false],
    ['feature/x', 'feature/x', true],
    ['refs/heads/main', 'main', true],
    ['main', 'refs/heads/main', true],
    ['Main', 'main', false],
    ['main', undefined, undefined],
    ['0123456789abcdef0123456789abcdef01234567', 'main', undefined],
    ['refs/tags/prod', 'main', undefined],
    ['refs/pull/42/head', 'main', undefined],
    ['v1.2.3', 'main', undefined],
    ['1.2.3', 'main', undefined],
    ['v1.2.3-rc.1', 'main', undefined],
    ['1.x', 'main', undefined],
    ['^1.2', 'main', undefined],
    ['>=1.0.0 <2.0.0', 'main', undefined],
    ['*', 'main', undefined],
    ['release-1', 'release-1', true],
    ['release-1', 'main', false],
  ];
  for (const [want, branch, expected] of table) {
    it(`${JSON.stringify(want)} on ${JSON.stringify(branch)} → ${String(expected)}`, () => assert.equal(revisionMatches(want, branch), expected));
  }
});

describe('core/drift/deployedBy normalizePath', () => {
  const table: Array<[string, string | undefined]> = [
    ['.', ''],
    ['./', ''],
    ['', ''],
    ['/', ''],
    ['apps/x/', 'apps/x'],
    ['./apps//x/./', 'apps/x'],
    ['apps/x/../y', 'apps/y'],
    ['../outside', undefined],
    ['apps\\x', 'apps/x'],
  ];
  for (const [p, want] of table) it(`${JSON.stringify(p)} → ${String(want)}`, () => assert.equal(normalizePath(p), want));
});
