/**
 * The one place a ForgeRepo becomes a ForgeClient.
 */
import type { ForgeClient, ForgeCredentials, ForgeRepo } from '../../core/forge/types';
import { AzureDevOpsClient } from './azureDevOps';
import { BitbucketCloudClient } from './bitbucketCloud';
import { BitbucketServerClient } from './bitbucketServer';
import { GiteaClient } from './gitea';
import { GithubClient } from './github';
import { GitlabClient } from './gitlab';
import type { ForgeClientOptions } from './http';

export function createForgeClient(repo: ForgeRepo, creds: ForgeCredentials, opts: ForgeClientOptions = {}): ForgeClient {
  switch (repo.kind) {
    case 'github':
    case 'github-enterprise':
      return new GithubClient(repo, creds, opts);
    case 'gitlab':
      return new GitlabClient(repo, creds);
    case 'bitbucket-cloud':
      return new BitbucketCloudClient(repo, creds, opts);
    case 'bitbucket-server':
      return new BitbucketServerClient(repo, creds, opts);
    case 'azure-devops':
      return new AzureDevOpsClient(repo, creds, opts);
    case 'gitea':
      return new GiteaClient(repo, creds, opts);
  }
}
