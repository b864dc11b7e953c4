/**
 * What opening a pull request needs from Git, as a port: `src/infra/git/publish.ts` implements it
 * with plain `git` processes, tests with real git against `git http-backend`. The forge side is the
 * `ForgeClient` port of `src/core/forge/types.ts`.
 */

/** One file as it should be on the new branch; `content: null` deletes it. Paths are repo-relative, posix. */
export interface FileEdit {
  readonly path: string;
  readonly content: string | null;
  /**
   * The content the edit was made from (the user's HEAD version), undefined for a new file. When
   * given and the base branch's tip holds something else, the base moved under the user's change and
   * the publish fails with a `conflict` instead of silently overwriting someone else's commit.
   */
  readonly before?: string | undefined;
}

/**
 * How git authenticates to the remote. `header` is the `Authorization` value from
 * `gitHttpAuthHeader` (core/forge/types, e.g. `Basic …`) or a complete header line (`Name: value`);
 * it is passed per process through GIT_CONFIG_COUNT/KEY/VALUE, so it is in neither argv, git config
 * nor any URL. `ssh` uses the user's agent and ssh config. `none` for anonymous or pre-configured
 * credential helpers.
 */
export type GitAuth = { readonly kind: 'header'; readonly header: string } | { readonly kind: 'ssh' } | { readonly kind: 'none' };

type PublishStep = 'resolve' | 'fetch' | 'commit' | 'push' | 'retry';

export interface PublishProgress {
  readonly step: PublishStep;
  /** Words for a progress notification; never contains credentials. */
  readonly message: string;
}

interface PublishRequestBase {
  /** The user's repository (its working tree root). Nothing in its working tree, index, HEAD or stash changes. */
  readonly repoRoot: string;
  /** Remote name; default `origin`. */
  readonly remote?: string;
  /**
   * Branch the change is based on (and the PR targets); default: the remote's default branch
   * (`git ls-remote --symref <remote> HEAD`).
   */
  readonly base?: string;
  /** Branch to create, e.g. `gitops/guestbook-replicas`; suffixed `-2`, `-3`, … when taken. */
  readonly branch: string;
  /** `create`: a new branch (fresh name when taken). `update`: a fast-forward commit on top of the existing `branch` (an open PR). */
  readonly mode?: 'create' | 'update';
  readonly message: string;
  /** Default: `user.name` / `user.email` of the repository's git config. */
  readonly author?: { readonly name: string; readonly email: string };
  readonly auth: GitAuth;
  /** Branches that must never be pushed to (forge branch protection), besides base and default. */
  readonly isProtected?: (branch: string) => boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: PublishProgress) => void;
}

export type PublishRequest =
  | (PublishRequestBase & { readonly edits: readonly FileEdit[]; readonly revert?: undefined })
  /** Commits to revert (Propose Rollback), applied newest first as one commit. */
  | (PublishRequestBase & { readonly revert: readonly string[]; readonly edits?: undefined });

export interface PublishResult {
  /** The branch actually pushed (may carry a `-N` suffix). */
  readonly branch: string;
  readonly base: string;
  /** The base tip the commit was built on (the remote's, fetched just before). */
  readonly baseSha: string;
  readonly commitSha: string;
  /** Repo-relative paths the commit changes. */
  readonly files: readonly string[];
  /** The remote's default branch (what `base` defaults to). */
  readonly defaultBranch: string;
}

export type PublishErrorCode =
  /** Target branch is the base, the default or a protected branch. */
  | 'protectedBranch'
  /** Revert or moved-base conflict; `files` lists the paths. */
  | 'conflict'
  /** The edits produce the tree the parent already has. */
  | 'noChanges'
  /** Remote refused the credentials (HTTP 401/403, ssh publickey). */
  | 'auth'
  /** `update` mode: the branch moved on the remote or no longer exists. */
  | 'branchMoved'
  | 'branchMissing'
  /** Push kept being rejected after retries on fresh names. */
  | 'rejected'
  | 'noRemote'
  | 'noIdentity'
  | 'badRevert'
  | 'cancelled'
  | 'network'
  | 'git';

/** Typed where it enters (STYLE.md rule 8); `message` is for the user and never carries a token. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly code: PublishErrorCode,
    message: string,
    readonly files: readonly string[] = [],
  ) {
    super(message);
  }
}

export interface GitPublisher {
  /** The remote's default branch (`ls-remote --symref <remote> HEAD`). */
  defaultBranch(repoRoot: string, remote: string, auth: GitAuth, signal?: AbortSignal): Promise<string>;
  /** Remote URL (`git remote get-url`), for deriving the forge. */
  remoteUrl(repoRoot: string, remote: string): Promise<string>;
  publish(req: PublishRequest): Promise<PublishResult>;
}
