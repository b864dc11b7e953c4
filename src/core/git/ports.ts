/**
 * What the editor asks of the user's local repositories, as ports. src/infra/git/workspaceRepos.ts
 * implements discovery (reads of `.git` files), src/infra/git/localGit.ts the questions that need plain
 * `git` processes, src/infra/git/repositoryFiles.ts the file reads with the bounds of
 * src/infra/repoFiles.ts. src/vscode holds no Node I/O (lint rule) and reaches the disk only through these.
 */
import type { BlameResult } from '../audit/blame';
import type { CommitRecord } from '../audit/commits';
import type { GraphCommit } from '../audit/graph';

/** A working tree found by walking up to its `.git`, with what `.git` says about it. */
export interface GitWorkspace {
  readonly root: string;
  /** The `url` of every `[remote "…"]` section of the repository's config. */
  readonly urls: readonly string[];
  /** The checked-out branch (without `refs/heads/`); undefined on a detached HEAD. */
  readonly branch?: string;
}

export interface ChangedFile {
  /** Repo-relative, posix. */
  readonly path: string;
  readonly status: 'added' | 'modified' | 'deleted';
}

export interface LogEntry {
  readonly sha: string;
  readonly author: string;
  readonly date: string;
  readonly subject: string;
}

/**
 * Repository discovery without a git process (reads `.git`, `HEAD` and `config` files, bounded): cheap
 * enough for every edit of a manifest, and allowed in Restricted Mode since no program of the
 * repository's choosing runs.
 */
export interface RepositoryDiscovery {
  /** The repository containing `folder` (walking up), or undefined. */
  workspaceOf(folder: string): GitWorkspace | undefined;
  /** The repositories among `folders` whose remotes name `repoUrl` (core/git/remoteUrl normalizeRemoteUrl). */
  findClones(folders: readonly string[], repoUrl: string): GitWorkspace[];
}

/**
 * Read-only questions to a repository that need `git` itself. Nothing here writes to the working tree,
 * the index or refs. Implementations refuse in an untrusted workspace: the repository's own
 * `.git/config` may name programs git runs (core.fsmonitor, core.pager, diff/filter drivers…).
 */
export interface LocalGit {
  /** `git rev-parse --show-toplevel` of a folder; undefined outside a repository. */
  repoRootOf(dir: string): Promise<string | undefined>;
  /** Files that differ from HEAD in the working tree (staged, unstaged or untracked), YAML only unless `all`. */
  changedFiles(root: string, all?: boolean): Promise<ChangedFile[]>;
  /** The file's content at HEAD, or undefined when HEAD has no such file. */
  headContent(root: string, rel: string): Promise<string | undefined>;
  /** Commits touching `rel` (a file or directory), newest first. */
  logOfPath(root: string, rel: string, max?: number): Promise<LogEntry[]>;
  /** Whether `sha` names a commit in the repository. */
  hasCommit(root: string, sha: string): Promise<boolean>;
  commitSubject(root: string, sha: string): Promise<string | undefined>;
  /** Names of the files directly in `dir` at HEAD; empty when absent. */
  headDirFiles(root: string, dir: string): Promise<string[]>;
}

/** An entry of a repository's working tree, found by `RepositoryFiles.locate`. */
export interface LocatedEntry {
  readonly path: string;
  readonly type: 'file' | 'dir';
}

/**
 * Files of a working tree someone else wrote (issue 12): nothing here follows a link out of the
 * repository, waits on a FIFO, or reads without a bound.
 */
export interface RepositoryFiles {
  /**
   * A working-tree file's text; null when it does not exist. Rejects (with words) a link, a special
   * file or a file over the bound.
   */
  readText(file: string): Promise<string | null>;
  /**
   * `rel` (repo-relative, as a cluster object names it) under `root`, when it stays inside the
   * repository: a path climbing out (`../..`), an absolute path, or a link resolving outside (or into
   * `.git`) is refused with words. Undefined when nothing is there.
   */
  locate(root: string, rel: string): Promise<LocatedEntry | undefined>;
  /** YAML files below `dir`, by the bounded walk (no link followed, at most 5,000 entries). */
  yamlFilesUnder(dir: string): Promise<string[]>;
}

/**
 * The history questions of the audit trail in the editor (issue 17: the History node, the blame hover),
 * for one repository. src/infra/git/history.ts GitHistory answers them with bounded `git` processes;
 * the editor's instance refuses every process in Restricted Mode (the repository's `.git/config` may
 * name programs git runs).
 */
export interface RepositoryHistory {
  /** Commits reachable from `ref` that changed any of `paths`, newest first (`git log REF -- PATHS`). */
  pathHistory(q: { readonly ref: string; readonly paths: readonly string[]; readonly maxCount?: number }): Promise<CommitRecord[]>;
  /** The commits named by full id; unknown ids are left out. */
  commits(ids: readonly string[]): Promise<CommitRecord[]>;
  /** Ids and parents of the commits reachable from `refs`. */
  graph(q: { readonly refs: readonly string[]; readonly maxCount?: number }): Promise<GraphCommit[]>;
  /** Which names are commits: name → full id. */
  resolve(names: readonly string[]): Promise<Map<string, string>>;
  /** `git blame --porcelain` of a line range of a repo-relative file, or of `contents` in its place. */
  blame(q: { readonly file: string; readonly startLine: number; readonly endLine: number; readonly contents?: string }): Promise<BlameResult>;
}
