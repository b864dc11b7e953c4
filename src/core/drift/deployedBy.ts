/**
 * Which apps, in which clusters, deploy a file of the workspace (issue 5: "A file can be deployed by
 * several apps in several clusters (one lens each)"). Pure: the caller supplies the workspace
 * repository's remotes and branch, and the apps from AppStore.
 *
 * Matching is by repository and path only. What this cannot see, and so does not decide:
 * - Argo CD directory apps read only the files directly in `path` unless `directory.recurse` is set,
 *   while Kustomize and Helm apps (a kustomization.yaml or Chart.yaml in `path`) may read any file
 *   below it (Argo CD docs, "Directory": recurse; "Tool Detection"). The App model carries neither the
 *   recurse flag nor the tool, so files in sub-directories ARE reported, with `inSubdirectory: true`,
 *   for the caller to qualify ("deployed if recursive / if referenced by the kustomization").
 * - Files outside the path that a kustomization pulls in (`../base`) and Helm value files referenced as
 *   `$ref/…` from another source are not found.
 * - Whether the file is a manifest at all (README.md in an app directory) is the caller's concern.
 */
import { normalizeRemoteUrl } from '../git/remoteUrl';
import type { App, AppSource } from '../model/app';

export interface DeployedByInput {
  readonly repo: {
    readonly remotes: readonly string[];
    /** Workspace repository root, posix. */
    readonly root: string;
    /** The checked-out branch; undefined on a detached HEAD. */
    readonly branch?: string;
  };
  /** Posix path relative to `root` (an absolute path below `root` is accepted too). */
  readonly file: string;
  readonly apps: readonly App[];
  /**
   * Resolves a Flux source reference (`Kind/namespace/name`) to its App; `cluster` is the cluster of
   * the app holding the reference. Defaults to a lookup by key among `apps`.
   */
  readonly sourceOf?: (ref: string, cluster: string) => App | undefined;
}

export interface Deployment {
  readonly app: App;
  /** The cluster where the app object lives (an Argo CD app may deploy to another: `app.destination`). */
  readonly cluster: string;
  /** The app's directory in the repository, normalised: '' for the root, else `a/b` (no `./`, no slash). */
  readonly appPath: string;
  /** Argo CD `destination.namespace`, Flux `targetNamespace` (HelmRelease: else its own namespace). */
  readonly namespace: string | undefined;
  /**
   * The app's requested revision against the checked-out branch: true/false when both are branch names
   * (or the app follows HEAD), undefined when the app pins a commit, tag or semver range.
   */
  readonly revisionMatches: boolean | undefined;
  /** The revision the app tracks, as a person reads it (`main`; Flux's default ref is `master`). */
  readonly revision: string | undefined;
  /** The checked-out branch compared with it (without `refs/heads/`); undefined on a detached HEAD. */
  readonly branch: string | undefined;
  /** The file is below `appPath` rather than directly in it (see the module comment for Argo CD). */
  readonly inSubdirectory: boolean;
  /** The path is a Helm chart directory (Flux HelmRelease from a GitRepository): templates, values. */
  readonly chart: boolean;
}

export function appsDeployingFile(input: DeployedByInput): Deployment[] {
  const remotes = new Set(input.repo.remotes.map(normalizeRemoteUrl));
  const file = relativeFile(input.repo.root, input.file);
  if (file === undefined || remotes.size === 0) return [];
  const sourceOf = input.sourceOf ?? defaultSourceOf(input.apps);
  const out: Deployment[] = [];
  for (const app of input.apps) {
    if (app.role !== 'app') continue;
    const candidates = app.tool === 'argocd' ? argoCandidates(app) : fluxCandidates(app, sourceOf);
    let best: Deployment | undefined;
    for (const c of candidates) {
      if (c.repoURL === undefined || !remotes.has(normalizeRemoteUrl(c.repoURL))) continue;
      const appPath = normalizePath(c.path);
      if (appPath === undefined || !isInside(file, appPath)) continue;
      const d: Deployment = {
        app,
        cluster: app.cluster,
        appPath,
        namespace: app.destination?.namespace || undefined,
        revisionMatches: revisionMatches(c.revision, input.repo.branch),
        revision: displayRevision(c.revision),
        branch: input.repo.branch?.replace(/^refs\/heads\//, ''),
        inSubdirectory: file.slice(appPath === '' ? 0 : appPath.length + 1).includes('/'),
        chart: c.chart,
      };
      // One lens per app: of several matching sources, the deepest path is the most specific.
      if (best === undefined || d.appPath.length > best.appPath.length) best = d;
    }
    if (best !== undefined) out.push(best);
  }
  return out.sort((a, b) => cmp(a.cluster, b.cluster) || cmp(a.app.name, b.app.name) || cmp(a.app.namespace, b.app.namespace) || cmp(a.app.key, b.app.key));
}

interface Candidate {
  readonly repoURL: string | undefined;
  readonly path: string;
  /** Revision as the tool requests it; `FLUX_DEFAULT` stands for Flux's default ref. */
  readonly revision: string | undefined;
  readonly chart: boolean;
}

/**
 * Argo CD: every source of `spec.source`/`spec.sources`. Sources with `chart` come from a Helm
 * repository or OCI registry, never from a Git path, and are skipped. A Git source without `path`
 * is the repository root for a single-source app; in a multi-source app it is a `ref`-only source
 * (values files for `$ref/…`), which Argo CD does not render (docs "Multiple Sources for an
 * Application"), so it is skipped there.
 */
function argoCandidates(app: App): Candidate[] {
  const out: Candidate[] = [];
  for (const s of app.sources) {
    if (s.chart !== undefined && s.chart !== '') continue;
    if (s.path === undefined && app.sources.length > 1) continue;
    out.push({ repoURL: s.repoURL, path: s.path ?? '', revision: argoRevision(s), chart: false });
  }
  return out;
}

function argoRevision(s: AppSource): string | undefined {
  const r = s.targetRevision?.trim() ?? '';
  // Argo CD: an empty targetRevision means HEAD (the repository's default branch).
  return r === '' ? 'HEAD' : r;
}

/**
 * Flux: a Kustomization's `spec.path` is relative to the root of its source's artifact and every file
 * below it counts (kustomize-controller generates a kustomization.yaml over all manifests of the
 * directory tree when there is none). A HelmRelease's chart from a GitRepository is
 * `spec.chart.spec.chart`, a path in that repository, reached through the HelmChart the
 * helm-controller creates (`spec.chartRef` may also name the HelmChart directly).
 */
function fluxCandidates(app: App, sourceOf: (ref: string, cluster: string) => App | undefined): Candidate[] {
  const s = app.sources[0];
  if (s?.ref === undefined) return [];
  if (app.kind === 'Kustomization') {
    const git = gitRepository(sourceOf(s.ref, app.cluster));
    if (git === undefined) return [];
    return [{ repoURL: git.repoURL, path: s.path ?? '', revision: git.revision, chart: false }];
  }
  if (app.kind === 'HelmRelease' && s.ref.startsWith('HelmChart/')) {
    const helmChart = sourceOf(s.ref, app.cluster);
    const chartSrc = helmChart?.sources[0];
    const chartPath = chartSrc?.chart ?? s.chart;
    if (chartSrc?.ref === undefined || chartPath === undefined) return [];
    const git = gitRepository(sourceOf(chartSrc.ref, app.cluster));
    if (git === undefined) return [];
    return [{ repoURL: git.repoURL, path: chartPath, revision: git.revision, chart: true }];
  }
  return [];
}

const FLUX_DEFAULT = '\0flux-default';

function gitRepository(source: App | undefined): { repoURL: string | undefined; revision: string } | undefined {
  if (source === undefined || source.kind !== 'GitRepository') return undefined;
  const s = source.sources[0];
  const r = s?.targetRevision?.trim() ?? '';
  return { repoURL: s?.repoURL, revision: r === '' ? FLUX_DEFAULT : r };
}

function defaultSourceOf(apps: readonly App[]): (ref: string, cluster: string) => App | undefined {
  const byKey = new Map(apps.map((a) => [a.key, a]));
  return (ref, cluster) => {
    const [kind, ns, name] = ref.split('/');
    return byKey.get(`${cluster}/flux/${kind ?? ''}/${ns ?? ''}/${name ?? ''}`);
  };
}

/**
 * The requested revision against the local branch. HEAD follows whatever branch is checked out for
 * the purpose of editing (the app deploys the default branch, which is what a PR from here targets).
 * Commits (40 or 64 hex), tags (`refs/tags/…`, version-like names) and semver ranges pin something a
 * branch name cannot be compared with: undefined. Any other name is taken as a branch.
 */
export function revisionMatches(requested: string | undefined, branch: string | undefined): boolean | undefined {
  let want = requested?.trim() ?? '';
  if (want === '' || want === 'HEAD') return true;
  if (want === FLUX_DEFAULT) {
    // source-controller GitRepositoryRef.Branch: "defaults to 'master' if no other field is defined".
    want = 'master';
  }
  if (/^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(want)) return undefined;
  if (want.startsWith('refs/heads/')) want = want.slice('refs/heads/'.length);
  else if (want.startsWith('refs/')) return undefined;
  if (isVersionLike(want)) return undefined;
  if (branch === undefined) return undefined;
  const have = branch.startsWith('refs/heads/') ? branch.slice('refs/heads/'.length) : branch;
  return have === want;
}

function displayRevision(r: string | undefined): string | undefined {
  if (r === undefined) return undefined;
  // source-controller GitRepositoryRef.Branch defaults to 'master' (see revisionMatches).
  if (r === FLUX_DEFAULT) return 'master';
  return r.startsWith('refs/heads/') ? r.slice('refs/heads/'.length) : r;
}

/** Semver versions and constraints (`v1.2.3`, `1.x`, `^1.2`, `>=1.0 <2.0`, `*`) as Argo CD and Flux accept them. */
function isVersionLike(s: string): boolean {
  if (/^v?\d+(\.(\d+|[xX*]))*(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(s)) return true;
  return /^[\s\d.xX*^~<>=|,v-]+$/.test(s) && /[\d*]/.test(s);
}

/** A path with `/` separators (Windows paths use `\`): the one form repository paths are compared in. */
export function toPosix(p: string): string {
  return p.replace(/\\/g, '/');
}

/** `./a//b/`, `/a/b`, `a/./b` → `a/b`; `.`, `./`, '' → ''; undefined if `..` leaves the root. */
export function normalizePath(p: string): string | undefined {
  const out: string[] = [];
  for (const seg of toPosix(p).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.pop() === undefined) return undefined;
    } else out.push(seg);
  }
  return out.join('/');
}

function relativeFile(root: string, file: string): string | undefined {
  const r = root.replace(/\/+$/, '');
  if (r !== '' && file.startsWith(`${r}/`)) return normalizePath(file.slice(r.length + 1));
  // An absolute path outside the root (`/…`, `C:/…`) is not in this repository.
  if (file.startsWith('/') || /^[a-z]:\//i.test(file)) return undefined;
  return normalizePath(file);
}

function isInside(file: string, dir: string): boolean {
  if (file === '') return false;
  return dir === '' || file.startsWith(`${dir}/`);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
